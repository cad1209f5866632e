"""Step of stage 7 (rule evaluate_labels): agreement with gold labels."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..clusters import core as clusters
from ..clusters.step import check_chosen_num_topics, count_blocks, load_theta
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
    label_count_doc_topics: Sequence[str] = (),
    label_count_runs: Sequence[Mapping] = (),
    tokens: str | None = None,
    ngram_range: Sequence[int] = (1, 1),
    dmm_iterations: int = clusters.DMM_ITERATIONS,
    dmm_restarts: int = 3,
    threads: int = 1,
    features: str | None = None,
    random_state: int | None = None,
    chosen: str | None = None,
    by_features: str | None = None,
) -> None:
    """Agreement of clusters and argmax topics with the gold labels (NMI, ARI, V-measure,
    purity), for every seed and every engine, and the label-by-group confusion tables.

    The clusters are made again with each seed by the stage's whole procedure (features
    chosen by stability when ``cluster.features`` is auto, the medoid partition), at the
    stage's k and at the number of gold labels (method ``<method>_k<labels>``), refined on
    the word counts of ``tokens`` as the stage refines them (none without ``tokens``), with
    the ``dmm`` candidate's fits (``dmm_iterations``, ``dmm_restarts``) on those counts;
    with ``threads`` above 1, the seeds' procedures run in as many processes. Where the
    stage had one k and ``random_state`` (its seed) is one of ``random_seeds``, that seed's
    clusters at the stage's k are the stage's own (``assignments``, and its choice of
    features from ``features``, its ``feature_stability.csv``, and every candidate's clusters
    from ``by_features``, its ``assignments_by_features.csv``), not made again.

    Under ``cluster.features: auto`` with several candidates, each candidate space's own
    clusters (what ``cluster.features: <space>`` gives at the same k and seed) are scored
    too, as method ``<method>_<space>`` (and ``..._k<labels>``): whether the space chosen
    without labels was the one closest to them.

    Only labelled documents count; how many were left out is logged. The clustering is
    rerun with each seed (k as the clustering stage chose it); ``doc_topics`` are the document
    topics of ``runs`` at the chosen K, one file per run (a mapping of ``engine``, ``prior``
    and ``seed``); ``main_model`` (``engine`` and ``prior``) at the first seed gives the
    topic confusion table. ``label_count_doc_topics`` are those of ``label_count_runs`` at
    K = the number of gold labels (method ``topics_<engine>_k<labels>``), as the clusters
    are scored at k = the number of labels. Where ``chosen`` (``chosen_k.json``) is given,
    every file of ``doc_topics`` must be at its K (:func:`check_chosen_num_topics`)."""
    check_chosen_num_topics(doc_topics, chosen)
    weights, doc_ids, terms = tfidf.load_matrix(matrix)
    # The word counts of the clusters' refinement, read once: a labelled corpus is small.
    counts = None
    if tokens is not None:
        counts = sp.vstack(list(count_blocks(tokens, doc_ids, terms, ngram_range)())).tocsr()
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
    # The stage's whole procedure with each seed: the choice of features, then the clusters
    # at the stage's k and at the number of gold labels (once where they are the same k).
    tasks = [
        (seed, size)
        for seed in random_seeds
        for size in dict.fromkeys([k, n_labels])
        if size <= len(doc_ids)
    ]
    job = functools.partial(
        _clusters_scored,
        weights,
        settings,
        use_idf,
        thetas if uses_topics else (),
        counts,
        dmm_iterations,
        dmm_restarts,
        gold,
        kept,
    )
    stage = read_table(assignments, dtype={"doc_id": str}).set_index("doc_id")["cluster"]
    reused = {}
    if (
        features is not None
        and by_features is not None
        and random_state in random_seeds
        and len(chosen) == 1
    ):
        # The same procedure with the same seed and k: the stage's result as it wrote it.
        table = read_table(features)
        spaces = read_table(by_features, dtype={"doc_id": str}).set_index("doc_id")
        reused[random_state, k] = {
            "features": clusters.chosen_features(table),
            "within_noise": ", ".join(clusters.features_within_noise(table)),
            **_scores(gold, stage.reindex(doc_ids).to_numpy()[kept]),
            "candidates": {
                name: _scores(gold, spaces[name].reindex(doc_ids).to_numpy()[kept])
                for name in dict.fromkeys(table["features"].astype(str))
            },
        }
        tasks = [task for task in tasks if task not in reused]
    if threads > 1 and len(tasks) > 1:
        # The seeds' procedures are independent and the longest part of the job (the dmm
        # candidate's fits); each is seeded, so the processes change nothing but the time.
        with ProcessPoolExecutor(max_workers=min(threads, len(tasks))) as pool:
            outcomes = dict(zip(tasks, pool.map(job, tasks), strict=True))
    else:
        outcomes = {task: job(task) for task in tasks}
    outcomes.update(reused)
    several = settings["features"] == "auto"
    for seed in random_seeds:
        for suffix, size in (("", k), (f"_k{n_labels}", n_labels)):
            if (seed, size) not in outcomes:
                continue
            outcome = dict(outcomes[seed, size])
            candidates = outcome.pop("candidates")
            rows.append({"method": method + suffix, "seed": seed, **outcome})
            if several and len(candidates) > 1:
                rows += [
                    {
                        # No choice of features here: the method names the space.
                        "method": f"{settings['method']}_{name}{suffix}",
                        "seed": seed,
                        "features": "",
                        "within_noise": "",
                        **scores,
                    }
                    for name, scores in candidates.items()
                ]
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    reference = None
    for path, run in zip(doc_topics, runs, strict=True):
        topics = _argmax_topics(path, position)
        rows.append(_topic_row(topics_method(run["engine"], run["prior"]), run, gold, topics[kept]))
        model = {"engine": run["engine"], "prior": run["prior"]}
        if model == dict(main_model) and run["seed"] == random_seeds[0]:
            reference = topics
    for path, run in zip(label_count_doc_topics, label_count_runs, strict=True):
        topics = _argmax_topics(path, position)
        method = f"{topics_method(run['engine'], run['prior'])}_k{n_labels}"
        rows.append(_topic_row(method, run, gold, topics[kept]))
    metrics = pd.DataFrame(rows)
    write_table(metrics, metrics_csv, metrics_md)
    write_table(core.metrics_summary(metrics), summary_csv, summary_md)
    write_table(
        core.confusion_table(gold, stage.reindex(doc_ids).to_numpy()[kept], "cluster"),
        clusters_csv,
        clusters_md,
    )
    write_table(core.confusion_table(gold, reference[kept], "topic"), topics_csv, topics_md)
    LOGGER.info("evaluated %d labelled documents, %d runs", len(gold), len(metrics))


def _clusters_scored(
    weights: sp.csr_matrix,
    settings: Mapping,
    use_idf: bool,
    thetas: Sequence[np.ndarray],
    counts: sp.csr_matrix | None,
    dmm_iterations: int,
    dmm_restarts: int,
    gold: np.ndarray,
    kept: np.ndarray,
    task: tuple[int, int],
) -> dict:
    """Stage 5's procedure with the seed and k of ``task``, scored against ``gold`` (the
    labels of the documents at ``kept``): the features chosen, those within the seeds'
    noise, the scores, and each candidate space's clusters' scores (``candidates``)."""
    from threadpoolctl import threadpool_limits

    seed, size = task
    # One BLAS thread, as stage 5 runs: the stabilities move in the third decimal with the
    # number of threads, and a seed's row must not depend on how many processes share the job.
    with threadpool_limits(limits=1):
        result = clusters.cluster_with_settings(
            weights, settings, [size], seed, use_idf, thetas, counts, dmm_iterations, dmm_restarts
        )
    spaces = {**result["alternatives"], result["features"]: result["labels"]}
    return {
        "features": result["features"],
        # The spaces another set of seeds could have chosen (clusters).
        "within_noise": ", ".join(clusters.features_within_noise(result["stability"])),
        **_scores(gold, result["labels"][kept]),
        # Each candidate space's own clusters, in the stability table's order.
        "candidates": {
            name: _scores(gold, spaces[name][kept])
            for name in dict.fromkeys(result["stability"]["features"].astype(str))
        },
    }


def topics_method(engine: str, prior: str) -> str:
    """The name of a topic model in the metrics: ``topics_<engine>``, and
    ``topics_<engine>_guided`` for a model with the guided prior."""
    return f"topics_{engine}" + ("_guided" if prior == "guided" else "")


def _argmax_topics(doc_topics_csv: str, position: Mapping[str, int]) -> np.ndarray:
    """The argmax topic of every document of a run's ``doc_topics.csv``, in the order of
    ``position`` (document id to row)."""
    table = read_table(doc_topics_csv)
    theta = np.zeros((len(position), table.shape[1] - 1))
    # Topic models drop no document, but their ids are matched, not assumed in order.
    theta[[position[d] for d in table["doc_id"].astype(str)]] = table.drop(
        columns="doc_id"
    ).to_numpy(dtype=float)
    return core.argmax_topics(theta)


def _topic_row(method: str, run: Mapping, gold, topics: np.ndarray) -> dict:
    return {
        "method": method,
        "seed": run["seed"],
        "features": "",
        "within_noise": "",
        **_scores(gold, topics),
    }


def _scores(gold, predicted) -> dict:
    return {"documents": len(gold), **core.label_scores(gold, predicted)}
