"""The dot products of chosen pairs of rows of a sparse matrix, compiled with numba: the
rescoring of the approximate most similar documents (``core.pair_similarities``).

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
