"""Stage 5: clustering of the documents on their TF-IDF vectors (scikit-learn, scipy)."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..tfidf import core as tfidf

#: Clustering methods, by ``cluster.method``.
METHODS = ("kmeans", "agglomerative")
#: What the documents are clustered on, by ``cluster.features`` (``auto``: one of
#: ``cluster.auto_features``, chosen by :func:`feature_stability_table`).
FEATURES = ("tfidf", "lsa", "lsa_no_idf", "topics", "dmm")
#: Candidates whose runs are partitions fitted on the word counts, not feature rows that
#: k-means (or Ward) clusters: the one-topic-per-document DMM (:func:`dmm_partition`).
PARTITION_FEATURES = ("dmm",)
#: The feature space in which a partition of :data:`PARTITION_FEATURES` is shown and scored
#: (silhouette, map, centroids of the model bundle).
PARTITION_SPACE = "lsa"
#: Gibbs sweeps in each restart of a DMM candidate's fit (``cluster.dmm_iterations``'s
#: default; the schema says why 10).
DMM_ITERATIONS = 10
#: Standard errors of the difference of two candidates' stabilities within which the choice
#: between them is reported as within the seeds' noise (:func:`feature_stability_table`).
NOISE_STANDARD_ERRORS = 2.0
#: How the 2-D document map is drawn, by ``cluster.map``.
MAP_METHODS = ("lsa", "tsne")
#: LSA dimensions that t-SNE starts from (the usual PCA-to-50 before t-SNE).
TSNE_LSA_COMPONENTS = 50
#: Added to every word count of a cluster before its word distribution is estimated
#: (:func:`refine_partition`). Small, so that a word a cluster never uses counts strongly
#: against it; with 0.1 the refinement lost 0.005 NMI on hespress-4cat (docs/topic_models.md).
REFINE_SMOOTHING = 0.01

#: Word counts for :func:`refine_partition`: one sparse documents x words matrix, or a
#: function that returns its row blocks in document order each time it is called (so that a
#: large corpus is read block by block, never held whole).
Counts = sp.spmatrix | Callable[[], Iterable[sp.spmatrix]]

# scikit-learn and scipy.cluster are imported in the functions that use them: the workflow
# imports this module to read its settings (k_grid) when it starts, and a dry run need not
# load them (scipy.cluster alone is about 0.1 s of every Snakemake start).


def without_idf(matrix: sp.csr_matrix, use_idf: bool = True) -> sp.csr_matrix:
    """The rows of stage 3's TF-IDF matrix with the IDF factor taken out, unit length again:
    what ``tfidf.use_idf: false`` would have given (up to rounding).

    Stage 3 multiplies each term's (sublinear) frequency by scikit-learn's smooth IDF, which
    the matrix itself gives back (:func:`~arabic_news_topics.tfidf.core.smooth_idf`), and
    scales each row to unit length. ``use_idf=False``: the matrix has no IDF already.
    """
    from sklearn.preprocessing import normalize

    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    if not use_idf:
        return matrix
    return normalize(sp.csr_matrix(matrix.multiply(1 / tfidf.smooth_idf(matrix))))


def topic_features(theta: np.ndarray) -> np.ndarray:
    """Square roots of the documents' topic shares: rows of unit length whose Euclidean
    distances are √2 times the Hellinger distances of the topic mixtures, so k-means on
    them clusters the mixtures by Hellinger distance."""
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim != 2 or (theta < -1e-12).any():
        raise ValueError("theta must be a documents x topics matrix of shares")
    sums = theta.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    return np.sqrt(np.clip(theta, 0.0, None) / sums)


def cluster_features(
    matrix: sp.csr_matrix,
    features: str = "tfidf",
    n_components: int = 100,
    random_state: int = 42,
    use_idf: bool = True,
    theta: np.ndarray | None = None,
    return_projection: bool = False,
):
    """What the documents are clustered on.

    ``tfidf``: the TF-IDF matrix itself. ``lsa``: TruncatedSVD to ``n_components``
    (at most documents - 1 and terms - 1) then unit-length rows, scikit-learn's
    "Clustering text documents using k-means" recipe; dense float64, one row per document.
    With fewer than 2 documents or terms there is nothing to reduce: the dense TF-IDF rows.
    ``lsa_no_idf``: the same of the matrix without its IDF factor (:func:`without_idf`;
    ``use_idf`` says whether stage 3 applied one). ``topics``: :func:`topic_features` of
    ``theta``, a topic model's document-topic shares in the matrix's row order.

    With ``return_projection``, also the LSA axes (components by terms, signs as the
    features', float32 as the SVD computed them), so that a new document's TF-IDF row
    ``x`` (without IDF for ``lsa_no_idf``) lands at ``normalize(x @ projection.T)``; None
    for the other spaces.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    if features == "tfidf":
        return (matrix, None) if return_projection else matrix
    if features == "topics":
        if theta is None:
            raise ValueError("cluster.features topics needs the topic model's document topics")
        if len(theta) != matrix.shape[0]:
            raise ValueError(
                f"the topic model has {len(theta)} documents, the TF-IDF matrix {matrix.shape[0]}"
            )
        return (topic_features(theta), None) if return_projection else topic_features(theta)
    if features == "lsa_no_idf":
        matrix = without_idf(matrix, use_idf)
    elif features != "lsa":
        raise ValueError(f"cluster.features {features!r} is not one of {', '.join(FEATURES)}")
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral):
        raise ValueError(f"cluster.lsa_components = {n_components!r} must be an integer")
    if n_components < 1:
        raise ValueError(f"cluster.lsa_components = {n_components} must be at least 1")
    n_docs, n_terms = matrix.shape
    components = min(n_components, n_docs - 1, n_terms - 1)
    projection = None
    if components < 1:
        reduced = sp.csr_matrix(matrix, dtype=np.float64).toarray()
    else:
        svd = TruncatedSVD(n_components=components, random_state=random_state)
        # In float32: a third of the time of float64 on SaudiNewsNet (4.4 against 13.3 s,
        # timed alone), singular values the same to six digits (docs/performance.md).
        reduced = svd.fit_transform(sp.csr_matrix(matrix, dtype=np.float32))
        signs = _axis_signs(reduced)
        reduced = reduced * signs
        # The axes as the SVD gave them, in float32: half the file and a fifth of the time
        # to compress (8.3 s in float64 on SaudiNewsNet); a float64 TF-IDF row times them is
        # computed in float64 all the same.
        projection = svd.components_ * signs[:, None].astype(svd.components_.dtype)
    # Unit rows: k-means on them is spherical k-means, as on the TF-IDF rows.
    features = normalize(reduced.astype(np.float64, copy=False))
    return (features, projection) if return_projection else features


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
    labels_by_k: Mapping[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Silhouette of the clusters found for each k; the best one is ``chosen``.

    ``labels_by_k`` gives the clusters of some ks already made (those the stage keeps): they
    are scored as they are, not clustered again.

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
            if labels_by_k is not None and k in labels_by_k:
                labels = np.asarray(labels_by_k[k])
            elif tree is not None:
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


def nearest_clusters(
    features: sp.csr_matrix | np.ndarray, centroids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centroid (Euclidean, as k-means assigns; positions in
    ``centroids``) and its cosine similarity with that centroid."""
    rows = sp.csr_matrix(features) if sp.issparse(features) else np.asarray(features)
    products = np.asarray(rows @ centroids.T, dtype=np.float64).reshape(rows.shape[0], -1)
    squared = np.einsum("ij,ij->i", centroids, centroids)
    # |x - c|² = |x|² - 2 x·c + |c|²: |x|² is the same for every c.
    nearest = np.argmin(squared[None, :] - 2 * products, axis=1)
    return nearest, centroid_similarity(rows, centroids, nearest)


def centroid_similarity(
    features: sp.csr_matrix | np.ndarray, centroids: np.ndarray, positions: np.ndarray
) -> np.ndarray:
    """Each row's cosine similarity with the centroid at its position in ``centroids``
    (0 for a row or centroid of zero length)."""
    rows = sp.csr_matrix(features) if sp.issparse(features) else np.asarray(features)
    positions = np.asarray(positions, dtype=np.int64)
    chosen = np.asarray(
        rows.multiply(centroids[positions]).sum(axis=1)
        if sp.issparse(rows)
        else np.einsum("ij,ij->i", rows, centroids[positions]),
        dtype=np.float64,
    ).ravel()
    squared = np.einsum("ij,ij->i", centroids, centroids)
    norms = np.sqrt(squared[positions]) * np.sqrt(
        np.asarray(rows.multiply(rows).sum(axis=1)).ravel()
        if sp.issparse(rows)
        else np.einsum("ij,ij->i", rows, rows)
    )
    return np.divide(chosen, norms, out=np.zeros_like(chosen), where=norms > 0)


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


def _axis_signs(coords: np.ndarray) -> np.ndarray:
    """Per axis, the sign that makes its largest coordinate (in absolute value) positive."""
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(coords.shape[1])])
    return np.where(signs == 0, 1, signs)


def _fix_signs(coords: np.ndarray) -> np.ndarray:
    """Flip axes so that each one's largest coordinate (in absolute value) is positive.

    SVD and t-SNE signs are arbitrary: this makes features and figures stable.
    """
    return coords * _axis_signs(coords)


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
    from scipy.cluster.hierarchy import linkage

    if sp.issparse(matrix):
        return linkage(condensed_distances(matrix), method="ward")
    # Dense rows are few columns (LSA): scipy's own pdist.
    return linkage(np.asarray(matrix, dtype=np.float64), method="ward")


def partition_agreement(partitions: Sequence[np.ndarray]) -> tuple[float, float]:
    """Mean and sd of the adjusted Rand index over every pair of ``partitions`` (1: all
    the same; about 0: no more alike than chance); NaN with fewer than two."""
    return _mean_sd(_pair_agreements(_agreement_matrix(partitions)))


def _mean_sd(pairs: np.ndarray) -> tuple[float, float]:
    """Mean and sd of pairs' adjusted Rand indices; NaN for no pair."""
    if not len(pairs):
        return np.nan, np.nan
    return float(np.mean(pairs)), float(np.std(pairs))


def _pair_agreements(matrix: np.ndarray) -> np.ndarray:
    """The adjusted Rand index of every pair of partitions, from their
    :func:`_agreement_matrix` (empty with fewer than two)."""
    return matrix[np.triu_indices(len(matrix), k=1)]


def _medoid_position(matrix: np.ndarray) -> int:
    """The position of the partition of highest mean agreement in an
    :func:`_agreement_matrix` (ties: the first)."""
    return int(np.argmax(matrix.mean(axis=1).round(12)))


def _agreement_matrix(partitions: Sequence[np.ndarray]) -> np.ndarray:
    from sklearn.metrics import adjusted_rand_score

    n = len(partitions)
    matrix = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = adjusted_rand_score(partitions[i], partitions[j])
    return matrix


def medoid_partition(partitions: Sequence[np.ndarray]) -> np.ndarray:
    """The partition that agrees best with the others (highest mean adjusted Rand index;
    ties: the first): of several k-means runs, the one least tied to its seed."""
    if not partitions:
        raise ValueError("medoid_partition needs at least one partition")
    return partitions[_medoid_position(_agreement_matrix(partitions))]


def stability_partitions(
    candidates: Mapping[str, Sequence[tuple[sp.csr_matrix | np.ndarray, int]]],
    ks: Sequence[int],
    method: str = "kmeans",
    n_init: int = 10,
    dmm_iterations: int = DMM_ITERATIONS,
    dmm_restarts: int = 3,
) -> dict[tuple[str, int], list[np.ndarray]]:
    """The partitions of every run of every candidate feature space at every k.

    ``candidates`` maps a name of ``cluster.features`` to its runs, each a features matrix
    and the random state of its clustering (the same LSA rows with other k-means seeds, or
    the topic shares of topic models fitted with other seeds); a ``dmm`` run is word counts
    and the seed of a DMM fit (:func:`dmm_partition`, ``dmm_iterations`` sweeps, the best of
    ``dmm_restarts`` restarts)."""
    if not candidates:
        raise ValueError("cluster.auto_features is empty")

    def partition(name, features, k, seed):
        if name in PARTITION_FEATURES:
            return dmm_partition(features, k, seed, dmm_iterations, dmm_restarts)
        return cluster_documents(features, k, method, seed, n_init)

    return {
        (name, int(k)): [partition(name, features, int(k), seed) for features, seed in runs]
        for name, runs in candidates.items()
        for k in sorted(set(ks))
    }


def dmm_partition(
    counts: sp.spmatrix,
    n_clusters: int,
    random_state: int = 42,
    iterations: int = DMM_ITERATIONS,
    restarts: int = 3,
) -> np.ndarray:
    """The documents clustered by a Dirichlet multinomial mixture of ``n_clusters`` on their
    word ``counts``: a fit of the ``dmm`` engine from ``random_state``
    (:class:`~arabic_news_topics.topics.engines.DirichletMultinomialMixture`: ``restarts``
    GSDMM runs of ``iterations`` sweeps, the most likely one kept), each document
    in its most probable cluster; 1-based labels numbered by first document, as
    :func:`cluster_documents` gives. The DMM may leave clusters empty: the labels then
    hold fewer than ``n_clusters`` values. A document without words joins the first
    cluster (its topic shares are uniform).

    Why a candidate: one topic per document is a mixture of unigrams, the model the
    refinement (:func:`refine_partition`) takes one step of; sampled from random starts it
    found antms-6cat's sections better than k-means on LSA on its sub-corpora, and its runs
    agreed more where it did (docs/topic_models.md). With one restart a fit's clusters
    varied more from seed to seed, and the stability rule took them less often where they
    were better.
    """
    from ..topics.engines import BowCorpus, DirichletMultinomialMixture

    _check_k(n_clusters, counts.shape[0])
    model = DirichletMultinomialMixture(
        n_clusters, random_state, dmm_iterations=iterations, dmm_restarts=restarts
    )
    # The engine reads a vocabulary's length and names only: the columns' positions do.
    model.fit(BowCorpus(counts), [str(j) for j in range(counts.shape[1])])
    return _relabel_by_first_appearance(model.theta.argmax(axis=1)) + 1


def feature_stability_table(
    partitions: Mapping[tuple[str, int], Sequence[np.ndarray]],
    preferred: str | None = None,
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """How reproducible the clusters of each candidate feature space are, and which is chosen.

    ``partitions`` is what :func:`stability_partitions` returns. At each k, a candidate's
    partitions are compared pairwise by the adjusted Rand index. The candidate with the
    highest mean over the ks is chosen; ties (equal to 3 decimals) go to the earlier
    candidate. The ``preferred`` candidate (``cluster.auto_features``' first) is chosen
    while its mean is below the highest by no more than ``tolerance``
    (``cluster.stability_tolerance``; means to 3 decimals). No labels are used.

    Why a tolerance for the first candidate: a DMM candidate's runs are Gibbs samplers, whose
    partitions differ by the documents the sampler leaves on a border even where the
    model holds the corpus's grouping, while k-means on a fixed LSA space often lands on one
    partition every time; on 112 sub-corpora of the labelled corpora the DMM was the closer
    to the sections on most antms-6cat ones where an LSA space was more stable by less than
    0.01, and no hespress-4cat one came that close (docs/topic_models.md).

    Why stability: on both labelled corpora of the project, the feature space whose clusters
    matched the gold sections best was the one whose k-means partitions varied least between
    seeds (hespress-4cat: TF without IDF, ARI 1.00 between seeds against 0.77 with IDF;
    antms-6cat: with IDF, 0.84 against 0.73; docs/topic_models.md). A representation that
    does not hold the corpus's grouping leaves k-means between many equally poor optima.

    How sure the choice is: a candidate's ``stability_se`` is the standard error of its
    ``mean_stability`` (the sd of its pairs' adjusted Rand indices, pooled over the ks, over
    the square root of the pairs). A candidate whose mean is below the chosen one's by no
    more than :data:`NOISE_STANDARD_ERRORS` standard errors of the difference is
    ``within_noise`` (unless its clusters are the chosen space's, ``agreement_with_chosen``
    1 at every k: then the choice changes nothing): another set of seeds could have chosen
    it (with the tolerance added to the preferred candidate's mean on both sides). On
    112 sub-corpora of the labelled corpora 39 choices were that close, and the rule picked
    the space that matched the sections better in only 13 of them, against 48 of the 73
    others (docs/topic_models.md, the two LSA candidates alone); the stage says so in its
    log.

    Returns
    -------
    DataFrame
        One row per candidate and k: ``features``, ``k``, ``runs``, ``stability`` (mean
        ARI), ``stability_sd``, ``mean_stability`` (over the ks), ``stability_se``,
        ``chosen``, ``agreement_with_chosen`` (adjusted Rand index of the candidate's medoid
        partition with the chosen space's at that k) and ``within_noise`` (False for the
        chosen space itself).
    """
    rows, pairs, medoids = [], {}, {}
    for (name, k), runs in partitions.items():
        # One agreement matrix per space and k gives its stability and its medoid run.
        matrix = _agreement_matrix(runs)
        values = _pair_agreements(matrix)
        medoids[name, k] = runs[_medoid_position(matrix)]
        mean, sd = _mean_sd(values)
        rows.append(
            {"features": name, "k": k, "runs": len(runs), "stability": mean, "stability_sd": sd}
        )
        pairs.setdefault(name, []).extend(values)
    table = pd.DataFrame(rows)
    means = table.groupby("features", sort=False)["stability"].mean()
    table["mean_stability"] = table["features"].map(means)
    errors = {
        name: float(np.std(values) / np.sqrt(len(values))) if values else np.nan
        for name, values in pairs.items()
    }
    table["stability_se"] = table["features"].map(errors)
    # The tolerance is a bonus to the preferred candidate's stability: it is chosen while
    # no other is more stable by more than that, and the noise below is measured from there.
    bonus = pd.Series(
        [tolerance if name == preferred else 0.0 for name in means.index], index=means.index
    )
    scores = (means.round(3) + bonus).round(3).fillna(-np.inf)
    chosen = scores.index[int(np.argmax(scores.to_numpy()))]
    if preferred in scores.index and scores[preferred] == scores[chosen]:
        chosen = preferred
    table["chosen"] = table["features"] == chosen
    # How alike each space's clusters are to the chosen space's (their medoid runs, at each
    # k): where they are the same, the choice changes nothing.
    from sklearn.metrics import adjusted_rand_score

    table["agreement_with_chosen"] = [
        adjusted_rand_score(medoids[name, k], medoids[chosen, k])
        if (chosen, k) in medoids
        else np.nan
        for name, k in zip(table["features"], table["k"], strict=True)
    ]
    differs = table.groupby("features", sort=False)["agreement_with_chosen"].min() < 1 - 1e-9
    # NaN (one run, no pair) compares False: a space without a stability is never close.
    effective = means + bonus
    noise = {
        name: name != chosen
        and bool(differs[name])
        and effective[chosen] - effective[name]
        <= NOISE_STANDARD_ERRORS * np.hypot(errors[name], errors[chosen])
        for name in means.index
    }
    table["within_noise"] = table["features"].map(noise).astype(bool)
    return table


def preferred_candidate(settings: Mapping) -> str | None:
    """The candidate :func:`feature_stability_table` keeps within
    ``cluster.stability_tolerance``: the first of ``cluster.auto_features`` under ``auto``
    (where it was left out, none has the tolerance)."""
    return settings["auto_features"][0] if settings.get("features") == "auto" else None


def kept_within_tolerance(table: pd.DataFrame) -> tuple[str, float] | None:
    """Where :func:`feature_stability_table` kept its preferred candidate though another is
    more stable (within ``cluster.stability_tolerance``): that other and by how much (means
    to 3 decimals, as the choice compares them); otherwise None."""
    means = table.groupby("features", sort=False)["stability"].mean().round(3)
    margin = round(float(means.max() - means[chosen_features(table)]), 3)
    return (str(means.idxmax()), margin) if margin > 0 else None


def features_within_noise(table: pd.DataFrame) -> list[str]:
    """The candidates of :func:`feature_stability_table` whose stability is within the
    seeds' noise of the chosen space's (``within_noise``), in their order."""
    flags = table["within_noise"].astype(str).str.lower() == "true"
    return list(dict.fromkeys(table.loc[flags, "features"].astype(str)))


def chosen_features(table: pd.DataFrame) -> str:
    """The features :func:`feature_stability_table` chose."""
    return str(table.loc[table["chosen"].astype(str) == "True", "features"].iloc[0])


def candidate_runs(
    matrix: sp.csr_matrix,
    names: Sequence[str],
    n_components: int = 100,
    random_state: int = 42,
    runs: int = 5,
    use_idf: bool = True,
    thetas: Sequence[np.ndarray] = (),
    projections: dict | None = None,
    counts: Counts | None = None,
) -> dict[str, list[tuple[sp.csr_matrix | np.ndarray, int]]]:
    """The runs of each candidate feature space of ``names``: an LSA or TF-IDF space is
    computed once (``random_state``) and clustered with ``runs`` seeds from ``random_state``
    on; ``topics`` is one run per topic model of ``thetas`` (their own seeds), clustered
    with ``random_state``; ``dmm`` is ``runs`` DMM fits on the word ``counts`` (rows as
    the matrix's), seeds from ``random_state`` on (:func:`dmm_partition`). Spaces that are
    the same (``lsa_no_idf`` without IDF in stage 3) are kept once, under the first name.
    ``projections``, when given, receives each space's LSA axes (:func:`cluster_features`).
    """
    candidates: dict[str, list] = {}
    for name in dict.fromkeys(names):
        if name == "lsa_no_idf" and not use_idf and "lsa" in candidates:
            continue
        if name == "dmm":
            if counts is None:
                raise ValueError("cluster.features dmm needs the documents' word counts")
            whole = counts if sp.issparse(counts) else sp.vstack(list(counts()))
            whole = sp.csr_matrix(whole)
            if whole.shape[0] != matrix.shape[0]:
                raise ValueError(
                    f"the word counts have {whole.shape[0]} documents, the TF-IDF matrix "
                    f"{matrix.shape[0]}"
                )
            candidates[name] = [(whole, random_state + i) for i in range(runs)]
        elif name == "topics":
            if not thetas:
                raise ValueError("cluster.features topics needs the topic model's document topics")
            candidates[name] = [
                (cluster_features(matrix, "topics", theta=theta), random_state) for theta in thetas
            ]
        else:
            features, projection = cluster_features(
                matrix, name, n_components, random_state, use_idf, return_projection=True
            )
            candidates[name] = [(features, random_state + i) for i in range(runs)]
            if projections is not None:
                projections[name] = projection
    return candidates


def refine_partition(
    counts: Counts,
    labels: np.ndarray,
    iterations: int = 1,
    smoothing: float = REFINE_SMOOTHING,
    return_model: bool = False,
):
    """A partition refined as a mixture of multinomials (mixture of unigrams) on word counts.

    The partition (1-based ``labels``, one per document) gives each cluster a word
    distribution (its documents' word counts, plus ``smoothing`` per word) and a share of
    the documents; each EM iteration gives every document the posterior probability of
    each cluster given its words, and re-estimates the distributions from those. Returns
    each document's most probable cluster (1-based, ties to the lower number); with
    ``iterations`` 0, or when a cluster would be left empty, ``labels`` unchanged. With
    ``return_model``, also the mixture of the last iteration: the clusters' log word
    probabilities (clusters x words) and log shares, under which the returned labels are
    each document's most probable cluster (:func:`mixture_clusters` gives a new document
    its cluster by them); both None when ``labels`` come back unchanged.

    Why: k-means on LSA rows assigns a document by its angle to the centroids; the
    multinomial likelihood weighs every word the document holds by how typical it is of
    each cluster, which places the articles between two sections better. One iteration
    from the k-means partition raised the NMI with the sections on antms-6cat and every
    sub-corpus of it tried, and kept it on hespress-4cat (docs/topic_models.md, Clusters).
    Written here: scikit-learn has no multinomial mixture, and gensim's models are
    admixtures (a document of several topics).
    """
    refined, log_words, log_shares = refine_partitions(counts, [labels], iterations, smoothing)[0]
    return (refined, log_words, log_shares) if return_model else refined


def refine_partitions(
    counts: Counts,
    partitions: Sequence[np.ndarray],
    iterations: int = 1,
    smoothing: float = REFINE_SMOOTHING,
) -> list[tuple[np.ndarray, np.ndarray | None, np.ndarray | None]]:
    """Each of ``partitions`` refined as :func:`refine_partition` refines it (the same
    numbers), with one reading of the word ``counts`` per step of an EM iteration for all of
    them: stage 5 refines every candidate's partition, and on a large corpus reading the
    counts is most of a refinement's time.

    Returns
    -------
    list of tuple
        Per partition: the refined labels, and the mixture's log word probabilities and log
        shares (both None where the labels come back unchanged).
    """
    from scipy.special import logsumexp

    partitions = [np.asarray(labels) for labels in partitions]
    if iterations < 0:
        raise ValueError(f"cluster.refine_iterations = {iterations} must be at least 0")
    if smoothing <= 0:
        raise ValueError(f"the smoothing of refine_partition must be positive, not {smoothing}")
    n_docs = {len(labels) for labels in partitions}
    if len(n_docs) > 1:
        raise ValueError(f"the partitions to refine differ in length: {sorted(n_docs)}")
    if iterations == 0 or not partitions or not len(partitions[0]):
        return [(labels, None, None) for labels in partitions]
    n_docs = len(partitions[0])
    blocks = (lambda: [counts]) if sp.issparse(counts) else counts
    states = []
    for labels in partitions:
        ids, positions = np.unique(labels, return_inverse=True)
        states.append((ids, np.eye(len(ids))[positions], np.zeros(n_docs, dtype=np.int64)))
    for _ in range(iterations):
        # M step: each cluster's word counts, weighted by its responsibilities.
        totals: list = [None] * len(states)
        start = 0
        for block in blocks():
            block = sp.csr_matrix(block, dtype=np.float64)
            stop = start + block.shape[0]
            for i, (_, responsibilities, _) in enumerate(states):
                part = np.asarray(block.T @ responsibilities[start:stop]).T
                totals[i] = part if totals[i] is None else totals[i] + part
            start = stop
        if start != n_docs:
            raise ValueError(f"the word counts have {start} documents, the partition {n_docs}")
        models = []
        for total, (ids, responsibilities, _) in zip(totals, states, strict=True):
            total = total + smoothing
            shares = responsibilities.sum(axis=0)
            models.append(
                (
                    np.log(total / total.sum(axis=1, keepdims=True)),
                    np.log((shares + 1) / (shares.sum() + len(ids))),
                )
            )
        # E step: each document's posterior over the clusters.
        start = 0
        for block in blocks():
            block = sp.csr_matrix(block, dtype=np.float64)
            stop = start + block.shape[0]
            for (_, responsibilities, best), (log_words, log_shares) in zip(
                states, models, strict=True
            ):
                scores = np.asarray(block @ log_words.T) + log_shares
                responsibilities[start:stop] = np.exp(
                    scores - logsumexp(scores, axis=1, keepdims=True)
                )
                # From the scores, not the rounded posteriors: exactly mixture_clusters's
                # choice.
                best[start:stop] = scores.argmax(axis=1)
            start = stop
    refined = []
    for labels, (ids, _, best), (log_words, log_shares) in zip(
        partitions, states, models, strict=True
    ):
        if len(np.unique(best)) < len(ids):
            refined.append((labels, None, None))
        else:
            refined.append((ids[best], log_words, log_shares))
    return refined


def mixture_clusters(
    counts: sp.spmatrix, log_words: np.ndarray, log_shares: np.ndarray
) -> np.ndarray:
    """Each document's most probable cluster (positions in ``log_words``'s rows; ties to
    the first) under the multinomial mixture :func:`refine_partition` returns: how stage 5
    assigned its own documents, for a new document's word counts in the same terms."""
    scores = np.asarray(sp.csr_matrix(counts, dtype=np.float64) @ log_words.T) + log_shares
    return scores.argmax(axis=1)


def candidate_names(
    settings: Mapping, n_tokens: int | None = None
) -> tuple[list[str], dict[str, str]]:
    """The candidates of stage 5 (``cluster.features``, or ``cluster.auto_features`` when
    ``auto``) for a corpus of ``n_tokens`` word tokens (the counts the DMM would sample; None:
    not known, no limit), and those left out with the reason: ``auto`` leaves ``dmm`` out
    above ``cluster.dmm_max_tokens`` (0: no limit; why 1,000,000: docs/topic_models.md)."""
    if settings["features"] != "auto":
        return [settings["features"]], {}
    names, left_out = list(settings["auto_features"]), {}
    limit = dmm_token_limit(settings)
    if "dmm" in names and len(names) > 1 and limit and n_tokens is not None and n_tokens > limit:
        names.remove("dmm")
        left_out["dmm"] = f"more than cluster.dmm_max_tokens = {limit:,} word tokens"
    return names, left_out


def dmm_token_limit(settings: Mapping) -> int:
    """The most word tokens with which ``dmm`` is a candidate of stage 5 (0: no limit):
    ``cluster.dmm_max_tokens`` under ``auto``; a ``dmm`` chosen by hand has none."""
    return settings.get("dmm_max_tokens", 0) if settings["features"] == "auto" else 0


def stage_candidates(
    settings: Mapping, counts: Counts | None
) -> tuple[list[str], dict[str, str], Counts | None, int | None]:
    """Stage 5's candidates for the word ``counts`` (:func:`candidate_names`), those left
    out with the reason, the counts (read whole once when the DMM samples them, so its fits
    and the refinement share one reading) and their word tokens (None: not counted, as
    when no DMM is asked for, or ``counts`` is None)."""
    n_tokens = None
    if "dmm" in candidate_names(settings)[0] and counts is not None:
        counts, n_tokens = counts_up_to(counts, dmm_token_limit(settings))
    names, left_out = candidate_names(settings, n_tokens)
    return names, left_out, counts, n_tokens


def counts_up_to(counts: Counts, limit: int) -> tuple[Counts, int]:
    """The word ``counts`` read whole (a sparse matrix) and their tokens, or, once the blocks
    read pass ``limit`` tokens (0: no limit), the blocks unread and the tokens read so far:
    a corpus too large for the DMM candidate is never held whole to find that out."""
    if sp.issparse(counts):
        return counts, int(counts.sum())
    blocks, tokens = [], 0
    for block in counts():
        blocks.append(block)
        tokens += int(block.sum())
        if limit and tokens > limit:
            return counts, tokens
    return sp.vstack(blocks).tocsr(), tokens


def without_empty_clusters(
    partitions: Mapping[tuple[str, int], Sequence[np.ndarray]],
) -> tuple[dict, dict[str, str]]:
    """``partitions`` (:func:`stability_partitions`) without the candidates of
    :data:`PARTITION_FEATURES` of which a run fills fewer than k clusters at some k, unless
    no other candidate is left; and those left out with the reason. A DMM that leaves
    clusters empty says the corpus has fewer groups of its kind, not which k to keep."""
    left_out = {}
    names = {name for name, _ in partitions}
    for name in PARTITION_FEATURES:
        short = [
            k
            for (other, k), runs in partitions.items()
            if other == name and min(len(np.unique(run)) for run in runs) < k
        ]
        if short and len(names) > 1:
            partitions = {key: runs for key, runs in partitions.items() if key[0] != name}
            names.discard(name)
            left_out[name] = f"a run left clusters empty at k = {', '.join(map(str, short))}"
    return dict(partitions), left_out


def feature_choice(
    matrix: sp.csr_matrix,
    settings: Mapping,
    ks: Sequence[int],
    random_state: int = 42,
    use_idf: bool = True,
    thetas: Sequence[np.ndarray] = (),
    counts: Counts | None = None,
    dmm_iterations: int = DMM_ITERATIONS,
    dmm_restarts: int = 3,
) -> dict:
    """Stage 5's choice of feature space, before k and the partition: the candidates
    (:func:`stage_candidates`), their runs at every k of ``ks`` (:func:`candidate_runs`,
    :func:`stability_partitions`), those that leave clusters empty left out
    (:func:`without_empty_clusters`), and the :func:`feature_stability_table` that chooses.
    One function for the stage and the benchmarks that measure its choice.

    Returns
    -------
    dict
        ``candidates`` (each name's runs: features and seed), ``projections`` (each LSA
        space's axes), ``partitions`` (kept candidates' runs' partitions by name and k),
        ``stability`` (the table; :func:`chosen_features` reads the choice), ``left_out``
        (candidates left out, each with the reason), ``counts`` (as :func:`stage_candidates`
        returns them) and ``dmm_tokens`` (their word tokens, or None).
    """
    names, left_out, counts, n_tokens = stage_candidates(settings, counts)
    projections: dict = {}
    candidates = candidate_runs(
        matrix,
        names,
        settings["lsa_components"],
        random_state,
        settings["stability_runs"],
        use_idf,
        thetas,
        projections,
        counts if "dmm" in names else None,
    )
    partitions = stability_partitions(
        candidates,
        ks,
        settings["method"],
        dmm_iterations=dmm_iterations,
        dmm_restarts=dmm_restarts,
    )
    partitions, short = without_empty_clusters(partitions)
    left_out.update(short)
    stability = feature_stability_table(
        partitions, preferred_candidate(settings), settings.get("stability_tolerance", 0.0)
    )
    return {
        "candidates": candidates,
        "projections": projections,
        "partitions": partitions,
        "stability": stability,
        "left_out": left_out,
        "counts": counts,
        "dmm_tokens": n_tokens,
    }


def cluster_with_settings(
    matrix: sp.csr_matrix,
    settings: Mapping,
    ks: Sequence[int],
    random_state: int = 42,
    use_idf: bool = True,
    thetas: Sequence[np.ndarray] = (),
    counts: Counts | None = None,
    dmm_iterations: int = DMM_ITERATIONS,
    dmm_restarts: int = 3,
) -> dict:
    """Stage 5's clustering: the feature space (``cluster.features``, or by stability among
    ``cluster.auto_features`` when ``auto``), k by silhouette when ``ks`` holds several, and
    the partition: of the chosen space's runs at k, the one that agrees best with the others
    (:func:`medoid_partition`), refined on the documents' word ``counts`` (rows as the
    matrix's) by ``cluster.refine_iterations`` EM iterations (:func:`refine_partition`;
    none without ``counts``).

    ``dmm`` (fits of :func:`dmm_partition` on the ``counts``: ``dmm_iterations``,
    ``dmm_restarts``)
    is a candidate of ``auto`` only up to ``cluster.dmm_max_tokens`` word tokens of the
    ``counts`` (its runs' cost grows with them) and only if every run at every k fills the k
    clusters; otherwise it is left out, and ``left_out`` says why. Its partitions are shown
    and scored in the ``lsa`` space (:data:`PARTITION_SPACE`).

    Returns
    -------
    dict
        ``labels`` (1-based, per document), ``k``, ``features`` (the name chosen),
        ``refined`` (the documents the refinement moved to another cluster), ``mixture``
        (the refinement's log word probabilities and log shares, or None),
        ``stability`` (:func:`feature_stability_table`), ``silhouette``
        (:func:`silhouette_by_k` of the chosen space), ``matrix`` (its features),
        ``projection`` (its LSA axes, or None: :func:`cluster_features`), ``left_out``
        (candidates of ``auto`` left out, each with the reason) and ``dmm_tokens`` (the
        word tokens of the ``counts`` when the DMM was asked for, counted up to the first
        block past its limit; else None: :func:`stage_candidates`) and ``alternatives``
        (every other kept candidate's partition at the chosen k, its medoid run refined as
        the chosen one is, numbered by first document).
    """
    choice = feature_choice(
        matrix, settings, ks, random_state, use_idf, thetas, counts, dmm_iterations, dmm_restarts
    )
    candidates, partitions = choice["candidates"], choice["partitions"]
    projections, stability = choice["projections"], choice["stability"]
    counts, n_tokens, left_out = choice["counts"], choice["dmm_tokens"], choice["left_out"]
    name = chosen_features(stability)
    features = candidates[name][0][0]
    if name in PARTITION_FEATURES:
        # The DMM has no feature rows: its clusters are shown, scored and given centroids
        # in the LSA space (the candidate's own runs when it was one).
        if PARTITION_SPACE in candidates:
            features = candidates[PARTITION_SPACE][0][0]
        else:
            features, projections[PARTITION_SPACE] = cluster_features(
                matrix,
                PARTITION_SPACE,
                settings["lsa_components"],
                random_state,
                use_idf,
                return_projection=True,
            )
        projections[name] = projections[PARTITION_SPACE]
    # The silhouette of each k is that of the partition the stage would keep at that k.
    medoids = {k: medoid_partition(partitions[name, k]) for k in sorted(set(ks))}
    silhouettes = silhouette_by_k(
        features, ks, settings["method"], random_state, labels_by_k=medoids
    )
    k = choose_k(silhouettes)
    # Every other kept candidate's partition at that k, made as the chosen one is (its
    # medoid run, refined), so that a researcher can compare the groupings the choice was
    # between (feature_agreement_table).
    others = [other for other, at in partitions if at == k and other != name]
    starts = [medoids[k]] + [medoid_partition(partitions[other, k]) for other in others]
    iterations = settings.get("refine_iterations", 0)
    if counts is not None and iterations:
        refined_all = refine_partitions(counts, starts, iterations)
    else:
        refined_all = [(start, None, None) for start in starts]
    labels, log_words, log_shares = refined_all[0]
    refined = int((labels != medoids[k]).sum())
    if log_words is not None:
        # Numbered again by first document, as every partition of the stage is; the
        # mixture's rows follow.
        order = np.argsort(np.unique(labels, return_index=True)[1], kind="stable")
        labels = _relabel_by_first_appearance(labels) + 1
        log_words, log_shares = log_words[order], log_shares[order]
    alternatives = {
        other: _relabel_by_first_appearance(other_labels) + 1
        for other, (other_labels, _, _) in zip(others, refined_all[1:], strict=True)
    }
    return {
        "labels": labels,
        "k": k,
        "features": name,
        "refined": refined,
        "mixture": None if log_words is None else (log_words, log_shares),
        "stability": stability,
        "silhouette": silhouettes,
        "matrix": features,
        "projection": projections.get(name),
        "left_out": left_out,
        "dmm_tokens": n_tokens,
        "alternatives": alternatives,
    }


def feature_agreement_table(
    labels: np.ndarray, alternatives: Mapping[str, np.ndarray], stability: pd.DataFrame
) -> pd.DataFrame:
    """How far the clusters of each candidate feature space are from the chosen space's.

    ``labels`` are the stage's clusters, ``alternatives`` every other candidate's partition
    at the same k, made the same way (:func:`cluster_with_settings`), ``stability`` the
    :func:`feature_stability_table` that chose. Where two candidates are within the seeds'
    noise of each other, the choice between them is a near-tie (docs/topic_models.md): this
    table says how much it matters.

    Returns
    -------
    DataFrame
        One row per candidate, in the stability table's order: ``features``, ``chosen``,
        ``within_noise``, ``mean_stability``, ``clusters``, ``ari_with_chosen`` and
        ``nmi_with_chosen`` (adjusted Rand index and normalized mutual information of its
        clusters with the chosen ones, both refined; 1 for the chosen space; the stability
        table's ``agreement_with_chosen`` compares the medoid runs before the refinement)
        and ``documents_regrouped``
        with ``share_regrouped``: the documents whose cluster is not the one matched to
        their chosen cluster, the clusters of the two matched one to one so that the most
        documents agree (the Hungarian method).
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = np.asarray(labels)
    rows = []
    for name, part in stability.groupby("features", sort=False):
        first = part.iloc[0]
        chosen = str(first["chosen"]).lower() == "true"
        other = labels if chosen else alternatives.get(str(name))
        if other is None:
            raise ValueError(f"no partition of the candidate {name} to compare with the chosen")
        other = np.asarray(other)
        table = pd.crosstab(labels, other).to_numpy()
        regrouped = int(len(labels) - table[linear_sum_assignment(table, maximize=True)].sum())
        rows.append(
            {
                "features": str(name),
                "chosen": chosen,
                "within_noise": str(first.get("within_noise", False)).lower() == "true",
                "mean_stability": float(first["mean_stability"]),
                "clusters": len(np.unique(other)),
                "ari_with_chosen": float(adjusted_rand_score(labels, other)),
                "nmi_with_chosen": float(normalized_mutual_info_score(labels, other)),
                "documents_regrouped": regrouped,
                "share_regrouped": regrouped / max(len(labels), 1),
            }
        )
    return pd.DataFrame(rows)
