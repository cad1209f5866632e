"""Unit tests of stage 8, trends (arabic_news_topics.trends.core), on the hand-made tables of
tests/trends/conftest.py with known means per month, week and source."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.trends import core as trends

# ---------------------------------------------------------------------------------------
# Metadata, coverage and periods


def test_document_metadata_reads_dates_and_sources(doc_ids, metadata):
    meta = trends.document_metadata([*doc_ids, "خبر_7"], metadata)
    assert meta["doc_id"].tolist() == [*doc_ids, "خبر_7"]
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


def test_coverage_counts_every_document(doc_ids, metadata):
    table = trends.coverage([*doc_ids, "خبر_7"], metadata)
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


def test_unknown_period_is_an_error(metadata, doc_topics):
    with pytest.raises(ValueError, match="period must be one of week, month"):
        trends.topics_over_time(doc_topics, metadata, "year")


# ---------------------------------------------------------------------------------------
# Topics and themes over time and by source


def test_topics_over_time_by_month(metadata, doc_topics):
    table = trends.topics_over_time(doc_topics, metadata, "month")
    assert table.columns.tolist() == ["period", "documents", "topic_1", "topic_2"]
    assert table["period"].tolist() == ["2015-07", "2015-08", "2015-09"]
    # Undated and unreadable documents are left out (they are in the coverage table).
    assert table["documents"].tolist() == [2, 0, 2]
    assert table["topic_1"].iloc[0] == pytest.approx((0.9 + 0.5) / 2)
    assert table["topic_2"].iloc[2] == pytest.approx((0.8 + 0.8) / 2)
    # August has no document: empty means, not zeros.
    assert table.iloc[1][["topic_1", "topic_2"]].isna().all()


def test_topics_over_time_by_week(metadata, doc_topics):
    table = trends.topics_over_time(doc_topics, metadata, "week")
    assert len(table) == 7
    rows = table.set_index("period")
    assert rows.loc["2015-07-20", "documents"] == 1
    assert rows.loc["2015-07-20", "topic_1"] == pytest.approx(0.9)
    assert rows.loc["2015-07-27", "topic_1"] == pytest.approx(0.5)
    # 1 and 6 September 2015 (Tuesday, Sunday) fall in the ISO week of Monday 31 August.
    assert rows.loc["2015-08-31", "documents"] == 2
    assert rows.loc["2015-08-31", "topic_1"] == pytest.approx(0.2)
    assert rows["documents"].sum() == 4


def test_themes_over_time_shares_and_scores(metadata, doc_themes):
    table = trends.themes_over_time(doc_themes, metadata, "month")
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


def test_no_none_row_when_every_document_has_a_theme(metadata, doc_themes):
    themes = doc_themes
    themes["dominant_theme"] = themes["dominant_theme"].replace("none", "economy")
    table = trends.themes_over_time(themes, metadata, "month")
    assert set(table["theme"]) == {"terrorism", "economy"}


def test_topics_by_source_most_documents_first(metadata, doc_topics):
    table = trends.topics_by_source(doc_topics, metadata)
    assert table.columns.tolist() == ["source", "documents", "topic_1", "topic_2"]
    assert table["source"].tolist() == ["الرياض", "عكاظ"]
    assert table["documents"].tolist() == [3, 2]
    assert table["topic_1"].tolist() == pytest.approx([(0.9 + 0.2 + 0.2) / 3, (0.5 + 0.0) / 2])


def test_sources_with_as_many_documents_are_ordered_by_name(metadata, doc_topics):
    meta = metadata
    meta["source"] = ["ب", "أ", "ب", "أ", "ج", "ج"]
    assert trends.topics_by_source(doc_topics, meta)["source"].tolist() == ["أ", "ب", "ج"]


def test_themes_by_source(metadata, doc_themes):
    table = trends.themes_by_source(doc_themes, metadata)
    rows = table.set_index(["source", "theme"])
    assert rows.loc[("الرياض", "economy"), "dominant_documents"] == 1
    assert rows.loc[("الرياض", "economy"), "dominant_share"] == pytest.approx(1 / 3)
    assert rows.loc[("عكاظ", "terrorism"), "mean_score"] == pytest.approx(0.15)
    assert rows.loc[("عكاظ", "terrorism"), "documents"] == 2


def test_without_dates_or_sources_the_tables_are_empty_with_headers(
    doc_ids, doc_topics, doc_themes
):
    meta = pd.DataFrame({"doc_id": doc_ids, "date": [""] * 6, "source": [None] * 6})
    over_time = trends.topics_over_time(doc_topics, meta, "week")
    assert over_time.empty
    assert over_time.columns.tolist() == ["period", "documents", "topic_1", "topic_2"]
    assert trends.themes_over_time(doc_themes, meta).empty
    by_source = trends.topics_by_source(doc_topics, meta)
    assert by_source.empty
    assert by_source.columns.tolist() == ["source", "documents", "topic_1", "topic_2"]
    assert trends.themes_by_source(doc_themes, meta).columns.tolist()[:3] == [
        "source",
        "documents",
        "theme",
    ]


@pytest.mark.parametrize(
    ("sources", "shown"),
    [
        # The sections of a folder-per-section archive, and of a folder.
        (["/d/c.tar.gz!c/sport", "/d/c.tar.gz!c/economy"], ["sport", "economy"]),
        (["corpora/news/sport", "corpora/news/culture"], ["sport", "culture"]),
        # Outlets' names, even with a shared beginning that is not a folder.
        (["okaz", "alriyadh"], ["okaz", "alriyadh"]),
        (["al-watan", "al-yaum"], ["al-watan", "al-yaum"]),
        # A source that is the shared folder itself keeps every name whole.
        (["news", "news/sport"], ["news", "news/sport"]),
        # Nested folders: what differs is kept.
        (["/d/a/x/1", "/d/a/y/2"], ["x/1", "y/2"]),
        # One source: nothing shared to leave out; a long name is cut to its end.
        (["/home/researcher/corpora/news.tar.gz!news/sport"], ["…pora/news.tar.gz!news/sport"]),
    ],
)
def test_short_source_names(sources, shown):
    names = trends.short_source_names(sources)
    assert [names[s] for s in sources] == shown
    assert all(len(n) <= trends.MAX_SOURCE_LABEL for n in names.values())
