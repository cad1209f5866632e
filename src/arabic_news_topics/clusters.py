"""Stage 5: clustering of the documents on their TF-IDF vectors (scikit-learn, scipy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import AgglomerativeClustering, KMeans
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
    ``agglomerative`` is Ward linkage on the dense rows.
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
        model = AgglomerativeClustering(n_clusters=n_clusters, linkage="ward")
        labels = model.fit_predict(matrix.toarray())
    else:
        raise ValueError(f"cluster.method {method!r} is not one of {', '.join(METHODS)}")
    return _relabel_by_first_appearance(labels) + 1


def _relabel_by_first_appearance(labels: np.ndarray) -> np.ndarray:
    """Number clusters in order of their first document, so labels do not depend on the solver."""
    mapping: dict[int, int] = {}
    for label in labels:
        mapping.setdefault(int(label), len(mapping))
    return np.array([mapping[int(label)] for label in labels])


def cluster_top_terms(
    matrix: sp.csr_matrix, labels: np.ndarray, terms: Sequence[str], top_n: int = 10
) -> pd.DataFrame:
    """Highest-weighted terms of each cluster's mean TF-IDF vector."""
    rows = []
    for cluster in sorted(set(labels.tolist())):
        centroid = np.asarray(matrix[labels == cluster].mean(axis=0)).ravel()
        order = sorted(np.flatnonzero(centroid), key=lambda j: (-centroid[j], terms[j]))[:top_n]
        for rank, j in enumerate(order, start=1):
            rows.append(
                {"cluster": cluster, "rank": rank, "term": terms[j], "weight": float(centroid[j])}
            )
    return pd.DataFrame(rows, columns=["cluster", "rank", "term", "weight"])


def cluster_centroids(matrix: sp.csr_matrix, labels: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Mean TF-IDF vector of each cluster, clusters in ascending order."""
    clusters = sorted(set(labels.tolist()))
    centroids = np.vstack([np.asarray(matrix[labels == c].mean(axis=0)).ravel() for c in clusters])
    return clusters, centroids


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


def ward_linkage(matrix: sp.csr_matrix) -> np.ndarray:
    """Ward linkage of the dense TF-IDF rows, the tree behind the dendrogram."""
    if matrix.shape[0] < 2:
        return np.zeros((0, 4))
    return linkage(matrix.toarray(), method="ward")
