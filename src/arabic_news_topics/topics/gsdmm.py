"""GSDMM's inner loops (Yin and Wang 2014), compiled with numba: the Gibbs sweeps of the
Dirichlet multinomial mixture and its weights of new documents.

Why compiled: each document's draw depends on the draws before it, so a sweep is a loop over
the documents. As numpy, each document cost about ten array calls (28 to 33 µs a document a
sweep on hespress-4cat at K = 4 to 10, most of it numpy's per-call overhead); compiled, the
same arithmetic in the same order takes 3.2 to 6.8 µs and gives the same labels. No
maintained Python library samples GSDMM (see ``engines``).

The arrays are those of ``engines._DMMDocuments`` and ``engines._DMMSampler``: ``words``
(the tokens of all documents, grouped by term), ``shifted_repeats`` (beta + the earlier
copies of each token's term in its document), ``token_starts`` and ``pair_starts`` (each
document's range of tokens and of distinct terms), ``terms`` and ``counts`` (its distinct
terms and their counts), ``word_counts`` (terms by clusters), ``cluster_words`` and
``cluster_documents``, and ``shifted_positions`` (V beta + i, i = 0 .. the longest
document's tokens - 1).
"""

from __future__ import annotations

import numba
import numpy as np

#: ``visit``'s modes: draw each document's cluster from its conditional, move it to its
#: most probable cluster, or only record the conditionals' log weights.
SAMPLE, GREEDY, CONDITIONALS = 0, 1, 2


@numba.njit(cache=True)
def _log_weights(
    out: np.ndarray,
    ratios: np.ndarray,
    word_counts: np.ndarray,
    cluster_words: np.ndarray,
    cluster_documents: np.ndarray,
    alpha: float,
    words: np.ndarray,
    shifted_repeats: np.ndarray,
    shifted_positions: np.ndarray,
    start: int,
    end: int,
    halvings: int,
) -> None:
    """Write into ``out`` the log of GSDMM's weight of every cluster for the document of
    tokens ``start`` to ``end`` (equation 4), given the counts without it:

        (m_k + alpha) * prod over tokens (n_kw + beta + j) / prod over i < N (n_k + V beta + i)

    The softmax of the K numbers is p(z_d = k | z_-d, w). The two products over a news
    article's hundreds of tokens overflow, and their ratio underflows, so they are taken in
    log space, without log-gamma: the ratio of the paper's factors, token by token (the i-th
    token over the i-th position), each in (0, 1] since j <= i and n_kw <= n_k, multiplied by
    pairs ``halvings`` times (products of up to 2 ** halvings ratios;
    ``engines._dmm_halvings``), then summed as logs: a log costs ten to twenty products.
    ``ratios`` is scratch space of at least N rows.
    """
    n_clusters = out.shape[0]
    rows = end - start
    for i in range(rows):
        term = words[start + i]
        for k in range(n_clusters):
            ratios[i, k] = (word_counts[term, k] + shifted_repeats[start + i]) / (
                cluster_words[k] + shifted_positions[i]
            )
    for _ in range(halvings):
        half = rows // 2
        if half == 0:
            break
        for i in range(half):
            for k in range(n_clusters):
                ratios[i, k] *= ratios[half + i, k]
        if rows % 2:
            for k in range(n_clusters):
                ratios[half, k] = ratios[rows - 1, k]
        rows -= half
    for k in range(n_clusters):
        out[k] = 0.0
    for i in range(rows):
        for k in range(n_clusters):
            out[k] += np.log(ratios[i, k])
    for k in range(n_clusters):
        out[k] += np.log(cluster_documents[k] + alpha)


@numba.njit(cache=True)
def visit(
    mode: int,
    uniforms: np.ndarray,
    labels: np.ndarray,
    words: np.ndarray,
    shifted_repeats: np.ndarray,
    token_starts: np.ndarray,
    pair_starts: np.ndarray,
    terms: np.ndarray,
    counts: np.ndarray,
    word_counts: np.ndarray,
    cluster_words: np.ndarray,
    cluster_documents: np.ndarray,
    alpha: float,
    shifted_positions: np.ndarray,
    halvings: int,
    kept: np.ndarray,
) -> int:
    """Take each document in corpus order out of its cluster and put it back, updating
    ``labels`` and the counts in place: with :data:`SAMPLE` into a cluster drawn from
    p(z_d = k | z_-d, w) with ``uniforms[d]``; with :data:`GREEDY` into its most probable
    cluster (it stays unless another is strictly more probable); with :data:`CONDITIONALS`
    into its own, its log weights written to row d of ``kept``. Returns how many documents
    changed cluster."""
    n_clusters = cluster_words.shape[0]
    ratios = np.empty((max(shifted_positions.shape[0], 1), n_clusters))
    weights = np.empty(n_clusters)
    cumulative = np.empty(n_clusters)
    moved = 0
    for d in range(labels.shape[0]):
        start, end = token_starts[d], token_starts[d + 1]
        old = labels[d]
        for p in range(pair_starts[d], pair_starts[d + 1]):
            word_counts[terms[p], old] -= counts[p]
        cluster_words[old] -= end - start
        cluster_documents[old] -= 1
        _log_weights(
            weights,
            ratios,
            word_counts,
            cluster_words,
            cluster_documents,
            alpha,
            words,
            shifted_repeats,
            shifted_positions,
            start,
            end,
            halvings,
        )
        new = old
        if mode == CONDITIONALS:
            kept[d, :] = weights
        elif mode == SAMPLE:
            # The draw as numpy's cumsum and searchsorted make it.
            largest = weights.max()
            total = 0.0
            for k in range(n_clusters):
                total += np.exp(weights[k] - largest)
                cumulative[k] = total
            drawn = np.searchsorted(cumulative, uniforms[d] * total, side="right")
            new = min(drawn, n_clusters - 1)
        else:
            best = weights.argmax()
            if weights[best] > weights[old]:
                new = best
        for p in range(pair_starts[d], pair_starts[d + 1]):
            word_counts[terms[p], new] += counts[p]
        cluster_words[new] += end - start
        cluster_documents[new] += 1
        if new != old:
            labels[d] = new
            moved += 1
    return moved


@numba.njit(cache=True)
def score(
    words: np.ndarray,
    shifted_repeats: np.ndarray,
    token_starts: np.ndarray,
    word_counts: np.ndarray,
    cluster_words: np.ndarray,
    cluster_documents: np.ndarray,
    alpha: float,
    shifted_positions: np.ndarray,
    halvings: int,
) -> np.ndarray:
    """GSDMM's log weights of every cluster (documents by clusters) for documents that are
    not in the counts."""
    n_docs, n_clusters = token_starts.shape[0] - 1, cluster_words.shape[0]
    result = np.empty((n_docs, n_clusters))
    ratios = np.empty((max(shifted_positions.shape[0], 1), n_clusters))
    for d in range(n_docs):
        _log_weights(
            result[d],
            ratios,
            word_counts,
            cluster_words,
            cluster_documents,
            alpha,
            words,
            shifted_repeats,
            shifted_positions,
            token_starts[d],
            token_starts[d + 1],
            halvings,
        )
    return result


def compile_kernels() -> None:
    """Compile :func:`visit` and :func:`score` for the types the sampler passes, on two
    tiny documents; numba caches the machine code beside this module (``cache=True``), so
    the first DMM job of a run does not spend seconds compiling. ``make`` calls it after
    installing."""
    words, starts = np.array([0, 1], dtype=np.int64), np.array([0, 1, 2], dtype=np.int64)
    ones, positions = np.ones(2), np.array([0.2])
    word_counts, cluster_words, cluster_documents = np.eye(2), np.ones(2), np.ones(2)
    # One call of each: numba compiles per argument types, and every mode has the same.
    visit(
        CONDITIONALS,
        np.empty(0),
        np.array([0, 1], dtype=np.int64),
        words,
        ones,
        starts,
        starts,
        words,
        ones,
        word_counts,
        cluster_words,
        cluster_documents,
        0.1,
        positions,
        1,
        np.empty((2, 2)),
    )
    score(words, ones, starts, word_counts, cluster_words, cluster_documents, 0.1, positions, 1)


if __name__ == "__main__":
    compile_kernels()
