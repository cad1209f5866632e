"""Unit tests of stage 3, TF-IDF (arabic_news_topics.tfidf.core).

Expected weights follow scikit-learn's documented definitions: smoothed idf
``ln((1 + n) / (1 + df)) + 1``, sublinear tf ``1 + ln(tf)``, rows L2-normalized.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from arabic_news_topics import plotting
from arabic_news_topics.tfidf import core as tfidf

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


# ---------------------------------------------------------------------------------------
# Most similar documents and the documents of the figure


def brute_force_similar(matrix: sp.csr_matrix, n_similar: int) -> list[tuple[int, int, float]]:
    """(document, neighbour, similarity) by sorting every row of the dense similarity."""
    dense_similarity = (matrix @ matrix.T).toarray()
    found = []
    for i, row in enumerate(dense_similarity):
        others = [j for j in range(len(row)) if j != i and row[j] > 0]
        others.sort(key=lambda j: (-row[j], j))
        found += [(i, j, row[j]) for j in others[:n_similar]]
    return found


@pytest.mark.parametrize("block_cells", [1, 7, 50, 10_000])
@pytest.mark.parametrize("n_similar", [1, 3, 100])
def test_similar_documents_equal_brute_force(block_cells, n_similar):
    rng = np.random.RandomState(5)
    # Rounded weights, so that equal similarities (ties) occur.
    dense_rows = np.round(rng.rand(23, 9) * (rng.rand(23, 9) < 0.3), 1)
    matrix = sp.csr_matrix(
        dense_rows / np.maximum(np.linalg.norm(dense_rows, axis=1), 1e-12)[:, None]
    )
    doc_ids = [f"خبر_{i}" for i in range(23)]
    table = tfidf.similar_documents(matrix, doc_ids, n_similar, block_cells=block_cells)
    assert list(table.columns) == ["doc_id", "rank", "similar_doc_id", "similarity"]
    expected = brute_force_similar(matrix, n_similar)
    assert table["doc_id"].tolist() == [doc_ids[i] for i, _, _ in expected]
    assert table["similar_doc_id"].tolist() == [doc_ids[j] for _, j, _ in expected]
    np.testing.assert_allclose(table["similarity"], [v for _, _, v in expected])
    for _, group in table.groupby("doc_id", sort=False):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))


@pytest.mark.parametrize("n_threads", [2, 3])
def test_similar_documents_do_not_depend_on_threads(n_threads):
    rng = np.random.RandomState(11)
    dense_rows = np.round(rng.rand(200, 30) * (rng.rand(200, 30) < 0.2), 1)
    norms = np.maximum(np.linalg.norm(dense_rows, axis=1), 1e-12)[:, None]
    matrix = sp.csr_matrix(dense_rows / norms)
    doc_ids = [f"خبر_{i}" for i in range(200)]
    one = tfidf.similar_documents(matrix, doc_ids, 5)
    several = tfidf.similar_documents(matrix, doc_ids, 5, n_threads=n_threads)
    pd.testing.assert_frame_equal(one, several)
    expected = brute_force_similar(matrix, 5)
    assert several["similar_doc_id"].tolist() == [doc_ids[j] for _, j, _ in expected]


def test_similarity_work_counts_pairs_of_documents_per_shared_term():
    # Term 0 in three documents (9 products, the diagonal included), term 1 in two (4),
    # term 2 in none; doubling the documents quadruples it.
    rows = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [1, 1, 0]], dtype=float))
    assert tfidf.similarity_work(rows) == 9 + 4
    assert tfidf.similarity_work(sp.vstack([rows, rows]).tocsr()) == 4 * (9 + 4)


def test_similar_documents_leave_out_self_and_unrelated_documents():
    docs = [*TWO_DOCS, ("d3", ["روسيا", "ناتو"]), ("d4", ["داعش"])]
    matrix, doc_ids, _ = tfidf.compute_tfidf(docs)
    table = tfidf.similar_documents(matrix, doc_ids, 10)
    pairs = list(zip(table["doc_id"], table["rank"], table["similar_doc_id"], strict=True))
    # d1 and d3 are the same; d4 shares no term with any document.
    assert pairs == [
        ("d1", 1, "d3"),
        ("d1", 2, "d2"),
        ("d2", 1, "d1"),
        ("d2", 2, "d3"),
        ("d3", 1, "d1"),
        ("d3", 2, "d2"),
    ]
    assert table["similarity"].iloc[0] == pytest.approx(1.0)


def test_similar_documents_of_one_document_is_empty():
    matrix, doc_ids, _ = tfidf.compute_tfidf([("d", ["روسيا"])])
    assert tfidf.similar_documents(matrix, doc_ids).empty


@pytest.mark.parametrize(("n_documents", "max_documents"), [(5, 40), (40, 40), (41, 40), (500, 7)])
@pytest.mark.parametrize("random_state", [0, 42])
def test_sample_positions_are_the_documents_figures_show(n_documents, max_documents, random_state):
    frame = pd.DataFrame({"doc_id": [f"خبر_{i}" for i in range(n_documents)]})
    shown, _ = plotting.sample_rows(frame, max_documents, random_state)
    positions = tfidf.sample_positions(n_documents, max_documents, random_state)
    np.testing.assert_array_equal(positions, shown.index.to_numpy())


def test_count_documents(tmp_path):
    matrix, doc_ids, terms = tfidf.compute_tfidf(TWO_DOCS)
    path = tmp_path / "tfidf.npz"
    tfidf.save_matrix(matrix, doc_ids, terms, str(path))
    assert tfidf.count_documents(str(path)) == 2


def test_compute_tfidf_reads_a_generator_once():
    matrix, doc_ids, _ = tfidf.compute_tfidf(iter(TWO_DOCS))
    assert doc_ids == ["d1", "d2"]
    assert matrix.shape == (2, 3)


@pytest.mark.parametrize(("use_idf", "common_is_lighter"), [(True, True), (False, False)])
def test_use_idf_switch(use_idf, common_is_lighter):
    # امازيغيه is in every document, اقتصاد in one: IDF makes the common word lighter;
    # without IDF both words of the second document weigh the same (tf 1 each).
    documents = [("a", ["امازيغيه", "لغه", "امازيغيه"]), ("b", ["امازيغيه", "اقتصاد"])]
    matrix, _, terms = tfidf.compute_tfidf(documents, use_idf=use_idf)
    row = matrix[1].toarray().ravel()
    common, rare = row[terms.index("امازيغيه")], row[terms.index("اقتصاد")]
    assert bool(common < rare) == common_is_lighter
    if not use_idf:
        assert common == pytest.approx(rare)


def test_similar_documents_ties_beyond_the_top_n_product_go_to_the_earlier_documents():
    """Twenty identical documents: more ties than the top-n product keeps, so every row is
    computed again exactly, and each document's neighbours are the earliest copies."""
    rows = np.vstack([np.tile([[0.6, 0.8, 0.0]], (20, 1)), [[0.0, 0.6, 0.8]], [[1.0, 0.0, 0.0]]])
    matrix = sp.csr_matrix(rows)
    doc_ids = [f"d{i:02d}" for i in range(len(rows))]
    table = tfidf.similar_documents(matrix, doc_ids, 3)
    expected = brute_force_similar(matrix, 3)
    assert table["similar_doc_id"].tolist() == [doc_ids[j] for _, j, _ in expected]
    assert table.loc[table["doc_id"] == "d10", "similar_doc_id"].tolist() == ["d00", "d01", "d02"]


@pytest.mark.parametrize("use_idf", [True, False])
def test_smooth_idf_is_the_vectorizers_own(use_idf):
    documents = [("a", ["امازيغيه", "لغه", "امازيغيه"]), ("b", ["امازيغيه", "اقتصاد"])]
    vectorizer = tfidf.build_vectorizer(use_idf=use_idf)
    vectorizer.fit([" ".join(tokens) for _, tokens in documents])
    matrix, _, terms = tfidf.compute_tfidf(documents, use_idf=use_idf)
    assert list(vectorizer.get_feature_names_out()) == terms
    expected = vectorizer.idf_ if use_idf else np.ones(len(terms))
    np.testing.assert_allclose(tfidf.smooth_idf(matrix, use_idf), expected)
    assert tfidf.document_frequencies(matrix).tolist() == [
        {"امازيغيه": 2, "لغه": 1, "اقتصاد": 1}[term] for term in terms
    ]


# ---------------------------------------------------------------------------------------
# Most similar documents above the work budget: candidates by the rarest terms


@pytest.mark.parametrize(
    ("budget", "kept_levels"),
    [(1.9, set()), (2.0, {1}), (5.9, {1}), (6.0, {1, 2}), (14.9, {1, 2}), (15.0, {1, 2, 3})],
)
def test_rare_term_mask_keeps_whole_frequency_levels_within_the_budget(budget, kept_levels):
    # Products df ** 2: two terms in 1 document (1 + 1), one in 2 (4), one in 3 (9), one in 5.
    frequencies = np.array([1, 1, 2, 3, 5, 0])
    mask = tfidf.rare_term_mask(frequencies, budget)
    assert set(frequencies[mask].tolist()) == kept_levels
    assert not mask[frequencies == 0].any()
    # The same terms whatever the order of the vocabulary.
    order = np.array([4, 2, 0, 5, 3, 1])
    np.testing.assert_array_equal(tfidf.rare_term_mask(frequencies[order], budget), mask[order])


def test_pair_similarities_are_the_entries_of_the_product():
    rng = np.random.RandomState(3)
    matrix = sp.csr_matrix(rng.rand(12, 8) * (rng.rand(12, 8) < 0.4))
    rows, cols = rng.randint(0, 12, 40), rng.randint(0, 12, 40)
    full = (matrix @ matrix.T).toarray()
    np.testing.assert_allclose(tfidf.pair_similarities(matrix, rows, cols), full[rows, cols])


def test_pair_similarities_sum_a_term_stored_twice():
    # A matrix not in canonical form (a term twice in a row) counts both weights, as scipy's
    # product does.
    matrix = sp.csr_matrix(
        (np.array([0.5, 0.25, 1.0, 2.0]), np.array([1, 1, 0, 1]), np.array([0, 2, 4])),
        shape=(2, 3),
    )
    assert not matrix.has_canonical_format
    expected = (matrix @ matrix.T).toarray()
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 1])
    np.testing.assert_allclose(tfidf.pair_similarities(matrix, rows, cols), expected[rows, cols])
    assert not matrix.has_canonical_format  # the caller's matrix is left as it was


def zipf_corpus(n_docs: int, n_terms: int, length: int, random_state: int) -> sp.csr_matrix:
    """L2-normalized TF-IDF-like rows: words drawn from a Zipf law, so a few terms are in
    most documents and most terms in few, as in news."""
    rng = np.random.RandomState(random_state)
    probabilities = 1 / np.arange(1, n_terms + 1)
    probabilities /= probabilities.sum()
    counts = np.zeros((n_docs, n_terms))
    for i in range(n_docs):
        np.add.at(counts[i], rng.choice(n_terms, length, p=probabilities), 1)
    frequencies = (counts > 0).sum(axis=0)
    weights = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0) * (
        np.log((1 + n_docs) / (1 + frequencies)) + 1
    )
    return sp.csr_matrix(weights / np.maximum(np.linalg.norm(weights, axis=1), 1e-12)[:, None])


def planted_pairs_corpus() -> tuple[sp.csr_matrix, list[tuple[int, int]]]:
    """A Zipf corpus of 300 documents where documents 2i and 2i + 1 (i < 20) are rewrites of
    one story: the same rows, a common word added to one of them."""
    matrix = zipf_corpus(300, 2_000, 60, random_state=1).toarray()
    pairs = [(2 * i, 2 * i + 1) for i in range(20)]
    for a, b in pairs:
        matrix[b] = matrix[a]
        matrix[b, 0] += 0.3
    matrix /= np.linalg.norm(matrix, axis=1)[:, None]
    return sp.csr_matrix(matrix), pairs


def recall_against_brute_force(table: pd.DataFrame, matrix: sp.csr_matrix, n_similar: int):
    """Mean share of each document's exact neighbours listed (ties interchangeable)."""
    expected = brute_force_similar(matrix, n_similar)
    floors: dict[int, float] = {}
    counts: dict[int, int] = {}
    for i, _, value in expected:
        floors[i] = min(floors.get(i, np.inf), value)
        counts[i] = counts.get(i, 0) + 1
    shares = []
    for i, group in table.groupby("doc_id"):
        found = int((group["similarity"] >= floors[i] - 1e-12).sum())
        shares.append(min(found, counts[i]) / counts[i])
    shares += [0.0] * (len(counts) - len(shares))
    return float(np.mean(shares))


def test_approximate_similar_documents_find_planted_rewrites_with_exact_similarities(caplog):
    matrix, pairs = planted_pairs_corpus()
    n_docs = matrix.shape[0]
    work = tfidf.similarity_work(matrix)
    doc_ids = list(range(n_docs))
    with caplog.at_level("INFO"):
        table = tfidf.similar_documents(
            matrix, doc_ids, 5, exact_work=0, work_per_document=work / n_docs / 20
        )
    assert "Approximate" in caplog.text
    first = table[table["rank"] == 1].set_index("doc_id")["similar_doc_id"]
    for a, b in pairs:
        assert first[a] == b and first[b] == a
    # Every listed similarity is the exact cosine.
    full = (matrix @ matrix.T).toarray()
    np.testing.assert_allclose(
        table["similarity"],
        full[table["doc_id"].astype(int), table["similar_doc_id"].astype(int)],
        rtol=1e-12,
    )
    # A twentieth of the exact work finds more than half the neighbours of documents with
    # no structure but their words; a larger budget finds more.
    low = recall_against_brute_force(table, matrix, 5)
    larger = tfidf.similar_documents(
        matrix, doc_ids, 5, exact_work=0, work_per_document=work / n_docs / 4
    )
    assert 0.5 < low < recall_against_brute_force(larger, matrix, 5)


def test_similar_documents_up_to_the_exact_work_are_the_exact_ones(caplog):
    matrix, _ = planted_pairs_corpus()
    doc_ids = [f"خبر_{i}" for i in range(matrix.shape[0])]
    work = tfidf.similarity_work(matrix)
    with caplog.at_level("INFO"):
        within = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=work, work_per_document=1)
    assert "Approximate" not in caplog.text
    pd.testing.assert_frame_equal(within, tfidf.similar_documents(matrix, doc_ids, 5))
    n_docs = matrix.shape[0]
    with caplog.at_level("INFO"):
        above = tfidf.similar_documents(
            matrix, doc_ids, 5, exact_work=work - 1, work_per_document=work / n_docs / 20
        )
    assert "Approximate" in caplog.text
    assert not above.equals(within)
    # A budget that covers the whole work makes every term a rare one: the exact table.
    covered = tfidf.similar_documents(
        matrix, doc_ids, 5, exact_work=0, work_per_document=work / n_docs
    )
    pd.testing.assert_frame_equal(covered, within)


def test_approximate_similar_documents_go_in_blocks_of_rows(monkeypatch):
    matrix, _ = planted_pairs_corpus()
    doc_ids = list(range(matrix.shape[0]))
    whole = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=200)
    monkeypatch.setattr(tfidf, "CANDIDATE_BLOCK_PAIRS", 170)
    blocks = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=200)
    pd.testing.assert_frame_equal(whole, blocks)


def test_approximate_similar_documents_of_a_document_of_common_words_are_exact():
    """A document made only of the most common word has no rare-term candidates: it is
    compared with every document, so its neighbours are the exact ones."""
    matrix, _ = planted_pairs_corpus()
    common_only = sp.csr_matrix(([1.0], ([0], [0])), shape=(1, matrix.shape[1]))
    matrix = sp.vstack([matrix, common_only]).tocsr()
    n_docs = matrix.shape[0]
    budget = tfidf.similarity_work(matrix) / n_docs / 20
    table = tfidf.similar_documents(
        matrix, list(range(n_docs)), 5, exact_work=0, work_per_document=budget
    )
    expected = [j for i, j, _ in brute_force_similar(matrix, 5) if i == n_docs - 1]
    assert table.loc[table["doc_id"] == n_docs - 1, "similar_doc_id"].tolist() == expected


@pytest.mark.parametrize("n_threads", [2, 3])
def test_approximate_similar_documents_do_not_depend_on_threads(n_threads):
    matrix, _ = planted_pairs_corpus()
    doc_ids = list(range(matrix.shape[0]))
    budget = tfidf.similarity_work(matrix) / matrix.shape[0] / 20
    one = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=budget)
    several = tfidf.similar_documents(
        matrix, doc_ids, 5, exact_work=0, work_per_document=budget, n_threads=n_threads
    )
    pd.testing.assert_frame_equal(one, several)


def test_a_budget_below_every_term_compares_every_document_with_all():
    """No term fits the budget: no document has rare-term candidates, so every one is
    compared with every other, and the table is the exact one."""
    matrix, _ = planted_pairs_corpus()
    doc_ids = list(range(matrix.shape[0]))
    table = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=1e-9)
    pd.testing.assert_frame_equal(table, tfidf.similar_documents(matrix, doc_ids, 5))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_term_counts_are_the_counts_behind_the_tfidf_matrix(ngram_range):
    """(1 + log count) x IDF of the counts, rows at unit length, is the TF-IDF matrix."""
    from sklearn.preprocessing import normalize

    documents = [
        ("a", ["حلف", "شمال", "اطلسي", "حلف", "شمال"]),
        ("b", ["نفط", "اسعار", "نفط", "حلف"]),
        ("c", ["اسعار", "سوق", "سوق", "سوق", "شمال"]),
    ]
    matrix, _, terms = tfidf.compute_tfidf(documents, ngram_range=ngram_range)
    counts = tfidf.term_counts([words for _, words in documents], terms, ngram_range)
    assert counts.shape == matrix.shape
    assert counts[0, terms.index("حلف")] == 2
    if ngram_range == (1, 2):
        assert counts[0, terms.index("حلف شمال")] == 2
    weights = counts.copy()
    weights.data = 1 + np.log(weights.data)
    expected = normalize(sp.csr_matrix(weights.multiply(tfidf.smooth_idf(matrix))))
    np.testing.assert_allclose(expected.toarray(), matrix.toarray(), atol=1e-12)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_term_counts_ignore_words_outside_the_terms(ngram_range):
    counts = tfidf.term_counts([["نفط", "غريب", "نفط"]], ["سوق", "نفط"], ngram_range)
    np.testing.assert_array_equal(counts.toarray(), [[0, 2]])
    # The terms as a mapping to their columns, built once by a caller of many batches.
    index = {"سوق": 0, "نفط": 1}
    again = tfidf.term_counts([["نفط", "غريب", "نفط"]], index, ngram_range)
    np.testing.assert_array_equal(again.toarray(), [[0, 2]])


def test_rarest_term_order_sorts_rows_by_their_rarest_term():
    rng = np.random.RandomState(5)
    dense = rng.rand(40, 12) * (rng.rand(40, 12) < 0.2)
    dense[7] = 0.0  # a row without a term goes last
    matrix = sp.csr_matrix(dense)
    frequencies = (dense > 0).sum(axis=0)
    order = tfidf.rarest_term_order(matrix, frequencies)

    def key(row):
        columns = np.flatnonzero(dense[row])
        if not len(columns):
            return (np.inf, np.inf, row)
        rarest = min(columns, key=lambda c: (frequencies[c], c))
        return (frequencies[rarest], rarest, row)

    assert order.tolist() == sorted(range(40), key=key)
    empty = int((dense.sum(axis=1) == 0).sum())
    assert 7 in order[len(order) - empty :].tolist()


def test_approximate_similar_documents_do_not_depend_on_the_rows_order(monkeypatch):
    """The rows go through the product in the order of their rarest term; the table is the
    one the documents' own order gives (continuous weights: no ties)."""
    matrix, _ = planted_pairs_corpus()
    # Shuffled, so that the order of the rarest terms is not the documents' own.
    matrix = matrix[np.random.RandomState(0).permutation(matrix.shape[0])]
    doc_ids = list(range(matrix.shape[0]))
    budget = tfidf.similarity_work(matrix) / matrix.shape[0] / 20
    # The order of the rarest terms is not the documents' own, so the test means something.
    frequencies = tfidf.document_frequencies(matrix)
    rare = tfidf.rare_term_mask(frequencies, budget * matrix.shape[0])
    real = tfidf.rarest_term_order(matrix[:, np.flatnonzero(rare)], frequencies[rare])
    assert not np.array_equal(real, np.arange(matrix.shape[0]))
    ordered = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=budget)
    calls = []

    def own_order(rows, frequencies):
        calls.append(rows.shape[0])
        return np.arange(rows.shape[0])

    monkeypatch.setattr(tfidf, "rarest_term_order", own_order)
    unordered = tfidf.similar_documents(matrix, doc_ids, 5, exact_work=0, work_per_document=budget)
    assert calls == [matrix.shape[0]]
    pd.testing.assert_frame_equal(ordered, unordered)


def test_the_exact_similar_documents_never_load_numba(loaded_modules):
    """numba's import and first compilation cost seconds: the exact search, which every small
    corpus takes, must not pay them (only the approximate one's compiled kernels do)."""
    code = (
        "import numpy as np, scipy.sparse as sp\n"
        "from arabic_news_topics.tfidf import core\n"
        "m = sp.random(40, 30, density=0.3, random_state=0, format='csr')\n"
        "core.similar_documents(m, list(range(40)), 5)"
    )
    assert loaded_modules(code, ["numba", "scipy.sparse"]) == ["scipy.sparse"]
