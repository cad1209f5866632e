"""The trends step (arabic_news_topics.trends.step.trends): reads the metadata, topic and
theme tables, writes every trends table and logs what it leaves out."""

from __future__ import annotations

from arabic_news_topics.io import read_table


def test_trends_step_writes_every_table(tmp_path, caplog, metadata, run_step):
    with caplog.at_level("WARNING"):
        paths = run_step(tmp_path, metadata)
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


def test_trends_step_without_dates_writes_headers(tmp_path, metadata, run_step):
    meta = metadata.assign(date="")
    paths = run_step(tmp_path, meta, period="week")
    lines = paths["topics_time_csv"].read_text(encoding="utf-8").splitlines()
    assert lines == ["period,documents,topic_1,topic_2"]
    header = "period,documents,theme,dominant_documents,dominant_share,mean_score"
    assert paths["themes_time_csv"].read_text(encoding="utf-8").splitlines() == [header]
    assert len(read_table(paths["topics_source_csv"])) == 2
