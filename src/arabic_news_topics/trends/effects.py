"""Prevalence by group with 95 % intervals, and differences between two groups.

What stm's ``estimateEffect(1:K ~ group)`` answers: how much of the documents of each group
(an outlet, a period, a label) a topic accounts for, and how sure we are. With one
categorical covariate the regression of the documents' topic shares on its indicators is the
group means, so the estimate is the mean share of the group's documents; its uncertainty
comes from a bootstrap over documents, resampled within each group (percentile intervals).
The same applies to any per-document value: theme scores, or whether a theme dominates a
document (then the estimate is the share of the group's documents it dominates).

The intervals are those of the documents' sampling: a corpus is taken as one draw of the
articles an outlet could have published. They do not add the uncertainty of each document's
topic shares within the model (stm's method of composition draws those from the variational
posterior, which gensim's and tomotopy's point estimates do not give); with documents of
hundreds of words that part is the smaller one.

A group with fewer than ``min_documents`` documents gets its estimate but no interval, and
``note`` says why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Interval level of every table.
LEVEL = 0.95
#: Bootstrap resamples (percentile intervals: 1,000 put the 2.5th percentile between the
#: 25th and 26th resample).
N_BOOT = 1000
#: Fewest documents a group needs for an interval.
MIN_DOCUMENTS = 5
#: Resamples drawn at once (memory: this many times the group's documents, in counts).
_BLOCK = 100


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` x outcomes: the column means of resamples of the rows of ``values``.

    Each resample is a vector of multinomial counts over the rows (the same as drawing rows
    with replacement), so a block of resamples is one matrix product."""
    n = len(values)
    means = np.empty((n_boot, values.shape[1]))
    for start, counts in _resample_counts(n, n_boot, rng):
        means[start : start + len(counts)] = counts @ values / n
    return means


def _resample_counts(n: int, n_boot: int, rng: np.random.Generator):
    """Blocks of ``n_boot`` bootstrap resamples of ``n`` rows, each a vector of multinomial
    counts (the same as drawing rows with replacement): (first resample's index, counts)."""
    for start in range(0, n_boot, _BLOCK):
        size = min(_BLOCK, n_boot - start)
        counts = np.empty((size, n), dtype=np.int64)
        for row in counts:
            # n rows drawn with replacement, counted: the multinomial of n draws over n
            # equally likely rows, in 40 % of numpy's multinomial's time at n = 28,000
            # (which draws one binomial per row).
            row[:] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        yield start, counts


def _interval(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2
    return np.quantile(draws, tail, axis=0), np.quantile(draws, 1 - tail, axis=0)


def _check(level: float, n_boot: int, min_documents: int) -> None:
    if not 0 < level < 1:
        raise ValueError(f"the interval level must be between 0 and 1, not {level!r}")
    if n_boot < 1:
        raise ValueError(f"the number of bootstrap resamples must be at least 1, not {n_boot}")
    if min_documents < 2:
        raise ValueError(f"min_documents must be at least 2, not {min_documents}")


def group_prevalence(
    values: np.ndarray,
    groups: Sequence,
    outcomes: Sequence[str],
    group_order: Sequence[str] | None = None,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    min_documents: int = MIN_DOCUMENTS,
    random_state: int = 42,
) -> pd.DataFrame:
    """Mean of each outcome in each group, with a bootstrap interval.

    Parameters
    ----------
    values : ndarray
        Documents x outcomes (topic shares, theme scores, 0/1 indicators).
    groups : sequence
        Each document's group; a missing value (None, NaN) leaves the document out.
    outcomes : sequence of str
        The outcomes' names, one per column of ``values``.
    group_order : sequence of str, optional
        The groups in the order of the table (default: sorted); groups listed without
        documents get a row with 0 documents.

    Returns
    -------
    DataFrame
        ``group, outcome, documents, estimate, lower, upper, note``, one row per group and
        outcome, groups in order, outcomes in order within each.
    """
    _check(level, n_boot, min_documents)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(outcomes) or len(values) != len(groups):
        raise ValueError(
            f"values are {values.shape}, for {len(groups)} documents and {len(outcomes)} outcomes"
        )
    keys = pd.Series(list(groups), dtype=object)
    present = keys.notna().to_numpy()
    labels = keys[present].astype(str).to_numpy()
    order = list(group_order) if group_order is not None else sorted(set(labels))
    rng = np.random.default_rng(random_state)
    rows = []
    for group in order:
        member = values[present][labels == group]
        n = len(member)
        estimate = member.mean(axis=0) if n else np.full(len(outcomes), np.nan)
        lower = upper = np.full(len(outcomes), np.nan)
        note = ""
        if n >= min_documents:
            lower, upper = _interval(_bootstrap_means(member, n_boot, rng), level)
        else:
            note = f"fewer than {min_documents} documents: no interval"
        for j, outcome in enumerate(outcomes):
            rows.append(
                {
                    "group": group,
                    "outcome": outcome,
                    "documents": n,
                    "estimate": float(estimate[j]),
                    "lower": float(lower[j]),
                    "upper": float(upper[j]),
                    "note": note,
                }
            )
    columns = ["group", "outcome", "documents", "estimate", "lower", "upper", "note"]
    return pd.DataFrame(rows, columns=columns)


def group_difference(
    values: np.ndarray,
    groups: Sequence,
    outcomes: Sequence[str],
    first: str,
    second: str,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    min_documents: int = MIN_DOCUMENTS,
    random_state: int = 42,
) -> pd.DataFrame:
    """Difference of each outcome's mean between two groups (``first − second``), with a
    bootstrap interval (each group resampled on its own).

    Returns
    -------
    DataFrame
        ``contrast`` (``first − second``), ``first``, ``second``, ``outcome``,
        ``documents_first``, ``documents_second``, ``estimate``, ``lower``, ``upper``,
        ``note``.
    """
    _check(level, n_boot, min_documents)
    values = np.asarray(values, dtype=np.float64)
    keys = pd.Series(list(groups), dtype=object)
    labels = keys.where(keys.notna(), None).map(lambda g: None if g is None else str(g))
    a = values[(labels == str(first)).to_numpy()]
    b = values[(labels == str(second)).to_numpy()]
    estimate = (
        a.mean(axis=0) - b.mean(axis=0) if len(a) and len(b) else np.full(len(outcomes), np.nan)
    )
    lower = upper = np.full(len(outcomes), np.nan)
    note = ""
    if min(len(a), len(b)) >= min_documents:
        rng = np.random.default_rng(random_state)
        draws = _bootstrap_means(a, n_boot, rng) - _bootstrap_means(b, n_boot, rng)
        lower, upper = _interval(draws, level)
    else:
        note = f"a group has fewer than {min_documents} documents: no interval"
    return pd.DataFrame(
        {
            "contrast": f"{first} − {second}",
            # The groups on their own: a name may itself contain " − ".
            "first": str(first),
            "second": str(second),
            "outcome": list(outcomes),
            "documents_first": len(a),
            "documents_second": len(b),
            "estimate": estimate.astype(float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
            "note": note,
        }
    )


def _design(covariates: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
    """Intercept and one indicator per non-reference group of each covariate; the
    reference of a covariate is its group with most documents (ties: the first by name).
    Returns the matrix and, per indicator column, (covariate, group, reference)."""
    columns = [np.ones(len(covariates))]
    names = []
    for covariate in covariates.columns:
        values = covariates[covariate].astype(str)
        counts = values.value_counts()
        groups = sorted(counts.index, key=lambda g: (-counts[g], g))
        reference = groups[0]
        for group in sorted(groups[1:]):
            columns.append((values == group).to_numpy(dtype=np.float64))
            names.append((covariate, group, reference))
    return np.column_stack(columns), names


def _cells(design: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct rows of ``design`` (documents with the same covariates) and, for each,
    the positions of its documents."""
    cells, cell_of = np.unique(design, axis=0, return_inverse=True)
    cell_of = np.asarray(cell_of).ravel()
    return cells, [np.flatnonzero(cell_of == c) for c in range(len(cells))]


def weighted_coefficients(
    cells: np.ndarray, cell_weights: np.ndarray, cell_sums: np.ndarray
) -> np.ndarray:
    """Weighted least-squares coefficients from the design's distinct rows.

    ``cell_weights`` is each distinct row's total weight, ``cell_sums`` its documents'
    weighted outcome sums. Every document of a cell has the same row, so the regression on
    the documents equals the regression on the cells' weighted means with the cells'
    weights: the same minimum-norm solution as ``lstsq`` on the documents, with as many rows
    as cells (sources x periods x labels) instead of documents.
    """
    root = np.sqrt(cell_weights)[:, None]
    means = np.divide(
        cell_sums, cell_weights[:, None], out=np.zeros_like(cell_sums), where=root > 0
    )
    return np.linalg.lstsq(cells * root, means * root, rcond=None)[0]


def _bootstrap_coefficients(
    design: np.ndarray, y: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """``n_boot`` x coefficients x outcomes: the regression on resamples of the documents
    (multinomial counts, :func:`_bootstrap_means`'s blocks), each solved on the cells
    (:func:`weighted_coefficients`): a few dozen rows per solve instead of every document
    (benchmarks/results/workflow_speed_saudinewsnet.md measures the rule)."""
    n = len(y)
    cells, members = _cells(design)
    draws = np.empty((n_boot, design.shape[1], y.shape[1]))
    for start, counts in _resample_counts(n, n_boot, rng):
        counts = counts.astype(np.float64)
        weights = np.column_stack([counts[:, rows].sum(axis=1) for rows in members])
        sums = np.stack([counts[:, rows] @ y[rows] for rows in members], axis=1)
        for b in range(len(counts)):
            draws[start + b] = weighted_coefficients(cells, weights[b], sums[b])
    return draws


def adjusted_differences(
    values: np.ndarray,
    covariates: pd.DataFrame,
    outcomes: Sequence[str],
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    min_documents: int = MIN_DOCUMENTS,
    random_state: int = 42,
) -> pd.DataFrame:
    """Each group's difference from its covariate's reference group, adjusted for the other
    covariates: the coefficients of a least-squares regression of each outcome on the
    indicators of every covariate at once (stm's ``estimateEffect(1:K ~ source + period)``
    with categorical covariates), with bootstrap intervals (documents resampled as a whole:
    each resample is the regression weighted by multinomial counts).

    An outlet that published mostly in one week gets the week's topics in its group mean
    (:func:`group_prevalence`); here the week is held fixed. Documents missing any covariate
    are left out; a group with fewer than ``min_documents`` documents gets no interval.

    Returns
    -------
    DataFrame
        ``covariate, group, reference, outcome, documents, estimate, lower, upper, note``.
    """
    _check(level, n_boot, min_documents)
    values = np.asarray(values, dtype=np.float64)
    complete = covariates.notna().all(axis=1).to_numpy()
    frame = covariates.loc[complete].reset_index(drop=True)
    y = values[complete]
    columns = ["covariate", "group", "reference", "outcome", "documents", "estimate", "lower"]
    if len(frame) == 0 or frame.shape[1] == 0:
        return pd.DataFrame(columns=[*columns, "upper", "note"])
    design, names = _design(frame)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    draws = _bootstrap_coefficients(design, y, n_boot, np.random.default_rng(random_state))
    lower, upper = _interval(draws, level)
    rows = []
    for j, (covariate, group, reference) in enumerate(names, start=1):
        size = int((frame[covariate].astype(str) == group).sum())
        few = size < min_documents
        for k, outcome in enumerate(outcomes):
            rows.append(
                {
                    "covariate": covariate,
                    "group": group,
                    "reference": reference,
                    "outcome": outcome,
                    "documents": size,
                    "estimate": float(coefficients[j, k]),
                    "lower": np.nan if few else float(lower[j, k]),
                    "upper": np.nan if few else float(upper[j, k]),
                    "note": f"fewer than {min_documents} documents: no interval" if few else "",
                }
            )
    return pd.DataFrame(rows, columns=[*columns, "upper", "note"])
