"""Unit tests of stage 3, TF-IDF (arabic_news_topics.tfidf).

Expected weights follow scikit-learn's documented definitions: smoothed idf
``ln((1 + n) / (1 + df)) + 1``, sublinear tf ``1 + ln(tf)``, rows L2-normalized.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from arabic_news_topics import tfidf

TWO_DOCS = [("d1", ["روسيا", "ناتو"]), ("d2", ["روسيا", "سلام"])]
#: idf of a term found in one of two documents: ln(3 / 2) + 1.
IDF_ONE_OF_TWO = math.log(1.5) + 1


def dense(matrix: sp.csr_matrix) -> np.ndarray:
    return matrix.toarray()


def test_terms_doc_ids_and_shape():
    matrix, doc_ids, terms = tfidf.compute_tfidf(TWO_DOCS)
    assert isinstance(matrix, sp.csr_matrix)
    assert doc_ids == ["d1", "d2"]
    # Terms in code-point order: ر (U+0631) < س (U+0633) < ن (U+0646).
    assert terms == ["روسيا", "سلام", "ناتو"]
    assert matrix.shape == (2, 3)


def test_weights_by_hand():
    matrix, _, _ = tfidf.compute_tfidf(TWO_DOCS)
    a = IDF_ONE_OF_TWO
    norm = math.sqrt(1 + a * a)
    expected = np.array([[1 / norm, 0, a / norm], [1 / norm, a / norm, 0]])
    np.testing.assert_allclose(dense(matrix), expected)


@pytest.mark.parametrize(
    ("sublinear_tf", "expected"),
    [
        pytest.param(True, [1 + math.log(2), 1.0], id="sublinear"),
        pytest.param(False, [2.0, 1.0], id="raw-counts"),
    ],
)
def test_sublinear_tf(sublinear_tf, expected):
    matrix, _, terms = tfidf.compute_tfidf(
        [("d", ["روسيا", "ناتو", "روسيا"])], sublinear_tf=sublinear_tf
    )
    assert terms == ["روسيا", "ناتو"]
    expected = np.array(expected) / np.linalg.norm(expected)
    np.testing.assert_allclose(dense(matrix)[0], expected)


def test_rows_are_l2_normalized():
    docs = [
        ("a", ["حلف", "ناتو", "ناتو", "قمة", "بوخارست"]),
        ("b", ["داعش", "ارهاب", "ارهاب", "تفجير"]),
        ("c", ["سلام", "شرق", "اوسط", "ناتو"]),
    ]
    matrix, _, _ = tfidf.compute_tfidf(docs)
    np.testing.assert_allclose(np.linalg.norm(dense(matrix), axis=1), [1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("params", "expected_terms"),
    [
        pytest.param({}, ["روسيا", "سلام", "ناتو"], id="defaults"),
        pytest.param({"min_df": 2}, ["روسيا"], id="min-df-2"),
        pytest.param({"min_df": 1.0}, ["روسيا"], id="min-df-share-1.0"),
        pytest.param({"max_df": 0.5}, ["سلام", "ناتو"], id="max-df-half"),
        pytest.param({"max_df": 1}, ["سلام", "ناتو"], id="max-df-one-document"),
        pytest.param({"max_features": 1}, ["روسيا"], id="max-features-1"),
    ],
)
def test_document_frequency_filters(params, expected_terms):
    _, _, terms = tfidf.compute_tfidf(TWO_DOCS, **params)
    assert terms == expected_terms


def test_min_df_leaves_equal_rows():
    matrix, _, _ = tfidf.compute_tfidf(TWO_DOCS, min_df=2)
    np.testing.assert_allclose(dense(matrix), [[1.0], [1.0]])


def test_bigrams_are_joined_by_a_space():
    _, _, terms = tfidf.compute_tfidf([("d", ["حلف", "شمال", "اطلسي"])], ngram_range=(1, 2))
    assert terms == ["اطلسي", "حلف", "حلف شمال", "شمال", "شمال اطلسي"]


def test_bigrams_only():
    _, _, terms = tfidf.compute_tfidf(
        [("a", ["مجلس", "روسيا", "ناتو"]), ("b", ["روسيا", "ناتو"])], ngram_range=[2, 2]
    )
    assert terms == ["روسيا ناتو", "مجلس روسيا"]


def test_tokens_are_not_lowercased_or_resplit():
    _, _, terms = tfidf.compute_tfidf([("d", ["NATO", "nato", "روسيا-ناتو"])])
    assert terms == ["NATO", "nato", "روسيا-ناتو"]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"min_df": 3}, id="min-df-above-documents"),
        pytest.param({"max_df": 0}, id="max-df-zero"),
    ],
)
def test_nothing_left_is_a_clear_error(params):
    with pytest.raises(ValueError, match=r"TF-IDF left no terms .*lower tfidf\.min_df"):
        tfidf.compute_tfidf(TWO_DOCS, **params)


def test_top_terms_ordering_by_weight():
    matrix, doc_ids, terms = tfidf.compute_tfidf(TWO_DOCS)
    table = tfidf.top_terms_per_document(matrix, doc_ids, terms, top_n=10)
    assert list(table.columns) == ["doc_id", "rank", "term", "weight"]
    a = IDF_ONE_OF_TWO
    norm = math.sqrt(1 + a * a)
    # The rarer term weighs more; zero weights are not listed.
    assert table[["doc_id", "rank", "term"]].values.tolist() == [
        ["d1", 1, "ناتو"],
        ["d1", 2, "روسيا"],
        ["d2", 1, "سلام"],
        ["d2", 2, "روسيا"],
    ]
    np.testing.assert_allclose(table["weight"], [a / norm, 1 / norm, a / norm, 1 / norm])


@pytest.mark.parametrize(
    ("top_n", "expected"),
    [
        pytest.param(1, ["روسيا"], id="top-1"),
        pytest.param(2, ["روسيا", "سلام"], id="top-2"),
        pytest.param(5, ["روسيا", "سلام", "ناتو"], id="top-5-of-3"),
    ],
)
def test_top_terms_ties_broken_by_term(top_n, expected):
    matrix, doc_ids, terms = tfidf.compute_tfidf([("d", ["ناتو", "سلام", "روسيا"])])
    table = tfidf.top_terms_per_document(matrix, doc_ids, terms, top_n=top_n)
    assert table["term"].tolist() == expected
    assert table["rank"].tolist() == list(range(1, len(expected) + 1))


def test_cosine_similarity_table():
    docs = [*TWO_DOCS, ("d3", ["روسيا", "ناتو"])]
    matrix, doc_ids, _ = tfidf.compute_tfidf(docs)
    table = tfidf.cosine_similarity_table(matrix, doc_ids)
    assert list(table.columns) == ["doc_id", "d1", "d2", "d3"]
    assert table["doc_id"].tolist() == ["d1", "d2", "d3"]
    values = table.drop(columns="doc_id").to_numpy()
    np.testing.assert_allclose(values, values.T)
    np.testing.assert_allclose(np.diag(values), [1.0, 1.0, 1.0])
    # d1 and d3 have the same words; d1 and d2 share only روسيا.
    assert values[0, 2] == pytest.approx(1.0)
    # With n = 3: idf(روسيا) = 1, idf(ناتو) = ln(4/3) + 1, idf(سلام) = ln(4/2) + 1.
    nato, peace = math.log(4 / 3) + 1, math.log(2) + 1
    assert values[0, 1] == pytest.approx(1 / math.sqrt((1 + nato**2) * (1 + peace**2)))


def test_cosine_similarity_diagonal_is_one_for_an_all_zero_row():
    matrix = sp.csr_matrix(np.array([[0.6, 0.8], [0.0, 0.0]]))
    table = tfidf.cosine_similarity_table(matrix, ["a", "b"])
    np.testing.assert_allclose(table[["a", "b"]].to_numpy(), [[1.0, 0.0], [0.0, 1.0]])


def test_save_and_load_matrix_round_trip(tmp_path):
    docs = [("001_موسكو", ["روسيا", "ناتو", "ناتو"]), ("sub/002", ["سلام", "شرق", "اوسط"])]
    matrix, doc_ids, terms = tfidf.compute_tfidf(docs)
    path = tmp_path / "tfidf.npz"
    tfidf.save_matrix(matrix, doc_ids, terms, str(path))
    loaded, loaded_ids, loaded_terms = tfidf.load_matrix(str(path))
    assert isinstance(loaded, sp.csr_matrix)
    assert loaded_ids == ["001_موسكو", "sub/002"]
    assert loaded_terms == ["اوسط", "روسيا", "سلام", "شرق", "ناتو"]
    np.testing.assert_array_equal(loaded.toarray(), matrix.toarray())
