"""The explorer's data and page (arabic_news_topics.explorer.core), without a browser."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.explorer import core
from arabic_news_topics.topics import describe


def _random_model(seed: int, topics: int = 6, words: int = 400):
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.full(words, 0.05), size=topics)
    counts = rng.integers(1, 500, size=words).astype(float)
    return phi, describe.word_frequencies(counts)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relevance_candidates_hold_the_top_words_at_every_step_of_the_slider(seed):
    phi, frequencies = _random_model(seed)
    top_n = 20
    candidates = core.relevance_candidates(phi, frequencies, top_n)
    assert len(candidates) == phi.shape[0]
    for lam in core.lambda_grid():
        scores = describe.relevance(phi, frequencies, lam)
        for k in range(phi.shape[0]):
            top = set(np.argsort(-scores[k], kind="stable")[:top_n].tolist())
            assert top <= set(candidates[k].tolist()), (lam, k)
    # Far fewer than the vocabulary: the page carries only these.
    assert max(len(c) for c in candidates) < phi.shape[1] / 2


def test_relevance_candidates_keep_every_word_tied_at_the_cut():
    phi = np.array([[0.4, 0.2, 0.2, 0.2], [0.1, 0.3, 0.3, 0.3]])
    frequencies = np.full(4, 0.25)
    # Words 1 to 3 tie in both topics: a cut at 2 keeps all three.
    candidates = core.relevance_candidates(phi, frequencies, top_n=2)
    assert candidates[0].tolist() == [0, 1, 2, 3]
    assert candidates[1].tolist() == [1, 2, 3]


def test_lambda_grid_is_the_sliders_hundredths():
    grid = core.lambda_grid()
    assert len(grid) == 101 and grid[0] == 0 and grid[-1] == 1
    assert grid[60] == 60 / 100  # the same double the page computes


def test_word_topics_rank_topics_by_their_share_of_the_word():
    phi = np.array([[0.5, 0.1, 0.4], [0.1, 0.1, 0.8], [0.2, 0.0, 0.8]])
    prevalence = np.array([0.2, 0.5, 0.3])
    result = core.word_topics(phi, prevalence, top=2)
    # Word 0: joint 0.10, 0.05, 0.06 -> topics 1 then 3; p(topic | word) sums to 1 over all.
    assert [k for k, _ in result[0]] == [1, 3]
    assert result[0][0][1] == pytest.approx(0.10 / 0.21, rel=1e-3)
    # Word 1: topic 3 never uses it; topics 2 then 1.
    assert [k for k, _ in result[1]] == [2, 1]
    assert [k for k, _ in core.word_topics(phi, prevalence, top=3)[1]] == [2, 1]


def test_parse_forms_reads_the_vocabulary_cell():
    assert core.parse_forms("رئيس (1662); رييس (2)") == ["رئيس", "رييس"]
    assert core.parse_forms("") == []
    assert core.parse_forms(None) == []


def test_search_rules_are_the_normalizers_letters():
    rules = core.search_rules()
    assert rules["folds"]["أ"] == "ا" and rules["folds"]["ة"] == "ه" and rules["folds"]["ى"] == "ي"
    assert "ال" in rules["article_proclitics"] and "و" in rules["particle_proclitics"]
    # The pattern is one a JS RegExp with the u flag reads too: a character class of \u escapes.
    assert re.fullmatch(r"\[(\\u[0-9A-Fa-f]{4}(-\\u[0-9A-Fa-f]{4})?)+\]", rules["diacritics"])
    assert re.sub(rules["diacritics"], "", "الأَطْلَسِيّ") == "الأطلسي"


def test_document_sample_is_reproducible_and_bounded():
    assert core.document_sample(10, 50, 1).tolist() == list(range(10))
    first = core.document_sample(10_000, 500, 42)
    assert len(first) == 500 and len(set(first.tolist())) == 500
    assert (np.diff(first) > 0).all()
    assert np.array_equal(first, core.document_sample(10_000, 500, 42))
    assert not np.array_equal(first, core.document_sample(10_000, 500, 43))


def test_json_for_script_cannot_close_the_script_element():
    data = {"title": "</script><script>alert(1)</script>", "text": "a & b <i>", "line": "x\u2028y"}
    text = core.json_for_script(data)
    assert "</" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text) == data


def _tables(num_docs: int = 30, num_topics: int = 3, words: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    vocabulary = [f"كلمة{i}" for i in range(words)]
    phi = rng.dirichlet(np.full(words, 0.1), size=num_topics)
    theta = rng.dirichlet(np.full(num_topics, 0.3), size=num_docs)
    doc_ids = [f"d{i:03d}" for i in range(num_docs)]
    vocabulary_table = pd.DataFrame(
        {
            "term": vocabulary,
            "display": vocabulary,
            "count": rng.integers(1, 50, size=words),
            "forms": [f"{w} (3)" for w in vocabulary],
        }
    )
    topics = pd.DataFrame(
        {
            "topic": range(1, num_topics + 1),
            "label": [f"موضوع {k}" for k in range(1, num_topics + 1)],
            "labelled": [False] * num_topics,
        }
    )
    topic_map = pd.DataFrame(
        {
            "topic": range(1, num_topics + 1),
            "x": rng.normal(size=num_topics),
            "y": rng.normal(size=num_topics),
            "theme": ["terrorism", "", "nato_relations"][:num_topics],
        }
    )
    representatives = describe.representative_documents(theta, doc_ids, 2)
    by_group = pd.DataFrame(
        {
            "covariate": ["source"] * num_topics + ["period"] * num_topics,
            "group": ["a"] * num_topics + ["2015-07"] * num_topics,
            "topic": [f"topic_{k}" for k in range(1, num_topics + 1)] * 2,
            "documents": [num_docs] * 2 * num_topics,
            "estimate": [0.3] * 2 * num_topics,
            "lower": [0.2] * num_topics + [np.nan] * num_topics,
            "upper": [0.4] * num_topics + [np.nan] * num_topics,
        }
    )
    document_map = pd.DataFrame(
        {"doc_id": doc_ids, "x": rng.normal(size=num_docs), "y": rng.normal(size=num_docs)}
    ).assign(cluster=[i % 2 + 1 for i in range(num_docs)])
    documents = pd.DataFrame(
        {
            "title": [f"عنوان {i}" for i in range(num_docs)],
            "date": "2015-07-21",
            "source": "a",
            "snippet": "نص",
        },
        index=doc_ids,
    )
    doc_themes = pd.DataFrame({"doc_id": doc_ids, "dominant_theme": "terrorism"})
    return {
        "phi": phi,
        "vocabulary": vocabulary,
        "vocabulary_table": vocabulary_table,
        "theta": theta,
        "doc_ids": doc_ids,
        "topic_labels": topics,
        "topic_map": topic_map,
        "representatives": representatives,
        "prevalence_by_group": by_group,
        "document_map": document_map,
        "documents": documents,
        "doc_themes": doc_themes,
        "chosen": {"num_topics": num_topics, "rule_applied": "one_se", "at_edge": False},
    }


def test_explorer_data_holds_each_topic_and_a_bounded_map():
    tables = _tables()
    data = core.explorer_data(**tables, words=10, max_documents=12, random_state=3)
    assert data["num_topics"] == 3 and data["num_documents"] == 30
    theta = tables["theta"]
    for k, topic in enumerate(data["topics"]):
        assert topic["prevalence"] == pytest.approx(theta[:, k].mean())
        # The page's words and probabilities are the model's.
        terms = [data["word_table"]["term"][w] for w in topic["words"]]
        expected = [tables["phi"][k, tables["vocabulary"].index(t)] for t in terms]
        assert topic["phi"] == pytest.approx(expected, rel=1e-8)
        best = np.argsort(-theta[:, k], kind="stable")[:2]
        assert [a["doc_id"] for a in topic["articles"]] == [tables["doc_ids"][i] for i in best]
    assert data["topics"][0]["by_source"][0]["lower"] == 0.2
    assert data["topics"][0]["by_period"][0]["lower"] is None
    assert data["topics"][1]["theme"] == "" and data["themes"] == ["nato_relations", "terrorism"]
    # The map: a sample of 12, and every document the page names has its title.
    assert len(data["document_map"]["doc_id"]) == 12
    assert data["map_sample"] == {"shown": 12, "mapped": 30, "seed": 3}
    named = set(data["document_map"]["doc_id"]) | {
        a["doc_id"] for t in data["topics"] for a in t["articles"]
    }
    assert set(data["documents"]) == named
    # The search knows the most frequent words as well as those of the bars.
    counts = tables["vocabulary_table"].set_index("term")["count"]
    small = core.explorer_data(**tables, words=5, search_words=0)
    large = core.explorer_data(**tables, words=5, search_words=40)
    assert len(small["word_table"]["term"]) < len(large["word_table"]["term"])
    frequent = counts.sort_values(ascending=False, kind="stable").index[:40]
    assert set(frequent) <= set(large["word_table"]["term"])
    for doc_id, document in data["documents"].items():
        row = tables["doc_ids"].index(doc_id)
        assert document["topic"] == int(theta[row].argmax()) + 1
        assert document["title"] == f"عنوان {row}"


def test_explorer_shows_folder_sources_by_their_own_folder():
    """A folder-per-section corpus: every source is a long ``archive!folder/section`` path
    (stage 1); the outlet chart and the articles show the sections."""
    tables = _tables()
    root = "/home/researcher/corpora/news.tar.gz!news/"
    sections = ["sport", "economy", "culture"]
    by_group = tables["prevalence_by_group"]
    sources = by_group[by_group["covariate"] == "source"]
    periods = by_group[by_group["covariate"] == "period"]
    groups = [sources.assign(group=root + s) for s in sections]
    tables["prevalence_by_group"] = pd.concat([*groups, periods], ignore_index=True)
    tables["documents"]["source"] = [root + sections[i % 3] for i in range(30)]
    data = core.explorer_data(**tables)
    assert [g["group"] for g in data["topics"][0]["by_source"]] == sections
    for doc_id, document in data["documents"].items():
        assert document["source"] == sections[tables["doc_ids"].index(doc_id) % 3]


def test_explorer_data_refuses_a_theta_of_other_topics():
    tables = _tables()
    tables["theta"] = tables["theta"][:, :2]
    with pytest.raises(ValueError, match="theta is 30 x 2"):
        core.explorer_data(**tables)


def test_explorer_page_is_self_contained():
    data = core.explorer_data(**_tables())
    page = core.explorer_html(data, "/* plotly */ var Plotly = {};", title="Seeds <test>")
    assert page.count("<title>Seeds &lt;test&gt;</title>") == 1
    # Nothing is loaded from elsewhere: no script or style file, no link, no CDN address.
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|https?://", page)
    match = re.search(
        r'<script id="explorer-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert json.loads(match.group(1)) == json.loads(json.dumps(data))
    assert "/*DATA*/" not in page and "/*EXPLORER*/" not in page
