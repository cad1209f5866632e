"""Figures of stage 3: top terms per document, document similarity.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..io import read_table
from ..plotting import (
    barh,
    document_labels,
    heatmap,
    new_figure,
    palette_colour,
    sample_rows,
    sampled_note,
    save_figure,
    shown_terms,
)
from .core import count_documents


def plot_top_terms_per_document(
    top_terms_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 12,
    top_n: int = 8,
    random_state: int = 42,
    titles_csv: str | None = None,
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
    names = dict(
        zip(
            shown["doc_id"],
            document_labels(shown["doc_id"], titles_csv, characters=26),
            strict=True,
        )
    )
    for i, (ax, doc_id) in enumerate(zip(axes.ravel(), shown["doc_id"], strict=False)):
        rows = table[table["doc_id"] == doc_id].head(top_n)
        barh(ax, shown_terms(rows), rows["weight"], color=palette_colour(i))
        ax.set_title(names[doc_id], fontsize=8)
        ax.tick_params(axis="x", labelsize=6)
    fig.suptitle("Top TF-IDF terms per document" + sampled_note(len(shown), len(doc_ids)))
    save_figure(fig, png, pdf)


def plot_similarity(
    similarity_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 40,
    random_state: int = 42,
    total_documents: int | None = None,
    titles_csv: str | None = None,
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
    names = document_labels(matrix.index, titles_csv, characters=30)
    matrix = pd.DataFrame(values, index=names, columns=names)
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
        + sampled_note(len(matrix), total, newline=True)
    )
    save_figure(fig, png, pdf)


def plot_tfidf(
    matrix: str,
    top_terms: str,
    similarity: str,
    top_terms_png: str,
    top_terms_pdf: str,
    similarity_png: str,
    similarity_pdf: str,
    max_documents: int,
    random_state: int,
    titles: str | None = None,
) -> None:
    """Rule plot_tfidf: top TF-IDF terms per document and the similarity heatmap."""
    plot_top_terms_per_document(
        top_terms,
        top_terms_png,
        top_terms_pdf,
        max_documents=min(12, max_documents),
        random_state=random_state,
        titles_csv=titles,
    )
    plot_similarity(
        similarity,
        similarity_png,
        similarity_pdf,
        max_documents=max_documents,
        random_state=random_state,
        total_documents=count_documents(matrix),
        titles_csv=titles,
    )
