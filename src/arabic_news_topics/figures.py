"""The figures of every stage, drawn from the stage's tables (PNG and PDF, one style).

Each function reads the tables it needs, draws one figure with :mod:`.style`, and saves it.
Per-document figures show at most ``max_documents`` documents, drawn reproducibly, and say so
in their title when the corpus is larger.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
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


def _shown(n_shown: int, n_total: int, newline: bool = False) -> str:
    if n_shown >= n_total:
        return ""
    return ("\n" if newline else " ") + f"({n_shown} of {n_total} documents, sampled)"


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
    similarity_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 40,
    random_state: int = 42,
    total_documents: int | None = None,
) -> None:
    """Document-by-document cosine similarity of the TF-IDF vectors.

    ``total_documents``: the documents of the corpus, when the table holds a sample of them.
    """
    table = read_table(similarity_csv, dtype={"doc_id": str}).set_index("doc_id")
    shown, _ = sample_rows(pd.DataFrame(index=table.index), max_documents, random_state)
    matrix = table.loc[shown.index, shown.index].astype(float)
    # A document with itself (always 1) is left blank, so the colours span the pairs.
    values = matrix.to_numpy()
    np.fill_diagonal(values, np.nan)
    matrix = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    size = 2.2 + 0.3 * len(matrix)
    fig, axes = new_figure(min(size, 9.0))
    heatmap(
        axes[0, 0],
        matrix,
        cmap="magma",
        vmin=0,
        vmax=top if top > 0 else 1.0,
        annotate=len(matrix) <= 15,
        colorbar_label="cosine similarity",
    )
    for text in axes[0, 0].texts:
        if text.get_text() == "nan":
            text.set_text("")
    if len(matrix) > 20:
        # Many document ids: upright and smaller, so that they do not overlap.
        for label in axes[0, 0].get_xticklabels():
            label.set(rotation=90, ha="center", fontsize=6)
        axes[0, 0].tick_params(axis="y", labelsize=6)
    total = max(len(table), total_documents or 0)
    axes[0, 0].set_title(
        "Cosine similarity of TF-IDF vectors (diagonal left blank)"
        + _shown(len(matrix), total, newline=True)
    )
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
    axes[0, 0].set_title(
        "Topic proportions of each document" + _shown(len(matrix), len(table), newline=True)
    )
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


#: Axis and title wording of the document map, by ``cluster.map``.
MAP_NAMES = {
    "lsa": ("LSA dimension", "two LSA dimensions of TF-IDF"),
    "tsne": ("t-SNE dimension", "a t-SNE map of 50 LSA dimensions"),
}


def plot_document_map(
    coordinates_csv: str, png: str, pdf: str, max_labels: int = 40, method: str = "lsa"
) -> None:
    """Documents on the 2-D map of ``method`` (``lsa`` or ``tsne``), coloured by cluster."""
    axis, where = MAP_NAMES[method]
    table = read_table(coordinates_csv)
    fig, axes = new_figure(4.2)
    ax = axes[0, 0]
    many = len(table) > 2000
    for i, cluster in enumerate(sorted(table["cluster"].unique())):
        rows = table[table["cluster"] == cluster]
        ax.scatter(
            rows["x"],
            rows["y"],
            s=40 if len(table) <= 200 else (6 if not many else 2),
            color=_colour(i),
            label=f"cluster {cluster} ({len(rows)})",
            alpha=0.85 if not many else 0.4,
            linewidths=0,
            # Every document is drawn; in the PDF as an image when there are thousands.
            rasterized=many,
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
    ax.set_xlabel(f"{axis} 1")
    ax.set_ylabel(f"{axis} 2")
    legend = ax.legend(frameon=False, fontsize=7, markerscale=1 if not many else 4)
    for handle in legend.legend_handles:
        handle.set_alpha(1)
    ax.set_title(f"Documents in {where}, coloured by cluster ({len(table)} documents)")
    save_figure(fig, png, pdf)


def plot_dendrogram(
    linkage_csv: str,
    assignments_csv: str,
    png: str,
    pdf: str,
    max_leaves: int = 40,
    random_state: int = 42,
) -> None:
    """Ward dendrogram of the documents, leaves labelled and coloured by cluster.

    The linkage is that of every document up to ``max_leaves``, otherwise of the reproducible
    sample of ``max_leaves`` documents that every per-document figure shows (cluster_step
    draws it the same way), so each leaf is a document.
    """
    tree = read_table(linkage_csv).to_numpy(dtype=float)
    assignments = read_table(assignments_csv, dtype={"doc_id": str})
    shown, _ = sample_rows(assignments, max_leaves, random_state)
    if len(tree) and len(tree) != len(shown) - 1:
        raise ValueError(
            f"{linkage_csv} joins {len(tree) + 1} documents, not the {len(shown)} shown"
        )
    labels = [f"{d} ({c})" for d, c in zip(shown["doc_id"], shown["cluster"], strict=True)]
    colours = {c: _colour(i) for i, c in enumerate(sorted(assignments["cluster"].unique()))}
    fig, axes = new_figure(max(2.6, 0.6 + 0.22 * len(shown)))
    ax = axes[0, 0]
    if len(tree):
        drawn = dendrogram(
            tree,
            ax=ax,
            orientation="right",
            labels=labels,
            color_threshold=None,
            above_threshold_color=_colour(0),
            leaf_font_size=7,
        )
        clusters = shown["cluster"].to_numpy()
        for label, leaf in zip(ax.get_yticklabels(), drawn["leaves"], strict=True):
            label.set_color(colours[clusters[leaf]])
    ax.set_xlabel("Ward linkage distance")
    ax.set_title(
        "Hierarchical clustering of documents (Ward, TF-IDF), cluster in brackets"
        + _shown(len(shown), len(assignments), newline=True)
    )
    save_figure(fig, png, pdf)


def plot_document_themes(
    doc_themes_csv: str, png: str, pdf: str, max_documents: int = 40, random_state: int = 42
) -> None:
    """Document-by-theme heatmap of the theme scores, dominant theme in the row label."""
    table = read_table(doc_themes_csv)
    total = len(table)
    table, _ = sample_rows(table, max_documents, random_state)
    matrix = table.drop(columns=["doc_id", "dominant_theme"])
    matrix.index = [
        f"{d} ({t})" for d, t in zip(table["doc_id"], table["dominant_theme"], strict=False)
    ]
    fig, axes = new_figure(min(1.8 + 0.3 * len(matrix), 9.0))
    heatmap(axes[0, 0], matrix, cmap="YlOrRd", vmin=0, colorbar_label="theme score")
    axes[0, 0].set_title(
        "Theme scores of each document (dominant theme in brackets)"
        + _shown(len(matrix), total, newline=True)
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


# ---------------------------------------------------------------------------------------
# Stage 8: topic and theme prevalence over time and by source.

#: Colour of the documents without a theme (``none``) in the trend figures.
NO_THEME_COLOUR = "#9a9a9a"


def _coverage_counts(coverage_csv: str) -> dict[str, int]:
    """Documents per item of the trends coverage table (``all documents``, ``with a date`` …)."""
    table = read_table(coverage_csv)
    return {str(i): int(n) for i, n in zip(table["item"], table["documents"], strict=True)}


def _no_data_figure(title: str, message: str, png: str, pdf: str) -> None:
    """A figure that says in words why there is nothing to draw."""
    fig, axes = new_figure(1.6)
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, transform=ax.transAxes)
    save_figure(fig, png, pdf)


def _theme_colours(themes) -> dict[str, str]:
    """One colour per theme, by the theme's name in alphabetical order; ``none`` in grey."""
    named = sorted({str(t) for t in themes} - {"none"})
    colours = {theme: _colour(i) for i, theme in enumerate(named)}
    colours["none"] = NO_THEME_COLOUR
    return colours


def _theme_name(theme: str) -> str:
    """How a theme is named in figure labels (``none``: ``no theme``)."""
    return "no theme" if theme == "none" else theme


def _topic_labels(topic_summary_csv: str, n_words: int = 3) -> dict[str, tuple[str, str, str]]:
    """``topic_<k>`` to (``Topic k``, its first ``n_words`` top words, its theme)."""
    summary = read_table(topic_summary_csv, dtype={"top_words": str, "theme": str})
    labels = {}
    for row in summary.itertuples():
        words = "" if pd.isna(row.top_words) else "، ".join(row.top_words.split("، ")[:n_words])
        theme = "none" if pd.isna(row.theme) else row.theme
        labels[f"topic_{row.topic}"] = (f"Topic {row.topic}", words, theme)
    return labels


def _period_dates(periods: pd.Series) -> pd.Series:
    """First day of each period label (``YYYY-MM`` or a week's Monday ``YYYY-MM-DD``)."""
    return pd.to_datetime(periods.astype(str), format="mixed")


def _date_axis(ax, dates: pd.Series, period: str, max_ticks: int = 4) -> None:
    """Ticks on at most ``max_ticks`` periods (evenly spaced, the first one included), labelled
    ``Jul`` (month) or ``20 Jul`` (week, its Monday), with the year under the first tick and
    wherever it changes; room for half a period on either side."""
    dates = pd.Series(dates).reset_index(drop=True)
    ticks = dates.iloc[:: max(1, math.ceil(len(dates) / max_ticks))]
    labels, year = [], None
    for day in ticks:
        label = f"{day:%b}" if period == "month" else f"{day.day} {day:%b}"
        labels.append(label if day.year == year else f"{label}\n{day.year}")
        year = day.year
    ax.set_xticks(ticks.tolist(), labels)
    half = pd.Timedelta(days=4 if period == "week" else 16)
    ax.set_xlim(dates.min() - half, dates.max() + half)


def _left_out(count: int, what: str) -> str:
    """`` (3 undated documents not shown)``, or nothing when ``count`` is zero."""
    if not count:
        return ""
    return f" ({count} {what if count > 1 else what.replace('documents', 'document')} not shown)"


def plot_topics_over_time(
    topics_over_time_csv: str,
    topic_summary_csv: str,
    coverage_csv: str,
    png: str,
    pdf: str,
    period: str = "month",
) -> None:
    """Small multiples: each topic's mean share per period, the other topics in grey.

    Panels are ordered by the topic's overall prevalence (its mean share over the dated
    documents) and titled with the topic's top three words and theme; the line takes the
    theme's colour. The top panel counts the documents of each period. Without dates, the
    figure says so.
    """
    table = read_table(topics_over_time_csv, dtype={"period": str})
    counts = _coverage_counts(coverage_csv)
    undated = counts["all documents"] - counts["with a date"]
    title = f"Topic prevalence by {period}"
    if table.empty:
        _no_data_figure(
            title,
            f"No document has a date: {undated} of {counts['all documents']} documents are "
            "undated,\nso there is no topic prevalence over time to show.",
            png,
            pdf,
        )
        return
    labels = _topic_labels(topic_summary_csv)
    columns = [c for c in table.columns if c.startswith("topic_")]
    dates = _period_dates(table["period"])
    shares = table[columns].astype(float)
    documents = table["documents"].astype(int)
    overall = (shares.fillna(0).mul(documents, axis=0)).sum() / max(int(documents.sum()), 1)
    order = sorted(columns, key=lambda c: (-round(float(overall[c]), 12), int(c[6:])))
    colours = _theme_colours(labels[c][2] for c in columns if c in labels)
    ncols = min(len(columns), 4 if len(columns) <= 24 else 5)
    nrows = math.ceil(len(columns) / ncols)
    fig, axes = new_figure(2.0 + 1.15 * nrows, ncols=ncols, nrows=nrows + 1)
    grid = axes[0, 0].get_gridspec()
    for ax in axes[0]:
        ax.remove()
    top = fig.add_subplot(grid[0, :])
    width = pd.Timedelta(days=5 if period == "week" else 22)
    top.bar(dates, documents, width=width, color=_colour(0))
    top.set_ylabel("documents")
    top.set_title(f"Documents per {period}" + _left_out(undated, "undated documents"), fontsize=9)
    _date_axis(top, dates, period, max_ticks=12)
    panels = axes[1:].ravel()
    for ax in panels[len(order) :]:
        ax.set_axis_off()
    ymax = float(np.nanmax(shares.to_numpy())) * 1.1 if shares.notna().any().any() else 1.0
    marker = "o" if len(table) <= 16 else None
    for i, (ax, column) in enumerate(zip(panels, order, strict=False)):
        name, words, theme = labels.get(column, (column.replace("topic_", "Topic "), "", "none"))
        for other in order:
            if other != column:
                ax.plot(dates, shares[other], color="#dddddd", linewidth=0.6, zorder=1)
        ax.plot(
            dates,
            shares[column],
            color=colours.get(theme, NO_THEME_COLOUR),
            linewidth=1.6,
            marker=marker,
            markersize=2.5,
            zorder=2,
        )
        heading = f"{name} ({_theme_name(theme)})"
        ax.set_title(f"{heading}\n{words}" if words else heading, fontsize=7)
        ax.set_ylim(0, ymax)
        _date_axis(ax, dates, period)
        ax.tick_params(labelsize=6)
        below = i + ncols
        if below < len(order):
            ax.tick_params(labelbottom=False)
        if i % ncols:
            ax.tick_params(labelleft=False)
        else:
            ax.set_ylabel("mean share", fontsize=7)
    themes = sorted({labels[c][2] for c in columns if c in labels}, key=lambda t: (t == "none", t))
    handles = [Line2D([], [], color=colours[t], linewidth=2) for t in themes]
    fig.legend(
        handles,
        [_theme_name(t) for t in themes],
        title="colour: the topic's theme",
        title_fontsize=7,
        loc="outside lower center",
        ncols=min(len(themes), 5),
        frameon=False,
        fontsize=7,
    )
    fig.suptitle(
        f"Mean topic share by {period}, topics by overall prevalence (grey: the other topics)"
    )
    save_figure(fig, png, pdf)


def plot_themes_over_time(
    themes_over_time_csv: str, coverage_csv: str, png: str, pdf: str, period: str = "month"
) -> None:
    """Each theme per period: the share of documents it dominates, and its mean score."""
    table = read_table(themes_over_time_csv, dtype={"period": str, "theme": str})
    counts = _coverage_counts(coverage_csv)
    undated = counts["all documents"] - counts["with a date"]
    title = f"Theme prevalence by {period}"
    if table.empty:
        _no_data_figure(
            title,
            f"No document has a date: {undated} of {counts['all documents']} documents are "
            "undated,\nso there is no theme prevalence over time to show.",
            png,
            pdf,
        )
        return
    themes = list(dict.fromkeys(table["theme"]))
    colours = _theme_colours(themes)
    marker = "o" if table["period"].nunique() <= 16 else None
    fig, axes = new_figure(3.2, ncols=2)
    for theme in themes:
        rows = table[table["theme"] == theme]
        dates = _period_dates(rows["period"])
        style = {
            "color": colours[theme],
            "linestyle": "--" if theme == "none" else "-",
            "marker": marker,
            "markersize": 3,
            "label": _theme_name(theme),
        }
        axes[0, 0].plot(dates, rows["dominant_share"].astype(float), **style)
        if rows["mean_score"].notna().any():
            axes[0, 1].plot(dates, rows["mean_score"].astype(float), **style)
    dates = _period_dates(table["period"])
    for ax, label in zip(axes[0], ("share of the documents", "mean theme score"), strict=True):
        _date_axis(ax, dates, period)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(label)
    axes[0, 0].set_title("Documents dominated by each theme")
    axes[0, 1].set_title("Mean theme score")
    fig.legend(
        *axes[0, 0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=min(len(themes), 5),
        frameon=False,
        fontsize=7,
    )
    fig.suptitle(f"Themes by {period}" + _left_out(undated, "undated documents"))
    save_figure(fig, png, pdf)


def _source_columns(table: pd.DataFrame, max_sources: int) -> tuple[pd.DataFrame, str]:
    """The ``max_sources`` largest sources (tables list them largest first), and a note."""
    sources = table.drop_duplicates("source")
    if len(sources) <= max_sources:
        return sources, ""
    return sources.head(max_sources), f" (the {max_sources} largest of {len(sources)} sources)"


#: Longer source names are cut (from the start, as paths differ at their end) in figures.
MAX_SOURCE_LABEL = 28


def _source_labels(shown: pd.DataFrame) -> list[str]:
    """``source (documents)`` for each shown source, long names cut to their end."""
    labels = []
    for source, documents in zip(shown["source"], shown["documents"], strict=True):
        name = str(source)
        if len(name) > MAX_SOURCE_LABEL:
            name = "…" + name[-(MAX_SOURCE_LABEL - 1) :]
        labels.append(f"{name} ({documents})")
    return labels


def _label_room(labels: list[str]) -> float:
    """Height (inches) that slanted or upright source labels take under a heatmap."""
    return 0.3 + 0.065 * max((len(label) for label in labels), default=0)


def _upright_source_labels(ax, n_sources: int) -> None:
    """Vertical source labels when there are many sources (slanted ones would overlap)."""
    if n_sources > 12:
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("center")


def _square_root_scale(image, matrix: pd.DataFrame, annotate: bool = False) -> None:
    """Colour a heatmap drawn without annotations on a square-root scale from 0 to its
    maximum, so that one small, specialised source (a sports paper) does not wash out the
    differences among the rest; then, optionally, write the values in the cells."""
    from matplotlib.colors import PowerNorm

    from .style import _format_cell

    values = matrix.to_numpy(dtype=float)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    image.set_norm(PowerNorm(0.5, vmin=0, vmax=max(top, 1e-12)))
    if not annotate:
        return
    for (i, j), value in np.ndenumerate(values):
        if np.isnan(value):
            continue
        red, green, blue, _ = image.cmap(image.norm(value))
        light_cell = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5
        image.axes.text(
            j,
            i,
            _format_cell(value),
            ha="center",
            va="center",
            fontsize=6,
            color="black" if light_cell else "white",
        )


def plot_topics_by_source(
    topics_by_source_csv: str,
    topic_summary_csv: str,
    coverage_csv: str,
    png: str,
    pdf: str,
    max_sources: int = 30,
) -> None:
    """Heatmap of the mean topic share by source: topics (top words, theme) by sources."""
    table = read_table(topics_by_source_csv, dtype={"source": str})
    counts = _coverage_counts(coverage_csv)
    no_source = counts["without a source"]
    title = "Mean topic share by source"
    if table.empty:
        _no_data_figure(
            title,
            f"No document has a source: {no_source} of {counts['all documents']} documents "
            "have none,\nso there is no topic prevalence by source to show.",
            png,
            pdf,
        )
        return
    shown, note = _source_columns(table, max_sources)
    labels = _topic_labels(topic_summary_csv)
    columns = [c for c in table.columns if c.startswith("topic_")]
    matrix = shown[columns].astype(float).T
    matrix.columns = _source_labels(shown)
    rows = []
    for column in columns:
        name, words, theme = labels.get(column, (column.replace("topic_", "Topic "), "", "none"))
        # Latin first, Arabic words last: the label reads left to right, the words right to
        # left, next to the heatmap (a label that began with Arabic would be laid out RTL).
        rows.append(f"{name[6:]} ({_theme_name(theme)}) · {words}".rstrip(" ·"))
    matrix.index = rows
    height = 0.8 + max(1.5, 0.22 * len(rows)) + _label_room(list(matrix.columns))
    fig, axes = new_figure(min(height, 12.0))
    image = heatmap(
        axes[0, 0],
        matrix,
        cmap="Blues",
        annotate=False,
        vmin=0,
        colorbar_label="mean topic share",
    )
    _square_root_scale(image, matrix, annotate=len(rows) <= 12 and len(shown) <= 10)
    _upright_source_labels(axes[0, 0], len(shown))
    axes[0, 0].tick_params(axis="y", labelsize=7)
    notes = (note + _left_out(no_source, "documents without a source")).strip()
    fig.suptitle(f"{title} (square-root colour scale)" + (f"\n{notes}" if notes else ""))
    save_figure(fig, png, pdf)


def plot_themes_by_source(
    themes_by_source_csv: str, coverage_csv: str, png: str, pdf: str, max_sources: int = 30
) -> None:
    """Heatmaps by source: the share of documents each theme dominates, and its mean score."""
    table = read_table(themes_by_source_csv, dtype={"source": str, "theme": str})
    counts = _coverage_counts(coverage_csv)
    no_source = counts["without a source"]
    title = "Themes by source"
    if table.empty:
        _no_data_figure(
            title,
            f"No document has a source: {no_source} of {counts['all documents']} documents "
            "have none,\nso there is no theme prevalence by source to show.",
            png,
            pdf,
        )
        return
    shown, note = _source_columns(table, max_sources)
    table = table[table["source"].isin(shown["source"])]
    names = _source_labels(shown)
    themes = list(dict.fromkeys(table["theme"]))
    scored = [t for t in themes if t != "none"]
    panels = [max(1.1, 0.28 * len(themes)), max(1.1, 0.28 * len(scored))]
    fig, axes = new_figure(
        1.2 + sum(panels) + _label_room(names), nrows=2, gridspec_kw={"height_ratios": panels}
    )
    for ax, value, rows, cmap, label, annotate in (
        (axes[0, 0], "dominant_share", themes, "YlOrRd", "share", len(shown) <= 20),
        (axes[1, 0], "mean_score", scored, "Purples", "mean score", False),
    ):
        matrix = table.pivot(index="theme", columns="source", values=value)
        matrix = matrix.reindex(index=rows, columns=list(shown["source"])).astype(float)
        matrix.index = [_theme_name(t) for t in rows]
        matrix.columns = names
        image = heatmap(ax, matrix, cmap=cmap, annotate=annotate, vmin=0, colorbar_label=label)
        if value == "mean_score":
            _square_root_scale(image, matrix)
    _upright_source_labels(axes[1, 0], len(shown))
    axes[0, 0].tick_params(labelbottom=False)
    axes[0, 0].set_title("Share of each source's documents dominated by each theme", fontsize=9)
    axes[1, 0].set_title(
        "Mean theme score of each source's documents (square-root colour scale)", fontsize=9
    )
    fig.suptitle(title + note + _left_out(no_source, "documents without a source"))
    save_figure(fig, png, pdf)


# ---------------------------------------------------------------------------------------
# Choosing K, topic stability and the topic map; evaluation against gold labels.

#: Colour of the chosen K (or k) in the selection figures.
CHOSEN_COLOUR = PALETTE[1]
#: Left-to-right mark: starts a label ``n: top words`` so that it is laid out left to right
#: (number first, then the Arabic words, which read right to left); it draws nothing.
LTR = "\u200e"


def _require(table: pd.DataFrame, columns, path: str) -> None:
    """Raise a clear error when the table lacks any of ``columns``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{path} lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(it has {', '.join(map(str, table.columns))})"
        )


def _first_words(top_words, n_words: int) -> str:
    """The first ``n_words`` of a ``top_words`` cell (``، ``- or space-separated)."""
    if top_words is None or (isinstance(top_words, float) and math.isnan(top_words)):
        return ""
    text = str(top_words).strip()
    for separator in ("، ", "،", ", ", ","):
        if separator in text:
            return "، ".join(w.strip() for w in text.split(separator)[:n_words] if w.strip())
    return " ".join(text.split()[:n_words])


def _topic_label(topic, top_words=None, n_words: int = 3) -> str:
    """``n: top words``, laid out left to right (number first, the Arabic words after it)."""
    words = _first_words(top_words, n_words)
    return f"{LTR}{topic}: {words}" if words else f"{topic}"


def _chosen(table: pd.DataFrame, key: str) -> list[int]:
    """The values of ``key`` on the rows whose ``chosen`` is true."""
    flags = table["chosen"].astype(str).str.lower() == "true"
    return [int(k) for k in table.loc[flags, key]]


def _integer_axis(ax, values) -> None:
    """Whole-number ticks on x: every value when there are few; room around a single one."""
    values = sorted({int(v) for v in values})
    if len(values) <= 12:
        ax.set_xticks(values)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(values) == 1:
        ax.set_xlim(values[0] - 1, values[0] + 1)
    else:
        pad = 0.04 * (values[-1] - values[0])
        ax.set_xlim(values[0] - pad, values[-1] + pad)


def _mark_chosen(ax, x: float) -> None:
    """A dashed vertical line at the chosen value (``gid`` ``chosen``, for tests)."""
    ax.axvline(x, color=CHOSEN_COLOUR, linestyle="--", linewidth=1.2, zorder=0, gid="chosen")


#: (column, panel title, y label) of the model-selection panels; ``_mean``/``_sd`` columns
#: for the first four, one value per K for the last two.
SELECTION_PANELS = (
    ("c_npmi", "NPMI coherence (higher is better)", "NPMI"),
    ("c_v", "c_v coherence (higher is better)", "c_v"),
    ("u_mass", "UMass coherence (higher is better)", "UMass"),
    ("diversity", "Topic diversity (higher is better)", "share of distinct top words"),
    ("heldout_perplexity", "Held-out perplexity (lower is better)", "perplexity"),
    ("stability", "Stability across seeds (higher is better)", "matched-topic similarity"),
)


def _runs_note(runs: pd.Series) -> str:
    counts = sorted({int(r) for r in runs.dropna()})
    if not counts or counts == [1]:
        return "one seed per K (no standard deviation)"
    if len(counts) == 1:
        return f"mean ± sd over {counts[0]} seeds per K"
    return f"mean ± sd over {counts[0]}-{counts[-1]} seeds per K"


def plot_model_selection(selection_csv: str, png: str, pdf: str) -> None:
    """Each quality measure against the number of topics K, the chosen K marked.

    One panel per measure: NPMI, c_v and UMass coherence and topic diversity (mean over
    seeds, standard deviation as error bars), then held-out perplexity and stability when
    the table has values for them (panels left out otherwise).
    """
    table = read_table(selection_csv).sort_values("num_topics", kind="stable")
    means = [f"{m}_mean" for m, _, _ in SELECTION_PANELS[:4]]
    _require(table, ["num_topics", "chosen", *means], selection_csv)
    title = "Choosing the number of topics K"
    if table.empty:
        _no_data_figure(title, "The model-selection table is empty: no fitted model.", png, pdf)
        return
    panels = []
    for measure, panel_title, ylabel in SELECTION_PANELS:
        column = f"{measure}_mean" if f"{measure}_mean" in table.columns else measure
        if column in table.columns and (column in means or table[column].notna().any()):
            panels.append((measure, column, panel_title, ylabel))
    ks = table["num_topics"].astype(int)
    chosen = _chosen(table, "num_topics")
    ncols = 2 if len(panels) == 4 else 3
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = new_figure(0.9 + 1.95 * nrows, ncols=ncols, nrows=nrows)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_axis_off()
    for ax, (measure, column, panel_title, ylabel) in zip(axes.ravel(), panels, strict=False):
        values = table[column].astype(float)
        sd_column = f"{measure}_sd"
        errors = table[sd_column].astype(float) if sd_column in table.columns else None
        if errors is not None and errors.isna().all():
            errors = None
        for k in chosen:
            _mark_chosen(ax, k)
        ax.errorbar(
            ks,
            values,
            yerr=errors,
            color=_colour(0),
            marker="o",
            markersize=4,
            capsize=2.5,
            linewidth=1.2,
            elinewidth=0.9,
        )
        for k in chosen:
            value = values[ks == k]
            if len(value) and np.isfinite(value.iloc[0]):
                ax.plot([k], [value.iloc[0]], marker="*", markersize=11, color=CHOSEN_COLOUR, ls="")
        if values.isna().all():
            ax.text(0.5, 0.5, "not computed", ha="center", va="center", transform=ax.transAxes)
        _integer_axis(ax, ks)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.tick_params(labelsize=7)
        # Measure on one line, direction on the next: three panels a row leave ~2 in each.
        ax.set_title(panel_title.replace(" (", "\n("), fontsize=8)
        ax.set_ylabel(ylabel, fontsize=7)
        ax.set_xlabel("number of topics K", fontsize=7)
    handles = [
        Line2D([], [], color=_colour(0), marker="o", markersize=4, linewidth=1.2),
    ]
    labels = [_runs_note(table["runs"]) if "runs" in table.columns else "mean over seeds"]
    if chosen:
        handles.append(
            Line2D([], [], color=CHOSEN_COLOUR, marker="*", markersize=9, linestyle="--")
        )
        labels.append(f"chosen K = {', '.join(str(k) for k in chosen)}")
    fig.legend(
        handles, labels, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=8
    )
    fig.suptitle(f"{title}: quality of the LDA models by K")
    save_figure(fig, png, pdf)


def plot_topic_stability(
    stability_csv: str, png: str, pdf: str, num_topics: int, n_words: int = 4
) -> None:
    """How well each topic of the chosen K comes back with other seeds.

    A bar per topic: its mean similarity (1 - Jensen-Shannon distance) to the topic matched
    with it in each other seed's run; a dot per other seed. Only the rows of ``num_topics``.
    """
    table = read_table(stability_csv, dtype={"top_words": str})
    _require(table, ["num_topics", "topic", "mean_similarity"], stability_csv)
    title = f"Topic stability across seeds, K = {num_topics}"
    rows = table[table["num_topics"].astype(int) == int(num_topics)].sort_values("topic")
    if rows.empty and not table.empty:
        ks = ", ".join(str(k) for k in sorted(table["num_topics"].astype(int).unique()))
        raise ValueError(f"{stability_csv} has no rows for K = {num_topics} (it has K = {ks})")
    seeds = [c for c in table.columns if c.startswith("similarity_seed_") and rows[c].notna().any()]
    if rows.empty or not seeds:
        _no_data_figure(
            title,
            "The topics were fitted with one seed only, so there is no other run to\n"
            "match them against: list more seeds in lda.seeds to measure stability.",
            png,
            pdf,
        )
        return
    words = rows["top_words"] if "top_words" in rows.columns else [None] * len(rows)
    labels = [_topic_label(t, w, n_words) for t, w in zip(rows["topic"], words, strict=True)]
    positions = np.arange(len(rows))
    fig, axes = new_figure(1.3 + 0.27 * len(rows))
    ax = axes[0, 0]
    ax.barh(
        positions,
        rows["mean_similarity"].astype(float),
        height=0.7,
        color=_colour(0),
        alpha=0.35,
        label="mean over the other seeds",
    )
    for i, column in enumerate(seeds):
        ax.plot(
            rows[column].astype(float),
            positions,
            linestyle="",
            marker="o",
            markersize=3.5,
            color=_colour(i + 1),
            label=f"seed {column.removeprefix('similarity_seed_')}",
        )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel("similarity to the matched topic of another seed (1 − Jensen-Shannon distance)")
    ax.set_ylabel("topic: top words")
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    handles, names = ax.get_legend_handles_labels()
    # The bar (mean) first, then the seeds.
    fig.legend(
        handles[-1:] + handles[:-1],
        names[-1:] + names[:-1],
        loc="outside lower center",
        ncols=min(len(seeds) + 1, 6),
        frameon=False,
        fontsize=7,
    )
    others = f"{len(seeds)} other seed{'s' if len(seeds) > 1 else ''}"
    ax.set_title(f"{title}\nsimilarity of each topic to its matched topic in {others}")
    save_figure(fig, png, pdf)


#: Marker area (points²) of the most prevalent topic on the topic map.
MAP_MAX_AREA = 1600.0


def _size_key(top: float) -> list[float]:
    """Three round prevalences for the size key of the topic map, largest first: the
    largest prevalence to one significant digit, then the next two of 1, 2, 5 x 10^n."""
    if not top > 0:
        return [1.0]
    exponent = math.floor(math.log10(top))
    first = round(top, -exponent)
    steps = [m * 10.0**e for e in range(exponent - 2, exponent + 2) for m in (1, 2, 5)]
    smaller = [v for v in steps if v < first * 0.99]
    return [float(f"{v:.3g}") for v in [first, *smaller[::-1][:2]]]


def _overlap(a, b) -> float:
    """Area shared by two display-space boxes."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0) * max(height, 0)


def _outside(box, frame) -> float:
    """How far (pixels, summed over the four sides) a box sticks out of a frame."""
    return (
        max(frame.x0 - box.x0, 0)
        + max(box.x1 - frame.x1, 0)
        + max(frame.y0 - box.y0, 0)
        + max(box.y1 - frame.y1, 0)
    )


def _place_labels(ax, points, radii, labels, order, fontsize: float) -> float:
    """Put each label beside its circle where it overlaps least (circles and other labels)
    and stays inside the axes; return how far (pixels) the worst label sticks out."""
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72
    centres = ax.transData.transform(points)
    frame = ax.get_window_extent(renderer)
    obstacles = [
        Bbox.from_extents(x - r * scale, y - r * scale, x + r * scale, y + r * scale)
        for (x, y), r in zip(centres, radii, strict=True)
    ]
    diagonal = math.sqrt(0.5)
    directions = [
        (1, 0, "left", "center"),
        (-1, 0, "right", "center"),
        (0, 1, "center", "bottom"),
        (0, -1, "center", "top"),
        (diagonal, diagonal, "left", "bottom"),
        (-diagonal, diagonal, "right", "bottom"),
        (diagonal, -diagonal, "left", "top"),
        (-diagonal, -diagonal, "right", "top"),
    ]
    placed, worst = [], 0.0
    for i in order:
        best = None
        for (dx, dy, ha, va), extra in itertools.product(directions, (2, 9)):
            gap = radii[i] + extra
            text = ax.annotate(
                labels[i],
                points[i],
                xytext=(dx * gap, dy * gap),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                annotation_clip=False,
                # A light backing keeps a label readable where it crosses a circle.
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
                zorder=3,
            )
            text.set_in_layout(False)
            box = text.get_window_extent(renderer)
            cost = sum(_overlap(box, o) for j, o in enumerate(obstacles) if j != i)
            # A label on a label is unreadable; on a circle it is only crowded.
            cost += 4 * sum(_overlap(box, p) for p in placed)
            cost += extra * 5  # near the circle, all else being equal
            out = _outside(box, frame)
            score = (out > 0.5, cost + 50 * out)
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, text, box, out)
            else:
                text.remove()
        placed.append(best[2])
        worst = max(worst, best[3])
    return worst


def _equal_limits_with_labels(ax, points, radii, labels, order, fontsize: float) -> None:
    """Limits with the same scale on both axes (equal aspect, filling the axes) that keep
    every circle and, widened step by step, every label inside the axes."""
    fig = ax.figure
    scale = fig.dpi / 72
    lows, highs = points.min(axis=0), points.max(axis=0)
    half = np.maximum((highs - lows) / 2, 0.05)
    centre = (lows + highs) / 2
    margin = float(np.max(radii, initial=0)) * scale + 4
    fig.canvas.draw()
    for _ in range(10):
        box = ax.get_window_extent()
        per_pixel = max(
            2 * half[0] / max(box.width - 2 * margin, 1),
            2 * half[1] / max(box.height - 2 * margin, 1),
        )
        ax.set_xlim(centre[0] - per_pixel * box.width / 2, centre[0] + per_pixel * box.width / 2)
        ax.set_ylim(centre[1] - per_pixel * box.height / 2, centre[1] + per_pixel * box.height / 2)
        # Tick labels of the new limits may move the axes: lay the figure out again.
        fig.canvas.draw()
        moved = ax.get_window_extent()
        for text in list(ax.texts):
            text.remove()
        worst = _place_labels(ax, points, radii, labels, order, fontsize)
        if worst <= 0.5 and abs(moved.width - box.width) + abs(moved.height - box.height) < 1:
            return
        if worst > 0.5:
            half = half * 1.12


def plot_topic_map(topic_map_csv: str, png: str, pdf: str, n_words: int = 3) -> None:
    """Intertopic distance map: topics placed by MDS of their Jensen-Shannon distances.

    Each topic is a circle whose area is proportional to its prevalence (mean share over
    the documents), coloured by its theme and labelled with its number and top words.
    """
    table = read_table(topic_map_csv, dtype={"top_words": str, "theme": str})
    _require(table, ["topic", "x", "y", "prevalence"], topic_map_csv)
    title = "Intertopic distance map"
    if table.empty:
        _no_data_figure(title, "The topic map table is empty: no topic to place.", png, pdf)
        return
    table = table.sort_values("topic").reset_index(drop=True)
    themes = table["theme"].fillna("none") if "theme" in table.columns else ["none"] * len(table)
    themes = [str(t) for t in themes]
    colours = _theme_colours(themes)
    prevalence = table["prevalence"].astype(float).fillna(0).clip(lower=0).to_numpy()
    top = float(prevalence.max()) if prevalence.max() > 0 else 1.0
    areas = MAP_MAX_AREA * prevalence / top
    radii = np.sqrt(areas) / 2  # scatter's s is the square of the circle's diameter (points)
    points = table[["x", "y"]].astype(float).to_numpy()
    words = table["top_words"] if "top_words" in table.columns else [None] * len(table)
    labels = [_topic_label(t, w, n_words) for t, w in zip(table["topic"], words, strict=True)]

    # As tall as the spread of the map asks (the axes are about 4.9 in wide), with room
    # for the legends.
    spread = np.maximum(np.ptp(points, axis=0), 0.1)
    fig, axes = new_figure(float(np.clip(1.8 + 4.1 * spread[1] / spread[0], 3.9, 6.2)))
    ax = axes[0, 0]
    ax.scatter(
        points[:, 0],
        points[:, 1],
        s=areas,
        c=[colours[t] for t in themes],
        alpha=0.6,
        edgecolors="white",
        linewidths=0.8,
        zorder=2,
    )
    ax.axhline(0, color="#dddddd", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_xlabel("MDS 1 (Jensen-Shannon distance)")
    ax.set_ylabel("MDS 2 (Jensen-Shannon distance)")
    named = sorted(set(themes), key=lambda t: (t == "none", t))
    theme_handles = [
        Line2D([], [], marker="o", linestyle="", markersize=8, color=colours[t], alpha=0.7)
        for t in named
    ]
    fig.legend(
        theme_handles,
        [_theme_name(t) for t in named],
        title="theme",
        loc="outside right upper",
        frameon=False,
        fontsize=7,
        title_fontsize=8,
    )
    key = _size_key(top)
    largest = math.sqrt(MAP_MAX_AREA * key[0] / top)
    size_handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=math.sqrt(MAP_MAX_AREA * v / top),
            markerfacecolor="#cccccc",
            markeredgecolor="#888888",
        )
        for v in key
    ]
    fig.legend(
        size_handles,
        [f"{v:.3g}" for v in key],
        title="prevalence\n(mean topic share)",
        loc="outside right lower",
        frameon=False,
        fontsize=7,
        title_fontsize=8,
        # Rows are as tall as their text (sizes in font sizes, 7 points): space them so
        # that the circles, centred on their rows, clear each other and the title.
        handlelength=largest / 7,
        labelspacing=0.75 * largest / 7,
        borderpad=1.5,
    )
    ax.set_title(
        f"{title} of the {len(table)} topic{'s' if len(table) != 1 else ''}\n"
        "circle area proportional to prevalence, colour: the topic's theme"
    )
    order = np.argsort(-prevalence, kind="stable")
    _equal_limits_with_labels(ax, points, radii, labels, order, 7 if len(table) <= 15 else 6)
    save_figure(fig, png, pdf)


def plot_topic_similarity(similarity_csv: str, png: str, pdf: str, n_words: int = 4) -> None:
    """Topic-by-topic similarity (1 - Jensen-Shannon distance) of the chosen model."""
    table = read_table(similarity_csv, dtype={"top_words": str})
    _require(table, ["topic"], similarity_csv)
    columns = sorted(
        (c for c in table.columns if c.startswith("topic_") and c[6:].isdigit()),
        key=lambda c: int(c[6:]),
    )
    title = "Similarity between topics"
    if table.empty or not columns:
        _no_data_figure(title, "The topic similarity table is empty.", png, pdf)
        return
    table = table.sort_values("topic")
    words = table["top_words"] if "top_words" in table.columns else [None] * len(table)
    matrix = table[columns].astype(float)
    # A topic with itself (always 1) is left blank, so the colours span the pairs.
    values = matrix.to_numpy(copy=True)
    topics = table["topic"].astype(int).tolist()
    for i, topic in enumerate(topics):
        if f"topic_{topic}" in columns:
            values[i, columns.index(f"topic_{topic}")] = np.nan
    matrix = pd.DataFrame(
        values,
        index=[_topic_label(t, w, n_words) for t, w in zip(topics, words, strict=True)],
        columns=[c[6:] for c in columns],
    )
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    fig, axes = new_figure(min(1.3 + 0.3 * len(matrix), 9.0))
    ax = axes[0, 0]
    heatmap(
        ax,
        matrix,
        cmap="magma",
        vmin=0,
        vmax=top if top > 0 else 1.0,
        annotate=len(columns) <= 15,
        colorbar_label="similarity (1 − Jensen-Shannon distance)",
    )
    for text in ax.texts:
        if text.get_text() == "nan":
            text.remove()
    for label in ax.get_xticklabels():
        label.set(rotation=0, ha="center")
    ax.tick_params(axis="y", labelsize=7)
    if len(columns) > 25:
        ax.tick_params(axis="x", labelsize=6)
    ax.set_xlabel("topic")
    ax.set_ylabel("topic: top words")
    ax.set_title(f"{title} ({len(columns)} topics; a topic with itself left blank)")
    save_figure(fig, png, pdf)


def plot_silhouette(silhouette_csv: str, png: str, pdf: str) -> None:
    """Mean silhouette of the clustering against the number of clusters k, the chosen k
    marked."""
    table = read_table(silhouette_csv).sort_values("k", kind="stable")
    _require(table, ["k", "silhouette", "chosen"], silhouette_csv)
    title = "Silhouette by number of clusters k"
    if table.empty:
        _no_data_figure(title, "The silhouette table is empty: no clustering.", png, pdf)
        return
    ks = table["k"].astype(int)
    scores = table["silhouette"].astype(float)
    chosen = _chosen(table, "k")
    fig, axes = new_figure(2.7)
    ax = axes[0, 0]
    for k in chosen:
        _mark_chosen(ax, k)
    ax.plot(ks, scores, color=_colour(0), marker="o", markersize=4, linewidth=1.2)
    for k in chosen:
        value = scores[ks == k]
        if len(value) and np.isfinite(value.iloc[0]):
            ax.plot([k], [value.iloc[0]], marker="*", markersize=12, color=CHOSEN_COLOUR, ls="")
    _integer_axis(ax, ks)
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("mean silhouette coefficient")
    missing = ks[scores.isna()].tolist()
    note = f" (none for k = {', '.join(map(str, missing))})" if missing else ""
    if scores.isna().all():
        ax.text(
            0.5, 0.5, "no silhouette computed", ha="center", va="center", transform=ax.transAxes
        )
    if chosen:
        handle = Line2D([], [], color=CHOSEN_COLOUR, marker="*", markersize=9, linestyle="--")
        ax.legend(
            [handle], [f"chosen k = {', '.join(map(str, chosen))}"], frameon=False, fontsize=8
        )
    ax.set_title(title + note)
    save_figure(fig, png, pdf)


def _column_prefix(columns: list[str], path: str) -> str:
    """The common prefix of ``<prefix>_<n>`` columns (``cluster``, ``topic`` …)."""
    prefixes = {c.rsplit("_", 1)[0] for c in columns if "_" in c and c.rsplit("_", 1)[1].isdigit()}
    if len(prefixes) != 1 or any(not c.rsplit("_", 1)[-1].isdigit() for c in columns):
        raise ValueError(
            f"{path}: expected columns <prefix>_1 .. <prefix>_n besides label and total, "
            f"got {', '.join(columns) or 'none'}"
        )
    return prefixes.pop()


def plot_confusion(confusion_csv: str, png: str, pdf: str, title: str) -> None:
    """Gold labels against clusters (or topics): counts, shaded by the share of the row."""
    table = read_table(confusion_csv, dtype={"label": str})
    _require(table, ["label"], confusion_csv)
    columns = [c for c in table.columns if c not in ("label", "total")]
    if table.empty or not columns:
        _no_data_figure(title, "No document has a gold label: nothing to compare.", png, pdf)
        return
    prefix = _column_prefix(columns, confusion_csv)
    columns = sorted(columns, key=lambda c: int(c.rsplit("_", 1)[1]))
    counts = table[columns].fillna(0).astype(int)
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0, 1), axis=0)
    names = [f"{label} ({total})" for label, total in zip(table["label"], totals, strict=True)]
    shares.index = names
    shares.columns = [c.rsplit("_", 1)[1] for c in columns]
    width_room = 0.3 if len(columns) <= 30 else 0.5
    fig, axes = new_figure(min(1.5 + width_room + 0.32 * len(table), 9.0))
    ax = axes[0, 0]
    image = heatmap(
        ax,
        shares,
        cmap="Blues",
        annotate=False,
        vmin=0,
        vmax=1,
        colorbar_label="share of the gold label's documents",
    )
    for label in ax.get_xticklabels():
        label.set(rotation=0, ha="center")
    if len(columns) > 25:
        ax.tick_params(axis="x", labelsize=6, labelrotation=90)
    # Counts are written where they fit in a cell (the axes are about 5 in wide).
    fontsize = 7 if len(columns) <= 12 else 5.5
    digits = len(str(int(counts.to_numpy().max(initial=0))))
    if digits * 0.6 * fontsize + 2 <= 5.0 * 72 / len(columns) and len(table) <= 40:
        for (i, j), count in np.ndenumerate(counts.to_numpy()):
            red, green, blue, _ = image.cmap(image.norm(shares.iat[i, j]))
            light_cell = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=fontsize,
                color="black" if light_cell else "white",
            )
    ax.set_xlabel(prefix.replace("_", " "))
    ax.set_ylabel("gold label (documents)")
    ax.set_title(title)
    save_figure(fig, png, pdf)


#: (column stem, axis label) of the evaluation metrics.
EVALUATION_METRICS = (
    ("nmi", "NMI"),
    ("ari", "ARI"),
    ("v_measure", "V-measure"),
    ("purity", "purity"),
)


def plot_evaluation_metrics(summary_csv: str, png: str, pdf: str) -> None:
    """Agreement of each method with the gold labels: NMI, ARI, V-measure and purity."""
    table = read_table(summary_csv, dtype={"method": str})
    means = [f"{m}_mean" for m, _ in EVALUATION_METRICS]
    _require(table, ["method", *means], summary_csv)
    title = "Agreement with the gold labels"
    if table.empty:
        _no_data_figure(title, "No method was evaluated against gold labels.", png, pdf)
        return
    n_methods = len(table)
    width = 0.8 / n_methods
    groups = np.arange(len(EVALUATION_METRICS))
    fig, axes = new_figure(3.0)
    ax = axes[0, 0]
    lowest, highest = 0.0, 1.0
    for i, row in enumerate(table.itertuples(index=False)):
        row = row._asdict()
        values = np.array([float(row[f"{m}_mean"]) for m, _ in EVALUATION_METRICS])
        errors = np.array([float(row.get(f"{m}_sd", np.nan)) for m, _ in EVALUATION_METRICS])
        positions = groups - 0.4 + width * (i + 0.5)
        runs = row.get("runs")
        label = str(row["method"])
        if runs is not None and not pd.isna(runs):
            label += f" ({int(runs)} run{'s' if int(runs) != 1 else ''})"
        ax.bar(
            positions,
            np.nan_to_num(values),
            width=width * 0.92,
            color=_colour(i),
            label=label,
            yerr=None if np.isnan(errors).all() else errors,
            capsize=2,
            error_kw={"elinewidth": 0.8, "ecolor": "#333333"},
        )
        if n_methods <= 5:
            for x, value, error in zip(positions, values, errors, strict=True):
                if np.isnan(value):
                    continue
                end = value + (0 if np.isnan(error) else error) if value >= 0 else value
                ax.annotate(
                    f"{value:.2f}",
                    (x, max(end, 0)),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=6,
                )
        finite = values[np.isfinite(values)] - np.nan_to_num(errors[np.isfinite(values)])
        if finite.size:
            lowest = min(lowest, float(finite.min()))
        highest = max(highest, float(np.nanmax(values + np.nan_to_num(errors), initial=0)))
    ax.set_xticks(groups, [label for _, label in EVALUATION_METRICS])
    ax.set_ylim(lowest - 0.05 if lowest < 0 else 0, max(1.0, highest) + 0.08)
    if lowest < 0:
        ax.axhline(0, color="#555555", linewidth=0.6)
    ax.set_ylabel("score (1 = perfect agreement)")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.grid(axis="y", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncols=min(n_methods, 4),
        frameon=False,
        fontsize=7,
    )
    has_sd = any(
        f"{m}_sd" in table.columns and table[f"{m}_sd"].notna().any() for m, _ in EVALUATION_METRICS
    )
    ax.set_title(title + (": mean ± sd over runs" if has_sd else ""))
    save_figure(fig, png, pdf)


def _topic_number(value) -> str:
    return "no topic" if pd.isna(value) else f"topic {int(value)}"


def plot_guided_comparison(comparison_csv: str, png: str, pdf: str) -> None:
    """For each theme, the seed-word mass of its best topic in guided and unguided LDA."""
    table = read_table(comparison_csv, dtype={"theme": str})
    columns = ["theme", "guided_topic", "guided_score", "unguided_topic", "unguided_score"]
    _require(table, columns, comparison_csv)
    title = "Guided and unguided LDA: mass of each theme's seed words in its best topic"
    if table.empty:
        _no_data_figure(title, "No theme to compare: the theme lexicon is empty.", png, pdf)
        return
    positions = np.arange(len(table))
    height = 0.38
    fig, axes = new_figure(1.2 + 0.5 * len(table))
    ax = axes[0, 0]
    top = 0.0
    for offset, kind, colour in (
        (-height / 2, "guided", _colour(0)),
        (height / 2, "unguided", _colour(8)),
    ):
        scores = table[f"{kind}_score"].astype(float)
        ax.barh(
            positions + offset,
            np.nan_to_num(scores),
            height=height * 0.95,
            color=colour,
            label=f"{kind} LDA",
        )
        for y, score, topic in zip(positions + offset, scores, table[f"{kind}_topic"], strict=True):
            text = _topic_number(topic) + ("" if pd.isna(score) else f" ({score:.3f})")
            ax.annotate(
                text,
                (0 if pd.isna(score) else score, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
            )
        top = max(top, float(np.nan_to_num(scores).max()))
    ax.set_yticks(positions, [_theme_name(str(t)) for t in table["theme"]])
    ax.invert_yaxis()
    ax.set_xlim(0, (top if top > 0 else 1.0) * 1.35)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_xlabel("probability mass of the theme's seed words in the topic")
    ax.set_ylabel("theme")
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=7)
    ax.set_title(title, fontsize=9)
    save_figure(fig, png, pdf)
