"""Figures of stage 8 (arabic_news_topics.trends.figures): topics and themes over time and by
source, on the step's tables of the hand-made inputs (tests/trends/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from figure_checks import png_size

from arabic_news_topics.io import write_table
from arabic_news_topics.plotting import FIGURE_WIDTH, PNG_DPI
from arabic_news_topics.trends import core as trends
from arabic_news_topics.trends import figures


@pytest.fixture
def tables(tmp_path, run_step, metadata, topic_summary) -> dict[str, str]:
    """The step's tables on the hand-made inputs (by week), plus the topic summary."""
    paths = run_step(tmp_path / "with", metadata, period="week")
    summary = tmp_path / "topic_summary.csv"
    write_table(topic_summary, summary)
    return {**{k: str(v) for k, v in paths.items()}, "topic_summary": str(summary)}


@pytest.fixture
def empty_tables(tmp_path, run_step, metadata, topic_summary) -> dict[str, str]:
    """The step's tables when no document has a date or a source."""
    meta = metadata.assign(date="", source="")
    paths = run_step(tmp_path / "without", meta)
    summary = tmp_path / "topic_summary.csv"
    write_table(topic_summary, summary)
    return {**{k: str(v) for k, v in paths.items()}, "topic_summary": str(summary)}


def draw_all(t: dict[str, str], out: Path) -> dict[str, Path]:
    png = {n: out / f"{n}.png" for n in ("topics_time", "themes_time", "topics_src", "themes_src")}
    pdf = {n: p.with_suffix(".pdf") for n, p in png.items()}
    figures.plot_topics_over_time(
        t["topics_time_csv"],
        t["topic_summary"],
        t["coverage_csv"],
        str(png["topics_time"]),
        str(pdf["topics_time"]),
        period="week",
    )
    figures.plot_themes_over_time(
        t["themes_time_csv"],
        t["coverage_csv"],
        str(png["themes_time"]),
        str(pdf["themes_time"]),
        period="week",
    )
    figures.plot_topics_by_source(
        t["topics_source_csv"],
        t["topic_summary"],
        t["coverage_csv"],
        str(png["topics_src"]),
        str(pdf["topics_src"]),
    )
    figures.plot_themes_by_source(
        t["themes_source_csv"], t["coverage_csv"], str(png["themes_src"]), str(pdf["themes_src"])
    )
    return png


@pytest.mark.parametrize("which", ["tables", "empty_tables"])
def test_trend_figures_are_written(tmp_path, request, which):
    pngs = draw_all(request.getfixturevalue(which), tmp_path / "figures")
    for png in pngs.values():
        width, height = png_size(png)
        assert width == round(FIGURE_WIDTH * PNG_DPI)
        assert height > 200
        assert png.stat().st_size > 5000
        pdf = png.with_suffix(".pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        assert b"DejaVuSans" in pdf
    assert not plt.get_fignums()
    # Drawn again: the same bytes.
    again = draw_all(request.getfixturevalue(which), tmp_path / "again")
    for name, png in pngs.items():
        assert again[name].read_bytes() == png.read_bytes()


def test_trend_figures_label_topics_themes_and_sources(tables, tmp_path, captured):
    draw_all(tables, tmp_path / "labels")
    topics_time, themes_time, topics_source, themes_source = captured
    titles = [t for t in topics_time["titles"] if t]
    # Documents per week (two documents undated), and the topics by overall prevalence:
    # topic 2 has a mean share of (0.1 + 0.5 + 0.8 + 0.8) / 4 = 0.55 over the dated documents.
    assert "Documents per week (2 undated documents not shown)" in titles
    assert [t for t in titles if t.startswith("Topic")] == [
        "Topic 2 (economy)\nنفط، اسعار، سوق",
        "Topic 1 (terrorism)\nداعش، ارهاب، هجوم",
    ]
    assert themes_time["suptitle"] == "Themes by week (2 undated documents not shown)"
    # Latin first, so that the label reads left to right and the Arabic words right to left.
    assert topics_source["yticklabels"][0] == [
        "1 (terrorism) · داعش، ارهاب، هجوم",
        "2 (economy) · نفط، اسعار، سوق",
    ]
    assert topics_source["xticklabels"][0] == ["الرياض (3)", "عكاظ (2)"]
    assert topics_source["suptitle"].endswith("\n(1 document without a source not shown)")
    assert themes_source["yticklabels"][0] == ["terrorism", "economy", "no theme"]
    assert themes_source["yticklabels"][1] == ["terrorism", "economy"]


def test_trend_figures_say_when_there_are_no_dates_or_sources(empty_tables, tmp_path, captured):
    draw_all(empty_tables, tmp_path / "empty")
    texts = [" ".join(f["texts"]) for f in captured]
    assert texts[0].startswith("No document has a date: 6 of 6 documents are undated")
    assert texts[1].startswith("No document has a date")
    assert texts[2].startswith("No document has a source: 6 of 6 documents have none")
    assert texts[3].startswith("No document has a source")


def test_topics_over_time_many_topics_and_sources(tmp_path, captured):
    """Forty topics and many sources: every topic gets a panel, sources are capped."""
    rng = np.random.default_rng(0)
    n_docs, k = 400, 40
    shares = rng.dirichlet(np.ones(k), size=n_docs)
    ids = [f"d{i}" for i in range(n_docs)]
    topics = pd.DataFrame(shares, columns=[f"topic_{j + 1}" for j in range(k)])
    topics.insert(0, "doc_id", ids)
    days = rng.integers(0, 365, size=n_docs)
    meta = pd.DataFrame(
        {
            "doc_id": ids,
            "date": (pd.Timestamp("2014-01-01") + pd.to_timedelta(days, unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "source": [f"source_{i % 35}" for i in range(n_docs)],
        }
    )
    summary = pd.DataFrame(
        {
            "topic": range(1, k + 1),
            "top_words": ["روسيا، الناتو، موسكو، حلف"] * k,
            "theme": ["nato_relations", "none"] * (k // 2),
            "score": [0.1] * k,
        }
    )
    paths = {}
    for name, frame in (
        ("time", trends.topics_over_time(topics, meta, "month")),
        ("source", trends.topics_by_source(topics, meta)),
        ("coverage", trends.coverage(ids, meta)),
        ("summary", summary),
    ):
        paths[name] = str(tmp_path / f"{name}.csv")
        write_table(frame, paths[name])
    png = tmp_path / "time.png"
    figures.plot_topics_over_time(
        paths["time"], paths["summary"], paths["coverage"], str(png), str(tmp_path / "t.pdf")
    )
    figures.plot_topics_by_source(
        paths["source"],
        paths["summary"],
        paths["coverage"],
        str(tmp_path / "s.png"),
        str(tmp_path / "s.pdf"),
    )
    over_time, by_source = captured
    assert sum(1 for t in over_time["titles"] if t.startswith("Topic ")) == k
    assert png_size(png)[1] > 1500
    assert len(by_source["xticklabels"][0]) == 30
    assert "(the 30 largest of 35 sources)" in by_source["suptitle"]


def test_a_source_is_named_alike_whichever_sources_a_figure_shows():
    """Names are shortened over all the table's sources, not the few a figure shows: the
    two largest sources here share ``2015/``, which the third does not."""
    table = pd.DataFrame(
        {"source": ["/c.tar.gz!c/2015/a", "/c.tar.gz!c/2015/b", "/c.tar.gz!c/2016/c"],
         "documents": [5, 4, 1]}
    )  # fmt: skip
    shown, _ = figures._source_columns(table, 2)
    assert figures._source_labels(shown, table) == ["2015/a (5)", "2015/b (4)"]
