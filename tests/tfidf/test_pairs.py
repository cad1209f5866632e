"""The compiled dot products of pairs of rows (tfidf.pairs) against scipy's product."""

import numpy as np
import pytest
import scipy.sparse as sp

from arabic_news_topics.tfidf import pairs


def as_arrays(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    return matrix.indptr, matrix.indices, matrix.data, matrix.shape[1]


@pytest.mark.parametrize("grouped", [True, False])
def test_pair_dots_are_the_entries_of_the_product(grouped):
    rng = np.random.RandomState(3)
    weights = rng.rand(12, 8) * (rng.rand(12, 8) < 0.4)
    weights[5] = 0  # a document without terms
    matrix = sp.csr_matrix(weights)
    rows, cols = rng.randint(0, 12, 60), rng.randint(0, 12, 60)
    rows[:3], cols[:3] = 4, [4, 5, 4]  # itself, the empty one, and a pair twice
    if grouped:  # as the approximate method gives them: each row's pairs side by side
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
    indptr, indices, data, n_cols = as_arrays(matrix)
    full = (matrix @ matrix.T).toarray()
    np.testing.assert_allclose(
        pairs.pair_dots(indptr, indices, data, rows, cols, n_cols),
        full[rows, cols],
        rtol=1e-12,
        atol=1e-15,
    )


def test_pair_dots_of_no_pairs_are_empty():
    matrix = sp.csr_matrix(np.eye(3))
    none = np.zeros(0, dtype=np.int64)
    assert len(pairs.pair_dots(*as_arrays(matrix)[:3], none, none, 3)) == 0


def test_pair_dots_read_unsorted_terms():
    # Rows whose terms are stored out of order (as scipy leaves an indexed matrix).
    matrix = sp.csr_matrix(
        (np.array([0.5, 0.25, 2.0, 1.0]), np.array([2, 0, 1, 2]), np.array([0, 2, 4])),
        shape=(2, 3),
    )
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    np.testing.assert_allclose(
        pairs.pair_dots(*as_arrays(matrix)[:3], rows, cols, 3),
        (matrix @ matrix.T).toarray()[rows, cols],
    )


@pytest.mark.parametrize("n_keep", [1, 3, 10])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_in_groups_is_the_exact_search_best(n_keep, seed):
    """The same pairs and ranks as the exact search's sort (core._best_per_row: by row,
    value largest first, then column)."""
    from arabic_news_topics.tfidf.core import _best_per_row

    rng = np.random.RandomState(seed)
    n = 400
    # Grouped by row as the approximate search gives them, the rows not in order; a few
    # rows without pairs (empty groups).
    sizes = np.bincount(rng.randint(0, 30, n), minlength=30)
    sizes[[3, 17]] = 0
    group_rows = rng.permutation(30)
    rows = np.repeat(group_rows, sizes)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    cols = rng.permutation(len(rows) * 3)[: len(rows)]  # no pair twice
    values = rng.randint(0, 6, len(rows)) / 5.0  # many ties: decided by the column
    values[:5] = 0.0
    keep, rank = pairs.best_in_groups(bounds, cols, values, n_keep)
    expected = _best_per_row(rows, cols, values, n_keep)
    # Kept in the groups' order rather than the rows'.
    by_row = np.lexsort((rank, rows[keep]))
    for got, want in zip((rows[keep], cols[keep], values[keep], rank), expected, strict=True):
        np.testing.assert_array_equal(got[by_row], want)
    # Rows with fewer pairs than n_keep keep them all.
    assert len(keep) == np.minimum(sizes, n_keep).sum()


def test_best_in_groups_of_no_groups_is_empty():
    keep, rank = pairs.best_in_groups(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0), 10)
    assert len(keep) == len(rank) == 0
