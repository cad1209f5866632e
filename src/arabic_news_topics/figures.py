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


def plot_document_map(coordinates_csv: str, png: str, pdf: str, max_labels: int = 40) -> None:
    """Documents in two LSA dimensions, coloured by cluster."""
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
    ax.set_xlabel("LSA dimension 1")
    ax.set_ylabel("LSA dimension 2")
    legend = ax.legend(frameon=False, fontsize=7, markerscale=1 if not many else 4)
    for handle in legend.legend_handles:
        handle.set_alpha(1)
    ax.set_title(
        f"Documents in two LSA dimensions of TF-IDF, coloured by cluster ({len(table)} documents)"
    )
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
