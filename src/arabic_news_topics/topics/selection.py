"""Choosing the number of topics K, the stability of topics across seeds, and the topic map.

Every K is fitted with several seeds. :func:`model_selection_table` summarizes the runs of
each K (mean and standard deviation over seeds of c_npmi, c_v, UMass coherence and topic
diversity, with held-out perplexity and stability beside them), and :func:`choose_num_topics`
applies the rule that chooses K:

    the K with the best mean over seeds of the measure ``lda.select_by`` (c_npmi, c_v,
    u_mass or diversity). Higher is better for all four (UMass is negative: closer to 0 is
    better). Means equal after rounding to 9 decimals are a tie, and ties go to the smaller
    K; a K whose mean is NaN counts as the worst.

Topics of two runs are compared by their word distributions: the similarity of two topics is
1 minus their Jensen-Shannon distance (base 2, so it lies in [0, 1]), and the topics of a run
are paired with those of the reference run by the Hungarian algorithm (:func:`match_topics`).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.special import rel_entr

#: Measures that may choose K (``lda.select_by``); higher is better for all of them.
SELECTION_MEASURES = ("c_npmi", "c_v", "u_mass", "diversity")

#: Measures averaged over seeds in :func:`model_selection_table`, in column order.
SUMMARY_MEASURES = ("c_npmi", "c_v", "u_mass", "diversity")

#: Measures computed once per K (from all its seeds), copied into the table as they are.
PER_K_MEASURES = ("heldout_perplexity", "stability")

#: Decimals to which means are rounded before comparing them, so rounding noise is a tie.
TIE_DECIMALS = 9


def _check_measure(measure: str) -> None:
    if measure not in SELECTION_MEASURES:
        raise ValueError(f"lda.select_by {measure!r} is not one of {', '.join(SELECTION_MEASURES)}")


def topic_diversity(phi: np.ndarray, top_n: int = 25) -> float:
    """Share of distinct words among the ``top_n`` words of every topic (Dieng et al. 2020).

    1 when no two topics share a top word, ``1 / K`` when all topics have the same top words.
    Equal weights are ordered by term index, so the result does not depend on the sort.
    """
    phi = np.asarray(phi, dtype=np.float64)
    if phi.ndim != 2 or phi.shape[0] == 0 or phi.shape[1] == 0:
        raise ValueError("phi must be a non-empty topics x terms matrix")
    if top_n < 1:
        raise ValueError(f"top_n = {top_n} must be at least 1")
    top_n = min(top_n, phi.shape[1])
    top = np.argsort(-phi, axis=1, kind="stable")[:, :top_n]
    return len(np.unique(top)) / top.size


def _distributions(phi: np.ndarray) -> np.ndarray:
    """Rows of ``phi`` as probability distributions (each divided by its sum)."""
    phi = np.asarray(phi, dtype=np.float64)
    if phi.ndim != 2:
        raise ValueError("phi must be a topics x terms matrix")
    if (phi < 0).any():
        raise ValueError("phi must not be negative")
    sums = phi.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        raise ValueError("every topic of phi needs a positive total weight")
    return phi / sums


def _js_distances(phi_a: np.ndarray, phi_b: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distance (base 2) between every row of ``phi_a`` and every row of ``phi_b``.

    The same value as ``scipy.spatial.distance.jensenshannon(p, q, base=2)``, one row of
    ``phi_a`` against all of ``phi_b`` at a time (a topics x topics x terms array would not
    fit in memory for a large vocabulary).
    """
    p_all, q = _distributions(phi_a), _distributions(phi_b)
    if p_all.shape[1] != q.shape[1]:
        raise ValueError(
            f"the topics have different vocabularies ({p_all.shape[1]} and {q.shape[1]} terms)"
        )
    distances = np.empty((p_all.shape[0], q.shape[0]))
    for i, p in enumerate(p_all):
        m = (p + q) / 2
        # rel_entr is 0 where the first argument is 0, so zero weights are safe.
        divergence = (rel_entr(p, m).sum(axis=1) + rel_entr(q, m).sum(axis=1)) / (2 * np.log(2))
        # Rounding can make a divergence of nearly equal topics slightly negative or above 1.
        distances[i] = np.sqrt(np.clip(divergence, 0.0, 1.0))
    return distances


def topic_similarity(phi_a: np.ndarray, phi_b: np.ndarray) -> np.ndarray:
    """1 - Jensen-Shannon distance (base 2) between every topic of ``phi_a`` and of ``phi_b``.

    Returns
    -------
    ndarray of shape (topics of a, topics of b), in [0, 1]: 1 for identical word
    distributions, 0 for distributions without a common word.
    """
    return 1.0 - _js_distances(phi_a, phi_b)


def topic_distances(phi: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distances (base 2) between the topics of one model.

    Symmetric, with an exact zero diagonal.
    """
    distances = _js_distances(phi, phi)
    # Average with the transpose so rounding cannot break the symmetry MDS expects.
    distances = (distances + distances.T) / 2
    np.fill_diagonal(distances, 0.0)
    return distances


def match_topics(reference_phi: np.ndarray, other_phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair each topic of the reference run with one topic of another run (same K).

    The pairing maximizes the total similarity (:func:`topic_similarity`), by the
    Hungarian algorithm (``scipy.optimize.linear_sum_assignment``).

    Returns
    -------
    matched : ndarray of int, for each reference topic in order, the 0-based index of its
        topic in the other run
    similarity : ndarray of float, the similarity of each pair
    """
    k_ref, k_other = np.shape(reference_phi)[0], np.shape(other_phi)[0]
    if k_ref != k_other:
        raise ValueError(f"cannot match {k_ref} topics with {k_other}: the runs need the same K")
    similarity = topic_similarity(reference_phi, other_phi)
    rows, matched = linear_sum_assignment(similarity, maximize=True)
    # linear_sum_assignment returns the rows in order, 0 .. K - 1, for a square matrix.
    return matched.astype(np.int64), similarity[rows, matched]


def stability_table(
    reference_phi: np.ndarray,
    others: Mapping[int, np.ndarray],
    top_words: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Similarity of each reference topic to its matched topic in each other seed's run.

    Columns: ``topic`` (1-based), ``top_words`` (when given, one string per topic), then
    ``similarity_seed_<s>`` for each seed ``s`` of ``others`` in their order, then
    ``mean_similarity`` over those seeds (NaN when there are none).
    """
    n_topics = np.shape(reference_phi)[0]
    table = pd.DataFrame({"topic": np.arange(1, n_topics + 1)})
    if top_words is not None:
        if len(top_words) != n_topics:
            raise ValueError(f"{len(top_words)} top_words for {n_topics} topics")
        table["top_words"] = list(top_words)
    columns = []
    for seed, phi in others.items():
        column = f"similarity_seed_{seed}"
        table[column] = match_topics(reference_phi, phi)[1]
        columns.append(column)
    table["mean_similarity"] = table[columns].mean(axis=1) if columns else np.nan
    return table


def model_selection_table(runs: pd.DataFrame, select_by: str = "c_npmi") -> pd.DataFrame:
    """Summary of the fitted models by K, and the K chosen by :func:`choose_num_topics`.

    Parameters
    ----------
    runs : DataFrame
        One row per fitted model: ``num_topics, seed, c_npmi, c_v, u_mass, diversity``, and
        optionally ``heldout_perplexity`` and ``stability`` (one value per K, may be NaN).
    select_by : str
        The measure that chooses K, one of :data:`SELECTION_MEASURES`.

    Returns
    -------
    DataFrame, one row per K in ascending order: ``num_topics, runs``, ``<m>_mean, <m>_sd``
    for each measure (standard deviation over seeds, ddof 1, NaN for a single run),
    ``heldout_perplexity, stability`` and ``chosen`` (True for exactly one K).
    """
    _check_measure(select_by)
    missing = [c for c in ("num_topics", "seed", *SUMMARY_MEASURES) if c not in runs.columns]
    if missing:
        raise ValueError(f"the runs table lacks the columns {', '.join(missing)}")
    if runs.empty:
        raise ValueError("the runs table is empty: no fitted model to choose from")
    if runs.duplicated(["num_topics", "seed"]).any():
        raise ValueError("the runs table has more than one row for a (num_topics, seed)")
    groups = runs.groupby("num_topics", sort=True)
    table = pd.DataFrame({"runs": groups.size()})
    for measure in SUMMARY_MEASURES:
        values = groups[measure]
        table[f"{measure}_mean"] = values.mean()
        table[f"{measure}_sd"] = values.std(ddof=1)
    for measure in PER_K_MEASURES:
        # One value per K, repeated on each of its rows: the first that is not NaN (a null
        # read from JSON leaves an object column, hence the cast).
        if measure in runs.columns:
            table[measure] = groups[measure].first().astype(np.float64)
        else:
            table[measure] = np.nan
    table = table.reset_index()
    table["num_topics"] = table["num_topics"].astype(np.int64)
    table["chosen"] = table["num_topics"] == choose_num_topics(table, select_by)
    return table


def choose_num_topics(table: pd.DataFrame, measure: str = "c_npmi") -> int:
    """The K chosen by the rule of this module's docstring.

    ``table`` is a :func:`model_selection_table` (column ``<measure>_mean``) or has one row
    per K with the measure itself as a column.
    """
    _check_measure(measure)
    column = f"{measure}_mean" if f"{measure}_mean" in table.columns else measure
    if table.empty:
        raise ValueError("no K to choose from")
    frame = table.sort_values("num_topics", kind="stable")
    values = frame[column].astype(np.float64).round(TIE_DECIMALS).fillna(-np.inf).to_numpy()
    # argmax returns the first maximum, that is the smallest K among ties.
    return int(frame["num_topics"].to_numpy()[int(np.argmax(values))])


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def num_topics_grid(
    value: int | Sequence[int] | str, k_min: int = 2, k_max: int = 10, step: int = 1
) -> list[int]:
    """The Ks to fit for ``lda.num_topics``: sorted and distinct.

    ``value`` is one K, a list of Ks, or ``"auto"`` for ``range(k_min, k_max + 1, step)``.
    """
    if isinstance(value, str) and value == "auto":
        if not all(_is_int(v) for v in (k_min, k_max, step)) or step < 1 or k_min > k_max:
            raise ValueError(
                f"lda.num_topics auto needs whole numbers k_min <= k_max and step >= 1 "
                f"(got k_min={k_min!r}, k_max={k_max!r}, step={step!r})"
            )
        ks = list(range(k_min, k_max + 1, step))
    elif _is_int(value):
        ks = [value]
    elif isinstance(value, list | tuple) and value and all(_is_int(v) for v in value):
        ks = list(value)
    else:
        raise ValueError(
            f"lda.num_topics must be a whole number, a non-empty list of them, or 'auto'; "
            f"got {value!r}"
        )
    if min(ks) < 1:
        raise ValueError(f"lda.num_topics: every K must be at least 1; got {value!r}")
    return sorted({int(k) for k in ks})


def topic_map_coordinates(phi: np.ndarray, random_state: int = 42) -> np.ndarray:
    """2-D coordinates of the topics, the layout of an LDAvis-style intertopic distance map.

    Metric MDS (scikit-learn, SMACOF from the classical MDS solution) of the Jensen-Shannon
    distances between the topics (:func:`topic_distances`). One topic sits at the origin; two
    lie on the x axis, their distance apart.

    MDS fits distances only, so any rotation or reflection of a layout is as good. To draw
    the same map on every run and machine, the layout is centred, turned so that x is its
    direction of greatest spread, and each axis flipped so that the first topic not on it
    has a positive coordinate (x >= 0 for the first topic).
    """
    distances = topic_distances(phi)
    n_topics = distances.shape[0]
    if n_topics <= 1 or not distances.any():
        return np.zeros((n_topics, 2))
    if n_topics == 2:
        half = distances[0, 1] / 2
        return np.array([[half, 0.0], [-half, 0.0]])
    # Imported here: the fits, which import this module, need no scikit-learn.
    from sklearn.manifold import MDS

    mds = MDS(
        n_components=2,
        metric_mds=True,
        metric="precomputed",
        init="classical_mds",
        n_init=1,
        random_state=random_state,
    )
    coords = mds.fit_transform(distances)
    coords = coords - coords.mean(axis=0)
    # Principal axes: the right singular vectors order the directions by spread.
    _, _, axes = np.linalg.svd(coords, full_matrices=False)
    coords = coords @ axes.T
    for axis in range(2):
        column = coords[:, axis]
        nonzero = np.flatnonzero(np.abs(column) > 1e-12)
        if nonzero.size and column[nonzero[0]] < 0:
            coords[:, axis] = -column
    return coords


def topic_prevalence(theta: np.ndarray) -> np.ndarray:
    """Mean share of each topic over the documents (documents x topics), summing to 1.

    The size of each topic's circle on the topic map.
    """
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim != 2 or theta.shape[0] == 0:
        raise ValueError("theta must be a documents x topics matrix with at least one document")
    mean = theta.mean(axis=0)
    # Proportions below 1e-8 are dropped per document, so the means may not sum to 1 exactly.
    return mean / mean.sum()
