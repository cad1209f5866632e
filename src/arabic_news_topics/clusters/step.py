"""Step of stage 5 (rule cluster_documents): clusters, silhouettes, map and tree."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..io import iter_tokens, read_table, write_npz, write_table
from ..normalize.core import with_display
from ..normalize.step import read_display_forms
from ..tfidf import core as tfidf
from . import core

LOGGER = logging.getLogger(__name__)
#: Documents per block of word counts read for the refinement of the clusters.
COUNT_BLOCK_DOCUMENTS = 5000


def cluster_documents(
    matrix: str,
    settings: Mapping,
    random_state: int,
    assignments_csv: str,
    assignments_md: str,
    top_terms_csv: str,
    top_terms_md: str,
    sizes_csv: str,
    sizes_md: str,
    silhouette_csv: str,
    silhouette_md: str,
    features_csv: str,
    features_md: str,
    coordinates: str,
    linkage: str,
    space: str,
    by_features: str,
    agreement_csv: str,
    agreement_md: str,
    terms_by_features_csv: str,
    terms_by_features_md: str,
    use_idf: bool = True,
    doc_topics: Sequence[str] = (),
    max_documents: int = 40,
    top_n: int = 10,
    vocabulary_csv: str | None = None,
    tokens: str | None = None,
    ngram_range: Sequence[int] = (1, 1),
    dmm_iterations: int = core.DMM_ITERATIONS,
    dmm_restarts: int = 3,
    chosen: str | None = None,
) -> None:
    """Cluster the documents: the feature space (by stability across seeds when
    ``cluster.features`` is auto), k by silhouette when several are given; write the choice
    of features, assignments, top terms, silhouettes, the map and the linkage, and the
    clustering space (``space``: the features' name, their LSA axes, the clusters' centroids
    in it and the refinement's mixture), with which the model bundle places new documents.

    ``doc_topics`` are the main topic model's document topics at the chosen K, one file per
    random seed (needed when ``topics`` is among the features), checked against the K of
    ``chosen`` (``chosen_k.json``) where it is given. The linkage (the
    dendrogram's tree) is that of the documents the figure shows: all of them up to
    ``max_documents``, otherwise the sample every per-document figure shows. Top terms have
    their display forms (``vocabulary_csv``, stage 2's vocabulary table). ``tokens``
    (stage 2's tokens, the documents of the matrix in its order) give the word counts on
    which the partition is refined (``cluster.refine_iterations``; ``ngram_range`` as the
    TF-IDF's); without them, no refinement, and no ``dmm`` candidate, whose runs
    (the ``dmm`` engine's fits: ``dmm_iterations``, ``dmm_restarts``) cluster those counts.

    Every candidate's own clusters at the chosen k (its medoid run, refined as the chosen
    one is) are written beside the chosen ones: ``by_features`` (a column per candidate),
    their top terms (``terms_by_features_*``) and how far each is from the chosen clusters
    (``agreement_*``, :func:`~arabic_news_topics.clusters.core.feature_agreement_table`), so
    that where the choice was close a researcher sees both groupings."""
    weights, doc_ids, terms = tfidf.load_matrix(matrix)
    ks = cluster_ks(settings, len(doc_ids))
    check_chosen_num_topics(doc_topics, chosen)
    thetas = [load_theta(path, doc_ids) for path in doc_topics]
    counts = None if tokens is None else count_blocks(tokens, doc_ids, terms, ngram_range)
    result = core.cluster_with_settings(
        weights, settings, ks, random_state, use_idf, thetas, counts, dmm_iterations, dmm_restarts
    )
    if result["dmm_tokens"] is not None:
        limit = core.dmm_token_limit(settings)
        stopped = bool(limit and result["dmm_tokens"] > limit)
        LOGGER.info(
            "the DMM's word counts (stage 2's tokens of the TF-IDF's terms): %s%s word tokens%s",
            "at least " if stopped else "",
            f"{result['dmm_tokens']:,}",
            f" (counting stopped past cluster.dmm_max_tokens = {limit:,})" if stopped else "",
        )
    for name, reason in result["left_out"].items():
        LOGGER.info("cluster.auto_features: %s left out (%s)", name, reason)
    write_table(result["stability"], features_csv, features_md)
    write_table(result["silhouette"], silhouette_csv, silhouette_md)
    labels = result["labels"]
    LOGGER.info(
        "%d clusters (%s on %s features, chosen from %s by stability across seeds)",
        result["k"],
        settings["method"],
        result["features"],
        ", ".join(result["stability"]["features"].unique()),
    )
    kept = core.kept_within_tolerance(result["stability"])
    if kept:
        LOGGER.info(
            "cluster.features: %s kept, the first of cluster.auto_features: %s is more stable "
            "by %.3f, within cluster.stability_tolerance = %g",
            result["features"],
            *kept,
            settings.get("stability_tolerance", 0.0),
        )
    close = core.features_within_noise(result["stability"])
    if close:
        LOGGER.warning(
            "cluster.features: %s was chosen, but the stability of %s is within %g standard "
            "errors of it (feature_stability.csv): other seeds could choose otherwise. Each "
            "space's clusters are in assignments_by_features.csv, how far they are from the "
            "chosen ones in feature_agreement.csv (more cluster.stability_runs than 10 did "
            "not make such choices steadier on the labelled corpora: docs/topic_models.md)",
            result["features"],
            ", ".join(close),
            core.NOISE_STANDARD_ERRORS,
        )
    LOGGER.info(
        "refinement on word counts (%d EM iterations): %d of %d documents moved",
        settings.get("refine_iterations", 0) if counts is not None else 0,
        result["refined"],
        len(doc_ids),
    )
    assignments = pd.DataFrame({"doc_id": doc_ids, "cluster": labels})
    write_table(assignments, assignments_csv, assignments_md)
    cluster_ids, centroids = core.cluster_centroids(result["matrix"], labels)
    projection = result["projection"]
    mixture = result["mixture"]
    write_npz(
        space,
        features=np.array(result["features"]),
        projection=np.zeros((0, 0)) if projection is None else projection,
        centroids=centroids,
        cluster_ids=np.array(cluster_ids, dtype=np.int64),
        # The refinement's mixture, by which the bundle assigns a new article as this stage
        # assigned its own (empty: no refinement, the nearest centroid assigns).
        log_words=np.zeros((0, 0)) if mixture is None else mixture[0],
        log_shares=np.zeros(0) if mixture is None else mixture[1],
    )
    top_terms = core.cluster_top_terms(weights, labels, terms, top_n)
    displays = read_display_forms(vocabulary_csv)
    write_table(with_display(top_terms, displays), top_terms_csv, top_terms_md)
    write_by_features(
        result,
        weights,
        doc_ids,
        terms,
        displays,
        top_n,
        by_features,
        agreement_csv,
        agreement_md,
        terms_by_features_csv,
        terms_by_features_md,
    )
    sizes = assignments.groupby("cluster").size().rename("documents").reset_index()
    write_table(sizes, sizes_csv, sizes_md)
    coords = core.document_map(weights, random_state, method=settings["map"])
    write_table(
        pd.DataFrame({"doc_id": doc_ids, "x": coords[:, 0], "y": coords[:, 1], "cluster": labels}),
        coordinates,
    )
    tree = core.ward_linkage(
        weights[tfidf.sample_positions(len(doc_ids), max_documents, random_state)]
    )
    write_table(pd.DataFrame(tree, columns=["left", "right", "distance", "size"]), linkage)


def write_by_features(
    result: Mapping,
    weights: sp.csr_matrix,
    doc_ids: Sequence[str],
    terms: Sequence[str],
    displays: Mapping[str, str],
    top_n: int,
    by_features: str,
    agreement_csv: str,
    agreement_md: str,
    terms_csv: str,
    terms_md: str,
) -> None:
    """Every candidate's clusters (``result`` of
    :func:`~arabic_news_topics.clusters.core.cluster_with_settings`: the chosen ``labels``
    and the ``alternatives``) as a column each, their agreement with the chosen clusters and
    their top terms."""
    names = list(dict.fromkeys(result["stability"]["features"].astype(str)))
    partitions = {**result["alternatives"], result["features"]: result["labels"]}
    frame = pd.DataFrame({"doc_id": list(doc_ids)})
    for name in names:
        frame[name] = partitions[name]
    write_table(frame, by_features)
    agreement = core.feature_agreement_table(
        result["labels"], result["alternatives"], result["stability"]
    )
    write_table(agreement, agreement_csv, agreement_md)
    for row in agreement[~agreement["chosen"]].itertuples():
        LOGGER.info(
            "cluster.features %s at k = %d: %d documents (%.1f %%) in other clusters than "
            "the chosen %s's (adjusted Rand index %.3f)",
            row.features,
            result["k"],
            row.documents_regrouped,
            100 * row.share_regrouped,
            result["features"],
            row.ari_with_chosen,
        )
    tables = [
        core.cluster_top_terms(weights, partitions[name], terms, top_n).assign(features=name)
        for name in names
    ]
    table = pd.concat(tables, ignore_index=True)
    table = table[["features", *[c for c in table.columns if c != "features"]]]
    write_table(with_display(table, displays), terms_csv, terms_md)


def count_blocks(
    tokens: str, doc_ids: Sequence[str], terms: Sequence[str], ngram_range: Sequence[int]
) -> Callable[[], Iterator]:
    """A function that reads ``tokens`` again each time it is called and yields the word
    counts of ``terms`` (:func:`~arabic_news_topics.tfidf.core.term_counts`) in blocks of
    ``COUNT_BLOCK_DOCUMENTS`` documents; it fails if the file's documents are not
    ``doc_ids``, in that order (the matrix's rows)."""
    index = {term: i for i, term in enumerate(terms)}

    def blocks() -> Iterator:
        documents = iter_tokens(tokens)
        start = 0
        while block := list(itertools.islice(documents, COUNT_BLOCK_DOCUMENTS)):
            ids = [doc_id for doc_id, _ in block]
            if ids != list(doc_ids[start : start + len(ids)]):
                raise ValueError(f"{tokens}: its documents are not the TF-IDF matrix's rows")
            start += len(ids)
            yield tfidf.term_counts([words for _, words in block], index, ngram_range)
        if start != len(doc_ids):
            raise ValueError(f"{tokens}: {start} documents, the TF-IDF matrix has {len(doc_ids)}")

    return blocks


def cluster_ks(settings: Mapping, n_docs: int) -> list[int]:
    """The ks of ``cluster.k``; from several, those below the number of documents (a
    warning names the others); one k above the number of documents is capped at it (a
    warning says so: a corpus of two articles still runs with the default k of 3)."""
    ks = core.k_grid(settings["k"], settings["k_range"]["min"], settings["k_range"]["max"])
    if len(ks) > 1:
        too_many = [k for k in ks if k >= n_docs]
        if too_many:
            LOGGER.warning("cluster.k: %s left out (the corpus has %d documents)", too_many, n_docs)
        ks = [k for k in ks if k < n_docs] or [min(ks)]
    if ks[0] > n_docs:
        LOGGER.warning(
            "cluster.k = %d is more than the corpus's %d documents: %d clusters, a document each",
            ks[0],
            n_docs,
            n_docs,
        )
        ks = [n_docs]
    return ks


def check_chosen_num_topics(doc_topics: Sequence[str], chosen: str | None) -> None:
    """Stop unless every ``doc_topics.csv`` has the K of ``chosen`` (``chosen_k.json``).

    Snakemake fills the runs at the chosen K into a job's inputs from the ``chosen_k.json``
    it finds when it builds its plan; a job that declares that file is planned again once
    ``select_num_topics`` has rerun, and this check makes sure no job scores an earlier
    choice's runs silently."""
    if chosen is None:
        return
    num_topics = int(json.loads(Path(chosen).read_text(encoding="utf-8"))["num_topics"])
    for path in doc_topics:
        header = read_table(path, nrows=0).columns
        found = sum(str(name).startswith("topic_") for name in header)
        if found != num_topics:
            raise ValueError(
                f"{path} has {found} topics, but {chosen} chose K = {num_topics}: the job "
                "was given the runs of an earlier choice of K; run Snakemake again"
            )


def load_theta(path: str, doc_ids: Sequence[str]) -> np.ndarray:
    """A ``doc_topics.csv`` as a documents x topics array in the order of ``doc_ids``."""
    table = read_table(path, dtype={"doc_id": str}).set_index("doc_id")
    missing = set(doc_ids) - set(table.index)
    if missing:
        raise ValueError(f"{path} lacks {len(missing)} documents of the TF-IDF matrix")
    return table.loc[list(doc_ids)].to_numpy(dtype=np.float64)
