"""Step of stage 3 (rule compute_tfidf): the TF-IDF matrix and its tables."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ..io import iter_tokens, write_table
from ..normalize.core import with_display
from ..normalize.step import read_display_forms
from . import core

LOGGER = logging.getLogger(__name__)


def compute_tfidf(
    tokens: str,
    params: Mapping,
    matrix: str,
    top_terms_csv: str,
    top_terms_md: str,
    similarity_csv: str,
    similarity_md: str,
    max_documents: int = 40,
    random_state: int = 42,
    top_n: int = 10,
    vocabulary_csv: str | None = None,
) -> None:
    """Fit TF-IDF; write the matrix, the top terms per document (with their display forms
    from ``vocabulary_csv``, stage 2's vocabulary table) and the cosine similarities of the
    documents the figure shows. The most similar documents of every document are
    :func:`find_similar_documents`, a job of their own: their cost grows with the square of
    the corpus, and no later stage waits for them."""
    weights, doc_ids, terms = core.compute_tfidf(iter_tokens(tokens), **params)
    core.save_matrix(weights, doc_ids, terms, matrix)
    LOGGER.info("TF-IDF matrix: %d documents x %d terms", *weights.shape)
    top_terms = core.top_terms_per_document(weights, doc_ids, terms, top_n)
    displays = read_display_forms(vocabulary_csv)
    write_table(with_display(top_terms, displays), top_terms_csv, top_terms_md)
    shown = core.sample_positions(len(doc_ids), max_documents, random_state)
    write_table(
        core.cosine_similarity_table(weights[shown], [doc_ids[i] for i in shown]),
        similarity_csv,
        similarity_md,
    )


def find_similar_documents(
    matrix: str,
    similar_csv: str,
    similar_md: str,
    n_similar: int = 10,
    threads: int = 1,
    exact_work: float = float("inf"),
    work_per_document: float = 50_000,
) -> None:
    """The ``n_similar`` most similar other documents of every document of ``matrix`` (a
    :func:`compute_tfidf` matrix), by cosine, computed on ``threads`` threads: exact while
    the work (:func:`core.similarity_work`) is at most ``exact_work``, otherwise approximate
    with ``work_per_document`` (:func:`core.similar_documents`)."""
    weights, doc_ids, _ = core.load_matrix(matrix)
    # similar_documents logs the work and whether it is within exact_work.
    table = core.similar_documents(
        weights,
        doc_ids,
        n_similar,
        n_threads=threads,
        exact_work=exact_work,
        work_per_document=work_per_document,
    )
    write_table(table, similar_csv, similar_md)
