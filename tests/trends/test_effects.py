"""Prevalence by group and group differences: planted truths, coverage of the intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.trends import effects

TOPICS = ["topic_1", "topic_2", "topic_3"]
ALPHA_A = np.array([4.0, 2.0, 2.0])  # mean shares .5, .25, .25
ALPHA_B = np.array([2.0, 4.0, 2.0])  # .25, .5, .25


def simulated_corpus(rng, n_a: int, n_b: int):
    shares = np.vstack([rng.dirichlet(ALPHA_A, n_a), rng.dirichlet(ALPHA_B, n_b)])
    groups = ["a"] * n_a + ["b"] * n_b
    return shares, groups


def test_intervals_cover_the_planted_group_means_and_difference():
    """Over 100 simulated corpora, the 95 % intervals hold the true mean shares and their
    true difference at least 90 % of the time."""
    rng = np.random.default_rng(0)
    truth_a, truth_b = ALPHA_A / ALPHA_A.sum(), ALPHA_B / ALPHA_B.sum()
    covered_means, covered_difference = [], []
    for i in range(100):
        shares, groups = simulated_corpus(rng, 60, 80)
        table = effects.group_prevalence(shares, groups, TOPICS, n_boot=400, random_state=i)
        for group, truth in (("a", truth_a), ("b", truth_b)):
            rows = table[table["group"] == group]
            covered_means.extend((rows["lower"] <= truth) & (truth <= rows["upper"]))
        difference = effects.group_difference(
            shares, groups, TOPICS, "a", "b", n_boot=400, random_state=i
        )
        truth = truth_a - truth_b
        covered_difference.extend((difference["lower"] <= truth) & (truth <= difference["upper"]))
    assert np.mean(covered_means) >= 0.90
    assert np.mean(covered_difference) >= 0.90
    # And they are not trivially wide: the planted difference of 0.25 is found.
    assert difference.loc[0, "lower"] > 0 and difference.loc[1, "upper"] < 0


def test_intervals_shrink_with_more_documents():
    rng = np.random.default_rng(1)
    widths = {}
    for n in (40, 400):
        shares, groups = simulated_corpus(rng, n, n)
        table = effects.group_prevalence(shares, groups, TOPICS, n_boot=400)
        widths[n] = (table["upper"] - table["lower"]).mean()
    # The width goes as 1 / sqrt(n): ten times the documents, about a third of the width.
    assert widths[400] < 0.45 * widths[40]


def test_estimates_are_the_group_means_and_small_groups_get_no_interval():
    shares = np.array([[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.5, 0.5]])
    groups = ["x", "x", None, "y"]
    table = effects.group_prevalence(
        shares, groups, ["t1", "t2"], group_order=["x", "y", "z"], min_documents=2
    )
    assert table["group"].tolist() == ["x", "x", "y", "y", "z", "z"]
    x = table[table["group"] == "x"]
    assert x["estimate"].tolist() == pytest.approx([0.3, 0.7])
    assert x["documents"].tolist() == [2, 2]
    assert (x["lower"] <= x["estimate"]).all() and (x["estimate"] <= x["upper"]).all()
    y = table[table["group"] == "y"]
    assert y["lower"].isna().all() and y["note"].str.contains("fewer than 2").all()
    z = table[table["group"] == "z"]
    assert (z["documents"] == 0).all() and z["estimate"].isna().all()


def test_difference_of_groups_and_reproducibility():
    rng = np.random.default_rng(2)
    shares, groups = simulated_corpus(rng, 50, 50)
    first = effects.group_difference(shares, groups, TOPICS, "a", "b", n_boot=200)
    again = effects.group_difference(shares, groups, TOPICS, "a", "b", n_boot=200)
    pd.testing.assert_frame_equal(first, again)
    assert first["contrast"].iloc[0] == "a − b"
    means = pd.DataFrame(shares).groupby(np.array(groups)).mean()
    assert first["estimate"].to_numpy() == pytest.approx((means.loc["a"] - means.loc["b"]).values)
    few = effects.group_difference(shares, groups, TOPICS, "a", "nobody")
    assert few["lower"].isna().all() and few["note"].str.contains("fewer than").all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"level": 1.0}, "level"), ({"n_boot": 0}, "resamples"), ({"min_documents": 1}, "min_docu")],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        effects.group_prevalence(np.ones((3, 1)), ["a"] * 3, ["t"], **kwargs)
