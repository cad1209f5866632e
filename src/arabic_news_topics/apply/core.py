"""Apply a trained model to new articles: :func:`load_bundle` and :class:`TopicBundle`.

The bundle holds everything a run learned that a new article needs (see
:func:`arabic_news_topics.apply.step.export_model`): the frozen normalizer, the dictionary,
the chosen engine's native model, the curation and names of its topics, the themes' terms,
and the TF-IDF weights and cluster centroids. ``transform`` takes texts and gives, per
article, its curated topic shares, dominant topic and theme with their scores, its nearest
cluster, and how much of it the model has never seen::

    from arabic_news_topics.apply import load_bundle
    bundle = load_bundle("results/10_model")
    table = bundle.transform(["نص المقال ..."])

Articles stream through in batches (:meth:`TopicBundle.transform_records`), so memory does
not grow with their number.
"""

from __future__ import annotations

import itertools
import json
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from gensim.corpora import Dictionary
from sklearn.preprocessing import normalize

from ..clusters import core as clusters
from ..normalize.core import Normalizer
from ..tfidf import core as tfidf
from ..tfidf.core import count_matrix
from ..themes import core as themes_core
from ..topics import curate, engines
from .bundle import check_bundle

#: Articles normalized and inferred together (a batch of :meth:`transform_records`).
BATCH_SIZE = 1000


def fitted_vectorizer(
    terms: Sequence[str],
    idf: np.ndarray,
    sublinear_tf: bool = True,
    ngram_range: Sequence[int] = (1, 1),
):
    """Stage 3's ``TfidfVectorizer`` (:func:`~arabic_news_topics.tfidf.core.build_vectorizer`)
    with the training's terms and IDF set, so that ``transform`` gives new documents their
    rows in the training's weights (terms the training never kept are left out)."""
    vectorizer = tfidf.build_vectorizer(sublinear_tf=sublinear_tf, ngram_range=ngram_range)
    vectorizer.vocabulary_ = {term: j for j, term in enumerate(terms)}
    # Without IDF (tfidf.use_idf: false) the weights are ones: the same rows.
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


def bags_of_words(counts: sp.csr_matrix) -> list[list[tuple[int, int]]]:
    """Each row of a count matrix as gensim's bag of words, ``[(term id, count), ...]``."""
    indices, data, pointers = counts.indices.tolist(), counts.data.tolist(), counts.indptr
    return [
        list(zip(indices[start:end], data[start:end], strict=True))
        for start, end in zip(pointers[:-1].tolist(), pointers[1:].tolist(), strict=True)
    ]


@dataclass
class TopicBundle:
    """A trained model, loaded from its bundle by :func:`load_bundle`."""

    folder: Path
    manifest: dict
    normalizer: Normalizer
    dictionary: Dictionary
    model: engines.TopicModel
    raw_phi: np.ndarray
    phi: np.ndarray
    vocabulary: list[str]
    topics: dict
    themes: dict
    tfidf: dict
    training_theta: np.ndarray

    @property
    def num_topics(self) -> int:
        """Topics after curation (``topics.merge``, ``topics.drop``)."""
        return self.phi.shape[0]

    @property
    def labels(self) -> list[str]:
        """Each curated topic's name (``topics.labels`` or its top words)."""
        return list(self.topics["labels"])

    def _cluster_features(self, token_lists: list[list[str]], raw_theta: np.ndarray):
        """The documents in the space stage 5 clustered in (``cluster.features``; for
        ``dmm``, the ``lsa`` space in which it stored the clusters' centroids and axes)."""
        weights = self.tfidf
        if weights["features"] == "topics":
            return clusters.topic_features(raw_theta)
        vectorizer = weights[
            "vectorizer_no_idf" if weights["features"] == "lsa_no_idf" else "vectorizer"
        ]
        rows = vectorizer.transform([" ".join(t) for t in token_lists])
        if weights["projection"].size == 0:
            return rows if weights["features"] == "tfidf" else rows.toarray()
        return normalize(np.asarray(rows @ weights["projection"].T, dtype=np.float64))

    def _topic_shares(self, bags: list[list[tuple[int, int]]]) -> np.ndarray:
        if self.model.engine == "gensim":
            # gensim draws the starting values of inference from the model's random state:
            # the same state for every batch, so the same articles give the same shares.
            self.model.model.random_state = np.random.RandomState(self.topics["random_state"])
            # The fits' lda.gamma_threshold stops inference early to save time; new articles
            # are inferred to gensim's own tolerance, so that an article's shares do not
            # depend on the batch it comes in (the start values do).
            self.model.model.gamma_threshold = min(
                self.model.model.gamma_threshold, engines.GENSIM_GAMMA_THRESHOLD
            )
        # OpenBLAS's float32 kernels can raise the "invalid value" flag in gensim's
        # inference on finite numbers (seen on AVX-512 machines, with finite results equal
        # to training's); the flag is silenced and the result checked instead.
        with np.errstate(invalid="ignore"):
            theta = self.model.transform(bags)
        if not np.isfinite(theta).all():
            raise FloatingPointError(f"{self.model.engine} gave topic shares that are not finite")
        curated = curate.curate(theta, self.raw_phi, self.topics["merge"], self.topics["drop"])
        return theta, curated.theta

    def tokenize(self, records: Iterable[Mapping]) -> Iterator[tuple[str, list[str], int, int]]:
        """``(doc_id, tokens, unseen, forms)`` per record (``doc_id``, ``text``, optionally
        ``source``), lazily: the tokens training would have given the same text (listed
        expressions and learned collocations joined), with ``unseen`` of its ``forms`` new
        to the normalizer (:meth:`~arabic_news_topics.normalize.core.Normalizer.transform`)."""
        return iter(self.normalizer.transform(records))

    def _batch(self, records: Sequence[Mapping]) -> pd.DataFrame:
        normalized = list(self.tokenize(records))
        doc_ids = [doc_id for doc_id, _, _, _ in normalized]
        token_lists = [tokens for _, tokens, _, _ in normalized]
        counts = count_matrix(token_lists, self.dictionary.token2id, len(self.vocabulary))
        bags = bags_of_words(counts)
        known = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
        lengths = np.array([len(t) for t in token_lists], dtype=np.float64)
        raw_theta, theta = self._topic_shares(bags)
        frame = pd.DataFrame({"doc_id": doc_ids, "tokens": lengths.astype(int)})
        # The drift signals: the share of the article's words the normalizer never saw, and
        # of its normalized tokens the model's dictionary does not hold.
        frame["unseen_forms"] = [unseen / max(forms, 1) for _, _, unseen, forms in normalized]
        frame["out_of_vocabulary"] = np.where(lengths > 0, 1 - known / np.maximum(lengths, 1), 1)
        for k in range(self.num_topics):
            frame[f"topic_{k + 1}"] = theta[:, k]
        best = theta.argmax(axis=1)
        frame["dominant_topic"] = best + 1
        frame["topic_label"] = [self.labels[k] for k in best]
        frame["topic_share"] = theta[np.arange(len(best)), best]
        frame.loc[known == 0, ["dominant_topic", "topic_label", "topic_share"]] = [0, "", 0.0]
        scores = themes_core.document_theme_scores(
            doc_ids,
            counts.astype(np.float64),
            theta,
            self.phi,
            self.vocabulary,
            self.themes["terms"],
            self.themes["topic_weight"],
            self.themes["min_score"],
        )
        for name in self.themes["terms"]:
            frame[f"theme_{name}"] = scores[name].to_numpy()
        frame["dominant_theme"] = scores["dominant_theme"].to_numpy()
        features = self._cluster_features(token_lists, raw_theta)
        nearest = self._clusters(token_lists, features)
        frame["cluster"] = np.asarray(self.tfidf["cluster_ids"])[nearest]
        frame["cluster_similarity"] = clusters.centroid_similarity(
            features, self.tfidf["centroids"], nearest
        )
        return frame

    def _clusters(self, token_lists: list[list[str]], features) -> np.ndarray:
        """Each document's cluster (positions in the centroids) as stage 5 assigned its own:
        by the refinement's multinomial mixture on the word counts where stage 5 refined
        its clusters (``cluster.refine_iterations``), otherwise by the nearest centroid in
        its feature space."""
        weights = self.tfidf
        if weights["log_words"].size == 0:
            return clusters.nearest_clusters(features, weights["centroids"])[0]
        counts = tfidf.term_counts(token_lists, weights["term_index"], weights["ngram_range"])
        return clusters.mixture_clusters(counts, weights["log_words"], weights["log_shares"])

    def transform_records(
        self, records: Iterable[Mapping], batch_size: int = BATCH_SIZE
    ) -> Iterator[pd.DataFrame]:
        """One table per batch of ``batch_size`` records (``doc_id``, ``text`` and, for the
        boilerplate lines of a known outlet, ``source``), lazily: see :meth:`transform`."""
        iterator = iter(records)
        while batch := list(itertools.islice(iterator, batch_size)):
            yield self._batch(batch)

    def transform(self, texts: Iterable[str] | Iterable[Mapping], doc_ids=None) -> pd.DataFrame:
        """Per article: ``doc_id``, ``tokens``, the drift signals ``unseen_forms`` (share of
        its words the corpus never had) and ``out_of_vocabulary`` (share of its tokens the
        model's dictionary lacks), ``topic_1`` … ``topic_K`` (curated shares),
        ``dominant_topic``, ``topic_label``, ``topic_share``, ``theme_<name>`` scores,
        ``dominant_theme``, the ``cluster`` as stage 5 assigned its documents (by its
        refinement's mixture on the word counts, or the nearest centroid in its feature
        space) and ``cluster_similarity`` (cosine with that cluster's centroid). ``texts``:
        strings, or records with ``text`` (and ``doc_id``, ``source``)."""
        records = []
        for i, item in enumerate(texts):
            record = dict(item) if isinstance(item, Mapping) else {"text": str(item)}
            record.setdefault("doc_id", doc_ids[i] if doc_ids is not None else f"doc_{i + 1}")
            records.append(record)
        parts = list(self.transform_records(records))
        return pd.concat(parts, ignore_index=True) if parts else self._batch([])


def load_bundle(folder: str | Path, verify_checksums: bool = True) -> TopicBundle:
    """The bundle in ``folder`` (:func:`~arabic_news_topics.apply.step.export_model` writes
    it), checked first (:func:`~arabic_news_topics.apply.bundle.check_bundle`: a changed
    file or another version is refused). Its normalizer and scikit-learn models are pickles,
    which run code as they load: load bundles you trust, as with any pickled model."""
    folder = Path(folder)
    manifest = check_bundle(folder, verify_checksums)
    with (folder / "normalizer.pickle").open("rb") as stream:
        normalizer = pickle.load(stream)
    with (folder / "phrases.pickle").open("rb") as stream:
        normalizer.phrases = pickle.load(stream)  # learned collocations, or None
    dictionary = Dictionary.load_from_text(str(folder / "dictionary.txt"))
    topics = json.loads((folder / "topics.json").read_text(encoding="utf-8"))
    with np.load(folder / "topics.npz", allow_pickle=False) as stored:
        raw_phi, phi = stored["raw_phi"], stored["phi"]
        vocabulary = stored["vocabulary"].tolist()
        training_theta = stored["training_theta"].astype(np.float64)
    engine = engines.ENGINE_CLASSES[topics["engine"]]
    model = engine.load(folder / "model", vocabulary, int(topics["num_topics"]))
    themes = json.loads((folder / "themes.json").read_text(encoding="utf-8"))
    with np.load(folder / "clusters.npz", allow_pickle=False) as stored:
        stored_clusters = {name: stored[name] for name in stored.files}
    settings = json.loads((folder / "clusters.json").read_text(encoding="utf-8"))
    weights = {
        "vectorizer": fitted_vectorizer(
            stored_clusters["terms"].tolist(),
            stored_clusters["idf"],
            bool(settings["sublinear_tf"]),
            tuple(settings["ngram_range"]),
        ),
        "vectorizer_no_idf": fitted_vectorizer(
            stored_clusters["terms"].tolist(),
            np.ones(len(stored_clusters["terms"])),
            bool(settings["sublinear_tf"]),
            tuple(settings["ngram_range"]),
        ),
        "features": str(stored_clusters["features"]),
        "projection": stored_clusters["projection"],
        "centroids": stored_clusters["centroids"],
        "cluster_ids": stored_clusters["cluster_ids"],
        # The refinement's mixture (empty in bundles of clusters not refined).
        "log_words": stored_clusters.get("log_words", np.zeros((0, 0))),
        "log_shares": stored_clusters.get("log_shares", np.zeros(0)),
        "term_index": {term: i for i, term in enumerate(stored_clusters["terms"].tolist())},
        "ngram_range": tuple(settings["ngram_range"]),
    }
    return TopicBundle(
        folder=folder,
        manifest=manifest,
        normalizer=normalizer,
        dictionary=dictionary,
        model=model,
        raw_phi=raw_phi,
        phi=phi,
        vocabulary=vocabulary,
        topics=topics,
        themes=themes,
        tfidf=weights,
        training_theta=training_theta,
    )
