"""Choosing the number of topics K, the stability of topics across seeds, and the topic map.

Every K is fitted with several seeds. :func:`model_selection_table` summarizes the runs of
each K (mean, standard deviation and standard error over seeds of c_npmi, c_v, UMass
coherence and topic diversity, with the held-out log-likelihood and stability beside them),
and :func:`num_topics_choice` applies the rule that chooses K (``lda.select_rule``):

``one_se`` (the default): the one-standard-error rule of Breiman et al.'s CART (1984) and of
    glmnet's ``lambda.1se``. The best K is the one with the best mean over seeds of the
    measure ``lda.select_by`` (c_npmi, c_v, u_mass or diversity; higher is better for all
    four, UMass is negative: closer to 0 is better). Its standard error is the standard
    deviation of its seeds over the square root of their number. The chosen K is the
    smallest K whose mean is at least the best mean minus that standard error: a larger K
    is taken only when it beats every smaller one by more than the seed-to-seed noise of
    the best. With one seed there is no standard error, and the rule falls back to ``best``.
``best``: the K with the best mean.

Means are compared after rounding to 9 decimals (:data:`TIE_DECIMALS`), so rounding noise is
a tie; ties go to the smaller K, and a K whose mean is NaN counts as the worst.

Topics of two runs are compared by their word distributions: the similarity of two topics is
1 minus their Jensen-Shannon distance (base 2, so it lies in [0, 1]), and the topics of a run
are paired with those of the reference run by the Hungarian algorithm (:func:`match_topics`).
A topic of near-zero prevalence (:func:`low_prevalence`) holds little more than the prior of
the model: its word distribution is close to the prior's in every seed, so it matches itself
almost perfectly, which says nothing about its stability. Such topics are flagged and not
rated (:func:`stability_table`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import entr, rel_entr

#: Measures that may choose K (``lda.select_by``); higher is better for all of them.
SELECTION_MEASURES = ("c_npmi", "c_v", "u_mass", "diversity")

#: Measures averaged over seeds in :func:`model_selection_table`, in column order.
SUMMARY_MEASURES = ("c_npmi", "c_v", "u_mass", "diversity")

#: Measures computed once per K (from all its seeds), copied into the table as they are.
PER_K_MEASURES = (
    "heldout_perplexity",
    "heldout_log_likelihood_per_word",
    "heldout_log_likelihood_per_word_sd",
    "stability",
    "low_prevalence_topics",
)

#: Rules that choose K (``lda.select_rule``), described in this module's docstring.
SELECT_RULES = ("one_se", "best")

#: Decimals to which means are rounded before comparing them, so rounding noise is a tie.
TIE_DECIMALS = 9

#: Default of ``lda.min_relative_prevalence``: a topic is of low prevalence below a tenth of
#: an even share (0.1 / K). A topic that no document uses keeps only the prior's pseudo-count
#: in each document, about 1 / (K (N + 1)) of a document of N tokens under the default
#: alpha = 1 / K: far below 0.1 / K for any document of more than 9 tokens (on the seed
#: articles, 0.0007 against 0.02 at K = 5), while a real topic of a skewed corpus keeps
#: well above it (gensim's asymmetric alpha gives the last of 100 topics 0.38 of an even
#: share a priori).
MIN_RELATIVE_PREVALENCE = 0.1


def _check_measure(measure: str) -> None:
    if measure not in SELECTION_MEASURES:
        raise ValueError(f"lda.select_by {measure!r} is not one of {', '.join(SELECTION_MEASURES)}")


def _check_rule(rule: str) -> None:
    if rule not in SELECT_RULES:
        raise ValueError(f"lda.select_rule {rule!r} is not one of {', '.join(SELECT_RULES)}")


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


def _sum_xlogx(x: np.ndarray) -> np.ndarray:
    """Each row's sum of x ln x (0 ln 0 = 0)."""
    return -entr(x).sum(axis=1)


#: Divergences (bits) below this are computed again term by term (:func:`_js_distances`).
_EXACT_BELOW = 1e-6


def _js_distances(phi_a: np.ndarray, phi_b: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distance (base 2) between every row of ``phi_a`` and every row of ``phi_b``.

    The same value as ``scipy.spatial.distance.jensenshannon(p, q, base=2)``, one row of
    ``phi_a`` against all of ``phi_b`` at a time (a topics x topics x terms array would not
    fit in memory for a large vocabulary). The divergence is H(m) - (H(p) + H(q)) / 2: one
    logarithm per term instead of scipy's two, and no division. Where it is nearly 0 that
    difference loses digits the square root would show, so those pairs are computed term
    by term as scipy does.
    """
    p_all, q = _distributions(phi_a), _distributions(phi_b)
    if p_all.shape[1] != q.shape[1]:
        raise ValueError(
            f"the topics have different vocabularies ({p_all.shape[1]} and {q.shape[1]} terms)"
        )
    p_sums, q_sums = _sum_xlogx(p_all), _sum_xlogx(q)
    distances = np.empty((p_all.shape[0], q.shape[0]))
    for i, p in enumerate(p_all):
        m = (p + q) / 2
        divergence = ((p_sums[i] + q_sums) / 2 - _sum_xlogx(m)) / np.log(2)
        close = np.flatnonzero(divergence < _EXACT_BELOW)
        if len(close):
            m_close = m[close]
            # rel_entr is 0 where the first argument is 0, so zero weights are safe.
            divergence[close] = (
                rel_entr(p, m_close).sum(axis=1) + rel_entr(q[close], m_close).sum(axis=1)
            ) / (2 * np.log(2))
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
    # Imported here: scipy.optimize takes about 0.09 s to import, in every job that imports
    # this module (each topic model fit among them), and only the matching needs it.
    from scipy.optimize import linear_sum_assignment

    similarity = topic_similarity(reference_phi, other_phi)
    rows, matched = linear_sum_assignment(similarity, maximize=True)
    # linear_sum_assignment returns the rows in order, 0 .. K - 1, for a square matrix.
    return matched.astype(np.int64), similarity[rows, matched]


def low_prevalence(
    prevalence: Sequence[float] | np.ndarray,
    min_relative_prevalence: float = MIN_RELATIVE_PREVALENCE,
) -> np.ndarray:
    """Which topics have a prevalence below ``min_relative_prevalence / K``.

    ``prevalence`` holds the K topics' mean shares over the documents
    (:func:`topic_prevalence`); ``min_relative_prevalence`` is a fraction of an even share
    1 / K (:data:`MIN_RELATIVE_PREVALENCE` by default, 0 flags none).
    """
    prevalence = np.asarray(prevalence, dtype=np.float64)
    if prevalence.ndim != 1 or prevalence.size == 0:
        raise ValueError("prevalence must hold one share per topic")
    if not 0 <= min_relative_prevalence <= 1:
        raise ValueError(
            f"lda.min_relative_prevalence {min_relative_prevalence!r} is not from 0 to 1"
        )
    return prevalence < min_relative_prevalence / prevalence.size


def stability_table(
    reference_phi: np.ndarray,
    others: Mapping[int, np.ndarray],
    top_words: Sequence[str] | None = None,
    prevalence: Sequence[float] | np.ndarray | None = None,
    min_relative_prevalence: float = MIN_RELATIVE_PREVALENCE,
) -> pd.DataFrame:
    """Similarity of each reference topic to its matched topic in each other seed's run.

    Columns: ``topic`` (1-based), ``top_words`` (when given, one string per topic); when
    ``prevalence`` (the reference run's :func:`topic_prevalence`) is given, ``prevalence``
    and ``low_prevalence`` (:func:`low_prevalence`); then ``similarity_seed_<s>`` for each
    seed ``s`` of ``others`` in their order, then ``mean_similarity`` over those seeds (NaN
    when there are none). A topic of low prevalence is not rated: its similarities are NaN,
    so it counts in no mean (see the module docstring).
    """
    n_topics = np.shape(reference_phi)[0]
    table = pd.DataFrame({"topic": np.arange(1, n_topics + 1)})
    if top_words is not None:
        if len(top_words) != n_topics:
            raise ValueError(f"{len(top_words)} top_words for {n_topics} topics")
        table["top_words"] = list(top_words)
    unrated = np.zeros(n_topics, dtype=bool)
    if prevalence is not None:
        if len(prevalence) != n_topics:
            raise ValueError(f"{len(prevalence)} prevalences for {n_topics} topics")
        unrated = low_prevalence(prevalence, min_relative_prevalence)
        table["prevalence"] = np.asarray(prevalence, dtype=np.float64)
        table["low_prevalence"] = unrated
    columns = []
    for seed, phi in others.items():
        column = f"similarity_seed_{seed}"
        table[column] = match_topics(reference_phi, phi)[1]
        columns.append(column)
    table["mean_similarity"] = table[columns].mean(axis=1) if columns else np.nan
    table.loc[unrated, [*columns, "mean_similarity"]] = np.nan
    return table


def model_selection_table(
    runs: pd.DataFrame, select_by: str = "c_npmi", select_rule: str = "one_se"
) -> pd.DataFrame:
    """Summary of the fitted models by K, and the K chosen by :func:`num_topics_choice`.

    Parameters
    ----------
    runs : DataFrame
        One row per fitted model: ``num_topics, seed, c_npmi, c_v, u_mass, diversity``, and
        optionally the :data:`PER_K_MEASURES` (one value per K, may be NaN).
    select_by : str
        The measure that chooses K, one of :data:`SELECTION_MEASURES`.
    select_rule : str
        The rule that chooses K, one of :data:`SELECT_RULES`.

    Returns
    -------
    DataFrame, one row per K in ascending order: ``num_topics, runs``, ``<m>_mean, <m>_sd,
    <m>_se`` for each measure (standard deviation over seeds, ddof 1, and standard error
    sd / sqrt(runs); both NaN for a single run), the :data:`PER_K_MEASURES` (NaN where
    absent; ``low_prevalence_topics`` a whole number), ``best`` (the best mean of
    ``select_by``), ``within_one_se`` (mean at least the best mean minus the best K's
    standard error; without one, the best K and its ties) and ``chosen`` (True for
    exactly one K).
    """
    _check_measure(select_by)
    _check_rule(select_rule)
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
        # A null read from JSON leaves an object column, hence the casts.
        values = groups[measure]
        table[f"{measure}_mean"] = values.mean().astype(np.float64)
        table[f"{measure}_sd"] = values.std(ddof=1).astype(np.float64)
        table[f"{measure}_se"] = table[f"{measure}_sd"] / np.sqrt(table["runs"])
    for measure in PER_K_MEASURES:
        # One value per K, repeated on each of its rows: the first that is not NaN.
        if measure in runs.columns:
            table[measure] = groups[measure].first().astype(np.float64)
        else:
            table[measure] = np.nan
    table["low_prevalence_topics"] = table["low_prevalence_topics"].round().astype("Int64")
    table = table.reset_index()
    table["num_topics"] = table["num_topics"].astype(np.int64)
    choice = num_topics_choice(table, select_by, select_rule)
    table["best"] = table["num_topics"] == choice.best_num_topics
    table["within_one_se"] = table["num_topics"].isin(choice.within_one_se)
    table["chosen"] = table["num_topics"] == choice.num_topics
    return table


@dataclass(frozen=True)
class KChoice:
    """The K a rule chose from a model-selection table, and why (:func:`num_topics_choice`)."""

    #: The measure (``lda.select_by``) and the rule asked for (``lda.select_rule``).
    measure: str
    rule: str
    #: The rule applied: ``best`` where ``one_se`` has no standard error (one seed).
    rule_applied: str
    #: The chosen K.
    num_topics: int
    #: The K of the best mean, its mean and standard error (NaN without one).
    best_num_topics: int
    best_mean: float
    best_se: float
    #: The best mean minus its standard error (NaN without one).
    threshold: float
    #: The Ks whose mean is at least ``threshold`` (without one: the best K and its ties).
    within_one_se: tuple[int, ...]
    #: Every K of the table, ascending.
    grid: tuple[int, ...]

    @property
    def at_edge(self) -> bool:
        """The chosen K is the smallest or the largest of a grid of more than one K."""
        return len(self.grid) > 1 and self.num_topics in (self.grid[0], self.grid[-1])

    @property
    def best_at_largest(self) -> bool:
        """The best K is the largest of a grid of more than one K: a larger K may be better."""
        return len(self.grid) > 1 and self.best_num_topics == self.grid[-1]

    def warnings(self, documents: int | None = None) -> list[str]:
        """What a reader of the choice should be told: each a sentence naming the setting.

        ``documents``, the number of documents modelled, if known: where the grid already
        reaches it, a larger K is not suggested (a topic per document is the most a corpus
        has)."""
        grid = ", ".join(str(k) for k in self.grid)
        messages = []
        if self.best_at_largest:
            best = (
                f"the best mean {self.measure} is at K = {self.best_num_topics}, the largest K "
                f"of lda.num_topics ({grid})"
            )
            if documents is not None and self.grid[-1] >= documents:
                messages.append(
                    f"{best} and the number of documents ({documents}): a corpus this small "
                    "has no larger K to try"
                )
            else:
                messages.append(
                    f"{best}: a larger K may be better still; widen the grid (lda.num_topics) "
                    "to find out"
                )
        if self.at_edge and self.num_topics == self.grid[0] and self.num_topics > 2:
            messages.append(
                f"the chosen K = {self.num_topics} is the smallest K of lda.num_topics "
                f"({grid}): a smaller K was not tried; widen the grid (lda.num_topics)"
            )
        if not math.isfinite(self.best_mean):
            messages.append(
                f"no K has a mean {self.measure} (lda.select_by): K = {self.num_topics}, the "
                f"smallest, is taken"
            )
        elif self.rule != self.rule_applied:
            messages.append(
                f"lda.select_rule {self.rule} needs a standard error over seeds, and the "
                f"best K = {self.best_num_topics} has none (one seed): K is the best mean "
                f"{self.measure} instead (list two or more lda.random_seeds)"
            )
        return messages

    def record(self) -> dict:
        """The choice as JSON-ready values (NaN as None)."""

        def number(value: float) -> float | None:
            return float(value) if math.isfinite(value) else None

        return {
            "num_topics": self.num_topics,
            "selected_by": self.measure,
            "rule": self.rule,
            "rule_applied": self.rule_applied,
            "best_num_topics": self.best_num_topics,
            "best_mean": number(self.best_mean),
            "best_se": number(self.best_se),
            "threshold": number(self.threshold),
            "within_one_se": list(self.within_one_se),
            "at_edge": self.at_edge,
            "best_at_largest": self.best_at_largest,
        }


def _standard_error(row: pd.Series, measure: str) -> float:
    """The standard error of ``measure`` in one row of a table: its ``<m>_se`` column, or
    ``<m>_sd / sqrt(runs)``; NaN without one (a single run, or a table without them)."""
    if f"{measure}_se" in row.index:
        value = row[f"{measure}_se"]
    elif f"{measure}_sd" in row.index and "runs" in row.index and row["runs"] >= 2:
        value = row[f"{measure}_sd"] / math.sqrt(row["runs"])
    else:
        value = np.nan
    value = float(value) if pd.notna(value) else np.nan
    return value if value >= 0 else np.nan


def num_topics_choice(
    table: pd.DataFrame, measure: str = "c_npmi", rule: str = "one_se"
) -> KChoice:
    """The K chosen by ``rule`` (:data:`SELECT_RULES`, this module's docstring).

    ``table`` is a :func:`model_selection_table` (columns ``<measure>_mean``, and ``runs``
    with ``<measure>_sd`` or ``<measure>_se`` for the standard error), or has one row per K
    with the measure itself as a column (then there is no standard error).
    """
    _check_measure(measure)
    _check_rule(rule)
    column = f"{measure}_mean" if f"{measure}_mean" in table.columns else measure
    if table.empty:
        raise ValueError("no K to choose from")
    frame = table.sort_values("num_topics", kind="stable").reset_index(drop=True)
    ks = frame["num_topics"].astype(np.int64).to_numpy()
    means = frame[column].astype(np.float64).to_numpy()
    rounded = np.nan_to_num(np.round(means, TIE_DECIMALS), nan=-np.inf)
    # argmax returns the first maximum, that is the smallest K among ties.
    best = int(np.argmax(rounded))
    best_mean = float(means[best])
    best_se = _standard_error(frame.iloc[best], measure) if np.isfinite(best_mean) else np.nan
    threshold = best_mean - best_se
    if np.isfinite(threshold):
        within = rounded >= round(threshold, TIE_DECIMALS)
    else:
        within = rounded == rounded[best]
    chosen, applied = best, "best"
    if rule == "one_se" and np.isfinite(threshold):
        # The smallest K within one standard error of the best (the best itself is).
        chosen, applied = int(np.argmax(within)), "one_se"
    return KChoice(
        measure=measure,
        rule=rule,
        rule_applied=applied,
        num_topics=int(ks[chosen]),
        best_num_topics=int(ks[best]),
        best_mean=best_mean,
        best_se=best_se,
        threshold=threshold,
        within_one_se=tuple(int(k) for k in ks[within]),
        grid=tuple(int(k) for k in ks),
    )


def choose_num_topics(table: pd.DataFrame, measure: str = "c_npmi", rule: str = "one_se") -> int:
    """The K chosen by :func:`num_topics_choice`."""
    return num_topics_choice(table, measure, rule).num_topics


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


#: The largest K the scaled grid of ``num_topics: auto`` reaches (a 30,000-article corpus).
SCALED_MAX_TOPICS = 50
#: Steps the scaled grid may take, the smallest that gives at most ``SCALED_GRID_SIZE`` Ks.
SCALED_STEPS = (1, 2, 5, 10)
SCALED_GRID_SIZE = 6


def scaled_num_topics_range(documents: int) -> tuple[int, int, int]:
    """The (min, max, step) of ``lda.num_topics: auto`` for a corpus of ``documents``.

    The largest K is ``2 * documents ** (1/3)``, at least 5 and at most 50 (and never above
    the number of documents); the smallest a fifth of it, at least 2; the step the smallest
    of 1, 2, 5 and 10 that gives at most six Ks, the smallest K then rounded up to a multiple
    of it. The five seed articles get K 2 to 5; hespress-4cat's 2,268 articles 5, 10, ... 25;
    antms-6cat's 11,047 10, 20, 30, 40; SaudiNewsNet's 31,030 10 to 50: the range a
    researcher would look at, growing slowly with the corpus (a heuristic, not a law: set
    ``num_topics_range`` or ``num_topics`` to override it).
    """
    if documents < 1:
        raise ValueError(f"a corpus of {documents} documents has no number of topics")
    k_max = min(SCALED_MAX_TOPICS, max(5, round(2 * documents ** (1 / 3))), documents)
    k_min = min(k_max, max(2, round(k_max / 5)))
    for step in SCALED_STEPS:
        start = -(-k_min // step) * step if step > 1 else k_min
        if len(range(start, k_max + 1, step)) <= SCALED_GRID_SIZE:
            return start, k_max, step
    return k_min, k_max, SCALED_STEPS[-1]


def num_topics_grid(
    value: int | Sequence[int] | str,
    k_min: int | str = 2,
    k_max: int | str = 10,
    step: int | str = 1,
    documents: int | None = None,
) -> list[int]:
    """The Ks to fit for ``lda.num_topics``: sorted and distinct.

    ``value`` is one K, a list of Ks, or ``"auto"`` for ``range(k_min, k_max + 1, step)``;
    each of those three may be ``"auto"``, taken from :func:`scaled_num_topics_range` of
    ``documents`` (unknown, ``None``: the range of the five seed articles, which a dry run
    before the corpus is read shows).
    """
    if isinstance(value, str) and value == "auto":
        scaled = scaled_num_topics_range(documents if documents else 5)
        k_min, k_max, step = (
            auto if given == "auto" else given
            for given, auto in zip((k_min, k_max, step), scaled, strict=True)
        )
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
