"""Rule export_model: the run's model bundle, ``results/10_model/``."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..io import atomic_path, read_table, write_npz, write_text
from ..tfidf import core as tfidf
from ..themes.step import theme_terms
from ..topics.step import load_phi
from .bundle import write_manifest

LOGGER = logging.getLogger(__name__)


def _json(path: Path, value) -> None:
    write_text(path, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def _number(value):
    """A corpus summary value as a JSON number where it is one (the table mixes text)."""
    for kind in (int, float):
        try:
            return kind(value)
        except (TypeError, ValueError):
            continue
    return str(value)


def export_model(
    normalizer: str,
    phrases: str,
    dictionary: str,
    model: str,
    topic_word: str,
    curated_topic_word: str,
    curated_doc_topics: str,
    topic_labels: str,
    chosen: str,
    matrix: str,
    space: str,
    corpus_summary: str,
    vocabulary: str,
    expressions: str,
    reporting_words: str,
    bundle: str,
    config: Mapping,
    engine: str,
    random_state: int,
) -> None:
    """Write the bundle a new article needs (:func:`~arabic_news_topics.apply.load_bundle`
    reads it): the normalizer and the collocations learned from the corpus, the
    dictionary, the chosen engine's native model (the reference seed's fit at the chosen
    K), the topic-word matrices before and after curation with the training documents'
    curated shares, the curation and names, the
    themes' terms and settings, the TF-IDF weights, the clusters' space (LSA axes) and
    centroids, and a manifest
    with the version, the config, the corpus summary and every file's checksum."""
    num_topics = int(json.loads(Path(chosen).read_text())["num_topics"])
    raw_phi, vocabulary_terms = load_phi(topic_word)
    phi, curated_terms = load_phi(curated_topic_word)
    if curated_terms != vocabulary_terms:
        raise ValueError("the curated topics have another vocabulary than the model")
    labels = read_table(topic_labels, dtype={"label": str}).fillna({"label": ""})
    theta = read_table(curated_doc_topics, dtype={"doc_id": str})
    weights, _, terms = tfidf.load_matrix(matrix)
    with np.load(space, allow_pickle=False) as stored:
        cluster_space = {name: stored[name] for name in stored.files}
    settings = config["tfidf"]
    themes = config["themes"]
    terms_by_theme = theme_terms(
        themes["seed_words"],
        config["normalize"],
        reporting_words,
        expressions,
        vocabulary,
        themes.get("seed_matching", "light_stem"),
    )
    with atomic_path(bundle) as folder:
        folder.mkdir()
        shutil.copyfile(normalizer, folder / "normalizer.pickle")
        shutil.copyfile(phrases, folder / "phrases.pickle")
        shutil.copyfile(dictionary, folder / "dictionary.txt")
        shutil.copytree(model, folder / "model", ignore=shutil.ignore_patterns(".*"))
        write_npz(
            folder / "topics.npz",
            raw_phi=raw_phi,
            phi=phi,
            vocabulary=np.array(vocabulary_terms, dtype=str),
            training_theta=theta.drop(columns="doc_id").to_numpy(dtype=np.float32),
        )
        _json(
            folder / "topics.json",
            {
                "engine": engine,
                "num_topics": num_topics,
                "merge": [list(map(int, g)) for g in config["topics"]["merge"]],
                "drop": [int(t) for t in config["topics"]["drop"]],
                "labels": labels["label"].tolist(),
                "random_state": int(random_state),
            },
        )
        _json(
            folder / "themes.json",
            {
                "terms": terms_by_theme,
                "topic_weight": float(themes["topic_weight"]),
                "min_score": float(themes["min_score"]),
            },
        )
        write_npz(
            folder / "clusters.npz",
            terms=np.array(terms, dtype=str),
            idf=tfidf.smooth_idf(weights, bool(settings["use_idf"])),
            **cluster_space,
        )
        _json(
            folder / "clusters.json",
            {
                "sublinear_tf": bool(settings["sublinear_tf"]),
                "ngram_range": list(settings["ngram_range"]),
                "use_idf": bool(settings["use_idf"]),
            },
        )
        summary = read_table(corpus_summary)
        manifest = write_manifest(
            folder,
            {
                "engine": engine,
                "num_topics": num_topics,
                "curated_topics": int(phi.shape[0]),
                "corpus": {
                    str(m): _number(v)
                    for m, v in zip(summary["measure"], summary["value"], strict=True)
                },
                "config": config,
            },
        )
    LOGGER.info(
        "model bundle: %s K = %d (%d after curation), %d files, %.1f MB",
        engine,
        num_topics,
        phi.shape[0],
        len(manifest["files"]),
        sum(f["bytes"] for f in manifest["files"].values()) / 1e6,
    )
