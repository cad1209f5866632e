"""The approximate most similar documents' compiled kernels (numba): the dot products of
chosen pairs of rows of a sparse matrix (their rescoring, ``core.pair_similarities``) and
each row's best candidates (:func:`best_in_groups`, whose docstring says why compiled).

Why compiled: scipy has no product of selected pairs of rows (a sampled sparse product).
With scipy it is a gather of both rows of every pair (``matrix[rows].multiply(matrix[cols])``):
at 299,297 documents and 29.9 million candidate pairs, each document's row copied about a
hundred times: 61 of the 244 s of the search (docs/performance.md, "Scaling"). Here each
row's weights are spread once into a dense vector of the terms, and each of its candidates'
weights are read against it: the same products, summed in the candidate's stored order (so
a value can differ from scipy's in the last bits, where numpy sums pairwise), about three
times faster on those pairs, and no row copied.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def pair_dots(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    n_cols: int,
) -> np.ndarray:
    """The dot product of rows ``rows[i]`` and ``cols[i]`` of the CSR matrix ``(data,
    indices, indptr)`` of ``n_cols`` columns (no column twice in a row), for every ``i``.
    Pairs of the same ``rows[i]`` side by side spread that row once (any order is right,
    grouped is fastest)."""
    out = np.zeros(len(rows))
    dense = np.zeros(n_cols)
    current = -1
    for i in range(len(rows)):
        row = rows[i]
        if row != current:
            if current >= 0:
                for j in range(indptr[current], indptr[current + 1]):
                    dense[indices[j]] = 0.0
            for j in range(indptr[row], indptr[row + 1]):
                dense[indices[j]] = data[j]
            current = row
        col = cols[i]
        total = 0.0
        for j in range(indptr[col], indptr[col + 1]):
            total += dense[indices[j]] * data[j]
        out[i] = total
    return out


@numba.njit(cache=True)
def best_in_groups(
    bounds: np.ndarray, cols: np.ndarray, values: np.ndarray, n_keep: int
) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the ``n_keep`` largest ``values`` (ties to the smaller of ``cols``)
    of each group ``bounds[g]:bounds[g + 1]``, in the groups' order and by rank, and their
    ranks (0 for the largest).

    Why compiled: numpy can only sort every pair by (row, value, column) to keep a row's
    best few (``np.lexsort``: 12.8 of the 205 s of the approximate search at 299,297
    documents); here each group keeps a sorted list of at most ``n_keep`` while it is read
    once. The exact search keeps the sort: it never loads numba (its import and first
    compilation would add seconds to small corpora)."""
    n_groups = len(bounds) - 1
    kept = np.empty(n_groups * n_keep, dtype=np.int64)
    counts = np.zeros(n_groups, dtype=np.int64)
    for g in range(n_groups):
        base = g * n_keep
        n = 0
        for i in range(bounds[g], bounds[g + 1]):
            value, col = values[i], cols[i]
            # The place of i among the kept, from the last: after every better or equal one.
            place = n
            while place > 0:
                other = kept[base + place - 1]
                if values[other] > value or (values[other] == value and cols[other] < col):
                    break
                place -= 1
            if place >= n_keep:
                continue
            last = min(n, n_keep - 1)
            for k in range(last, place, -1):
                kept[base + k] = kept[base + k - 1]
            kept[base + place] = i
            n = min(n + 1, n_keep)
        counts[g] = n
    total = counts.sum()
    positions = np.empty(total, dtype=np.int64)
    ranks = np.empty(total, dtype=np.int64)
    j = 0
    for g in range(n_groups):
        for k in range(counts[g]):
            positions[j] = kept[g * n_keep + k]
            ranks[j] = k
            j += 1
    return positions, ranks
