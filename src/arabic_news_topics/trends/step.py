"""Step of stage 8 (rule trends): prevalence by period and by source."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..io import read_table, write_table
from ..topics.curate import read_topic_names, with_topic_names
from . import core, effects

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


def document_covariates(
    doc_ids, metadata: pd.DataFrame, period: str, split_date: str | None = None
) -> pd.DataFrame:
    """Each document's groups by every covariate the corpus has: ``source``, ``period``
    (its month or ISO week), ``label`` (where the corpus has labels) and, with
    ``split_date``, ``split`` (``before`` or ``after``: on or after the date)."""
    described = core.document_metadata(doc_ids, metadata)
    covariates = pd.DataFrame({"source": described["source"].astype(object)})
    covariates["period"] = core.period_label(described["date"], period).astype(object)
    if "label" in metadata.columns:
        labels = metadata.drop_duplicates("doc_id").set_index("doc_id")["label"]
        labels = labels.reindex([str(d) for d in doc_ids]).astype("string").str.strip()
        covariates["label"] = labels.mask(labels == "").to_numpy(dtype=object)
    if split_date:
        cut = pd.Timestamp(split_date)
        dates = described["date"]
        covariates["split"] = np.where(
            dates.isna(), None, np.where(dates >= cut, "after", "before")
        )
    covariates = covariates.where(covariates.notna(), None)
    return covariates.loc[:, [c for c in covariates if covariates[c].notna().any()]]


def _group_order(covariate: str, values: pd.Series, period: str, dates) -> list[str]:
    if covariate == "period":
        return core.period_range(dates, period)
    if covariate == "split":
        return [g for g in ("before", "after") if (values == g).any()]
    return core.source_order(values)


def group_effects(
    metadata: str,
    doc_topics: str,
    doc_themes: str,
    period: str,
    topics_csv: str,
    topics_md: str,
    themes_csv: str,
    themes_md: str,
    differences_csv: str,
    differences_md: str,
    adjusted_csv: str,
    adjusted_md: str,
    contrasts: Sequence[Mapping] = (),
    split_date: str | None = None,
    n_boot: int = effects.N_BOOT,
    min_documents: int = effects.MIN_DOCUMENTS,
    random_state: int = 42,
    topic_labels: str | None = None,
) -> None:
    """Topic shares and theme dominance by source, period and label (and before/after
    ``split_date``), each with a 95 % bootstrap interval (:mod:`.effects`), and the
    differences of ``contrasts`` (each ``covariate``, ``first``, ``second``); without any,
    after − before ``split_date`` when it is set, else the two sources with most documents;
    and every group's difference from its covariate's largest group adjusted for the other
    covariates (:func:`effects.adjusted_differences`: source, period and label at once).
    """
    meta = read_table(metadata, dtype=str)
    topics_frame = read_table(doc_topics, dtype={"doc_id": str})
    themes_frame = read_table(doc_themes, dtype={"doc_id": str, "dominant_theme": str})
    themes_frame = themes_frame.set_index("doc_id").reindex(topics_frame["doc_id"])
    doc_ids = topics_frame["doc_id"].tolist()
    covariates = document_covariates(doc_ids, meta, period, split_date)
    dates = core.document_metadata(doc_ids, meta)["date"]
    topic_names = core.topic_columns(topics_frame)
    theme_names = core.theme_columns(themes_frame.reset_index())
    dominant = themes_frame["dominant_theme"].astype(str).to_numpy()
    # A theme's prevalence in a group: the share of its documents the theme dominates.
    theme_values = np.column_stack([dominant == t for t in theme_names]).astype(float)
    values = {
        "topic": (topics_frame[topic_names].to_numpy(dtype=float), topic_names),
        "theme": (theme_values, theme_names),
    }
    topic_names = read_topic_names(topic_labels)
    settings = {"n_boot": n_boot, "min_documents": min_documents, "random_state": random_state}
    tables = {"topic": [], "theme": []}
    for covariate in covariates.columns:
        groups = covariates[covariate]
        order = _group_order(covariate, groups, period, dates)
        for kind, (matrix, names) in values.items():
            table = effects.group_prevalence(matrix, groups.tolist(), names, order, **settings)
            table.insert(0, "covariate", covariate)
            tables[kind].append(table)
    for kind, path_csv, path_md in (
        ("topic", topics_csv, topics_md),
        ("theme", themes_csv, themes_md),
    ):
        frame = pd.concat(tables[kind], ignore_index=True) if tables[kind] else pd.DataFrame()
        frame = frame.rename(columns={"outcome": kind})
        if kind == "topic":
            frame = with_topic_names(frame, topic_names)
        write_table(frame, path_csv, path_md)
    chosen = list(contrasts)
    if not chosen and "split" in covariates:
        chosen = [{"covariate": "split", "first": "after", "second": "before"}]
    if not chosen and "source" in covariates:
        largest = core.source_order(covariates["source"])[:2]
        if len(largest) == 2:
            chosen = [{"covariate": "source", "first": largest[0], "second": largest[1]}]
    parts = []
    for contrast in chosen:
        covariate = contrast["covariate"]
        if covariate not in covariates:
            raise ValueError(
                f"trends.contrasts: the corpus has no {covariate!r} for any document "
                f"(it has: {', '.join(covariates.columns) or 'none'})"
            )
        groups = covariates[covariate].tolist()
        for kind, (matrix, names) in values.items():
            part = effects.group_difference(
                matrix, groups, names, str(contrast["first"]), str(contrast["second"]), **settings
            )
            part.insert(0, "kind", kind)
            part.insert(0, "covariate", covariate)
            parts.append(part)
            if part["documents_first"].iloc[0] == 0 or part["documents_second"].iloc[0] == 0:
                LOGGER.warning(
                    "trends.contrasts %s: a group has no documents", part["contrast"].iloc[0]
                )
    # Every covariate at once (the split is a coarser period, so it stays out).
    joint = covariates[[c for c in covariates.columns if c != "split"]]
    adjusted = []
    for kind, (matrix, names) in values.items():
        part = effects.adjusted_differences(matrix, joint, names, **settings)
        part.insert(3, "kind", kind)
        adjusted.append(part)
    adjusted = pd.concat(adjusted, ignore_index=True)
    write_table(with_topic_names(adjusted, topic_names, "outcome"), adjusted_csv, adjusted_md)
    columns = [
        *["covariate", "kind", "contrast", "first", "second", "outcome"],
        *["documents_first", "documents_second"],
    ]
    differences = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[*columns, "estimate", "lower", "upper", "note"])
    )
    write_table(
        with_topic_names(differences, topic_names, "outcome"), differences_csv, differences_md
    )
    LOGGER.info(
        "prevalence with intervals by %s; %d contrasts",
        ", ".join(covariates.columns) or "no covariate",
        len(chosen),
    )
