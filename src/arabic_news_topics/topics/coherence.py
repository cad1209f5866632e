"""Coherence of a topic model's top words: gensim's measures on the corpus's token ids.

Coherence is gensim's (``CoherenceModel``: c_v and c_npmi on boolean sliding windows, u_mass
on documents), with the window counts taken from the corpus's token ids by
:class:`WindowAccumulator` in numpy rather than by gensim's window-by-window Python loop, and
the document counts by :class:`DocumentAccumulator` in sparse blocks rather than gensim's
sets of document numbers: the counts, and hence the scores, are the same. A module of its own
because it subclasses gensim's classes, so importing it imports gensim; the engines module
imports gensim only where a job uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gensim import matutils
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel
from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
from gensim.topic_coherence.text_analysis import UsesDictionary

from .engines import COHERENCE_MEASURES, WINDOW_MEASURES, Bag, BowCorpus


@dataclass(frozen=True)
class TokenIds:
    """Every token of the corpus as its dictionary id, the documents one after another.

    ``ids[offsets[d]:offsets[d + 1]]`` are the tokens of document ``d`` in text order; a token
    that is not in the dictionary is ``-1`` (it still takes its place in sliding windows).
    """

    ids: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[list[str]], dictionary: Dictionary):
        parts, lengths = [], [0]
        for tokens in token_lists:
            parts.append(encode_tokens(tokens, dictionary.token2id))
            lengths.append(len(tokens))
        return cls(concatenate_ids(parts), np.cumsum(lengths, dtype=np.int64))


def encode_tokens(tokens: Sequence[str], token2id: dict[str, int]) -> np.ndarray:
    return np.fromiter((token2id.get(t, -1) for t in tokens), np.int32, count=len(tokens))


def concatenate_ids(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.int32)


def _window_counts(
    codes: np.ndarray, offsets: np.ndarray, n_words: int, window: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Boolean sliding-window counts exactly as gensim's ``WordOccurrenceAccumulator``.

    ``codes`` holds, for every token, the index (0 .. ``n_words`` - 1) of the word counted, or
    -1. Each document of ``L`` tokens has ``max(L - window + 1, 1)`` windows. gensim slides a
    window by forgetting the token that leaves it and adding the one that enters, so a word
    whose earlier copy leaves the window is no longer counted in it until it enters again;
    in window terms, a copy at position ``p`` marks the word from window ``max(p - window +
    1, 0)`` up to (not including) the window after the first copy at or after that window's
    start leaves it. The windows in which a word is marked are therefore a union of
    intervals, and two words co-occur in as many windows as their intervals overlap.

    Returns
    -------
    occurrences : ndarray of int64, the windows each word is marked in
    co_occurrences : ndarray of int64, words by words (symmetric, the diagonal the occurrences)
    windows : int, the number of windows (gensim's ``num_docs``)
    """
    lengths = np.diff(offsets)
    windows_per_doc = np.maximum(lengths - window + 1, 1)
    n_windows = int(windows_per_doc.sum())
    occurrences = np.zeros(n_words, dtype=np.int64)
    co_occurrences = np.zeros((n_words, n_words), dtype=np.int64)
    where = np.flatnonzero(codes >= 0)
    if where.size == 0:
        return occurrences, co_occurrences, n_windows
    doc = np.searchsorted(offsets, where, side="right") - 1
    position = where - offsets[doc]
    word = codes[where].astype(np.int64)
    # Copies of one word in one document, in text order.
    group = doc * n_words + word
    order = np.argsort(group, kind="stable")
    group, doc, word, position = group[order], doc[order], word[order], position[order]
    last_window = windows_per_doc[doc]
    start = np.maximum(position - window + 1, 0)
    span = int(lengths.max()) + 1
    key = group * span + position
    first = np.searchsorted(key, group * span + start, side="left")
    end = np.minimum(position[first] + 1, last_window)
    # Union of each group's intervals (starts are sorted within a group).
    offset = group * span
    reach = np.maximum.accumulate(offset + end) - offset
    head = np.ones(len(start), dtype=bool)
    head[1:] = (group[1:] != group[:-1]) | (start[1:] > reach[:-1])
    heads = np.flatnonzero(head)
    start, end = start[heads], np.maximum.reduceat(end, heads)
    doc, word = doc[heads], word[heads]
    np.add.at(occurrences, word, end - start)
    # Overlaps of intervals of different words in one document: sorted by start, interval
    # i meets i + 1, i + 2 ... until one starts after it ends.
    order = np.lexsort((start, doc))
    start, end, doc, word = start[order], end[order], doc[order], word[order]
    pairs = np.zeros(n_words * n_words, dtype=np.float64)
    left = np.arange(len(start) - 1)
    step = 1
    while left.size:
        right = left + step
        keep = right < len(start)
        left, right = left[keep], right[keep]
        keep = (doc[right] == doc[left]) & (start[right] < end[left])
        left, right = left[keep], right[keep]
        if left.size:
            overlap = np.minimum(end[left], end[right]) - start[right]
            pairs += np.bincount(
                word[left] * n_words + word[right], weights=overlap, minlength=n_words * n_words
            )
        step += 1
    pairs = pairs.reshape(n_words, n_words).astype(np.int64)
    co_occurrences = pairs + pairs.T
    co_occurrences[np.diag_indices(n_words)] = occurrences
    return occurrences, co_occurrences, n_windows


#: Tokens :class:`WindowAccumulator` counts at once (whole documents, at least one).
WINDOW_BLOCK_TOKENS = 2_000_000


def document_blocks(offsets: np.ndarray, tokens: int) -> Iterator[tuple[int, int]]:
    """``(first, last)`` documents of consecutive blocks of whole documents, each of at most
    ``tokens`` tokens unless one document alone is longer (``offsets``: as in
    :class:`TokenIds`); every document is in exactly one block."""
    n_documents = len(offsets) - 1
    first = 0
    while first < n_documents:
        last = int(np.searchsorted(offsets, offsets[first] + tokens, side="right")) - 1
        last = min(max(last, first + 1), n_documents)
        yield first, last
        first = last


class WindowAccumulator(UsesDictionary):
    """gensim's word-occurrence accumulator for boolean sliding windows, counted in numpy.

    It answers the confirmation measures of gensim's coherence pipeline (``accumulator[w]``,
    ``accumulator[w1, w2]``, ``num_docs``) with the counts of :func:`_window_counts`, taken
    over blocks of whole documents (:data:`WINDOW_BLOCK_TOKENS` tokens) and added up.
    """

    def __init__(self, relevant_ids, dictionary: Dictionary, token_ids: TokenIds, window: int):
        super().__init__(relevant_ids, dictionary)
        lookup = np.full(max(len(dictionary), max(self.id2contiguous, default=0) + 1), -1)
        for word_id, index in self.id2contiguous.items():
            lookup[word_id] = index
        n_words = len(self.id2contiguous)
        self._occurrences = np.zeros(n_words, dtype=np.int64)
        self._co_occurrences = np.zeros((n_words, n_words), dtype=np.int64)
        self._num_docs = 0
        offsets = token_ids.offsets
        # Windows never cross documents, so blocks of whole documents add up to the corpus's
        # counts; counting the whole corpus at once held a dozen arrays as long as its
        # tokens (a fit job of 3,120 MiB at 10× SaudiNewsNet, docs/performance.md, Scaling).
        for first, last in document_blocks(offsets, WINDOW_BLOCK_TOKENS):
            low, high = offsets[first], offsets[last]
            ids = token_ids.ids[low:high]
            codes = np.where(ids >= 0, lookup[np.maximum(ids, 0)], -1)
            occurrences, co_occurrences, windows = _window_counts(
                codes, offsets[first : last + 1] - low, n_words, window
            )
            self._occurrences += occurrences
            self._co_occurrences += co_occurrences
            self._num_docs += windows

    def _get_occurrences(self, word_id):
        return self._occurrences[word_id]

    def _get_co_occurrences(self, word_id1, word_id2):
        return self._co_occurrences[word_id1, word_id2]


#: Documents a block of :class:`DocumentAccumulator`: one sparse product per block.
DOCUMENT_BLOCK = 10_000


class DocumentAccumulator(UsesDictionary):
    """gensim's ``CorpusAccumulator`` (the document counts of u_mass) as a words-by-words
    count matrix.

    gensim keeps, for every relevant word, the Python set of the documents it is in, so
    its memory grows with the words times the documents that hold them (the 391 top words of
    K = 50 on 299,297 SaudiNewsNet-like articles: 447 MiB, against 19 MiB here, at the same
    CPU time; docs/performance.md, Scaling). Here each block of :data:`DOCUMENT_BLOCK`
    documents becomes a sparse documents-by-words indicator matrix ``X`` and ``X.T @ X`` is
    added to the counts; the counts, and hence the scores, are gensim's.
    """

    def __init__(self, relevant_ids, dictionary: Dictionary, bow: Iterable[Bag]):
        super().__init__(relevant_ids, dictionary)
        import scipy.sparse as sp

        n_words = len(self.id2contiguous)
        if isinstance(bow, BowCorpus):
            # In memory: the relevant words' columns of the count matrix at once, each
            # count made 1 (a document holds a word once); 0.08 s in place of 0.81 s of a
            # SaudiNewsNet fit at K = 50 spent making each document's bag a list.
            words = sorted(self.id2contiguous, key=self.id2contiguous.get)
            present = bow.matrix[:, np.array(words, dtype=np.int64)].tocsr()
            present.data = np.ones(len(present.data), dtype=np.int64)
            self._co_occurrences = (present.T @ present).toarray()
            self._num_docs = len(bow)
            self._occurrences = np.diagonal(self._co_occurrences).copy()
            return
        self._co_occurrences = np.zeros((n_words, n_words), dtype=np.int64)
        self._num_docs = 0
        columns, row_starts = [], [0]

        def add_block() -> None:
            if len(row_starts) > 1:
                indices = np.concatenate(columns) if columns else np.zeros(0, np.int64)
                block = sp.csr_matrix(
                    (np.ones(len(indices), np.int64), indices, np.array(row_starts)),
                    shape=(len(row_starts) - 1, n_words),
                )
                self._co_occurrences += (block.T @ block).toarray()
            columns.clear()
            del row_starts[1:]

        lookup = self.id2contiguous
        for document in bow:
            # The document's relevant words, each once (as gensim's frozenset).
            found = sorted({lookup[word_id] for word_id, _ in document if word_id in lookup})
            columns.append(np.array(found, dtype=np.int64))
            row_starts.append(row_starts[-1] + len(found))
            self._num_docs += 1
            if len(row_starts) > DOCUMENT_BLOCK:
                add_block()
        add_block()
        self._occurrences = np.diagonal(self._co_occurrences).copy()

    def _get_occurrences(self, word_id):
        return self._occurrences[word_id]

    def _get_co_occurrences(self, word_id1, word_id2):
        return self._co_occurrences[word_id1, word_id2]


class _BowCoherence(CoherenceModel):
    """A gensim CoherenceModel (u_mass) whose document counts come from
    :class:`DocumentAccumulator`."""

    def estimate_probabilities(self, segmented_topics=None):
        if segmented_topics is None:
            segmented_topics = self.segment_topics()
        self._accumulator = DocumentAccumulator(
            unique_ids_from_segments(segmented_topics), self.dictionary, self.corpus
        )
        return self._accumulator


class _TokenIdCoherence(CoherenceModel):
    """A gensim CoherenceModel whose window counts come from :class:`WindowAccumulator`."""

    def __init__(self, token_ids: TokenIds, **kwargs):
        # The texts are the token ids; gensim only checks that texts are given.
        super().__init__(texts=(), processes=1, **kwargs)
        self._token_ids = token_ids

    def estimate_probabilities(self, segmented_topics=None):
        if segmented_topics is None:
            segmented_topics = self.segment_topics()
        self._accumulator = WindowAccumulator(
            unique_ids_from_segments(segmented_topics),
            self.dictionary,
            self._token_ids,
            self.window_size,
        )
        return self._accumulator


def top_word_ids(phi: np.ndarray, top_n: int = 10) -> list[np.ndarray]:
    """The ``top_n`` word ids of each topic, as gensim's CoherenceModel chooses a model's."""
    return [matutils.argsort(topic, topn=top_n, reverse=True) for topic in phi]


def coherence_scores(
    phi: np.ndarray,
    token_ids: TokenIds,
    dictionary: Dictionary,
    bow: Iterable[Bag],
    top_n: int = 10,
) -> dict[str, float]:
    """Coherence of the topics' ``top_n`` words, gensim's measures (:data:`COHERENCE_MEASURES`).

    c_v and c_npmi count windows of the corpus's tokens (110 and 10 tokens); u_mass counts
    documents of ``bow``. NaN where gensim's score is not finite.
    """
    return coherence_by_topic(phi, token_ids, dictionary, bow, top_n)[0]


def coherence_by_topic(
    phi: np.ndarray,
    token_ids: TokenIds,
    dictionary: Dictionary,
    bow: Iterable[Bag],
    top_n: int = 10,
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """:func:`coherence_scores`, and each measure topic by topic (stm's topicQuality
    picture); the model's score is gensim's aggregate (the mean) of the topics' scores."""
    topics = top_word_ids(phi, top_n)
    # Topics of fewer words than top_n (a small vocabulary) are taken whole, as for a model.
    topn = len(topics[0])
    models = {
        measure: _TokenIdCoherence(
            token_ids, topics=topics, dictionary=dictionary, coherence=measure, topn=topn
        )
        for measure in WINDOW_MEASURES
    }
    models["u_mass"] = _BowCoherence(
        corpus=bow, topics=topics, dictionary=dictionary, coherence="u_mass", topn=topn
    )
    scores, by_topic = {}, {}
    for measure in COHERENCE_MEASURES:
        per_topic = models[measure].get_coherence_per_topic()
        value = models[measure].aggregate_measures(per_topic)
        scores[measure] = float(value) if np.isfinite(value) else float("nan")
        by_topic[measure] = [float(v) if np.isfinite(v) else float("nan") for v in per_topic]
    return scores, by_topic


def load_token_ids(folder: str | Path) -> TokenIds:
    """The token ids ``engines.save_corpus`` wrote (``token_ids.npz``)."""
    with np.load(Path(folder) / "token_ids.npz", allow_pickle=False) as stored:
        return TokenIds(stored["ids"], stored["offsets"])
