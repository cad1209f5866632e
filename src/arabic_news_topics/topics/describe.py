"""What each topic is: its words ranked four ways, its exclusivity, and its articles.

The rankings are those researchers know from R's ``stm`` (``labelTopics``: probability,
FREX, lift) and from LDAvis (relevance with λ). They are a few lines of numpy each, written
here because no maintained Python library computes them on an arbitrary topic-word matrix
(pyLDAvis computes relevance only inside its page; stm is R).

Notation: ``phi`` is the topics x words matrix of word probabilities (rows sum to 1),
``frequencies`` the words' shares of all tokens of the corpus (the empirical p(w)).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..corpus.core import headline, snippet  # noqa: F401 (part of this module's interface)

#: The word rankings of :func:`word_rankings`, in the order tables show them.
RANKINGS = ("probability", "frex", "lift", "relevance")
#: stm's default weight of exclusivity in FREX (``exclusivity(frexw = 0.7)``).
FREX_WEIGHT = 0.7
#: LDAvis's recommended λ (Sievert and Shirley 2014 found 0.6 best for reading topics).
RELEVANCE_LAMBDA = 0.6
#: Smallest probability a log is taken of (a word a topic never uses).
_TINY = 1e-300


def _check_phi(phi: np.ndarray) -> np.ndarray:
    phi = np.asarray(phi, dtype=np.float64)
    if phi.ndim != 2 or phi.size == 0 or (phi < 0).any():
        raise ValueError("phi must be a non-empty topics x words matrix of probabilities")
    sums = phi.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    return phi / sums


def word_frequencies(counts: Sequence[float]) -> np.ndarray:
    """Each word's share of all tokens (p(w)), from its corpus count; a word never counted
    gets half a count, so that lift and relevance stay finite."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0 or (counts < 0).any():
        raise ValueError("counts must be a non-empty vector of non-negative word counts")
    counts = np.where(counts > 0, counts, 0.5)
    return counts / counts.sum()


def lift(phi: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    """``phi[k, w] / p(w)``: how much more often topic k uses a word than the corpus does
    (stm's ``calclift``; Taddy 2012). Rare words rank high: read it with the others."""
    phi = _check_phi(phi)
    return phi / np.asarray(frequencies, dtype=np.float64)[None, :]


def relevance(phi: np.ndarray, frequencies: np.ndarray, lam: float = RELEVANCE_LAMBDA):
    """LDAvis's relevance, ``λ log phi[k, w] + (1 - λ) log(phi[k, w] / p(w))``: λ = 1 ranks
    by probability, λ = 0 by lift (Sievert and Shirley 2014)."""
    if not 0 <= lam <= 1:
        raise ValueError(f"topics.relevance_lambda = {lam!r} must be between 0 and 1")
    phi = _check_phi(phi)
    log_phi = np.log(np.maximum(phi, _TINY))
    log_p = np.log(np.asarray(frequencies, dtype=np.float64))[None, :]
    return lam * log_phi + (1 - lam) * (log_phi - log_p)


def frex(phi: np.ndarray, weight: float = FREX_WEIGHT) -> np.ndarray:
    """FREX (Bischof and Airoldi 2012; Roberts et al.'s stm): the weighted harmonic mean of a
    word's rank in the topic by frequency (``phi[k, w]``) and by exclusivity
    (``phi[k, w] / sum_j phi[j, w]``), each rank as an empirical CDF over the words (ties:
    average rank, as ``data.table::frank``). ``weight`` is exclusivity's weight, as in
    stm's ``exclusivity(frexw)``; stm's optional James-Stein shrinkage of exclusivity is
    not applied."""
    if not 0 <= weight <= 1:
        raise ValueError(f"topics.frex_weight = {weight!r} must be between 0 and 1")
    phi = _check_phi(phi)
    # Imported here: scipy.stats takes about a second to import, and only FREX needs it.
    from scipy.stats import rankdata

    n_words = phi.shape[1]
    column = phi.sum(axis=0, keepdims=True)
    exclusive = phi / np.where(column > 0, column, 1.0)
    exclusivity_rank = rankdata(exclusive, axis=1) / n_words
    frequency_rank = rankdata(phi, axis=1) / n_words
    return 1.0 / (weight / exclusivity_rank + (1 - weight) / frequency_rank)


def top_indices(scores: np.ndarray, vocabulary: Sequence[str], top_n: int) -> np.ndarray:
    """Per row, the ``top_n`` columns of highest score (ties: by vocabulary term)."""
    terms = np.asarray(vocabulary, dtype=str)
    term_order = np.argsort(np.argsort(terms, kind="stable"), kind="stable")
    rows = []
    for row in np.asarray(scores, dtype=np.float64):
        order = np.lexsort((term_order, -row))
        rows.append(order[: min(top_n, len(order))])
    return np.array(rows, dtype=np.int64)


def topic_exclusivity(phi: np.ndarray, top_n: int = 10, weight: float = FREX_WEIGHT):
    """Each topic's exclusivity as stm's ``exclusivity()``: the sum of the FREX scores of
    its ``top_n`` most probable words (at most ``top_n``: 1 is a topic whose top words no
    other topic uses and that are its most frequent)."""
    phi = _check_phi(phi)
    scores = frex(phi, weight)
    order = np.argsort(-phi, axis=1, kind="stable")[:, :top_n]
    return np.take_along_axis(scores, order, axis=1).sum(axis=1)


def word_rankings(
    phi: np.ndarray,
    vocabulary: Sequence[str],
    frequencies: np.ndarray,
    display: Sequence[str] | None = None,
    top_n: int = 10,
    frex_weight: float = FREX_WEIGHT,
    relevance_lambda: float = RELEVANCE_LAMBDA,
) -> pd.DataFrame:
    """Each topic's ``top_n`` words by each of :data:`RANKINGS`, with all four scores.

    Returns
    -------
    DataFrame
        ``topic`` (from 1), ``ranking``, ``rank``, ``term``, ``display`` (the term's
        display form; the term itself without ``display``), ``probability``, ``frex``,
        ``lift`` and ``relevance``.
    """
    phi = _check_phi(phi)
    vocabulary = list(vocabulary)
    if phi.shape[1] != len(vocabulary) or len(frequencies) != len(vocabulary):
        raise ValueError(
            f"phi has {phi.shape[1]} words, the vocabulary {len(vocabulary)}, "
            f"the frequencies {len(frequencies)}"
        )
    shown = list(display) if display is not None else vocabulary
    scores = {
        "probability": phi,
        "frex": frex(phi, frex_weight),
        "lift": lift(phi, frequencies),
        "relevance": relevance(phi, frequencies, relevance_lambda),
    }
    rows = []
    for ranking in RANKINGS:
        best = top_indices(scores[ranking], vocabulary, top_n)
        for k, words in enumerate(best):
            for rank, j in enumerate(words, start=1):
                rows.append(
                    {
                        "topic": k + 1,
                        "ranking": ranking,
                        "rank": rank,
                        "term": vocabulary[j],
                        "display": shown[j],
                        **{name: float(values[k, j]) for name, values in scores.items()},
                    }
                )
    table = pd.DataFrame(rows)
    return table.sort_values(["topic", "ranking", "rank"], key=_ranking_order, ignore_index=True)


def _ranking_order(column: pd.Series) -> pd.Series:
    if column.name == "ranking":
        return column.map({name: i for i, name in enumerate(RANKINGS)})
    return column


def representative_documents(
    theta: np.ndarray, doc_ids: Sequence[str], n_documents: int = 5
) -> pd.DataFrame:
    """Per topic, the ``n_documents`` documents of highest share (stm's ``findThoughts``,
    BERTopic's representative documents; ties: corpus order).

    Returns
    -------
    DataFrame
        ``topic`` (from 1), ``rank``, ``doc_id`` and ``share``.
    """
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim != 2 or theta.shape[0] != len(doc_ids):
        raise ValueError(f"theta has {theta.shape[0]} rows for {len(doc_ids)} documents")
    if n_documents < 1:
        raise ValueError(f"topics.representative_documents = {n_documents} must be at least 1")
    rows = []
    for k in range(theta.shape[1]):
        order = np.lexsort((np.arange(theta.shape[0]), -theta[:, k]))[:n_documents]
        for rank, i in enumerate(order, start=1):
            rows.append(
                {"topic": k + 1, "rank": rank, "doc_id": doc_ids[i], "share": float(theta[i, k])}
            )
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "share"])
