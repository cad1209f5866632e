"""Stage 4: topic models from five engines, their coherence and held-out perplexity, and
guided (seeded) priors.

Every engine (:data:`ENGINES`: gensim's and scikit-learn's online variational LDA,
scikit-learn's NMF on TF-IDF, tomotopy's Gibbs-sampled LDA, and a one-topic-per-document
Dirichlet multinomial mixture sampled by GSDMM) is one :class:`TopicModel`
class with its own settings and ``fit()`` (:func:`fit_topic_model` builds one from the
``lda`` settings), and every one gives the same outputs: ``phi``
(topics by terms, in the dictionary's order) and ``theta`` (documents by topics). The tables
(:func:`topics_table`, :func:`doc_topics_table`) and coherence (``coherence.coherence_scores``)
are computed from those arrays, the same way for every engine.

The bag-of-words corpus is written once (Matrix Market, :func:`save_corpus`); models train
from it in memory (:class:`BowCorpus`) or, for a corpus too large for that, as a stream
(gensim ``MmCorpus``).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import math
import numbers
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp

from ..io import atomic_path, write_npz, write_text

if TYPE_CHECKING:
    from gensim.corpora import Dictionary, MmCorpus
    from gensim.models import LdaModel

# gensim is imported where it is used: it takes about a second to import (scipy.stats with
# it), and the jobs that only read a fitted model's tables (select, describe, curate, label,
# themes, the explorer) never need it. Coherence, which subclasses gensim's classes, is in
# the coherence module.

#: Coherence measures computed for every model (gensim names).
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")

#: The measures counted on sliding windows of the tokens (``coherence.WindowAccumulator``).
WINDOW_MEASURES = ("c_v", "c_npmi")

#: Documents per call of the model's inference (the document-topic table).
INFERENCE_CHUNK = 2000

#: A bag of words: ``(term id, count)`` pairs.
Bag = Sequence[tuple[int, float]]


def _tomotopy():
    """tomotopy, and its sampling options. One worker and no parallel scheme sample in one
    fixed order, so a seed gives the same model on every run (its parallel schemes do not).
    Imported here, as scikit-learn is in its engines: a job loads only its engine's library
    (a gensim fit starts about a second sooner)."""
    import tomotopy

    return tomotopy, {"workers": 1, "parallel": tomotopy.ParallelScheme.NONE}


#: ``no_below: auto`` keeps only words found in at least two documents (stm's
#: ``prepDocuments`` default) in a corpus of at least this many documents, and every word
#: in a smaller one: the smallest K grid (:func:`selection.scaled_num_topics_range`) goes up
#: to 5 topics, so below 10 documents a topic may be a single article, whose own words are
#: what set it apart (the five seed articles keep every word).
AUTO_NO_BELOW_DOCUMENTS = 10


def resolve_no_below(no_below: int | str, n_docs: int) -> int:
    """The document frequency a word needs to stay in the vocabulary: ``no_below`` itself,
    or for ``auto`` 2 in a corpus of at least :data:`AUTO_NO_BELOW_DOCUMENTS` documents and
    1 below it.

    Why 2: a word of one document ties it to no other, so it cannot tell a topic that spans
    documents, and every topic still gives it a share of its probability. On hespress-4cat
    dropping those words (half the vocabulary, 5 % of the bag of words' entries) raised
    gensim's argmax-topic NMI at K = 4 from 0.326 to 0.443 and NPMI at 5 of 6 Ks; on
    antms-6cat and SaudiNewsNet NPMI rose at most Ks, and a gensim fit at K = 50 on
    SaudiNewsNet took 0.73x the CPU (docs/topic_models.md, "Words of one document").
    """
    if no_below == "auto":
        return 2 if n_docs >= AUTO_NO_BELOW_DOCUMENTS else 1
    return int(no_below)


#: Tokens counted at once while the corpus files are built (:func:`build_dictionary`,
#: :func:`save_corpus`): a block of documents is read whole (about 100 bytes a token as
#: Python strings) and counted in numpy, so its size bounds the memory of the job.
CORPUS_BLOCK_TOKENS = 500_000

#: gensim's ``Dictionary.add_documents`` checks its vocabulary's size (``prune_at``) before
#: every this many documents; no block crosses a multiple of it, so the dictionary is pruned
#: where gensim's would be.
DICTIONARY_PRUNE_EVERY = 10_000

#: gensim's ``Dictionary`` keeps at most this many words while it is built (its default).
DICTIONARY_PRUNE_AT = 2_000_000


def build_dictionary(
    token_lists: Iterable[list[str]],
    no_below: int | str = 1,
    no_above: float = 1.0,
    keep_n: int | None = None,
) -> Dictionary:
    """A gensim Dictionary of the corpus, filtered by document frequency.

    Parameters
    ----------
    token_lists : iterable of list of str
        Read once (a generator is fine), :data:`CORPUS_BLOCK_TOKENS` at a time.
    no_below : int or "auto"
        Keep terms in at least this many documents (``auto``: :func:`resolve_no_below`).
    no_above : float
        Keep terms in at most this share of documents.
    keep_n : int, optional
        Keep at most this many terms (the most frequent).
    """
    dictionary = count_dictionary(token_lists)
    no_below = resolve_no_below(no_below, dictionary.num_docs)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    if len(dictionary) == 0:
        raise ValueError(
            "the LDA vocabulary is empty after filtering; lower lda.no_below or raise lda.no_above"
        )
    return dictionary


def count_dictionary(
    token_lists: Iterable[list[str]], prune_at: int | None = DICTIONARY_PRUNE_AT
) -> Dictionary:
    """``gensim.corpora.Dictionary(token_lists, prune_at)``: the same ids, document and
    corpus frequencies and counts, counted a block of documents at a time.

    Written here because gensim's counts each document in a Python loop (a dict per
    document, then every word looked up again): 9 of the 18 s of SaudiNewsNet's corpus
    files. A block is factorized at once (pandas) and its words' counts taken with numpy;
    the words new to the dictionary get gensim's ids, in the order of the document that
    first holds them and, within it, of the words (gensim sorts each document's new
    words). The dictionary is pruned where gensim's is (:data:`DICTIONARY_PRUNE_EVERY`).
    Tested against gensim's.
    """
    from gensim.corpora import Dictionary

    dictionary = Dictionary()
    for block in _blocks(token_lists, len, DICTIONARY_PRUNE_EVERY):
        # gensim's check, before each multiple of DICTIONARY_PRUNE_EVERY documents.
        at_check = dictionary.num_docs % DICTIONARY_PRUNE_EVERY == 0
        if at_check and prune_at is not None and len(dictionary) > prune_at:
            dictionary.filter_extremes(no_below=0, no_above=1.0, keep_n=prune_at)
        _add_documents(dictionary, block)
    return dictionary


def _blocks(items: Iterable, length: Callable, every: int | None = None) -> Iterator[list]:
    """Consecutive items, read as they come, in lists of about :data:`CORPUS_BLOCK_TOKENS`
    tokens (``length`` of an item: its tokens), one item at least; with ``every``, a list
    also ends after each multiple of ``every`` items."""
    block, tokens = [], 0
    for position, item in enumerate(items, start=1):
        block.append(item)
        tokens += length(item)
        if tokens >= CORPUS_BLOCK_TOKENS or (every and position % every == 0):
            yield block
            block, tokens = [], 0
    if block:
        yield block


def _factorized(documents: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The words of ``documents`` as codes (one per token, the documents one after
    another), the document of each token, and the distinct words (a code's word)."""
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    tokens = np.empty(int(lengths.sum()), dtype=object)
    tokens[:] = list(itertools.chain.from_iterable(documents))
    codes, words = pd.factorize(tokens)
    return codes, np.repeat(np.arange(len(documents)), lengths), words.tolist()


def _distinct(keys: np.ndarray, return_counts: bool = False):
    """``numpy.unique(keys, return_counts=...)`` of integers: sorted, each once (a sort and
    a comparison, several times faster than numpy 2's ``unique`` here)."""
    keys = np.sort(keys)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else []
    if not return_counts:
        return keys[starts]
    return keys[starts], np.diff(np.append(starts, len(keys))).astype(np.int64)


def _add_documents(dictionary: Dictionary, documents: Sequence[list[str]]) -> None:
    """gensim's ``Dictionary.doc2bow(document, allow_update=True)`` of each document, in
    order, counted at once (:func:`count_dictionary`)."""
    codes, token_documents, words = _factorized(documents)
    n_words = len(words)
    # Each (document, word) once, in the order of the documents.
    pair_codes = _distinct(token_documents * n_words + codes) % max(n_words, 1)
    # pandas numbers the words in the order they first come, so a word's first token is
    # where the largest code so far grows.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    first_document = token_documents[first].tolist()
    token2id = dictionary.token2id
    ids = [token2id.get(word, -1) for word in words]
    new = sorted(
        (code for code, token_id in enumerate(ids) if token_id < 0),
        key=lambda code: (first_document[code], words[code]),
    )
    for code in new:
        ids[code] = token2id[words[code]] = len(token2id)
    dfs, cfs = dictionary.dfs, dictionary.cfs
    document_counts = np.bincount(pair_codes, minlength=n_words).tolist()
    token_counts = np.bincount(codes, minlength=n_words).tolist()
    for token_id, document_count, token_count in zip(
        ids, document_counts, token_counts, strict=True
    ):
        dfs[token_id] = dfs.get(token_id, 0) + document_count
        cfs[token_id] = cfs.get(token_id, 0) + token_count
    dictionary.num_docs += len(documents)
    dictionary.num_pos += len(codes)
    dictionary.num_nnz += len(pair_codes)


#: ``passes: auto`` makes as many passes as give the topics at least this many updates
#: (one update per chunk of ``chunksize`` documents), but no more than :data:`MAX_AUTO_PASSES`.
AUTO_PASSES_UPDATES = 20
MAX_AUTO_PASSES = 20


def update_chunksize(n_docs: int, chunksize: int) -> int:
    """The documents per update of an online fit of ``n_docs`` documents: ``chunksize``,
    unless its last chunk would hold less than half of it; then the documents are spread
    evenly over the same number of chunks (2,040 documents: two of 1,020, not 2,000 and 40).

    Online variational Bayes scales each chunk's statistics by ``n_docs / len(chunk)``, so
    a small last chunk (in corpus order, often all from one section) counts many times over
    in its update: a fit of hespress-4cat's 2,040 training documents in chunks of 2,000 and
    40 put most documents into one topic (docs/topic_models.md). Up to half a chunk, the
    last one weighs at most twice the others, and the corpus's chunks stay as they are."""
    remainder = n_docs % chunksize
    if n_docs <= chunksize or remainder == 0 or 2 * remainder >= chunksize:
        return chunksize
    return math.ceil(n_docs / math.ceil(n_docs / chunksize))


def resolve_passes(passes: int | str, n_docs: int, chunksize: int = 2000) -> int:
    """The number of passes: ``passes`` itself, or for ``auto`` enough passes over the corpus
    for :data:`AUTO_PASSES_UPDATES` updates of the topics (20 passes for a corpus of one
    chunk, 2 for 30,000 documents in chunks of 2,000, 1 from 40,000 documents)."""
    if passes != "auto":
        return int(passes)
    chunks = max(1, math.ceil(n_docs / chunksize))
    return min(MAX_AUTO_PASSES, max(1, math.ceil(AUTO_PASSES_UPDATES / chunks)))


#: ``iterations: auto``: each library's own default. gensim's 50 (against the 400 shipped
#: before) took 0.53-0.77x the CPU per fit on hespress-4cat and 0.63-0.69x on antms-6cat,
#: chose the same K and put the argmax topics at least as close to the sections at every K
#: (benchmarks/results/engine_choice_*.md); the others are the defaults of
#: scikit-learn's ``max_doc_update_iter`` and ``NMF(max_iter)`` and tomotopy's ``infer``.
AUTO_ITERATIONS = {"gensim": 50, "sklearn_lda": 100, "sklearn_nmf": 200, "tomotopy": 100}


def resolve_iterations(iterations: int | str, engine: str) -> int:
    """The iterations of ``engine``: ``iterations`` itself, or for ``auto`` the engine's
    library default (:data:`AUTO_ITERATIONS`)."""
    return AUTO_ITERATIONS[engine] if iterations == "auto" else int(iterations)


#: ``gamma_threshold: auto``: 1 % of a topic's mean weight in a document of the mean length,
#: from :data:`GAMMA_THRESHOLD_MIN_TOPICS` topics up (length / (100 K)); with fewer topics
#: the threshold of that many (length / 2000: 0.1 for documents of 200 tokens). gensim stops
#: a document's inference when its topic weights (gamma, which sum to the document's length
#: plus K alpha) change by less than the threshold on average; its own default, 0.001,
#: keeps articles of hundreds of words iterating long after their mixtures have settled.
#: Measured on hespress-4cat, antms-6cat and SaudiNewsNet (mean lengths 298, 186 and 202
#: tokens; docs/performance.md, benchmarks/results/engine_choice_gamma_threshold_*.md): about
#: 0.1 took 0.53-0.69x the CPU of 0.001 per fit, chose the same K and kept the argmax topics
#: as close to the sections at every K up to 20; a fixed 0.1 lost NPMI at K = 50 on
#: SaudiNewsNet (0.118 against 0.127), 0.04 (1 % there) did not (0.126); 0.3 at K = 6 on
#: antms-6cat and 1.0 on hespress-4cat lost 0.02-0.03 NMI, so the threshold does not grow
#: further as K falls.
GAMMA_THRESHOLD_SHARE = 0.01

#: The number of topics under which ``gamma_threshold: auto`` stops growing.
GAMMA_THRESHOLD_MIN_TOPICS = 20

#: gensim's own ``gamma_threshold``: the floor of ``auto``, and the tolerance to which a
#: bundle infers new articles (apply), so that their shares do not depend on their batch.
GENSIM_GAMMA_THRESHOLD = 0.001


def mean_document_length(bow: Iterable[Bag]) -> float:
    """The mean number of tokens of the documents of ``bow`` (0 for no documents)."""
    if isinstance(bow, BowCorpus):
        return float(bow.matrix.sum()) / len(bow) if len(bow) else 0.0
    lengths = [sum(count for _, count in bag) for bag in bow]
    return float(np.mean(lengths)) if lengths else 0.0


def resolve_gamma_threshold(
    gamma_threshold: float | str, bow: Iterable[Bag], num_topics: int
) -> float:
    """gensim's ``gamma_threshold``: ``gamma_threshold`` itself, or for ``auto``
    :data:`GAMMA_THRESHOLD_SHARE` of the mean topic weight of a document of ``bow``'s mean
    length, with at least :data:`GAMMA_THRESHOLD_MIN_TOPICS` topics counted; never below
    gensim's own 0.001."""
    if gamma_threshold != "auto":
        return float(gamma_threshold)
    topics = max(num_topics, GAMMA_THRESHOLD_MIN_TOPICS)
    return max(GENSIM_GAMMA_THRESHOLD, GAMMA_THRESHOLD_SHARE * mean_document_length(bow) / topics)


# ---------------------------------------------------------------------------------------
# Engine options


def _is_positive_number(value) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _is_symmetric(value) -> bool:
    return value is None or value == "symmetric"


def check_engine_options(
    engine: str,
    alpha: str | float | None,
    eta: str | float | None,
    guided: bool = False,
) -> None:
    """Raise ValueError, naming the config key, if ``engine`` cannot take these settings.

    gensim takes every gensim prior (``alpha``: symmetric, asymmetric, auto or a number;
    ``eta``: symmetric, auto or a number); scikit-learn's LDA, tomotopy and the DMM take
    symmetric or a number; NMF has no Dirichlet priors, so only the defaults. A guided prior
    (``guided``) works with gensim and tomotopy, and replaces ``eta``, which must then be
    symmetric. gensim's warm start (``warm_start_sweeps``) takes every gensim prior: its
    sweeps start from the symmetric 1/K where gensim's prior is ``asymmetric`` or ``auto``
    (:func:`sampler_prior`).
    """
    if engine not in ENGINES:
        raise ValueError(f"lda.engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "sklearn_nmf":
        for key, value in (("lda.alpha", alpha), ("lda.eta", eta)):
            if not _is_symmetric(value):
                raise ValueError(
                    f"{key} must be symmetric with lda.engine sklearn_nmf (NMF has no "
                    f"Dirichlet prior), not {value!r}"
                )
    gensim_only = engine != "gensim"
    if not (_is_symmetric(alpha) or _is_positive_number(alpha)):
        if alpha in ("asymmetric", "auto") and gensim_only:
            raise ValueError(
                f"lda.alpha {alpha!r} is gensim-only; with lda.engine {engine} use symmetric "
                "or a positive number"
            )
        if alpha not in ("asymmetric", "auto"):
            raise ValueError(
                "lda.alpha must be symmetric, asymmetric, auto (gensim only) or a positive "
                f"number, not {alpha!r}"
            )
    if not (_is_symmetric(eta) or _is_positive_number(eta)):
        if eta == "auto" and gensim_only:
            raise ValueError(
                f"lda.eta 'auto' is gensim-only; with lda.engine {engine} use symmetric or a "
                "positive number"
            )
        if eta != "auto":
            raise ValueError(
                f"lda.eta must be symmetric, auto (gensim only) or a positive number, not {eta!r}"
            )
    if guided:
        if engine not in GUIDED_ENGINES:
            raise ValueError(
                f"lda.guided works with lda.engine {' or '.join(GUIDED_ENGINES)}, not {engine}"
            )
        if not _is_symmetric(eta):
            raise ValueError(
                f"lda.guided replaces lda.eta by the guided prior; set lda.eta to symmetric, "
                f"not {eta!r}"
            )


def sampler_prior(value: str | float | None) -> str | float | None:
    """A gensim prior as the warm start's Gibbs sweeps take it: a number or symmetric as it
    is; ``asymmetric`` and ``auto`` (learned from 1/K) as symmetric. The sweeps only give
    gensim its first topics; gensim's own prior governs its updates."""
    return value if _is_symmetric(value) or _is_positive_number(value) else "symmetric"


def _symmetric_value(value: str | float | None, num_topics: int) -> float:
    """A symmetric Dirichlet parameter: a number as it is, ``symmetric`` as 1/K (gensim's)."""
    return 1.0 / num_topics if _is_symmetric(value) else float(value)


# ---------------------------------------------------------------------------------------
# Topic models


def _normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1 (float64); an all-zero row becomes uniform."""
    matrix = np.asarray(matrix, dtype=np.float64)
    totals = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1]) if matrix.shape[1] else matrix
    return np.divide(matrix, totals, out=uniform, where=totals > 0)


def _softmax_rows(log_weights: np.ndarray) -> np.ndarray:
    """Rows of log weights as probabilities (each row's exp, scaled to sum to 1)."""
    weights = np.exp(log_weights - log_weights.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def _count_matrix(bow: Iterable[Bag], n_terms: int) -> sp.csr_matrix:
    """Documents by terms, the counts of the bags of words (a :class:`BowCorpus`'s own
    matrix as it is)."""
    from gensim import matutils

    if isinstance(bow, BowCorpus):
        counts = bow.matrix.astype(np.float64)
        # The file's columns end at its last term used; the dictionary may hold more.
        counts.resize((len(bow), n_terms))
        return counts
    num_docs = len(bow) if hasattr(bow, "__len__") else None
    return matutils.corpus2csc(bow, num_terms=n_terms, num_docs=num_docs).T.tocsr()


class TopicModel:
    """A topic model of one engine, in scikit-learn's manner: the engine's own settings in
    the constructor, :meth:`fit` learns the topics, the same outputs whatever the engine.

    One subclass per engine (:data:`ENGINE_CLASSES`), each taking only the settings it reads
    (:data:`ENGINE_SETTINGS` is read off their constructors).

    Attributes
    ----------
    engine : str
        One of :data:`ENGINES`.
    num_topics : int
    vocabulary : list of str
        The terms in dictionary id order (the columns of ``phi``), once fitted.
    phi : ndarray
        Topics by terms (float64), each row a word distribution summing to 1.
    theta : ndarray
        Topic proportions of the training documents (documents by topics, float64, rows sum
        to 1; gensim's exactly as :func:`document_topics` infers them, in float32 precision).
    model
        The engine's fitted model (gensim ``LdaModel``, scikit-learn estimator or pipeline,
        tomotopy ``LDAModel``, :class:`DMMState`).
    fit_scores : dict
        Numbers of the fit that the engine reports beside the measures (``scores.json``):
        the DMM's log-likelihood of each restart; empty for the other engines.
    """

    #: The engine's name (``lda.engine``).
    engine = ""
    #: Whether the engine takes a guided topic-word prior (:func:`guided_prior`).
    takes_prior = False

    def __init__(self, num_topics: int, random_state: int = 42):
        self.num_topics = num_topics
        self.random_state = random_state
        self.model = None
        self.vocabulary: list[str] = []
        self.phi = np.zeros((num_topics, 0))
        self.theta = np.zeros((0, num_topics))
        self.fit_scores: dict[str, float | list[float]] = {}

    def fit(
        self, bow: Sequence[Bag], dictionary: Dictionary, prior: np.ndarray | None = None
    ) -> TopicModel:
        """Fit the topics of ``bow`` (a gensim corpus: a list of bags of words, or an
        ``MmCorpus`` streamed from disk), reproducibly for the ``random_state``; ``prior`` is
        a guided topic-word prior (topics by terms, :func:`guided_prior`)."""
        self.vocabulary = [dictionary[j] for j in range(len(dictionary))]
        if prior is not None and not self.takes_prior:
            raise ValueError(f"lda.guided does not work with lda.engine {self.engine}")
        if prior is not None and np.shape(prior) != (self.num_topics, len(self.vocabulary)):
            raise ValueError(
                "the guided prior must be topics by terms "
                f"{(self.num_topics, len(self.vocabulary))}, not {np.shape(prior)}"
            )
        self.model, phi, theta = self._fit(bow, dictionary, prior)
        self.phi = _normalize_rows(phi)
        self.theta = np.asarray(theta, dtype=np.float64)
        return self

    def _fit(self, bow, dictionary, prior) -> tuple[object, np.ndarray, np.ndarray]:
        """The engine's fitted model, its topics by terms and its documents by topics."""
        raise NotImplementedError

    def transform(self, bow: Iterable[Bag]) -> np.ndarray:
        """Topic proportions of these documents (documents by topics, rows sum to 1)."""
        raise NotImplementedError

    def perplexity(self, bow: Iterable[Bag]) -> float:
        """Perplexity of these (held-out) documents; NaN where the engine has none."""
        raise NotImplementedError

    #: The main file of the engine's native model, in the folder :meth:`save` writes.
    model_file = ""

    def save(self, folder: str | Path) -> Path:
        """Write the engine's native model file(s) into ``folder``; return the main file.

        The folder is written whole under a temporary name and renamed when complete
        (:func:`~arabic_news_topics.io.atomic_path`; an existing folder is replaced).
        """
        folder = Path(folder)
        with atomic_path(folder) as temporary:
            temporary.mkdir()
            self._save(temporary / self.model_file)
        return folder / self.model_file

    def _save(self, path: Path) -> None:
        """Write the native model to ``path`` (and its companion files beside it)."""
        raise NotImplementedError

    @classmethod
    def load(cls, folder: str | Path, vocabulary: Sequence[str], num_topics: int) -> TopicModel:
        """The model :meth:`save` wrote into ``folder``, ready for :meth:`transform`
        (``vocabulary``: the dictionary's terms in id order, as at fitting)."""
        topic_model = cls(num_topics)
        topic_model.vocabulary = list(vocabulary)
        topic_model.model = cls._load(Path(folder) / cls.model_file)
        return topic_model

    @classmethod
    def _load(cls, path: Path) -> object:
        """The native model saved at ``path``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(engine={self.engine!r}, num_topics={self.num_topics}, "
            f"terms={len(self.vocabulary)})"
        )


class ArrayBag(tuple):
    """One document as gensim's inference reads it: ``(term ids, counts)``, two arrays
    (:meth:`BowCorpus.array_bags`), for :func:`array_inference`."""

    __slots__ = ()


#: Chunks of at least this many documents are inferred by the compiled E-step
#: (:mod:`.variational`), smaller ones by gensim's loop on arrays (:func:`numpy_inference`).
#: Loading numba and the cached kernel costs a process about 0.35 s; gensim's loop costs
#: about 0.1 ms more than the kernel per document and pass on SaudiNewsNet, so the kernel
#: pays from a few thousand document-passes: a corpus of one chunk of 200 documents makes
#: 20 passes (``passes: auto``). Below it (the seed articles, a small test corpus) every
#: number stays gensim's own, bit for bit.
COMPILED_MIN_DOCUMENTS = 200


def array_inference(
    model: LdaModel,
    chunk: Sequence[Bag | ArrayBag],
    collect_sstats: bool = False,
    compiled: bool | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """gensim's ``LdaModel.inference`` (4.4.0) of a chunk of documents (:class:`ArrayBag`,
    or ordinary bags): the topic weights ``gamma`` of each document and, where
    ``collect_sstats``, the expected topic-by-term counts.

    ``compiled`` (default: a chunk of at least :data:`COMPILED_MIN_DOCUMENTS` documents)
    runs :func:`.variational.infer`: the same updates, convergence test and starting values
    (drawn from the model's random state as gensim draws them), 2.4 to 4.7 times faster on
    SaudiNewsNet's chunks, agreeing with gensim's to about 1e-5 of themselves (tested;
    :mod:`.variational` says what differs). Otherwise :func:`numpy_inference`, gensim's own
    arithmetic bit for bit. A float64 model (never one of the workflow's) always takes the
    latter.
    """
    if compiled is None:
        compiled = len(chunk) >= COMPILED_MIN_DOCUMENTS
    if not compiled or model.dtype != np.float32:
        return numpy_inference(model, chunk, collect_sstats)
    from .variational import infer

    indptr, indices, counts = _chunk_arrays(chunk, model.num_terms)
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (len(chunk), model.num_topics))
    gamma = gamma.astype(np.float32, copy=False)
    exp_log_beta_t = np.ascontiguousarray(model.expElogbeta.T)
    sstats_t = np.zeros_like(exp_log_beta_t) if collect_sstats else exp_log_beta_t[:0]
    infer(
        indptr,
        indices,
        counts,
        gamma,
        exp_log_beta_t,
        np.asarray(model.alpha, dtype=np.float32),
        int(model.iterations),
        float(model.gamma_threshold),
        sstats_t,
        collect_sstats,
    )
    if not collect_sstats:
        return gamma, None
    return gamma, np.multiply(sstats_t.T, model.expElogbeta, order="C")


def numpy_inference(
    model: LdaModel, chunk: Sequence[Bag | ArrayBag], collect_sstats: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """gensim's ``LdaModel.inference`` (4.4.0) of a chunk of :class:`ArrayBag` documents,
    its loop on arrays; a chunk of ordinary bags goes to gensim's own.

    Written here, not left to gensim, because gensim's loop turns each document's
    ``(id, count)`` pairs back into arrays in Python (a list comprehension and
    ``numpy.fromiter`` per document, every pass), which with the bags themselves was a
    quarter of the CPU of a SaudiNewsNet fit at K = 20 (docs/performance.md). The arithmetic is
    gensim's, line for line, and draws the same starting values from the model's random
    state, so topics and mixtures are bit-identical to gensim's (tested against it).
    """
    from gensim.models import LdaModel
    from gensim.models.ldamodel import dirichlet_expectation, mean_absolute_difference

    if not chunk or not all(isinstance(document, ArrayBag) for document in chunk):
        return LdaModel.inference(model, chunk, collect_sstats)
    dtype = model.dtype
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (len(chunk), model.num_topics))
    gamma = gamma.astype(dtype, copy=False)
    log_theta = dirichlet_expectation(gamma)
    exp_log_theta = np.exp(log_theta)
    sstats = np.zeros_like(model.expElogbeta, dtype=dtype) if collect_sstats else None
    epsilon = np.finfo(dtype).eps
    for d, (ids, counts) in enumerate(chunk):
        counts = counts.astype(dtype, copy=False)
        gamma_d = gamma[d, :]
        exp_log_theta_d = exp_log_theta[d, :]
        exp_log_beta_d = model.expElogbeta[:, ids]
        phinorm = np.dot(exp_log_theta_d, exp_log_beta_d) + epsilon
        for _ in range(model.iterations):
            last_gamma = gamma_d
            gamma_d = model.alpha + exp_log_theta_d * np.dot(counts / phinorm, exp_log_beta_d.T)
            exp_log_theta_d = np.exp(dirichlet_expectation(gamma_d))
            phinorm = np.dot(exp_log_theta_d, exp_log_beta_d) + epsilon
            if mean_absolute_difference(gamma_d, last_gamma) < model.gamma_threshold:
                break
        gamma[d, :] = gamma_d
        if collect_sstats:
            sstats[:, ids] += np.outer(exp_log_theta_d.T, counts / phinorm)
    if collect_sstats:
        sstats *= model.expElogbeta
    return gamma, sstats


def _chunk_arrays(
    chunk: Sequence[Bag | ArrayBag], n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A chunk's documents as CSR arrays for :func:`.variational.infer`: row pointers
    (int64), term ids (int32) and counts (float32, as gensim reads them). Ordinary bags (a
    streamed ``MmCorpus``) through :func:`_count_matrix`."""
    if chunk and all(isinstance(document, ArrayBag) for document in chunk):
        indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
        np.cumsum([len(ids) for ids, _ in chunk], out=indptr[1:])
        indices = np.concatenate([ids for ids, _ in chunk])
        counts = np.concatenate([counts for _, counts in chunk])
    else:
        matrix = _count_matrix(chunk, n_terms)
        indptr, indices, counts = matrix.indptr, matrix.indices, matrix.data
    return (
        indptr.astype(np.int64, copy=False),
        indices.astype(np.int32, copy=False),
        counts.astype(np.float32, copy=False),
    )


def log_perplexity(model: LdaModel, bow: Iterable[Bag], total_docs: int) -> float:
    """gensim's ``LdaModel.log_perplexity(documents, total_docs)`` (4.4.0): the variational
    bound per word of the documents of ``bow`` (a :class:`BowCorpus` read as it is, other
    bags through :func:`_count_matrix`), the topics' own term spread over ``total_docs``.

    Written here because gensim's ``bound`` infers each document alone and sums its words'
    terms in a Python loop, one ``logsumexp`` call a word: 2 of the 30 s of a held-out fit
    at K = 50 on SaudiNewsNet. Here the documents are inferred together
    (:func:`array_inference`, the same draws from the model's random state as gensim's,
    bit for bit) and each document's words at once. The terms are gensim's; they are summed
    in float64 where gensim sums float32 word by word, so the bound agrees with gensim's to
    about 1e-6 of itself (tested), not bit for bit.
    """
    from gensim.models.ldamodel import dirichlet_expectation

    corpus = bow if isinstance(bow, BowCorpus) else BowCorpus(_count_matrix(bow, model.num_terms))
    bags = list(corpus.array_bags())
    words = float(corpus.matrix.data.sum(dtype=np.float64))
    subsample_ratio = total_docs / len(bags)
    gamma, _ = array_inference(model, bags)
    log_theta = dirichlet_expectation(gamma)
    topics = model.state.get_lambda()
    log_beta = dirichlet_expectation(topics)
    score = 0.0
    for log_theta_d, (ids, counts) in zip(log_theta, bags, strict=True):
        if len(ids):
            # E[log p(word | theta, beta)] of each word: log sum over topics, from the largest.
            terms = log_theta_d[:, None] + log_beta[:, ids]
            largest = terms.max(axis=0)
            summed = np.exp(terms - largest).sum(axis=0, dtype=np.float64)
            score += float(np.dot(counts, np.log(summed) + largest))
    alpha = np.asarray(model.alpha, dtype=np.float64)
    gamma, log_theta = gamma.astype(np.float64), log_theta.astype(np.float64)
    # E[log p(theta | alpha) - log q(theta | gamma)] of every document.
    score += float(np.sum((alpha - gamma) * log_theta))
    score += float(np.sum(gammaln(gamma) - gammaln(alpha)))
    score += float(len(bags) * gammaln(alpha.sum()) - gammaln(gamma.sum(axis=1)).sum())
    score *= subsample_ratio
    # E[log p(beta | eta) - log q(beta | lambda)]: the topics' own term.
    eta, topics, log_beta = model.eta, topics.astype(np.float64), log_beta.astype(np.float64)
    score += float(np.sum((eta - topics) * log_beta))
    score += float(np.sum(gammaln(topics) - gammaln(eta)))
    sum_eta = eta * model.num_terms if np.ndim(eta) == 0 else np.sum(eta)
    score += float(np.sum(gammaln(sum_eta) - gammaln(topics.sum(axis=1))))
    return score / (subsample_ratio * words)


def _array_bags(bow: Iterable[Bag]) -> Iterable[Bag | ArrayBag]:
    """``bow`` as :func:`array_inference` reads it fastest (a :class:`BowCorpus` as arrays)."""
    return bow.array_bags() if isinstance(bow, BowCorpus) else bow


def document_topics(
    model: LdaModel, bow: Iterable[Bag], chunksize: int = INFERENCE_CHUNK
) -> np.ndarray:
    """Topic proportions of every document from a gensim model (documents by topics),
    inferred chunk by chunk.

    The same numbers as ``model.get_document_topics(doc, minimum_probability=0)`` document by
    document (which draws its starting values from the model's random state in the same
    order), without a Python list per document (:func:`array_inference`).
    """
    parts = []
    documents = iter(_array_bags(bow))
    while chunk := list(itertools.islice(documents, chunksize)):
        gamma, _ = array_inference(model, chunk)
        theta = gamma / gamma.sum(axis=1, keepdims=True)
        # get_document_topics leaves out proportions below 1e-8 even when asked for all.
        theta[theta < 1e-8] = 0.0
        parts.append(theta)
    return np.vstack(parts) if parts else np.zeros((0, model.num_topics))


class GensimLDA(TopicModel):
    """gensim's ``LdaModel`` (online variational Bayes, one process): :func:`fit_lda`."""

    engine = "gensim"
    takes_prior = True

    def __init__(
        self,
        num_topics: int,
        random_state: int = 42,
        passes: int | str = "auto",
        iterations: int | str = "auto",
        chunksize: int = 2000,
        alpha: str | float = "symmetric",
        eta: str | float | None = None,
        gamma_threshold: float | str = "auto",
        warm_start_sweeps: int = 0,
    ):
        super().__init__(num_topics, random_state)
        self.passes, self.chunksize = passes, chunksize
        self.iterations = resolve_iterations(iterations, self.engine)
        self.warm_start_sweeps = warm_start_sweeps
        self.alpha, self.eta = alpha, eta
        self.gamma_threshold = gamma_threshold

    def _fit(self, bow, dictionary, prior):
        model = fit_lda(
            bow,
            dictionary,
            self.num_topics,
            random_state=self.random_state,
            passes=self.passes,
            iterations=self.iterations,
            alpha=self.alpha,
            eta=self.eta if prior is None else prior,
            chunksize=self.chunksize,
            gamma_threshold=self.gamma_threshold,
            warm_start_sweeps=self.warm_start_sweeps,
        )
        return model, model.get_topics(), document_topics(model, bow)

    def transform(self, bow):
        return document_topics(self.model, bow).astype(np.float64)

    def perplexity(self, bow):
        if not isinstance(bow, BowCorpus):
            bow = BowCorpus(_count_matrix(list(bow), self.model.num_terms))
        if not bow.matrix.data.any():
            return float("nan")
        # The per-word bound is in nats: exp(-bound), as the other engines' perplexities
        # (gensim's log line prints 2 ** -bound, which understates it). The bound holds one
        # term for the topics themselves (their prior against their posterior, growing with
        # K x vocabulary); gensim spreads it over the training corpus when told its size
        # (``total_docs``, as its own training log and Hoffman et al. 2010 do). Without it,
        # that term is divided by the held-out words alone and outweighs them: perplexities
        # above the vocabulary's size that grow with K whatever the fit.
        trained_on = max(int(self.model.state.numdocs), len(bow))
        return float(np.exp(-log_perplexity(self.model, bow, total_docs=trained_on)))

    model_file = "model.gensim"

    def _save(self, path):
        # gensim writes model.gensim.state, .id2word and .expElogbeta.npy beside it. It also
        # records each save, with the file name (here the temporary one) and the time, in
        # the saved objects' lifecycle_events; None is gensim's switch that turns the record
        # off, so the files name no temporary path (and hold no time). The model in memory
        # keeps its events.
        objects = (self.model, self.model.state)
        events = [getattr(obj, "lifecycle_events", None) for obj in objects]
        try:
            for obj in objects:
                obj.lifecycle_events = None
            self.model.save(str(path))
        finally:
            for obj, kept in zip(objects, events, strict=True):
                obj.lifecycle_events = kept

    @classmethod
    def _load(cls, path):
        from gensim.models import LdaModel

        return LdaModel.load(str(path))


class _SklearnTopicModel(TopicModel):
    """Inference, perplexity and saving of the scikit-learn engines."""

    def transform(self, bow):
        counts = _count_matrix(bow, len(self.vocabulary))
        if counts.shape[0] == 0:  # scikit-learn rejects an empty matrix
            return np.zeros((0, self.num_topics))
        return _normalize_rows(self.model.transform(counts))

    def perplexity(self, bow):
        counts = _count_matrix(bow, len(self.vocabulary))
        if self.engine != "sklearn_lda" or counts.sum() == 0:
            return float("nan")
        return float(self.model.perplexity(counts, sub_sampling=True))

    model_file = "model.pickle"

    def _save(self, path):
        # pickle is how scikit-learn saves models; the standard library's, not joblib's.
        with path.open("wb") as stream:
            pickle.dump(self.model, stream, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def _load(cls, path):
        # A pickle runs code as it loads: load only bundles you trust (as with any
        # scikit-learn model).
        with path.open("rb") as stream:
            return pickle.load(stream)


class SklearnLDA(_SklearnTopicModel):
    """scikit-learn's ``LatentDirichletAllocation`` (online, one process) on the counts."""

    engine = "sklearn_lda"

    def __init__(
        self,
        num_topics: int,
        random_state: int = 42,
        passes: int | str = "auto",
        iterations: int | str = "auto",
        chunksize: int = 2000,
        alpha: str | float = "symmetric",
        eta: str | float | None = None,
    ):
        super().__init__(num_topics, random_state)
        self.passes, self.chunksize = passes, chunksize
        self.iterations = resolve_iterations(iterations, self.engine)
        self.alpha, self.eta = alpha, eta

    def _fit(self, bow, dictionary, prior):
        from sklearn.decomposition import LatentDirichletAllocation

        counts = _count_matrix(bow, len(self.vocabulary))
        model = LatentDirichletAllocation(
            n_components=self.num_topics,
            doc_topic_prior=None if _is_symmetric(self.alpha) else float(self.alpha),
            topic_word_prior=None if _is_symmetric(self.eta) else float(self.eta),
            learning_method="online",
            batch_size=update_chunksize(counts.shape[0], self.chunksize),
            max_iter=resolve_passes(self.passes, counts.shape[0], self.chunksize),
            max_doc_update_iter=self.iterations,
            random_state=self.random_state,
            n_jobs=1,
            # Not used by fit; perplexity(sub_sampling=True) spreads the topics' own term of
            # the bound over this many documents (see GensimLDA.perplexity).
            total_samples=max(1, counts.shape[0]),
        )
        theta = model.fit_transform(counts)
        return model, model.components_, _normalize_rows(theta)


#: The losses of ``lda.nmf_loss``, each with the TF-IDF weighting it is fitted on (sublinear
#: tf or not), scikit-learn's solver for it and whether the matrix goes in float32. The
#: divergence's multiplicative updates in float32 took 0.35-0.5 times the CPU of float64 on
#: hespress-4cat (K = 4 and 10) for the same argmax topics; the squared error stays as it was.
NMF_LOSSES = {
    "kullback-leibler": {"sublinear_tf": False, "solver": "mu", "float32": True},
    "frobenius": {"sublinear_tf": True, "solver": "cd", "float32": False},
}


def _as_float32(matrix):
    """``matrix`` in float32 (a step of the NMF pipeline, so new documents get it too)."""
    return matrix.astype(np.float32)


class SklearnNMF(_SklearnTopicModel):
    """scikit-learn's ``NMF`` (``init="nndsvda"``) of the TF-IDF of the counts; topics and
    document mixtures are the rows of H and W, scaled to sum to 1.

    ``nmf_loss``: ``kullback-leibler`` (the default) minimizes the generalized
    Kullback-Leibler divergence by multiplicative updates on TF-IDF with raw term counts (NMF
    with this loss is PLSA's objective, Ding et al. 2008); ``frobenius`` the squared error by
    coordinate descent on TF-IDF with sublinear tf (the recipe before it). Of 24 sub-corpora
    of the labelled corpora and the two whole ones, the argmax topic at K = the sections was
    closer to the sections with the divergence on 20, and on both whole corpora
    (docs/topic_models.md). nndsvda starts from a randomized SVD drawn with
    ``random_state``: the seeds' argmax topics differed by at most 0.002 of NMI there.
    """

    engine = "sklearn_nmf"

    def __init__(
        self,
        num_topics: int,
        random_state: int = 42,
        iterations: int | str = "auto",
        nmf_loss: str = "kullback-leibler",
    ):
        super().__init__(num_topics, random_state)
        if nmf_loss not in NMF_LOSSES:
            raise ValueError(f"lda.nmf_loss must be one of {sorted(NMF_LOSSES)}, not {nmf_loss!r}")
        self.iterations = resolve_iterations(iterations, self.engine)
        self.nmf_loss = nmf_loss

    def _fit(self, bow, dictionary, prior):
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        recipe = NMF_LOSSES[self.nmf_loss]
        counts = _count_matrix(bow, len(self.vocabulary))
        # scikit-learn's TF-IDF and NMF keep float32 input in float32.
        cast = FunctionTransformer(_as_float32, accept_sparse=True)
        precision = [cast] if recipe["float32"] else []
        model = make_pipeline(
            *precision,
            TfidfTransformer(sublinear_tf=recipe["sublinear_tf"]),
            NMF(
                n_components=self.num_topics,
                init="nndsvda",
                beta_loss=self.nmf_loss,
                solver=recipe["solver"],
                max_iter=self.iterations,
                random_state=self.random_state,
            ),
        )
        # A document that NMF gives no weight in any topic (no words, or words only in zero
        # columns of H) has an all-zero W row: no evidence for any topic, so it gets the
        # uniform mixture (as LDA infers for an empty document) rather than 0/0.
        theta = _normalize_rows(model.fit_transform(counts))
        return model, model[-1].components_, theta


class TomotopyLDA(TopicModel):
    """tomotopy's collapsed Gibbs-sampled ``LDAModel``, one worker (reproducible), its
    topics re-ordered to the dictionary's term ids; alpha stays as given."""

    engine = "tomotopy"
    takes_prior = True

    def __init__(
        self,
        num_topics: int,
        random_state: int = 42,
        iterations: int | str = "auto",
        sampling_iterations: int = 200,
        alpha: str | float = "symmetric",
        eta: str | float | None = None,
    ):
        super().__init__(num_topics, random_state)
        self.iterations = resolve_iterations(iterations, self.engine)
        self.sampling_iterations = sampling_iterations
        self.alpha, self.eta = alpha, eta

    def _fit(self, bow, dictionary, prior):
        num_topics, vocabulary = self.num_topics, self.vocabulary
        base_eta = _symmetric_value(self.eta, num_topics)
        tomotopy, sampling = _tomotopy()
        model = tomotopy.LDAModel(
            k=num_topics,
            alpha=_symmetric_value(self.alpha, num_topics),
            eta=base_eta,
            seed=self.random_state,
        )
        # alpha stays as given: by default tomotopy re-estimates it every 10 sweeps.
        model.optim_interval = 0
        n_docs, positions = 0, []
        for n_docs, words in enumerate(document_words(bow, vocabulary), start=1):
            # tomotopy leaves out empty documents; they get the uniform mixture below.
            if words:
                model.add_doc(words)
                positions.append(n_docs - 1)
        if prior is not None:
            known = set(model.vocabs)
            for term in np.flatnonzero((prior != base_eta).any(axis=0)):
                # A prior on a word of no document would add it to tomotopy's vocabulary.
                if vocabulary[term] in known:
                    model.set_word_prior(vocabulary[term], prior[:, term].tolist())
        model.train(self.sampling_iterations, **sampling)
        index = {term: j for j, term in enumerate(vocabulary)}
        columns = [index[word] for word in model.used_vocabs]
        phi = np.zeros((num_topics, len(vocabulary)))
        phi[:, columns] = [model.get_topic_word_dist(k) for k in range(num_topics)]
        theta = np.zeros((n_docs, num_topics))
        theta[positions] = [document.get_topic_dist() for document in model.docs]
        return model, phi, _normalize_rows(theta)

    def _infer(self, bow: Iterable[Bag]) -> tuple[int, list[int], np.ndarray, np.ndarray, int]:
        """The number of documents; the positions of those with words known to the model,
        their inferred topic distributions and log-likelihoods; and the number of words."""
        n_docs, positions, documents = 0, [], []
        for n_docs, words in enumerate(document_words(bow, self.vocabulary), start=1):
            # make_doc aborts the process (an uncaught C++ exception) on an empty list.
            document = self.model.make_doc(words) if words else None
            # make_doc drops words the model never saw; an empty document has nothing to infer.
            if document is not None and len(document):
                positions.append(n_docs - 1)
                documents.append(document)
        if not documents:
            return n_docs, positions, np.zeros((0, self.num_topics)), np.zeros(0), 0
        dists, log_likelihoods = self.model.infer(
            documents, iterations=self.iterations, **_tomotopy()[1]
        )
        n_words = sum(len(document) for document in documents)
        return (
            n_docs,
            positions,
            np.asarray(dists, dtype=np.float64),
            np.asarray(log_likelihoods, dtype=np.float64),
            n_words,
        )

    def transform(self, bow):
        n_docs, positions, dists, _, _ = self._infer(bow)
        theta = np.zeros((n_docs, self.num_topics))
        theta[positions] = dists
        # Documents without known words stay zero, uniform once normalized.
        return _normalize_rows(theta)

    def perplexity(self, bow):
        _, _, _, log_likelihoods, n_words = self._infer(bow)
        return float(np.exp(-log_likelihoods.sum() / n_words)) if n_words else float("nan")

    model_file = "model.tomotopy"

    def _save(self, path):
        # Without the training documents (full=False): enough for topics and inference.
        self.model.save(str(path), full=False)

    @classmethod
    def _load(cls, path):
        return _tomotopy()[0].LDAModel.load(str(path))


# ---------------------------------------------------------------------------------------
# The Dirichlet multinomial mixture (GSDMM)
#
# No maintained Python library samples GSDMM: rwalk's gsdmm (GitHub only, unmaintained) is
# pure Python, a loop over every word of every document for every cluster, and slow;
# fast-gsdmm had one release (0.0.1, 2021). The sampler's loops over the documents (each draw
# depends on the draws before it) are compiled with numba, in the gsdmm module.

#: The DMM's ``alpha`` and ``eta`` (its beta) for ``symmetric``: 0.1, the values of Yin and
#: Wang's experiments, whatever K (a DMM's K is an upper bound on the clusters it fills, so
#: its priors do not follow K as LDA's 1/K does).
DMM_SYMMETRIC_PRIOR = 0.1

#: At most this many greedy sweeps follow the sampling of a DMM; they stop at the first
#: sweep that moves no document.
DMM_MAX_GREEDY_SWEEPS = 20


@dataclass(frozen=True)
class _DMMDocuments:
    """Documents as the DMM sampler reads them: those with words, each as its tokens and
    as its distinct terms with their counts.

    For the ``i``-th document of ``docs`` (positions among all ``n_docs``),
    ``words[token_starts[i]:token_starts[i + 1]]`` are its tokens (grouped by term, in term
    order) and ``repeats`` the number of earlier copies of each token's term in the
    document; ``terms`` and ``counts`` from ``pair_starts[i]`` to ``pair_starts[i + 1]`` are
    its distinct terms and their counts (float64).
    """

    n_docs: int
    docs: np.ndarray
    token_starts: np.ndarray
    pair_starts: np.ndarray
    words: np.ndarray
    repeats: np.ndarray
    terms: np.ndarray
    counts: np.ndarray

    @classmethod
    def from_bow(cls, bow: Iterable[Bag], n_terms: int) -> _DMMDocuments:
        matrix = _count_matrix(bow, n_terms)
        matrix.sum_duplicates()  # also sorts each document's terms
        matrix.data = np.rint(matrix.data)
        matrix.eliminate_zeros()
        values = matrix.data.astype(np.int64)
        lengths = np.diff(np.concatenate([[0], np.cumsum(values)])[matrix.indptr])
        docs = np.flatnonzero(lengths > 0)
        words = np.repeat(matrix.indices.astype(np.int64), values)
        first_copy = np.repeat(np.cumsum(values) - values, values)
        # An empty document holds no tokens: the next one starts where the last one ended.
        starts = np.cumsum(lengths) - lengths
        return cls(
            n_docs=matrix.shape[0],
            docs=docs,
            token_starts=np.append(starts[docs], words.size).astype(np.int64),
            pair_starts=np.append(matrix.indptr[docs], matrix.indptr[-1]).astype(np.int64),
            words=words,
            repeats=(np.arange(words.size) - first_copy).astype(np.float64),
            terms=matrix.indices.astype(np.int64),
            counts=values.astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.docs)

    def longest(self) -> int:
        """The number of tokens of the longest document (0 without documents)."""
        return int(np.diff(self.token_starts).max(initial=0))


#: Products of ratios that GSDMM's weights (``gsdmm._log_weights``) take before their logs:
#: at most 2 ** this many ratios each; three halvings made a sweep about 1.5 times faster.
DMM_MAX_HALVINGS = 3


def _dmm_halvings(beta: float, tokens: float, n_terms: int, longest: int) -> int:
    """How many times GSDMM's weights (``gsdmm._log_weights``) may multiply their ratios
    by pairs: up to :data:`DMM_MAX_HALVINGS`, fewer if products of the smallest possible ratio,
    beta / (tokens + V beta + longest) (``tokens`` at least the tokens of any cluster,
    ``longest`` those of the longest document), could come near float64's smallest number.
    With beta = 0.1 and a billion tokens the smallest ratio is above 1e-11, its eighth
    power above 1e-88."""
    smallest = math.log10(beta) - math.log10(tokens + n_terms * beta + longest)
    halvings = 0
    while halvings < DMM_MAX_HALVINGS and smallest * 2 ** (halvings + 1) > -290:
        halvings += 1
    return halvings


def dmm_log_likelihood(
    word_counts: np.ndarray,
    cluster_words: np.ndarray,
    cluster_documents: np.ndarray,
    alpha: float,
    beta: float,
) -> float:
    """The collapsed joint log p(z, w) of a Dirichlet multinomial mixture in this state: the
    cluster weights and the clusters' word distributions integrated out, the tokens as a
    sequence (no multinomial coefficients), with G the gamma function:

        log G(K a) - log G(D + K a) + sum_k [log G(m_k + a) - log G(a)]
        + sum_k [log G(V b) - log G(n_k + V b) + sum_w (log G(n_kw + b) - log G(b))]

    ``word_counts`` is terms by clusters (n_kw), ``cluster_words`` n_k and
    ``cluster_documents`` m_k. An empty cluster adds nothing.
    """
    n_terms, n_clusters = word_counts.shape
    present = word_counts[word_counts > 0]
    return float(
        gammaln(n_clusters * alpha)
        - gammaln(cluster_documents.sum() + n_clusters * alpha)
        + (gammaln(cluster_documents + alpha) - gammaln(alpha)).sum()
        + (gammaln(n_terms * beta) - gammaln(cluster_words + n_terms * beta)).sum()
        + (gammaln(present + beta) - gammaln(beta)).sum()
    )


@dataclass
class DMMState:
    """A Dirichlet multinomial mixture: the cluster of every document and the counts of its
    sampler (whole numbers, held as float64); the fitted model of
    :class:`DirichletMultinomialMixture`.

    Attributes
    ----------
    labels : ndarray of int64
        The cluster (0 .. K - 1) of every document; -1 for a document without words (left
        out of the sampling).
    word_counts : ndarray
        Terms by clusters: the occurrences of each term in each cluster's documents.
    cluster_words : ndarray
        The tokens of each cluster (the column sums of ``word_counts``).
    cluster_documents : ndarray
        The documents of each cluster; 0 for an empty cluster.
    alpha, beta : float
        The priors: pseudo-documents of every cluster, pseudo-occurrences of every term in
        every cluster.
    log_likelihoods : ndarray
        The final log p(z, w) of every restart (:func:`dmm_log_likelihood`), in restart order.
    best_restart : int
        The restart (from 0) this state comes from, the first of the highest log-likelihood.
    """

    labels: np.ndarray
    word_counts: np.ndarray
    cluster_words: np.ndarray
    cluster_documents: np.ndarray
    alpha: float
    beta: float
    log_likelihoods: np.ndarray
    best_restart: int

    def log_weights(self, documents: _DMMDocuments) -> np.ndarray:
        """GSDMM's log weights of every cluster (``gsdmm.score``) for documents that are not
        in the counts (documents by clusters)."""
        from . import gsdmm

        n_terms = self.word_counts.shape[0]
        longest = documents.longest()
        return gsdmm.score(
            documents.words,
            documents.repeats + self.beta,
            documents.token_starts,
            np.ascontiguousarray(self.word_counts),
            self.cluster_words,
            self.cluster_documents,
            self.alpha,
            n_terms * self.beta + np.arange(longest, dtype=float),
            _dmm_halvings(self.beta, self.cluster_words.sum(), n_terms, longest),
        )


class _DMMSampler:
    """GSDMM's collapsed Gibbs sampler (Yin and Wang 2014) over ``documents``, each starting
    in its cluster of ``labels``; every sweep visits the documents in corpus order."""

    def __init__(
        self,
        documents: _DMMDocuments,
        n_terms: int,
        num_topics: int,
        alpha: float,
        beta: float,
        labels: np.ndarray,
    ):
        self.documents, self.num_topics, self.alpha, self.beta = documents, num_topics, alpha, beta
        self.shifted_repeats = documents.repeats + beta
        longest = documents.longest()
        self.shifted_positions = n_terms * beta + np.arange(longest, dtype=float)
        self.halvings = _dmm_halvings(beta, len(documents.words), n_terms, longest)
        # A copy: the sweeps change it in place.
        self.labels = np.array(labels, dtype=np.int64)
        pair_labels = np.repeat(self.labels, np.diff(documents.pair_starts))
        self.word_counts = np.bincount(
            documents.terms * num_topics + pair_labels,
            weights=documents.counts,
            minlength=n_terms * num_topics,
        ).reshape(n_terms, num_topics)
        self.cluster_words = self.word_counts.sum(axis=0)
        self.cluster_documents = np.bincount(self.labels, minlength=num_topics).astype(float)

    def _visit(self, mode: int, uniforms: np.ndarray | None = None) -> tuple[int, np.ndarray]:
        """One pass of ``gsdmm.visit`` in ``mode``; returns how many documents changed
        cluster and, in ``CONDITIONALS`` mode, every document's log weights (else an empty
        array)."""
        from . import gsdmm

        documents = self.documents
        n_kept = len(self.labels) if mode == gsdmm.CONDITIONALS else 0
        kept = np.empty((n_kept, self.num_topics))
        moved = gsdmm.visit(
            mode,
            np.empty(0) if uniforms is None else uniforms,
            self.labels,
            documents.words,
            self.shifted_repeats,
            documents.token_starts,
            documents.pair_starts,
            documents.terms,
            documents.counts,
            self.word_counts,
            self.cluster_words,
            self.cluster_documents,
            self.alpha,
            self.shifted_positions,
            self.halvings,
            kept,
        )
        return moved, kept

    def sweep(self, uniforms: np.ndarray | None = None) -> int:
        """One sweep, drawn with ``uniforms`` (one per document) or greedy without; returns
        how many documents changed cluster."""
        from . import gsdmm

        mode = gsdmm.GREEDY if uniforms is None else gsdmm.SAMPLE
        return self._visit(mode, uniforms)[0]

    def conditionals(self) -> np.ndarray:
        """The log weights of p(z_d = k | z_-d, w) in this state (documents by clusters)."""
        from . import gsdmm

        return self._visit(gsdmm.CONDITIONALS)[1]

    def log_likelihood(self) -> float:
        return dmm_log_likelihood(
            self.word_counts, self.cluster_words, self.cluster_documents, self.alpha, self.beta
        )

    def empty_clusters_last(self) -> None:
        """Renumber the clusters: those with documents first, in their order, then the
        empty ones."""
        order = np.argsort(self.cluster_documents == 0, kind="stable")
        self.word_counts = np.ascontiguousarray(self.word_counts[:, order])
        self.cluster_words = self.cluster_words[order]
        self.cluster_documents = self.cluster_documents[order]
        self.labels = np.argsort(order)[self.labels]


def _sample_dmm(
    documents: _DMMDocuments,
    n_terms: int,
    num_topics: int,
    alpha: float,
    beta: float,
    iterations: int,
    rng: np.random.Generator,
) -> _DMMSampler:
    """One run of GSDMM: every document in a random cluster, ``iterations`` Gibbs sweeps,
    then greedy sweeps (each document into its most probable cluster given the others)
    until one moves no document, at most :data:`DMM_MAX_GREEDY_SWEEPS`."""
    labels = rng.integers(num_topics, size=len(documents))
    sampler = _DMMSampler(documents, n_terms, num_topics, alpha, beta, labels)
    for _ in range(iterations):
        sampler.sweep(rng.random(len(documents)))
    for _ in range(DMM_MAX_GREEDY_SWEEPS):
        if not sampler.sweep():
            break
    return sampler


class DirichletMultinomialMixture(TopicModel):
    """A Dirichlet multinomial mixture, one topic per document, fitted by GSDMM's collapsed
    Gibbs sampler (Yin and Wang 2014, "A Dirichlet multinomial mixture model-based approach
    for short text clustering"), numpy, one process.

    Every document belongs to one of K clusters (the topics); a cluster's documents share
    one word distribution. Each of ``dmm_restarts`` runs starts from its own seed (spawned
    from ``random_state`` by numpy's ``SeedSequence``), puts every document in a random
    cluster and makes ``dmm_iterations`` sweeps, each drawing every document's cluster in
    turn from p(z_d = k | z_-d, w). Greedy sweeps then move each document into its most
    probable cluster until none moves (at most :data:`DMM_MAX_GREEDY_SWEEPS`; each move
    raises p(z, w)), so that the state is a local mode. The restart of the highest final
    log p(z, w) (:func:`dmm_log_likelihood`; the first of equal ones) is the model;
    ``fit_scores`` records every restart's.

    Clusters may stay empty (K is an upper bound on the clusters used); they are numbered
    after the others. A cluster's topic (``phi``) is its word counts plus beta, normalized:
    uniform for an empty one. ``theta`` is, for every document, p(z_d = k | z_-d, w) in the
    final state: rows sum to 1, and the argmax is the document's cluster (``model.labels``;
    a document alone in its cluster ties with the empty clusters and has its own, the first
    of them). A document without words is left out of the sampling and gets the uniform
    mixture, as with the other engines.

    Parameters
    ----------
    dmm_iterations : int
        Gibbs sweeps over the corpus in each restart.
    dmm_restarts : int
        Runs from different seeds; the one of the highest log-likelihood is kept.
    alpha : str or float
        Pseudo-documents of every cluster; ``symmetric``: :data:`DMM_SYMMETRIC_PRIOR`.
    eta : str or float, optional
        The DMM's beta, pseudo-occurrences of every term in every cluster; ``symmetric`` or
        None: :data:`DMM_SYMMETRIC_PRIOR`.
    """

    engine = "dmm"

    def __init__(
        self,
        num_topics: int,
        random_state: int = 42,
        dmm_iterations: int = 30,
        dmm_restarts: int = 3,
        alpha: str | float = "symmetric",
        eta: str | float | None = None,
    ):
        super().__init__(num_topics, random_state)
        if dmm_iterations < 1 or dmm_restarts < 1:
            raise ValueError(
                f"lda.dmm_iterations and lda.dmm_restarts must be at least 1, not "
                f"{dmm_iterations} and {dmm_restarts}"
            )
        self.dmm_iterations, self.dmm_restarts = dmm_iterations, dmm_restarts
        self.alpha, self.eta = alpha, eta

    def _fit(self, bow, dictionary, prior):
        n_terms, num_topics = len(self.vocabulary), self.num_topics
        alpha, beta = (
            DMM_SYMMETRIC_PRIOR if _is_symmetric(value) else float(value)
            for value in (self.alpha, self.eta)
        )
        documents = _DMMDocuments.from_bow(bow, n_terms)
        best, likelihoods = None, []
        for seed in np.random.SeedSequence(self.random_state).spawn(self.dmm_restarts):
            rng = np.random.default_rng(seed)
            sampler = _sample_dmm(
                documents, n_terms, num_topics, alpha, beta, self.dmm_iterations, rng
            )
            likelihoods.append(sampler.log_likelihood())
            if best is None or likelihoods[-1] > max(likelihoods[:-1]):
                best = sampler
        best.empty_clusters_last()
        theta = np.full((documents.n_docs, num_topics), 1.0 / num_topics)
        theta[documents.docs] = _softmax_rows(best.conditionals())
        labels = np.full(documents.n_docs, -1, dtype=np.int64)
        labels[documents.docs] = best.labels
        model = DMMState(
            labels=labels,
            word_counts=best.word_counts,
            cluster_words=best.cluster_words,
            cluster_documents=best.cluster_documents,
            alpha=alpha,
            beta=beta,
            log_likelihoods=np.array(likelihoods),
            best_restart=int(np.argmax(likelihoods)),
        )
        self.fit_scores = {
            "log_likelihood": likelihoods[model.best_restart],
            "restart_log_likelihoods": likelihoods,
        }
        return model, (best.word_counts + beta).T, theta

    def _log_weights(self, bow: Iterable[Bag]) -> tuple[_DMMDocuments, np.ndarray]:
        documents = _DMMDocuments.from_bow(bow, len(self.vocabulary))
        return documents, self.model.log_weights(documents)

    def transform(self, bow):
        """p(z_d = k | w_d) of new documents given the fitted clusters (the same weights as
        the sampler's, the documents not in the counts); uniform for a document without
        words."""
        documents, log_weights = self._log_weights(bow)
        theta = np.full((documents.n_docs, self.num_topics), 1.0 / self.num_topics)
        theta[documents.docs] = _softmax_rows(log_weights)
        return theta

    def perplexity(self, bow):
        """exp(-sum_d log p(w_d) / tokens): each document's predictive probability given the
        fitted clusters, sum_k p(z_d = k) p(w_d | cluster k) (the sampler's weights, summed
        and divided by D + K alpha); NaN without tokens."""
        documents, log_weights = self._log_weights(bow)
        if not len(documents.words):
            return float("nan")
        model = self.model
        total = model.cluster_documents.sum() + self.num_topics * model.alpha
        log_probabilities = logsumexp(log_weights, axis=1) - np.log(total)
        return float(np.exp(-log_probabilities.sum() / len(documents.words)))

    model_file = "model.npz"

    def _save(self, path):
        # The same bytes for a seed (write_npz: fixed member dates).
        write_npz(path, **asdict(self.model))

    @classmethod
    def _load(cls, path):
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        return DMMState(
            **{
                **arrays,
                "alpha": float(arrays["alpha"]),
                "beta": float(arrays["beta"]),
                "best_restart": int(arrays["best_restart"]),
            }
        )


#: One class per topic-model engine, by its ``lda.engine`` name.
ENGINE_CLASSES: dict[str, type[TopicModel]] = {
    cls.engine: cls
    for cls in (GensimLDA, SklearnLDA, SklearnNMF, TomotopyLDA, DirichletMultinomialMixture)
}

#: Topic-model engines (``lda.engine``).
ENGINES = tuple(ENGINE_CLASSES)

#: ``lda.engine: auto``'s engines (:func:`resolve_engine`): for a corpus of short documents,
#: and for any other.
AUTO_ENGINES = {"short": "tomotopy", "long": "gensim"}


def corpus_median_words(summary_csv: str | Path) -> float | None:
    """The median document's words of stage 1's ``corpus_summary.csv``, what
    :func:`resolve_engine` reads for ``lda.engine: auto``; None where it has no such row.
    (Here, beside its one reader, not in the corpus package: a change there reruns stage 1.)"""
    summary = pd.read_csv(summary_csv, dtype=str).set_index("measure")["value"]
    return float(summary["median_words"]) if "median_words" in summary else None


def resolve_engine(
    engine: str, median_words: float | None, short_document_words: int
) -> tuple[str, str]:
    """The engine ``lda.engine`` names, and why, in a sentence for the log.

    ``auto`` is tomotopy's Gibbs sampler for a corpus whose median document has fewer than
    ``short_document_words`` words, gensim otherwise (and before the corpus is read, when
    ``median_words`` is None). gensim's online variational Bayes infers each document's topics
    from its own words alone; with a headline's eight words its topics barely depend on the
    text (argmax-topic NMI 0.03-0.06 against the sections on the titles of both labelled
    corpora, tomotopy's 0.18-0.38), and the sampler, whose cost follows the tokens, costs
    0.07-1.37 times gensim's CPU on documents of up to 120 words; on whole articles gensim is
    the faster (docs/topic_models.md, "Short documents").
    """
    if engine != "auto":
        return engine, f"lda.engine {engine}"
    if median_words is None:
        return AUTO_ENGINES["long"], "lda.engine auto: gensim until the corpus is read"
    short = median_words < short_document_words
    return AUTO_ENGINES["short" if short else "long"], (
        f"lda.engine auto: {AUTO_ENGINES['short' if short else 'long']}, the median document "
        f"having {median_words:g} words, {'fewer' if short else 'not fewer'} than "
        f"lda.short_document_words ({short_document_words})"
    )


#: Engines that take a guided prior (``lda.guided``, :func:`guided_prior`).
GUIDED_ENGINES = tuple(name for name, cls in ENGINE_CLASSES.items() if cls.takes_prior)

#: The settings each engine reads, read off its constructor, so that the workflow passes an
#: engine only these and a change of another engine's setting does not refit it.
ENGINE_SETTINGS = {
    name: tuple(
        sorted(
            set(inspect.signature(cls.__init__).parameters) - {"self", "num_topics", "random_state"}
        )
    )
    for name, cls in ENGINE_CLASSES.items()
}


def _words(bag: Bag, vocabulary: Sequence[str]) -> list[str]:
    """A bag of words as tomotopy takes a document: each term's string, count times."""
    return [vocabulary[term] for term, count in bag for _ in range(int(count))]


def document_words(bow: Iterable[Bag], vocabulary: Sequence[str]) -> Iterator[list[str]]:
    """Each document of ``bow`` as tomotopy takes it (:func:`_words`): the same lists, made
    at once for a :class:`BowCorpus` (one ``numpy.repeat`` over its matrix instead of a
    Python loop over every token: about a second of a warm start on SaudiNewsNet)."""
    if not isinstance(bow, BowCorpus):
        yield from (_words(bag, vocabulary) for bag in bow)
        return
    matrix = bow.matrix
    repeats = matrix.data.astype(np.int64)  # whole counts, truncated as int() does
    words = np.asarray(vocabulary, dtype=object)[np.repeat(matrix.indices, repeats)]
    bounds = np.concatenate([[0], np.cumsum(repeats)])[matrix.indptr].tolist()
    for start, end in itertools.pairwise(bounds):
        yield words[start:end].tolist()


def fit_lda(
    bow: Iterable[Bag],
    dictionary: Dictionary,
    num_topics: int,
    random_state: int = 42,
    passes: int | str = 10,
    iterations: int | str = "auto",
    alpha: str | float = "symmetric",
    eta: str | float | np.ndarray | None = None,
    chunksize: int = 2000,
    gamma_threshold: float | str = "auto",
    warm_start_sweeps: int = 0,
) -> LdaModel:
    """Fit a single-process gensim LdaModel, reproducible for a given ``random_state``.

    ``bow`` is read once per pass (a gensim ``MmCorpus`` streams it from disk); ``passes``
    may be ``auto`` (:func:`resolve_passes`), ``iterations`` too (gensim's own 50), and
    ``gamma_threshold`` (:func:`resolve_gamma_threshold`); a small last chunk is spread over
    the others (:func:`update_chunksize`).
    gensim's LdaMulticore cannot be made reproducible with a seed, so it is not used.

    ``eta`` may be a topics-by-terms matrix (a guided prior, :func:`guided_prior`).

    ``warm_start_sweeps`` above 0 starts the topics from that many collapsed Gibbs sweeps
    (:func:`gibbs_topic_counts`, with the same seed and priors) instead of gensim's random
    topics; variational Bayes then refines them. Gibbs sampling finds the better optimum,
    variational Bayes gets there faster: on SaudiNewsNet at K = 20, 50 sweeps and gensim's
    two passes reach a higher NPMI than either alone (docs/performance.md).
    """
    from gensim.models import LdaModel

    model = LdaModel(
        id2word=dictionary,
        num_topics=num_topics,
        random_state=random_state,
        passes=resolve_passes(passes, len(bow), chunksize),
        iterations=resolve_iterations(iterations, "gensim"),
        alpha=alpha,
        eta=eta,
        chunksize=update_chunksize(len(bow), chunksize),
        gamma_threshold=resolve_gamma_threshold(gamma_threshold, bow, num_topics),
        eval_every=None,
        minimum_probability=0.0,
    )
    if warm_start_sweeps > 0:
        # gensim's topics are its sufficient statistics plus the prior: the Gibbs sampler's
        # expected counts take the place of its random ones.
        counts = gibbs_topic_counts(
            bow,
            dictionary,
            num_topics,
            random_state,
            warm_start_sweeps,
            alpha=alpha,
            eta=None if isinstance(eta, np.ndarray) else eta,
            prior=eta if isinstance(eta, np.ndarray) else None,
        )
        model.state.sstats = counts.astype(model.state.sstats.dtype)
    if isinstance(eta, np.ndarray) or warm_start_sweeps > 0:
        # gensim infers the first chunk from random topics without the prior, which enters
        # only at the first update of the topics; by then the documents have settled into
        # topics by chance and a guided prior barely moves them. Starting from the random
        # topics with the prior lets the seed words steer the documents from the start
        # (and a warm start's topics steer them the same way).
        model.expElogbeta = np.exp(model.state.get_Elogbeta())
    # The updates' inference reads the documents as arrays; the model stays gensim's own
    # class (saved and loaded by gensim alone), so the method is set on it for the updates.
    model.inference = functools.partial(array_inference, model)
    try:
        model.update(_array_bags(bow))
    finally:
        del model.inference
    return model


def gibbs_topic_counts(
    bow: Iterable[Bag],
    dictionary: Dictionary,
    num_topics: int,
    random_state: int,
    sweeps: int,
    alpha: str | float = "symmetric",
    eta: str | float | None = None,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """Expected topic-by-term counts after ``sweeps`` collapsed Gibbs sweeps of tomotopy's
    LDA (:class:`TomotopyLDA`, one worker, so reproducible with ``random_state``): each
    topic's word distribution times the tokens assigned to it. Rows sum to the topics'
    token counts, and all to the corpus's tokens."""
    check_engine_options("gensim", alpha, eta, prior is not None)
    sampler = TomotopyLDA(
        num_topics,
        random_state,
        sampling_iterations=sweeps,
        alpha=sampler_prior(alpha),
        eta=sampler_prior(eta),
    ).fit(bow, dictionary, prior)
    tokens = np.asarray(sampler.model.get_count_by_topics(), dtype=np.float64)
    return sampler.phi * tokens[:, None]


def fit_topic_model(
    bow: Sequence[Bag],
    dictionary: Dictionary,
    num_topics: int,
    engine: str = "gensim",
    random_state: int = 42,
    passes: int | str = "auto",
    iterations: int | str = "auto",
    chunksize: int = 2000,
    alpha: str | float = "symmetric",
    eta: str | float | None = None,
    prior: np.ndarray | None = None,
    sampling_iterations: int = 200,
    dmm_iterations: int = 30,
    dmm_restarts: int = 3,
    gamma_threshold: float | str = "auto",
    nmf_loss: str = "kullback-leibler",
    warm_start_sweeps: int = 0,
) -> TopicModel:
    """Fit a topic model with one of :data:`ENGINES`; reproducible for a given ``random_state``.

    ``bow`` is a gensim corpus (a list of bags of words, or an ``MmCorpus`` streamed from
    disk). The settings mean, per engine:

    ===================  ====================  ===============  ================  ===========
    setting              gensim, sklearn_lda   sklearn_nmf      tomotopy          dmm
    ===================  ====================  ===============  ================  ===========
    passes (or auto)     passes over the       --               --                --
                         corpus
    chunksize            documents per update  --               --                --
    iterations (or auto) inference iterations  NMF iterations   inference sweeps  --
                         per document                           per document
    gamma_threshold      gensim: a document's  --               --                --
    (or auto)            inference stops
                         below this change
    warm_start_sweeps    gensim: Gibbs sweeps  --               --                --
                         that start the
                         topics (0: random)
    sampling_iterations  --                    --               Gibbs sweeps      --
    dmm_iterations       --                    --               --                Gibbs sweeps
                                                                                  per restart
    dmm_restarts         --                    --               --                restarts
    nmf_loss             --                    the loss:        --                --
                                               kullback-
                                               leibler or
                                               frobenius
    alpha, eta           priors; symmetric =   --               priors;           priors;
                         1/K                                    symmetric = 1/K,  symmetric =
                                                                fixed             0.1
    prior (guided)       gensim: eta matrix    --               word priors       --
    ===================  ====================  ===============  ================  ===========

    gensim is :func:`fit_lda` (``LdaModel``, alpha and eta also asymmetric or auto).
    scikit-learn's LDA is ``LatentDirichletAllocation`` (online, one process) on the counts.
    NMF (``init="nndsvda"``) factorizes the TF-IDF of the counts (:class:`SklearnNMF`, by
    ``nmf_loss``); its topics and document mixtures are the rows of H and W, scaled to sum
    to 1. tomotopy's LDA
    samples with one worker. The DMM (:class:`DirichletMultinomialMixture`) puts every
    document in one topic, by GSDMM's Gibbs sampler, and keeps the best of its restarts.
    :func:`check_engine_options` tells which settings an engine takes.

    Parameters
    ----------
    prior : ndarray, optional
        A guided topic-word prior (topics by terms, :func:`guided_prior`).
    """
    check_engine_options(engine, alpha, eta, prior is not None)
    settings = {
        "passes": passes,
        "iterations": iterations,
        "chunksize": chunksize,
        "alpha": alpha,
        "eta": eta,
        "sampling_iterations": sampling_iterations,
        "dmm_iterations": dmm_iterations,
        "dmm_restarts": dmm_restarts,
        "gamma_threshold": gamma_threshold,
        "nmf_loss": nmf_loss,
        "warm_start_sweeps": warm_start_sweeps,
    }
    model = ENGINE_CLASSES[engine](
        num_topics, random_state, **{key: settings[key] for key in ENGINE_SETTINGS[engine]}
    )
    return model.fit(bow, dictionary, prior)


# ---------------------------------------------------------------------------------------
# Guided (seeded) topics

#: The topic-word prior of a seed term in its theme's topic (elsewhere 1/K, gensim's symmetric
#: default). On the planted corpus of the tests (three vocabularies of 8 words), one seed word
#: per theme steers gensim and tomotopy to the theme's topic for every random_state tried
#: (0-29, 42) from a strength of 2, not at 1 (4 and 3 of 31 fail); 5 leaves a margin and is
#: still a handful of pseudo-occurrences, which a large corpus's counts outweigh: the prior
#: decides where the seeds start, the data what else their topic holds.
GUIDED_STRENGTH = 5.0


def guided_prior(
    normalized_seed_words: Mapping[str, Sequence[Sequence[str]]],
    seed_words: Mapping[str, Sequence[str]],
    vocabulary: Sequence[str],
    num_topics: int,
    strength: float = GUIDED_STRENGTH,
) -> tuple[np.ndarray, pd.DataFrame]:
    """The topic-word prior that guides theme ``t`` (config order, from 0) to topic ``t + 1``.

    Parameters
    ----------
    normalized_seed_words : mapping of theme to list of token lists
        Each seed word as normalization left it (empty: normalization removed it; a phrase may be
        several tokens), in the order of ``seed_words``.
    seed_words : mapping of theme to list of str
        The seed words and phrases as written in the config, themes in config order.
    vocabulary : sequence of str
        The terms in dictionary id order.
    strength : float
        The prior of a seed term in its theme's topic.

    Returns
    -------
    prior : ndarray
        Topics by terms: 1/K everywhere, ``strength`` for each term of a theme's seeds in its
        theme's topic.
    table : DataFrame
        One row per seed word: ``theme, topic, seed_word, normalized, status,
        missing_terms``; status ``in_vocabulary``, ``not_in_vocabulary`` (some term missing,
        named in ``missing_terms``; the others are still seeded) or
        ``removed_by_normalization``.
    """
    if len(seed_words) > num_topics:
        raise ValueError(f"lda.guided needs lda.num_topics >= number of themes ({len(seed_words)})")
    if not _is_positive_number(strength):
        raise ValueError(f"the guided prior strength must be a positive number, not {strength!r}")
    index = {term: j for j, term in enumerate(vocabulary)}
    prior = np.full((num_topics, len(vocabulary)), 1.0 / num_topics)
    rows = []
    for topic, (theme, written) in enumerate(seed_words.items()):
        for seed_word, tokens in zip(written, normalized_seed_words[theme], strict=True):
            missing = [token for token in tokens if token not in index]
            for token in tokens:
                if token in index:
                    prior[topic, index[token]] = strength
            if not tokens:
                status = "removed_by_normalization"
            elif missing:
                status = "not_in_vocabulary"
            else:
                status = "in_vocabulary"
            rows.append(
                {
                    "theme": theme,
                    "topic": topic + 1,
                    "seed_word": seed_word,
                    "normalized": " ".join(tokens),
                    "status": status,
                    "missing_terms": " ".join(missing),
                }
            )
    columns = ["theme", "topic", "seed_word", "normalized", "status", "missing_terms"]
    return prior, pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------
# Tables


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


def topics_table(phi: np.ndarray, vocabulary: Sequence[str], top_n: int = 10) -> pd.DataFrame:
    """Top terms of each topic: columns ``topic, rank, term, weight`` (topics numbered from 1)."""
    rows = []
    for k, row in enumerate(phi):
        for rank, j in enumerate(_top_indices(row, vocabulary, top_n), start=1):
            rows.append(
                {"topic": k + 1, "rank": rank, "term": vocabulary[j], "weight": float(row[j])}
            )
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def doc_topics_table(theta: np.ndarray, doc_ids: Sequence[str]) -> pd.DataFrame:
    """Topic proportions of every document: ``doc_id`` then ``topic_1 .. topic_K``."""
    frame = pd.DataFrame(theta, columns=[f"topic_{k + 1}" for k in range(theta.shape[1])])
    frame.insert(0, "doc_id", list(doc_ids))
    return frame


# ---------------------------------------------------------------------------------------
# Held-out documents


def heldout_size(n_docs: int, share: float) -> int:
    """How many of ``n_docs`` documents :func:`heldout_split` holds out: ``share`` of them,
    rounded, but at least one (none for a share of 0) and, from two documents on, never all
    of them."""
    if not 0 <= share <= 1:
        raise ValueError(f"the held-out share must be between 0 and 1, not {share!r}")
    n_test = 0 if share == 0 or n_docs == 0 else max(1, round(share * n_docs))
    if n_docs >= 2:
        n_test = min(n_test, n_docs - 1)
    return n_test


def heldout_split(n_docs: int, share: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted positions of the training and the held-out (test) documents, disjoint; the
    test set holds :func:`heldout_size` documents."""
    n_test = heldout_size(n_docs, share)
    order = np.random.default_rng(random_state).permutation(n_docs)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


# ---------------------------------------------------------------------------------------
# The corpus files shared by every K


def save_corpus(
    documents: Iterable[tuple[str, list[str]]], dictionary: Dictionary, folder: str | Path
) -> int:
    """Write the LDA corpus of ``(doc_id, tokens)`` documents in one pass; return their number.

    Files: ``dictionary.txt`` (gensim text format), ``corpus.mm`` and its index
    ``corpus.mm.index`` (bag of words, Matrix Market, streamed by :func:`load_bow`; the bytes
    gensim's ``MmCorpus.serialize`` writes, :func:`_write_matrix_market`), the same counts
    as a sparse matrix's arrays in ``corpus_counts.npz`` (what :func:`load_bow` reads into
    memory), ``doc_ids.txt`` and ``token_ids.npz`` (every token as its dictionary id, -1 for
    a word not in it, for coherence; ``coherence.load_token_ids``).
    """
    folder = Path(folder)
    with atomic_path(folder / "dictionary.txt") as temporary:
        dictionary.save_as_text(str(temporary))
    doc_ids, parts, lengths = [], [], [0]
    # The blocks' counts, kept while the corpus is small enough for load_bow to read whole.
    kept: list[sp.csr_matrix] = []
    kept_entries = 0

    def blocks() -> Iterator[sp.csr_matrix]:
        # Each block's tokens as dictionary ids, then their counts per document.
        nonlocal kept_entries
        token2id, n_terms = dictionary.token2id, len(dictionary)
        for block in _blocks(documents, lambda document: len(document[1])):
            doc_ids.extend(doc_id for doc_id, _ in block)
            codes, token_documents, words = _factorized([tokens for _, tokens in block])
            token_ids = np.array([token2id.get(word, -1) for word in words], np.int32)[codes]
            parts.append(token_ids)
            lengths.extend(len(tokens) for _, tokens in block)
            known = token_ids >= 0
            entries, counts = _distinct(token_documents[known] * n_terms + token_ids[known], True)
            rows, terms = np.divmod(entries, n_terms)
            matrix = sp.csr_matrix((counts, (rows, terms)), shape=(len(block), n_terms))
            kept_entries += matrix.nnz
            if kept_entries <= MAX_IN_MEMORY_ENTRIES:
                kept.append(matrix.astype(np.float32))
            else:
                kept.clear()
            yield matrix

    n_entries = _write_matrix_market(blocks(), folder / "corpus.mm", folder / "corpus.mm.index")
    # A corpus load_bow streams from corpus.mm gets an empty matrix here.
    counts = sp.csr_matrix((0, len(dictionary)), dtype=np.float32)
    if kept and n_entries <= MAX_IN_MEMORY_ENTRIES:
        counts = sp.vstack(kept, format="csr", dtype=np.float32)
    # Uncompressed: every fit reads it (0.03 s for SaudiNewsNet's, 0.5 s from corpus.mm).
    write_npz(
        folder / "corpus_counts.npz",
        compress=False,
        data=counts.data,
        indices=counts.indices,
        indptr=counts.indptr,
        shape=np.array(counts.shape),
    )
    with atomic_path(folder / "token_ids.npz") as temporary:
        parts = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        np.savez(temporary, ids=parts, offsets=np.cumsum(lengths, dtype=np.int64))
    write_text(folder / "doc_ids.txt", "".join(f"{d}\n" for d in doc_ids))
    return len(doc_ids)


#: The first line of gensim's Matrix Market files (``gensim.matutils.MmWriter``).
MATRIX_MARKET_HEADER = b"%%MatrixMarket matrix coordinate real general\n"

#: Powers of ten from 10 up, for the width of a whole number written in decimals.
_POWERS_OF_TEN = 10 ** np.arange(1, 19, dtype=np.int64)


def _write_matrix_market(blocks: Iterable[sp.csr_matrix], path: Path, index: Path) -> int:
    """Write the count matrices of ``blocks`` (documents by terms, one after another) as
    gensim's ``MmCorpus.serialize`` (4.4.0) writes their bags of words: the same bytes in
    ``path`` and in its ``index`` (each document's first byte, pickled; -1 for an empty
    document that another follows). Returns the number of entries.

    Written here because gensim's writer formats each entry in Python after sorting the
    document's pairs again: 7 of the 18 s of SaudiNewsNet's corpus files. Here a block's
    entries are formatted in one pass and each document's first byte comes from the widths
    of its numbers. Tested against gensim's files.
    """
    offsets, empty, n_docs, n_entries, n_terms = [], [], 0, 0, 0
    with (
        atomic_path(path) as temporary,
        atomic_path(index) as temporary_index,
        open(temporary, "wb") as out,
    ):
        # gensim's header: the sizes, unknown until the end, overwrite 50 spaces.
        out.write(MATRIX_MARKET_HEADER + b" " * 50 + b"\n")
        for block in blocks:
            block = sp.csr_matrix(block)
            block.sort_indices()
            counts = block.data.astype(np.int64)
            rows = np.repeat(
                np.arange(n_docs + 1, n_docs + 1 + block.shape[0]), np.diff(block.indptr)
            )
            terms = block.indices.astype(np.int64) + 1
            widths = sum(
                np.searchsorted(_POWERS_OF_TEN, x, side="right") + 1 for x in (rows, terms, counts)
            )
            ends = np.cumsum(widths + 3)
            line_ends = np.concatenate([[0], ends])[block.indptr]
            offsets.extend((out.tell() + line_ends[:-1]).tolist())
            empty.extend((np.diff(block.indptr) == 0).tolist())
            out.write(
                "".join(
                    [
                        f"{row} {term} {count}\n"
                        for row, term, count in zip(
                            rows.tolist(), terms.tolist(), counts.tolist(), strict=True
                        )
                    ]
                ).encode("ascii")
            )
            n_docs += block.shape[0]
            n_entries += len(counts)
            n_terms = max(n_terms, int(terms.max(initial=0)))
        out.seek(len(MATRIX_MARKET_HEADER))
        out.write(b"%i %i %i" % (n_docs, n_terms, n_entries))
        for position in range(n_docs - 1):
            if empty[position]:
                offsets[position] = -1
        with open(temporary_index, "wb") as index_file:
            # gensim's pickle protocol (gensim.utils.PICKLE_PROTOCOL).
            pickle.dump(offsets, index_file, protocol=4)
    return n_entries


#: Corpora with at most this many (document, term) entries are read into memory by
#: :func:`load_bow` (8 bytes an entry once read, 160 MB at most; 32 bytes an entry for a
#: moment while scipy reads the file, 640 MB at most; SaudiNewsNet's 31,030 articles have
#: 4.0 million); larger ones are streamed from disk.
MAX_IN_MEMORY_ENTRIES = 20_000_000


class BowCorpus:
    """A bag-of-words corpus held in memory (a documents-by-terms sparse matrix) and read as
    gensim reads a corpus: each document a list of ``(term id, count)`` pairs in term order.

    Written here, not gensim's ``matutils.Sparse2Corpus``, because that yields numpy scalars
    where ``MmCorpus`` yields Python ``int`` and ``float``: this class yields exactly what
    ``MmCorpus`` yields from the same file, so every engine fits the same model, and a pass
    over it takes a fifth of ``MmCorpus``'s (the fits pass over the corpus up to 20 times).

    Parameters
    ----------
    matrix : sparse matrix
        Documents by terms, the counts.
    """

    def __init__(self, matrix: sp.spmatrix):
        self.matrix = sp.csr_matrix(matrix)
        # Whole counts are exact in float32, half the memory of float64.
        self.matrix.data = self.matrix.data.astype(np.float32)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def _bag(self, start: int, end: int) -> list[tuple[int, float]]:
        matrix = self.matrix
        terms, counts = matrix.indices[start:end].tolist(), matrix.data[start:end].tolist()
        return list(zip(terms, counts, strict=True))

    def __iter__(self) -> Iterator[list[tuple[int, float]]]:
        bounds = self.matrix.indptr.tolist()
        for start, end in itertools.pairwise(bounds):
            yield self._bag(start, end)

    def array_bags(self) -> _ArrayBags:
        """The same documents as :class:`ArrayBag` (views of the matrix, no list per
        document), for :func:`array_inference`."""
        return _ArrayBags(self.matrix)

    def __getitem__(self, key: int | Sequence[int]) -> list[tuple[int, float]] | BowCorpus:
        """One document's bag of words (an integer ``key``), or those of the documents at
        the positions ``key`` as a new corpus."""
        if isinstance(key, numbers.Integral):
            position = range(len(self))[key]
            return self._bag(self.matrix.indptr[position], self.matrix.indptr[position + 1])
        return BowCorpus(self.matrix[np.asarray(key, dtype=np.int64)])


class _ArrayBags:
    """A :class:`BowCorpus`'s documents as :class:`ArrayBag` (a corpus gensim's updates can
    read: a length, and each pass a new iterator)."""

    def __init__(self, matrix: sp.csr_matrix):
        self.matrix = matrix

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __iter__(self) -> Iterator[ArrayBag]:
        indices, data = self.matrix.indices, self.matrix.data
        for start, end in itertools.pairwise(self.matrix.indptr.tolist()):
            yield ArrayBag((indices[start:end], data[start:end]))


def load_bow(folder: str | Path) -> tuple[Dictionary, BowCorpus | MmCorpus, list[str]]:
    """The dictionary, the bag-of-words corpus and the document ids.

    The corpus is a :class:`BowCorpus` in memory (read from ``corpus_counts.npz``), or an
    ``MmCorpus`` streamed from ``corpus.mm`` when it has more than
    :data:`MAX_IN_MEMORY_ENTRIES` entries; both give the same bags (:func:`save_corpus`)."""
    import scipy.io
    from gensim.corpora import Dictionary, MmCorpus

    folder = Path(folder)
    dictionary = Dictionary.load_from_text(str(folder / "dictionary.txt"))
    path = folder / "corpus.mm"
    n_docs, _, n_entries = scipy.io.mminfo(path)[:3]
    if n_entries <= MAX_IN_MEMORY_ENTRIES and n_docs:
        with np.load(folder / "corpus_counts.npz") as stored:
            matrix = sp.csr_matrix(
                (stored["data"], stored["indices"], stored["indptr"]), shape=tuple(stored["shape"])
            )
        bow = BowCorpus(matrix)
    else:
        bow = MmCorpus(str(path))
    doc_ids = (folder / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    return dictionary, bow, doc_ids


def bow_matrix(folder: str | Path) -> sp.csr_matrix:
    """The bag-of-words corpus as a documents-by-terms count matrix."""
    dictionary, bow, _ = load_bow(folder)
    return _count_matrix(bow, len(dictionary))
