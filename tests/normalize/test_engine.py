"""The normalization engine: composing per-rule changes equals applying them in order."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest

from arabic_news_topics.corpus.core import read_corpus
from arabic_news_topics.normalize import core as norm

ROOT = Path(__file__).resolve().parents[2]


def apply_in_order(runs, form):
    """Each rule applied once to every part, as the rules are defined."""
    parts = [form]
    for run in runs:
        parts = [q for p in parts for q in run.changes.get(p, p).split(" ") if q]
    return tuple(parts)


@pytest.mark.parametrize(
    ("changes", "form", "expected"),
    [
        # البشير loses its article; the same rule cuts بشير to شير: البشير moves once only.
        ([{"البشير": "بشير", "بشير": "شير"}], "البشير", ("بشير",)),
        ([{"البشير": "بشير", "بشير": "شير"}], "بشير", ("شير",)),
        ([{"البشير": "بشير"}, {"بشير": "شير"}], "البشير", ("شير",)),
        # A split form's parts move with later rules, once per rule.
        ([{"روسيا-فرنسا": "روسيا فرنسا", "روسيا": "روس"}], "روسيا-فرنسا", ("روسيا", "فرنسا")),
        ([{"روسيا-فرنسا": "روسيا فرنسا"}, {"روسيا": "روس"}], "روسيا-فرنسا", ("روس", "فرنسا")),
        ([{"في": ""}], "في", ()),
        ([{"فيه": "في"}, {"في": ""}], "فيه", ()),
    ],
    ids=["one-move-per-rule", "own-form", "two-rules", "split-same-rule", "split-then-rule",
         "removed", "changed-then-removed"],
)  # fmt: skip
def test_compose_applies_each_rule_once(changes, form, expected):
    runs = [norm.RuleRun(f"rule{i}", c, 0, 0, []) for i, c in enumerate(changes)]
    forms = {form, *(k for c in changes for k in c)}
    assert norm.compose(runs, forms)[form] == expected


def test_compose_matches_rules_in_order_on_the_seeds():
    documents, _ = read_corpus([{"path": str(ROOT / "seeds"), "format": "txt"}])
    settings = norm.NormalizationSettings.from_config({"stemmer": "light"})
    counts = Counter(t for doc in documents for t in doc["text"].split())
    runs, vocabulary = norm.run_rules(counts, settings, norm.TYPE_RULES)
    stopwords = norm.normalized_stopwords(settings, vocabulary)
    final_runs, _ = norm.run_rules(vocabulary, settings, norm.FINAL_RULES, stopwords)
    all_runs = [*runs, *final_runs]
    composed = norm.compose(all_runs, counts)
    assert len(composed) == len(counts) > 1000
    assert {f: apply_in_order(all_runs, f) for f in counts} == composed


FILLER = ["مدينة", "سوق", "قطار", "مطار", "جامعة", "مستشفى", "ميناء", "مصنع", "حديقة", "مكتبة"]


@pytest.mark.parametrize(("learn", "expected"), [(True, True), (False, False)], ids=["on", "off"])
def test_learn_multiword_switch(learn, expected):
    """خادم الحرمين always together in 30 documents is learned as one term, only when asked."""
    documents = [
        {"doc_id": f"d{i}", "text": f"{FILLER[i % 10]} خادم الحرمين {FILLER[(i + 3) % 10]}"}
        for i in range(30)
    ]
    settings = norm.NormalizationSettings.from_config(
        {
            "multiword_expressions": True,
            "learn_multiword": learn,
            "learn_multiword_min_documents": 10,
            "multiword_min_count": 5,
            "multiword_threshold": 0.5,
            "remove_stopwords": False,
        }
    )
    result = norm.normalize_documents(documents, settings)
    learned = result.expressions[result.expressions["origin"] == "learned"]
    assert ("خادم_حرمين" in set(learned["expression"])) is expected
    assert ("خادم_حرمين" in result.tokens[0][1]) is expected


def sharded_normalization(documents, settings, shard_size):
    """The passes of the stage as the workflow runs them: one job per shard of documents,
    with the normalizer pickled between jobs, and the merge at the end."""
    shards = [documents[i : i + shard_size] for i in range(0, len(documents), shard_size)]
    recurring = norm.recurring_lines_by_source(documents, settings)
    total = norm.ShardCounts()
    for shard in shards:
        total = total + pickle.loads(pickle.dumps(norm.count_shard(shard, settings, recurring)))
    normalizer = pickle.dumps(norm.build_normalizer(total, settings, recurring))
    tokens, joined = [], Counter()
    for shard in shards:
        built = pickle.loads(normalizer)
        joiner = built.joiner()
        tokens += list(built.tokenize(shard, joiner))
        joined.update(joiner.joined)
    phrases, final_counts, tables = norm.finish_corpus(
        pickle.loads(normalizer), [t for _, t in tokens], joined, len(documents)
    )
    if phrases is not None:
        tokens = [(d, phrases[t]) for d, t in tokens]
    return tokens, final_counts, tables


def seed_documents_with_repeats():
    """The seeds, and copies of their paragraphs as more documents of two sources, so that
    lines recur across shards and collocations can be learned."""
    documents, _ = read_corpus([{"path": str(ROOT / "seeds"), "format": "txt"}])
    more = []
    for doc in documents:
        paragraphs = [p for p in doc["text"].split("\n") if len(p.split()) > 3]
        for i, paragraph in enumerate(paragraphs):
            text = f"{paragraph}\nتابعونا على تلغرام\nنسخ الرابط"
            more.append({"doc_id": f"{doc['doc_id']}_{i}", "text": text, "source": f"s{i % 2}"})
    return documents + more


def test_learned_collocations_join_in_new_documents_as_in_training():
    """A normalizer that carries the corpus's learned collocations (as a model bundle's
    does) gives the training documents, read as new ones, the tokens training gave them."""
    documents = seed_documents_with_repeats()
    settings = norm.NormalizationSettings.from_config(
        {
            "multiword_expressions": True,
            "learn_multiword": True,
            "learn_multiword_min_documents": 10,
            "multiword_min_count": 5,
        }
    )
    recurring = norm.recurring_lines_by_source(documents, settings)
    built = norm.build_normalizer(
        norm.count_shard(documents, settings, recurring), settings, recurring
    )
    joiner = built.joiner()
    tokens = list(built.tokenize(documents, joiner))
    phrases, _, _ = norm.finish_corpus(built, [t for _, t in tokens], joiner.joined, len(documents))
    trained = [(d, phrases[t]) for d, t in tokens]
    assert any("_" in t and t not in joiner.joined for _, ts in trained for t in ts)
    frozen = pickle.loads(pickle.dumps(built))
    frozen.phrases = pickle.loads(pickle.dumps(phrases))
    applied = [(d, t) for d, t, _, _ in frozen.transform(documents)]
    assert applied == trained
    # Without the collocations the new documents would miss them.
    assert [(d, t) for d, t, _, _ in built.transform(documents)] != trained


@pytest.mark.parametrize("shard_size", [1, 7, 50, 10_000])
@pytest.mark.parametrize(
    "switches",
    [
        {"stemmer": "light"},
        {"stemmer": "root", "multiword_expressions": False},
        {"learn_multiword": True, "learn_multiword_min_documents": 10, "multiword_min_count": 5},
    ],
    ids=["light", "root-no-multiword", "learned-collocations"],
)
def test_sharded_passes_equal_one_pass(shard_size, switches):
    documents = seed_documents_with_repeats()
    settings = norm.NormalizationSettings.from_config(
        {
            "multiword_expressions": True,
            "multiword_list": ["الشرق الأوسط", "حلف شمال الأطلسي", "مجلس الأمن"],
            "recurring_line_min_documents": 5,
            "boilerplate_patterns": ["نسخ الرابط"],
            **switches,
        }
    )
    whole = norm.normalize_documents(documents, settings)
    tokens, final_counts, tables = sharded_normalization(documents, settings, shard_size)
    assert len(documents) > 60
    assert tokens == whole.tokens
    assert final_counts == Counter(t for _, ts in whole.tokens for t in ts)
    for name in ("steps", "examples", "removed_lines", "expressions"):
        assert tables[name].equals(getattr(whole, name)), name
    # The cases exercise what crosses shards: recurring lines and (when on) collocations.
    assert "recurring" in set(whole.removed_lines["reason"])
    if settings.learn_multiword:
        assert (whole.expressions["origin"] == "learned").any()
