"""Figure of stage 1: document lengths.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import math

from ..io import read_table
from ..plotting import (
    barh,
    new_figure,
    palette_colour,
    save_figure,
)


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
            lengths["words"],
            bins=min(60, max(10, int(math.sqrt(len(lengths))))),
            color=palette_colour(0),
        )
        ax.set_xlabel("words per document")
        ax.set_ylabel("documents")
        ax.set_title(
            f"Document lengths: {len(lengths)} documents, "
            f"median {lengths['words'].median():.0f} words"
        )
    save_figure(fig, png, pdf)


def plot_corpus(lengths: str, png: str, pdf: str, max_documents: int = 40) -> None:
    """Rule plot_corpus: the figure of document lengths."""
    plot_document_lengths(lengths, png, pdf, max_documents=max_documents)
