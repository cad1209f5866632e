"""Step of stage 7 (rule evaluate_labels): agreement with gold labels."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..clusters import core as clusters
from ..clusters.step import load_theta
from ..io import read_table, write_table
from ..tfidf import core as tfidf
from . import core

LOGGER = logging.getLogger(__name__)


def evaluate_labels(
    metadata: str,
    matrix: str,
    assignments: str,
    silhouette: str,
    doc_topics: Sequence[str],
    runs: Sequence[Mapping],
    settings: Mapping,
    random_seeds: Sequence[int],
    main_model: Mapping,
    metrics_csv: str,
    metrics_md: str,
    summary_csv: str,
    summary_md: str,
    clusters_csv: str,
    clusters_md: str,
    topics_csv: str,
    topics_md: str,
    use_idf: bool = True,
) -> None:
    """Agreement of clusters and argmax topics with the gold labels (NMI, ARI, V-measure,
    purity), for every seed and every engine, and the label-by-group confusion tables.

    The clusters are made again with each seed by the stage's whole procedure (features
    chosen by stability when ``cluster.features`` is auto, the medoid partition), at the
    stage's k and at the number of gold labels (method ``<method>_k<labels>``).

    Only labelled documents count; how many were left out is logged. The clustering is
    rerun with each seed (k as the clustering stage chose it); ``doc_topics`` are the document
    topics of ``runs`` at the chosen K, one file per run (a mapping of ``engine``, ``prior``
    and ``seed``); ``main_model`` (``engine`` and ``prior``) at the first seed gives the
    topic confusion table."""
    weights, doc_ids, _ = tfidf.load_matrix(matrix)
    meta = read_table(metadata, dtype=str).fillna("").set_index("doc_id")
    gold = meta["label"].reindex(doc_ids).fillna("").to_numpy()
    kept = core.labelled_positions(gold)
    if len(kept) < len(gold):
        LOGGER.warning("%d of %d documents have no gold label", len(gold) - len(kept), len(gold))
    gold = gold[kept]
    rows = []
    chosen = read_table(silhouette)
    k = int(chosen.loc[chosen["chosen"].astype(str) == "True", "k"].iloc[0])
    n_labels = len(set(gold))
    method = f"{settings['method']}_{settings['features']}"
    thetas = [
        load_theta(path, doc_ids)
        for path, run in zip(doc_topics, runs, strict=True)
        if {"engine": run["engine"], "prior": run["prior"]} == dict(main_model)
    ]
    uses_topics = "topics" in (settings["auto_features"] + [settings["features"]])
    for seed in random_seeds:
        # The stage's whole procedure with this seed: the choice of features, then the
        # clusters at the stage's k and at the number of gold labels.
        results = {}
        for name, ks in ((method, [k]), (f"{method}_k{n_labels}", [n_labels])):
            if ks[0] > len(doc_ids):
                continue
            if ks[0] not in results:  # at k = the number of labels: the same clusters
                results[ks[0]] = clusters.cluster_with_settings(
                    weights, settings, ks, seed, use_idf, thetas if uses_topics else ()
                )
            result = results[ks[0]]
            rows.append(
                {
                    "method": name,
                    "seed": seed,
                    "features": result["features"],
                    **_scores(gold, result["labels"][kept]),
                }
            )
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    reference = None
    for path, run in zip(doc_topics, runs, strict=True):
        table = read_table(path)
        theta = np.zeros((len(doc_ids), table.shape[1] - 1))
        # Topic models drop no document, but their ids are matched, not assumed in order.
        theta[[position[d] for d in table["doc_id"].astype(str)]] = table.drop(
            columns="doc_id"
        ).to_numpy(dtype=float)
        topics = core.argmax_topics(theta)
        method = topics_method(run["engine"], run["prior"])
        rows.append(
            {
                "method": method,
                "seed": run["seed"],
                "features": "",
                **_scores(gold, topics[kept]),
            }
        )
        model = {"engine": run["engine"], "prior": run["prior"]}
        if model == dict(main_model) and run["seed"] == random_seeds[0]:
            reference = topics
    metrics = pd.DataFrame(rows)
    write_table(metrics, metrics_csv, metrics_md)
    write_table(core.metrics_summary(metrics), summary_csv, summary_md)
    stage = read_table(assignments, dtype={"doc_id": str}).set_index("doc_id")["cluster"]
    write_table(
        core.confusion_table(gold, stage.reindex(doc_ids).to_numpy()[kept], "cluster"),
        clusters_csv,
        clusters_md,
    )
    write_table(core.confusion_table(gold, reference[kept], "topic"), topics_csv, topics_md)
    LOGGER.info("evaluated %d labelled documents, %d runs", len(gold), len(metrics))


def topics_method(engine: str, prior: str) -> str:
    """The name of a topic model in the metrics: ``topics_<engine>``, and
    ``topics_<engine>_guided`` for a model with the guided prior."""
    return f"topics_{engine}" + ("_guided" if prior == "guided" else "")


def _scores(gold, predicted) -> dict:
    return {"documents": len(gold), **core.label_scores(gold, predicted)}
