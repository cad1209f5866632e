"""GSDMM's compiled sweeps (topics.gsdmm) against the sampler written out with log-gamma."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaln

from arabic_news_topics.topics import engines, gsdmm

N_TERMS, N_CLUSTERS, ALPHA, BETA = 15, 5, 0.2, 0.05


def reference_weights(counts, word_counts, cluster_words, cluster_documents):
    """Equation 4 of Yin and Wang (2014) for one document of term ``counts``, written with
    log-gamma: log (m_k + a) + sum_w log G(n_kw + c_w + b) / G(n_kw + b)
    - log G(n_k + N + V b) / G(n_k + V b)."""
    length = counts.sum()
    return (
        np.log(cluster_documents + ALPHA)
        + (gammaln(word_counts + counts[:, None] + BETA) - gammaln(word_counts + BETA)).sum(axis=0)
        - gammaln(cluster_words + length + N_TERMS * BETA)
        + gammaln(cluster_words + N_TERMS * BETA)
    )


def reference_sweep(matrix, labels, uniforms):
    """One sweep in corpus order, each document's cluster drawn with its uniform (greedy
    without uniforms); returns the new labels."""
    labels = labels.copy()
    word_counts = np.zeros((N_TERMS, N_CLUSTERS))
    for row, label in zip(matrix, labels, strict=True):
        word_counts[:, label] += row
    cluster_documents = np.bincount(labels, minlength=N_CLUSTERS).astype(float)
    for d, row in enumerate(matrix):
        old = labels[d]
        word_counts[:, old] -= row
        cluster_documents[old] -= 1
        weights = reference_weights(row, word_counts, word_counts.sum(axis=0), cluster_documents)
        if uniforms is None:
            new = int(weights.argmax()) if weights.max() > weights[old] else old
        else:
            cumulative = np.exp(weights - weights.max()).cumsum()
            drawn = cumulative.searchsorted(uniforms[d] * cumulative[-1], side="right")
            new = min(int(drawn), N_CLUSTERS - 1)
        word_counts[:, new] += row
        cluster_documents[new] += 1
        labels[d] = new
    return labels


@pytest.fixture
def documents():
    """Forty documents of 1 to 60 tokens (some longer than the groups of ratios) drawn from
    three word distributions, with repeated terms; as rows of counts and as the sampler's
    documents."""
    rng = np.random.default_rng(11)
    distributions = rng.dirichlet(np.full(N_TERMS, 0.3), size=3)
    texts = [
        rng.choice(N_TERMS, size=rng.integers(1, 60), p=distributions[d % 3]) for d in range(40)
    ]
    matrix = np.array([np.bincount(text, minlength=N_TERMS) for text in texts], dtype=float)
    # Bags of (term, count), the term ids the columns of ``matrix``.
    bow = [[(int(t), row[t]) for t in np.flatnonzero(row)] for row in matrix]
    return matrix, engines._DMMDocuments.from_bow(bow, N_TERMS)


def test_compiled_sweeps_draw_what_the_log_gamma_sampler_draws(documents):
    matrix, docs = documents
    rng = np.random.default_rng(3)
    labels = rng.integers(N_CLUSTERS, size=len(matrix))
    sampler = engines._DMMSampler(docs, N_TERMS, N_CLUSTERS, ALPHA, BETA, labels)
    assert sampler.halvings == engines.DMM_MAX_HALVINGS
    expected = labels
    changed = 0
    for _ in range(6):
        uniforms = rng.random(len(matrix))
        moved = sampler.sweep(uniforms)
        previous, expected = expected, reference_sweep(matrix, expected, uniforms)
        np.testing.assert_array_equal(sampler.labels, expected)
        assert moved == np.count_nonzero(previous != expected)
        changed += moved
    assert changed > 0
    # Greedy sweeps until none moves a document: the same fixed point.
    for _ in range(engines.DMM_MAX_GREEDY_SWEEPS):
        previous, expected = expected, reference_sweep(matrix, expected, None)
        assert sampler.sweep() == np.count_nonzero(previous != expected)
        np.testing.assert_array_equal(sampler.labels, expected)
    # The counts kept in place are those of the final labels.
    word_counts = np.stack([matrix[expected == k].sum(axis=0) for k in range(N_CLUSTERS)], 1)
    np.testing.assert_array_equal(sampler.word_counts, word_counts)
    np.testing.assert_array_equal(sampler.cluster_words, word_counts.sum(axis=0))
    np.testing.assert_array_equal(
        sampler.cluster_documents, np.bincount(expected, minlength=N_CLUSTERS)
    )
    # The caller's labels are not changed.
    np.testing.assert_array_equal(labels, np.random.default_rng(3).integers(N_CLUSTERS, size=40))


def test_conditionals_and_new_documents_match_the_log_gamma_weights(documents):
    matrix, docs = documents
    labels = np.arange(len(matrix)) % N_CLUSTERS
    sampler = engines._DMMSampler(docs, N_TERMS, N_CLUSTERS, ALPHA, BETA, labels)
    weights = sampler.conditionals()
    np.testing.assert_array_equal(sampler.labels, labels)  # nothing moves
    for d, row in enumerate(matrix):
        others = matrix[np.arange(len(matrix)) != d]
        other_labels = np.delete(labels, d)
        word_counts = np.stack([others[other_labels == k].sum(0) for k in range(5)], 1)
        expected = reference_weights(
            row, word_counts, word_counts.sum(0), np.bincount(other_labels, minlength=5)
        )
        np.testing.assert_allclose(weights[d], expected, rtol=1e-10)
    # A fitted state's weights of documents outside its counts.
    state = engines.DMMState(
        labels=labels,
        word_counts=sampler.word_counts,
        cluster_words=sampler.cluster_words,
        cluster_documents=sampler.cluster_documents,
        alpha=ALPHA,
        beta=BETA,
        log_likelihoods=np.zeros(1),
        best_restart=0,
    )
    new = state.log_weights(docs)
    for d, row in enumerate(matrix):
        expected = reference_weights(
            row, sampler.word_counts, sampler.cluster_words, sampler.cluster_documents
        )
        np.testing.assert_allclose(new[d], expected, rtol=1e-10)


def test_no_documents_is_no_work():
    docs = engines._DMMDocuments.from_bow([[], []], N_TERMS)
    sampler = engines._DMMSampler(docs, N_TERMS, N_CLUSTERS, ALPHA, BETA, np.zeros(0))
    assert sampler.sweep(np.zeros(0)) == 0
    assert sampler.conditionals().shape == (0, N_CLUSTERS)


def test_compile_kernels_compiles_both_kernels():
    """``make`` calls it after installing: afterwards each kernel holds machine code for the
    argument types the sampler passes."""
    gsdmm.compile_kernels()
    assert gsdmm.visit.signatures and gsdmm.score.signatures
