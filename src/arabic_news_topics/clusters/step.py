"""Step of stage 5 (rule cluster_documents): clusters, silhouettes, map and tree."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from ..io import write_table
from ..tfidf import core as tfidf
from . import core

LOGGER = logging.getLogger(__name__)


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
    coordinates: str,
    linkage: str,
    max_documents: int = 40,
    top_n: int = 10,
) -> None:
    """Cluster the documents (TF-IDF or LSA features); choose k by silhouette when several
    are given; write assignments, top terms, silhouettes, the map and the linkage.

    The linkage (the dendrogram's tree) is that of the documents the figure shows: all of
    them up to ``max_documents``, otherwise the sample every per-document figure shows."""
    weights, doc_ids, terms = tfidf.load_matrix(matrix)
    features = features_from_settings(weights, settings, random_state)
    ks = core.k_grid(settings["k"], settings["k_range"]["min"], settings["k_range"]["max"])
    if len(ks) > 1:
        too_many = [k for k in ks if k >= len(doc_ids)]
        if too_many:
            LOGGER.warning(
                "cluster.k: %s left out (the corpus has %d documents)", too_many, len(doc_ids)
            )
        ks = [k for k in ks if k < len(doc_ids)] or [min(ks)]
    silhouettes = core.silhouette_by_k(features, ks, settings["method"], random_state)
    write_table(silhouettes, silhouette_csv, silhouette_md)
    k = core.choose_k(silhouettes)
    LOGGER.info("%d clusters (%s on %s)", k, settings["method"], settings["features"])
    labels = core.cluster_documents(features, k, settings["method"], random_state)
    assignments = pd.DataFrame({"doc_id": doc_ids, "cluster": labels})
    write_table(assignments, assignments_csv, assignments_md)
    write_table(core.cluster_top_terms(weights, labels, terms, top_n), top_terms_csv, top_terms_md)
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


def features_from_settings(weights, settings: Mapping, random_state: int):
    return core.cluster_features(
        weights, settings["features"], settings["lsa_components"], random_state
    )
