"""Unit tests of stage 5, document clusters (arabic_news_topics.clusters.core)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import normalized_mutual_info_score, silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.config import schema_defaults
from arabic_news_topics.tfidf import core as tfidf

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


# Planted clusters: documents written from disjoint vocabularies, one per topic.
VOCABULARIES = [
    ["نفط", "اسعار", "بورصه", "استثمار", "تضخم", "سوق"],
    ["داعش", "ارهاب", "تفجير", "هجوم", "متطرفين", "اعتقال"],
    ["ناتو", "حلف", "اطلسي", "قمه", "دفاع", "عسكري"],
    ["مباراه", "منتخب", "هدف", "دوري", "ملعب", "مدرب"],
    ["مهرجان", "سينما", "مسرح", "فنان", "معرض", "روايه"],
    ["امازيغيه", "تيفيناغ", "لغه", "تدريس", "هويه", "ثقافه"],
]


def planted_corpus(n_groups: int, docs_per_group: int = 6) -> tuple[sp.csr_matrix, list[int]]:
    """TF-IDF of documents from ``n_groups`` disjoint vocabularies, groups interleaved.

    Document i is from group i % n_groups, so the planted labels numbered by first
    appearance are 1, 2, ..., n_groups, 1, 2, ...
    """
    rng = np.random.RandomState(n_groups)
    documents = []
    for i in range(n_groups * docs_per_group):
        words = VOCABULARIES[i % n_groups]
        documents.append((f"doc{i}", list(rng.choice(words, size=30))))
    matrix, _, _ = tfidf.compute_tfidf(documents)
    return matrix, [i % n_groups + 1 for i in range(n_groups * docs_per_group)]


def test_tfidf_features_are_the_matrix_itself(matrix):
    assert clusters.cluster_features(matrix, "tfidf") is matrix


@pytest.mark.parametrize(
    ("n_docs", "n_terms", "n_components", "expected_columns"),
    [
        pytest.param(8, 12, 3, 3, id="asked"),
        pytest.param(8, 12, 100, 7, id="capped-at-documents-1"),
        pytest.param(8, 5, 100, 4, id="capped-at-terms-1"),
    ],
)
def test_lsa_features_shape_and_unit_rows(n_docs, n_terms, n_components, expected_columns):
    matrix = random_rows(n_docs, 0)[:, :n_terms]
    features = clusters.cluster_features(matrix, "lsa", n_components, random_state=0)
    assert isinstance(features, np.ndarray)
    assert features.dtype == np.float64
    assert features.shape == (n_docs, expected_columns)
    np.testing.assert_allclose(np.linalg.norm(features, axis=1), 1.0)


def test_lsa_features_are_scikit_learns_recipe_with_fixed_signs():
    matrix, _ = planted_corpus(4)
    features = clusters.cluster_features(matrix, "lsa", 3, random_state=7)
    recipe = make_pipeline(TruncatedSVD(3, random_state=7), Normalizer())
    # The SVD runs in float32 (three times faster): the recipe's features of the float32
    # matrix, to float32's precision.
    expected = recipe.fit_transform(sp.csr_matrix(matrix, dtype=np.float32))
    np.testing.assert_allclose(np.abs(features), np.abs(expected), atol=1e-6)
    assert features.dtype == np.float64
    np.testing.assert_array_equal(features, clusters.cluster_features(matrix, "lsa", 3, 7))
    for axis in range(3):
        assert features[np.abs(features[:, axis]).argmax(), axis] > 0


def test_lsa_features_of_one_document_are_its_unit_row():
    features = clusters.cluster_features(sp.csr_matrix([[3.0, 4.0, 0.0]]), "lsa")
    np.testing.assert_allclose(features, [[0.6, 0.8, 0.0]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"features": "bert"}, "'bert' is not one of tfidf, lsa", id="features"),
        pytest.param({"features": "lsa", "n_components": 0}, "at least 1", id="zero"),
        pytest.param({"features": "lsa", "n_components": 2.5}, "integer", id="float"),
        pytest.param({"features": "lsa", "n_components": True}, "integer", id="bool"),
    ],
)
def test_invalid_features_are_an_error(matrix, kwargs, message):
    with pytest.raises(ValueError, match=message):
        clusters.cluster_features(matrix, **kwargs)


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_obvious_clusters_on_lsa_features(matrix, method):
    features = clusters.cluster_features(matrix, "lsa", 3, random_state=0)
    assert clusters.cluster_documents(features, 3, method).tolist() == EXPECTED_LABELS


@pytest.mark.parametrize("k", [2, 4, 9])
def test_agglomerative_on_dense_rows_equals_sparse_rows(k):
    rows = random_rows(30, 4)
    np.testing.assert_allclose(
        clusters.ward_linkage(rows.toarray()), clusters.ward_linkage(rows), atol=1e-9
    )
    assert (
        clusters.cluster_documents(rows.toarray(), k, "agglomerative").tolist()
        == clusters.cluster_documents(rows, k, "agglomerative").tolist()
    )


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        pytest.param(3, {}, [3], id="one-k"),
        pytest.param(np.int64(4), {}, [4], id="numpy-int"),
        pytest.param([5, 2, 5, 1], {}, [1, 2, 5], id="list-sorted-unique"),
        pytest.param("auto", {}, [2, 3, 4, 5, 6, 7, 8, 9, 10], id="auto"),
        pytest.param("auto", {"k_min": 3, "k_max": 5}, [3, 4, 5], id="auto-range"),
    ],
)
def test_k_grid(value, kwargs, expected):
    assert clusters.k_grid(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        pytest.param(0, {}, id="zero"),
        pytest.param([3, -1], {}, id="negative-in-list"),
        pytest.param([], {}, id="empty"),
        pytest.param("five", {}, id="word"),
        pytest.param(2.5, {}, id="float"),
        pytest.param(True, {}, id="bool"),
        pytest.param("auto", {"k_min": 6, "k_max": 4}, id="empty-auto"),
    ],
)
def test_invalid_k_grid_is_an_error(value, kwargs):
    with pytest.raises(ValueError, match=r"cluster\.k"):
        clusters.k_grid(value, **kwargs)


@pytest.mark.parametrize("features", ["tfidf", "lsa"])
@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
@pytest.mark.parametrize("planted", [2, 3, 4, 5])
def test_silhouette_finds_the_planted_k(planted, method, features):
    matrix, labels = planted_corpus(planted)
    rows = clusters.cluster_features(matrix, features, 10, random_state=0)
    table = clusters.silhouette_by_k(rows, range(2, 7), method, random_state=0)
    assert list(table.columns) == ["k", "silhouette", "chosen"]
    assert table["k"].tolist() == [2, 3, 4, 5, 6]
    assert table.loc[table["chosen"], "k"].tolist() == [planted]
    assert clusters.choose_k(table) == planted
    # The planted k's score is that of the planted clusters, Euclidean.
    expected = silhouette_score(rows, labels, metric="euclidean")
    assert table.set_index("k").loc[planted, "silhouette"] == pytest.approx(expected)


def test_silhouette_is_nan_outside_two_to_documents_minus_one(matrix):
    table = clusters.silhouette_by_k(matrix, [6, 1, 3])
    assert table["k"].tolist() == [1, 3, 6]
    assert np.isnan(table["silhouette"]).tolist() == [True, False, True]
    assert table["chosen"].tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("ks", "chosen"),
    [
        pytest.param([1], 1, id="one-k-without-silhouette"),
        pytest.param([4], 4, id="one-k"),
        pytest.param([6, 1], 1, id="no-silhouette-smallest"),
    ],
)
def test_silhouette_chooses_even_without_comparison(matrix, ks, chosen):
    table = clusters.silhouette_by_k(matrix, ks)
    assert table.loc[table["chosen"], "k"].tolist() == [chosen]


def test_silhouette_of_a_sample():
    matrix, labels = planted_corpus(3, docs_per_group=10)
    table = clusters.silhouette_by_k(matrix, [3], sample_size=12, random_state=5)
    sampled = silhouette_score(matrix, labels, sample_size=12, random_state=5)
    assert table["silhouette"].tolist() == [pytest.approx(sampled)]
    assert sampled != pytest.approx(silhouette_score(matrix, labels))


def test_silhouette_k_above_documents_is_an_error(matrix):
    with pytest.raises(ValueError, match=r"cluster\.k = 7 must be between 1"):
        clusters.silhouette_by_k(matrix, [2, 7])


def test_silhouette_unknown_method_is_an_error(matrix):
    with pytest.raises(ValueError, match="'dbscan' is not one of kmeans, agglomerative"):
        clusters.silhouette_by_k(matrix, [1], method="dbscan")


@pytest.mark.parametrize(
    ("ks", "scores", "expected"),
    [
        pytest.param([2, 3, 4], [0.5, 0.7, 0.7], 3, id="tie-to-smaller"),
        pytest.param([5, 3], [0.2, 0.2], 3, id="tie-unsorted"),
        pytest.param([2, 3, 4], [np.nan, 0.1, np.nan], 3, id="nan-ignored"),
        pytest.param([4, 2], [-0.1, -0.3], 4, id="negative"),
    ],
)
def test_choose_k(ks, scores, expected):
    assert clusters.choose_k(pd.DataFrame({"k": ks, "silhouette": scores})) == expected


def test_choose_k_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="at least one k"):
        clusters.choose_k(pd.DataFrame({"k": [], "silhouette": []}))


def test_lsa_map_is_the_two_svd_axes(matrix):
    coords = clusters.document_map(matrix, random_state=3, method="lsa")
    expected = TruncatedSVD(2, random_state=3).fit_transform(matrix)
    np.testing.assert_allclose(np.abs(coords), np.abs(expected), atol=1e-12)
    np.testing.assert_array_equal(coords, clusters.document_map(matrix, random_state=3))


@pytest.mark.parametrize("random_state", [0, 42])
def test_tsne_map_is_deterministic_and_keeps_neighbours(random_state):
    matrix, labels = planted_corpus(3)
    coords = clusters.document_map(matrix, random_state, method="tsne")
    assert coords.shape == (18, 2)
    np.testing.assert_array_equal(coords, clusters.document_map(matrix, random_state, "tsne"))
    # Each document's nearest neighbour on the map is from its own vocabulary.
    distances = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    assert [labels[j] for j in distances.argmin(axis=1)] == labels
    for axis in range(2):
        assert coords[np.abs(coords[:, axis]).argmax(), axis] > 0


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(ROWS[:2], id="two-documents"),
        pytest.param(ROWS[:, :2][[0, 2, 3, 5]] + 0.1, id="two-terms"),
        pytest.param(np.array([[1.0], [1.0], [1.0]]), id="one-term"),
    ],
)
def test_tsne_map_of_tiny_corpora_is_the_lsa_map(rows):
    matrix = sp.csr_matrix(rows)
    np.testing.assert_array_equal(
        clusters.document_map(matrix, method="tsne"), clusters.document_map(matrix, method="lsa")
    )


def test_unknown_map_method_is_an_error(matrix):
    with pytest.raises(ValueError, match="'umap' is not one of lsa, tsne"):
        clusters.document_map(matrix, method="umap")


# ------------------------------------------------------------------------------------------
# The feature space chosen by stability (cluster.features: auto)


def stage_settings(candidates: list[str], **settings) -> dict:
    """The cluster settings of ``cluster_with_settings``: features auto among ``candidates``."""
    return {"features": "auto", "auto_features": candidates, "method": "kmeans", **settings}


def test_the_silhouette_is_that_of_the_clusters_kept():
    documents, _ = planted_sections("on", n_per=20)
    matrix, _, _ = tfidf.compute_tfidf(documents, sublinear_tf=True)
    settings = stage_settings(["lsa"], lsa_components=10, stability_runs=3)
    result = clusters.cluster_with_settings(matrix, settings, [2, 3, 4], random_state=1)
    from sklearn.metrics import silhouette_score

    kept = result["silhouette"].set_index("k").loc[result["k"], "silhouette"]
    assert kept == pytest.approx(silhouette_score(result["matrix"], result["labels"]))


def planted_sections(idf: str, n_per: int = 40, seed: int = 0):
    """Three planted sections of documents (token lists) and their labels.

    ``idf="off"``: each section is named by three common words, repeated, which the other
    sections use too (IDF shrinks them), and every document also draws words of one of ten
    rare-word subjects that cut across the sections (IDF lifts them): only without IDF do
    the sections stand out. ``idf="on"``: every document is mostly ten background words in
    random numbers; a section's own words are few and rarer: only IDF lifts them."""
    rng = np.random.default_rng(seed)
    documents, labels = [], []
    for section in range(3):
        for number in range(n_per):
            if idf == "off":
                words = [f"sec{section}_{j}" for j in range(3) for _ in range(rng.integers(6, 10))]
                words += [
                    f"sec{other}_{j}"
                    for other in range(3)
                    if other != section
                    for j in range(3)
                    if rng.random() < 0.7
                ]
                subject = rng.integers(0, 10)
                words += [f"subject{subject}_{rng.integers(0, 8)}" for _ in range(10)]
            else:
                words = [f"bg{j}" for j in range(10) for _ in range(rng.integers(0, 8))]
                words += [f"sec{section}_{rng.integers(0, 30)}" for _ in range(6)]
            documents.append((f"d{section}_{number}", words))
            labels.append(section)
    return documents, np.array(labels)


@pytest.mark.parametrize(("idf", "expected"), [("off", "lsa_no_idf"), ("on", "lsa")])
@pytest.mark.parametrize("seed", [0, 1])
def test_stability_chooses_the_weighting_that_finds_the_planted_sections(idf, expected, seed):
    from sklearn.metrics import normalized_mutual_info_score

    documents, labels = planted_sections(idf, seed=seed)
    matrix, _, _ = tfidf.compute_tfidf(documents, sublinear_tf=True, use_idf=True)
    settings = stage_settings(
        ["lsa", "lsa_no_idf"],
        lsa_components=20,
        stability_runs=5,
        stability_tolerance=schema_defaults()["cluster"]["stability_tolerance"],
    )
    result = clusters.cluster_with_settings(matrix, settings, [3], random_state=42)
    assert result["features"] == expected
    assert normalized_mutual_info_score(labels, result["labels"]) > 0.95
    # The other space's clusters miss the sections, and are less stable.
    table = result["stability"].set_index("features")
    other = "lsa" if expected == "lsa_no_idf" else "lsa_no_idf"
    assert table.loc[expected, "stability"] > table.loc[other, "stability"] + 0.3
    forced = clusters.cluster_with_settings(
        matrix, {**settings, "features": other}, [3], random_state=42
    )
    assert normalized_mutual_info_score(labels, forced["labels"]) < 0.6


def noisy_partitions(rng: np.random.Generator, rate: float, runs: int = 5) -> list[np.ndarray]:
    """``runs`` partitions of 300 items: three planted groups, a share ``rate`` of each run's
    items moved to a random group (the more moved, the less alike the runs)."""
    planted = np.repeat([1, 2, 3], 100)
    partitions = []
    for _ in range(runs):
        labels = planted.copy()
        moved = rng.random(len(labels)) < rate
        labels[moved] = rng.integers(1, 4, moved.sum())
        partitions.append(labels)
    return partitions


def test_a_choice_within_the_seeds_noise_is_flagged():
    rng = np.random.default_rng(0)
    first, close, clear = (noisy_partitions(rng, rate) for rate in (0.30, 0.28, 0.05))
    table = clusters.feature_stability_table({("first", 3): first, ("close", 3): close})
    rows = table.set_index("features")
    # "close" is the more stable and chosen, by less than two standard errors.
    assert clusters.chosen_features(table) == "close"
    difference = rows.loc["close", "mean_stability"] - rows.loc["first", "mean_stability"]
    errors = np.hypot(rows.loc["close", "stability_se"], rows.loc["first", "stability_se"])
    assert 0 < difference <= clusters.NOISE_STANDARD_ERRORS * errors
    assert clusters.features_within_noise(table) == ["first"]
    assert not rows.loc["close", "within_noise"]
    # Two spaces with the same clusters are as stable, but the choice changes nothing.
    same = clusters.feature_stability_table({("first", 3): first, ("copy", 3): list(first)})
    assert same.set_index("features").loc["copy", "agreement_with_chosen"] == 1
    assert clusters.features_within_noise(same) == []
    # A far more stable space is a clear choice: nothing within noise.
    table = clusters.feature_stability_table({("first", 3): first, ("clear", 3): clear})
    assert clusters.chosen_features(table) == "clear"
    assert clusters.features_within_noise(table) == []


def test_the_first_candidate_is_kept_within_the_stability_tolerance():
    rng = np.random.default_rng(0)
    first, close, clear = (noisy_partitions(rng, rate) for rate in (0.30, 0.28, 0.05))
    candidates = {("first", 3): first, ("close", 3): close, ("clear", 3): clear}
    plain = clusters.feature_stability_table(candidates)
    means = plain.set_index("features")["mean_stability"].round(3)
    assert clusters.chosen_features(plain) == "clear"
    gap = means["clear"] - means["first"]
    assert gap > 0.1
    # Within the tolerance the first is kept. At its edge the more stable one is within the
    # seeds' noise (other seeds could choose it), well inside it no other candidate is.
    kept = clusters.feature_stability_table(candidates, "first", tolerance=round(gap, 3))
    assert clusters.chosen_features(kept) == "first"
    assert kept.set_index("features").loc["first", "chosen"]
    assert clusters.features_within_noise(kept) == ["clear"]
    assert clusters.kept_within_tolerance(kept) == ("clear", pytest.approx(round(gap, 3)))
    assert clusters.kept_within_tolerance(plain) is None
    inside = clusters.feature_stability_table(candidates, "first", tolerance=gap + 0.1)
    assert clusters.chosen_features(inside) == "first"
    assert clusters.features_within_noise(inside) == []
    # Just beyond it, the most stable, with the first within noise; no tolerance, or one
    # for a name that is not a candidate, is the plain rule.
    beyond = clusters.feature_stability_table(candidates, "first", round(gap, 3) - 0.001)
    assert clusters.chosen_features(beyond) == "clear"
    assert clusters.features_within_noise(beyond) == ["first"]
    for preferred, tolerance in (("close", 0.0), ("dmm", 1)):
        table = clusters.feature_stability_table(candidates, preferred, tolerance)
        pd.testing.assert_frame_equal(table, plain)
    # The preferred candidate's tolerance counts from the most stable, not the runner-up.
    table = clusters.feature_stability_table(
        candidates, "close", tolerance=round(means["clear"] - means["close"], 3)
    )
    assert clusters.chosen_features(table) == "close"


def test_the_stage_gives_the_tolerance_to_the_first_candidate_of_auto(monkeypatch):
    seen = []
    table = clusters.feature_stability_table

    def recording(partitions, preferred=None, tolerance=0.0):
        seen.append((preferred, tolerance))
        return table(partitions, preferred, tolerance)

    monkeypatch.setattr(clusters, "feature_stability_table", recording)
    documents, _ = planted_sections("on", n_per=10)
    matrix, _, _ = tfidf.compute_tfidf(documents, sublinear_tf=True, use_idf=True)
    base = {"lsa_components": 5, "stability_runs": 2, "stability_tolerance": 0.02}
    clusters.cluster_with_settings(matrix, stage_settings(["lsa_no_idf", "lsa"], **base), [3])
    fixed = {**base, "features": "lsa", "auto_features": ["lsa_no_idf", "lsa"]}
    clusters.cluster_with_settings(matrix, {**fixed, "method": "kmeans"}, [3])
    assert seen == [("lsa_no_idf", 0.02), (None, 0.02)]


def test_the_standard_error_pools_the_pairs_of_every_k_and_one_run_has_none():
    rng = np.random.default_rng(2)
    at_2, at_3, single = (
        noisy_partitions(rng, 0.1),
        noisy_partitions(rng, 0.3),
        noisy_partitions(rng, 0.1, runs=1),
    )
    table = clusters.feature_stability_table(
        {("lsa", 2): at_2, ("lsa", 3): at_3, ("topics", 2): single, ("topics", 3): single}
    )
    pairs = np.concatenate(
        [clusters._pair_agreements(clusters._agreement_matrix(runs)) for runs in (at_2, at_3)]
    )
    lsa = table[table["features"] == "lsa"]
    assert len(pairs) == 20
    assert lsa["mean_stability"].iloc[0] == pytest.approx(pairs.mean())
    assert lsa["stability_se"].iloc[0] == pytest.approx(pairs.std() / np.sqrt(20))
    # One run: no pair, no stability, never chosen and never within noise.
    topics = table[table["features"] == "topics"]
    assert topics["stability_se"].isna().all() and not topics["within_noise"].any()
    assert clusters.chosen_features(table) == "lsa"


def test_without_idf_is_what_tfidf_without_idf_gives():
    documents, _ = planted_sections("off", n_per=10)
    with_idf, _, terms = tfidf.compute_tfidf(documents, sublinear_tf=True, use_idf=True, min_df=2)
    plain, _, plain_terms = tfidf.compute_tfidf(
        documents, sublinear_tf=True, use_idf=False, min_df=2
    )
    assert terms == plain_terms
    np.testing.assert_allclose(
        clusters.without_idf(with_idf).toarray(), plain.toarray(), atol=1e-12
    )
    # A matrix without IDF already is returned as it is.
    np.testing.assert_array_equal(
        clusters.without_idf(plain, use_idf=False).toarray(), plain.toarray()
    )


def test_topic_features_give_hellinger_distances():
    rng = np.random.default_rng(3)
    theta = rng.dirichlet(np.ones(5), size=4)
    features = clusters.topic_features(theta)
    np.testing.assert_allclose(np.linalg.norm(features, axis=1), 1.0)
    hellinger = np.sqrt(0.5 * ((np.sqrt(theta[0]) - np.sqrt(theta[1])) ** 2).sum())
    assert np.linalg.norm(features[0] - features[1]) == pytest.approx(np.sqrt(2) * hellinger)
    with pytest.raises(ValueError, match="shares"):
        clusters.topic_features(-theta)


def test_medoid_partition_is_the_one_most_like_the_others():
    a = np.array([0, 0, 1, 1, 2, 2])
    b = np.array([1, 1, 0, 0, 2, 2])  # a relabelled: the same partition
    c = np.array([0, 1, 0, 1, 0, 1])
    assert clusters.medoid_partition([c, a, b]) is a
    assert clusters.partition_agreement([a, b]) == (1.0, 0.0)
    assert np.isnan(clusters.partition_agreement([a])[0])


def test_topic_features_recover_planted_mixtures_and_take_one_run_per_model():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 30)
    # Six topics; each group of documents mixes its own two.
    thetas = []
    for _ in range(3):
        theta = rng.dirichlet(np.full(6, 0.1), size=90) * 0.2
        for i, label in enumerate(labels):
            theta[i, 2 * label : 2 * label + 2] += 0.4
        thetas.append(theta / theta.sum(axis=1, keepdims=True))
    matrix = sp.random(90, 50, density=0.2, random_state=1, format="csr")
    settings = stage_settings(["topics", "lsa"], lsa_components=10, stability_runs=3)
    result = clusters.cluster_with_settings(matrix, settings, [3], 42, thetas=thetas)
    table = result["stability"].set_index("features")
    assert table.loc["topics", "runs"] == 3
    assert result["features"] == "topics"  # the random TF-IDF rows are not stable
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(labels, result["labels"]) == 1.0
    with pytest.raises(ValueError, match="document topics"):
        clusters.cluster_with_settings(matrix, settings, [3], 42)


@pytest.mark.parametrize("features", ["lsa", "lsa_no_idf", "tfidf"])
def test_new_rows_land_where_the_training_rows_are(features):
    """The LSA axes that come with the features place the training rows (as new ones,
    through ``normalize(x @ projection.T)``) next to their own features, and nearest
    centroid gives each training row its k-means cluster."""
    rng = np.random.default_rng(3)
    blocks = [rng.poisson(3.0, size=(30, 20)) * (rng.random((30, 20)) < 0.5) for _ in range(3)]
    counts = sp.block_diag(blocks).tocsr().astype(float)
    matrix = tfidf.compute_tfidf(
        ((str(i), [f"w{j}" for j in row.indices for _ in range(int(row[0, j]))])
         for i, row in enumerate(counts)),
    )[0]  # fmt: skip
    space, projection = clusters.cluster_features(
        matrix, features, n_components=5, random_state=0, return_projection=True
    )
    labels = clusters.cluster_documents(space, 3, random_state=0)
    ids, centroids = clusters.cluster_centroids(space, labels)
    if features == "tfidf":
        assert projection is None
        again = matrix
    else:
        rows = clusters.without_idf(matrix) if features == "lsa_no_idf" else matrix
        again = Normalizer().fit_transform(np.asarray(rows @ projection.T))
        np.testing.assert_allclose(again, space, atol=1e-6)
    nearest, similarity = clusters.nearest_clusters(again, centroids)
    assert (np.asarray(ids)[nearest] == labels).all()
    # The similarity is the cosine of each row with its centroid.
    dense = again.toarray() if sp.issparse(again) else again
    expected = [
        dense[i] @ centroids[n] / np.linalg.norm(dense[i]) / np.linalg.norm(centroids[n])
        for i, n in enumerate(nearest)
    ]
    np.testing.assert_allclose(similarity, expected)


def test_nearest_clusters_is_the_euclidean_nearest():
    rng = np.random.default_rng(0)
    rows, centroids = rng.normal(size=(50, 4)), rng.normal(size=(6, 4))
    nearest, _ = clusters.nearest_clusters(rows, centroids)
    distances = ((rows[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assert nearest.tolist() == distances.argmin(axis=1).tolist()


# ------------------------------------------------------------------------------------------
# The partition refined on word counts (cluster.refine_iterations)


def planted_mixture(n_per: int = 60, seed: int = 0, n_words: int = 40):
    """Word counts of documents drawn from three planted word distributions (a mixture of
    multinomials: each distribution puts most of its mass on its own third of the words),
    and the planted cluster of each document (1-based)."""
    rng = np.random.default_rng(seed)
    distributions = np.full((3, n_words), 0.2)
    for cluster in range(3):
        distributions[cluster, cluster * n_words // 3 : (cluster + 1) * n_words // 3] = 1.0
    distributions /= distributions.sum(axis=1, keepdims=True)
    truth = np.repeat([1, 2, 3], n_per)
    counts = np.array([rng.multinomial(30, distributions[c - 1]) for c in truth])
    return sp.csr_matrix(counts.astype(np.float64)), truth


def test_refinement_recovers_a_planted_partition_from_a_noisy_one():
    from sklearn.metrics import adjusted_rand_score

    counts, truth = planted_mixture()
    rng = np.random.default_rng(1)
    noisy = truth.copy()
    flipped = rng.choice(len(truth), size=len(truth) // 4, replace=False)
    noisy[flipped] = rng.integers(1, 4, size=len(flipped))
    assert adjusted_rand_score(truth, noisy) < 0.7
    refined = clusters.refine_partition(counts, noisy, iterations=1)
    assert adjusted_rand_score(truth, refined) > 0.95
    # Its numbering is the partition's: cluster c stays c.
    assert (refined == truth).mean() > 0.98


def test_one_iteration_is_multinomial_naive_bayes_trained_on_the_partition():
    """From a partition, one EM iteration is scikit-learn's MultinomialNB fitted on it (the
    same smoothing; class shares with one document added to each) and predicting."""
    from sklearn.naive_bayes import MultinomialNB

    counts, truth = planted_mixture(n_per=30, seed=3)
    rng = np.random.default_rng(4)
    start = np.where(rng.random(len(truth)) < 0.3, rng.integers(1, 4, len(truth)), truth)
    shares = (np.bincount(start)[1:] + 1) / (len(start) + 3)
    bayes = MultinomialNB(alpha=clusters.REFINE_SMOOTHING, class_prior=shares)
    expected = bayes.fit(counts, start).predict(counts)
    np.testing.assert_array_equal(clusters.refine_partition(counts, start, 1), expected)


@pytest.mark.parametrize("iterations", [1, 3])
def test_refinement_in_blocks_equals_the_whole_matrix(iterations):
    counts, truth = planted_mixture(n_per=20, seed=2)
    start = np.roll(truth, 7)
    whole = clusters.refine_partition(counts, start, iterations)

    def blocks():
        return (counts[i : i + 13] for i in range(0, counts.shape[0], 13))

    np.testing.assert_array_equal(clusters.refine_partition(blocks, start, iterations), whole)


def test_refinement_that_would_empty_a_cluster_keeps_the_partition():
    # Cluster 3 is one document whose words are cluster 1's: it would be emptied.
    counts, truth = planted_mixture(n_per=20, seed=5)
    start = np.where(truth == 3, 1, truth)
    start[0] = 3
    np.testing.assert_array_equal(clusters.refine_partition(counts, start, 1), start)


def test_zero_iterations_and_invalid_arguments():
    counts, truth = planted_mixture(n_per=5)
    np.testing.assert_array_equal(clusters.refine_partition(counts, truth, 0), truth)
    with pytest.raises(ValueError, match="refine_iterations = -1"):
        clusters.refine_partition(counts, truth, -1)
    with pytest.raises(ValueError, match="smoothing"):
        clusters.refine_partition(counts, truth, 1, smoothing=0)
    with pytest.raises(ValueError, match="14 documents, the partition 15"):
        clusters.refine_partition(counts[:14], truth, 1)


def test_several_partitions_are_refined_each_as_alone_in_one_reading_of_the_counts():
    """refine_partitions gives each partition what refine_partition gives it alone (labels
    and mixture, bit for bit), while it reads the counts' blocks twice per iteration for
    all of them."""
    counts, truth = planted_mixture(n_per=20, seed=6)
    rng = np.random.default_rng(7)
    noisy = np.where(rng.random(len(truth)) < 0.3, rng.integers(1, 4, len(truth)), truth)
    partitions = [noisy, np.roll(truth, 5), truth[::-1].copy()]
    readings = []

    def blocks():
        readings.append(1)
        return (counts[i : i + 17] for i in range(0, counts.shape[0], 17))

    together = clusters.refine_partitions(blocks, partitions, 2)
    assert len(readings) == 4
    for labels, (refined, log_words, log_shares) in zip(partitions, together, strict=True):
        alone = clusters.refine_partition(blocks, labels, 2, return_model=True)
        np.testing.assert_array_equal(refined, alone[0])
        if alone[1] is None:
            assert log_words is None and log_shares is None
        else:
            np.testing.assert_array_equal(log_words, alone[1])
            np.testing.assert_array_equal(log_shares, alone[2])
    # A partition the refinement would empty comes back as it was, without a mixture,
    # beside one that is refined: a fourth cluster of one document without words, which
    # every cluster fits alike and the largest takes.
    counts, truth = planted_mixture(n_per=20, seed=5)
    counts = sp.vstack([counts, sp.csr_matrix((1, counts.shape[1]))]).tocsr()
    with_empty = np.append(truth, 4)
    other = np.append(np.roll(truth, 3), 1)
    (kept, *no_mixture), (refined, *mixture) = clusters.refine_partitions(
        counts, [with_empty, other], 1
    )
    np.testing.assert_array_equal(kept, with_empty)
    assert no_mixture == [None, None] and mixture[0] is not None
    np.testing.assert_array_equal(refined, clusters.refine_partition(counts, other, 1))
    with pytest.raises(ValueError, match="differ in length"):
        clusters.refine_partitions(counts, [truth, truth[:-1]], 1)


def test_the_stage_gives_every_other_candidates_clusters_made_as_the_chosen_are():
    """Beside the chosen clusters, cluster_with_settings returns each other kept candidate's
    partition at the chosen k: its medoid run, refined on the counts as the chosen one is,
    numbered by first document."""
    documents, _ = planted_sections("on", n_per=20)
    matrix, _, terms = tfidf.compute_tfidf(documents, sublinear_tf=True)
    counts = tfidf.term_counts([words for _, words in documents], terms)
    settings = stage_settings(
        ["lsa", "lsa_no_idf", "tfidf"], lsa_components=10, stability_runs=3, refine_iterations=1
    )
    result = clusters.cluster_with_settings(matrix, settings, [2, 3], 42, counts=counts)
    choice = clusters.feature_choice(matrix, settings, [2, 3], 42, counts=counts)
    others = {"lsa", "lsa_no_idf", "tfidf"} - {result["features"]}
    assert set(result["alternatives"]) == others
    for name in others:
        medoid = clusters.medoid_partition(choice["partitions"][name, result["k"]])
        refined = clusters.refine_partition(counts, medoid, 1)
        _, first = np.unique(refined, return_index=True)
        renumbered = np.argsort(np.argsort(first))[np.unique(refined, return_inverse=True)[1]]
        np.testing.assert_array_equal(result["alternatives"][name], renumbered + 1)
    # Without counts, the alternatives are the medoid runs themselves.
    plain = clusters.cluster_with_settings(matrix, settings, [2, 3], 42)
    for name in set(plain["alternatives"]):
        medoid = clusters.medoid_partition(choice["partitions"][name, plain["k"]])
        np.testing.assert_array_equal(plain["alternatives"][name], medoid)
    one = clusters.cluster_with_settings(
        matrix,
        stage_settings(
            ["lsa"], **{k: v for k, v in settings.items() if k not in ("features", "auto_features")}
        ),
        [3],
        42,
    )
    assert one["alternatives"] == {}


def test_the_agreement_table_counts_the_documents_another_space_groups_otherwise():
    """The planted truth: a candidate whose clusters are the chosen ones renumbered agrees
    fully (nothing regrouped); one that moves m documents to another cluster regroups m;
    one that merges most of two clusters regroups what the best one-to-one matching
    cannot keep."""
    chosen = np.repeat([1, 2, 3], [10, 10, 20])
    renumbered = np.array([3, 1, 2])[chosen - 1]
    moved = chosen.copy()
    moved[[0, 11, 25]] = [2, 3, 1]
    merged = np.where(chosen == 2, 1, chosen)
    merged[:5] = 2
    stability = pd.DataFrame(
        {
            "features": ["a", "a", "b", "c", "d"],
            "k": [3, 4, 3, 3, 3],
            "mean_stability": [0.9, 0.9, 0.8, 0.7, 0.6],
            "chosen": [True, True, False, False, False],
            "within_noise": [False, False, True, False, False],
        }
    )
    table = clusters.feature_agreement_table(
        chosen, {"b": renumbered, "c": moved, "d": merged}, stability
    ).set_index("features")
    assert list(table.index) == ["a", "b", "c", "d"]
    assert table.loc["a", "chosen"] and not table.loc["b", "chosen"]
    assert table.loc["b", "within_noise"] and not table.loc["c", "within_noise"]
    assert table.loc["a", "documents_regrouped"] == 0
    assert table.loc["b", "documents_regrouped"] == 0
    assert table.loc["b", "ari_with_chosen"] == pytest.approx(1.0)
    assert table.loc["c", "documents_regrouped"] == 3
    assert table.loc["c", "share_regrouped"] == pytest.approx(3 / 40)
    # d's cluster 2 holds 5 of chosen 1's documents, its cluster 1 the other 5 and all of
    # chosen 2: the best one-to-one matching keeps 5 + 10 + 20.
    assert table.loc["d", "documents_regrouped"] == 40 - (5 + 10 + 20)
    assert table.loc["d", "clusters"] == 3
    assert 0 < table.loc["d", "ari_with_chosen"] < 1 and table.loc["c", "ari_with_chosen"] < 1
    assert 0 < table.loc["d", "nmi_with_chosen"] < 1
    with pytest.raises(ValueError, match="no partition of the candidate d"):
        clusters.feature_agreement_table(chosen, {"b": renumbered, "c": moved}, stability)


@pytest.mark.parametrize("iterations", [0, 1])
def test_the_stage_refines_its_partition_on_the_counts(iterations):
    """cluster_with_settings refines the medoid partition by refine_iterations, says how
    many documents moved, and refines nothing without counts."""
    documents, _ = planted_sections("on", n_per=20)
    matrix, _, terms = tfidf.compute_tfidf(documents, sublinear_tf=True)
    counts = tfidf.term_counts([words for _, words in documents], terms)
    settings = stage_settings(["lsa"], lsa_components=10, stability_runs=3)
    settings["refine_iterations"] = iterations
    plain = clusters.cluster_with_settings(matrix, settings, [3], 42)
    refined = clusters.cluster_with_settings(matrix, settings, [3], 42, counts=counts)
    assert plain["refined"] == 0
    expected = clusters.refine_partition(counts, plain["labels"], iterations)
    np.testing.assert_array_equal(refined["labels"], expected)
    assert refined["refined"] == int((expected != plain["labels"]).sum())


def test_the_returned_mixture_assigns_each_document_its_refined_cluster():
    """A new document is given its cluster by the mixture refine_partition returns: the
    training documents, given again, get their refined clusters back (the model bundle's
    promise), though the refinement moved some of them."""
    counts, truth = planted_mixture(seed=6)
    rng = np.random.default_rng(7)
    start = np.where(rng.random(len(truth)) < 0.2, rng.integers(1, 4, len(truth)), truth)
    for iterations in (1, 3):
        refined, log_words, log_shares = clusters.refine_partition(
            counts, start, iterations, return_model=True
        )
        assert (refined != start).sum() > 10
        assert log_words.shape == (3, counts.shape[1])
        np.testing.assert_allclose(np.exp(log_words).sum(axis=1), 1)
        np.testing.assert_array_equal(
            clusters.mixture_clusters(counts, log_words, log_shares) + 1, refined
        )
    # No refinement, no mixture.
    assert clusters.refine_partition(counts, start, 0, return_model=True)[1:] == (None, None)


@pytest.mark.parametrize("sparse", [True, False])
def test_centroid_similarity_is_the_cosine_with_the_given_centroid(sparse):
    rng = np.random.default_rng(0)
    rows = rng.random((12, 5))
    rows[3] = 0  # a row of zero length
    centroids = rng.random((3, 5))
    positions = rng.integers(0, 3, 12)
    features = sp.csr_matrix(rows) if sparse else rows
    similarity = clusters.centroid_similarity(features, centroids, positions)
    for row, position, value in zip(rows, positions, similarity, strict=True):
        norm = np.linalg.norm(row) * np.linalg.norm(centroids[position])
        assert value == pytest.approx(row @ centroids[position] / norm if norm else 0.0)
    nearest, nearest_similarity = clusters.nearest_clusters(features, centroids)
    np.testing.assert_allclose(
        clusters.centroid_similarity(features, centroids, nearest), nearest_similarity
    )


def test_refined_clusters_are_numbered_by_first_document_and_the_mixture_follows(monkeypatch):
    """When the refinement gives the first document another cluster, the stage numbers its
    clusters by first document again, and the mixture's rows are renumbered with them, so
    that a new document gets the number the stage gave. The refinement here swaps clusters
    1 and 2 (and its mixture's rows), as a move of the first document would."""
    counts, _ = planted_mixture(n_per=20, seed=8)
    matrix = sp.csr_matrix(counts.toarray() / np.linalg.norm(counts.toarray(), axis=1)[:, None])
    original = clusters.refine_partitions

    def swapping(counts, partitions, iterations=1, **kwargs):
        (refined, log_words, log_shares), *others = original(
            counts, partitions, iterations, **kwargs
        )
        swap = np.array([2, 1, 3])
        return [(swap[refined - 1], log_words[[1, 0, 2]], log_shares[[1, 0, 2]]), *others]

    monkeypatch.setattr(clusters, "refine_partitions", swapping)
    settings = stage_settings(["tfidf"], stability_runs=2, lsa_components=10)
    settings["refine_iterations"] = 1
    result = clusters.cluster_with_settings(matrix, settings, [3], 42, counts=counts)
    labels = result["labels"]
    _, first = np.unique(labels, return_index=True)
    assert list(np.argsort(first, kind="stable")) == [0, 1, 2]
    assert labels[0] == 1
    log_words, log_shares = result["mixture"]
    np.testing.assert_array_equal(
        clusters.mixture_clusters(counts, log_words, log_shares) + 1, labels
    )


def test_auto_finds_the_planted_number_of_clusters_at_2000_documents():
    """``cluster.k: auto`` with every other shipped setting (stage 3's TF-IDF, the space
    chosen by stability, the silhouette over ``k_range``, the refinement on word counts)
    finds the 6 planted sections of 2,000 documents (tests/planted_corpora.py)."""
    from planted_corpora import planted_sections

    from arabic_news_topics.config import schema_defaults

    defaults = schema_defaults()
    documents, sections = planted_sections(6, n_documents=2000)
    options = ("min_df", "max_df", "max_features", "sublinear_tf", "use_idf")
    settings = {key: defaults["tfidf"][key] for key in options}
    ngrams = tuple(defaults["tfidf"]["ngram_range"])
    matrix, _, terms = tfidf.compute_tfidf(documents, ngram_range=ngrams, **settings)
    counts = tfidf.term_counts((tokens for _, tokens in documents), terms, ngrams)
    cluster = defaults["cluster"]
    ks = clusters.k_grid("auto", cluster["k_range"]["min"], cluster["k_range"]["max"])
    result = clusters.cluster_with_settings(
        matrix, cluster, ks, use_idf=settings["use_idf"], counts=counts
    )
    assert result["k"] == 6
    assert min(ks) < 6 < max(ks)
    assert normalized_mutual_info_score(sections, result["labels"]) > 0.9


# ------------------------------------------------------------------------------------------
# The one-topic-per-document DMM as a candidate (cluster.features: dmm)


def planted_counts(idf: str = "on", n_per: int = 40, seed: int = 0):
    """The TF-IDF matrix, word counts and labels of :func:`planted_sections`."""
    documents, labels = planted_sections(idf, n_per=n_per, seed=seed)
    matrix, _, terms = tfidf.compute_tfidf(documents, sublinear_tf=True)
    counts = tfidf.term_counts([words for _, words in documents], terms, (1, 1))
    return matrix, counts, labels


@pytest.mark.parametrize("seed", [0, 1])
def test_dmm_partition_recovers_planted_one_topic_documents(seed):
    _, counts, labels = planted_counts("on", seed=seed)
    partition = clusters.dmm_partition(counts, 3, random_state=seed, iterations=10)
    assert normalized_mutual_info_score(labels, partition) == pytest.approx(1.0)
    # Numbered by first document from 1, as k-means partitions are; the same for a seed.
    assert partition[0] == 1
    assert list(dict.fromkeys(partition)) == [1, 2, 3]
    np.testing.assert_array_equal(
        partition, clusters.dmm_partition(counts, 3, random_state=seed, iterations=10)
    )


def test_dmm_candidate_needs_the_word_counts():
    matrix, _, _ = planted_counts()
    with pytest.raises(ValueError, match="dmm needs the documents' word counts"):
        clusters.candidate_runs(matrix, ["dmm"])


def test_dmm_counts_must_be_the_matrix_rows():
    matrix, counts, _ = planted_counts()
    with pytest.raises(ValueError, match="word counts have 119 documents, the TF-IDF matrix 120"):
        clusters.candidate_runs(matrix, ["dmm"], counts=counts[:-1])


def test_dmm_chosen_by_hand_is_shown_in_the_lsa_space():
    matrix, counts, labels = planted_counts("on")
    settings = {
        "features": "dmm",
        "auto_features": ["lsa"],
        "method": "kmeans",
        "lsa_components": 10,
        "stability_runs": 3,
        "refine_iterations": 1,
    }
    result = clusters.cluster_with_settings(
        matrix, settings, [3], random_state=42, counts=counts, dmm_iterations=10
    )
    assert result["features"] == "dmm"
    assert normalized_mutual_info_score(labels, result["labels"]) == pytest.approx(1.0)
    lsa, projection = clusters.cluster_features(matrix, "lsa", 10, 42, return_projection=True)
    np.testing.assert_array_equal(result["matrix"], lsa)
    np.testing.assert_array_equal(result["projection"], projection)
    assert result["silhouette"]["silhouette"].notna().all()
    assert set(result["stability"]["features"]) == {"dmm"}
    assert result["left_out"] == {}


def test_auto_takes_the_dmm_where_its_runs_agree_more(monkeypatch):
    # LSA without IDF cannot find the "idf on" sections (its runs disagree); a DMM whose
    # runs all give the planted sections is the more stable candidate and is chosen.
    matrix, counts, labels = planted_counts("on")
    planted = clusters._relabel_by_first_appearance(labels) + 1
    monkeypatch.setattr(clusters, "dmm_partition", lambda *args, **kwargs: planted)
    settings = stage_settings(
        ["lsa_no_idf", "dmm"],
        lsa_components=10,
        stability_runs=4,
        dmm_max_tokens=int(counts.sum()),  # at the limit: a candidate
    )
    result = clusters.cluster_with_settings(matrix, settings, [3], random_state=42, counts=counts)
    table = result["stability"].set_index("features")
    assert table.loc["dmm", "stability"] == 1.0
    assert table.loc["lsa_no_idf", "stability"] < 0.9
    assert result["features"] == "dmm"
    np.testing.assert_array_equal(result["labels"], planted)
    # Shown in the lsa space, which was not a candidate.
    np.testing.assert_array_equal(
        result["matrix"], clusters.cluster_features(matrix, "lsa", 10, 42)
    )
    assert result["projection"] is not None


def test_a_dmm_chosen_by_hand_has_no_token_limit_and_reads_the_counts_once(monkeypatch):
    matrix, counts, labels = planted_counts("on")
    monkeypatch.setattr(clusters, "dmm_partition", lambda *args, **kwargs: labels + 1)
    read = []

    def blocks():
        for start in range(0, counts.shape[0], 30):
            read.append(start)
            yield counts[start : start + 30]

    settings = {
        **stage_settings(["lsa"], lsa_components=10, stability_runs=2, refine_iterations=1),
        "features": "dmm",
        "dmm_max_tokens": 1,
    }
    result = clusters.cluster_with_settings(matrix, settings, [3], counts=blocks)
    assert result["features"] == "dmm" and result["left_out"] == {}
    assert read == list(range(0, counts.shape[0], 30))


def test_auto_leaves_the_dmm_out_of_corpora_above_its_limit(monkeypatch):
    matrix, counts, _ = planted_counts("on")

    def fail(*args, **kwargs):
        raise AssertionError("the DMM was fitted")

    monkeypatch.setattr(clusters, "dmm_partition", fail)
    settings = stage_settings(["lsa", "dmm"], lsa_components=10, stability_runs=3)
    limit = int(counts.sum()) - 1
    result = clusters.cluster_with_settings(
        matrix, {**settings, "dmm_max_tokens": limit}, [3], counts=counts
    )
    assert result["left_out"] == {
        "dmm": f"more than cluster.dmm_max_tokens = {limit:,} word tokens"
    }
    assert set(result["stability"]["features"]) == {"lsa"}
    assert result["dmm_tokens"] == int(counts.sum())  # a matrix is read whole


def test_counting_the_tokens_stops_at_the_dmm_limit(monkeypatch):
    # A corpus above the limit is not read whole to find that out: the blocks stop at the
    # first one past it, and the refinement reads them again later.
    matrix, counts, _ = planted_counts("on")
    monkeypatch.setattr(clusters, "dmm_partition", lambda *args, **kwargs: 1 / 0)
    read = []

    def blocks():
        for start in range(0, counts.shape[0], 30):
            read.append(start)
            yield counts[start : start + 30]

    first = int(counts[:30].sum())
    settings = stage_settings(
        ["lsa", "dmm"], lsa_components=10, stability_runs=3, refine_iterations=1
    )
    result = clusters.cluster_with_settings(
        matrix, {**settings, "dmm_max_tokens": first - 1}, [3], counts=blocks
    )
    assert "dmm" in result["left_out"]
    assert result["dmm_tokens"] == first  # counted up to the first block past the limit
    n_blocks = len(range(0, counts.shape[0], 30))
    # One block to find the corpus too large, then the refinement's whole passes.
    assert read[:2] == [0, 0]
    assert len(read) > 1 and (len(read) - 1) % n_blocks == 0
    whole, tokens = clusters.counts_up_to(blocks, 0)
    assert tokens == int(counts.sum()) and (whole != counts).nnz == 0


@pytest.mark.parametrize("limit", ["at", 0])
def test_auto_leaves_out_a_dmm_that_empties_clusters(monkeypatch, limit):
    # At and under the limit (0: none) the DMM runs; one that fills 2 of 3 clusters is not
    # a candidate at k = 3.
    matrix, counts, labels = planted_counts("on")
    two = np.where(labels == 2, 1, labels) + 1
    monkeypatch.setattr(clusters, "dmm_partition", lambda *args, **kwargs: two)
    settings = stage_settings(
        ["lsa", "dmm"],
        lsa_components=10,
        stability_runs=3,
        dmm_max_tokens=int(counts.sum()) if limit == "at" else limit,
    )
    result = clusters.cluster_with_settings(matrix, settings, [3], counts=counts)
    assert result["left_out"] == {"dmm": "a run left clusters empty at k = 3"}
    assert set(result["stability"]["features"]) == {"lsa"}
    assert result["features"] == "lsa"


def test_the_word_counts_are_read_once_for_the_dmm_and_the_refinement():
    matrix, counts, labels = planted_counts("on")
    reads = []

    def blocks():
        reads.append(1)
        yield counts[:50]
        yield counts[50:]

    settings = stage_settings(
        ["lsa", "dmm"], lsa_components=10, stability_runs=2, refine_iterations=1
    )
    result = clusters.cluster_with_settings(matrix, settings, [3], counts=blocks, dmm_iterations=5)
    assert len(reads) == 1
    assert normalized_mutual_info_score(labels, result["labels"]) == pytest.approx(1.0)


def test_the_dmm_candidates_default_sweeps_are_the_schemas():
    """The library's default (:data:`clusters.DMM_ITERATIONS`, every function's) is the
    shipped ``cluster.dmm_iterations``, so a script that calls the stage without the config
    clusters as the workflow does."""
    from arabic_news_topics.config import schema_defaults

    assert schema_defaults()["cluster"]["dmm_iterations"] == clusters.DMM_ITERATIONS


@pytest.mark.parametrize(
    ("features", "auto_features", "limit", "expected"),
    [
        ("auto", ["lsa", "dmm"], 5, 5),
        ("auto", ["lsa", "dmm"], 0, 0),
        ("dmm", ["lsa"], 5, 0),  # chosen by hand: no limit
        ("lsa", ["lsa", "dmm"], 5, 0),
    ],
)
def test_the_dmm_token_limit_holds_only_under_auto(features, auto_features, limit, expected):
    settings = {"features": features, "auto_features": auto_features, "dmm_max_tokens": limit}
    assert clusters.dmm_token_limit(settings) == expected


def test_stage_candidates_count_the_tokens_only_when_the_dmm_is_asked_for():
    _, counts, _ = planted_counts("on")
    settings = {"features": "auto", "auto_features": ["lsa"], "dmm_max_tokens": 0}
    names, left_out, read, n_tokens = clusters.stage_candidates(settings, counts)
    assert (names, left_out, n_tokens) == (["lsa"], {}, None) and read is counts
    settings["auto_features"] = ["dmm", "lsa"]
    names, left_out, read, n_tokens = clusters.stage_candidates(settings, counts)
    assert names == ["dmm", "lsa"] and n_tokens == int(counts.sum())
    settings["dmm_max_tokens"] = n_tokens - 1
    names, left_out, _, _ = clusters.stage_candidates(settings, counts)
    assert names == ["lsa"] and list(left_out) == ["dmm"]
    assert clusters.stage_candidates(settings, None)[2:] == (None, None)


def test_feature_choice_is_the_stages_choice(monkeypatch):
    """The stage and the benchmarks share one choice: its table is the stage's, its
    partitions are the kept candidates' runs, and a DMM that empties a cluster is left out
    of both with the reason."""
    matrix, counts, labels = planted_counts("on")
    settings = stage_settings(["dmm", "lsa", "lsa_no_idf"], lsa_components=10, stability_runs=3)
    choice = clusters.feature_choice(matrix, settings, [3], random_state=4, counts=counts)
    result = clusters.cluster_with_settings(matrix, settings, [3], random_state=4, counts=counts)
    pd.testing.assert_frame_equal(choice["stability"], result["stability"])
    assert sorted(choice["partitions"]) == [("dmm", 3), ("lsa", 3), ("lsa_no_idf", 3)]
    assert all(len(runs) == 3 for runs in choice["partitions"].values())
    assert choice["dmm_tokens"] == int(counts.sum()) and choice["left_out"] == {}
    two = np.where(labels == 2, 1, labels) + 1
    monkeypatch.setattr(clusters, "dmm_partition", lambda *args, **kwargs: two)
    choice = clusters.feature_choice(matrix, settings, [3], random_state=4, counts=counts)
    assert ("dmm", 3) not in choice["partitions"] and "dmm" in choice["left_out"]
    assert "dmm" not in set(choice["stability"]["features"])
