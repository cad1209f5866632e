"""Unit tests of the choice of K, topic stability and the topic map
(arabic_news_topics.topics.selection)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon, pdist, squareform
from sklearn.metrics import normalized_mutual_info_score

from arabic_news_topics.topics import selection as ms

#: Words of three Arabic news themes, in the column order of the hand-built topics below.
TERMS = ["ناتو", "حلف", "اطلسي", "داعش", "ارهاب", "تفجير", "نفط", "اسعار", "تضخم"]

#: Three topics with disjoint words: NATO, terrorism, economy.
DISJOINT = np.array(
    [
        [0.5, 0.3, 0.2, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0.6, 0.3, 0.1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0.4, 0.4, 0.2],
    ]
)

#: log2-based Jensen-Shannon distance of (1, 0) and (0.5, 0.5), by hand: the mixture is
#: (0.75, 0.25); KL((1, 0) || m) = log2(4/3), KL((0.5, 0.5) || m) = 0.5 log2(2/3) + 0.5 log2 2.
JS_ONE_VS_HALF = math.sqrt((math.log2(4 / 3) + 0.5 * math.log2(2 / 3) + 0.5 * math.log2(2)) / 2)


# ---------------------------------------------------------------------------------------
# Topic diversity


@pytest.mark.parametrize(
    ("phi", "top_n", "expected"),
    [
        pytest.param(DISJOINT, 3, 1.0, id="disjoint-tops"),
        pytest.param(np.tile(DISJOINT[0], (3, 1)), 3, 1 / 3, id="identical-topics"),
        pytest.param(np.tile(DISJOINT[1], (4, 1)), 2, 1 / 4, id="identical-four-topics"),
        # Tops {ناتو, حلف} and {حلف, اطلسي}: 3 distinct words among 4.
        pytest.param(
            np.array([[0.6, 0.3, 0.1, 0, 0, 0, 0, 0, 0], [0, 0.5, 0.4, 0.1, 0, 0, 0, 0, 0]]),
            2,
            3 / 4,
            id="one-shared-word",
        ),
        # top_n beyond the vocabulary: every topic's top is the 3 words, 3 distinct among 6.
        pytest.param(np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]), 25, 3 / 6, id="small-vocab"),
        # Equal weights go to the first term: both tops are {ناتو}.
        pytest.param(
            np.array([[0.5, 0.5, 0, 0, 0, 0, 0, 0, 0], [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0]]),
            1,
            1 / 2,
            id="ties-to-first-term",
        ),
    ],
)
def test_topic_diversity(phi, top_n, expected):
    assert ms.topic_diversity(phi, top_n) == pytest.approx(expected)


def test_topic_diversity_rejects_top_n_below_one():
    with pytest.raises(ValueError, match="top_n = 0"):
        ms.topic_diversity(DISJOINT, 0)


# ---------------------------------------------------------------------------------------
# Similarity and distances


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param([[1.0, 0.0]], [[0.5, 0.5]], 1 - JS_ONE_VS_HALF, id="by-hand"),
        pytest.param([[2.0, 0.0]], [[3.0, 3.0]], 1 - JS_ONE_VS_HALF, id="unnormalized-rows"),
        pytest.param([[1.0, 0.0]], [[0.0, 1.0]], 0.0, id="disjoint"),
        pytest.param(DISJOINT[:1], DISJOINT[2:], 0.0, id="disjoint-themes"),
        pytest.param(DISJOINT[1:2], DISJOINT[1:2], 1.0, id="identical"),
    ],
)
def test_topic_similarity_by_hand(a, b, expected):
    similarity = ms.topic_similarity(np.array(a), np.array(b))
    assert similarity.shape == (1, 1)
    assert similarity[0, 0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_topic_similarity_matches_scipy_with_zeros(seed):
    rng = np.random.default_rng(seed)
    a = rng.dirichlet(np.full(12, 0.2), size=4)
    b = rng.dirichlet(np.full(12, 0.2), size=3)
    a[a < 0.05] = 0.0  # exact zeros, where a naive log would give NaN
    b[b < 0.05] = 0.0
    expected = np.array([[1 - jensenshannon(p, q, base=2) for q in b] for p in a])
    similarity = ms.topic_similarity(a, b)
    assert np.isfinite(similarity).all()
    np.testing.assert_allclose(similarity, expected, atol=1e-12)
    assert ((similarity >= 0) & (similarity <= 1)).all()


def test_topic_similarity_rejects_different_vocabularies():
    with pytest.raises(ValueError, match="different vocabularies"):
        ms.topic_similarity(DISJOINT, DISJOINT[:, 1:])


@pytest.mark.parametrize(
    ("phi", "message"),
    [
        pytest.param(DISJOINT[:, :6], "positive total weight", id="empty-topic"),
        pytest.param(np.array([[0.5, 0.6, -0.1]]), "must not be negative", id="negative"),
    ],
)
def test_topic_distances_reject_invalid_topics(phi, message):
    with pytest.raises(ValueError, match=message):
        ms.topic_distances(phi)


@pytest.mark.parametrize("phi", [DISJOINT, np.array([[1.0, 0.0], [0.5, 0.5], [0.2, 0.8]])])
def test_topic_distances(phi):
    distances = ms.topic_distances(phi)
    n = len(phi)
    expected = np.array(
        [[jensenshannon(phi[i], phi[j], base=2) for j in range(n)] for i in range(n)]
    )
    np.testing.assert_allclose(distances, expected, atol=1e-12)
    assert np.array_equal(distances, distances.T)
    assert np.array_equal(np.diag(distances), np.zeros(n))


# ---------------------------------------------------------------------------------------
# Matching and stability


@pytest.mark.parametrize("permutation", [[0, 1, 2], [2, 0, 1], [1, 0, 2], [2, 1, 0]])
def test_match_topics_recovers_a_permutation(permutation):
    other = DISJOINT[permutation]
    matched, similarity = ms.match_topics(DISJOINT, other)
    # Reference topic i is row j of the other run where permutation[j] == i.
    assert matched.tolist() == np.argsort(permutation).tolist()
    assert similarity.tolist() == [1.0, 1.0, 1.0]


def test_match_topics_pairs_perturbed_topics():
    rng = np.random.default_rng(3)
    reference = rng.dirichlet(np.full(40, 0.1), size=5)
    other = 0.9 * reference[[4, 3, 2, 1, 0]] + 0.1 * rng.dirichlet(np.ones(40), size=5)
    matched, similarity = ms.match_topics(reference, other)
    assert matched.tolist() == [4, 3, 2, 1, 0]
    assert (similarity > 0.5).all() and (similarity < 1).all()


def test_match_topics_needs_the_same_k():
    with pytest.raises(ValueError, match="cannot match 3 topics with 2"):
        ms.match_topics(DISJOINT, DISJOINT[:2])


TOP_WORDS = ["ناتو حلف اطلسي", "داعش ارهاب تفجير", "نفط اسعار تضخم"]


def test_stability_of_a_run_with_itself_is_one():
    table = ms.stability_table(DISJOINT, {42: DISJOINT}, TOP_WORDS)
    assert list(table.columns) == ["topic", "top_words", "similarity_seed_42", "mean_similarity"]
    assert table["topic"].tolist() == [1, 2, 3]
    assert table["top_words"].tolist() == TOP_WORDS
    assert table["similarity_seed_42"].tolist() == [1.0, 1.0, 1.0]
    assert table["mean_similarity"].tolist() == [1.0, 1.0, 1.0]


def test_stability_table_by_hand():
    reference = np.array([[0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5]])
    swapped = reference[[1, 0]]
    # Each topic narrowed to one of its two words: JS distance of (0.5, 0.5) and (1, 0).
    narrowed = np.array([[1.0, 0, 0, 0], [0, 0, 0, 1.0]])
    table = ms.stability_table(reference, {7: swapped, 3: narrowed})
    assert list(table.columns) == [
        "topic",
        "similarity_seed_7",
        "similarity_seed_3",
        "mean_similarity",
    ]
    np.testing.assert_allclose(table["similarity_seed_7"], [1.0, 1.0])
    np.testing.assert_allclose(table["similarity_seed_3"], [1 - JS_ONE_VS_HALF] * 2)
    np.testing.assert_allclose(table["mean_similarity"], [(2 - JS_ONE_VS_HALF) / 2] * 2)


def test_stability_without_other_seeds_is_nan():
    table = ms.stability_table(DISJOINT, {})
    assert list(table.columns) == ["topic", "mean_similarity"]
    assert table["mean_similarity"].isna().all()


def test_stability_table_checks_top_words():
    with pytest.raises(ValueError, match="2 top_words for 3 topics"):
        ms.stability_table(DISJOINT, {1: DISJOINT}, TOP_WORDS[:2])


@pytest.mark.parametrize(
    ("prevalence", "min_relative_prevalence", "expected"),
    [
        # K = 5: the threshold is 0.1 / 5 = 0.02.
        pytest.param([0.2, 0.2, 0.2, 0.3993, 0.0007], 0.1, [0, 0, 0, 0, 1], id="seeds-k5"),
        pytest.param([0.021, 0.019, 0.32, 0.32, 0.32], 0.1, [0, 1, 0, 0, 0], id="either-side"),
        pytest.param([0.5, 0.4993, 0.0007], 0.0, [0, 0, 0], id="zero-flags-none"),
        # 0.5 of an even share: below 0.25 at K = 2.
        pytest.param([0.8, 0.2], 0.5, [0, 1], id="half-even-share"),
        pytest.param([1.0], 0.1, [0], id="one-topic"),
    ],
)
def test_low_prevalence(prevalence, min_relative_prevalence, expected):
    flags = ms.low_prevalence(prevalence, min_relative_prevalence)
    assert flags.tolist() == [bool(e) for e in expected]


@pytest.mark.parametrize(
    ("prevalence", "value", "message"),
    [
        pytest.param([0.5, 0.5], 1.5, "lda.min_relative_prevalence 1.5", id="above-one"),
        pytest.param([0.5, 0.5], -0.1, "lda.min_relative_prevalence -0.1", id="negative"),
        pytest.param([], 0.1, "one share per topic", id="empty"),
    ],
)
def test_low_prevalence_rejects_invalid_values(prevalence, value, message):
    with pytest.raises(ValueError, match=message):
        ms.low_prevalence(prevalence, value)


def test_a_near_zero_topic_is_flagged_and_not_rated():
    """The issue's case: a topic of prevalence 0.0007 matches itself in every seed (its words
    are the prior's), so its similarity is 1; it must not be reported as the most stable."""
    narrowed = np.array(
        [
            [1.0, 0, 0, 0, 0, 0, 0, 0, 0],  # NATO narrowed to one word: similarity < 1
            [0, 0, 0, 0.6, 0.3, 0.1, 0, 0, 0],  # terrorism as in the reference
            [0, 0, 0, 0, 0, 0, 0.4, 0.4, 0.2],  # the near-zero topic, identical again
        ]
    )
    prevalence = [0.6, 0.3993, 0.0007]
    table = ms.stability_table(DISJOINT, {7: narrowed, 2024: DISJOINT}, TOP_WORDS, prevalence)
    assert list(table.columns) == [
        "topic",
        "top_words",
        "prevalence",
        "low_prevalence",
        "similarity_seed_7",
        "similarity_seed_2024",
        "mean_similarity",
    ]
    assert table["low_prevalence"].tolist() == [False, False, True]
    np.testing.assert_allclose(table["prevalence"], prevalence)
    # Not rated: NaN, not the 1.0 its matching gives.
    assert (
        table.loc[2, ["similarity_seed_7", "similarity_seed_2024", "mean_similarity"]].isna().all()
    )
    assert table["mean_similarity"].idxmax() == 1  # terrorism, rated 1.0, is the most stable
    assert table["mean_similarity"].iloc[1] == 1.0
    assert table["mean_similarity"].iloc[0] < 1.0
    # The mean over the rated topics only, as select_num_topics takes it for the K.
    rated_mean = (table["mean_similarity"].iloc[0] + 1.0) / 2
    assert table["mean_similarity"].mean() == pytest.approx(rated_mean)


def test_prevalence_is_flagged_with_one_seed_too():
    table = ms.stability_table(DISJOINT, {}, prevalence=[0.6, 0.3993, 0.0007])
    assert list(table.columns) == ["topic", "prevalence", "low_prevalence", "mean_similarity"]
    assert table["low_prevalence"].tolist() == [False, False, True]
    assert table["mean_similarity"].isna().all()


def test_stability_table_checks_prevalence():
    with pytest.raises(ValueError, match="2 prevalences for 3 topics"):
        ms.stability_table(DISJOINT, {1: DISJOINT}, prevalence=[0.5, 0.5])


# ---------------------------------------------------------------------------------------
# Model selection table and the choice of K


def runs_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["num_topics", "seed", "c_npmi", "c_v", "u_mass", "diversity"]
    )


def test_model_selection_table_by_hand():
    runs = runs_frame(
        [
            (3, 1, 0.10, 0.40, -2.0, 0.80),
            (2, 1, 0.05, 0.50, -1.0, 1.00),
            (3, 2, 0.30, 0.60, -4.0, 0.90),
            (2, 2, 0.07, 0.30, -3.0, 0.90),
            (5, 1, 0.12, 0.55, -0.5, 0.70),
        ]
    )
    runs["heldout_perplexity"] = runs["num_topics"].map({2: 900.0, 3: 850.0, 5: 870.0})
    runs["heldout_log_likelihood_per_word"] = -np.log(runs["heldout_perplexity"])
    runs["stability"] = runs["num_topics"].map({2: 0.9, 3: 0.8, 5: np.nan})
    runs["low_prevalence_topics"] = runs["num_topics"].map({2: 0, 3: 1, 5: 0})
    table = ms.model_selection_table(runs, "c_npmi")
    assert list(table.columns) == [
        "num_topics",
        "runs",
        "c_npmi_mean",
        "c_npmi_sd",
        "c_npmi_se",
        "c_v_mean",
        "c_v_sd",
        "c_v_se",
        "u_mass_mean",
        "u_mass_sd",
        "u_mass_se",
        "diversity_mean",
        "diversity_sd",
        "diversity_se",
        "heldout_perplexity",
        "heldout_log_likelihood_per_word",
        "heldout_log_likelihood_per_word_sd",
        "stability",
        "low_prevalence_topics",
        "best",
        "within_one_se",
        "chosen",
    ]
    assert table["num_topics"].tolist() == [2, 3, 5]
    assert table["runs"].tolist() == [2, 2, 1]
    # Two runs a and b: mean (a + b) / 2, sd |a - b| / sqrt(2), se = sd / sqrt(2) = |a - b| / 2.
    sqrt2 = math.sqrt(2)
    np.testing.assert_allclose(table["c_npmi_mean"], [0.06, 0.20, 0.12])
    np.testing.assert_allclose(table["c_npmi_sd"][:2], [0.02 / sqrt2, 0.20 / sqrt2])
    np.testing.assert_allclose(table["c_npmi_se"][:2], [0.01, 0.10])
    np.testing.assert_allclose(table["c_v_mean"], [0.40, 0.50, 0.55])
    np.testing.assert_allclose(table["c_v_sd"][:2], [0.20 / sqrt2, 0.20 / sqrt2])
    np.testing.assert_allclose(table["c_v_se"][:2], [0.10, 0.10])
    np.testing.assert_allclose(table["u_mass_mean"], [-2.0, -3.0, -0.5])
    np.testing.assert_allclose(table["u_mass_sd"][:2], [2.0 / sqrt2, 2.0 / sqrt2])
    np.testing.assert_allclose(table["u_mass_se"][:2], [1.0, 1.0])
    np.testing.assert_allclose(table["diversity_mean"], [0.95, 0.85, 0.70])
    np.testing.assert_allclose(table["diversity_sd"][:2], [0.10 / sqrt2, 0.10 / sqrt2])
    np.testing.assert_allclose(table["diversity_se"][:2], [0.05, 0.05])
    for measure in ms.SUMMARY_MEASURES:
        assert math.isnan(table[f"{measure}_sd"].iloc[2])  # one run
        assert math.isnan(table[f"{measure}_se"].iloc[2])
    assert table["heldout_perplexity"].tolist() == [900.0, 850.0, 870.0]
    np.testing.assert_allclose(
        table["heldout_log_likelihood_per_word"], -np.log([900.0, 850.0, 870.0])
    )
    assert table["stability"].tolist()[:2] == [0.9, 0.8]
    assert math.isnan(table["stability"].iloc[2])
    assert table["low_prevalence_topics"].tolist() == [0, 1, 0]
    # NPMI: the best is K = 3 (0.20, se 0.10), so the threshold is 0.10; K = 2 (0.06) is
    # below it, K = 5 (0.12) above, but K = 3 is the smallest K within one SE.
    assert table["best"].tolist() == [False, True, False]
    assert table["within_one_se"].tolist() == [False, True, True]
    assert table["chosen"].tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("select_by", "expected"),
    [
        pytest.param("c_npmi", 3, id="c_npmi"),
        pytest.param("c_v", 5, id="c_v"),
        pytest.param("u_mass", 5, id="u_mass-closest-to-zero"),
        pytest.param("diversity", 2, id="diversity"),
    ],
)
@pytest.mark.parametrize("rule", ms.SELECT_RULES)
def test_model_selection_table_marks_the_chosen_k(select_by, expected, rule):
    # One seed per K: no standard error, so both rules choose the best mean.
    runs = runs_frame(
        [
            (2, 1, 0.05, 0.50, -1.0, 1.00),
            (3, 1, 0.20, 0.40, -2.0, 0.80),
            (5, 1, 0.12, 0.55, -0.5, 0.70),
        ]
    )
    table = ms.model_selection_table(runs, select_by, rule)
    assert table.loc[table["chosen"], "num_topics"].tolist() == [expected]
    assert table.loc[table["best"], "num_topics"].tolist() == [expected]
    assert table.loc[table["within_one_se"], "num_topics"].tolist() == [expected]
    for column in ("best", "within_one_se", "chosen"):
        assert table[column].dtype == bool


def test_model_selection_table_without_optional_columns():
    runs = runs_frame([(4, 1, 0.1, 0.5, -1.0, 0.9), (4, 2, 0.3, 0.5, -1.0, 0.9)])
    table = ms.model_selection_table(runs)
    assert table["heldout_perplexity"].isna().all()
    assert table["heldout_log_likelihood_per_word"].isna().all()
    assert table["stability"].isna().all()
    assert table["low_prevalence_topics"].isna().all()
    assert table["c_v_sd"].tolist() == [0.0]
    assert table["c_v_se"].tolist() == [0.0]
    assert table["chosen"].tolist() == [True]


def test_model_selection_table_with_null_measures():
    # As read from the runs' JSON files when a measure could not be computed.
    runs = pd.DataFrame(
        [
            {
                "num_topics": 2,
                "seed": 1,
                "c_npmi": None,
                "c_v": 0.5,
                "u_mass": -1.0,
                "diversity": 0.9,
                "heldout_perplexity": None,
            },
            {
                "num_topics": 3,
                "seed": 1,
                "c_npmi": None,
                "c_v": 0.6,
                "u_mass": -1.0,
                "diversity": 0.8,
                "heldout_perplexity": None,
            },
        ]
    )
    table = ms.model_selection_table(runs, "c_npmi")
    assert table["c_npmi_mean"].isna().all()
    assert table["heldout_perplexity"].isna().all()
    assert table["heldout_perplexity"].dtype == np.float64
    assert table["chosen"].tolist() == [True, False]  # all NaN: the smaller K
    assert ms.model_selection_table(runs, "c_v")["chosen"].tolist() == [False, True]


@pytest.mark.parametrize("select_by", ["perplexity", "C_NPMI", ""])
def test_model_selection_table_rejects_unknown_measures(select_by):
    runs = runs_frame([(2, 1, 0.1, 0.5, -1.0, 0.9)])
    with pytest.raises(ValueError, match=r"lda\.select_by .* c_npmi, c_v, u_mass, diversity"):
        ms.model_selection_table(runs, select_by)


@pytest.mark.parametrize("rule", ["one_sd", "ONE_SE", ""])
def test_unknown_rules_are_rejected(rule):
    runs = runs_frame([(2, 1, 0.1, 0.5, -1.0, 0.9)])
    with pytest.raises(ValueError, match=r"lda\.select_rule .* one_se, best"):
        ms.model_selection_table(runs, "c_npmi", rule)
    with pytest.raises(ValueError, match=r"lda\.select_rule"):
        ms.choose_num_topics(runs, "c_npmi", rule)


def test_model_selection_table_rejects_duplicate_runs():
    runs = runs_frame([(2, 1, 0.1, 0.5, -1.0, 0.9), (2, 1, 0.2, 0.5, -1.0, 0.9)])
    with pytest.raises(ValueError, match="more than one row"):
        ms.model_selection_table(runs)


@pytest.mark.parametrize(
    ("ks", "means", "expected"),
    [
        pytest.param([2, 3, 4], [0.1, 0.3, 0.2], 3, id="best"),
        pytest.param([4, 2, 3], [0.3, 0.3, 0.1], 2, id="tie-to-smaller-k"),
        pytest.param([2, 3], [0.3, 0.3 + 1e-12], 2, id="rounding-noise-is-a-tie"),
        pytest.param([2, 3], [0.3, 0.3 + 1e-6], 3, id="real-difference"),
        pytest.param([2, 3, 4], [np.nan, 0.05, -0.2], 3, id="nan-is-worst"),
        pytest.param([2, 3], [-0.9, np.nan], 2, id="nan-below-negative"),
        pytest.param([2, 3], [np.nan, np.nan], 2, id="all-nan-smaller-k"),
        pytest.param([2, 3, 4], [-3.2, -1.1, -2.5], 3, id="negative-closest-to-zero"),
    ],
)
@pytest.mark.parametrize("rule", ms.SELECT_RULES)
def test_choose_num_topics(ks, means, expected, rule):
    # No standard error in these tables: the one-SE rule falls back to the best mean.
    table = pd.DataFrame({"num_topics": ks, "u_mass_mean": means})
    assert ms.choose_num_topics(table, "u_mass", rule) == expected


def test_choose_num_topics_reads_a_one_run_per_k_table():
    table = pd.DataFrame({"num_topics": [2, 3], "c_v": [0.4, 0.6], "c_npmi": [0.1, 0.0]})
    assert ms.choose_num_topics(table, "c_v") == 3
    assert ms.choose_num_topics(table) == 2


# ---------------------------------------------------------------------------------------
# The one-standard-error rule, on planted tables


def seeds_runs(means: dict[int, float], spread: dict[int, float], seeds=(42, 7, 2024)):
    """Runs whose c_npmi over the seeds has exactly these means and sds: mean - sd, mean,
    mean + sd for three seeds (sd of those is sd), mean +- sd / sqrt(2) for two."""
    n = len(seeds)
    offsets = {1: [0.0], 2: [-1 / math.sqrt(2), 1 / math.sqrt(2)], 3: [-1.0, 0.0, 1.0]}[n]
    rows = [
        (k, seed, means[k] + spread[k] * offset, 0.5, -1.0, 0.9)
        for k in means
        for seed, offset in zip(seeds, offsets, strict=True)
    ]
    return runs_frame(rows)


def test_one_se_rule_does_not_take_a_larger_k_for_noise():
    """The issue's case: K = 5 beats K = 4 by 1.5e-5 with a seed-to-seed sd of 0.05."""
    means = {2: -0.140, 3: -0.121, 4: -0.078894, 5: -0.078894 + 1.5e-5}
    spread = {2: 0.02, 3: 0.045, 4: 0.047, 5: 0.05}
    table = ms.model_selection_table(seeds_runs(means, spread), "c_npmi")
    np.testing.assert_allclose(table["c_npmi_sd"], [0.02, 0.045, 0.047, 0.05])
    np.testing.assert_allclose(table["c_npmi_se"].iloc[3], 0.05 / math.sqrt(3))
    assert table.loc[table["best"], "num_topics"].tolist() == [5]
    assert table.loc[table["within_one_se"], "num_topics"].tolist() == [4, 5]
    assert table.loc[table["chosen"], "num_topics"].tolist() == [4]
    choice = ms.num_topics_choice(table, "c_npmi")
    assert (choice.num_topics, choice.best_num_topics, choice.rule_applied) == (4, 5, "one_se")
    assert choice.best_se == pytest.approx(0.05 / math.sqrt(3))
    assert choice.threshold == pytest.approx(means[5] - 0.05 / math.sqrt(3))
    # The old rule, still available, takes the noise.
    assert ms.choose_num_topics(table, "c_npmi", "best") == 5


def test_one_se_rule_with_a_difference_of_1e5_and_sd_005():
    means = {4: 0.10, 5: 0.10 + 1e-5}
    spread = {4: 0.05, 5: 0.05}
    table = ms.model_selection_table(seeds_runs(means, spread), "c_npmi")
    assert table["chosen"].tolist() == [True, False]
    assert table["best"].tolist() == [False, True]


def test_a_k_better_by_many_standard_errors_is_chosen():
    # K = 4 is better than K = 3 by 0.05, ten times its standard error (0.005).
    means = {2: 0.02, 3: 0.10, 4: 0.15, 5: 0.12, 6: 0.11}
    spread = dict.fromkeys(means, 0.005 * math.sqrt(3))
    table = ms.model_selection_table(seeds_runs(means, spread), "c_npmi")
    np.testing.assert_allclose(table["c_npmi_se"], 0.005)
    assert table.loc[table["within_one_se"], "num_topics"].tolist() == [4]
    assert table.loc[table["chosen"], "num_topics"].tolist() == [4]
    choice = ms.num_topics_choice(table, "c_npmi")
    assert not choice.at_edge and not choice.best_at_largest
    assert choice.warnings() == []


def test_the_smallest_k_within_one_se_not_the_nearest():
    # Ks 2 and 4 are within one SE of the best (K = 5), K = 3 is not: the smallest wins,
    # as in CART's and glmnet's rule, which take the simplest model within one SE.
    means = {2: 0.195, 3: 0.10, 4: 0.199, 5: 0.20}
    spread = dict.fromkeys(means, 0.01 * math.sqrt(3))
    table = ms.model_selection_table(seeds_runs(means, spread), "c_npmi")
    assert table["within_one_se"].tolist() == [True, False, True, True]
    assert ms.choose_num_topics(table, "c_npmi") == 2


def test_a_mean_at_the_threshold_is_within_despite_rounding_noise():
    # 0.3 - 0.1 is 0.19999999999999998 in floating point: rounded to 9 decimals, a tie.
    table = pd.DataFrame(
        {"num_topics": [2, 3], "runs": 4, "c_v_mean": [0.2, 0.3], "c_v_sd": [0.1, 0.2]}
    )
    choice = ms.num_topics_choice(table, "c_v")
    assert choice.best_se == pytest.approx(0.1)
    assert (choice.num_topics, choice.within_one_se) == (2, (2, 3))


def test_a_nan_mean_is_never_within_one_se():
    table = pd.DataFrame(
        {
            "num_topics": [2, 3, 4],
            "runs": 3,
            "c_npmi_mean": [np.nan, 0.19, 0.20],
            "c_npmi_sd": [np.nan, 0.03, 0.03],
        }
    )
    choice = ms.num_topics_choice(table, "c_npmi")
    assert choice.within_one_se == (3, 4)
    assert choice.num_topics == 3


def test_the_standard_error_of_u_mass_uses_its_own_direction():
    # UMass is negative; higher is still better. Best -1.0 (se 0.5): -1.4 is within.
    table = pd.DataFrame(
        {
            "num_topics": [2, 3, 4],
            "runs": 4,
            "u_mass_mean": [-3.0, -1.4, -1.0],
            "u_mass_sd": [1.0, 1.0, 1.0],
        }
    )
    assert ms.choose_num_topics(table, "u_mass") == 3
    assert ms.choose_num_topics(table, "u_mass", "best") == 4


def test_one_seed_falls_back_to_the_best_mean():
    means = {4: 0.10, 5: 0.10 + 1e-5}
    table = ms.model_selection_table(seeds_runs(means, {4: 0.0, 5: 0.0}, seeds=(42,)), "c_npmi")
    assert table["c_npmi_se"].isna().all()
    assert table["chosen"].tolist() == [False, True]
    assert table["within_one_se"].tolist() == [False, True]  # without an SE: the best only
    choice = ms.num_topics_choice(table, "c_npmi")
    assert (choice.rule, choice.rule_applied, choice.num_topics) == ("one_se", "best", 5)
    assert math.isnan(choice.best_se) and math.isnan(choice.threshold)
    messages = choice.warnings()
    assert any("lda.random_seeds" in m and "one seed" in m for m in messages)
    # Asked for the best mean, there is nothing to fall back from.
    best = ms.num_topics_choice(table, "c_npmi", "best")
    assert not any("lda.random_seeds" in m for m in best.warnings())


def test_a_zero_standard_error_is_the_best_mean():
    # Every seed gave the same value (as the planted corpus's K = 3): no noise to allow for.
    means = {2: 0.029, 3: 0.371, 4: 0.371 - 1e-6}
    table = ms.model_selection_table(seeds_runs(means, dict.fromkeys(means, 0.0)), "c_npmi")
    assert table["c_npmi_se"].tolist() == [0.0, 0.0, 0.0]
    assert ms.num_topics_choice(table, "c_npmi").num_topics == 3


@pytest.mark.parametrize(
    ("means", "chosen", "best", "at_edge", "best_at_largest"),
    [
        pytest.param({3: 0.3, 4: 0.1, 5: 0.1}, 3, 3, True, False, id="smallest"),
        pytest.param({3: 0.1, 4: 0.3, 5: 0.1}, 4, 4, False, False, id="inside"),
        pytest.param({3: 0.1, 4: 0.1, 5: 0.3}, 5, 5, True, True, id="largest"),
        # Best at the largest, chosen inside: the grid should still grow.
        pytest.param({3: 0.1, 4: 0.299, 5: 0.3}, 4, 5, False, True, id="best-largest-chosen-in"),
        pytest.param({3: 0.3}, 3, 3, False, False, id="single-k"),
    ],
)
def test_edges_of_the_grid(means, chosen, best, at_edge, best_at_largest):
    spread = dict.fromkeys(means, 0.01 * math.sqrt(3))  # se 0.01
    table = ms.model_selection_table(seeds_runs(means, spread), "c_npmi")
    choice = ms.num_topics_choice(table, "c_npmi")
    assert (choice.num_topics, choice.best_num_topics) == (chosen, best)
    assert choice.at_edge is at_edge
    assert choice.best_at_largest is best_at_largest
    widen = [m for m in choice.warnings() if "widen the grid (lda.num_topics)" in m]
    assert len(widen) == int(best_at_largest or (at_edge and chosen == min(means)))
    record = choice.record()
    assert (record["at_edge"], record["best_at_largest"]) == (at_edge, best_at_largest)


def test_no_smaller_k_warning_at_k_two():
    # K = 1 is no topic model: chosen K = 2, the smallest of the grid, is no reason to warn.
    spread = {2: 0.01, 3: 0.01}
    table = ms.model_selection_table(seeds_runs({2: 0.3, 3: 0.1}, spread), "c_npmi")
    choice = ms.num_topics_choice(table, "c_npmi")
    assert choice.at_edge
    assert choice.warnings() == []


def test_no_mean_at_all_takes_the_smallest_k_and_says_so():
    table = pd.DataFrame({"num_topics": [2, 3], "runs": 3, "c_npmi_mean": [np.nan, np.nan]})
    choice = ms.num_topics_choice(table, "c_npmi")
    assert choice.num_topics == 2
    assert any("no K has a mean c_npmi" in m for m in choice.warnings())


def test_the_choice_record_is_plain_json():
    means = {4: 0.10, 5: 0.10 + 1.5e-5}
    table = ms.model_selection_table(seeds_runs(means, {4: 0.05, 5: 0.05}), "c_npmi")
    record = ms.num_topics_choice(table, "c_npmi").record()
    assert json.loads(json.dumps(record, allow_nan=False)) == record
    assert record["num_topics"] == 4
    assert record["best_num_topics"] == 5
    assert record["rule"] == record["rule_applied"] == "one_se"
    assert record["selected_by"] == "c_npmi"
    assert record["threshold"] == pytest.approx(record["best_mean"] - record["best_se"])
    assert record["within_one_se"] == [4, 5]
    one_seed = ms.model_selection_table(seeds_runs(means, {4: 0, 5: 0}, seeds=(1,)), "c_npmi")
    record = ms.num_topics_choice(one_seed, "c_npmi").record()
    assert record["best_se"] is None and record["threshold"] is None
    assert json.loads(json.dumps(record, allow_nan=False)) == record


# ---------------------------------------------------------------------------------------
# The grid of K


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        pytest.param(5, {}, [5], id="one-k"),
        pytest.param(1, {}, [1], id="k-one"),
        pytest.param([10, 3, 3, 20], {}, [3, 10, 20], id="list-sorted-distinct"),
        pytest.param((4, 2), {}, [2, 4], id="tuple"),
        pytest.param("auto", {}, [2, 3, 4, 5, 6, 7, 8, 9, 10], id="auto-default"),
        pytest.param("auto", {"k_min": 5, "k_max": 20, "step": 5}, [5, 10, 15, 20], id="step"),
        pytest.param("auto", {"k_min": 4, "k_max": 9, "step": 2}, [4, 6, 8], id="step-stops-short"),
        pytest.param(np.int64(7), {}, [7], id="numpy-integer"),
    ],
)
def test_num_topics_grid(value, kwargs, expected):
    assert ms.num_topics_grid(value, **kwargs) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(0, id="zero"),
        pytest.param(-3, id="negative"),
        pytest.param([3, 0], id="zero-in-list"),
        pytest.param([], id="empty-list"),
        pytest.param("five", id="other-string"),
        pytest.param(2.5, id="float"),
        pytest.param(True, id="bool"),
        pytest.param([2, "3"], id="string-in-list"),
        pytest.param(None, id="none"),
    ],
)
def test_num_topics_grid_errors(value):
    with pytest.raises(ValueError, match=r"lda\.num_topics"):
        ms.num_topics_grid(value)


@pytest.mark.parametrize(
    "kwargs",
    [{"k_min": 0}, {"k_min": 8, "k_max": 4}, {"step": 0}],
    ids=["k-min-zero", "empty-range", "step-zero"],
)
def test_num_topics_grid_auto_errors(kwargs):
    with pytest.raises(ValueError, match=r"lda\.num_topics"):
        ms.num_topics_grid("auto", **kwargs)


# ---------------------------------------------------------------------------------------
# Topic map


def map_distances(coords: np.ndarray) -> np.ndarray:
    return squareform(pdist(coords))


#: Two NATO topics and two economy topics: close within a theme, far across.
TWO_THEMES = np.array(
    [
        [0.5, 0.3, 0.2, 0, 0, 0, 0, 0, 0],
        [0.3, 0.5, 0.1, 0.1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0.1, 0.4, 0.4, 0.1],
        [0, 0, 0, 0, 0, 0, 0.3, 0.3, 0.4],
    ]
)


@pytest.mark.parametrize(
    "phi",
    [DISJOINT, np.array([[1.0, 0.0], [0.5, 0.5], [0.2, 0.8]]), TWO_THEMES[:3]],
    ids=["disjoint", "two-words", "themes"],
)
def test_topic_map_of_three_topics_keeps_their_distances(phi):
    # Any three points of a metric space lie in a plane, so metric MDS fits them exactly.
    coords = ms.topic_map_coordinates(phi)
    assert coords.shape == (3, 2)
    expected = [[jensenshannon(p, q, base=2) for q in phi] for p in phi]
    np.testing.assert_allclose(map_distances(coords), expected, atol=1e-4)


def test_topic_map_keeps_well_separated_themes_apart():
    coords = ms.topic_map_coordinates(TWO_THEMES)
    distances = map_distances(coords)
    js = ms.topic_distances(TWO_THEMES)
    upper = np.triu_indices(4, 1)
    assert np.corrcoef(distances[upper], js[upper])[0, 1] > 0.95
    # Each topic's nearest neighbour on the map is the other topic of its theme.
    np.fill_diagonal(distances, np.inf)
    assert distances.argmin(axis=1).tolist() == [1, 0, 3, 2]


@pytest.mark.parametrize(
    "phi",
    [DISJOINT, TWO_THEMES, np.random.default_rng(0).dirichlet(np.full(30, 0.1), size=8)],
    ids=["disjoint", "two-themes", "eight-random"],
)
def test_topic_map_is_deterministic(phi):
    first = ms.topic_map_coordinates(phi, random_state=0)
    assert np.array_equal(first, ms.topic_map_coordinates(phi, random_state=0))
    np.testing.assert_allclose(first, ms.topic_map_coordinates(phi, random_state=7), atol=1e-6)
    assert first[0, 0] >= 0
    # Centred, with the greater spread along x.
    np.testing.assert_allclose(first.mean(axis=0), [0, 0], atol=1e-12)
    assert first[:, 0].var() >= first[:, 1].var()
    # Principal axes: x and y uncorrelated.
    assert abs(first[:, 0] @ first[:, 1]) < 1e-12


def test_topic_map_of_one_and_two_topics():
    assert ms.topic_map_coordinates(DISJOINT[:1]).tolist() == [[0.0, 0.0]]
    pair = np.array([[1.0, 0.0], [0.5, 0.5]])
    coords = ms.topic_map_coordinates(pair)
    half = JS_ONE_VS_HALF / 2
    np.testing.assert_allclose(coords, [[half, 0.0], [-half, 0.0]], atol=1e-12)


def test_topic_map_of_identical_topics_is_one_point():
    coords = ms.topic_map_coordinates(np.tile(DISJOINT[0], (3, 1)))
    assert coords.tolist() == [[0.0, 0.0]] * 3


@pytest.mark.parametrize(
    ("theta", "expected"),
    [
        pytest.param([[0.5, 0.5], [1.0, 0.0]], [0.75, 0.25], id="two-documents"),
        pytest.param([[0.2, 0.3, 0.5]], [0.2, 0.3, 0.5], id="one-document"),
        # Rows summing to less than 1 (small shares dropped): rescaled to sum to 1.
        pytest.param([[0.6, 0.3], [0.3, 0.6]], [0.5, 0.5], id="rescaled"),
    ],
)
def test_topic_prevalence(theta, expected):
    prevalence = ms.topic_prevalence(np.array(theta))
    np.testing.assert_allclose(prevalence, expected)
    assert prevalence.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        (5, [2, 3, 4, 5]),  # the seed articles: the grid they always had
        (3, [2, 3]),  # never more topics than documents
        (90, [2, 4, 6, 8]),
        (2268, [5, 10, 15, 20, 25]),  # hespress-4cat
        (11047, [10, 20, 30, 40]),  # antms-6cat
        (31030, [10, 20, 30, 40, 50]),  # SaudiNewsNet
        (10**7, [10, 20, 30, 40, 50]),  # capped at 50
    ],
)
def test_auto_num_topics_scale_with_the_corpus(documents, expected):
    assert ms.num_topics_grid("auto", "auto", "auto", "auto", documents) == expected
    grid = ms.num_topics_grid("auto", "auto", "auto", "auto", documents)
    assert len(grid) <= ms.SCALED_GRID_SIZE and max(grid) <= documents


def test_auto_num_topics_keep_the_bounds_a_user_sets():
    assert ms.num_topics_grid("auto", 20, "auto", "auto", 31030) == [20, 30, 40, 50]
    assert ms.num_topics_grid("auto", "auto", 30, 5, 31030) == [10, 15, 20, 25, 30]
    # Unknown corpus size (a dry run before the corpus is read): the seeds' range.
    assert ms.num_topics_grid("auto", "auto", "auto", "auto") == [2, 3, 4, 5]
    with pytest.raises(ValueError, match="k_min <= k_max"):
        ms.num_topics_grid("auto", 60, "auto", "auto", 31030)


# ------------------------------------------------------------------------------------------
# The whole choice of K, as the workflow makes it, on a planted corpus of 2,000 documents


@pytest.mark.thorough
@pytest.mark.parametrize("engine", ["gensim", "auto"])
def test_auto_finds_the_planted_number_of_topics_at_2000_documents(tmp_path, engine):
    """``lda.num_topics: auto`` with every shipped setting (the grid scaled to the corpus,
    its seeds, NPMI and the one-SE rule), through stage 4's own steps (the bag of words, one
    fit per K and seed, the choice of K), finds the 10 planted sections of 2,000 documents,
    each mostly one section's words (tests/planted_corpora.py), with gensim. With the engine
    ``lda.engine: auto`` fits to these 40-word documents (tomotopy) the rule chooses a K
    whose topics still recover the sections: at K = 10 tomotopy's fit merges two sections on
    one seed of three, and the one-SE rule takes a larger K (docs/topic_models.md, "Short
    documents")."""
    from planted_corpora import planted_sections

    from arabic_news_topics.config import schema_defaults
    from arabic_news_topics.io import write_jsonl
    from arabic_news_topics.topics import engines, step

    lda = {**schema_defaults()["lda"], "engine": engine}
    documents, labels = planted_sections(10, n_documents=2000)
    tokens = tmp_path / "tokens.jsonl"
    write_jsonl(({"doc_id": d, "tokens": t} for d, t in documents), tokens)
    bow = tmp_path / "bow"
    step.build_lda_corpus(str(tokens), lda["no_below"], lda["no_above"], lda["keep_n"], str(bow))
    grid = lda["num_topics_range"]
    ks = ms.num_topics_grid(
        lda["num_topics"], grid["min"], grid["max"], grid["step"], documents=len(documents)
    )
    assert ks == [5, 10, 15, 20, 25]
    # As the workflow passes them (get_lda_params: gensim names the symmetric prior None),
    # to the engine lda.engine auto fits to documents of this length (get_main_engine).
    median_words = float(np.median([len(words) for _, words in documents]))
    engine, _ = engines.resolve_engine(lda["engine"], median_words, lda["short_document_words"])
    values = {**lda, "eta": None if lda["eta"] == "symmetric" else lda["eta"]}
    params = {key: values[key] for key in engines.ENGINE_SETTINGS[engine]}
    runs = [(k, seed) for k in ks for seed in lda["random_seeds"]]
    outputs = {name: [] for name in ("scores", "topic_word", "topics", "doc_topics")}
    # One job per K, its seeds' runs in order (as rule fit_topic_model).
    for k in ks:
        folders = [tmp_path / f"k_{k}" / f"seed_{seed}" for seed in lda["random_seeds"]]
        for folder in folders:
            folder.mkdir(parents=True)
        files = {
            "scores": [str(folder / "scores.json") for folder in folders],
            "topic_word": [str(folder / "topic_word.npz") for folder in folders],
            "topics": [str(folder / "topics.csv") for folder in folders],
            "doc_topics": [str(folder / "doc_topics.csv") for folder in folders],
        }
        step.fit_topic_model(
            str(bow),
            engine,
            k,
            lda["random_seeds"],
            params,
            model=[str(folder / "model") for folder in folders],
            top_n=lda["top_n"],
            **files,
        )
        for name, paths in files.items():
            outputs[name] += paths
    chosen = tmp_path / "chosen_k.json"
    step.select_num_topics(
        runs,
        outputs["scores"],
        outputs["topic_word"],
        outputs["topics"],
        outputs["doc_topics"],
        [],
        lda["random_seeds"],
        lda["select_by"],
        **{
            f"{table}_{kind}": str(tmp_path / f"{table}.{kind}")
            for table in ("selection", "stability", "similarity", "topics", "doc_topics")
            for kind in ("csv", "md")
        },
        topic_word=str(tmp_path / "topic_word.npz"),
        chosen=str(chosen),
        select_rule=lda["select_rule"],
        min_relative_prevalence=lda["min_relative_prevalence"],
    )
    chosen_k = json.loads(chosen.read_text())["num_topics"]
    if engine == "gensim":
        assert chosen_k == 10
    else:
        assert engines.resolve_engine(engine, median_words, lda["short_document_words"])[0] == (
            "tomotopy"
        )
        # No fewer topics than sections, and the chosen model's topics are the sections.
        assert chosen_k >= 10
        shares = pd.read_csv(tmp_path / "doc_topics.csv", dtype={"doc_id": str})
        theta = shares.set_index("doc_id").loc[[d for d, _ in documents]].to_numpy()
        assert normalized_mutual_info_score(labels, theta.argmax(axis=1)) >= 0.9
    # Fewer topics than sections merge them, and coherence shows it.
    table = pd.read_csv(tmp_path / "selection.csv").set_index("num_topics")
    npmi = table[f"{lda['select_by']}_mean"]
    assert npmi[5] < npmi[10]


@pytest.mark.parametrize(("documents", "capped"), [(5, True), (6, False), (None, False)])
def test_a_grid_that_reaches_the_number_of_documents_is_not_told_to_widen(documents, capped):
    # The seeds' grid (2 to 5): with five documents there is no larger K to try.
    means = {2: 0.1, 3: 0.1, 4: 0.2, 5: 0.3}
    table = ms.model_selection_table(seeds_runs(means, dict.fromkeys(means, 0.01)), "c_npmi")
    choice = ms.num_topics_choice(table, "c_npmi")
    assert choice.best_at_largest
    messages = choice.warnings(documents=documents)
    assert len(messages) == 1
    assert ("widen the grid" in messages[0]) is not capped
    assert ("no larger K to try" in messages[0]) is capped
