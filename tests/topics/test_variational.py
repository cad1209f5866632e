"""Tests for the compiled E-step (arabic_news_topics.topics.variational); its agreement with
gensim's whole inference is tested with ``engines.array_inference`` (test_engines.py)."""

from __future__ import annotations

import numpy as np
from gensim._matutils import digamma as gensim_digamma
from gensim.matutils import dirichlet_expectation
from scipy.special import digamma as scipy_digamma

from arabic_news_topics.topics import variational


def _values(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [
            rng.uniform(1e-8, 1e-6, 500),  # gensim's small-argument branch
            rng.uniform(1e-6, 1.0, 2000),  # document-topic weights near the prior
            rng.uniform(1.0, 8.5, 2000),  # shifted past 8.5 before the series
            rng.uniform(8.5, 1e5, 2000),  # the series alone (a topic's total weight)
            [1e-6, 8.5, np.nextafter(8.5, 0), 1.0],
        ]
    ).astype(np.float32)


def test_digamma_is_gensims_bit_for_bit():
    gensim_float = gensim_digamma.__signatures__["float"]
    values = _values()
    ours = np.array([variational.digamma(x) for x in values], dtype=np.float32)
    theirs = np.array([gensim_float(x) for x in values], dtype=np.float32)
    np.testing.assert_array_equal(ours, theirs)
    # And both are the digamma function (scipy's, in double) to float32's precision.
    reference = scipy_digamma(values.astype(np.float64))
    large = np.abs(reference) > 1e-2
    np.testing.assert_allclose(ours[large], reference[large], rtol=1e-5)


def test_exp_dirichlet_expectation_is_gensims_to_the_last_bits_of_exp():
    # E[log theta] is gensim's, bit for bit; exp is the C library's, within one unit in the
    # last place of the exact value, where numpy's float32 exp (gensim's) is within two.
    rng = np.random.default_rng(1)
    out = np.empty(20, dtype=np.float32)
    for gamma in rng.gamma(0.3, 2.0, (500, 20)).astype(np.float32) + np.float32(0.01):
        variational.exp_dirichlet_expectation(gamma, out)
        log_theta = dirichlet_expectation(gamma)
        exact = np.exp(log_theta.astype(np.float64)).astype(np.float32)
        np.testing.assert_array_max_ulp(out, exact, maxulp=1)
        np.testing.assert_array_max_ulp(out, np.exp(log_theta), maxulp=2)


def test_infer_of_documents_without_terms_keeps_the_prior():
    # A document of no terms: its weights become alpha after one update, and it adds nothing.
    indptr = np.array([0, 0, 0], dtype=np.int64)
    gamma = np.full((2, 3), 1.0, dtype=np.float32)
    alpha = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    sstats_t = np.zeros((4, 3), dtype=np.float32)
    beta_t = np.full((4, 3), 0.25, dtype=np.float32)
    empty_ids, empty_counts = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    variational.infer(
        indptr, empty_ids, empty_counts, gamma, beta_t, alpha, 50, 0.001, sstats_t, True
    )
    np.testing.assert_array_equal(gamma, np.vstack([alpha, alpha]))
    assert not sstats_t.any()


def test_infer_counts_add_up_to_the_documents_words():
    # Each document's expected counts (sstats times exp E[log beta]) sum to its words, and
    # its weights to alpha's total plus its words, at convergence.
    rng = np.random.default_rng(2)
    n_terms, n_topics = 30, 4
    matrix = rng.poisson(0.5, (12, n_terms)).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum((matrix > 0).sum(axis=1))]).astype(np.int64)
    indices = np.nonzero(matrix)[1].astype(np.int32)
    counts = matrix[matrix > 0]
    beta = rng.dirichlet(np.ones(n_terms), n_topics).astype(np.float32)
    beta_t = np.ascontiguousarray(beta.T)
    alpha = np.full(n_topics, 0.25, dtype=np.float32)
    gamma = rng.gamma(100.0, 0.01, (12, n_topics)).astype(np.float32)
    sstats_t = np.zeros_like(beta_t)
    variational.infer(indptr, indices, counts, gamma, beta_t, alpha, 500, 1e-6, sstats_t, True)
    expected = sstats_t.T * beta
    np.testing.assert_allclose(expected.sum(), matrix.sum(), rtol=1e-4)
    np.testing.assert_allclose(expected.sum(axis=0), matrix.sum(axis=0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gamma.sum(axis=1), alpha.sum() + matrix.sum(axis=1), rtol=1e-4)
