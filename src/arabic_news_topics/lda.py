"""Stage 4: LDA topic models (gensim), their coherence, and the choice of the number of topics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from gensim.corpora import Dictionary, MmCorpus
from gensim.models import CoherenceModel, LdaModel

#: Coherence measures computed for every K (gensim names).
COHERENCE_MEASURES = ("c_v", "c_npmi")


def build_dictionary(
    token_lists: Sequence[list[str]],
    no_below: int = 1,
    no_above: float = 1.0,
    keep_n: int | None = None,
) -> Dictionary:
    """A gensim Dictionary of the corpus, filtered by document frequency.

    Parameters
    ----------
    token_lists : sequence of list of str
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


def fit_lda(
    bow: Sequence[list[tuple[int, int]]],
    dictionary: Dictionary,
    num_topics: int,
    random_state: int = 42,
    passes: int = 10,
    iterations: int = 400,
    alpha: str | float = "symmetric",
    eta: str | float | None = None,
    chunksize: int = 2000,
) -> LdaModel:
    """Fit a single-process gensim LdaModel, reproducible for a given ``random_state``.

    (gensim's LdaMulticore cannot be made reproducible with a seed, so it is not used.)
    """
    return LdaModel(
        corpus=bow,
        id2word=dictionary,
        num_topics=num_topics,
        random_state=random_state,
        passes=passes,
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


def topics_table(model: LdaModel, top_n: int = 10) -> pd.DataFrame:
    """Top terms of each topic: columns ``topic, rank, term, weight`` (topics numbered from 1)."""
    phi = topic_term_matrix(model)
    rows = []
    for k, row in enumerate(phi):
        order = sorted(range(len(row)), key=lambda j: (-row[j], model.id2word[j]))[:top_n]
        for rank, j in enumerate(order, start=1):
            rows.append(
                {"topic": k + 1, "rank": rank, "term": model.id2word[j], "weight": float(row[j])}
            )
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def doc_topics_table(model: LdaModel, bow: Sequence, doc_ids: Sequence[str]) -> pd.DataFrame:
    """Topic proportions of every document: ``doc_id`` then ``topic_1 .. topic_K``."""
    theta = np.zeros((len(doc_ids), model.num_topics))
    for i, doc in enumerate(bow):
        for k, p in model.get_document_topics(doc, minimum_probability=0.0):
            theta[i, k] = p
    frame = pd.DataFrame(theta, columns=[f"topic_{k + 1}" for k in range(model.num_topics)])
    frame.insert(0, "doc_id", list(doc_ids))
    return frame


def coherence_scores(
    model: LdaModel,
    token_lists: Sequence[list[str]],
    dictionary: Dictionary,
    top_n: int = 10,
    processes: int = 1,
) -> dict[str, float]:
    """c_v and NPMI coherence of the model's topics, on the same tokens it was fitted on."""
    scores = {}
    for measure in COHERENCE_MEASURES:
        cm = CoherenceModel(
            model=model,
            texts=token_lists,
            dictionary=dictionary,
            coherence=measure,
            topn=top_n,
            processes=processes,
        )
        value = cm.get_coherence()
        scores[measure] = float(value) if np.isfinite(value) else float("nan")
    return scores


def choose_num_topics(coherence: pd.DataFrame, measure: str = "c_npmi") -> int:
    """The K with the best coherence by ``measure``; ties (and NaNs) go to the smaller K."""
    frame = coherence.sort_values("num_topics")
    values = frame[measure].fillna(-np.inf).to_numpy()
    return int(frame["num_topics"].to_numpy()[int(np.argmax(values))])


def save_bow(dictionary: Dictionary, bow: Sequence, doc_ids: Sequence[str], folder: str | Path):
    """Write the dictionary (text), the bag-of-words corpus (Matrix Market) and document ids."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dictionary.save_as_text(str(folder / "dictionary.txt"))
    MmCorpus.serialize(str(folder / "corpus.mm"), bow)
    (folder / "doc_ids.txt").write_text("".join(f"{d}\n" for d in doc_ids), encoding="utf-8")


def load_bow(folder: str | Path) -> tuple[Dictionary, list[list[tuple[int, int]]], list[str]]:
    """Read what :func:`save_bow` wrote."""
    folder = Path(folder)
    dictionary = Dictionary.load_from_text(str(folder / "dictionary.txt"))
    bow = [[(int(i), int(c)) for i, c in doc] for doc in MmCorpus(str(folder / "corpus.mm"))]
    doc_ids = (folder / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    return dictionary, bow, doc_ids
