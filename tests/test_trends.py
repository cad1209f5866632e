"""Unit tests of stage 8 (arabic_news_topics.trends), its step and its figures, on small
hand-made tables with known means per month, week and source."""

from __future__ import annotations

import struct
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from arabic_news_topics import figures, stages, trends
from arabic_news_topics.style import FIGURE_WIDTH, PNG_DPI
from arabic_news_topics.tables import read_table, write_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Six documents: two in July 2015 (weeks of 20 and 27 July), none in August, two in
# September (both in the week of 31 August), one without a date, one with an unreadable one.
DOC_IDS = ["خبر_1", "خبر_2", "خبر_3", "خبر_4", "خبر_5", "خبر_6"]


def metadata() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "date": ["2015-07-21", "2015-07-31", "2015-09-01", "2015-09-06", "", "21/07/2015"],
            "label": ["", "", "", "", "", ""],
            "source": ["الرياض", "عكاظ", "الرياض", "الرياض", "عكاظ", ""],
        }
    )


def doc_topics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "topic_1": [0.9, 0.5, 0.2, 0.2, 0.0, 1.0],
            "topic_2": [0.1, 0.5, 0.8, 0.8, 1.0, 0.0],
        }
    )


def doc_themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "terrorism": [0.4, 0.0, 0.1, 0.0, 0.3, 0.0],
            "economy": [0.0, 0.2, 0.3, 0.0, 0.0, 0.1],
            "dominant_theme": ["terrorism", "economy", "economy", "none", "terrorism", "economy"],
        }
    )


def topic_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": [1, 2],
            "top_words": ["داعش، ارهاب، هجوم، تنظيم", "نفط، اسعار، سوق، شركات"],
            "theme": ["terrorism", "economy"],
            "score": [0.2, 0.1],
        }
    )


# ---------------------------------------------------------------------------------------
# Metadata, coverage and periods


def test_document_metadata_reads_dates_and_sources():
    meta = trends.document_metadata([*DOC_IDS, "خبر_7"], metadata())
    assert meta["doc_id"].tolist() == [*DOC_IDS, "خبر_7"]
    assert meta["date_status"].tolist() == [
        *["dated"] * 4,
        "no date",
        "unreadable date",
        "no date",
    ]
    assert meta["date"].iloc[0] == pd.Timestamp("2015-07-21")
    assert meta["date"].iloc[4:].isna().all()
    assert meta["source"].iloc[:5].tolist() == ["الرياض", "عكاظ", "الرياض", "الرياض", "عكاظ"]
    assert meta["source"].iloc[5:].isna().all()
    assert meta["in_metadata"].tolist() == [True] * 6 + [False]


def test_document_metadata_tolerates_missing_columns_repeats_and_times():
    frame = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c"],
            "date": ["2015-02-03T10:00", "2016-01-01", "2015-02-30", " "],
        }
    )
    meta = trends.document_metadata(["a", "b", "c"], frame)
    # The first line of a repeated doc_id counts; a time after the date is ignored.
    assert meta["date"].iloc[0] == pd.Timestamp("2015-02-03")
    assert meta["date_status"].tolist() == ["dated", "unreadable date", "no date"]
    # No source column: no document has a source.
    assert meta["source"].isna().all()


def test_coverage_counts_every_document():
    table = trends.coverage([*DOC_IDS, "خبر_7"], metadata())
    assert table.columns.tolist() == ["item", "documents", "share"]
    assert table["item"].tolist() == list(trends.COVERAGE_ITEMS)
    counts = dict(zip(table["item"], table["documents"], strict=True))
    assert counts == {
        "all documents": 7,
        "with a date": 4,
        "without a date": 2,
        "with an unreadable date": 1,
        "with a source": 5,
        "without a source": 2,
        "not in metadata": 1,
    }
    assert table["share"].iloc[1] == pytest.approx(4 / 7)


@pytest.mark.parametrize(
    ("date", "period", "label"),
    [
        ("2015-07-21", "month", "2015-07"),
        ("2015-07-21", "week", "2015-07-20"),  # a Tuesday: its week began on Monday the 20th
        ("2015-07-20", "week", "2015-07-20"),  # a Monday
        ("2015-08-02", "week", "2015-07-27"),  # a Sunday ends the ISO week
        ("2021-01-01", "week", "2020-12-28"),  # ISO week 53 of 2020
        ("2020-12-31", "month", "2020-12"),
    ],
)
def test_period_label(date, period, label):
    dates = pd.Series(pd.to_datetime([date, None]))
    labels = trends.period_label(dates, period)
    assert labels.iloc[0] == label
    assert pd.isna(labels.iloc[1])


def test_period_range_lists_empty_periods():
    dates = pd.Series(pd.to_datetime(["2015-09-06", "2015-07-21", None]))
    assert trends.period_range(dates, "month") == ["2015-07", "2015-08", "2015-09"]
    assert trends.period_range(dates, "week") == [
        "2015-07-20",
        "2015-07-27",
        "2015-08-03",
        "2015-08-10",
        "2015-08-17",
        "2015-08-24",
        "2015-08-31",
    ]
    assert trends.period_range(pd.Series(pd.to_datetime([None])), "week") == []


def test_unknown_period_is_an_error():
    with pytest.raises(ValueError, match="period must be one of week, month"):
        trends.topics_over_time(doc_topics(), metadata(), "year")


# ---------------------------------------------------------------------------------------
# Topics and themes over time and by source


def test_topics_over_time_by_month():
    table = trends.topics_over_time(doc_topics(), metadata(), "month")
    assert table.columns.tolist() == ["period", "documents", "topic_1", "topic_2"]
    assert table["period"].tolist() == ["2015-07", "2015-08", "2015-09"]
    # Undated and unreadable documents are left out (they are in the coverage table).
    assert table["documents"].tolist() == [2, 0, 2]
    assert table["topic_1"].iloc[0] == pytest.approx((0.9 + 0.5) / 2)
    assert table["topic_2"].iloc[2] == pytest.approx((0.8 + 0.8) / 2)
    # August has no document: empty means, not zeros.
    assert table.iloc[1][["topic_1", "topic_2"]].isna().all()


def test_topics_over_time_by_week():
    table = trends.topics_over_time(doc_topics(), metadata(), "week")
    assert len(table) == 7
    rows = table.set_index("period")
    assert rows.loc["2015-07-20", "documents"] == 1
    assert rows.loc["2015-07-20", "topic_1"] == pytest.approx(0.9)
    assert rows.loc["2015-07-27", "topic_1"] == pytest.approx(0.5)
    # 1 and 6 September 2015 (Tuesday, Sunday) fall in the ISO week of Monday 31 August.
    assert rows.loc["2015-08-31", "documents"] == 2
    assert rows.loc["2015-08-31", "topic_1"] == pytest.approx(0.2)
    assert rows["documents"].sum() == 4


def test_themes_over_time_shares_and_scores():
    table = trends.themes_over_time(doc_themes(), metadata(), "month")
    assert table.columns.tolist() == [
        "period",
        "documents",
        "theme",
        "dominant_documents",
        "dominant_share",
        "mean_score",
    ]
    # Themes in the order of doc_themes, then none (some document has no theme).
    assert table["theme"].tolist() == ["terrorism", "economy", "none"] * 3
    rows = table.set_index(["period", "theme"])
    assert rows.loc[("2015-07", "terrorism"), "dominant_documents"] == 1
    assert rows.loc[("2015-07", "terrorism"), "dominant_share"] == pytest.approx(0.5)
    assert rows.loc[("2015-07", "terrorism"), "mean_score"] == pytest.approx(0.2)
    assert rows.loc[("2015-09", "none"), "dominant_share"] == pytest.approx(0.5)
    assert np.isnan(rows.loc[("2015-09", "none"), "mean_score"])
    assert rows.loc[("2015-08", "economy"), "documents"] == 0
    assert np.isnan(rows.loc[("2015-08", "economy"), "dominant_share"])
    # Per period, the dominant shares of all themes add up to one.
    dated = table[table["documents"] > 0]
    assert dated.groupby("period")["dominant_share"].sum().tolist() == pytest.approx([1, 1])


def test_no_none_row_when_every_document_has_a_theme():
    themes = doc_themes()
    themes["dominant_theme"] = themes["dominant_theme"].replace("none", "economy")
    table = trends.themes_over_time(themes, metadata(), "month")
    assert set(table["theme"]) == {"terrorism", "economy"}


def test_topics_by_source_most_documents_first():
    table = trends.topics_by_source(doc_topics(), metadata())
    assert table.columns.tolist() == ["source", "documents", "topic_1", "topic_2"]
    assert table["source"].tolist() == ["الرياض", "عكاظ"]
    assert table["documents"].tolist() == [3, 2]
    assert table["topic_1"].tolist() == pytest.approx([(0.9 + 0.2 + 0.2) / 3, (0.5 + 0.0) / 2])


def test_sources_with_as_many_documents_are_ordered_by_name():
    meta = metadata()
    meta["source"] = ["ب", "أ", "ب", "أ", "ج", "ج"]
    assert trends.topics_by_source(doc_topics(), meta)["source"].tolist() == ["أ", "ب", "ج"]


def test_themes_by_source():
    table = trends.themes_by_source(doc_themes(), metadata())
    rows = table.set_index(["source", "theme"])
    assert rows.loc[("الرياض", "economy"), "dominant_documents"] == 1
    assert rows.loc[("الرياض", "economy"), "dominant_share"] == pytest.approx(1 / 3)
    assert rows.loc[("عكاظ", "terrorism"), "mean_score"] == pytest.approx(0.15)
    assert rows.loc[("عكاظ", "terrorism"), "documents"] == 2


def test_without_dates_or_sources_the_tables_are_empty_with_headers():
    meta = pd.DataFrame({"doc_id": DOC_IDS, "date": [""] * 6, "source": [None] * 6})
    over_time = trends.topics_over_time(doc_topics(), meta, "week")
    assert over_time.empty
    assert over_time.columns.tolist() == ["period", "documents", "topic_1", "topic_2"]
    assert trends.themes_over_time(doc_themes(), meta).empty
    by_source = trends.topics_by_source(doc_topics(), meta)
    assert by_source.empty
    assert by_source.columns.tolist() == ["source", "documents", "topic_1", "topic_2"]
    assert trends.themes_by_source(doc_themes(), meta).columns.tolist()[:3] == [
        "source",
        "documents",
        "theme",
    ]


# ---------------------------------------------------------------------------------------
# The workflow step


def run_step(tmp_path: Path, meta: pd.DataFrame, period: str = "month") -> dict[str, Path]:
    inputs = tmp_path / "in"
    inputs.mkdir(parents=True, exist_ok=True)
    meta.to_csv(inputs / "metadata.tsv", sep="\t", index=False)
    write_table(doc_topics(), inputs / "doc_topics.csv")
    write_table(doc_themes(), inputs / "doc_themes.csv")
    out = tmp_path / "08_trends"
    names = {
        "coverage": "coverage",
        "topics_time": "topics_over_time",
        "themes_time": "themes_over_time",
        "topics_source": "topics_by_source",
        "themes_source": "themes_by_source",
    }
    paths = {f"{k}_{e}": out / f"{v}.{e}" for k, v in names.items() for e in ("csv", "md")}
    stages.trends_step(
        metadata=str(inputs / "metadata.tsv"),
        doc_topics=str(inputs / "doc_topics.csv"),
        doc_themes=str(inputs / "doc_themes.csv"),
        period=period,
        **{k: str(v) for k, v in paths.items()},
    )
    return paths


def test_trends_step_writes_every_table(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        paths = run_step(tmp_path, metadata())
    log = caplog.text
    assert all(p.is_file() for p in paths.values())
    topics = paths["topics_time_csv"].read_text(encoding="utf-8").splitlines()
    assert topics[0] == "period,documents,topic_1,topic_2"
    # Six decimals, like every table; an empty period has empty means.
    assert topics[1] == "2015-07,2,0.700000,0.300000"
    assert topics[2] == "2015-08,0,,"
    assert "| 2015-07  |" in paths["topics_time_md"].read_text(encoding="utf-8")
    coverage = read_table(paths["coverage_csv"])
    assert coverage.loc[coverage["item"] == "without a date", "documents"].item() == 1
    # Undated documents and documents without a source are named in the log.
    assert "documents with no date, left out of the trends over time: 1, such as خبر_5" in log
    assert "documents with unreadable date, left out of the trends over time: 1" in log
    assert "documents without a source, left out of the trends by source: 1" in log


def test_trends_step_without_dates_writes_headers(tmp_path):
    meta = metadata().assign(date="")
    paths = run_step(tmp_path, meta, period="week")
    lines = paths["topics_time_csv"].read_text(encoding="utf-8").splitlines()
    assert lines == ["period,documents,topic_1,topic_2"]
    header = "period,documents,theme,dominant_documents,dominant_share,mean_score"
    assert paths["themes_time_csv"].read_text(encoding="utf-8").splitlines() == [header]
    assert len(read_table(paths["topics_source_csv"])) == 2


# ---------------------------------------------------------------------------------------
# Figures


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def tables(tmp_path) -> dict[str, str]:
    """The step's tables on the hand-made inputs (by week), plus the topic summary."""
    paths = run_step(tmp_path / "with", metadata(), period="week")
    summary = tmp_path / "topic_summary.csv"
    write_table(topic_summary(), summary)
    return {**{k: str(v) for k, v in paths.items()}, "topic_summary": str(summary)}


@pytest.fixture
def empty_tables(tmp_path) -> dict[str, str]:
    """The step's tables when no document has a date or a source."""
    meta = metadata().assign(date="", source="")
    paths = run_step(tmp_path / "without", meta)
    summary = tmp_path / "topic_summary.csv"
    write_table(topic_summary(), summary)
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


@pytest.fixture
def captured(monkeypatch):
    """Titles and texts of every figure figures.py saves."""
    saved = []
    real = figures.save_figure

    def record(fig, png, pdf):
        saved.append(
            {
                "suptitle": fig.get_suptitle(),
                "titles": [ax.get_title() for ax in fig.axes],
                "texts": [t.get_text() for ax in fig.axes for t in ax.texts],
                "yticklabels": [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes],
                "xticklabels": [[t.get_text() for t in ax.get_xticklabels()] for ax in fig.axes],
            }
        )
        real(fig, png, pdf)

    monkeypatch.setattr(figures, "save_figure", record)
    return saved


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
