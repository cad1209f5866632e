"""Shared figure style and saving, so every figure of every stage looks alike.

matplotlib 3.11 shapes Arabic itself (right to left, joined letters) with a font that has
Arabic glyphs; DejaVu Sans, bundled with matplotlib, has them. Labels are therefore passed
as plain Unicode strings: do not reshape or reorder them (arabic-reshaper/python-bidi would
reverse the text on this matplotlib).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

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


def new_figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """Create a figure of the project's width and the given height (inches)."""
    plt.rcParams.update(STYLE)
    return plt.subplots(
        nrows, ncols, figsize=(FIGURE_WIDTH, height), layout="constrained", squeeze=False, **kwargs
    )


def save_figure(fig, png_path: str | Path, pdf_path: str | Path) -> None:
    """Save a figure as PNG and PDF without timestamps, so reruns give identical bytes."""
    for path in (png_path, pdf_path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path, dpi=PNG_DPI, metadata={"Software": None})
    fig.savefig(pdf_path, metadata={"CreationDate": None, "Creator": None, "Producer": None})
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
                _format_cell(value),
                ha="center",
                va="center",
                fontsize=6,
                color="black" if light_cell else "white",
            )
    cbar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    if colorbar_label:
        cbar.set_label(colorbar_label)
    return image


def _format_cell(value: float) -> str:
    """Two significant digits, so that small scores do not all print as 0.00."""
    return "0" if value == 0 else f"{value:.2g}"


def sample_rows(frame: pd.DataFrame, max_rows: int, random_state: int) -> tuple[pd.DataFrame, bool]:
    """Keep at most ``max_rows`` rows, drawn reproducibly; say whether rows were dropped."""
    if len(frame) <= max_rows:
        return frame, False
    return frame.sample(n=max_rows, random_state=random_state).sort_index(), True
