"""Stage 3: TF-IDF weights of the normalized tokens (scikit-learn)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def _split(text: str) -> list[str]:
    # str.split() without an argument: an empty document gives no token, not "".
    return text.split()


def build_vectorizer(
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
    ngram_range: Sequence[int] = (1, 1),
    sublinear_tf: bool = True,
) -> TfidfVectorizer:
    """A TfidfVectorizer for already tokenized text (tokens joined by single spaces).

    Tokens are neither lowercased nor re-tokenized: normalization is the previous stage's job.
    N-grams are joined by a space (``حلف شمال``).
    """
    return TfidfVectorizer(
        tokenizer=_split,
        token_pattern=None,
        lowercase=False,
        preprocessor=None,
        min_df=min_df,
        max_df=max_df,
        max_features=max_features,
        ngram_range=tuple(ngram_range),
        sublinear_tf=sublinear_tf,
        dtype=np.float64,
    )


def compute_tfidf(
    tokens: Sequence[tuple[str, list[str]]], **vectorizer_params
) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """Fit TF-IDF on token lists.

    Parameters
    ----------
    tokens : sequence of (doc_id, tokens)
        Normalized documents.
    **vectorizer_params
        ``min_df``, ``max_df``, ``max_features``, ``ngram_range``, ``sublinear_tf``.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        Documents by terms, rows L2-normalized.
    doc_ids : list of str
    terms : list of str
    """
    doc_ids = [doc_id for doc_id, _ in tokens]
    vectorizer = build_vectorizer(**vectorizer_params)
    try:
        matrix = vectorizer.fit_transform([" ".join(t) for _, t in tokens])
    except ValueError as error:
        raise ValueError(
            f"TF-IDF left no terms ({error}); lower tfidf.min_df or raise tfidf.max_df"
        ) from error
    return matrix.tocsr(), doc_ids, vectorizer.get_feature_names_out().tolist()


def top_terms_per_document(
    matrix: sp.csr_matrix, doc_ids: Sequence[str], terms: Sequence[str], top_n: int = 10
) -> pd.DataFrame:
    """The ``top_n`` highest-weighted terms of each document (ties broken by term)."""
    rows = []
    for i, doc_id in enumerate(doc_ids):
        row = matrix.getrow(i)
        order = sorted(zip(row.data, row.indices, strict=False), key=lambda x: (-x[0], terms[x[1]]))
        for rank, (weight, j) in enumerate(order[:top_n], start=1):
            rows.append({"doc_id": doc_id, "rank": rank, "term": terms[j], "weight": float(weight)})
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "weight"])


def cosine_similarity_table(matrix: sp.csr_matrix, doc_ids: Sequence[str]) -> pd.DataFrame:
    """Document-by-document cosine similarity (rows are already L2-normalized)."""
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, 1.0)
    frame = pd.DataFrame(similarity, columns=list(doc_ids))
    frame.insert(0, "doc_id", list(doc_ids))
    return frame


def save_matrix(
    matrix: sp.csr_matrix, doc_ids: Sequence[str], terms: Sequence[str], path: str
) -> None:
    """Save the matrix with its row and column labels in one ``.npz`` file."""
    sp.save_npz(path, matrix, compressed=True)
    with np.load(path, allow_pickle=False) as stored:
        arrays = dict(stored)
    arrays["doc_ids"] = np.array(doc_ids, dtype=str)
    arrays["terms"] = np.array(terms, dtype=str)
    np.savez_compressed(path, **arrays)


def load_matrix(path: str) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """Load what :func:`save_matrix` wrote."""
    matrix = sp.load_npz(path).tocsr()
    with np.load(path, allow_pickle=False) as stored:
        return matrix, stored["doc_ids"].tolist(), stored["terms"].tolist()
