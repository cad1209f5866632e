"""Figures of stage 8: topics and themes over time and by source.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..io import read_table
from ..plotting import (
    NO_THEME_COLOUR,
    format_cell,
    heatmap,
    new_figure,
    no_data_figure,
    palette_colour,
    save_figure,
    theme_colours,
    theme_name,
    topic_label,
)
from ..topics.curate import read_topic_names
from .core import short_source_names


def _coverage_counts(coverage_csv: str) -> dict[str, int]:
    """Documents per item of the trends coverage table (``all documents``, ``with a date`` …)."""
    table = read_table(coverage_csv)
    return {str(i): int(n) for i, n in zip(table["item"], table["documents"], strict=True)}


def _topic_labels(
    topic_summary_csv: str, n_words: int = 3, topic_labels_csv: str | None = None
) -> dict[str, tuple[str, str, str]]:
    """``topic_<k>`` to (``Topic k``, its first ``n_words`` top words or, where
    ``topic_labels_csv`` (rule label_topics) names it, its label, its theme)."""
    summary = read_table(topic_summary_csv, dtype={"top_words": str, "theme": str})
    named = read_topic_names(topic_labels_csv, labelled_only=True)
    labels = {}
    for row in summary.itertuples():
        words = "" if pd.isna(row.top_words) else "، ".join(row.top_words.split("، ")[:n_words])
        words = named.get(row.topic, words)
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
    topic_labels_csv: str | None = None,
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
        no_data_figure(
            title,
            f"No document has a date: {undated} of {counts['all documents']} documents are "
            "undated,\nso there is no topic prevalence over time to show.",
            png,
            pdf,
        )
        return
    labels = _topic_labels(topic_summary_csv, topic_labels_csv=topic_labels_csv)
    columns = [c for c in table.columns if c.startswith("topic_")]
    dates = _period_dates(table["period"])
    shares = table[columns].astype(float)
    documents = table["documents"].astype(int)
    overall = (shares.fillna(0).mul(documents, axis=0)).sum() / max(int(documents.sum()), 1)
    order = sorted(columns, key=lambda c: (-round(float(overall[c]), 12), int(c[6:])))
    colours = theme_colours(labels[c][2] for c in columns if c in labels)
    ncols = min(len(columns), 4 if len(columns) <= 24 else 5)
    nrows = math.ceil(len(columns) / ncols)
    fig, axes = new_figure(2.0 + 1.15 * nrows, ncols=ncols, nrows=nrows + 1)
    grid = axes[0, 0].get_gridspec()
    for ax in axes[0]:
        ax.remove()
    top = fig.add_subplot(grid[0, :])
    width = pd.Timedelta(days=5 if period == "week" else 22)
    top.bar(dates, documents, width=width, color=palette_colour(0))
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
        heading = f"{name} ({theme_name(theme)})"
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
        [theme_name(t) for t in themes],
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
        no_data_figure(
            title,
            f"No document has a date: {undated} of {counts['all documents']} documents are "
            "undated,\nso there is no theme prevalence over time to show.",
            png,
            pdf,
        )
        return
    themes = list(dict.fromkeys(table["theme"]))
    colours = theme_colours(themes)
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
            "label": theme_name(theme),
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


def _source_labels(shown: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """``source (documents)`` for each shown source, by :func:`short_source_names` of all
    the table's sources (so that a source is named alike in every figure)."""
    names = short_source_names(table["source"].astype(str).tolist())
    return [
        f"{names[str(source)]} ({documents})"
        for source, documents in zip(shown["source"], shown["documents"], strict=True)
    ]


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
            format_cell(value),
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
    topic_labels_csv: str | None = None,
) -> None:
    """Heatmap of the mean topic share by source: topics (top words, theme) by sources."""
    table = read_table(topics_by_source_csv, dtype={"source": str})
    counts = _coverage_counts(coverage_csv)
    no_source = counts["without a source"]
    title = "Mean topic share by source"
    if table.empty:
        no_data_figure(
            title,
            f"No document has a source: {no_source} of {counts['all documents']} documents "
            "have none,\nso there is no topic prevalence by source to show.",
            png,
            pdf,
        )
        return
    shown, note = _source_columns(table, max_sources)
    labels = _topic_labels(topic_summary_csv, topic_labels_csv=topic_labels_csv)
    columns = [c for c in table.columns if c.startswith("topic_")]
    matrix = shown[columns].astype(float).T
    matrix.columns = _source_labels(shown, table)
    rows = []
    for column in columns:
        name, words, theme = labels.get(column, (column.replace("topic_", "Topic "), "", "none"))
        # Latin first, Arabic words last: the label reads left to right, the words right to
        # left, next to the heatmap (a label that began with Arabic would be laid out RTL).
        rows.append(f"{name[6:]} ({theme_name(theme)}) · {words}".rstrip(" ·"))
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
        no_data_figure(
            title,
            f"No document has a source: {no_source} of {counts['all documents']} documents "
            "have none,\nso there is no theme prevalence by source to show.",
            png,
            pdf,
        )
        return
    shown, note = _source_columns(table, max_sources)
    names = _source_labels(shown, table)
    table = table[table["source"].isin(shown["source"])]
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
        matrix.index = [theme_name(t) for t in rows]
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


def plot_trends(
    coverage: str,
    topics_time: str,
    themes_time: str,
    topics_source: str,
    themes_source: str,
    topic_summary: str,
    topics_time_png: str,
    topics_time_pdf: str,
    themes_time_png: str,
    themes_time_pdf: str,
    topics_source_png: str,
    topics_source_pdf: str,
    themes_source_png: str,
    themes_source_pdf: str,
    period: str,
    topic_labels: str | None = None,
) -> None:
    """Rule plot_trends: topics and themes over time and by source (topics named by
    ``topic_labels`` where they have a label)."""
    plot_topics_over_time(
        topics_time,
        topic_summary,
        coverage,
        topics_time_png,
        topics_time_pdf,
        period=period,
        topic_labels_csv=topic_labels,
    )
    plot_themes_over_time(themes_time, coverage, themes_time_png, themes_time_pdf, period=period)
    plot_topics_by_source(
        topics_source,
        topic_summary,
        coverage,
        topics_source_png,
        topics_source_pdf,
        topic_labels_csv=topic_labels,
    )
    plot_themes_by_source(themes_source, coverage, themes_source_png, themes_source_pdf)


#: Sources drawn in the point-and-interval figure (those with most documents).
MAX_INTERVAL_SOURCES = 6


def _topic_axis_labels(topics: list[str], labels: dict) -> list[str]:
    shown = []
    for topic in topics:
        number, words, _ = labels.get(topic, (topic, "", ""))
        shown.append(topic_label(number.removeprefix("Topic "), words.replace("، ", " "), 3))
    return shown


def _intervals_by_source(
    table: pd.DataFrame, outcome: str, names: list[str], xlabel: str, title: str, png: str, pdf: str
) -> None:
    """Points with 95 % intervals: one row per outcome (topic or theme), the sources with
    most documents dodged within it."""
    rows = table[table["covariate"] == "source"] if "covariate" in table else table.iloc[:0]
    if rows.empty:
        no_data_figure(title, "No document has a source.", png, pdf)
        return
    sizes = rows.drop_duplicates("group").set_index("group")["documents"]
    sources = list(sizes.sort_values(ascending=False, kind="stable").index)[:MAX_INTERVAL_SOURCES]
    outcomes = list(dict.fromkeys(rows[outcome]))
    short = short_source_names([str(g) for g in sizes.index])
    fig, axes = new_figure(1.0 + 0.45 * len(outcomes) + 0.06 * len(outcomes) * len(sources))
    ax = axes[0, 0]
    step = 0.8 / max(len(sources), 1)
    for i, source in enumerate(sources):
        part = rows[rows["group"] == source].set_index(outcome).reindex(outcomes)
        y = np.arange(len(outcomes)) - 0.4 + step * (i + 0.5)
        estimate = part["estimate"].to_numpy(dtype=float)
        error = np.vstack(
            [estimate - part["lower"].to_numpy(float), part["upper"].to_numpy(float) - estimate]
        )
        ax.errorbar(
            estimate,
            y,
            xerr=np.nan_to_num(error),
            fmt="o",
            markersize=3.5,
            color=palette_colour(i),
            elinewidth=1.2,
            capsize=0,
            label=f"{short[str(source)]} ({int(sizes[source])})",
        )
    shown = dict(zip(list(dict.fromkeys(rows[outcome])), names, strict=True))
    ax.set_yticks(np.arange(len(outcomes)), [shown[o] for o in outcomes])
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel(xlabel)
    # Beside the axes: inside, it would hide the points of some row.
    ax.legend(
        fontsize=7,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title="source (documents)",
    )
    more = len(sizes) - len(sources)
    note = f"; {more} smaller sources in the table" if more > 0 else ""
    ax.set_title(title + note, fontsize=9)
    save_figure(fig, png, pdf)


def plot_prevalence_by_source(
    prevalence_csv: str,
    topic_summary_csv: str,
    png: str,
    pdf: str,
    topic_labels_csv: str | None = None,
) -> None:
    """Each topic's mean share in each source (the sources with most documents), a point
    with its 95 % interval; sources dodged within a topic's row."""
    table = read_table(prevalence_csv, dtype={"group": str, "topic": str, "note": str})
    labels = _topic_labels(topic_summary_csv, topic_labels_csv=topic_labels_csv)
    topics = list(dict.fromkeys(table["topic"])) if "topic" in table else []
    _intervals_by_source(
        table,
        "topic",
        _topic_axis_labels(topics, labels),
        "mean topic share of the source's documents",
        "Topic prevalence by source, with 95 % intervals",
        png,
        pdf,
    )


def plot_theme_prevalence_by_source(prevalence_csv: str, png: str, pdf: str) -> None:
    """Each theme's share of the documents it dominates in each source, a point with its
    95 % interval."""
    table = read_table(prevalence_csv, dtype={"group": str, "theme": str, "note": str})
    themes = list(dict.fromkeys(table["theme"])) if "theme" in table else []
    _intervals_by_source(
        table,
        "theme",
        [theme_name(t) for t in themes],
        "share of the source's documents the theme dominates",
        "Theme prevalence by source, with 95 % intervals",
        png,
        pdf,
    )


def plot_prevalence_over_time(
    prevalence_csv: str,
    topic_summary_csv: str,
    png: str,
    pdf: str,
    period: str = "month",
    topic_labels_csv: str | None = None,
) -> None:
    """Each topic's mean share per period, a line with its 95 % band (small multiples)."""
    table = read_table(prevalence_csv, dtype={"group": str, "topic": str, "note": str})
    title = "Topic prevalence over time, with 95 % bands"
    rows = table[table["covariate"] == "period"] if "covariate" in table else table.iloc[:0]
    if rows.empty:
        no_data_figure(title, "No document has a date.", png, pdf)
        return
    topics = list(dict.fromkeys(rows["topic"]))
    labels = _topic_labels(topic_summary_csv, topic_labels_csv=topic_labels_csv)
    ncols = min(3, len(topics))
    nrows = math.ceil(len(topics) / ncols)
    fig, axes = new_figure(0.6 + 1.7 * nrows, ncols=ncols, nrows=nrows, sharey=True)
    for ax in axes.ravel()[len(topics) :]:
        ax.set_axis_off()
    for i, (ax, topic) in enumerate(zip(axes.ravel(), topics, strict=False)):
        part = rows[rows["topic"] == topic]
        dates = _period_dates(part["group"])
        ax.fill_between(dates, part["lower"], part["upper"], color=palette_colour(i), alpha=0.25)
        ax.plot(dates, part["estimate"], color=palette_colour(i), marker="o", markersize=2.5)
        _date_axis(ax, dates, period)
        ax.set_title(_topic_axis_labels([topic], labels)[0], fontsize=8)
    fig.suptitle(title)
    save_figure(fig, png, pdf)


def _group_source_names(prevalence_csv: str) -> dict[str, str]:
    """:func:`short_source_names` of every source of a ``*_prevalence_by_group`` table, as
    its interval figures name them."""
    table = read_table(prevalence_csv, dtype={"group": str, "covariate": str})
    rows = table[table["covariate"] == "source"] if "covariate" in table else table.iloc[:0]
    return short_source_names(list(dict.fromkeys(rows["group"].astype(str))))


def plot_differences(
    differences_csv: str,
    topic_summary_csv: str,
    png: str,
    pdf: str,
    topic_labels_csv: str | None = None,
    source_names: Mapping[str, str] | None = None,
) -> None:
    """Each contrast's difference per topic and theme (first − second) with its 95 %
    interval; those whose interval excludes zero in colour.

    ``source_names`` shows each source as the other figures do (:func:`short_source_names`
    of all the corpus's sources); without it, the sources of the contrasts are shortened
    among themselves."""
    text = {c: str for c in ("outcome", "note", "contrast", "first", "second")}
    table = read_table(differences_csv, dtype=text)
    title = "Differences between groups, with 95 % intervals"
    if table.empty:
        no_data_figure(title, "No contrast: set trends.contrasts or trends.split_date.", png, pdf)
        return
    contrasts = list(dict.fromkeys(table["contrast"]))
    labels = _topic_labels(topic_summary_csv, topic_labels_csv=topic_labels_csv)
    n_rows = table.groupby("contrast").size().max()
    fig, axes = new_figure(0.9 + 0.28 * n_rows, ncols=len(contrasts))
    for ax, contrast in zip(axes.ravel(), contrasts, strict=True):
        part = table[table["contrast"] == contrast].reset_index(drop=True)
        names = [
            _topic_axis_labels([o], labels)[0] if kind == "topic" else theme_name(o)
            for kind, o in zip(part["kind"], part["outcome"], strict=True)
        ]
        y = np.arange(len(part))
        clear = (part["lower"] > 0) | (part["upper"] < 0)
        colours = [palette_colour(1) if c else "#9a9a9a" for c in clear]
        for yi, row, colour in zip(y, part.itertuples(), colours, strict=True):
            ax.plot([row.lower, row.upper], [yi, yi], color=colour, linewidth=1.5)
            ax.plot([row.estimate], [yi], "o", color=colour, markersize=4)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        row = part.iloc[0]
        if row["covariate"] == "source":
            names = source_names or short_source_names(
                [*table["first"].astype(str), *table["second"].astype(str)]
            )
            pair = (row["first"], row["second"])
            contrast = " − ".join(names.get(group, group) for group in pair)
        ax.set_title(
            f"{contrast} ({row['covariate']}; {int(row['documents_first'])} and "
            f"{int(row['documents_second'])} documents)",
            fontsize=8,
        )
        ax.set_xlabel("difference (topic share; theme: share of documents)")
    fig.suptitle(title)
    save_figure(fig, png, pdf)


def plot_group_effects(
    topics: str,
    themes: str,
    differences: str,
    topic_summary: str,
    by_source_png: str,
    by_source_pdf: str,
    over_time_png: str,
    over_time_pdf: str,
    differences_png: str,
    differences_pdf: str,
    themes_by_source_png: str,
    themes_by_source_pdf: str,
    period: str = "month",
    topic_labels: str | None = None,
) -> None:
    """Rule plot_group_effects: prevalence by source and over time with intervals, and the
    differences between groups (topics named by ``topic_labels`` where labelled)."""
    named = {"topic_labels_csv": topic_labels}
    plot_prevalence_by_source(topics, topic_summary, by_source_png, by_source_pdf, **named)
    plot_prevalence_over_time(topics, topic_summary, over_time_png, over_time_pdf, period, **named)
    plot_differences(
        differences,
        topic_summary,
        differences_png,
        differences_pdf,
        source_names=_group_source_names(topics),
        **named,
    )
    plot_theme_prevalence_by_source(themes, themes_by_source_png, themes_by_source_pdf)
