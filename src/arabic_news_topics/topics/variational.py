"""The E-step of gensim's online variational LDA (``LdaModel.inference``, gensim 4.4.0),
compiled with numba: each document's topic weights ``gamma`` and, while training, the
expected topic-by-term counts it adds (``sstats``).

Why compiled: the E-step is 60 to 65 % of a gensim fit. gensim loops over the documents in
Python and calls numpy about ten times per document and iteration; on SaudiNewsNet (about
240 distinct terms in a document, 10 to 12 iterations) that overhead and the gather of each
document's columns of the topic-by-term matrix (a cache miss per topic and term) were most
of the time. Compiled, with the matrix read term by term (``exp_log_beta_t``: terms by
topics, each term's topics side by side), a 2,000-document chunk takes 0.04 to 0.15 s
against 0.21 to 0.37 s at K = 10 to 50 (docs/performance.md). No maintained library
compiles gensim's E-step (its own ``LdaMulticore`` runs the same Python loop in processes).

The arithmetic is gensim's: float32 throughout, the same updates, the same convergence test
(the mean absolute change of ``gamma`` under ``gamma_threshold``), gensim's own digamma
(``gensim._matutils._digamma``, ported operation for operation: the same bits, tested) and
the same starting values (drawn by the caller from the model's random state). Two things
differ in the last bits, so ``gamma`` agrees with gensim's to about 1e-5 of itself (tested),
not bit for bit: the two sums over topics and terms run in a fixed order (BLAS chooses its
own, by CPU) and ``exp`` is the C library's (numpy has its own vectorized one). Neither
depends on the machine's vector width (no reassociation: ``fastmath`` is off), so a fit is
reproducible with its random state. ``engines.array_inference`` sends it chunks of at least
``engines.COMPILED_MIN_DOCUMENTS`` documents; smaller ones, where loading numba would cost more
than it saves, keep gensim's arithmetic bit for bit.
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def digamma(x: np.float32) -> np.float32:
    """gensim's float32 digamma (``gensim._matutils._digamma[float]``, after Bernardo's
    AS 103): float32 variables, each expression evaluated in double as C evaluates it."""
    if x <= 0.000001:
        euler_mascheroni = np.float64(np.float32(0.57721566490153286060))
        return np.float32(-euler_mascheroni - 1.0 / np.float64(x) + 1.6449340668482264365 * x)
    value = np.float32(0.0)
    shifted = x
    while shifted < np.float32(8.5):
        value = np.float32(np.float64(value) - 1.0 / np.float64(shifted))
        shifted = np.float32(np.float64(shifted) + 1.0)
    r = np.float32(1.0 / np.float64(shifted))
    value = np.float32(np.float64(value) + math.log(np.float64(shifted)) - 0.5 * np.float64(r))
    r = np.float32(r * r)
    rr = np.float64(r)
    series = rr * (
        1.0 / 12.0
        - rr * (1.0 / 120.0 - rr * (1.0 / 252.0 - rr * (1.0 / 240.0 - rr * (1.0 / 132.0))))
    )
    return np.float32(np.float64(value) - series)


@numba.njit(cache=True)
def exp_dirichlet_expectation(gamma: np.ndarray, out: np.ndarray) -> None:
    """``exp(E[log theta])`` of a Dirichlet with parameters ``gamma`` into ``out`` (gensim's
    ``exp(dirichlet_expectation(gamma))``: the sum of ``gamma`` in order, in float32)."""
    total = np.float32(0.0)
    for k in range(gamma.shape[0]):
        total += gamma[k]
    digamma_total = digamma(total)
    for k in range(gamma.shape[0]):
        out[k] = math.exp(np.float32(digamma(gamma[k]) - digamma_total))


@numba.njit(cache=True)
def infer(
    indptr: np.ndarray,
    indices: np.ndarray,
    counts: np.ndarray,
    gamma: np.ndarray,
    exp_log_beta_t: np.ndarray,
    alpha: np.ndarray,
    iterations: int,
    gamma_threshold: float,
    sstats_t: np.ndarray,
    collect_sstats: bool,
) -> None:
    """Infer the documents of a chunk in place (gensim's ``LdaModel.inference``).

    Parameters
    ----------
    indptr, indices, counts : ndarray
        The chunk's documents as a CSR matrix (documents by terms; ``counts`` float32).
    gamma : ndarray of float32, documents by topics
        The starting values; overwritten with each document's topic weights.
    exp_log_beta_t : ndarray of float32, terms by topics
        ``exp(E[log beta])``, the model's ``expElogbeta`` transposed (C order).
    alpha : ndarray of float32
        The document-topic prior.
    iterations, gamma_threshold
        At most this many updates of a document's ``gamma``; fewer once its mean absolute
        change is under ``gamma_threshold``.
    sstats_t : ndarray of float32, terms by topics
        Where ``collect_sstats``, each document's expected counts are added to it (not yet
        multiplied by ``expElogbeta``, as in gensim); else unused.
    """
    n_documents, n_topics = gamma.shape
    epsilon = np.finfo(np.float32).eps
    longest = 0
    for d in range(n_documents):
        longest = max(longest, indptr[d + 1] - indptr[d])
    # The document's columns of exp(E[log beta]) in both layouts: topics by terms for
    # phinorm (a sum over topics, vectorized across terms) and terms by topics for the new
    # gamma (a sum over terms, vectorized across topics); neither sum is reordered.
    beta_d = np.empty((n_topics, longest), np.float32)
    beta_d_t = np.empty((longest, n_topics), np.float32)
    phinorm = np.empty(longest, np.float32)
    ratio = np.empty(longest, np.float32)
    theta = np.empty(n_topics, np.float32)
    weights = np.empty(n_topics, np.float32)
    for d in range(n_documents):
        start = np.int64(indptr[d])
        n_terms = np.int64(indptr[d + 1]) - start
        for j in range(n_terms):
            source = exp_log_beta_t[indices[start + j]]
            target = beta_d_t[j]
            for k in range(n_topics):
                target[k] = source[k]
        for k in range(n_topics):
            row = beta_d[k]
            for j in range(n_terms):
                row[j] = beta_d_t[j, k]
        gamma_d = gamma[d]
        exp_dirichlet_expectation(gamma_d, theta)
        _phinorm(theta, beta_d, n_terms, epsilon, phinorm)
        for _ in range(iterations):
            for j in range(n_terms):
                ratio[j] = counts[start + j] / phinorm[j]
            weights[:] = 0.0
            for j in range(n_terms):
                r = ratio[j]
                row = beta_d_t[j]
                for k in range(n_topics):
                    weights[k] += r * row[k]
            change = np.float32(0.0)
            for k in range(n_topics):
                updated = alpha[k] + theta[k] * weights[k]
                change += abs(updated - gamma_d[k])
                gamma_d[k] = updated
            exp_dirichlet_expectation(gamma_d, theta)
            _phinorm(theta, beta_d, n_terms, epsilon, phinorm)
            if change / np.float32(n_topics) < gamma_threshold:
                break
        if collect_sstats:
            for j in range(n_terms):
                r = counts[start + j] / phinorm[j]
                target = sstats_t[indices[start + j]]
                for k in range(n_topics):
                    target[k] += theta[k] * r


@numba.njit(cache=True)
def _phinorm(
    theta: np.ndarray, beta_d: np.ndarray, n_terms: int, epsilon: float, out: np.ndarray
) -> None:
    """Each term's normalizer ``sum_k theta_k beta_kw + eps``, summed over topics in order."""
    for j in range(n_terms):
        out[j] = 0.0
    for k in range(theta.shape[0]):
        t = theta[k]
        row = beta_d[k]
        for j in range(n_terms):
            out[j] += t * row[j]
    for j in range(n_terms):
        out[j] += epsilon


def compile_kernels() -> None:
    """Compile :func:`infer` for the types :func:`~.engines.array_inference` passes, on two
    tiny documents; numba caches the machine code beside this module (``cache=True``), so
    the first fit of a run does not spend seconds compiling. ``make`` calls it after
    installing."""
    indptr = np.array([0, 1, 1], dtype=np.int64)
    indices, counts = np.array([0], dtype=np.int32), np.ones(1, dtype=np.float32)
    gamma, ones = np.ones((2, 2), dtype=np.float32), np.ones((2, 2), dtype=np.float32)
    for collect in (False, True):
        infer(indptr, indices, counts, gamma, ones, np.ones(2, np.float32), 2, 0.001, ones, collect)


if __name__ == "__main__":
    compile_kernels()
