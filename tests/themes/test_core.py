"""Unit tests of stage 6, themes (arabic_news_topics.themes.core), on hand-made distributions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from arabic_news_topics.themes import core as themes

# ---------------------------------------------------------------------------------------
# seed_word_table

SEED_THEMES = {
    "nato_relations": ["الناتو", "حلف شمال الأطلسي", "في"],
    "terrorism": ["داعش", "مكافحة الإرهاب"],
}
SEED_NORMALIZED = {
    "nato_relations": [["ناتو"], ["حلف", "اطلسي"], []],
    "terrorism": [["داعش"], ["مكافحه", "ارهاب"]],
}
TERM_COUNTS = {"ناتو": 5, "حلف": 3, "اطلسي": 2, "ارهاب": 4}


def test_seed_word_table_columns():
    table = themes.seed_word_table(SEED_THEMES, SEED_NORMALIZED, TERM_COUNTS)
    assert list(table.columns) == [
        "theme", "seed_word", "normalized", "corpus_count", "status", "matched_terms",
        "matched_count", "matched_count_in_topics",
    ]  # fmt: skip
    assert len(table) == 5


@pytest.mark.parametrize(
    ("seed_word", "normalized", "count", "status"),
    [
        pytest.param("الناتو", "ناتو", 5, "found", id="found"),
        pytest.param("حلف شمال الأطلسي", "حلف اطلسي", 2, "found", id="phrase-count-is-min"),
        pytest.param("في", "", 0, "removed_by_normalization", id="stopword-only"),
        pytest.param("داعش", "داعش", 0, "not_in_corpus", id="absent-word"),
        pytest.param("مكافحة الإرهاب", "مكافحه ارهاب", 0, "not_in_corpus", id="phrase-one-absent"),
    ],
)
def test_seed_word_table_rows(seed_word, normalized, count, status):
    table = themes.seed_word_table(SEED_THEMES, SEED_NORMALIZED, TERM_COUNTS).set_index("seed_word")
    row = table.loc[seed_word]
    assert (row["normalized"], row["corpus_count"], row["status"]) == (normalized, count, status)


# ---------------------------------------------------------------------------------------
# theme_scores and best_theme

VOCABULARY = ["ناتو", "حلف", "اطلسي", "ارهاب", "داعش", "قمه"]
DISTRIBUTIONS = np.array(
    [
        [0.4, 0.2, 0.1, 0.0, 0.0, 0.3],  # a NATO topic
        [0.0, 0.05, 0.0, 0.5, 0.45, 0.0],  # a terrorism topic
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],  # neither
    ]
)
NORMALIZED = {
    # مجلس is not in the vocabulary: the phrase مجلس ناتو adds nothing.
    "nato_relations": [["ناتو"], ["حلف", "اطلسي"], ["مجلس", "ناتو"]],
    # مكافحه is not in the vocabulary either.
    "terrorism": [["داعش"], ["ارهاب"], ["مكافحه", "ارهاب"]],
}


def test_theme_scores_by_hand():
    scores = themes.theme_scores(DISTRIBUTIONS, VOCABULARY, NORMALIZED)
    assert list(scores.columns) == ["nato_relations", "terrorism"]
    # NATO topic: 0.4 (ناتو) + min(0.2, 0.1) (حلف اطلسي) = 0.5.
    # Terrorism topic: the phrase حلف اطلسي takes min(0.05, 0) = 0; terrorism 0.45 + 0.5.
    np.testing.assert_allclose(scores.to_numpy(), [[0.5, 0.0], [0.0, 0.95], [0.0, 0.0]])


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        pytest.param([["حلف", "اطلسي"]], [0.1, 0.0, 0.0], id="phrase-counts-with-rarest-word"),
        pytest.param([["حلف", "قمه"]], [0.2, 0.0, 0.0], id="phrase-min-of-two"),
        pytest.param([["حلف", "مؤتمر"]], [0.0, 0.0, 0.0], id="missing-word-gives-zero"),
        pytest.param([["قمه"], ["قمه"]], [0.6, 0.0, 2.0], id="repeated-seed-counts-twice"),
        pytest.param([[]], [0.0, 0.0, 0.0], id="empty-seed"),
    ],
)
def test_theme_scores_single_theme(seeds, expected):
    scores = themes.theme_scores(DISTRIBUTIONS, VOCABULARY, {"theme": seeds})
    np.testing.assert_allclose(scores["theme"], expected)


@pytest.mark.parametrize(
    ("rows", "names", "values"),
    [
        pytest.param(
            {"nato": [0.5, 0.0, 0.2], "terror": [0.1, 0.0, 0.2]},
            ["nato", "none", "nato"],
            [0.5, 0.0, 0.2],
            id="max-none-and-tie-to-first-column",
        ),
        pytest.param({"nato": [0.0], "terror": [0.3]}, ["terror"], [0.3], id="second-column-wins"),
    ],
)
def test_best_theme(rows, names, values):
    got_names, got_values = themes.best_theme(pd.DataFrame(rows))
    assert got_names == names
    assert got_values == pytest.approx(values)


@pytest.mark.parametrize(
    ("min_score", "names"),
    [
        # A sports topic with 0.004 of its mass on seed words matches no theme at 0.01.
        (0.0, ["nato", "terror"]),
        (0.01, ["nato", "none"]),
        (0.6, ["none", "none"]),
        (0.5, ["nato", "none"]),  # the bound itself still matches
    ],
)
def test_best_theme_below_min_score_is_none(min_score, names):
    scores = pd.DataFrame({"nato": [0.5, 0.001], "terror": [0.1, 0.004]})
    got_names, got_values = themes.best_theme(scores, min_score)
    assert got_names == names
    assert got_values == pytest.approx([0.5, 0.004])  # the best score is kept, theme or not


def test_document_theme_scores_min_score():
    # Topics only: d2's best score is terror 0.5, d3's nato 0.45 (the by-hand case below).
    table = themes.document_theme_scores(
        ["d1", "d2", "d3"], COUNTS, THETA, PHI, DOC_VOCABULARY, DOC_NORMALIZED, 1.0, 0.46
    )
    assert table["dominant_theme"].tolist() == ["nato", "terror", "none"]


def test_best_theme_without_themes_is_none():
    names, values = themes.best_theme(pd.DataFrame(index=range(2)))
    assert names == [themes.NO_THEME, themes.NO_THEME]
    assert values == [0.0, 0.0]


# ---------------------------------------------------------------------------------------
# document_theme_scores

DOC_VOCABULARY = ["ناتو", "حلف", "ارهاب", "نفط"]
DOC_NORMALIZED = {"nato": [["ناتو"], ["حلف", "ناتو"]], "terror": [["ارهاب"]]}
COUNTS = sp.csr_matrix(np.array([[2, 1, 0, 1], [0, 0, 3, 1], [0, 0, 0, 0]]))
THETA = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
PHI = np.array([[0.5, 0.3, 0.1, 0.1], [0.1, 0.0, 0.6, 0.3]])


@pytest.mark.parametrize(
    ("topic_weight", "nato", "terror", "dominant"),
    [
        # Own words only: d1 has ناتو 2/4 and حلف 1/4, so 0.5 + min(0.25, 0.5); d2 ارهاب 3/4;
        # d3 has no words at all.
        pytest.param(
            0.0, [0.75, 0.0, 0.0], [0.0, 0.75, 0.0], ["nato", "terror", "none"], id="own-words-only"
        ),
        # Topics only: theta @ phi gives ناتو .46/.18/.30, حلف .27/.06/.15, ارهاب .15/.50/.35.
        pytest.param(
            1.0, [0.73, 0.24, 0.45], [0.15, 0.5, 0.35], ["nato", "terror", "nato"], id="topics-only"
        ),
        # Half and half, mixed per word before the minimum of a phrase is taken.
        pytest.param(
            0.5,
            [0.74, 0.12, 0.225],
            [0.075, 0.625, 0.175],
            ["nato", "terror", "nato"],
            id="half-and-half",
        ),
    ],
)
def test_document_theme_scores_by_hand(topic_weight, nato, terror, dominant):
    table = themes.document_theme_scores(
        ["d1", "d2", "d3"], COUNTS, THETA, PHI, DOC_VOCABULARY, DOC_NORMALIZED, topic_weight
    )
    assert list(table.columns) == ["doc_id", "nato", "terror", "dominant_theme"]
    assert table["doc_id"].tolist() == ["d1", "d2", "d3"]
    np.testing.assert_allclose(table["nato"], nato)
    np.testing.assert_allclose(table["terror"], terror)
    assert table["dominant_theme"].tolist() == dominant


# ---------------------------------------------------------------------------------------
# theme_prevalence and topic_summary


def doc_themes_frame(dominant: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "nato": [0.75, 0.0, 0.0],
            "terror": [0.0, 0.75, 0.0],
            "dominant_theme": dominant,
        }
    )


def test_theme_prevalence_with_undecided_documents():
    table = themes.theme_prevalence(
        doc_themes_frame(["nato", "terror", "none"]), ["nato", "terror", "peace"]
    )
    assert list(table.columns) == ["theme", "documents", "share", "mean_score"]
    assert table["theme"].tolist() == ["nato", "terror", "peace", "none"]
    assert table["documents"].tolist() == [1, 1, 0, 1]
    assert table["share"].tolist() == pytest.approx([1 / 3, 1 / 3, 0.0, 1 / 3])
    assert table["mean_score"].iloc[0] == pytest.approx(0.25)
    assert table["mean_score"].iloc[1] == pytest.approx(0.25)
    # A theme without a score column, and "none", have no mean score.
    assert math.isnan(table["mean_score"].iloc[2])
    assert math.isnan(table["mean_score"].iloc[3])


def test_theme_prevalence_leaves_out_none_when_every_document_has_a_theme():
    table = themes.theme_prevalence(
        doc_themes_frame(["nato", "terror", "nato"]), ["nato", "terror"]
    )
    assert table["theme"].tolist() == ["nato", "terror"]
    assert table["documents"].tolist() == [2, 1]
    assert table["share"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_topic_summary():
    topics = pd.DataFrame(
        {
            "topic": [2, 1, 1, 1, 2, 2],
            "rank": [2, 3, 1, 2, 1, 3],
            "term": ["اقتصاد", "قمه", "ناتو", "حلف", "نفط", "بنك"],
            "weight": [0.2, 0.1, 0.5, 0.3, 0.4, 0.1],
        }
    )
    topic_themes = pd.DataFrame(
        {"topic": [1, 2], "best_theme": ["nato_relations", "none"], "best_score": [0.8, 0.0]}
    )
    table = themes.topic_summary(topics, topic_themes, top_n=2)
    assert list(table.columns) == ["topic", "top_words", "top_terms", "theme", "score"]
    assert list(table.itertuples(index=False, name=None)) == [
        (1, "ناتو، حلف", "ناتو، حلف", "nato_relations", 0.8),
        (2, "نفط، اقتصاد", "نفط، اقتصاد", "none", 0.0),
    ]
    # With display forms, top_words shows them and top_terms keeps the normalized terms.
    shown = topics.assign(display=["اقتصاد", "قمة", "الناتو", "حلف", "نفط", "بنك"])
    table = themes.topic_summary(shown, topic_themes, top_n=2)
    assert table["top_words"].tolist() == ["الناتو، حلف", "نفط، اقتصاد"]
    assert table["top_terms"].tolist() == ["ناتو، حلف", "نفط، اقتصاد"]


# ---------------------------------------------------------------------------------------
# Seed words match their inflections


@pytest.mark.parametrize(
    ("term", "stem"),
    [
        ("اقتصاد", "اقتصاد"),
        ("اقتصادي", "اقتصاد"),
        ("اقتصاديه", "اقتصاد"),
        ("اقتصادات", "اقتصاد"),
        ("ارهابيين", "ارهاب"),
        ("مفاوضات", "مفاوض"),
        ("مفاوضه", "مفاوض"),
        ("قمه", "قمه"),  # two letters would be left
        ("ناتو", "ناتو"),
        ("شرق_اوسط", "شرق_اوسط"),
    ],
)
def test_matching_stem(term, stem):
    assert themes.matching_stem(term) == stem


def test_a_seed_word_matches_its_inflections_with_their_counts():
    counts = {"اقتصاد": 5, "اقتصادي": 9, "اقتصاديه": 2, "قصد": 7, "ارهاب": 4, "حلف": 3}
    normalized = {"economy": [["اقتصاد"], ["اقتصادي"]], "nato": [["حلف", "ارهاب"], ["ناتو"]]}
    matched = themes.match_seed_terms(normalized, counts, "light_stem")
    assert matched["economy"][0] == [("اقتصادي", 9), ("اقتصاد", 5), ("اقتصاديه", 2)]
    assert matched["economy"][1] == matched["economy"][0]
    # A seed of several words matches only itself, and only when all its words occur.
    assert matched["nato"][0] == [("ارهاب", 4), ("حلف", 3)]
    assert matched["nato"][1] == []
    exact = themes.match_seed_terms(normalized, counts, "exact")
    assert exact["economy"][0] == [("اقتصاد", 5)]
    with pytest.raises(ValueError, match="seed_matching"):
        themes.match_seed_terms(normalized, counts, "root")
    expanded = themes.expand_seed_words(normalized, matched)
    # Each term once per theme; the seed of two words stays one seed.
    assert expanded["economy"] == [["اقتصاد"], ["اقتصادي"], ["اقتصاديه"]]
    assert expanded["nato"] == [["حلف", "ارهاب"], ["ناتو"]]
    table = themes.seed_word_table(
        {"economy": ["اقتصاد", "الاقتصادي"], "nato": ["حلف الإرهاب", "الناتو"]},
        normalized,
        counts,
        matched,
    )
    assert table["matched_terms"].iloc[0] == "اقتصادي (9); اقتصاد (5); اقتصاديه (2)"
    # Shown as the corpus wrote them where display forms are given.
    shown = themes.seed_word_table(
        {"economy": ["اقتصاد"]},
        {"economy": [["اقتصاد"]]},
        counts,
        {"economy": [matched["economy"][0]]},
        {"اقتصاديه": "اقتصادية"},
    )
    assert shown["matched_terms"].iloc[0] == "اقتصادي (9); اقتصاد (5); اقتصادية (2)"
    assert table["matched_count"].tolist() == [16, 16, 7, 0]
    assert table["status"].tolist() == ["found", "found", "found", "not_in_corpus"]
    # Without the topic models' vocabulary, every matched occurrence counts there too.
    assert table["matched_count_in_topics"].tolist() == [16, 16, 7, 0]
    # A matched term the topic models' vocabulary left out (a word of one document, say)
    # is counted apart: the theme scores do not see it.
    in_topics = themes.seed_word_table(
        {"economy": ["اقتصاد"]},
        {"economy": [["اقتصاد"]]},
        counts,
        {"economy": [matched["economy"][0]]},
        topic_vocabulary={"اقتصادي", "اقتصاد"},
    )
    assert in_topics["matched_count"].tolist() == [16]
    assert in_topics["matched_count_in_topics"].tolist() == [14]


def test_inflections_raise_the_theme_score_of_a_topic_that_uses_them():
    vocabulary = ["اقتصاد", "اقتصادي", "نفط"]
    phi = np.array([[0.1, 0.6, 0.3]])
    normalized = {"economy": [["اقتصاد"]]}
    counts = dict.fromkeys(vocabulary, 1)
    expanded = themes.expand_seed_words(normalized, themes.match_seed_terms(normalized, counts))
    assert themes.theme_scores(phi, vocabulary, normalized)["economy"].iloc[0] == pytest.approx(0.1)
    assert themes.theme_scores(phi, vocabulary, expanded)["economy"].iloc[0] == pytest.approx(0.7)
