"""Figures of stage 2: vocabulary after each rule, top terms.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

from ..io import read_table
from ..plotting import (
    barh,
    new_figure,
    palette_colour,
    save_figure,
    shown_terms,
)


def plot_vocabulary_by_step(steps_csv: str, png: str, pdf: str) -> None:
    """Vocabulary size and token count after each normalization rule, in order."""
    steps = read_table(steps_csv)
    fig, axes = new_figure(0.8 + 0.3 * len(steps), ncols=2)
    labels = steps["step"].tolist()
    barh(axes[0, 0], labels, steps["vocabulary"], fmt="d")
    axes[0, 0].set_xlabel("distinct word types")
    axes[0, 0].set_title("Vocabulary size after each rule")
    barh(axes[0, 1], labels, steps["tokens"], color=palette_colour(1), fmt="d")
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
    barh(ax, shown_terms(terms), terms["count"], fmt="d")
    ax.set_xlabel("occurrences in the corpus")
    ax.set_title(f"Top {len(terms)} terms after normalization")
    save_figure(fig, png, pdf)


def plot_normalization(
    steps: str,
    top_terms: str,
    steps_png: str,
    steps_pdf: str,
    top_terms_png: str,
    top_terms_pdf: str,
) -> None:
    """Rule plot_normalization: vocabulary size after each rule, and the top terms."""
    plot_vocabulary_by_step(steps, steps_png, steps_pdf)
    plot_top_terms(top_terms, top_terms_png, top_terms_pdf)
