"""Stage 5's step: the word counts read for the refinement of the clusters."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from arabic_news_topics.clusters import step
from arabic_news_topics.tfidf import core as tfidf

DOCUMENTS = [
    ("a", ["حلف", "شمال", "اطلسي", "حلف"]),
    ("b", ["نفط", "اسعار", "نفط"]),
    ("c", ["اسعار", "سوق", "سوق"]),
    ("d", ["حلف", "سوق"]),
    ("e", ["اطلسي", "نفط", "شمال"]),
]


@pytest.fixture
def tokens(tmp_path):
    path = tmp_path / "tokens.jsonl"
    lines = [json.dumps({"doc_id": d, "tokens": t}, ensure_ascii=False) for d, t in DOCUMENTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_count_blocks_are_the_counts_in_blocks_each_call(tokens, monkeypatch):
    monkeypatch.setattr(step, "COUNT_BLOCK_DOCUMENTS", 2)
    _, ids, terms = tfidf.compute_tfidf(DOCUMENTS)
    blocks = step.count_blocks(str(tokens), ids, terms, (1, 1))
    first = list(blocks())
    assert [b.shape[0] for b in first] == [2, 2, 1]
    expected = tfidf.term_counts([t for _, t in DOCUMENTS], terms).toarray()
    np.testing.assert_array_equal(sp.vstack(first).toarray(), expected)
    # Called again, it reads the file again from the start.
    np.testing.assert_array_equal(sp.vstack(list(blocks())).toarray(), expected)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["a", "c", "b", "d", "e"], "not the TF-IDF matrix's rows"),
        (["a", "b", "c", "d", "e", "f"], "5 documents, the TF-IDF matrix has 6"),
    ],
)
def test_count_blocks_fail_on_other_documents(tokens, ids, message):
    with pytest.raises(ValueError, match=message) as error:
        list(step.count_blocks(str(tokens), ids, ["نفط"], (1, 1))())
    assert str(tokens) in str(error.value)
