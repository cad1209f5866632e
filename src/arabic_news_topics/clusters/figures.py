"""Figures of stage 5: document map, dendrogram, silhouette by k, stability of the features
and each feature space's clusters against the chosen ones.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from scipy.cluster.hierarchy import dendrogram

from ..io import read_table
from ..plotting import (
    CHOSEN_COLOUR,
    LTR,
    chosen_values,
    document_labels,
    heatmap,
    integer_axis,
    mark_chosen,
    new_figure,
    no_data_figure,
    palette_colour,
    require_columns,
    sample_rows,
    sampled_note,
    save_figure,
    shown_terms,
    topic_label,
)
from .core import NOISE_STANDARD_ERRORS, features_within_noise, kept_within_tolerance

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
            color=palette_colour(i),
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
    titles_csv: str | None = None,
) -> None:
    """Ward dendrogram of the documents, leaves labelled and coloured by cluster.

    The linkage is that of every document up to ``max_leaves``, otherwise of the reproducible
    sample of ``max_leaves`` documents that every per-document figure shows (cluster_documents
    draws it the same way), so each leaf is a document.
    """
    tree = read_table(linkage_csv).to_numpy(dtype=float)
    assignments = read_table(assignments_csv, dtype={"doc_id": str})
    shown, _ = sample_rows(assignments, max_leaves, random_state)
    if len(tree) and len(tree) != len(shown) - 1:
        raise ValueError(
            f"{linkage_csv} joins {len(tree) + 1} documents, not the {len(shown)} shown"
        )
    names = document_labels(shown["doc_id"], titles_csv, characters=32)
    labels = [f"{d} ({c})" for d, c in zip(names, shown["cluster"], strict=True)]
    colours = {c: palette_colour(i) for i, c in enumerate(sorted(assignments["cluster"].unique()))}
    fig, axes = new_figure(max(2.6, 0.6 + 0.22 * len(shown)))
    ax = axes[0, 0]
    if len(tree):
        drawn = dendrogram(
            tree,
            ax=ax,
            orientation="right",
            labels=labels,
            color_threshold=None,
            above_threshold_color=palette_colour(0),
            leaf_font_size=7,
        )
        clusters = shown["cluster"].to_numpy()
        for label, leaf in zip(ax.get_yticklabels(), drawn["leaves"], strict=True):
            label.set_color(colours[clusters[leaf]])
    ax.set_xlabel("Ward linkage distance")
    ax.set_title(
        "Hierarchical clustering (Ward, TF-IDF), cluster in brackets"
        + sampled_note(len(shown), len(assignments), newline=True)
    )
    save_figure(fig, png, pdf)


def plot_silhouette(silhouette_csv: str, png: str, pdf: str) -> None:
    """Mean silhouette of the clustering against the number of clusters k, the chosen k
    marked."""
    table = read_table(silhouette_csv).sort_values("k", kind="stable")
    require_columns(table, ["k", "silhouette", "chosen"], silhouette_csv)
    title = "Silhouette by number of clusters k"
    if table.empty:
        no_data_figure(title, "The silhouette table is empty: no clustering.", png, pdf)
        return
    ks = table["k"].astype(int)
    scores = table["silhouette"].astype(float)
    chosen = chosen_values(table, "k")
    fig, axes = new_figure(2.7)
    ax = axes[0, 0]
    for k in chosen:
        mark_chosen(ax, k)
    ax.plot(ks, scores, color=palette_colour(0), marker="o", markersize=4, linewidth=1.2)
    for k in chosen:
        value = scores[ks == k]
        if len(value) and np.isfinite(value.iloc[0]):
            ax.plot([k], [value.iloc[0]], marker="*", markersize=12, color=CHOSEN_COLOUR, ls="")
    integer_axis(ax, ks)
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


#: What each feature space is, in the stability figure.
FEATURE_NAMES = {
    "lsa": "LSA of TF-IDF",
    "lsa_no_idf": "LSA of TF (no IDF)",
    "tfidf": "TF-IDF",
    "topics": "topic shares (√θ)",
    "dmm": "one-topic mixture (DMM)",
}


def plot_feature_stability(features_csv: str, png: str, pdf: str) -> None:
    """The stability of each candidate feature space (mean adjusted Rand index between the
    partitions of its runs, sd as the error bar), one bar per space and k, the chosen space
    marked."""
    table = read_table(features_csv)
    require_columns(table, ["features", "k", "stability", "stability_sd", "chosen"], features_csv)
    title = "Stability of the clusters of each feature space"
    if table.empty:
        no_data_figure(title, "The stability table is empty.", png, pdf)
        return
    names = list(dict.fromkeys(table["features"].astype(str)))
    ks = sorted(table["k"].astype(int).unique())
    flags = table["chosen"].astype(str).str.lower() == "true"
    chosen = set(table.loc[flags, "features"].astype(str))
    close = set(features_within_noise(table)) if "within_noise" in table else set()
    fig, axes = new_figure(2.4 + 0.1 * len(names) * len(ks))
    ax = axes[0, 0]
    width = 0.8 / len(ks)
    handles = []
    for j, k in enumerate(ks):
        part = table[table["k"].astype(int) == k].set_index("features")
        values = [float(part["stability"].get(n, np.nan)) for n in names]
        errors = [float(part["stability_sd"].get(n, 0.0)) for n in names]
        # Colour by k (never the chosen colour, which outlines the chosen space's bars).
        colour = palette_colour(j if j < 1 else j + 1)
        positions = np.arange(len(names)) + (j - (len(ks) - 1) / 2) * width
        bars = np.nan_to_num(values)
        # The error bar is the sd, cut at 1 (no agreement is above it).
        spread = np.nan_to_num(errors)
        xerr = np.vstack([spread, np.clip(1.0 - bars, 0.0, None).clip(max=spread)])
        ax.barh(
            positions,
            bars,
            height=width * 0.9,
            color=colour,
            edgecolor=[CHOSEN_COLOUR if n in chosen else colour for n in names],
            linewidth=[2.5 if n in chosen else 0.0 for n in names],
            xerr=xerr,
            capsize=3,
        )
        # The legend's swatch is the k's colour alone (a bar of the chosen space is outlined).
        handles.append(Patch(facecolor=colour, label=f"k = {k}"))
        for y, value in zip(positions, values, strict=True):
            # Three decimals, as the choice compares them (cluster.stability_tolerance).
            text = "n/a" if not np.isfinite(value) else f"{value:.3f}"
            ax.text(0.01, y, text, va="center", ha="left", fontsize=7, color="white")
    ax.set_yticks(np.arange(len(names)))
    ax.set_yticklabels(
        [
            FEATURE_NAMES.get(n, n)
            + ("  (chosen)" if n in chosen else "  (within noise)" if n in close else "")
            for n in names
        ]
    )
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, float(np.nanmin(table["stability"].astype(float).fillna(0)))), 1.05)
    ax.set_xlabel("agreement of the partitions of its runs (mean adjusted Rand index)")
    if len(ks) > 1:
        ax.legend(
            handles=handles, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0)
        )
    note = "(runs with other seeds;\nthe most stable, outlined, is chosen without labels"
    if chosen and kept_within_tolerance(table):
        note = (
            "(runs with other seeds; chosen without labels, outlined: the first\ncandidate,"
            " no other being more stable by more than\ncluster.stability_tolerance"
        )
    if close:
        note += (
            f";\nanother is within {NOISE_STANDARD_ERRORS:g} standard errors: an uncertain choice"
        )
    # One clause a line: in one line the note ran past the figure's right edge.
    ax.set_title(f"{title}\n{note})")
    save_figure(fig, png, pdf)


def plot_clusters(
    coordinates: str,
    linkage: str,
    assignments: str,
    silhouette: str,
    map_png: str,
    map_pdf: str,
    dendrogram_png: str,
    dendrogram_pdf: str,
    silhouette_png: str,
    silhouette_pdf: str,
    features: str,
    features_png: str,
    features_pdf: str,
    by_features: str,
    agreement: str,
    terms_by_features: str,
    agreement_png: str,
    agreement_pdf: str,
    max_documents: int,
    random_state: int,
    map: str,
    titles: str | None = None,
) -> None:
    """Rule plot_clusters: the 2-D document map, the dendrogram, silhouette by k, the
    stability of the feature spaces and each space's clusters against the chosen ones."""
    plot_document_map(coordinates, map_png, map_pdf, max_labels=max_documents, method=map)
    plot_dendrogram(
        linkage,
        assignments,
        dendrogram_png,
        dendrogram_pdf,
        max_leaves=max_documents,
        random_state=random_state,
        titles_csv=titles,
    )
    plot_silhouette(silhouette, silhouette_png, silhouette_pdf)
    plot_feature_stability(features, features_png, features_pdf)
    plot_feature_agreement(by_features, agreement, terms_by_features, agreement_png, agreement_pdf)


def plot_feature_agreement(
    by_features_csv: str,
    agreement_csv: str,
    terms_by_features_csv: str,
    png: str,
    pdf: str,
    n_words: int = 3,
) -> None:
    """The chosen clusters against each other candidate space's clusters at the same k: one
    panel per candidate, the documents each pair of clusters shares (colour: the share of
    the chosen cluster's documents), each cluster named by its top terms, a candidate's
    clusters ordered by the chosen cluster they match (so agreement is the diagonal)."""
    from scipy.optimize import linear_sum_assignment

    agreement = read_table(agreement_csv)
    require_columns(
        agreement,
        ["features", "chosen", "within_noise", "ari_with_chosen", "documents_regrouped"],
        agreement_csv,
    )
    title = "Clusters of each candidate feature space against the chosen ones"
    flags = agreement["chosen"].astype(str).str.lower() == "true"
    if agreement.empty or not flags.any():
        no_data_figure(title, "No feature space was chosen.", png, pdf)
        return
    chosen = str(agreement.loc[flags, "features"].iloc[0])
    others = agreement[~flags]
    if others.empty:
        no_data_figure(
            title,
            f"One feature space ({FEATURE_NAMES.get(chosen, chosen)}): nothing to compare.\n"
            "With cluster.features: auto, each of cluster.auto_features is a candidate.",
            png,
            pdf,
        )
        return
    assignments = read_table(by_features_csv, dtype={"doc_id": str})
    require_columns(assignments, [chosen, *others["features"].astype(str)], by_features_csv)
    terms = read_table(terms_by_features_csv)
    require_columns(terms, ["features", "cluster", "rank"], terms_by_features_csv)

    def names(space: str, sizes: pd.Series) -> list[str]:
        # The size after a left-to-right mark: without it, the bidirectional layout moves
        # the size (or the colon) into the Arabic run.
        rows = terms[terms["features"].astype(str) == space].sort_values(["cluster", "rank"])
        words = {
            int(cluster): "، ".join(shown_terms(part)[:n_words])
            for cluster, part in rows.groupby("cluster")
        }
        return [
            f"{topic_label(i, words.get(int(i), ''), n_words)}{LTR} (n = {n:,})"
            for i, n in sizes.items()
        ]

    k = assignments[chosen].nunique()
    fig, axes = new_figure((2.4 + 0.3 * k) * len(others), nrows=len(others))
    for ax, row in zip(axes[:, 0], others.itertuples(), strict=True):
        space = str(row.features)
        counts = pd.crosstab(assignments[chosen], assignments[space])
        # The candidate's clusters in the order of the chosen cluster each matches, the rest
        # after them, so that the matched pairs lie on the diagonal (linear_sum_assignment
        # returns the rows in order).
        _, matched = linear_sum_assignment(counts.to_numpy(), maximize=True)
        order = [counts.columns[j] for j in matched]
        order += [c for c in counts.columns if c not in order]
        counts = counts[order]
        shares = counts.div(counts.sum(axis=1), axis=0)
        rows = names(chosen, counts.sum(axis=1))
        columns = names(space, counts.sum(axis=0))
        heatmap(
            ax,
            shares.set_axis(rows, axis=0).set_axis(columns, axis=1),
            cmap="Blues",
            annotate=False,
            vmin=0,
            vmax=1,
            colorbar_label="share of the row",
        )
        for label in ax.get_xticklabels():
            label.set(rotation=30)
        for (i, j), value in np.ndenumerate(counts.to_numpy()):
            ax.text(
                j,
                i,
                f"{value:,}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if shares.iloc[i, j] > 0.6 else "black",
            )
        ax.set_ylabel(f"chosen: {FEATURE_NAMES.get(chosen, chosen)}")
        close = str(row.within_noise).lower() == "true"
        note = "  (within noise: a close choice)" if close else ""
        ax.set_title(
            # Two lines: with the note and a large corpus's counts one ran past the edge.
            f"against {FEATURE_NAMES.get(space, space)}{note}\n"
            f"{int(row.documents_regrouped):,} of {len(assignments):,} documents in other"
            f" clusters, adjusted Rand index {float(row.ari_with_chosen):.3f}",
            fontsize=9,
        )
    fig.suptitle(
        f"{title}\n(rows: the chosen {FEATURE_NAMES.get(chosen, chosen)}; clusters by their top"
        " terms, n: documents)",
        fontsize=10,
    )
    save_figure(fig, png, pdf)
