"""The I/O steps of stage 3: the most similar documents job reads the saved matrix."""

from __future__ import annotations

import logging

import pandas as pd

from arabic_news_topics.tfidf import core, step

DOCUMENTS = [
    ("d1", ["روسيا", "ناتو", "حلف"]),
    ("d2", ["روسيا", "اوكرانيا"]),
    ("d3", ["ناتو", "حلف"]),
    ("d4", ["داعش"]),
]


def test_find_similar_documents_writes_the_table_of_the_saved_matrix(tmp_path, caplog):
    matrix, doc_ids, terms = core.compute_tfidf(DOCUMENTS)
    path = tmp_path / "tfidf_matrix.npz"
    core.save_matrix(matrix, doc_ids, terms, str(path))
    csv, md = tmp_path / "similar.csv", tmp_path / "similar.md"
    with caplog.at_level(logging.INFO):
        step.find_similar_documents(str(path), str(csv), str(md), n_similar=2, threads=2)
    written = pd.read_csv(csv)
    expected = core.similar_documents(matrix, doc_ids, 2)
    assert written["doc_id"].tolist() == expected["doc_id"].tolist()
    assert written["similar_doc_id"].tolist() == expected["similar_doc_id"].tolist()
    # d4 shares no term: it has no row; d1's nearest is d3 (two shared terms).
    assert "d4" not in set(written["doc_id"])
    assert written.loc[written["doc_id"] == "d1", "similar_doc_id"].iloc[0] == "d3"
    assert md.read_text(encoding="utf-8").count("|") > 0
    assert "Most similar documents of 4 documents" in caplog.text
    assert f"{core.similarity_work(matrix):.3g} products" in caplog.text
    assert "so exact" in caplog.text


def test_find_similar_documents_are_approximate_above_the_exact_work(tmp_path, caplog):
    matrix, doc_ids, terms = core.compute_tfidf(DOCUMENTS)
    path = tmp_path / "tfidf_matrix.npz"
    core.save_matrix(matrix, doc_ids, terms, str(path))
    csv, md = tmp_path / "similar.csv", tmp_path / "similar.md"
    work = core.similarity_work(matrix)
    with caplog.at_level(logging.INFO):
        step.find_similar_documents(
            str(path), str(csv), str(md), n_similar=2, exact_work=work - 1, work_per_document=1
        )
    assert "above similar_documents_exact_work" in caplog.text
    assert "Approximate: candidates from the" in caplog.text
    written = pd.read_csv(csv)
    expected = core.similar_documents(matrix, doc_ids, 2, exact_work=0, work_per_document=1)
    assert written["similar_doc_id"].tolist() == expected["similar_doc_id"].tolist()
