"""Unit tests of the agreement with gold labels (arabic_news_topics.evaluation.core)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.evaluation import core as evaluation

CULTURE, ECONOMY, SPORT = "ثقافة", "economy", "رياضة"

#: Six articles in two groups: group 1 has two culture and one economy article, group 2 two
#: economy and one sport article.
LABELS = [CULTURE, CULTURE, ECONOMY, ECONOMY, ECONOMY, SPORT]
GROUPS = [1, 1, 1, 2, 2, 2]


def _entropy(counts: list[int]) -> float:
    n = sum(counts)
    return -sum(c / n * math.log(c / n) for c in counts if c)


# Hand-computed scores of LABELS against GROUPS. Cells (label, group) with their counts:
# (culture, 1) 2, (economy, 1) 1, (economy, 2) 2, (sport, 2) 1; label sizes 2, 3, 1; group
# sizes 3, 3.
MI = (
    2 / 6 * math.log(6 * 2 / (2 * 3))
    + 1 / 6 * math.log(6 * 1 / (3 * 3))
    + 2 / 6 * math.log(6 * 2 / (3 * 3))
    + 1 / 6 * math.log(6 * 1 / (1 * 3))
)
NMI = MI / ((_entropy([2, 3, 1]) + _entropy([3, 3])) / 2)
# ARI: pairs within cells 1 + 1 = 2, within labels 1 + 3 = 4, within groups 3 + 3 = 6, of 15
# pairs; expected 4 * 6 / 15 = 1.6, maximum (4 + 6) / 2 = 5.
ARI = (2 - 1.6) / (5 - 1.6)


@pytest.mark.parametrize(
    ("labels", "predicted", "expected"),
    [
        pytest.param(LABELS, GROUPS, 4 / 6, id="two-groups"),
        # Majorities: 2 culture in group 7, 2 economy in group 3, 1 of economy and sport in 9.
        pytest.param(LABELS, [7, 7, 3, 3, 9, 9], 5 / 6, id="three-groups"),
        pytest.param(LABELS, [1, 2, 3, 4, 5, 6], 1.0, id="singletons"),
        pytest.param(LABELS, [1] * 6, 3 / 6, id="one-group"),
        pytest.param(["a", "b", "a", "b"], [2, 2, 10, 10], 2 / 4, id="latin"),
    ],
)
def test_purity_by_hand(labels, predicted, expected):
    assert evaluation.purity(labels, predicted) == pytest.approx(expected)


def test_purity_needs_documents():
    with pytest.raises(ValueError, match="at least one"):
        evaluation.purity([], [])


def test_label_scores_by_hand():
    scores = evaluation.label_scores(LABELS, GROUPS)
    assert tuple(scores) == evaluation.METRICS
    assert scores["nmi"] == pytest.approx(NMI)
    assert scores["ari"] == pytest.approx(ARI)
    # V-measure is the NMI with the arithmetic mean of the entropies.
    assert scores["v_measure"] == pytest.approx(NMI)
    assert scores["purity"] == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    "predicted",
    [
        [1, 1, 2, 2, 2, 3],
        [3, 3, 1, 1, 1, 2],
        [20, 20, 10, 10, 10, 5],
    ],
    ids=["same-ids", "permuted-ids", "other-numbers"],
)
def test_perfect_grouping_scores_one(predicted):
    scores = evaluation.label_scores(LABELS, predicted)
    assert scores == pytest.approx(dict.fromkeys(evaluation.METRICS, 1.0))


@pytest.mark.parametrize(
    ("labels", "majority"),
    [
        pytest.param(LABELS, 3 / 6, id="arabic-and-latin"),
        pytest.param([CULTURE, CULTURE, CULTURE, SPORT], 3 / 4, id="three-of-four"),
    ],
)
def test_one_group_for_all(labels, majority):
    scores = evaluation.label_scores(labels, [4] * len(labels))
    assert scores["nmi"] == pytest.approx(0.0)
    assert scores["ari"] == pytest.approx(0.0)
    assert scores["v_measure"] == pytest.approx(0.0)
    assert scores["purity"] == pytest.approx(majority)


@pytest.mark.parametrize(
    ("theta", "expected"),
    [
        pytest.param([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]], [2, 1], id="clear"),
        pytest.param([[0.4, 0.4, 0.2], [0.2, 0.4, 0.4]], [1, 2], id="ties-to-lower"),
        pytest.param([[1.0], [1.0]], [1, 1], id="one-topic"),
    ],
)
def test_argmax_topics(theta, expected):
    assert evaluation.argmax_topics(np.array(theta)).tolist() == expected


def test_confusion_table_layout():
    labels = [CULTURE, ECONOMY, CULTURE, SPORT, ECONOMY, ECONOMY]
    predicted = [10, 2, 2, 10, 2, 1]
    table = evaluation.confusion_table(labels, predicted, "topic")
    # Groups in numeric order (2 before 10); labels sorted (Latin before Arabic letters).
    assert list(table.columns) == ["label", "topic_1", "topic_2", "topic_10", "total"]
    assert table["label"].tolist() == [ECONOMY, CULTURE, SPORT]
    assert table.drop(columns="label").values.tolist() == [
        [1, 2, 0, 3],
        [0, 1, 1, 2],
        [0, 0, 1, 1],
    ]
    for column in table.columns[1:]:
        assert pd.api.types.is_integer_dtype(table[column])


def test_confusion_table_of_numeric_strings_sorts_numerically():
    table = evaluation.confusion_table(["a", "b"], ["10", "9"], "cluster")
    assert list(table.columns) == ["label", "cluster_9", "cluster_10", "total"]
    assert table.drop(columns="label").values.tolist() == [[0, 1, 1], [1, 0, 1]]


def test_confusion_table_needs_equal_lengths():
    with pytest.raises(ValueError, match="3 labels for 2 predicted"):
        evaluation.confusion_table(LABELS[:3], GROUPS[:2], "topic")


def test_metrics_summary_by_hand():
    metrics = pd.DataFrame(
        [
            ("lda", 1, 0.50, 0.30, 0.50, 0.70, 6),
            ("kmeans", 1, 0.40, 0.20, 0.40, 0.60, 6),
            ("lda", 2, 0.70, 0.50, 0.70, 0.90, 6),
            ("lda", 3, 0.60, 0.10, 0.60, 0.80, 6),
        ],
        columns=["method", "seed", "nmi", "ari", "v_measure", "purity", "documents"],
    )
    table = evaluation.metrics_summary(metrics)
    assert list(table.columns) == [
        "method",
        "runs",
        "nmi_mean",
        "nmi_sd",
        "ari_mean",
        "ari_sd",
        "v_measure_mean",
        "v_measure_sd",
        "purity_mean",
        "purity_sd",
    ]
    assert table["method"].tolist() == ["lda", "kmeans"]
    assert table["runs"].tolist() == [3, 1]
    # lda nmi 0.5, 0.7, 0.6: mean 0.6, squared deviations 0.01 + 0.01 + 0 over 2 -> sd 0.1;
    # ari 0.3, 0.5, 0.1: mean 0.3, deviations 0 + 0.04 + 0.04 over 2 -> sd 0.2.
    lda = table.iloc[0]
    assert lda["nmi_mean"] == pytest.approx(0.6)
    assert lda["nmi_sd"] == pytest.approx(0.1)
    assert lda["ari_mean"] == pytest.approx(0.3)
    assert lda["ari_sd"] == pytest.approx(0.2)
    assert lda["v_measure_mean"] == pytest.approx(0.6)
    assert lda["purity_mean"] == pytest.approx(0.8)
    assert lda["purity_sd"] == pytest.approx(0.1)
    kmeans = table.iloc[1]
    assert kmeans["nmi_mean"] == pytest.approx(0.4)
    assert math.isnan(kmeans["nmi_sd"])  # one run


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        pytest.param(
            [CULTURE, "", None, float("nan"), "  ", ECONOMY, pd.NA, SPORT], [0, 5, 7], id="mixed"
        ),
        pytest.param([CULTURE, ECONOMY], [0, 1], id="all-labelled"),
        pytest.param([None, ""], [], id="none-labelled"),
        pytest.param(pd.Series([SPORT, np.nan, CULTURE]), [0, 2], id="series"),
    ],
)
def test_labelled_positions(labels, expected):
    assert evaluation.labelled_positions(labels).tolist() == expected
