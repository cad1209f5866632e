"""Rule build_explorer: read the run's tables, write ``09_explorer/explorer.html``."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from plotly.offline import get_plotlyjs

from ..corpus.step import document_details
from ..io import read_table, write_text
from ..topics import describe
from ..topics.step import load_phi
from . import core

LOGGER = logging.getLogger(__name__)


def build_explorer(
    topic_word: str,
    doc_topics: str,
    vocabulary: str,
    topic_labels: str,
    topic_map: str,
    prevalence_by_group: str,
    document_map: str,
    doc_themes: str,
    chosen: str,
    shards: Sequence[str],
    explorer: str,
    words: int = 30,
    max_documents: int = 5000,
    search_words: int = 10000,
    representative_documents: int = 5,
    snippet_characters: int = 300,
    relevance_lambda: float = describe.RELEVANCE_LAMBDA,
    random_state: int = 42,
    title: str = "Topic explorer",
) -> None:
    """The explorer of the curated topics (:func:`core.explorer_data`,
    :func:`core.explorer_html`): ``topic_word`` and ``doc_topics`` are stage 4's curated
    model, ``shards`` stage 1's documents (titles, dates, outlets and the start of the text
    of every document the page names)."""
    phi, terms = load_phi(topic_word)
    theta_table = read_table(doc_topics, dtype={"doc_id": str})
    doc_ids = theta_table["doc_id"].tolist()
    theta = theta_table.drop(columns="doc_id").to_numpy(dtype=np.float64)
    representatives = describe.representative_documents(theta, doc_ids, representative_documents)
    document_points = read_table(document_map, dtype={"doc_id": str})
    # Every document the page may name: the representatives and the map's sample (the
    # sample is drawn again inside explorer_data, from the same rows and seed).
    mapped = document_points[document_points["doc_id"].isin(set(doc_ids))]
    sample = core.document_sample(len(mapped), max_documents, random_state)
    named = {*representatives["doc_id"], *mapped["doc_id"].iloc[sample]}
    details = document_details(shards, named, snippet_characters)
    # Only the representatives' snippets go into the page: the map needs titles only.
    details.loc[~details.index.isin(set(representatives["doc_id"])), "snippet"] = ""
    data = core.explorer_data(
        phi=phi,
        vocabulary=terms,
        vocabulary_table=read_table(
            vocabulary, dtype={"term": str, "display": str, "forms": str}
        ).fillna({"forms": ""}),
        theta=theta,
        doc_ids=doc_ids,
        topic_labels=read_table(topic_labels, dtype={"label": str}).fillna({"label": ""}),
        topic_map=read_table(topic_map, dtype={"theme": str}).fillna({"theme": ""}),
        representatives=representatives,
        prevalence_by_group=read_table(prevalence_by_group, dtype={"group": str}),
        document_map=document_points,
        documents=details,
        doc_themes=read_table(doc_themes, dtype={"doc_id": str, "dominant_theme": str}).fillna(
            {"dominant_theme": ""}
        ),
        chosen=json.loads(Path(chosen).read_text()),
        words=words,
        max_documents=max_documents,
        search_words=search_words,
        relevance_lambda=relevance_lambda,
        random_state=random_state,
    )
    page = core.explorer_html(data, get_plotlyjs(), title)
    write_text(explorer, page)
    LOGGER.info(
        "explorer: %d topics, %d words, %d documents named (%d on the map of %d); %.1f MB",
        data["num_topics"],
        len(data["word_table"]["term"]),
        len(data["documents"]),
        data["map_sample"]["shown"],
        data["map_sample"]["mapped"],
        len(page.encode("utf-8")) / 1e6,
    )
