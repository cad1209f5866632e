"""Step of stage 8 (rule trends): prevalence by period and by source."""

from __future__ import annotations

import logging

from ..io import read_table, write_table
from . import core

LOGGER = logging.getLogger(__name__)


def trends(
    metadata: str,
    doc_topics: str,
    doc_themes: str,
    period: str,
    coverage_csv: str,
    coverage_md: str,
    topics_time_csv: str,
    topics_time_md: str,
    themes_time_csv: str,
    themes_time_md: str,
    topics_source_csv: str,
    topics_source_md: str,
    themes_source_csv: str,
    themes_source_md: str,
) -> None:
    """Topic and theme prevalence per period and per source; write the coverage and trends."""
    meta = read_table(metadata, dtype=str)
    topics_frame = read_table(doc_topics, dtype={"doc_id": str})
    themes_frame = read_table(doc_themes, dtype={"doc_id": str, "dominant_theme": str})
    described = core.document_metadata(topics_frame["doc_id"], meta)
    for status in (core.NO_DATE, core.UNREADABLE_DATE):
        ids = described.loc[described["date_status"] == status, "doc_id"].tolist()
        if ids:
            LOGGER.warning(
                "documents with %s, left out of the trends over time: %d, such as %s",
                status,
                len(ids),
                ", ".join(ids[:5]),
            )
    missing = described.loc[~described["in_metadata"], "doc_id"].tolist()
    if missing:
        LOGGER.warning(
            "documents not in %s: %d, such as %s", metadata, len(missing), ", ".join(missing[:5])
        )
    without_source = int(described["source"].isna().sum())
    if without_source:
        LOGGER.warning(
            "documents without a source, left out of the trends by source: %d", without_source
        )
    write_table(core.coverage(topics_frame["doc_id"], meta), coverage_csv, coverage_md)
    write_table(core.topics_over_time(topics_frame, meta, period), topics_time_csv, topics_time_md)
    write_table(core.themes_over_time(themes_frame, meta, period), themes_time_csv, themes_time_md)
    write_table(core.topics_by_source(topics_frame, meta), topics_source_csv, topics_source_md)
    write_table(core.themes_by_source(themes_frame, meta), themes_source_csv, themes_source_md)
    dated = described["date"].dropna()
    if len(dated):
        LOGGER.info("dates from %s to %s, by %s", dated.min().date(), dated.max().date(), period)
