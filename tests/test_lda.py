"""Unit tests of stage 4, LDA topics (arabic_news_topics.lda).

The planted-topic corpus is made of three disjoint Arabic vocabularies; every document is
drawn from one of them, so a working LDA must find exactly those three topics.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from gensim.models import CoherenceModel
from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

from arabic_news_topics import lda

PLANTED = {
    "terrorism": ["ارهاب", "داعش", "تفجير", "هجوم", "متطرف", "انتحاري", "تنظيم", "ضحايا"],
    "nato": ["ناتو", "حلف", "اطلسي", "قمه", "عسكري", "بروكسل", "صواريخ", "دفاع"],
    "economy": ["اقتصاد", "نفط", "اسعار", "تضخم", "بنك", "استثمار", "عمله", "ميزانيه"],
}
NAMES = list(PLANTED)
N_DOCS = 60
DOC_LENGTH = 30


def planted_corpus() -> tuple[list[str], list[list[str]], list[str]]:
    """Document ids, token lists and planted labels, drawn with a fixed RandomState."""
    rng = np.random.RandomState(7)
    labels = [NAMES[i] for i in rng.randint(0, 3, size=N_DOCS)]
    tokens = [rng.choice(PLANTED[label], size=DOC_LENGTH).tolist() for label in labels]
    doc_ids = [f"doc_{i:02d}" for i in range(N_DOCS)]
    return doc_ids, tokens, labels


# 20 passes find the planted topics for every random_state tried (0-19 and 42).
FIT = {"num_topics": 3, "random_state": 42, "passes": 20, "iterations": 100}


@pytest.fixture(scope="module")
def planted():
    doc_ids, tokens, labels = planted_corpus()
    dictionary = lda.build_dictionary(tokens)
    bow = [dictionary.doc2bow(t) for t in tokens]
    model = lda.fit_lda(bow, dictionary, **FIT)
    return {
        "doc_ids": doc_ids,
        "tokens": tokens,
        "labels": labels,
        "dictionary": dictionary,
        "bow": bow,
        "model": model,
    }


def planted_name(words) -> str | None:
    """The planted vocabulary that holds all of ``words``, or None."""
    for name, vocabulary in PLANTED.items():
        if set(words) <= set(vocabulary):
            return name
    return None


def test_planted_corpus_uses_every_topic():
    _, tokens, labels = planted_corpus()
    assert set(labels) == set(NAMES)
    assert all(len(t) == DOC_LENGTH for t in tokens)


def test_each_topic_recovers_one_planted_vocabulary(planted):
    table = lda.topics_table(planted["model"], top_n=5)
    found = []
    for topic in (1, 2, 3):
        words = table.loc[table["topic"] == topic, "term"].tolist()
        assert len(words) == 5
        name = planted_name(words)
        assert name is not None, f"topic {topic} mixes vocabularies: {words}"
        found.append(name)
    assert sorted(found) == sorted(NAMES)


def test_doc_topics_recover_planted_labels(planted):
    model = planted["model"]
    table = lda.doc_topics_table(model, planted["bow"], planted["doc_ids"])
    topic_names = {
        k: planted_name(lda.topics_table(model, top_n=5).query("topic == @k")["term"].tolist())
        for k in (1, 2, 3)
    }
    theta = table[["topic_1", "topic_2", "topic_3"]].to_numpy()
    predicted = [topic_names[k + 1] for k in theta.argmax(axis=1)]
    agreement = np.mean([p == t for p, t in zip(predicted, planted["labels"], strict=True)])
    assert agreement >= 0.95


def test_topics_table_layout(planted):
    model = planted["model"]
    table = lda.topics_table(model, top_n=4)
    assert list(table.columns) == ["topic", "rank", "term", "weight"]
    assert table["topic"].tolist() == [1] * 4 + [2] * 4 + [3] * 4
    assert table["rank"].tolist() == [1, 2, 3, 4] * 3
    for _, group in table.groupby("topic"):
        assert group["weight"].is_monotonic_decreasing
    assert set(table["term"]) <= {w for v in PLANTED.values() for w in v}


def test_doc_topics_table_layout(planted):
    table = lda.doc_topics_table(planted["model"], planted["bow"], planted["doc_ids"])
    assert list(table.columns) == ["doc_id", "topic_1", "topic_2", "topic_3"]
    assert table["doc_id"].tolist() == planted["doc_ids"]
    np.testing.assert_allclose(table.drop(columns="doc_id").sum(axis=1), 1.0, atol=1e-6)


def test_topic_term_matrix_rows_are_distributions(planted):
    phi = lda.topic_term_matrix(planted["model"])
    assert phi.shape == (3, 24)
    np.testing.assert_allclose(phi.sum(axis=1), 1.0, atol=1e-5)


def test_same_random_state_gives_identical_topics(planted):
    again = lda.fit_lda(planted["bow"], planted["dictionary"], **FIT)
    pd.testing.assert_frame_equal(
        lda.topics_table(planted["model"], top_n=8), lda.topics_table(again, top_n=8)
    )


def token_ids(planted) -> lda.TokenIds:
    return lda.TokenIds.from_token_lists(planted["tokens"], planted["dictionary"])


def test_coherence_scores_are_finite_and_positive_for_planted_topics(planted):
    scores = lda.coherence_scores(planted["model"], token_ids(planted), planted["dictionary"], 5)
    assert set(scores) == {"c_v", "c_npmi"}
    assert all(math.isfinite(v) for v in scores.values())
    # Each topic's top words always occur together: they co-occur above chance.
    assert scores["c_npmi"] > 0
    assert 0 < scores["c_v"] <= 1


@pytest.mark.parametrize("measure", ["c_v", "c_npmi"])
@pytest.mark.parametrize("top_n", [3, 8])
def test_coherence_scores_equal_gensim_on_texts(planted, measure, top_n):
    expected = CoherenceModel(
        model=planted["model"],
        texts=planted["tokens"],
        dictionary=planted["dictionary"],
        coherence=measure,
        topn=top_n,
        processes=1,
    ).get_coherence()
    scores = lda.coherence_scores(
        planted["model"], token_ids(planted), planted["dictionary"], top_n
    )
    assert scores[measure] == pytest.approx(expected, rel=1e-12)


#: Texts for the window counts: repeats within a window (which gensim's sliding window stops
#: counting when the earlier copy leaves), documents shorter than the window, an empty one,
#: and words outside the dictionary.
WINDOW_TEXTS = [
    ["ناتو", "حلف", "ناتو", "قمه", "سلام", "ناتو", "حلف", "داعش", "غريب", "ناتو", "قمه"],
    ["سلام"],
    [],
    ["حلف", "حلف", "حلف", "ناتو"],
    ["داعش", "غريب", "غريب", "سلام", "داعش", "ناتو", "سلام", "سلام", "قمه", "داعش", "حلف"],
    ["قمه", "ناتو"],
]


@pytest.mark.parametrize("window", [1, 2, 3, 4, 10, 110])
@pytest.mark.parametrize("drop", [(), ("غريب",), ("غريب", "سلام")])
def test_window_accumulator_counts_as_gensim(window, drop):
    dictionary = lda.build_dictionary(WINDOW_TEXTS)
    dictionary.filter_tokens(bad_ids=[dictionary.token2id[w] for w in drop])
    relevant = {
        dictionary.token2id[w] for w in ("ناتو", "حلف", "داعش", "قمه", "سلام") if w not in drop
    }
    expected = WordOccurrenceAccumulator(relevant, dictionary).accumulate(WINDOW_TEXTS, window)
    ids = lda.TokenIds.from_token_lists(WINDOW_TEXTS, dictionary)
    counted = lda.WindowAccumulator(relevant, dictionary, ids, window)
    assert counted.num_docs == expected.num_docs
    words = [dictionary[i] for i in relevant]
    for first in words:
        assert counted[first] == expected[first], first
        for second in words:
            assert counted[first, second] == expected[first, second], (first, second)


def test_window_accumulator_counts_on_random_texts():
    rng = np.random.RandomState(3)
    vocabulary = [f"كلمه{i}" for i in range(30)]
    texts = [rng.choice(vocabulary, size=rng.randint(0, 60)).tolist() for _ in range(40)]
    dictionary = lda.build_dictionary(texts, no_below=2)
    relevant = set(rng.choice(len(dictionary), size=12, replace=False).tolist())
    ids = lda.TokenIds.from_token_lists(texts, dictionary)
    for window in (5, 10, 25):
        expected = WordOccurrenceAccumulator(relevant, dictionary).accumulate(texts, window)
        counted = lda.WindowAccumulator(relevant, dictionary, ids, window)
        np.testing.assert_array_equal(counted._occurrences, expected._occurrences)
        np.testing.assert_array_equal(
            counted._co_occurrences, expected._co_occurrences.toarray().astype(np.int64)
        )
        assert counted.num_docs == expected.num_docs


def test_document_topics_equal_gensim_document_by_document(planted):
    model = lda.fit_lda(planted["bow"], planted["dictionary"], **FIT)
    one_by_one = np.array(
        [
            [p for _, p in model.get_document_topics(doc, minimum_probability=0.0)]
            for doc in planted["bow"]
        ]
    )
    again = lda.fit_lda(planted["bow"], planted["dictionary"], **FIT)
    np.testing.assert_allclose(lda.document_topics(again, planted["bow"], chunksize=7), one_by_one)


@pytest.mark.parametrize(
    ("passes", "n_docs", "chunksize", "expected"),
    [
        pytest.param(3, 100_000, 2000, 3, id="a-number-is-kept"),
        pytest.param("auto", 5, 2000, 20, id="one-chunk-20-passes"),
        pytest.param("auto", 2268, 2000, 10, id="two-chunks-10-passes"),
        pytest.param("auto", 29_887, 2000, 2, id="15-chunks-2-passes"),
        pytest.param("auto", 40_000, 2000, 1, id="20-chunks-1-pass"),
        pytest.param("auto", 1_000_000, 2000, 1, id="never-below-1"),
        pytest.param("auto", 0, 2000, 20, id="empty"),
    ],
)
def test_resolve_passes(passes, n_docs, chunksize, expected):
    assert lda.resolve_passes(passes, n_docs, chunksize) == expected


def test_topics_table_breaks_ties_by_term():
    class Model:
        def __init__(self):
            self.id2word = {0: "ناتو", 1: "حلف", 2: "داعش", 3: "سلام"}

        @staticmethod
        def get_topics():
            return np.array([[0.25, 0.25, 0.25, 0.25], [0.1, 0.4, 0.1, 0.4]])

    table = lda.topics_table(Model(), top_n=3)
    assert table["term"].tolist() == ["حلف", "داعش", "سلام", "حلف", "سلام", "داعش"]


@pytest.mark.parametrize(
    ("rows", "measure", "expected"),
    [
        pytest.param(
            {"num_topics": [2, 3, 4], "c_npmi": [0.01, 0.12, 0.05], "c_v": [0.6, 0.3, 0.9]},
            "c_npmi",
            3,
            id="maximum-npmi",
        ),
        pytest.param(
            {"num_topics": [2, 3, 4], "c_npmi": [0.01, 0.12, 0.05], "c_v": [0.6, 0.3, 0.9]},
            "c_v",
            4,
            id="maximum-cv",
        ),
        pytest.param(
            {"num_topics": [5, 3, 4, 2], "c_npmi": [0.2, 0.2, 0.1, 0.0]},
            "c_npmi",
            3,
            id="tie-goes-to-smaller-k-unsorted-input",
        ),
        pytest.param(
            {"num_topics": [2, 3, 4], "c_npmi": [float("nan"), -0.3, -0.1]},
            "c_npmi",
            4,
            id="nan-loses",
        ),
        pytest.param(
            {"num_topics": [4, 2, 3], "c_npmi": [float("nan")] * 3},
            "c_npmi",
            2,
            id="all-nan-smallest-k",
        ),
        pytest.param({"num_topics": [6], "c_npmi": [-0.5]}, "c_npmi", 6, id="single-k"),
    ],
)
def test_choose_num_topics(rows, measure, expected):
    assert lda.choose_num_topics(pd.DataFrame(rows), measure) == expected


SMALL = [["ناتو", "حلف"], ["ناتو", "قمه"], ["ناتو", "داعش", "حلف"], ["سلام"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, {"ناتو", "حلف", "قمه", "داعش", "سلام"}, id="defaults-keep-all"),
        pytest.param({"no_below": 2}, {"ناتو", "حلف"}, id="no-below-2"),
        pytest.param({"no_above": 0.5}, {"حلف", "قمه", "داعش", "سلام"}, id="no-above-half"),
        pytest.param({"no_below": 2, "no_above": 0.5}, {"حلف"}, id="both"),
        pytest.param({"keep_n": 1}, {"ناتو"}, id="keep-most-frequent"),
    ],
)
def test_build_dictionary_filters(params, expected):
    dictionary = lda.build_dictionary(SMALL, **params)
    assert set(dictionary.token2id) == expected


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"no_below": 5}, id="no-below-above-corpus"),
        pytest.param({"no_above": 0.1}, id="no-above-below-every-word"),
    ],
)
def test_build_dictionary_empty_vocabulary_is_an_error(params):
    with pytest.raises(ValueError, match="LDA vocabulary is empty"):
        lda.build_dictionary(SMALL, **params)


def test_save_and_load_corpus_round_trip(tmp_path):
    dictionary = lda.build_dictionary(SMALL, no_below=2)
    doc_ids = ["خبر_1", "خبر_2", "sub/خبر_3", "خبر_4"]
    folder = tmp_path / "lda" / "corpus"
    # A generator: the corpus is written in one pass.
    assert (
        lda.save_corpus(((d, t) for d, t in zip(doc_ids, SMALL, strict=True)), dictionary, folder)
        == 4
    )
    assert {p.name for p in folder.iterdir()} >= {
        "dictionary.txt",
        "corpus.mm",
        "doc_ids.txt",
        "token_ids.npz",
    }
    loaded_dictionary, loaded_bow, loaded_ids = lda.load_bow(folder)
    assert loaded_dictionary.token2id == dictionary.token2id
    assert loaded_dictionary.dfs == dictionary.dfs
    assert list(loaded_bow) == [dictionary.doc2bow(t) for t in SMALL]
    assert len(loaded_bow) == 4
    assert loaded_ids == doc_ids
    token_ids = lda.load_token_ids(folder)
    nato, alliance = dictionary.token2id["ناتو"], dictionary.token2id["حلف"]
    # Words outside the dictionary (قمه, داعش, سلام) are -1 but keep their place.
    np.testing.assert_array_equal(token_ids.ids, [nato, alliance, nato, -1, nato, -1, alliance, -1])
    np.testing.assert_array_equal(token_ids.offsets, [0, 2, 4, 7, 8])
    counts = lda.bow_matrix(folder).toarray()
    assert counts[:, [nato, alliance]].tolist() == [[1, 1], [1, 0], [1, 1], [0, 0]]


def test_fit_lda_trains_from_the_streamed_corpus(tmp_path, planted):
    folder = tmp_path / "corpus"
    lda.save_corpus(
        zip(planted["doc_ids"], planted["tokens"], strict=True), planted["dictionary"], folder
    )
    _, streamed, _ = lda.load_bow(folder)
    model = lda.fit_lda(streamed, planted["dictionary"], **FIT)
    pd.testing.assert_frame_equal(
        lda.topics_table(model, top_n=8), lda.topics_table(planted["model"], top_n=8)
    )
