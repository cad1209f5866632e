"""Figures of stage 1 (arabic_news_topics.corpus.figures): document lengths, on small
hand-made tables with Arabic labels."""

from __future__ import annotations

import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    assert_png_and_pdf_reproducible,
    case_params,
    draw,
)

from arabic_news_topics.corpus import figures


def lengths_table(n: int = 4) -> pd.DataFrame:
    ids = [f"خبر_{i}" for i in range(n)] if n != 4 else DOC_IDS
    return pd.DataFrame(
        {
            "doc_id": ids,
            "characters": [100 * (i + 1) for i in range(n)],
            "words": [20 * (i + 1) for i in range(n)],
            "lines": [i + 1 for i in range(n)],
        }
    )


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("document_lengths", figures.plot_document_lengths, [lengths_table], {}),
    (
        "document_lengths_histogram",
        figures.plot_document_lengths,
        [lambda: lengths_table(12)],
        {"max_documents": 5},
    ),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


def test_document_lengths_bars_or_histogram(tmp_path, captured):
    draw(tmp_path, CASE["document_lengths"], "bars")
    draw(tmp_path, CASE["document_lengths_histogram"], "histogram")
    bars, histogram = captured
    assert bars["titles"] == ["Document lengths: 4 documents"]
    assert bars["yticklabels"][0] == DOC_IDS
    # Twelve documents of 20, 40, ..., 240 words: median (120 + 140) / 2 = 130.
    assert histogram["titles"] == ["Document lengths: 12 documents, median 130 words"]
