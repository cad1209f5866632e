"""Word rankings (probability, FREX, lift, relevance), exclusivity and representative
documents, against hand computations and stm's and LDAvis's published formulas."""

from __future__ import annotations

import numpy as np
import pytest

from arabic_news_topics.topics import describe

# Word 0 is topic 1's most probable word but topic 2 uses it more; word 1 is nearly only
# topic 1's.
PHI = np.array([[0.5, 0.3, 0.15, 0.05], [0.6, 0.05, 0.05, 0.3]])
VOCABULARY = ["قال", "ناتو", "حلف", "سلام"]


def test_frex_matches_a_hand_computation():
    # Topic 1: exclusivity phi/colsum = .4545, .857, .75, .1429 -> ECDF ranks .5, 1, .75, .25;
    # frequency ranks 1, .75, .5, .25; FREX = 1 / (.7 / excl + .3 / freq).
    expected = [
        1 / (0.7 / 0.5 + 0.3 / 1.0),
        1 / (0.7 / 1.0 + 0.3 / 0.75),
        1 / (0.7 / 0.75 + 0.3 / 0.5),
        1 / (0.7 / 0.25 + 0.3 / 0.25),
    ]
    assert describe.frex(PHI)[0] == pytest.approx(expected)
    # With all weight on frequency, FREX is the frequency rank.
    assert describe.frex(PHI, weight=0.0)[0] == pytest.approx([1.0, 0.75, 0.5, 0.25])


def stm_frex(phi: np.ndarray, w: float) -> np.ndarray:
    """stm's exclusivity() FREX written as its R code: ``mat <- tbeta / rowSums(tbeta)``
    (words x topics), ``ex <- apply(mat, 2, rank) / nrow(mat)``,
    ``fr <- apply(tbeta, 2, rank) / nrow(mat)``, ``1 / (w / ex + (1 - w) / fr)``."""
    tbeta = phi.T
    mat = tbeta / tbeta.sum(axis=1, keepdims=True)

    def rank(column):  # R's rank(): average ranks of ties, from 1
        order = sorted(range(len(column)), key=lambda i: column[i])
        ranks = [0.0] * len(column)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and column[order[j + 1]] == column[order[i]]:
                j += 1
            for m in range(i, j + 1):
                ranks[order[m]] = (i + j) / 2 + 1
            i = j + 1
        return np.array(ranks)

    ex = np.column_stack([rank(mat[:, k]) for k in range(mat.shape[1])]) / mat.shape[0]
    fr = np.column_stack([rank(tbeta[:, k]) for k in range(mat.shape[1])]) / mat.shape[0]
    return (1 / (w / ex + (1 - w) / fr)).T


def test_frex_and_exclusivity_match_stm_on_a_random_model():
    rng = np.random.default_rng(3)
    phi = rng.dirichlet(np.full(40, 0.3), size=6)
    phi[0, :3] = phi[0, 3]  # ties
    phi /= phi.sum(axis=1, keepdims=True)
    assert describe.frex(phi, 0.7) == pytest.approx(stm_frex(phi, 0.7))
    # stm: out[i] <- sum(frex[index[, i], i]), index = the M most probable words.
    top = np.argsort(-phi, axis=1, kind="stable")[:, :10]
    expected = [stm_frex(phi, 0.7)[k, top[k]].sum() for k in range(len(phi))]
    assert describe.topic_exclusivity(phi, 10, 0.7) == pytest.approx(expected)


def test_exclusivity_is_highest_for_topics_that_share_no_words():
    separate = np.array([[0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5]])
    shared = np.array([[0.5, 0.5, 0, 0], [0.5, 0.4, 0.1, 0]])
    assert (
        describe.topic_exclusivity(separate, 2).min() > describe.topic_exclusivity(shared, 2).max()
    )


def test_lift_and_relevance_match_their_formulas():
    counts = np.array([80, 10, 6, 4])
    p = counts / counts.sum()
    assert describe.word_frequencies(counts) == pytest.approx(p)
    assert describe.lift(PHI, p) == pytest.approx(PHI / p)
    lam = 0.6
    expected = lam * np.log(PHI) + (1 - lam) * np.log(PHI / p)
    assert describe.relevance(PHI, p, lam) == pytest.approx(expected)
    # λ = 1 is log probability, λ = 0 log lift (LDAvis's two ends).
    assert describe.relevance(PHI, p, 1.0) == pytest.approx(np.log(PHI))
    assert describe.relevance(PHI, p, 0.0) == pytest.approx(np.log(PHI / p))


def test_word_frequencies_keep_unseen_words_finite():
    p = describe.word_frequencies([4, 0])
    assert p == pytest.approx([4 / 4.5, 0.5 / 4.5])
    with pytest.raises(ValueError):
        describe.word_frequencies([])


def test_word_rankings_order_each_topic_four_ways():
    counts = np.array([80, 10, 6, 4])
    p = counts / counts.sum()
    display = ["قال", "الناتو", "حلف", "سلام"]
    table = describe.word_rankings(PHI, VOCABULARY, p, display, top_n=2)
    assert list(table.columns) == [
        "topic", "ranking", "rank", "term", "display", "probability", "frex", "lift", "relevance",
    ]  # fmt: skip
    first = table[table["topic"] == 1]
    by = {r: first[first["ranking"] == r]["term"].tolist() for r in describe.RANKINGS}
    assert by["probability"] == ["قال", "ناتو"]
    assert by["frex"] == ["ناتو", "حلف"]
    # The frequent word has a lift below 1; the rare exclusive word the highest.
    assert by["lift"] == ["ناتو", "حلف"]
    assert by["relevance"][0] == "ناتو"
    assert first[first["term"] == "ناتو"]["display"].iloc[0] == "الناتو"
    assert table["ranking"].unique().tolist() == list(describe.RANKINGS)


def test_relevance_lambda_moves_the_ranking_from_lift_to_probability():
    counts = np.array([80, 10, 6, 4])
    p = counts / counts.sum()
    at = {
        lam: describe.word_rankings(PHI, VOCABULARY, p, top_n=4, relevance_lambda=lam)
        for lam in (0.0, 1.0)
    }
    for lam, ranking in (("0", "lift"), ("1", "probability")):
        table = at[float(lam)]
        topic = table[table["topic"] == 2]
        assert (
            topic[topic["ranking"] == "relevance"]["term"].tolist()
            == topic[topic["ranking"] == ranking]["term"].tolist()
        )


def test_representative_documents_are_the_highest_shares():
    rng = np.random.default_rng(0)
    theta = rng.dirichlet(np.ones(3), size=50)
    ids = [f"d{i}" for i in range(50)]
    table = describe.representative_documents(theta, ids, 5)
    for k in range(3):
        rows = table[table["topic"] == k + 1]
        expected = [ids[i] for i in np.argsort(-theta[:, k])[:5]]
        assert rows["doc_id"].tolist() == expected
        assert rows["share"].is_monotonic_decreasing
        assert rows["rank"].tolist() == [1, 2, 3, 4, 5]


def test_representative_documents_break_ties_by_corpus_order():
    theta = np.array([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1]])
    table = describe.representative_documents(theta, ["a", "b", "c"], 2)
    assert table[table["topic"] == 2]["doc_id"].tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="rows"):
        describe.representative_documents(theta, ["a"], 2)


def test_snippet_and_headline():
    text = "العنوان هنا\n\n" + " ".join(["كلمة"] * 200)
    cut = describe.snippet(text, 50)
    assert cut.endswith(" …") and len(cut) <= 52
    assert "\n" not in cut
    assert describe.snippet("نص قصير", 50) == "نص قصير"
    assert describe.headline("", text) == "العنوان هنا"
    assert describe.headline("عنوان المقال", text) == "عنوان المقال"
    assert describe.headline(None, "") == ""
