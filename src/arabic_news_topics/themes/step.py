"""Steps of stage 6: themes of topics, clusters and documents; guided vs unguided."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..clusters import core as clusters
from ..io import read_table, write_table
from ..normalize.step import normalized_seed_words, read_display_forms
from ..tfidf import core as tfidf
from ..topics import engines, selection
from ..topics.step import load_phi, top_words
from . import core

LOGGER = logging.getLogger(__name__)


def theme_terms(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
    seed_matching: str = "light_stem",
) -> dict[str, list[list[str]]]:
    """Each theme's normalized seed terms with every single-word seed standing for the
    corpus terms it matches (:func:`core.expand_seed_words`): what a theme's score sums."""
    normalized, term_counts = normalized_seed_words(
        themes_config, settings, reporting_words, expressions, vocabulary_csv
    )
    matched = core.match_seed_terms(normalized, term_counts, seed_matching)
    return core.expand_seed_words(normalized, matched)


def assign_themes(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    topic_weight: float,
    min_score: float,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
    lda_corpus: str,
    topics: str,
    doc_topics: str,
    topic_word: str,
    matrix: str,
    assignments: str,
    seed_words_csv: str,
    seed_words_md: str,
    topic_themes_csv: str,
    topic_themes_md: str,
    topic_summary_csv: str,
    topic_summary_md: str,
    cluster_themes_csv: str,
    cluster_themes_md: str,
    doc_themes_csv: str,
    doc_themes_md: str,
    prevalence_csv: str,
    prevalence_md: str,
    topic_map_csv: str,
    topic_map_md: str,
    random_state: int = 42,
    seed_matching: str = "light_stem",
) -> None:
    """Match themes to topics, clusters and documents; write the theme tables and the
    intertopic distance map (Jensen-Shannon distances by MDS, labelled by theme).

    Each seed word stands for the corpus terms it matches by ``seed_matching``
    (:func:`core.match_seed_terms`: its inflections, by default); ``seed_words_csv`` lists them
    with their counts."""
    normalized, term_counts = normalized_seed_words(
        themes_config, settings, reporting_words, expressions, vocabulary_csv
    )
    matched = core.match_seed_terms(normalized, term_counts, seed_matching)
    displays = read_display_forms(vocabulary_csv)
    phi, vocabulary = load_phi(topic_word)
    seed_words = core.seed_word_table(
        themes_config, normalized, term_counts, matched, displays, topic_vocabulary=set(vocabulary)
    )
    for row in seed_words.itertuples():
        if row.status != "found":
            LOGGER.warning("theme %s: seed word %r is %s", row.theme, row.seed_word, row.status)
        elif row.matched_count_in_topics < row.matched_count:
            # Matched terms the topic models' vocabulary leaves out (lda.no_below, no_above)
            # count in neither the topics' nor the documents' theme scores.
            LOGGER.warning(
                "theme %s: seed word %r matched %d occurrences, %d of them in the topic models' "
                "vocabulary (lda.no_below, lda.no_above); seed_words.csv lists them",
                row.theme,
                row.seed_word,
                row.matched_count,
                row.matched_count_in_topics,
            )
    write_table(seed_words, seed_words_csv, seed_words_md)
    names = list(themes_config)
    # From here a seed word stands for every corpus term it matched (its inflections).
    normalized = core.expand_seed_words(normalized, matched)

    topic_scores = core.theme_scores(phi, vocabulary, normalized)
    topic_table = _write_best(
        topic_scores, "topic", range(1, len(phi) + 1), topic_themes_csv, topic_themes_md, min_score
    )
    write_table(
        core.topic_summary(read_table(topics, dtype={"term": str, "display": str}), topic_table),
        topic_summary_csv,
        topic_summary_md,
    )

    weights, _, terms = tfidf.load_matrix(matrix)
    labels = read_table(assignments)["cluster"].to_numpy()
    cluster_ids, centroids = clusters.cluster_centroids(weights, labels)
    centroids = centroids / np.maximum(centroids.sum(axis=1, keepdims=True), 1e-12)
    cluster_scores = core.theme_scores(centroids, terms, normalized)
    _write_best(
        cluster_scores, "cluster", cluster_ids, cluster_themes_csv, cluster_themes_md, min_score
    )

    _, _, doc_ids = engines.load_bow(lda_corpus)
    counts = engines.bow_matrix(lda_corpus)
    theta = read_table(doc_topics).drop(columns="doc_id").to_numpy(dtype=float)
    doc_themes = core.document_theme_scores(
        doc_ids, counts, theta, phi, vocabulary, normalized, topic_weight, min_score
    )
    write_table(doc_themes, doc_themes_csv, doc_themes_md)
    write_table(core.theme_prevalence(doc_themes, names), prevalence_csv, prevalence_md)
    coords = selection.topic_map_coordinates(phi, random_state)
    topic_map = pd.DataFrame(
        {
            "topic": range(1, len(phi) + 1),
            "x": coords[:, 0],
            "y": coords[:, 1],
            "prevalence": selection.topic_prevalence(theta),
            "top_words": top_words(phi, vocabulary, 3, displays),
            "theme": topic_table["best_theme"].to_numpy(),
        }
    )
    write_table(topic_map, topic_map_csv, topic_map_md)


def _write_best(
    scores: pd.DataFrame, key: str, ids, csv_path: str, md_path: str, min_score: float = 0.0
) -> pd.DataFrame:
    best, best_score = core.best_theme(scores, min_score)
    scores = scores.copy()
    scores.insert(0, key, list(ids))
    scores["best_theme"] = best
    scores["best_score"] = best_score
    write_table(scores, csv_path, md_path)
    return scores


def compare_guided(
    prior: str,
    lda_corpus: str,
    guided_topic_word: str,
    guided_doc_themes: str,
    guided_scores: str,
    unguided_topic_word: str,
    unguided_doc_topics: str,
    unguided_scores: str,
    topic_weight: float,
    min_score: float,
    themes_csv: str,
    themes_md: str,
    measures_csv: str,
    measures_md: str,
    doc_themes_csv: str,
    doc_themes_md: str,
    vocabulary_csv: str | None = None,
) -> None:
    """Compare the guided model with the unguided one of the same engine, K and seed: how
    strongly each theme's topic holds its seed words, coherence and diversity, and the
    dominant theme of every document under each.

    The guided model is the one stage 6 used, so its documents' themes are read from
    ``guided_doc_themes`` (stage 6's table); only the unguided model's are computed. Top
    words are in their display forms (``vocabulary_csv``, stage 2's vocabulary table)."""
    displays = read_display_forms(vocabulary_csv)
    normalized = json.loads(Path(prior).read_text(encoding="utf-8"))["normalized"]
    names = list(normalized)
    _, _, doc_ids = engines.load_bow(lda_corpus)
    runs = {
        "guided": (guided_topic_word, guided_doc_themes, guided_scores),
        "unguided": (unguided_topic_word, unguided_doc_topics, unguided_scores),
    }
    rows = {name: {"theme": name} for name in names}
    measures, dominant = {}, {}
    for run, (topic_word, documents, scores) in runs.items():
        phi, vocabulary = load_phi(topic_word)
        words = top_words(phi, vocabulary, displays=displays)
        topic_scores = core.theme_scores(phi, vocabulary, normalized)
        for number, name in enumerate(names):
            # The guided model's topic of theme i is topic i + 1; the unguided model's is
            # whichever topic holds the most of the theme's seed words.
            topic = number if run == "guided" else int(topic_scores[name].to_numpy().argmax())
            rows[name] |= {
                f"{run}_topic": topic + 1,
                f"{run}_top_words": words[topic],
                f"{run}_score": float(topic_scores[name].iloc[topic]),
            }
        record = json.loads(Path(scores).read_text())
        measures[run] = {m: record[m] for m in (*engines.COHERENCE_MEASURES, "diversity")}
        if run == "guided":
            table = read_table(documents, dtype={"doc_id": str}).set_index("doc_id")
            dominant[run] = table["dominant_theme"].reindex(doc_ids).to_numpy()
        else:
            theta = read_table(documents).drop(columns="doc_id").to_numpy(dtype=float)
            dominant[run] = core.document_theme_scores(
                doc_ids,
                engines.bow_matrix(lda_corpus),
                theta,
                phi,
                vocabulary,
                normalized,
                topic_weight,
                min_score,
            )["dominant_theme"].to_numpy()
        for name in [*names, core.NO_THEME]:
            measures[run][f"documents_{name}"] = int((dominant[run] == name).sum())
    write_table(pd.DataFrame(list(rows.values())), themes_csv, themes_md)
    table = pd.DataFrame(measures).rename_axis("measure").reset_index()
    write_table(table, measures_csv, measures_md)
    documents = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "guided_theme": dominant["guided"],
            "unguided_theme": dominant["unguided"],
        }
    )
    documents["same"] = documents["guided_theme"] == documents["unguided_theme"]
    write_table(documents, doc_themes_csv, doc_themes_md)
