"""Unit tests of stage 5, document clusters (arabic_news_topics.clusters)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import AgglomerativeClustering

from arabic_news_topics import clusters

TERMS = ["ناتو", "حلف", "داعش", "ارهاب", "نفط", "اسعار"]
#: Three obvious groups of L2-normalized rows, interleaved: NATO, terrorism, NATO,
#: economy, terrorism, economy.
ROWS = np.array(
    [
        [0.8, 0.6, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.8, 0.6, 0.0, 0.0],
        [0.6, 0.8, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.6, 0.8, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.6, 0.8],
    ]
)
#: Clusters numbered by their first document.
EXPECTED_LABELS = [1, 2, 1, 3, 2, 3]


@pytest.fixture
def matrix() -> sp.csr_matrix:
    return sp.csr_matrix(ROWS)


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_obvious_clusters_numbered_by_first_appearance(matrix, method):
    labels = clusters.cluster_documents(matrix, 3, method=method, random_state=0)
    assert labels.tolist() == EXPECTED_LABELS


@pytest.mark.parametrize("random_state", [0, 1, 42])
def test_kmeans_labels_do_not_depend_on_the_seed(matrix, random_state):
    labels = clusters.cluster_documents(matrix, 3, "kmeans", random_state=random_state)
    assert labels.tolist() == EXPECTED_LABELS


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        pytest.param(1, [1, 1, 1, 1, 1, 1], id="one-cluster"),
        pytest.param(6, [1, 2, 3, 4, 5, 6], id="one-document-each"),
    ],
)
@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_extreme_numbers_of_clusters(matrix, method, k, expected):
    assert clusters.cluster_documents(matrix, k, method).tolist() == expected


@pytest.mark.parametrize("k", [pytest.param(0, id="zero"), pytest.param(7, id="more-than-docs")])
def test_invalid_k_is_an_error(matrix, k):
    with pytest.raises(ValueError, match=r"must be between 1 and the number of documents \(6\)"):
        clusters.cluster_documents(matrix, k)


def test_unknown_method_is_an_error(matrix):
    with pytest.raises(ValueError, match="'dbscan' is not one of kmeans, agglomerative"):
        clusters.cluster_documents(matrix, 2, method="dbscan")


def test_cluster_top_terms(matrix):
    labels = np.array(EXPECTED_LABELS)
    table = clusters.cluster_top_terms(matrix, labels, TERMS, top_n=5)
    assert list(table.columns) == ["cluster", "rank", "term", "weight"]
    # Centroids: NATO (0.7, 0.7), terrorism (0.7, 0.7), economy (0.8, 0.4); equal weights
    # are ordered by term (ح before ن, ا before د); zero weights are left out.
    assert table[["cluster", "rank", "term"]].values.tolist() == [
        [1, 1, "حلف"],
        [1, 2, "ناتو"],
        [2, 1, "ارهاب"],
        [2, 2, "داعش"],
        [3, 1, "نفط"],
        [3, 2, "اسعار"],
    ]
    assert table["weight"].tolist() == pytest.approx([0.7, 0.7, 0.7, 0.7, 0.8, 0.4])


def test_cluster_top_terms_top_n(matrix):
    table = clusters.cluster_top_terms(matrix, np.array(EXPECTED_LABELS), TERMS, top_n=1)
    assert table["term"].tolist() == ["حلف", "ارهاب", "نفط"]


def test_cluster_centroids(matrix):
    ids, centroids = clusters.cluster_centroids(matrix, np.array(EXPECTED_LABELS))
    assert ids == [1, 2, 3]
    np.testing.assert_allclose(
        centroids,
        [
            [0.7, 0.7, 0, 0, 0, 0],
            [0, 0, 0.7, 0.7, 0, 0],
            [0, 0, 0, 0, 0.8, 0.4],
        ],
    )


def test_document_map_shape_determinism_and_signs(matrix):
    coords = clusters.document_map(matrix, random_state=3)
    assert coords.shape == (6, 2)
    np.testing.assert_array_equal(coords, clusters.document_map(matrix, random_state=3))
    # Each axis's largest coordinate (in absolute value) is positive.
    for axis in range(2):
        assert coords[np.abs(coords[:, axis]).argmax(), axis] > 0


def test_document_map_two_documents_has_one_dimension():
    coords = clusters.document_map(sp.csr_matrix(ROWS[:2]))
    assert coords.shape == (2, 2)
    np.testing.assert_array_equal(coords[:, 1], [0.0, 0.0])
    assert np.abs(coords[:, 0]).max() > 0


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(ROWS[:1], id="one-document"),
        pytest.param(np.array([[1.0], [1.0], [1.0]]), id="one-term"),
    ],
)
def test_document_map_degenerate_is_zero(rows):
    coords = clusters.document_map(sp.csr_matrix(rows))
    np.testing.assert_array_equal(coords, np.zeros((len(rows), 2)))


def test_ward_linkage(matrix):
    tree = clusters.ward_linkage(matrix)
    assert tree.shape == (5, 4)
    # The last merge joins all six documents; merge distances never decrease.
    assert tree[-1, 3] == 6
    assert np.all(np.diff(tree[:, 2]) >= 0)
    # The first merges join the two documents of one group: rows 0 and 2 (NATO) and
    # rows 1 and 4 (terrorism), each at distance sqrt(0.2 ** 2 * 2) = 0.2828.
    first_pairs = {tuple(sorted(map(int, row[:2]))) for row in tree[:2]}
    assert first_pairs == {(0, 2), (1, 4)}
    assert tree[0, 2] == pytest.approx(np.sqrt(0.08))


def test_ward_linkage_of_one_document():
    assert clusters.ward_linkage(sp.csr_matrix(ROWS[:1])).shape == (0, 4)


def random_rows(n_docs: int, seed: int) -> sp.csr_matrix:
    """L2-normalized sparse rows without exact ties in their distances."""
    rng = np.random.RandomState(seed)
    rows = rng.rand(n_docs, 12) * (rng.rand(n_docs, 12) < 0.5)
    rows[:, 0] += 0.01  # no empty row
    return sp.csr_matrix(rows / np.linalg.norm(rows, axis=1)[:, None])


@pytest.mark.parametrize("block_cells", [1, 30, 1_000_000])
def test_condensed_distances_equal_pdist(block_cells):
    matrix = random_rows(37, 0)
    np.testing.assert_allclose(
        clusters.condensed_distances(matrix, block_cells=block_cells),
        pdist(matrix.toarray()),
        atol=1e-12,
    )


def test_condensed_distances_of_identical_rows_are_zero():
    matrix = sp.csr_matrix(np.array([[0.6, 0.8, 0.0], [0.6, 0.8, 0.0], [0.0, 0.0, 1.0]]))
    assert clusters.condensed_distances(matrix)[0] == 0.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ward_linkage_equals_scipy_on_dense_rows(seed):
    matrix = random_rows(40, seed)
    np.testing.assert_allclose(
        clusters.ward_linkage(matrix), linkage(matrix.toarray(), "ward"), atol=1e-9
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("k", [2, 5, 13])
def test_agglomerative_equals_scikit_learn(seed, k):
    matrix = random_rows(40, seed)
    expected = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(matrix.toarray())
    labels = clusters.cluster_documents(matrix, k, "agglomerative")
    # The same partition: each of our clusters is one of scikit-learn's.
    assert len(set(zip(labels, expected, strict=True))) == k
    assert labels[0] == 1
