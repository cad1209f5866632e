"""Hand-made inputs of the trends tests: six documents, two in July 2015 (weeks of 20 and
27 July), none in August, two in September (both in the week of 31 August), one without a
date and one with an unreadable one; two sources and one document without a source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from arabic_news_topics.io import write_table
from arabic_news_topics.trends import step

DOC_IDS = ["خبر_1", "خبر_2", "خبر_3", "خبر_4", "خبر_5", "خبر_6"]


@pytest.fixture
def doc_ids() -> list[str]:
    return list(DOC_IDS)


@pytest.fixture
def metadata() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "date": ["2015-07-21", "2015-07-31", "2015-09-01", "2015-09-06", "", "21/07/2015"],
            "label": ["", "", "", "", "", ""],
            "source": ["الرياض", "عكاظ", "الرياض", "الرياض", "عكاظ", ""],
        }
    )


@pytest.fixture
def doc_topics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "topic_1": [0.9, 0.5, 0.2, 0.2, 0.0, 1.0],
            "topic_2": [0.1, 0.5, 0.8, 0.8, 1.0, 0.0],
        }
    )


@pytest.fixture
def doc_themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "terrorism": [0.4, 0.0, 0.1, 0.0, 0.3, 0.0],
            "economy": [0.0, 0.2, 0.3, 0.0, 0.0, 0.1],
            "dominant_theme": ["terrorism", "economy", "economy", "none", "terrorism", "economy"],
        }
    )


@pytest.fixture
def topic_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": [1, 2],
            "top_words": ["داعش، ارهاب، هجوم، تنظيم", "نفط، اسعار، سوق، شركات"],
            "theme": ["terrorism", "economy"],
            "score": [0.2, 0.1],
        }
    )


@pytest.fixture
def run_step(doc_topics, doc_themes) -> Callable[..., dict[str, Path]]:
    """A function that runs the trends step on the given metadata (and the hand-made topics
    and themes) under a folder; the paths of the tables it writes."""

    def run(folder: Path, meta: pd.DataFrame, period: str = "month") -> dict[str, Path]:
        inputs = folder / "in"
        inputs.mkdir(parents=True, exist_ok=True)
        meta.to_csv(inputs / "metadata.tsv", sep="\t", index=False)
        write_table(doc_topics, inputs / "doc_topics.csv")
        write_table(doc_themes, inputs / "doc_themes.csv")
        out = folder / "08_trends"
        names = {
            "coverage": "coverage",
            "topics_time": "topics_over_time",
            "themes_time": "themes_over_time",
            "topics_source": "topics_by_source",
            "themes_source": "themes_by_source",
        }
        paths = {f"{k}_{e}": out / f"{v}.{e}" for k, v in names.items() for e in ("csv", "md")}
        step.trends(
            metadata=str(inputs / "metadata.tsv"),
            doc_topics=str(inputs / "doc_topics.csv"),
            doc_themes=str(inputs / "doc_themes.csv"),
            period=period,
            **{k: str(v) for k, v in paths.items()},
        )
        return paths

    return run
