"""Topic curation: merges, drops and labels."""

from __future__ import annotations

import numpy as np
import pytest

from arabic_news_topics.topics import curate

THETA = np.array([[0.5, 0.2, 0.2, 0.1], [0.1, 0.1, 0.1, 0.7], [0.0, 0.0, 0.0, 1.0]])
PHI = np.array(
    [[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1], [0.1, 0.1, 0.1, 0.7]]
)


def test_without_curation_the_model_is_unchanged():
    result = curate.curate(THETA, PHI)
    np.testing.assert_allclose(result.theta, THETA)
    np.testing.assert_allclose(result.phi, PHI)
    assert result.table["members"].tolist() == ["1", "2", "3", "4"]


def test_a_merged_topic_sums_shares_and_mixes_words_by_prevalence():
    result = curate.curate(THETA, PHI, merge=[[3, 2]])
    assert result.table["members"].tolist() == ["1", "2+3", "4"]
    np.testing.assert_allclose(result.theta[:, 1], THETA[:, 1] + THETA[:, 2])
    np.testing.assert_allclose(result.theta.sum(axis=1), 1.0)
    # Topics 2 and 3 have equal corpus mass (0.3 each): the mixture is their mean.
    np.testing.assert_allclose(result.phi[1], (PHI[1] + PHI[2]) / 2)
    np.testing.assert_allclose(result.phi.sum(axis=1), 1.0)


def test_dropping_renormalizes_and_counts_documents_left_empty():
    result = curate.curate(THETA, PHI, drop=[4])
    assert result.table["members"].tolist() == ["1", "2", "3"]
    np.testing.assert_allclose(result.theta.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.theta[0], np.array([0.5, 0.2, 0.2]) / 0.9)
    # The third document was all topic 4: equal shares, and counted.
    np.testing.assert_allclose(result.theta[2], 1 / 3)
    assert result.emptied == 1


@pytest.mark.parametrize(
    ("merge", "drop", "message"),
    [
        ([[1, 9]], [], r"topics.merge\[0\]: topic 9 does not exist; the chosen model has K = 4"),
        ([[1]], [], r"topics.merge\[0\]: a group needs at least two topics"),
        ([[1, 2], [2, 3]], [], r"topics.merge\[1\]: topic 2 is already in topics.merge\[0\]"),
        ([[1, 2]], [2], r"topics.drop: topic 2 is also in topics.merge\[0\]"),
        ([], [1, 2, 3, 4], "topics.drop: it drops all 4 topics"),
        ([], [0], "topics.drop: topic 0 does not exist"),
    ],
)
def test_bad_curation_names_the_key(merge, drop, message):
    with pytest.raises(ValueError, match=message):
        curate.curate(THETA, PHI, merge=merge, drop=drop)


def test_labels_name_curated_topics_by_their_members():
    members = ["1", "2+3", "4"]
    words = ["ناتو حلف", "سوريا داعش", "سلام"]
    names = curate.topic_labels(members, {3: "syria", "1": "nato"}, words)
    assert names == ["nato", "syria", "سلام"]
    with pytest.raises(ValueError, match=r"topics.labels.7: topic 7 is not among"):
        curate.topic_labels(members, {7: "x"}, words)


def test_tables_carry_topic_names(tmp_path):
    import pandas as pd

    labels = tmp_path / "topic_labels.csv"
    labels.write_text("topic,label,labelled\n1,nato_russia,True\n2,سوريا داعش,False\n", "utf-8")
    names = curate.read_topic_names(str(labels))
    assert names == {1: "nato_russia", 2: "سوريا داعش"}
    frame = pd.DataFrame({"covariate": ["source"] * 3, "topic": ["topic_1", "topic_2", "topic_3"]})
    named = curate.with_topic_names(frame, names)
    assert list(named.columns) == ["covariate", "topic", "label"]
    assert named["label"].tolist() == ["nato_russia", "سوريا داعش", ""]
    by_number = curate.with_topic_names(pd.DataFrame({"topic": [2, 1]}), names)
    assert by_number["label"].tolist() == ["سوريا داعش", "nato_russia"]
    assert curate.read_topic_names(None) == {}
    assert curate.read_topic_names(str(labels), labelled_only=True) == {1: "nato_russia"}
