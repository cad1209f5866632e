"""The report's landing page (arabic_news_topics.paper.summary)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from arabic_news_topics.paper import summary

CORPUS = pd.DataFrame({"measure": ["input_records", "kept", "dropped"], "value": [12, 10, 2]})
CHOSEN = {
    "num_topics": 3,
    "selected_by": "c_npmi",
    "rule": "one_se",
    "rule_applied": "one_se",
    "best_num_topics": 4,
    "within_one_se": [3, 4],
    "at_edge": True,
    "low_prevalence_topics": [2],
}
TOPICS = pd.DataFrame(
    {
        "topic": [1, 2, 3],
        "label": ["nato_russia", "سوريا داعش", "سلام مؤتمر"],
        "labelled": [True, False, False],
        "members": ["1+4", "2", "3"],
        "prevalence": [0.5, 0.001, 0.499],
        "top_words": ["الناتو حلف", "سوريا داعش", "سلام مؤتمر"],
    }
)
THEMES = pd.DataFrame({"theme": ["terrorism"], "documents": [4], "share": [0.4]})


def test_summary_page_says_what_the_run_found():
    theta = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    titles = {"a": "قمة الناتو في لندن", "b": "هجوم في سوريا", "c": "مؤتمر السلام"}
    representatives = summary.representative_titles(theta, ["a", "b", "c"], titles, 1)
    assert representatives == {
        1: [(titles["a"], 0.9)],
        2: [(titles["b"], 0.8)],
        3: [(titles["c"], 0.6)],
    }
    page = summary.summary_html(CORPUS, CHOSEN, TOPICS, representatives, THEMES)
    assert page.startswith("<!DOCTYPE html>")
    assert "K = 3 of the Ks fitted" in page and "within one standard error" in page
    assert "edge of the K grid" in page and "near-zero prevalence in the model: 2" in page
    assert "<b>nato_russia</b>" in page  # a label, not words
    assert "هجوم في سوريا <span class='note' dir='ltr'>(80%)</span>" in page
    assert "no label" in page  # topics 2 and 3 are named by their words only
    assert '<span dir="rtl">سلام مؤتمر</span>' in page
    assert "1+4" in page and "terrorism" in page and "40.0%" in page
    # The landing page leads to the explorer, relative to results/ where both lie.
    assert "href='09_explorer/explorer.html'" in page
    # Text from the corpus is escaped.
    hostile = {**titles, "a": "<script>x</script>"}
    page = summary.summary_html(
        CORPUS,
        CHOSEN,
        TOPICS,
        summary.representative_titles(theta, ["a", "b", "c"], hostile, 1),
        THEMES,
    )
    assert "<script>" not in page
