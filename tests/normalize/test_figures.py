"""Figures of stage 2 (arabic_news_topics.normalize.figures): vocabulary by rule and top
terms, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import pandas as pd
import pytest
from figure_checks import (
    TERMS,
    assert_png_and_pdf_reproducible,
    case_params,
    draw,
)

from arabic_news_topics.normalize import figures
from arabic_news_topics.plotting import FIGURE_WIDTH


def steps_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": ["raw", "punctuation", "proclitics", "stopwords"],
            "tokens": [120, 118, 118, 80],
            "vocabulary": [90, 85, 60, 55],
        }
    )


def top_terms_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"rank": range(1, 7), "term": TERMS, "count": [9, 8, 5, 4, 2, 1], "documents": [4] * 6}
    )


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("vocabulary_by_step", figures.plot_vocabulary_by_step, [steps_table], {}),
    ("top_terms", figures.plot_top_terms, [top_terms_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


def test_arabic_labels_are_passed_as_plain_unicode(tmp_path, captured):
    draw(tmp_path, CASE["top_terms"], "labels")
    (figure,) = captured
    # First term on top: the y axis is inverted, so labels keep the table's order.
    assert figure["yticklabels"][0] == TERMS
    assert figure["titles"][0] == "Top 6 terms after normalization"
    assert figure["size"][0] == FIGURE_WIDTH
