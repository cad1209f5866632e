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
    assert first[["first", "second"]].drop_duplicates().to_numpy().tolist() == [["a", "b"]]
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


def confounded_corpus(rng, n: int = 200):
    """Outlet a publishes mostly after the split, and after the split topic 1 grows by 0.2;
    the outlet itself changes nothing."""
    outlet = rng.choice(["a", "b"], n)
    after = np.where(outlet == "a", rng.random(n) < 0.8, rng.random(n) < 0.2)
    base = rng.dirichlet([2.0, 2.0, 2.0], n) * 0.8
    shares = base.copy()
    shares[:, 0] += np.where(after, 0.2, 0.0)
    shares[:, 1] += np.where(after, 0.0, 0.2)
    covariates = pd.DataFrame({"source": outlet, "split": np.where(after, "after", "before")})
    return shares, covariates


def test_adjusted_differences_remove_a_confounded_outlet_effect():
    """The outlet's raw difference is the split's effect; adjusted for the split it is
    zero, and the intervals cover zero in at least 90 % of 100 simulated corpora and the
    planted split effect (0.2 on topic 1) likewise."""
    rng = np.random.default_rng(7)
    covered_outlet, covered_split, raw = [], [], []
    for i in range(100):
        shares, covariates = confounded_corpus(rng)
        table = effects.adjusted_differences(
            shares, covariates, TOPICS, n_boot=1000, random_state=i
        )
        outlet = table[(table["covariate"] == "source") & (table["outcome"] == "topic_1")].iloc[0]
        split = table[(table["covariate"] == "split") & (table["outcome"] == "topic_1")].iloc[0]
        covered_outlet.append(outlet.lower <= 0 <= outlet.upper)
        sign = 1 if split.group == "after" else -1
        covered_split.append(split.lower <= sign * 0.2 <= split.upper)
        marginal = effects.group_difference(
            shares, covariates["source"].tolist(), TOPICS, "a", "b", n_boot=50
        )
        raw.append(marginal.loc[0, "estimate"])
    assert np.mean(covered_outlet) >= 0.90
    assert np.mean(covered_split) >= 0.90
    # Without the adjustment, outlet a seems to write 0.12 more of topic 1.
    assert np.mean(raw) > 0.08


def test_adjusted_differences_name_their_reference_and_leave_out_incomplete_documents():
    shares = np.array([[0.6, 0.4], [0.5, 0.5], [0.2, 0.8], [0.3, 0.7], [0.9, 0.1]])
    covariates = pd.DataFrame({"source": ["x", "x", "y", "x", None]})
    table = effects.adjusted_differences(
        shares, covariates, ["t1", "t2"], n_boot=50, min_documents=2
    )
    assert table["group"].tolist() == ["y", "y"]
    assert table["reference"].tolist() == ["x", "x"]  # the largest group
    # With one covariate the coefficient is the difference of the group means.
    assert table["estimate"].iloc[0] == pytest.approx(0.2 - np.mean([0.6, 0.5, 0.3]))
    assert table["lower"].isna().all() and table["note"].str.contains("fewer than 2").all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cell_regression_equals_the_document_regression(seed):
    """A resample's coefficients from the distinct covariate rows equal weighted least
    squares on the documents themselves, including resamples that leave a group empty
    (a rank-deficient design: both give the minimum-norm solution)."""
    rng = np.random.default_rng(seed)
    n = 200
    covariates = pd.DataFrame(
        {
            "source": rng.choice(["a", "b", "c", "rare"], n, p=[0.5, 0.3, 0.19, 0.01]),
            "period": rng.choice(["2015-07", "2015-08"], n),
        }
    )
    design, _ = effects._design(covariates)
    y = rng.dirichlet([1.0, 2.0, 3.0], n)
    cells, members = effects._cells(design)
    assert sum(len(rows) for rows in members) == n
    for rows, cell in zip(members, cells, strict=True):
        assert (design[rows] == cell).all()
    for _ in range(5):
        weights = rng.multinomial(n, np.full(n, 1.0 / n)).astype(float)
        weights[covariates["source"].to_numpy() == "rare"] = 0.0  # an empty group
        root = np.sqrt(weights)[:, None]
        expected = np.linalg.lstsq(design * root, y * root, rcond=None)[0]
        cell_weights = np.array([weights[rows].sum() for rows in members])
        cell_sums = np.stack([weights[rows] @ y[rows] for rows in members])
        got = effects.weighted_coefficients(cells, cell_weights, cell_sums)
        np.testing.assert_allclose(got, expected, atol=1e-10)


@pytest.mark.parametrize("n", [1, 7, 300])
def test_resample_counts_are_rows_drawn_with_replacement(n):
    """Each resample counts n rows drawn with replacement: multinomial counts that sum to n,
    each row's count with mean 1 and variance 1 - 1/n, and blocks that cover every
    resample once; the same generator state gives the same resamples."""
    n_boot = 4000
    blocks = list(effects._resample_counts(n, n_boot, np.random.default_rng(5)))
    assert [start for start, _ in blocks] == list(range(0, n_boot, effects._BLOCK))
    counts = np.vstack([block for _, block in blocks])
    assert counts.shape == (n_boot, n)
    assert (counts >= 0).all() and (counts.sum(axis=1) == n).all()
    # Standard errors of the mean and of the variance over 4,000 resamples are below 0.02
    # and 0.03 for every n here: 5 of them is a wide margin.
    assert np.abs(counts.mean(axis=0) - 1).max() < 0.1
    if n > 1:
        assert np.abs(counts.var(axis=0) - (1 - 1 / n)).max() < 0.2
    again = np.vstack([b for _, b in effects._resample_counts(n, n_boot, np.random.default_rng(5))])
    np.testing.assert_array_equal(again, counts)
