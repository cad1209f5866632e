"""Helpers of the figure tests of every stage (tests/<stage>/test_figures.py).

A figure test writes small hand-made tables with Arabic labels, draws a figure from them
with the stage's ``plot_*`` function and looks at the files and at the figure object (the
``drawn`` and ``captured`` fixtures of tests/conftest.py keep every saved figure).
Importable because pyproject.toml puts tests/ on pytest's ``pythonpath``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from arabic_news_topics.io import write_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: Labels of the hand-made tables.
DOC_IDS = ["خبر_روسيا", "خبر_الناتو", "خبر_داعش", "خبر_السلام"]
TERMS = ["روسيا", "الناتو", "حلف شمال", "داعش", "السلام", "موسكو"]
WORDS = ["ارهاب داعش تفجير هجوم", "الناتو حلف روسيا قمة", "السلام اسرائيل فلسطين غزة"]
THEMES = ["terrorism", "nato_relations", "none"]

#: A figure case: (id, plot function, table builders in argument order, keyword arguments).
Case = tuple[str, Callable, list[Callable[[], pd.DataFrame]], dict]


def write(tmp_path: Path, name: str, frame: pd.DataFrame) -> str:
    """Write ``frame`` as tables/<name>.csv under ``tmp_path``; its path."""
    path = tmp_path / "tables" / f"{name}.csv"
    write_table(frame, path)
    return str(path)


def draw(tmp_path: Path, case: Case, tag: str) -> tuple[Path, Path]:
    """Draw ``case`` from freshly written tables into <tag>/<id>.png and .pdf."""
    name, function, builders, kwargs = case
    inputs = [write(tmp_path, f"{name}_{i}", build()) for i, build in enumerate(builders)]
    png, pdf = tmp_path / tag / f"{name}.png", tmp_path / tag / f"{name}.pdf"
    function(*inputs, str(png), str(pdf), **kwargs)
    return png, pdf


def case_params(cases: list[Case]) -> list:
    """``cases`` as pytest parameters named by their ids."""
    return [pytest.param(c, id=c[0]) for c in cases]


def assert_png_and_pdf_reproducible(tmp_path: Path, case: Case) -> None:
    """The figure of ``case`` is a PNG and a PDF with the Arabic font embedded, drawn again
    byte for byte, and closed after saving."""
    png, pdf = draw(tmp_path, case, "first")
    png_bytes, pdf_bytes = png.read_bytes(), pdf.read_bytes()
    assert png_bytes.startswith(PNG_MAGIC)
    assert len(png_bytes) > 1000
    assert pdf_bytes.startswith(b"%PDF")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")
    # The font with Arabic glyphs is embedded (TrueType, pdf.fonttype 42).
    assert b"DejaVuSans" in pdf_bytes
    # Drawn again from the same inputs: the same bytes (no timestamps in the files).
    png_again, pdf_again = draw(tmp_path, case, "second")
    assert pdf_again.read_bytes() == pdf_bytes
    assert png_again.read_bytes() == png_bytes
    assert not plt.get_fignums(), "the figure must be closed after saving"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels of a PNG file."""
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def plotted(fig):
    """The axes that hold a plot (not switched off, not a colour bar)."""
    return [ax for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"]


def chosen_lines(ax) -> list[float]:
    """x of the dashed lines that mark the chosen K or k."""
    return [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "chosen"]


def legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def ticks(labels) -> list[str]:
    return [t.get_text() for t in labels]


def text_of(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]
