"""Figures of stage 6: document themes, theme prevalence, intertopic map, guided vs unguided.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..io import read_table
from ..plotting import (
    barh,
    document_labels,
    heatmap,
    new_figure,
    no_data_figure,
    palette_colour,
    require_columns,
    sample_rows,
    sampled_note,
    save_figure,
    theme_colours,
    theme_name,
    topic_label,
)
from ..topics.curate import read_topic_names


def plot_document_themes(
    doc_themes_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 40,
    random_state: int = 42,
    titles_csv: str | None = None,
) -> None:
    """Document-by-theme heatmap of the theme scores, dominant theme in the row label
    (documents by title where the corpus has titles, ``titles_csv``)."""
    table = read_table(doc_themes_csv)
    total = len(table)
    table, _ = sample_rows(table, max_documents, random_state)
    matrix = table.drop(columns=["doc_id", "dominant_theme"])
    matrix.index = [
        f"{d} ({t})"
        for d, t in zip(
            document_labels(table["doc_id"], titles_csv, 32), table["dominant_theme"], strict=False
        )
    ]
    fig, axes = new_figure(min(1.8 + 0.3 * len(matrix), 9.0))
    heatmap(axes[0, 0], matrix, cmap="YlOrRd", vmin=0, colorbar_label="theme score")
    axes[0, 0].set_title(
        "Theme scores of each document (dominant theme)"
        + sampled_note(len(matrix), total, newline=True)
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
        color=palette_colour(1),
        fmt=".3f",
    )
    axes[0, 1].set_xlabel("mean theme score")
    axes[0, 1].set_title("Mean theme score")
    for ax in axes[0]:
        ax.set_xlim(0, ax.get_xlim()[1] * 1.2)
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


def plot_topic_map(
    topic_map_csv: str,
    png: str,
    pdf: str,
    n_words: int = 3,
    topic_labels_csv: str | None = None,
) -> None:
    """Intertopic distance map: topics placed by MDS of their Jensen-Shannon distances.

    Each topic is a circle whose area is proportional to its prevalence (mean share over
    the documents), coloured by its theme and labelled with its number and top words, or
    its label where ``topic_labels_csv`` (rule label_topics) gives one.
    """
    table = read_table(topic_map_csv, dtype={"top_words": str, "theme": str})
    require_columns(table, ["topic", "x", "y", "prevalence"], topic_map_csv)
    title = "Intertopic distance map"
    if table.empty:
        no_data_figure(title, "The topic map table is empty: no topic to place.", png, pdf)
        return
    table = table.sort_values("topic").reset_index(drop=True)
    themes = table["theme"].fillna("none") if "theme" in table.columns else ["none"] * len(table)
    themes = [str(t) for t in themes]
    colours = theme_colours(themes)
    prevalence = table["prevalence"].astype(float).fillna(0).clip(lower=0).to_numpy()
    top = float(prevalence.max()) if prevalence.max() > 0 else 1.0
    areas = MAP_MAX_AREA * prevalence / top
    radii = np.sqrt(areas) / 2  # scatter's s is the square of the circle's diameter (points)
    points = table[["x", "y"]].astype(float).to_numpy()
    words = table["top_words"] if "top_words" in table.columns else [None] * len(table)
    labels = [topic_label(t, w, n_words) for t, w in zip(table["topic"], words, strict=True)]
    names = read_topic_names(topic_labels_csv, labelled_only=True)
    if names:
        labels = [
            f"{t}: {names[t]}" if t in names else label
            for t, label in zip(table["topic"], labels, strict=True)
        ]

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
        [theme_name(t) for t in named],
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


def _topic_number(value) -> str:
    return "no topic" if pd.isna(value) else f"topic {int(value)}"


def plot_guided_comparison(comparison_csv: str, png: str, pdf: str) -> None:
    """For each theme, the seed-word mass of its best topic in guided and unguided LDA."""
    table = read_table(comparison_csv, dtype={"theme": str})
    columns = ["theme", "guided_topic", "guided_score", "unguided_topic", "unguided_score"]
    require_columns(table, columns, comparison_csv)
    title = "Guided and unguided LDA: mass of each theme's seed words in its best topic"
    if table.empty:
        no_data_figure(title, "No theme to compare: the theme lexicon is empty.", png, pdf)
        return
    positions = np.arange(len(table))
    height = 0.38
    fig, axes = new_figure(1.2 + 0.5 * len(table))
    ax = axes[0, 0]
    top = 0.0
    for offset, kind, colour in (
        (-height / 2, "guided", palette_colour(0)),
        (height / 2, "unguided", palette_colour(8)),
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
    ax.set_yticks(positions, [theme_name(str(t)) for t in table["theme"]])
    ax.invert_yaxis()
    ax.set_xlim(0, (top if top > 0 else 1.0) * 1.35)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_xlabel("probability mass of the theme's seed words in the topic")
    ax.set_ylabel("theme")
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=7)
    ax.set_title(title, fontsize=9)
    save_figure(fig, png, pdf)


def plot_themes(
    doc_themes: str,
    prevalence: str,
    topic_map: str,
    doc_themes_png: str,
    doc_themes_pdf: str,
    prevalence_png: str,
    prevalence_pdf: str,
    topic_map_png: str,
    topic_map_pdf: str,
    max_documents: int,
    random_state: int,
    topic_labels: str | None = None,
    titles: str | None = None,
) -> None:
    """Rule plot_themes: document-by-theme heatmap, theme prevalence, intertopic map
    (topics named by ``topic_labels`` where labelled)."""
    plot_document_themes(
        doc_themes,
        doc_themes_png,
        doc_themes_pdf,
        max_documents=max_documents,
        random_state=random_state,
        titles_csv=titles,
    )
    plot_theme_prevalence(prevalence, prevalence_png, prevalence_pdf)
    plot_topic_map(topic_map, topic_map_png, topic_map_pdf, topic_labels_csv=topic_labels)


def plot_guided(comparison: str, png: str, pdf: str) -> None:
    """Rule plot_guided: theme seed-word mass of the guided and unguided topics."""
    plot_guided_comparison(comparison, png, pdf)
