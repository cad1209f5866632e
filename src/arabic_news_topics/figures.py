"""The figures of every stage, drawn from the stage's tables (PNG and PDF, one style).

Each function reads the tables it needs, draws one figure with :mod:`.style`, and saves it.
Per-document figures show at most ``max_documents`` documents, drawn reproducibly, and say so
in their title when the corpus is larger.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from scipy.cluster.hierarchy import dendrogram

from .style import barh, heatmap, new_figure, sample_rows, save_figure
from .tables import read_table

PALETTE = [
    "#3b6ea8",
    "#d1603d",
    "#5aa469",
    "#8e6bb8",
    "#c9a227",
    "#4bb3c4",
    "#a0522d",
    "#e377c2",
    "#7f7f7f",
    "#17becf",
]


def _shown(n_shown: int, n_total: int) -> str:
    return f" ({n_shown} of {n_total} documents, sampled)" if n_shown < n_total else ""


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def plot_document_lengths(lengths_csv: str, png: str, pdf: str, max_documents: int = 40) -> None:
    """Words per document: one bar per document for small corpora, a histogram otherwise."""
    lengths = read_table(lengths_csv)
    if len(lengths) <= max_documents:
        fig, axes = new_figure(1.0 + 0.28 * len(lengths))
        ax = axes[0, 0]
        barh(ax, lengths["doc_id"].astype(str).tolist(), lengths["words"], fmt="d")
        ax.set_xlabel("words (whitespace-separated)")
        ax.set_title(f"Document lengths: {len(lengths)} documents")
    else:
        fig, axes = new_figure(3.0)
        ax = axes[0, 0]
        ax.hist(
            lengths["words"], bins=min(60, max(10, int(math.sqrt(len(lengths))))), color=_colour(0)
        )
        ax.set_xlabel("words per document")
        ax.set_ylabel("documents")
        ax.set_title(
            f"Document lengths: {len(lengths)} documents, "
            f"median {lengths['words'].median():.0f} words"
        )
    save_figure(fig, png, pdf)


def plot_vocabulary_by_step(steps_csv: str, png: str, pdf: str) -> None:
    """Vocabulary size and token count after each normalization rule, in order."""
    steps = read_table(steps_csv)
    fig, axes = new_figure(0.8 + 0.3 * len(steps), ncols=2)
    labels = steps["step"].tolist()
    barh(axes[0, 0], labels, steps["vocabulary"], fmt="d")
    axes[0, 0].set_xlabel("distinct word types")
    axes[0, 0].set_title("Vocabulary size after each rule")
    barh(axes[0, 1], labels, steps["tokens"], color=_colour(1), fmt="d")
    axes[0, 1].set_xlabel("tokens")
    axes[0, 1].set_title("Tokens after each rule")
    for ax in axes[0]:
        ax.set_xlim(0, ax.get_xlim()[1] * 1.15)
    save_figure(fig, png, pdf)


def plot_top_terms(top_terms_csv: str, png: str, pdf: str, top_n: int = 25) -> None:
    """The most frequent terms after normalization."""
    terms = read_table(top_terms_csv).head(top_n)
    fig, axes = new_figure(0.8 + 0.2 * len(terms))
    ax = axes[0, 0]
    barh(ax, terms["term"].tolist(), terms["count"], fmt="d")
    ax.set_xlabel("occurrences in the corpus")
    ax.set_title(f"Top {len(terms)} terms after normalization")
    save_figure(fig, png, pdf)


def plot_top_terms_per_document(
    top_terms_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 12,
    top_n: int = 8,
    random_state: int = 42,
) -> None:
    """Small multiples: the highest TF-IDF terms of each document."""
    table = read_table(top_terms_csv)
    doc_ids = pd.DataFrame({"doc_id": table["doc_id"].unique()})
    shown, _ = sample_rows(doc_ids, max_documents, random_state)
    ncols = min(3, len(shown))
    nrows = math.ceil(len(shown) / ncols)
    fig, axes = new_figure(0.4 + 1.9 * nrows, ncols=ncols, nrows=nrows)
    for ax in axes.ravel()[len(shown) :]:
        ax.set_axis_off()
    for i, (ax, doc_id) in enumerate(zip(axes.ravel(), shown["doc_id"], strict=False)):
        rows = table[table["doc_id"] == doc_id].head(top_n)
        barh(ax, rows["term"].tolist(), rows["weight"], color=_colour(i))
        ax.set_title(str(doc_id), fontsize=8)
        ax.tick_params(axis="x", labelsize=6)
    fig.suptitle("Top TF-IDF terms per document" + _shown(len(shown), len(doc_ids)))
    save_figure(fig, png, pdf)


def plot_similarity(
    similarity_csv: str, png: str, pdf: str, max_documents: int = 40, random_state: int = 42
) -> None:
    """Document-by-document cosine similarity of the TF-IDF vectors."""
    table = read_table(similarity_csv).set_index("doc_id")
    shown, _ = sample_rows(pd.DataFrame(index=table.index), max_documents, random_state)
    matrix = table.loc[shown.index, shown.index]
    size = 2.2 + 0.3 * len(matrix)
    fig, axes = new_figure(min(size, 9.0))
    heatmap(
        axes[0, 0],
        matrix,
        cmap="magma",
        vmin=0,
        vmax=1,
        annotate=len(matrix) <= 15,
        colorbar_label="cosine similarity",
    )
    axes[0, 0].set_title("Cosine similarity of TF-IDF vectors" + _shown(len(matrix), len(table)))
    save_figure(fig, png, pdf)


def plot_topic_words(topics_csv: str, png: str, pdf: str, top_n: int = 10) -> None:
    """Top words of each topic with their weights (the chosen K)."""
    topics = read_table(topics_csv)
    ids = sorted(topics["topic"].unique())
    ncols = min(3, len(ids))
    nrows = math.ceil(len(ids) / ncols)
    fig, axes = new_figure(0.4 + 2.1 * nrows, ncols=ncols, nrows=nrows)
    for ax in axes.ravel()[len(ids) :]:
        ax.set_axis_off()
    for i, (ax, topic) in enumerate(zip(axes.ravel(), ids, strict=False)):
        rows = topics[topics["topic"] == topic].head(top_n)
        barh(ax, rows["term"].tolist(), rows["weight"], color=_colour(i))
        ax.set_title(f"Topic {topic}", fontsize=9)
        ax.tick_params(axis="x", labelsize=6)
    fig.suptitle(f"Top {top_n} words of each of the {len(ids)} LDA topics")
    save_figure(fig, png, pdf)


def plot_document_topics(
    doc_topics_csv: str, png: str, pdf: str, max_documents: int = 40, random_state: int = 42
) -> None:
    """Document-by-topic heatmap of the topic proportions."""
    table = read_table(doc_topics_csv).set_index("doc_id")
    matrix, _ = sample_rows(table, max_documents, random_state)
    matrix.columns = [c.replace("topic_", "Topic ") for c in matrix.columns]
    fig, axes = new_figure(min(1.6 + 0.3 * len(matrix), 9.0))
    heatmap(axes[0, 0], matrix, cmap="Blues", vmin=0, vmax=1, colorbar_label="topic proportion")
    axes[0, 0].set_title("Topic proportions of each document" + _shown(len(matrix), len(table)))
    save_figure(fig, png, pdf)


def plot_coherence(coherence_csv: str, png: str, pdf: str) -> None:
    """c_v and NPMI coherence against the number of topics, the chosen K marked."""
    table = read_table(coherence_csv)
    fig, axes = new_figure(2.6, ncols=2)
    chosen = table.loc[table["chosen"].astype(str) == "True", "num_topics"]
    for ax, measure, label in zip(
        axes[0], ("c_v", "c_npmi"), ("c_v coherence", "NPMI coherence"), strict=False
    ):
        ax.plot(table["num_topics"], table[measure], marker="o", color=_colour(0))
        for k in chosen:
            value = table.loc[table["num_topics"] == k, measure].iloc[0]
            ax.plot([k], [value], marker="*", markersize=14, color=_colour(1), linestyle="none")
        ax.set_xticks(table["num_topics"])
        ax.set_xlabel("number of topics K")
        ax.set_ylabel(label)
        ax.set_title(f"{label} by K")
    handle = Line2D([], [], marker="*", markersize=10, color=_colour(1), linestyle="none")
    fig.legend(
        [handle],
        [f"chosen K = {', '.join(str(k) for k in chosen)}"],
        loc="lower center",
        ncols=1,
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
    )
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
    save_figure(fig, png, pdf)


def plot_document_map(coordinates_csv: str, png: str, pdf: str, max_labels: int = 40) -> None:
    """Documents in two LSA dimensions, coloured by cluster."""
    table = read_table(coordinates_csv)
    fig, axes = new_figure(4.2)
    ax = axes[0, 0]
    for i, cluster in enumerate(sorted(table["cluster"].unique())):
        rows = table[table["cluster"] == cluster]
        ax.scatter(
            rows["x"],
            rows["y"],
            s=40 if len(table) <= 200 else 6,
            color=_colour(i),
            label=f"cluster {cluster} ({len(rows)})",
            alpha=0.85,
        )
    if len(table) <= max_labels:
        for row in table.itertuples():
            ax.annotate(
                str(row.doc_id),
                (row.x, row.y),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.margins(0.2)
    ax.set_xlabel("LSA dimension 1")
    ax.set_ylabel("LSA dimension 2")
    ax.legend(frameon=False, fontsize=7)
    ax.set_title(
        f"Documents in two LSA dimensions of TF-IDF, coloured by cluster ({len(table)} documents)"
    )
    save_figure(fig, png, pdf)


def plot_dendrogram(
    linkage_csv: str, assignments_csv: str, png: str, pdf: str, max_leaves: int = 40
) -> None:
    """Ward dendrogram of the documents (truncated to ``max_leaves`` leaves when larger)."""
    tree = read_table(linkage_csv).to_numpy(dtype=float)
    labels = read_table(assignments_csv)["doc_id"].astype(str).tolist()
    fig, axes = new_figure(max(2.6, 0.6 + 0.22 * min(len(labels), max_leaves)))
    ax = axes[0, 0]
    if len(tree):
        truncate = len(labels) > max_leaves
        dendrogram(
            tree,
            ax=ax,
            orientation="right",
            labels=None if truncate else labels,
            truncate_mode="lastp" if truncate else None,
            p=max_leaves,
            color_threshold=None,
            above_threshold_color=_colour(0),
            leaf_font_size=7,
        )
    ax.set_xlabel("Ward linkage distance")
    title = "Hierarchical clustering of documents (Ward, TF-IDF)"
    if len(labels) > max_leaves:
        title += f": last {max_leaves} merges of {len(labels)} documents"
    ax.set_title(title)
    save_figure(fig, png, pdf)


def plot_document_themes(
    doc_themes_csv: str, png: str, pdf: str, max_documents: int = 40, random_state: int = 42
) -> None:
    """Document-by-theme heatmap of the theme scores, dominant theme in the row label."""
    table = read_table(doc_themes_csv)
    table, _ = sample_rows(table, max_documents, random_state)
    matrix = table.drop(columns=["doc_id", "dominant_theme"])
    matrix.index = [
        f"{d} ({t})" for d, t in zip(table["doc_id"], table["dominant_theme"], strict=False)
    ]
    fig, axes = new_figure(min(1.8 + 0.3 * len(matrix), 9.0))
    heatmap(axes[0, 0], matrix, cmap="YlOrRd", vmin=0, colorbar_label="theme score")
    total = len(read_table(doc_themes_csv))
    axes[0, 0].set_title(
        "Theme scores of each document (dominant theme in brackets)" + _shown(len(matrix), total)
    )
    save_figure(fig, png, pdf)


def plot_theme_prevalence(prevalence_csv: str, png: str, pdf: str) -> None:
    """Documents per dominant theme and mean theme score."""
    table = read_table(prevalence_csv)
    fig, axes = new_figure(0.9 + 0.35 * len(table), ncols=2)
    labels = table["theme"].tolist()
    barh(axes[0, 0], labels, table["documents"], fmt="d")
    axes[0, 0].set_xlabel("documents")
    axes[0, 0].set_title("Documents per dominant theme")
    barh(
        axes[0, 1],
        labels,
        np.nan_to_num(table["mean_score"].to_numpy(dtype=float)),
        color=_colour(1),
        fmt=".3f",
    )
    axes[0, 1].set_xlabel("mean theme score")
    axes[0, 1].set_title("Mean theme score")
    for ax in axes[0]:
        ax.set_xlim(0, ax.get_xlim()[1] * 1.2)
    save_figure(fig, png, pdf)
