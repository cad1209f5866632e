"""Figures of stage 3 (arabic_news_topics.tfidf.figures): top terms per document and
document similarity, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    TERMS,
    assert_png_and_pdf_reproducible,
    case_params,
)

from arabic_news_topics.tfidf import figures


def tfidf_top_terms_table() -> pd.DataFrame:
    rows = [
        {"doc_id": doc, "rank": r + 1, "term": TERMS[(d + r) % 6], "weight": 0.6 - 0.1 * r}
        for d, doc in enumerate(DOC_IDS)
        for r in range(3)
    ]
    return pd.DataFrame(rows)


def similarity_table() -> pd.DataFrame:
    values = np.array(
        [[1.0, 0.2, 0.0, 0.1], [0.2, 1.0, 0.3, 0.0], [0.0, 0.3, 1.0, 0.05], [0.1, 0.0, 0.05, 1.0]]
    )
    frame = pd.DataFrame(values, columns=DOC_IDS)
    frame.insert(0, "doc_id", DOC_IDS)
    return frame


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("top_terms_per_document", figures.plot_top_terms_per_document, [tfidf_top_terms_table], {}),
    ("similarity", figures.plot_similarity, [similarity_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)
