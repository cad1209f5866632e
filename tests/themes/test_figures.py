"""Figures of stage 6 (arabic_news_topics.themes.figures): document themes, theme prevalence,
the topic map and the guided comparison, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    THEMES,
    WORDS,
    assert_png_and_pdf_reproducible,
    case_params,
    draw,
    legend_texts,
    plotted,
    text_of,
    ticks,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb

from arabic_news_topics.plotting import LTR, theme_colours
from arabic_news_topics.themes import figures


def doc_themes_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "الإرهاب": [0.0, 0.0, 0.4, 0.0],
            "الناتو": [0.2, 0.5, 0.0, 0.0],
            "dominant_theme": ["الناتو", "الناتو", "الإرهاب", "none"],
        }
    )


def prevalence_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["الإرهاب", "الناتو", "none"],
            "documents": [1, 2, 1],
            "share": [0.25, 0.5, 0.25],
            "mean_score": [0.1, 0.175, float("nan")],
        }
    )


def topic_map_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": [1, 2, 3],
            "x": [0.3, -0.2, -0.1],
            "y": [0.0, 0.15, -0.12],
            "prevalence": [0.5, 0.3, 0.2],
            "top_words": [" ".join(w.split()[:3]) for w in WORDS],
            "theme": THEMES,
        }
    )


def guided_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["terrorism", "الناتو"],
            "guided_topic": [1, 2],
            "guided_score": [0.081, 0.064],
            "unguided_topic": [5, np.nan],
            "unguided_score": [0.042, np.nan],
        }
    )


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("document_themes", figures.plot_document_themes, [doc_themes_table], {}),
    ("theme_prevalence", figures.plot_theme_prevalence, [prevalence_table], {}),
    ("topic_map", figures.plot_topic_map, [topic_map_table], {}),
    ("guided_comparison", figures.plot_guided_comparison, [guided_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


def test_per_document_figures_say_when_sampled(tmp_path, captured):
    name, function, builders, _ = CASE["document_themes"]
    case = (name, function, builders, {"max_documents": 2, "random_state": 1})
    draw(tmp_path, case, "sampled")
    draw(tmp_path, CASE["document_themes"], "all")
    sampled, complete = captured
    assert sampled["titles"][0].endswith("(2 of 4 documents, sampled)")
    assert len(sampled["yticklabels"][0]) == 2
    assert "sampled" not in complete["titles"][0]
    # Row labels carry the dominant theme in brackets.
    assert complete["yticklabels"][0] == [
        "خبر_روسيا (الناتو)",
        "خبر_الناتو (الناتو)",
        "خبر_داعش (الإرهاب)",
        "خبر_السلام (none)",
    ]


def test_topic_map_circles_labels_and_legends(tmp_path, drawn):
    draw(tmp_path, CASE["topic_map"], "map")
    (fig,) = drawn
    (ax,) = plotted(fig)
    (circles,) = ax.collections
    # Circle area proportional to prevalence (0.5, 0.3, 0.2).
    np.testing.assert_allclose(circles.get_sizes() / circles.get_sizes()[0], [1, 0.6, 0.4])
    colours = theme_colours(THEMES)
    assert tuple(circles.get_facecolors()[2][:3]) == pytest.approx(to_rgb(colours["none"]))
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == [f"{LTR}{i + 1}: {' '.join(WORDS[i].split()[:3])}" for i in range(3)]
    # Every label inside the axes; the same scale on both axes (equal aspect).
    canvas = FigureCanvasAgg(fig)  # the figure is closed: draw it on a canvas of its own
    canvas.draw()
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, text.get_text()
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, text.get_text()
    x_per_pixel = (ax.get_xlim()[1] - ax.get_xlim()[0]) / frame.width
    y_per_pixel = (ax.get_ylim()[1] - ax.get_ylim()[0]) / frame.height
    assert x_per_pixel == pytest.approx(y_per_pixel, rel=0.02)
    assert ax.get_xlabel() == "MDS 1 (Jensen-Shannon distance)"
    assert ax.get_ylabel() == "MDS 2 (Jensen-Shannon distance)"
    texts = legend_texts(fig)
    assert {"terrorism", "nato_relations", "no theme"} <= set(texts)
    assert "0.5" in texts  # the size key


def test_guided_comparison_names_the_topics(tmp_path, drawn):
    draw(tmp_path, CASE["guided_comparison"], "guided")
    (fig,) = drawn
    ax = fig.axes[0]
    assert ticks(ax.get_yticklabels()) == ["terrorism", "الناتو"]
    assert text_of(fig) == ["topic 1 (0.081)", "topic 2 (0.064)", "topic 5 (0.042)", "no topic"]
    assert legend_texts(fig) == ["guided LDA", "unguided LDA"]
