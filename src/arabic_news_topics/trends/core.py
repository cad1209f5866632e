"""Stage 8: topic and theme prevalence over time and by source.

Documents carry metadata from stage 1 (``results/01_corpus/metadata.tsv``: ``doc_id``,
``date`` as ISO ``YYYY-MM-DD`` or empty, ``label``, ``source``). This module groups the LDA
topic shares of the documents (``doc_topics``: ``doc_id, topic_1 … topic_K``) and their theme
scores (``doc_themes``: ``doc_id``, one score per theme, ``dominant_theme``) by period (ISO week
or calendar month) and by source.

* A topic's prevalence in a group is the mean topic share of the group's documents (the share
  of the group's words the topic accounts for, with every document weighing the same).
* A theme's prevalence in a group is the share of the group's documents whose dominant theme
  it is, and the mean theme score of the group's documents.

Nothing is dropped silently: documents without a date (or with a date that cannot be read, or
without a line in the metadata) and documents without a source are counted by
:func:`coverage`. Every period between the first and the last date is listed, those without
documents with ``0`` documents and empty means, so that gaps show as gaps. Periods are in
chronological order; sources by number of documents (most first), then by name; topics by
number; themes in the order of the ``doc_themes`` columns, then ``none``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..themes.core import NO_THEME

#: The periods documents can be grouped by (config key ``trends.period``).
PERIODS = ("week", "month")

#: Values of ``date_status`` in :func:`document_metadata`.
DATED, NO_DATE, UNREADABLE_DATE = "dated", "no date", "unreadable date"

#: Rows of :func:`coverage`, in order.
COVERAGE_ITEMS = (
    "all documents",
    "with a date",
    "without a date",
    "with an unreadable date",
    "with a source",
    "without a source",
    "not in metadata",
)

_ISO_DATE = r"^\s*(\d{4}-\d{2}-\d{2})"


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Strings stripped of surrounding spaces; empty strings and missing values become NA."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def document_metadata(doc_ids: Sequence[str], metadata: pd.DataFrame) -> pd.DataFrame:
    """The date and source of every document, in the order of ``doc_ids``.

    Parameters
    ----------
    doc_ids : sequence of str
        The documents to describe (those of ``doc_topics`` or ``doc_themes``).
    metadata : pandas.DataFrame
        ``doc_id`` and, when known, ``date`` (ISO ``YYYY-MM-DD``; a time after the date is
        ignored) and ``source``. A missing column counts as empty for every document; a
        repeated ``doc_id`` keeps its first line.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``; ``date`` (datetime64, ``NaT`` when unknown); ``date_status`` (``dated``,
        ``no date`` or ``unreadable date``, for a value such as ``2015-02-30`` or
        ``21/07/2015``); ``source`` (string, NA when empty); ``in_metadata`` (bool).
    """
    meta = metadata.copy()
    meta["doc_id"] = meta["doc_id"].astype(str)
    meta = meta.drop_duplicates("doc_id", keep="first").set_index("doc_id")
    ids = pd.Index([str(d) for d in doc_ids], name="doc_id")
    empty = pd.Series(pd.NA, index=meta.index, dtype="string")
    raw_date = _blank_to_na(meta.get("date", empty)).reindex(ids)
    source = _blank_to_na(meta.get("source", empty)).reindex(ids)
    iso = raw_date.str.extract(_ISO_DATE, expand=False)
    dates = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    status = np.where(dates.notna(), DATED, np.where(raw_date.isna(), NO_DATE, UNREADABLE_DATE))
    return pd.DataFrame(
        {
            "doc_id": ids,
            "date": dates.to_numpy(),
            "date_status": status,
            "source": source.to_numpy(),
            "in_metadata": ids.isin(meta.index),
        }
    ).astype({"source": "string"})


def coverage(doc_ids: Sequence[str], metadata: pd.DataFrame) -> pd.DataFrame:
    """How many documents have a date and a source (the rest are left out of the trends).

    Returns
    -------
    pandas.DataFrame
        ``item`` (the rows of :data:`COVERAGE_ITEMS`), ``documents``, ``share`` (of all
        documents). Documents without a line in the metadata count as having neither date
        nor source, and are also counted on their own.
    """
    meta = document_metadata(doc_ids, metadata)
    counts = [
        len(meta),
        int((meta["date_status"] == DATED).sum()),
        int((meta["date_status"] == NO_DATE).sum()),
        int((meta["date_status"] == UNREADABLE_DATE).sum()),
        int(meta["source"].notna().sum()),
        int(meta["source"].isna().sum()),
        int((~meta["in_metadata"]).sum()),
    ]
    total = max(len(meta), 1)
    return pd.DataFrame(
        {
            "item": list(COVERAGE_ITEMS),
            "documents": counts,
            "share": [c / total for c in counts],
        }
    )


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def period_start(dates: pd.Series, period: str) -> pd.Series:
    """First day of the period of each date: the Monday of its ISO week, or the 1st of its month."""
    _check_period(period)
    dates = pd.to_datetime(pd.Series(dates)).dt.normalize()
    if period == "week":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return dates - pd.to_timedelta(dates.dt.day - 1, unit="D")


def period_label(dates: pd.Series, period: str) -> pd.Series:
    """Label of the period of each date: ``YYYY-MM`` (month) or the week's Monday, ``YYYY-MM-DD``.

    Missing dates get a missing label.
    """
    start = period_start(dates, period)
    labels = start.dt.strftime("%Y-%m" if period == "month" else "%Y-%m-%d")
    return labels.astype("string").mask(start.isna())


def period_range(dates: pd.Series, period: str) -> list[str]:
    """Labels of every period from the earliest to the latest date (empty without dates)."""
    start = period_start(pd.Series(dates).dropna(), period)
    if start.empty:
        return []
    every = pd.date_range(start.min(), start.max(), freq="7D" if period == "week" else "MS")
    return period_label(pd.Series(every), period).tolist()


def topic_columns(doc_topics: pd.DataFrame) -> list[str]:
    """The ``topic_<k>`` columns of a document-topic table, by topic number."""
    columns = [c for c in doc_topics.columns if str(c).startswith("topic_")]
    return sorted(columns, key=lambda c: int(str(c).removeprefix("topic_")))


def theme_columns(doc_themes: pd.DataFrame) -> list[str]:
    """The theme score columns of a document-theme table, in their order."""
    return [c for c in doc_themes.columns if c not in ("doc_id", "dominant_theme")]


def source_order(sources: pd.Series) -> list[str]:
    """Distinct sources, most documents first, then by name (missing sources left out)."""
    counts = sources.dropna().astype(str).value_counts()
    return sorted(counts.index, key=lambda s: (-counts[s], s))


def _mean_shares(
    doc_topics: pd.DataFrame, keys: pd.Series, groups: Sequence[str], key: str
) -> pd.DataFrame:
    """``key``, ``documents`` and the mean of every topic column per group, in ``groups`` order."""
    columns = topic_columns(doc_topics)
    frame = doc_topics[columns].astype(float).reset_index(drop=True)
    frame[key] = keys.to_numpy()
    frame = frame[frame[key].notna()]
    grouped = frame.groupby(key, sort=False)
    index = pd.Index(list(groups), name=key, dtype=object)
    means = grouped[columns].mean().reindex(index)
    documents = grouped.size().reindex(index, fill_value=0).astype(int)
    table = means.reset_index()
    table.insert(1, "documents", documents.to_numpy())
    return table.astype({key: str, **dict.fromkeys(columns, float)})


def _theme_shares(
    doc_themes: pd.DataFrame, keys: pd.Series, groups: Sequence[str], key: str
) -> pd.DataFrame:
    """Long table: per group and theme, the documents it dominates, their share, mean score."""
    names = theme_columns(doc_themes)
    dominant = doc_themes["dominant_theme"].astype(str).to_numpy()
    if (dominant == NO_THEME).any():
        names = [*names, NO_THEME]
    keys = pd.Series(keys.to_numpy(), dtype="string")
    rows = []
    for group in groups:
        member = (keys == group).fillna(False).to_numpy(dtype=bool)
        size = int(member.sum())
        for theme in names:
            dominated = int((dominant[member] == theme).sum())
            has_score = theme in doc_themes.columns and size > 0
            mean = float(doc_themes.loc[member, theme].astype(float).mean()) if has_score else None
            rows.append(
                {
                    key: group,
                    "documents": size,
                    "theme": theme,
                    "dominant_documents": dominated,
                    "dominant_share": dominated / size if size else np.nan,
                    "mean_score": np.nan if mean is None else mean,
                }
            )
    columns = [key, "documents", "theme", "dominant_documents", "dominant_share", "mean_score"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"documents": int, "dominant_documents": int, "dominant_share": float, "mean_score": float}
    )


def topics_over_time(
    doc_topics: pd.DataFrame, metadata: pd.DataFrame, period: str = "month"
) -> pd.DataFrame:
    """Mean topic share of the documents of each period, and their number.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id, topic_1 … topic_K`` (each row sums to one).
    metadata : pandas.DataFrame
        ``doc_id, date`` (see :func:`document_metadata`).
    period : {"month", "week"}
        Calendar month (labelled ``YYYY-MM``) or ISO week (labelled by its Monday).

    Returns
    -------
    pandas.DataFrame
        ``period, documents, topic_1 … topic_K``: every period from the first to the last
        date, in order; empty means for periods without documents. No row without dates;
        documents without a date are counted by :func:`coverage`.
    """
    meta = document_metadata(doc_topics["doc_id"], metadata)
    labels = period_label(meta["date"], period)
    return _mean_shares(doc_topics, labels, period_range(meta["date"], period), "period")


def themes_over_time(
    doc_themes: pd.DataFrame, metadata: pd.DataFrame, period: str = "month"
) -> pd.DataFrame:
    """Per period and theme: the share of documents the theme dominates, and the mean score.

    Parameters
    ----------
    doc_themes : pandas.DataFrame
        ``doc_id``, one score column per theme, ``dominant_theme``.
    metadata : pandas.DataFrame
        ``doc_id, date`` (see :func:`document_metadata`).
    period : {"month", "week"}

    Returns
    -------
    pandas.DataFrame
        ``period, documents`` (of the period), ``theme``, ``dominant_documents``,
        ``dominant_share`` (of the period's documents), ``mean_score``. One row per period and
        theme, ``none`` last when some document has no theme (its ``mean_score`` is empty).
    """
    meta = document_metadata(doc_themes["doc_id"], metadata)
    labels = period_label(meta["date"], period)
    return _theme_shares(doc_themes, labels, period_range(meta["date"], period), "period")


def topics_by_source(doc_topics: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Mean topic share of the documents of each source, and their number.

    Returns
    -------
    pandas.DataFrame
        ``source, documents, topic_1 … topic_K``, sources with most documents first.
        Documents without a source are counted by :func:`coverage`.
    """
    meta = document_metadata(doc_topics["doc_id"], metadata)
    return _mean_shares(doc_topics, meta["source"], source_order(meta["source"]), "source")


def themes_by_source(doc_themes: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Per source and theme: the share of documents the theme dominates, and the mean score.

    Returns
    -------
    pandas.DataFrame
        ``source, documents, theme, dominant_documents, dominant_share, mean_score``, as
        :func:`themes_over_time` with sources (most documents first) for periods.
    """
    meta = document_metadata(doc_themes["doc_id"], metadata)
    return _theme_shares(doc_themes, meta["source"], source_order(meta["source"]), "source")


#: Longer source names are cut (from the start, as paths differ at their end) in figures.
MAX_SOURCE_LABEL = 28
#: Where a source name may be cut after the part all sources share: a folder, or the
#: ``archive!folder`` mark of a text file's source inside an archive.
SOURCE_SEPARATORS = "/!"


def short_source_names(sources: Sequence[str]) -> dict[str, str]:
    """Each source's name as figures and the explorer show it (tables keep the whole name).

    The sources of text files are their folders (``/data/corpus.tar.gz!corpus/sport``), so
    on a folder-per-section corpus every name starts with the same long path, which would
    fill a figure's legend or title and push its axes to nothing. What all of two or more
    sources share, up to a ``/`` or ``!``, is left out (``sport``); a name still longer than
    :data:`MAX_SOURCE_LABEL` is cut to its end.
    """
    names = [str(s) for s in dict.fromkeys(sources)]
    prefix = ""
    if len(names) > 1:
        # By characters, then back to a separator: a source name is a path, an
        # archive!folder or an outlet's name, which commonpath would not all take.
        common = os.path.commonprefix(names)  # noqa: RUF071
        prefix = common[: max(common.rfind(c) for c in SOURCE_SEPARATORS) + 1]
        if any(name == prefix for name in names):
            prefix = ""
    shown = {}
    for name in names:
        short = name.removeprefix(prefix)
        if len(short) > MAX_SOURCE_LABEL:
            short = "…" + short[-(MAX_SOURCE_LABEL - 1) :]
        shown[name] = short
    return shown
