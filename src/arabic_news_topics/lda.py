"""Stage 4: LDA topic models (gensim), their coherence, and the choice of the number of topics.

The bag-of-words corpus is written once (Matrix Market, :func:`save_corpus`) and every model
trains from it as a stream (gensim ``MmCorpus``), so no job holds the token lists. Coherence
is gensim's (``CoherenceModel``, c_v and c_npmi on boolean sliding windows), with the window
counts taken from the corpus's token ids by :func:`window_accumulator` in numpy rather than by
gensim's window-by-window Python loop: the counts, and hence the scores, are the same.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from gensim import matutils
from gensim.corpora import Dictionary, MmCorpus
from gensim.models import CoherenceModel, LdaModel
from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
from gensim.topic_coherence.text_analysis import UsesDictionary

#: Coherence measures computed for every K (gensim names).
COHERENCE_MEASURES = ("c_v", "c_npmi")

#: Documents per call of the model's inference (the document-topic table).
INFERENCE_CHUNK = 2000


def build_dictionary(
    token_lists: Iterable[list[str]],
    no_below: int = 1,
    no_above: float = 1.0,
    keep_n: int | None = None,
) -> Dictionary:
    """A gensim Dictionary of the corpus, filtered by document frequency.

    Parameters
    ----------
    token_lists : iterable of list of str
        Read once (a generator is fine).
    no_below : int
        Keep terms in at least this many documents.
    no_above : float
        Keep terms in at most this share of documents.
    keep_n : int, optional
        Keep at most this many terms (the most frequent).
    """
    dictionary = Dictionary(token_lists)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    if len(dictionary) == 0:
        raise ValueError(
            "the LDA vocabulary is empty after filtering; lower lda.no_below or raise lda.no_above"
        )
    return dictionary


#: ``passes: auto`` makes as many passes as give the topics at least this many updates
#: (one update per chunk of ``chunksize`` documents), but no more than :data:`MAX_AUTO_PASSES`.
AUTO_PASSES_UPDATES = 20
MAX_AUTO_PASSES = 20


def resolve_passes(passes: int | str, n_docs: int, chunksize: int = 2000) -> int:
    """The number of passes: ``passes`` itself, or for ``auto`` enough passes over the corpus
    for :data:`AUTO_PASSES_UPDATES` updates of the topics (20 passes for a corpus of one
    chunk, 2 for 30,000 documents in chunks of 2,000, 1 from 40,000 documents)."""
    if passes != "auto":
        return int(passes)
    chunks = max(1, math.ceil(n_docs / chunksize))
    return min(MAX_AUTO_PASSES, max(1, math.ceil(AUTO_PASSES_UPDATES / chunks)))


def fit_lda(
    bow: Sequence[list[tuple[int, float]]],
    dictionary: Dictionary,
    num_topics: int,
    random_state: int = 42,
    passes: int | str = 10,
    iterations: int = 400,
    alpha: str | float = "symmetric",
    eta: str | float | None = None,
    chunksize: int = 2000,
) -> LdaModel:
    """Fit a single-process gensim LdaModel, reproducible for a given ``random_state``.

    ``bow`` is read once per pass (a gensim ``MmCorpus`` streams it from disk); ``passes``
    may be ``auto`` (:func:`resolve_passes`). gensim's LdaMulticore cannot be made
    reproducible with a seed, so it is not used.
    """
    return LdaModel(
        corpus=bow,
        id2word=dictionary,
        num_topics=num_topics,
        random_state=random_state,
        passes=resolve_passes(passes, len(bow), chunksize),
        iterations=iterations,
        alpha=alpha,
        eta=eta,
        chunksize=chunksize,
        eval_every=None,
        minimum_probability=0.0,
    )


def topic_term_matrix(model: LdaModel) -> np.ndarray:
    """Topics by terms: each row is a topic's word distribution."""
    return model.get_topics()


def _top_indices(row: np.ndarray, names: Sequence[str], top_n: int) -> list[int]:
    """Indices of the ``top_n`` largest values of ``row``, ties broken by name.

    The same order as sorting the whole row by ``(-value, name)``, from the few candidates
    at or above the ``top_n``-th value.
    """
    if top_n <= 0 or len(row) == 0:
        return []
    if top_n < len(row):
        threshold = np.partition(row, len(row) - top_n)[len(row) - top_n]
        candidates = np.flatnonzero(row >= threshold)
    else:
        candidates = np.arange(len(row))
    return sorted(candidates.tolist(), key=lambda j: (-row[j], names[j]))[:top_n]


def topics_table(model: LdaModel, top_n: int = 10) -> pd.DataFrame:
    """Top terms of each topic: columns ``topic, rank, term, weight`` (topics numbered from 1)."""
    phi = topic_term_matrix(model)
    names = [model.id2word[j] for j in range(phi.shape[1])]
    rows = []
    for k, row in enumerate(phi):
        for rank, j in enumerate(_top_indices(row, names, top_n), start=1):
            rows.append({"topic": k + 1, "rank": rank, "term": names[j], "weight": float(row[j])})
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def document_topics(
    model: LdaModel, bow: Iterable[list[tuple[int, float]]], chunksize: int = INFERENCE_CHUNK
) -> np.ndarray:
    """Topic proportions of every document (documents by topics), inferred chunk by chunk.

    The same numbers as ``model.get_document_topics(doc, minimum_probability=0)`` document by
    document (which draws its starting values from the model's random state in the same
    order), without a Python list per document.
    """
    parts = []
    documents = iter(bow)
    while chunk := list(itertools.islice(documents, chunksize)):
        gamma, _ = model.inference(chunk)
        theta = gamma / gamma.sum(axis=1, keepdims=True)
        # get_document_topics leaves out proportions below 1e-8 even when asked for all.
        theta[theta < 1e-8] = 0.0
        parts.append(theta)
    return np.vstack(parts) if parts else np.zeros((0, model.num_topics))


def doc_topics_table(
    model: LdaModel, bow: Iterable[list[tuple[int, float]]], doc_ids: Sequence[str]
) -> pd.DataFrame:
    """Topic proportions of every document: ``doc_id`` then ``topic_1 .. topic_K``."""
    theta = document_topics(model, bow)
    frame = pd.DataFrame(theta, columns=[f"topic_{k + 1}" for k in range(model.num_topics)])
    frame.insert(0, "doc_id", list(doc_ids))
    return frame


# ---------------------------------------------------------------------------------------
# Coherence


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
            parts.append(_encode(tokens, dictionary.token2id))
            lengths.append(len(tokens))
        return cls(_concatenate(parts), np.cumsum(lengths, dtype=np.int64))


def _encode(tokens: Sequence[str], token2id: dict[str, int]) -> np.ndarray:
    return np.fromiter((token2id.get(t, -1) for t in tokens), np.int32, count=len(tokens))


def _concatenate(parts: list[np.ndarray]) -> np.ndarray:
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


class WindowAccumulator(UsesDictionary):
    """gensim's word-occurrence accumulator for boolean sliding windows, counted in numpy.

    It answers the confirmation measures of gensim's coherence pipeline (``accumulator[w]``,
    ``accumulator[w1, w2]``, ``num_docs``) with the counts of :func:`_window_counts`.
    """

    def __init__(self, relevant_ids, dictionary: Dictionary, token_ids: TokenIds, window: int):
        super().__init__(relevant_ids, dictionary)
        lookup = np.full(max(len(dictionary), max(self.id2contiguous, default=0) + 1), -1)
        for word_id, index in self.id2contiguous.items():
            lookup[word_id] = index
        ids = token_ids.ids
        codes = np.where(ids >= 0, lookup[np.maximum(ids, 0)], -1)
        self._occurrences, self._co_occurrences, windows = _window_counts(
            codes, token_ids.offsets, len(self.id2contiguous), window
        )
        self._num_docs = windows

    def _get_occurrences(self, word_id):
        return self._occurrences[word_id]

    def _get_co_occurrences(self, word_id1, word_id2):
        return self._co_occurrences[word_id1, word_id2]


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


def model_topics(model: LdaModel, top_n: int = 10) -> list[np.ndarray]:
    """The ``top_n`` word ids of each topic, as gensim's CoherenceModel chooses them."""
    return [matutils.argsort(topic, topn=top_n, reverse=True) for topic in model.get_topics()]


def coherence_scores(
    model: LdaModel | None,
    token_ids: TokenIds,
    dictionary: Dictionary,
    top_n: int = 10,
    topics: Sequence[Sequence[int]] | None = None,
) -> dict[str, float]:
    """c_v and NPMI coherence of the model's topics (or of ``topics``, lists of word ids),
    gensim's measures on the corpus's tokens (c_v: windows of 110 tokens, c_npmi: 10)."""
    scores = {}
    for measure in COHERENCE_MEASURES:
        cm = _TokenIdCoherence(
            token_ids,
            model=model,
            topics=topics,
            dictionary=dictionary,
            coherence=measure,
            topn=top_n,
        )
        value = cm.get_coherence()
        scores[measure] = float(value) if np.isfinite(value) else float("nan")
    return scores


def choose_num_topics(coherence: pd.DataFrame, measure: str = "c_npmi") -> int:
    """The K with the best coherence by ``measure``; ties (and NaNs) go to the smaller K."""
    frame = coherence.sort_values("num_topics")
    values = frame[measure].fillna(-np.inf).to_numpy()
    return int(frame["num_topics"].to_numpy()[int(np.argmax(values))])


# ---------------------------------------------------------------------------------------
# The corpus files shared by every K


def save_corpus(
    documents: Iterable[tuple[str, list[str]]], dictionary: Dictionary, folder: str | Path
) -> int:
    """Write the LDA corpus of ``(doc_id, tokens)`` documents in one pass; return their number.

    Files: ``dictionary.txt`` (gensim text format), ``corpus.mm`` (bag of words, Matrix
    Market, streamed by :func:`load_bow`), ``doc_ids.txt`` and ``token_ids.npz`` (every token
    as its dictionary id, for coherence; :func:`load_token_ids`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dictionary.save_as_text(str(folder / "dictionary.txt"))
    doc_ids, parts, lengths = [], [], [0]

    def bags() -> Iterator[list[tuple[int, int]]]:
        for doc_id, tokens in documents:
            doc_ids.append(doc_id)
            parts.append(_encode(tokens, dictionary.token2id))
            lengths.append(len(tokens))
            yield dictionary.doc2bow(tokens)

    MmCorpus.serialize(str(folder / "corpus.mm"), bags())
    token_ids = TokenIds(_concatenate(parts), np.cumsum(lengths, dtype=np.int64))
    np.savez(folder / "token_ids.npz", ids=token_ids.ids, offsets=token_ids.offsets)
    (folder / "doc_ids.txt").write_text("".join(f"{d}\n" for d in doc_ids), encoding="utf-8")
    return len(doc_ids)


def load_bow(folder: str | Path) -> tuple[Dictionary, MmCorpus, list[str]]:
    """The dictionary, the bag-of-words corpus (streamed from disk) and the document ids."""
    folder = Path(folder)
    dictionary = Dictionary.load_from_text(str(folder / "dictionary.txt"))
    bow = MmCorpus(str(folder / "corpus.mm"))
    doc_ids = (folder / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    return dictionary, bow, doc_ids


def load_token_ids(folder: str | Path) -> TokenIds:
    """The token ids :func:`save_corpus` wrote."""
    with np.load(Path(folder) / "token_ids.npz", allow_pickle=False) as stored:
        return TokenIds(stored["ids"], stored["offsets"])


def bow_matrix(folder: str | Path) -> sp.csr_matrix:
    """The bag-of-words corpus as a documents-by-terms count matrix."""
    dictionary, bow, _ = load_bow(folder)
    return matutils.corpus2csc(bow, num_terms=len(dictionary), num_docs=len(bow)).T.tocsr()
