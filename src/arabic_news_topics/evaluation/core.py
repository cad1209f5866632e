"""Agreement of topics and clusters with gold labels (the section of each news article).

Only documents with a label count (:func:`labelled_positions`). Each method's groups (the
cluster of each document, or its most probable topic, :func:`argmax_topics`) are compared
with the labels by NMI, ARI, V-measure (scikit-learn) and purity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, v_measure_score
from sklearn.metrics.cluster import contingency_matrix

#: Scores of :func:`label_scores`, in column order.
METRICS = ("nmi", "ari", "v_measure", "purity")


def purity(labels: Sequence, predicted: Sequence) -> float:
    """Share of documents whose group's most common gold label is their own.

    The sum over predicted groups of the largest count of one gold label in the group,
    divided by the number of documents.
    """
    if len(labels) == 0:
        raise ValueError("purity needs at least one labelled document")
    counts = contingency_matrix(labels, predicted)  # gold labels x predicted groups
    return float(counts.max(axis=0).sum() / counts.sum())


def label_scores(labels: Sequence, predicted: Sequence) -> dict[str, float]:
    """NMI (arithmetic normalization), ARI, V-measure and purity of ``predicted`` groups
    against gold ``labels``; keys :data:`METRICS`."""
    return {
        "nmi": float(normalized_mutual_info_score(labels, predicted)),
        "ari": float(adjusted_rand_score(labels, predicted)),
        "v_measure": float(v_measure_score(labels, predicted)),
        "purity": purity(labels, predicted),
    }


def argmax_topics(theta: np.ndarray) -> np.ndarray:
    """The 1-based most probable topic of each document (documents x topics); ties go to
    the lower topic."""
    theta = np.asarray(theta)
    if theta.ndim != 2 or theta.shape[1] == 0:
        raise ValueError("theta must be a documents x topics matrix with at least one topic")
    # argmax returns the first of equal maxima.
    return np.argmax(theta, axis=1) + 1


def confusion_table(labels: Sequence, predicted: Sequence, prefix: str) -> pd.DataFrame:
    """Documents of each gold label (rows) in each predicted group (columns).

    Columns: ``label``, then ``<prefix>_<group>`` for each group in numeric order, then
    ``total``; rows in sorted label order; counts are integers.
    """
    if len(labels) != len(predicted):
        raise ValueError(f"{len(labels)} labels for {len(predicted)} predicted groups")
    # Groups are numbers (cluster ids, topics): as integers they sort 2 before 10.
    groups = np.asarray(predicted).astype(np.int64)
    gold, gold_codes = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    numbers, group_codes = np.unique(groups, return_inverse=True)
    counts = contingency_matrix(gold_codes.ravel(), group_codes.ravel()).astype(np.int64)
    table = pd.DataFrame(counts, columns=[f"{prefix}_{g}" for g in numbers.tolist()])
    table.insert(0, "label", gold.tolist())
    table["total"] = counts.sum(axis=1)
    return table


def metrics_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation (ddof 1, NaN for one run) of each score over seeds.

    ``metrics`` has one row per method and seed (columns ``method, seed`` and
    :data:`METRICS`); the result has one row per method, in order of first appearance:
    ``method, runs``, then ``<metric>_mean, <metric>_sd`` for each metric.
    """
    groups = metrics.groupby("method", sort=False)
    table = pd.DataFrame({"runs": groups.size()})
    for metric in METRICS:
        table[f"{metric}_mean"] = groups[metric].mean()
        table[f"{metric}_sd"] = groups[metric].std(ddof=1)
    return table.reset_index()


def labelled_positions(labels: Sequence) -> np.ndarray:
    """Positions of the documents with a gold label: not missing (None, NaN) and not blank."""
    keep = [not pd.isna(label) and str(label).strip() != "" for label in labels]
    return np.flatnonzero(np.array(keep, dtype=bool))
