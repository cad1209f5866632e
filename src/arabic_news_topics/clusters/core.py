"""Stage 5: clustering of the documents on their TF-IDF vectors (scikit-learn, scipy)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage

#: Clustering methods, by ``cluster.method``.
METHODS = ("kmeans", "agglomerative")
#: What the documents are clustered on, by ``cluster.features``.
FEATURES = ("tfidf", "lsa")
#: How the 2-D document map is drawn, by ``cluster.map``.
MAP_METHODS = ("lsa", "tsne")
#: LSA dimensions that t-SNE starts from (the usual PCA-to-50 before t-SNE).
TSNE_LSA_COMPONENTS = 50

# scikit-learn is imported in the functions that use it: the workflow imports this module to
# read its settings (k_grid) when it starts, and a dry run need not load scikit-learn.


def cluster_features(
    matrix: sp.csr_matrix,
    features: str = "tfidf",
    n_components: int = 100,
    random_state: int = 42,
) -> sp.csr_matrix | np.ndarray:
    """What the documents are clustered on.

    ``tfidf``: the TF-IDF matrix itself. ``lsa``: TruncatedSVD to ``n_components``
    (at most documents - 1 and terms - 1) then unit-length rows, scikit-learn's
    "Clustering text documents using k-means" recipe; dense float64, one row per document.
    With fewer than 2 documents or terms there is nothing to reduce: the dense TF-IDF rows.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    if features == "tfidf":
        return matrix
    if features != "lsa":
        raise ValueError(f"cluster.features {features!r} is not one of {', '.join(FEATURES)}")
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral):
        raise ValueError(f"cluster.lsa_components = {n_components!r} must be an integer")
    if n_components < 1:
        raise ValueError(f"cluster.lsa_components = {n_components} must be at least 1")
    n_docs, n_terms = matrix.shape
    components = min(n_components, n_docs - 1, n_terms - 1)
    if components < 1:
        reduced = sp.csr_matrix(matrix, dtype=np.float64).toarray()
    else:
        svd = TruncatedSVD(n_components=components, random_state=random_state)
        reduced = _fix_signs(svd.fit_transform(matrix))
    # Unit rows: k-means on them is spherical k-means, as on the TF-IDF rows.
    return normalize(reduced.astype(np.float64, copy=False))


def cluster_documents(
    matrix: sp.csr_matrix | np.ndarray,
    n_clusters: int,
    method: str = "kmeans",
    random_state: int = 42,
    n_init: int = 10,
) -> np.ndarray:
    """Cluster the rows of a features matrix; return a 1-based cluster label per document.

    ``matrix`` is what :func:`cluster_features` returns, sparse TF-IDF or dense LSA rows.
    ``kmeans`` runs on the L2-normalized rows (spherical k-means in effect);
    ``agglomerative`` is Ward linkage of the rows (:func:`ward_linkage`) cut into
    ``n_clusters``; it needs the condensed distance matrix, 8 bytes times documents squared
    over two.
    """
    from sklearn.cluster import KMeans

    n_docs = matrix.shape[0]
    _check_k(n_clusters, n_docs)
    if method == "kmeans":
        model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=random_state)
        labels = model.fit_predict(matrix)
    elif method == "agglomerative":
        labels = cut_tree(ward_linkage(matrix), n_docs, n_clusters)
    else:
        raise ValueError(f"cluster.method {method!r} is not one of {', '.join(METHODS)}")
    return _relabel_by_first_appearance(labels) + 1


def _check_k(n_clusters: int, n_docs: int) -> None:
    if not 1 <= n_clusters <= n_docs:
        raise ValueError(
            f"cluster.k = {n_clusters} must be between 1 and the number of documents ({n_docs})"
        )


def k_grid(value: int | Sequence[int] | str, k_min: int = 2, k_max: int = 10) -> list[int]:
    """The numbers of clusters that ``cluster.k`` asks for, ascending, without repeats.

    ``value`` is one k, a list of them, or ``"auto"`` (``k_min`` to ``k_max``). Capping k
    at the number of documents is the caller's job.
    """
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(f"cluster.k = {value!r} must be an integer, a list of them or auto")
        if not 1 <= k_min <= k_max:
            raise ValueError(f"cluster.k = auto needs 1 <= k_min ({k_min}) <= k_max ({k_max})")
        return list(range(k_min, k_max + 1))
    values = [value] if not isinstance(value, Iterable) else list(value)
    if not values:
        raise ValueError("cluster.k is an empty list")
    for k in values:
        # bool is an int in Python, but `k: true` is a mistake.
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise ValueError(f"cluster.k = {k!r} must be an integer, a list of them or auto")
        if k < 1:
            raise ValueError(f"cluster.k = {k} must be at least 1")
    return sorted({int(k) for k in values})


def silhouette_by_k(
    features: sp.csr_matrix | np.ndarray,
    ks: Sequence[int],
    method: str = "kmeans",
    random_state: int = 42,
    sample_size: int = 10_000,
) -> pd.DataFrame:
    """Silhouette of the clusters found for each k; the best one is ``chosen``.

    Columns ``k``, ``silhouette``, ``chosen``, one row per k, ascending. Distances are
    Euclidean, the ones k-means and Ward minimize; on unit rows (TF-IDF, LSA features) they
    are a monotone function of the cosine distance. Above ``sample_size`` documents the
    score is that of a random sample (``random_state``): it needs sample-squared distances.
    A silhouette needs 2 to documents - 1 clusters: other k (and a k-means run that found
    fewer distinct clusters than that) are NaN. The choice is :func:`choose_k`.
    """
    from sklearn.metrics import silhouette_score

    if method not in METHODS:
        raise ValueError(f"cluster.method {method!r} is not one of {', '.join(METHODS)}")
    ks = sorted(set(ks))
    n_docs = features.shape[0]
    for k in ks:
        _check_k(k, n_docs)
    # Ward: one tree, cut at each k (the labels cluster_documents gives).
    tree = ward_linkage(features) if method == "agglomerative" and len(ks) > 1 else None
    scores = []
    for k in ks:
        score = np.nan
        if 2 <= k <= n_docs - 1:
            if tree is not None:
                labels = cut_tree(tree, n_docs, k)
            else:
                labels = cluster_documents(features, k, method, random_state)
            # k-means can end with fewer distinct clusters than k on duplicate rows.
            if 2 <= len(np.unique(labels)) <= n_docs - 1:
                score = silhouette_score(
                    features,
                    labels,
                    metric="euclidean",
                    sample_size=sample_size if n_docs > sample_size else None,
                    random_state=random_state,
                )
        scores.append(float(score))
    table = pd.DataFrame({"k": ks, "silhouette": scores})
    table["chosen"] = table["k"] == choose_k(table)
    return table


def choose_k(table: pd.DataFrame) -> int:
    """The k of ``table`` (columns ``k``, ``silhouette``) with the highest silhouette.

    Ties go to the smaller k; without any silhouette (one k, or none in 2..documents - 1),
    the smallest k.
    """
    if table.empty:
        raise ValueError("choose_k needs at least one k")
    ordered = table.sort_values("k", kind="stable")
    scores = ordered["silhouette"].to_numpy(dtype=np.float64)
    if np.isnan(scores).all():
        return int(ordered["k"].iloc[0])
    return int(ordered["k"].iloc[int(np.nanargmax(scores))])


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


def document_map(matrix: sp.csr_matrix, random_state: int = 42, method: str = "lsa") -> np.ndarray:
    """2-D coordinates of the documents.

    ``lsa``: TruncatedSVD of the TF-IDF matrix to 2 dimensions. ``tsne``: t-SNE
    (init ``pca``, perplexity min(30, (documents - 1) / 3)) of the documents' unit-row LSA
    reduction to 50 dimensions (:func:`cluster_features`); with fewer than 3 documents or
    terms, the ``lsa`` map. t-SNE shows neighbourhoods, not distances between clusters.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.manifold import TSNE

    n_docs, n_terms = matrix.shape
    if method == "tsne":
        reduced_components = min(TSNE_LSA_COMPONENTS, n_docs - 1, n_terms - 1)
        # PCA initialization needs at least 2 dimensions; the perplexity, 2 neighbours.
        if n_docs >= 3 and reduced_components >= 2:
            reduced = cluster_features(matrix, "lsa", TSNE_LSA_COMPONENTS, random_state)
            tsne = TSNE(
                n_components=2,
                # Barnes-Hut t-SNE looks at 3 x perplexity neighbours: at more than all
                # the other documents, every one is everyone's neighbour and the map is
                # noise (openTSNE lowers it the same way).
                perplexity=min(30.0, (n_docs - 1) / 3),
                init="pca",
                random_state=random_state,
            )
            return _fix_signs(tsne.fit_transform(reduced).astype(np.float64))
    elif method != "lsa":
        raise ValueError(f"cluster.map {method!r} is not one of {', '.join(MAP_METHODS)}")
    components = min(2, n_docs - 1, n_terms - 1)
    if components < 1:
        return np.zeros((n_docs, 2))
    coords = TruncatedSVD(n_components=components, random_state=random_state).fit_transform(matrix)
    coords = _fix_signs(coords)
    if components == 1:
        coords = np.column_stack([coords, np.zeros(n_docs)])
    return coords


def _fix_signs(coords: np.ndarray) -> np.ndarray:
    """Flip axes so that each one's largest coordinate (in absolute value) is positive.

    SVD and t-SNE signs are arbitrary: this makes features and figures stable.
    """
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(coords.shape[1])])
    return coords * np.where(signs == 0, 1, signs)


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


def ward_linkage(matrix: sp.csr_matrix | np.ndarray) -> np.ndarray:
    """Ward linkage of the rows (Euclidean), sparse TF-IDF or dense LSA: the dendrogram's tree."""
    if matrix.shape[0] < 2:
        return np.zeros((0, 4))
    if sp.issparse(matrix):
        return linkage(condensed_distances(matrix), method="ward")
    # Dense rows are few columns (LSA): scipy's own pdist.
    return linkage(np.asarray(matrix, dtype=np.float64), method="ward")
