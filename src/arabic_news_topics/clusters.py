"""Stage 5: clustering of the documents on their TF-IDF vectors (scikit-learn, scipy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD

#: Clustering methods, by ``cluster.method``.
METHODS = ("kmeans", "agglomerative")


def cluster_documents(
    matrix: sp.csr_matrix,
    n_clusters: int,
    method: str = "kmeans",
    random_state: int = 42,
    n_init: int = 10,
) -> np.ndarray:
    """Cluster the rows of a TF-IDF matrix; return a 1-based cluster label per document.

    ``kmeans`` runs on the sparse L2-normalized rows (spherical k-means in effect);
    ``agglomerative`` is Ward linkage of the rows (:func:`ward_linkage`) cut into
    ``n_clusters``; it needs the condensed distance matrix, 4 bytes times documents squared.
    """
    n_docs = matrix.shape[0]
    if not 1 <= n_clusters <= n_docs:
        raise ValueError(
            f"cluster.k = {n_clusters} must be between 1 and the number of documents ({n_docs})"
        )
    if method == "kmeans":
        model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=random_state)
        labels = model.fit_predict(matrix)
    elif method == "agglomerative":
        labels = cut_tree(ward_linkage(matrix), n_docs, n_clusters)
    else:
        raise ValueError(f"cluster.method {method!r} is not one of {', '.join(METHODS)}")
    return _relabel_by_first_appearance(labels) + 1


def _relabel_by_first_appearance(labels: np.ndarray) -> np.ndarray:
    """Number clusters in order of their first document, so labels do not depend on the solver."""
    _, first, inverse = np.unique(np.asarray(labels), return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def cut_tree(tree: np.ndarray, n_docs: int, n_clusters: int) -> np.ndarray:
    """Cluster of each document when a linkage ``tree`` is cut into ``n_clusters`` clusters.

    The clusters left after the first ``n_docs - n_clusters`` merges (what scikit-learn's
    AgglomerativeClustering does), numbered by their first document.
    """
    parent = np.arange(2 * n_docs - 1)
    for step, (left, right) in enumerate(tree[: n_docs - n_clusters, :2].astype(np.int64)):
        parent[left] = parent[right] = n_docs + step
    # Follow each document up to the root of its cluster (nodes above the cut are unused).
    roots = parent[:n_docs].copy()
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            return _relabel_by_first_appearance(roots)
        roots = up


def cluster_top_terms(
    matrix: sp.csr_matrix, labels: np.ndarray, terms: Sequence[str], top_n: int = 10
) -> pd.DataFrame:
    """Highest-weighted terms of each cluster's mean TF-IDF vector."""
    rows = []
    ids, centroids = cluster_centroids(matrix, labels)
    for cluster, centroid in zip(ids, centroids, strict=True):
        nonzero = np.flatnonzero(centroid)
        if top_n < len(nonzero):
            cut = np.partition(centroid[nonzero], len(nonzero) - top_n)[len(nonzero) - top_n]
            nonzero = nonzero[centroid[nonzero] >= cut]
        order = sorted(nonzero, key=lambda j: (-centroid[j], terms[j]))[:top_n]
        for rank, j in enumerate(order, start=1):
            rows.append(
                {"cluster": cluster, "rank": rank, "term": terms[j], "weight": float(centroid[j])}
            )
    return pd.DataFrame(rows, columns=["cluster", "rank", "term", "weight"])


def cluster_centroids(matrix: sp.csr_matrix, labels: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Mean TF-IDF vector of each cluster, clusters in ascending order (one sparse product)."""
    clusters, inverse = np.unique(np.asarray(labels), return_inverse=True)
    inverse = inverse.ravel()
    membership = sp.csr_matrix(
        (np.ones(len(inverse)), (inverse, np.arange(len(inverse)))),
        shape=(len(clusters), len(inverse)),
    )
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    centroids = np.asarray((membership @ sp.csr_matrix(matrix)).todense()) / sizes[:, None]
    return clusters.tolist(), centroids


def document_map(matrix: sp.csr_matrix, random_state: int = 42) -> np.ndarray:
    """2-D coordinates of the documents by LSA (TruncatedSVD of the TF-IDF matrix)."""
    n_docs, n_terms = matrix.shape
    components = min(2, n_docs - 1, n_terms - 1)
    if components < 1:
        return np.zeros((n_docs, 2))
    coords = TruncatedSVD(n_components=components, random_state=random_state).fit_transform(matrix)
    # SVD signs are arbitrary: make each axis's largest coordinate positive, for stable figures.
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(components)])
    coords = coords * np.where(signs == 0, 1, signs)
    if components == 1:
        coords = np.column_stack([coords, np.zeros(n_docs)])
    return coords


#: Rows of the Gram matrix computed at once by :func:`condensed_distances` (times documents).
DISTANCE_BLOCK_CELLS = 4_000_000


def condensed_distances(matrix: sp.csr_matrix, block_cells: int = DISTANCE_BLOCK_CELLS):
    """Euclidean distances between the rows, condensed as scipy's ``pdist`` returns them.

    From the sparse Gram matrix, a block of rows at a time: the rows are never made dense,
    and memory is the condensed matrix itself (8 bytes times documents squared over two).
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    n_docs = matrix.shape[0]
    norms = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
    transposed = matrix.T.tocsr()
    distances = np.empty(n_docs * (n_docs - 1) // 2)
    block = max(1, block_cells // max(n_docs, 1))
    for begin in range(0, n_docs - 1, block):
        stop = min(begin + block, n_docs - 1)
        gram = (matrix[begin:stop] @ transposed[:, begin:]).toarray()
        for i in range(begin, stop):
            row = gram[i - begin, i - begin + 1 :]
            squared = norms[i] + norms[i + 1 :] - 2 * row
            # Identical rows: exactly 0, as pdist gives, not a rounding residue.
            squared[squared < 1e-12] = 0.0
            at = i * n_docs - i * (i + 1) // 2
            distances[at : at + len(row)] = np.sqrt(np.maximum(squared, 0.0))
    return distances


def ward_linkage(matrix: sp.csr_matrix) -> np.ndarray:
    """Ward linkage of the TF-IDF rows (Euclidean), the tree behind the dendrogram."""
    if matrix.shape[0] < 2:
        return np.zeros((0, 4))
    return linkage(condensed_distances(matrix), method="ward")
