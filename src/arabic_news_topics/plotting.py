"""Shared figure style and saving, so every figure of every stage looks alike.

matplotlib 3.11 shapes Arabic itself (right to left, joined letters) with a font that has
Arabic glyphs; DejaVu Sans, bundled with matplotlib, has them. Labels are therefore passed
as plain Unicode strings: do not reshape or reorder them (arabic-reshaper/python-bidi would
reverse the text on this matplotlib).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from fontTools import subset as font_subset
from matplotlib.ticker import MaxNLocator

from .io import atomic_path, read_table

#: Full text width of a two-column paper, in inches; every figure uses it.
FIGURE_WIDTH = 7.0
#: Resolution of the PNG files.
PNG_DPI = 150

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Embed TrueType fonts in PDFs, as journals ask.
    "pdf.fonttype": 42,
    "svg.hashsalt": "arabic-news-topics",
}


#: OpenType layout tables left out of the fonts embedded in PDFs. matplotlib shapes the
#: Arabic itself and writes the shaped glyphs' ids and positions into the PDF, so a viewer
#: never reads these tables; kept, they cost fontTools their closure over DejaVu Sans's
#: Arabic lookups at every save (about 40 % of a figure's PDF time, the same page drawn).
PDF_DROPPED_FONT_TABLES = ("GSUB", "GPOS", "GDEF")


def _drop_layout_tables_from_pdf_fonts() -> None:
    """Add :data:`PDF_DROPPED_FONT_TABLES` to fontTools' default tables to drop.

    matplotlib's PDF backend subsets each font with ``fontTools.subset.Options`` built from
    fontTools' defaults and has no setting of its own for the tables kept, so the default
    list is extended here, once per process that draws figures (only they import this
    module). tests/test_plotting.py checks that the pages drawn are the same.
    """
    defaults = font_subset.Options._drop_tables_default
    missing = [tag for tag in PDF_DROPPED_FONT_TABLES if tag not in defaults]
    if missing:
        font_subset.Options._drop_tables_default = [*defaults, *missing]


_drop_layout_tables_from_pdf_fonts()


def new_figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """Create a figure of the project's width and the given height (inches)."""
    plt.rcParams.update(STYLE)
    return plt.subplots(
        nrows, ncols, figsize=(FIGURE_WIDTH, height), layout="constrained", squeeze=False, **kwargs
    )


def save_figure(fig, png_path: str | Path, pdf_path: str | Path) -> None:
    """Save a figure as PNG and PDF without timestamps, so reruns give identical bytes."""
    # Each to a temporary name first (atomic_path, which keeps the suffix that tells
    # matplotlib the format); neither file stores its own name.
    with atomic_path(png_path) as temporary:
        fig.savefig(temporary, dpi=PNG_DPI, metadata={"Software": None})
    with atomic_path(pdf_path) as temporary:
        fig.savefig(temporary, metadata={"CreationDate": None, "Creator": None, "Producer": None})
    plt.close(fig)


def barh(ax, labels: list[str], values, color: str = "#3b6ea8", fmt: str | None = None) -> None:
    """Horizontal bars, first label on top; Arabic labels are shaped by matplotlib."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    positions = np.arange(len(labels))
    ax.barh(positions, values, color=color)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    if fmt:
        for pos, value in zip(positions, values, strict=False):
            ax.text(value, pos, " " + format(value, fmt), va="center", fontsize=7)


def heatmap(
    ax,
    matrix: pd.DataFrame,
    cmap: str = "viridis",
    annotate: bool = True,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str = "",
):
    """Draw a labelled heatmap of a DataFrame (rows on y, columns on x)."""
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(
        values, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    ax.set_xticks(
        np.arange(values.shape[1]), [str(c) for c in matrix.columns], rotation=45, ha="right"
    )
    ax.set_yticks(np.arange(values.shape[0]), [str(i) for i in matrix.index])
    if annotate and values.size <= 400:
        for (i, j), value in np.ndenumerate(values):
            red, green, blue, _ = image.cmap(image.norm(value))
            # Dark text on light cells, light text on dark ones (relative luminance).
            light_cell = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5
            ax.text(
                j,
                i,
                format_cell(value),
                ha="center",
                va="center",
                fontsize=6,
                color="black" if light_cell else "white",
            )
    cbar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    if colorbar_label:
        cbar.set_label(colorbar_label)
    return image


def format_cell(value: float) -> str:
    """Two significant digits, so that small scores do not all print as 0.00."""
    return "0" if value == 0 else f"{value:.2g}"


def sample_rows(frame: pd.DataFrame, max_rows: int, random_state: int) -> tuple[pd.DataFrame, bool]:
    """Keep at most ``max_rows`` rows, drawn reproducibly; say whether rows were dropped."""
    if len(frame) <= max_rows:
        return frame, False
    return frame.sample(n=max_rows, random_state=random_state).sort_index(), True


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


def sampled_note(n_shown: int, n_total: int, newline: bool = False) -> str:
    if n_shown >= n_total:
        return ""
    return ("\n" if newline else " ") + f"({n_shown} of {n_total} documents, sampled)"


def palette_colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


# ---------------------------------------------------------------------------------------
# Stage 8: topic and theme prevalence over time and by source.

#: Colour of the documents without a theme (``none``) in the trend figures.
NO_THEME_COLOUR = "#9a9a9a"


def no_data_figure(title: str, message: str, png: str, pdf: str) -> None:
    """A figure that says in words why there is nothing to draw."""
    fig, axes = new_figure(1.6)
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, transform=ax.transAxes)
    save_figure(fig, png, pdf)


def theme_colours(themes) -> dict[str, str]:
    """One colour per theme, by the theme's name in alphabetical order; ``none`` in grey."""
    named = sorted({str(t) for t in themes} - {"none"})
    colours = {theme: palette_colour(i) for i, theme in enumerate(named)}
    colours["none"] = NO_THEME_COLOUR
    return colours


def theme_name(theme: str) -> str:
    """How a theme is named in figure labels (``none``: ``no theme``)."""
    return "no theme" if theme == "none" else theme


# ---------------------------------------------------------------------------------------
# Choosing K, topic stability and the topic map; evaluation against gold labels.

#: Colour of the chosen K (or k) in the selection figures.
CHOSEN_COLOUR = PALETTE[1]
#: Left-to-right mark: starts a label ``n: top words`` so that it is laid out left to right
#: (number first, then the Arabic words, which read right to left); it draws nothing.
LTR = "\u200e"


def require_columns(table: pd.DataFrame, columns, path: str) -> None:
    """Raise a clear error when the table lacks any of ``columns``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{path} lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(it has {', '.join(map(str, table.columns))})"
        )


def document_labels(doc_ids, titles_csv: str | None = None, characters: int = 40) -> list[str]:
    """How a figure names documents: their titles (``titles_csv``, rule document_titles),
    shortened to ``characters``, where the corpus has them; otherwise their ids."""
    ids = [str(d) for d in doc_ids]
    if not titles_csv:
        return ids
    table = read_table(titles_csv, dtype=str).fillna("")
    titles = dict(zip(table["doc_id"], table["title"], strict=True))
    labels = []
    for doc_id in ids:
        title = " ".join(titles.get(doc_id, "").split())
        if len(title) > characters:
            title = title[: characters - 1].rstrip() + "…"
        labels.append(title or doc_id)
    return labels


def shown_terms(table: pd.DataFrame) -> list[str]:
    """The words a figure shows for a table's rows: their display forms (as the corpus wrote
    them) where the table has them, else the normalized terms."""
    column = "display" if "display" in table.columns else "term"
    return table[column].astype(str).tolist()


def first_words(top_words, n_words: int) -> str:
    """The first ``n_words`` of a ``top_words`` cell (``، ``- or space-separated)."""
    if top_words is None or (isinstance(top_words, float) and math.isnan(top_words)):
        return ""
    text = str(top_words).strip()
    for separator in ("، ", "،", ", ", ","):
        if separator in text:
            return "، ".join(w.strip() for w in text.split(separator)[:n_words] if w.strip())
    return " ".join(text.split()[:n_words])


def topic_label(topic, top_words=None, n_words: int = 3) -> str:
    """``n: top words``, laid out left to right (number first, the Arabic words after it)."""
    words = first_words(top_words, n_words)
    return f"{LTR}{topic}: {words}" if words else f"{topic}"


def chosen_values(table: pd.DataFrame, key: str) -> list[int]:
    """The values of ``key`` on the rows whose ``chosen`` is true."""
    flags = table["chosen"].astype(str).str.lower() == "true"
    return [int(k) for k in table.loc[flags, key]]


def integer_axis(ax, values) -> None:
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


def mark_chosen(ax, x: float) -> None:
    """A dashed vertical line at the chosen value (``gid`` ``chosen``, for tests)."""
    ax.axvline(x, color=CHOSEN_COLOUR, linestyle="--", linewidth=1.2, zorder=0, gid="chosen")
