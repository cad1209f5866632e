"""Stage 3: TF-IDF weights of the normalized tokens (scikit-learn)."""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..io import write_npz

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

LOGGER = logging.getLogger(__name__)


def _split(text: str) -> list[str]:
    # str.split() without an argument: an empty document gives no token, not "".
    return text.split()


#: How stage 3's vectorizers read a document: tokens already normalized, joined by single
#: spaces, neither lowercased nor re-tokenized.
TEXT_OPTIONS = {
    "tokenizer": _split,
    "token_pattern": None,
    "lowercase": False,
    "preprocessor": None,
}


def build_vectorizer(
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
    ngram_range: Sequence[int] = (1, 1),
    sublinear_tf: bool = True,
    use_idf: bool = True,
) -> TfidfVectorizer:
    """A TfidfVectorizer for already tokenized text (tokens joined by single spaces).

    Tokens are neither lowercased nor re-tokenized: normalization is the previous stage's job.
    N-grams are joined by a space (``حلف شمال``).
    """
    # Imported here: the figures of this stage, which import this module, need no
    # scikit-learn (a plot job starts about a second sooner).
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        **TEXT_OPTIONS,
        min_df=min_df,
        max_df=max_df,
        max_features=max_features,
        ngram_range=tuple(ngram_range),
        sublinear_tf=sublinear_tf,
        use_idf=use_idf,
        dtype=np.float64,
    )


def compute_tfidf(
    tokens: Iterable[tuple[str, list[str]]], **vectorizer_params
) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """Fit TF-IDF on token lists.

    Parameters
    ----------
    tokens : iterable of (doc_id, tokens)
        Normalized documents, read once (a generator is fine).
    **vectorizer_params
        ``min_df``, ``max_df``, ``max_features``, ``ngram_range``, ``sublinear_tf``,
        ``use_idf``.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        Documents by terms, rows L2-normalized.
    doc_ids : list of str
    terms : list of str
    """
    doc_ids: list[str] = []

    def texts() -> Iterator[str]:
        for doc_id, document in tokens:
            doc_ids.append(doc_id)
            yield " ".join(document)

    vectorizer = build_vectorizer(**vectorizer_params)
    try:
        matrix = vectorizer.fit_transform(texts())
    except ValueError as error:
        raise ValueError(
            f"TF-IDF left no terms ({error}); lower tfidf.min_df or raise tfidf.max_df"
        ) from error
    return matrix.tocsr(), doc_ids, vectorizer.get_feature_names_out().tolist()


def count_matrix(
    token_lists: Sequence[Sequence[str]], token2id: Mapping[str, int], num_terms: int
) -> sp.csr_matrix:
    """Documents by terms: how often each document has each term of ``token2id`` (tokens
    outside it are left out), with sorted column indices. One array pass for a whole batch
    rather than gensim's ``doc2bow`` document by document (a fifth of apply's time)."""
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    tokens = itertools.chain.from_iterable(token_lists)
    ids = np.fromiter(
        map(token2id.get, tokens, itertools.repeat(-1)),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    known = ids >= 0
    matrix = sp.csr_matrix(
        (np.ones(int(known.sum()), dtype=np.int64), (rows[known], ids[known])),
        shape=(len(token_lists), num_terms),
    )
    matrix.sum_duplicates()  # also sorts the indices, as doc2bow sorts a bag
    return matrix


def term_counts(
    documents: Iterable[Sequence[str]],
    terms: Sequence[str] | Mapping[str, int],
    ngram_range: Sequence[int] = (1, 1),
) -> sp.csr_matrix:
    """How often each of ``terms`` (the TF-IDF matrix's, n-grams joined by a space; or a
    mapping of each term to its column, built once by a caller that counts many batches)
    occurs in each document of token lists: documents by terms, in the order of both."""
    from sklearn.feature_extraction.text import CountVectorizer

    index = terms if isinstance(terms, Mapping) else {t: i for i, t in enumerate(terms)}
    documents = list(documents)
    if tuple(ngram_range) == (1, 1):
        return count_matrix(documents, index, len(index)).astype(np.float64)
    # Word pairs and longer: scikit-learn forms the n-grams as stage 3's vectorizer did.
    vectorizer = CountVectorizer(
        **TEXT_OPTIONS, ngram_range=tuple(ngram_range), vocabulary=index, dtype=np.float64
    )
    return vectorizer.transform(" ".join(tokens) for tokens in documents).tocsr()


def top_terms_per_document(
    matrix: sp.csr_matrix, doc_ids: Sequence[str], terms: Sequence[str], top_n: int = 10
) -> pd.DataFrame:
    """The ``top_n`` highest-weighted terms of each document (ties broken by term)."""
    matrix = sp.csr_matrix(matrix)
    matrix.sum_duplicates()
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    term_order = np.argsort(np.argsort(np.asarray(terms, dtype=str), kind="stable"))
    order = np.lexsort((term_order[matrix.indices], -matrix.data, rows))
    rank = np.arange(len(order)) - matrix.indptr[rows[order]]
    keep = order[rank < top_n]
    return pd.DataFrame(
        {
            "doc_id": np.asarray(doc_ids, dtype=object)[rows[keep]],
            "rank": rank[rank < top_n] + 1,
            "term": np.asarray(terms, dtype=object)[matrix.indices[keep]],
            "weight": matrix.data[keep].astype(float),
        },
        columns=["doc_id", "rank", "term", "weight"],
    )


def sample_positions(n_documents: int, max_documents: int, random_state: int) -> np.ndarray:
    """Positions of the documents shown in per-document figures, in corpus order.

    All of them when there are at most ``max_documents``; otherwise the same reproducible
    sample that the figures draw from their tables (``style.sample_rows``: pandas ``sample``
    with ``random_state``), so that every per-document figure shows the same documents.
    """
    positions = pd.RangeIndex(n_documents).to_series()
    if n_documents <= max_documents:
        return positions.to_numpy()
    return np.sort(positions.sample(n=max_documents, random_state=random_state).to_numpy())


def cosine_similarity_table(matrix: sp.csr_matrix, doc_ids: Sequence[str]) -> pd.DataFrame:
    """Document-by-document cosine similarity (rows are already L2-normalized).

    Dense: meant for the few documents of a figure (:func:`sample_positions`); use
    :func:`similar_documents` for a whole corpus.
    """
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, 1.0)
    frame = pd.DataFrame(similarity, columns=list(doc_ids))
    frame.insert(0, "doc_id", list(doc_ids))
    return frame


#: Candidates per listed neighbour when the most similar documents are approximate: on
#: SaudiNewsNet (budget 15,000 per document) 3 found 0.86 of the exact neighbours, 10 found
#: 0.94, 30 found 0.97 at 2.4 times the time of 10 (docs/performance.md, Scaling).
CANDIDATES_PER_NEIGHBOUR = 10
#: Cells of the dense similarity block computed at once by :func:`similar_documents`
#: (8 bytes each, plus the sparse product they come from).
SIMILARITY_BLOCK_CELLS = 4_000_000
#: Candidates beyond ``n_similar`` + 1 (the document itself) that the top-n product keeps,
#: so that a row whose last kept value still ties its n-th neighbour is rare.
_TIE_MARGIN = 4


def _exact_candidates(
    matrix: sp.csr_matrix,
    transposed: sp.csr_matrix,
    positions: np.ndarray,
    n_keep: int,
    block_cells: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, similarities) of every other document at or above each row's
    ``n_keep``-th largest similarity (ties included), for the rows at ``positions``, from
    dense blocks of the sparse product."""
    n_docs = matrix.shape[0]
    block = max(1, block_cells // max(n_docs, 1))
    found_rows, found_cols, found_values = [], [], []
    for begin in range(0, len(positions), block):
        rows_here = positions[begin : begin + block]
        values = (matrix[rows_here] @ transposed).toarray()
        values[np.arange(len(rows_here)), rows_here] = -np.inf
        # The n_keep-th largest value of each row: every candidate is at or above it.
        cut = np.partition(values, n_docs - n_keep, axis=1)[:, n_docs - n_keep]
        rows, cols = np.nonzero((values >= cut[:, None]) & (values > 0))
        found_rows.append(rows_here[rows])
        found_cols.append(cols)
        found_values.append(values[rows, cols])
    empty = [np.zeros(0, dtype=np.int64)] * 2 + [np.zeros(0)]
    return tuple(
        np.concatenate(parts) if parts else default
        for parts, default in zip((found_rows, found_cols, found_values), empty, strict=True)
    )


def document_frequencies(matrix: sp.csr_matrix) -> np.ndarray:
    """The documents each term occurs in: the non-zero entries of its column (an occurring
    term's TF-IDF weight is never 0, as IDF is at least 1)."""
    matrix = sp.csr_matrix(matrix)
    return np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.int64)


def smooth_idf(matrix: sp.csr_matrix, use_idf: bool = True) -> np.ndarray:
    """scikit-learn's smoothed IDF, ``ln((1 + n) / (1 + df)) + 1``, recovered from a TF-IDF
    matrix (:func:`document_frequencies`); ones without IDF."""
    if not use_idf:
        return np.ones(matrix.shape[1])
    return np.log((1 + matrix.shape[0]) / (1 + document_frequencies(matrix))) + 1.0


def similarity_work(matrix: sp.csr_matrix) -> int:
    """Products of term weights the exact similar documents take: the sum over terms of
    their document frequency squared (each pair of documents that share a term, once per
    shared term). It grows with the square of the number of documents."""
    frequencies = document_frequencies(matrix)
    return int(np.dot(frequencies, frequencies))


def rare_term_mask(frequencies: np.ndarray, budget: float) -> np.ndarray:
    """The terms of lowest document frequency whose pair products (``df ** 2`` each, see
    :func:`similarity_work`) sum to at most ``budget``: every term up to the largest document
    frequency that fits, so the choice does not depend on the order of the vocabulary."""
    frequencies = np.asarray(frequencies, dtype=np.int64)
    levels, counts = np.unique(frequencies[frequencies > 0], return_counts=True)
    cumulative = np.cumsum(levels.astype(np.float64) ** 2 * counts)
    n_levels = int(np.searchsorted(cumulative, budget, side="right"))
    if n_levels == 0:
        return np.zeros(len(frequencies), dtype=bool)
    return (frequencies > 0) & (frequencies <= levels[n_levels - 1])


def pair_similarities(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The dot product of rows ``rows[i]`` and ``cols[i]`` of ``matrix`` for every ``i`` (the
    cosine, as rows are L2-normalized): the work is the pairs' non-zero entries, not the
    square of the corpus, and no row is copied (:func:`.pairs.pair_dots`, compiled: why
    there). Pairs of one row are fastest side by side."""
    # Imported here: numba takes a quarter of a second, and only the approximate method
    # rescores pairs.
    from .pairs import pair_dots

    matrix = sp.csr_matrix(matrix)
    if not matrix.has_canonical_format:  # a term twice in a row would be spread once
        matrix = matrix.copy()
        matrix.sum_duplicates()
    return pair_dots(
        matrix.indptr,
        matrix.indices,
        np.asarray(matrix.data, dtype=np.float64),
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        matrix.shape[1],
    )


def _top_n_candidates(
    matrix: sp.csr_matrix, n_keep: int, n_threads: int, block_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, similarities) of every row's ``n_keep`` most similar other rows, with
    every row tied with the last one, from the top-n sparse product (exact)."""
    from sparse_dot_topn import sp_matmul_topn

    n_docs = matrix.shape[0]
    transposed = matrix.T.tocsr()
    top_n = min(n_docs, n_keep + 1 + _TIE_MARGIN)
    top = sp_matmul_topn(matrix, transposed, top_n=top_n, threshold=0.0, n_threads=n_threads)
    top = sp.csr_matrix(top)
    lengths = np.diff(top.indptr)
    rows = np.repeat(np.arange(n_docs), lengths)
    cols, values = top.indices.astype(np.int64), top.data
    others = cols != rows
    # The n_keep-th largest similarity to another document, and the smallest kept value.
    doubtful = []
    for row in np.flatnonzero(lengths == top_n):
        kept = values[top.indptr[row] : top.indptr[row + 1]]
        other = np.sort(kept[others[top.indptr[row] : top.indptr[row + 1]]])[::-1]
        if len(other) < n_keep or kept.min() >= other[n_keep - 1]:
            doubtful.append(row)
    keep = others & ~np.isin(rows, doubtful)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    if doubtful:
        extra = _exact_candidates(matrix, transposed, np.array(doubtful), n_keep, block_cells)
        rows, cols, values = (
            np.concatenate([a, b]) for a, b in zip((rows, cols, values), extra, strict=True)
        )
    return rows, cols, values


#: Candidate pairs :func:`_rare_term_candidates` holds at once (24 bytes each, and the
#: weights gathered to rescore them), whatever the size of the corpus.
CANDIDATE_BLOCK_PAIRS = 2_000_000


def _best_per_row(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``n_keep`` largest values (ties to the smaller column), sorted by row and
    rank, and their ranks (0 for the largest)."""
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
    keep = rank < n_keep
    return rows[keep], cols[keep], values[keep], rank[keep]


def rarest_term_order(matrix: sp.csr_matrix, frequencies: np.ndarray) -> np.ndarray:
    """The rows of ``matrix`` sorted by their rarest term (lowest of ``frequencies``, the
    document frequency of each column, then the lowest column; rows without a term last),
    ties in row order.

    Documents that share a rare term end up side by side, so the top-n product of
    :func:`_rare_term_candidates` reads memory that is close: with the rows in this order it
    took 0.69 times the time at 299,297 documents and grew with an exponent of 1.09 instead
    of 1.31 from half that corpus (docs/performance.md, "The rows in the order of their
    rarest term"). The candidates found are the same but for ties.
    """
    matrix = sp.csr_matrix(matrix)
    n_rows, n_cols = matrix.shape
    # Columns ranked by (frequency, column): a row's key is the least rank among its terms.
    column_rank = np.empty(n_cols, dtype=np.int64)
    column_rank[np.lexsort((np.arange(n_cols), np.asarray(frequencies)))] = np.arange(n_cols)
    rank = np.full(n_rows, n_cols, dtype=np.int64)  # rows without a term: after every column
    filled = np.flatnonzero(np.diff(matrix.indptr))
    if len(filled):
        rank[filled] = np.minimum.reduceat(column_rank[matrix.indices], matrix.indptr[filled])
    return np.argsort(rank, kind="stable")


def _rare_term_candidates(
    matrix: sp.csr_matrix,
    n_keep: int,
    n_candidates: int,
    budget: float,
    n_threads: int,
    block_cells: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, exact similarities) of each row's ``n_keep`` most similar rows among
    its ``n_candidates`` most similar by the terms of :func:`rare_term_mask` alone, rescored
    on all terms; rows with fewer than ``n_keep`` such candidates are compared with every
    row. Rows go in blocks of :data:`CANDIDATE_BLOCK_PAIRS` candidate pairs."""
    from sparse_dot_topn import sp_matmul_topn

    from .pairs import best_in_groups

    n_docs = matrix.shape[0]
    frequencies = document_frequencies(matrix)
    rare = rare_term_mask(frequencies, budget)
    # The rows in the order of their rarest term (see rarest_term_order); positions in that
    # order are mapped back to the documents' own before ties are broken.
    pruned = sp.csr_matrix(matrix[:, np.flatnonzero(rare)])
    order = rarest_term_order(pruned, frequencies[rare])
    pruned = pruned[order]
    pruned_transposed = pruned.T.tocsr()
    # The product gives the rare terms' part of each candidate's cosine; the common terms'
    # part is added pair by pair (fewer weights to gather than all the terms).
    common = sp.csr_matrix(matrix[:, np.flatnonzero(~rare)])[order]
    # scipy does not mark the indexed matrix canonical; once here, not in every block.
    common.sum_duplicates()
    parts, short, n_pairs = [], [], 0
    block = max(1, CANDIDATE_BLOCK_PAIRS // (n_candidates + 1))
    for begin in range(0, n_docs, block):
        top = sp_matmul_topn(
            pruned[begin : begin + block],
            pruned_transposed,
            top_n=min(n_docs, n_candidates + 1),
            threshold=0.0,
            n_threads=n_threads,
        )
        top = sp.csr_matrix(top)
        lengths = np.diff(top.indptr)
        rows = begin + np.repeat(np.arange(len(lengths)), lengths)
        cols = top.indices.astype(np.int64)
        others = cols != rows
        rows, cols = rows[others], cols[others]
        values = top.data[others] + pair_similarities(common, rows, cols)
        n_pairs += len(rows)
        found = np.bincount(rows - begin, minlength=len(lengths))
        short.append(order[begin + np.flatnonzero(found < n_keep)])
        # Each row's pairs are side by side: its best are kept in one compiled read (ties to
        # the smaller document, as _best_per_row), not by sorting every pair (12.8 s at
        # 299,297 documents; docs/performance.md).
        cols = order[cols]
        bounds = np.concatenate([[0], np.cumsum(found)])
        keep, _ = best_in_groups(bounds, cols, values, n_keep)
        parts.append((order[rows[keep]], cols[keep], values[keep]))
    short = np.concatenate(short)
    rows, cols, values = (np.concatenate(part) for part in zip(*parts, strict=True))
    if len(short):
        keep = ~np.isin(rows, short)
        extra = _exact_candidates(matrix, matrix.T.tocsr(), short, n_keep, block_cells)
        rows, cols, values = (
            np.concatenate([a[keep], b]) for a, b in zip((rows, cols, values), extra, strict=True)
        )
    LOGGER.info(
        "Approximate: candidates from the %d terms in at most %d documents (%.1f %% of the "
        "weights), %d candidate pairs rescored on all terms, %d document(s) with fewer than "
        "%d candidates compared with every document",
        rare.sum(),
        frequencies[rare].max() if rare.any() else 0,
        100 * pruned.nnz / max(matrix.nnz, 1),
        n_pairs,
        len(short),
        n_keep,
    )
    return rows, cols, values


def similar_documents(
    matrix: sp.csr_matrix,
    doc_ids: Sequence[str],
    n_similar: int = 10,
    block_cells: int = SIMILARITY_BLOCK_CELLS,
    n_threads: int = 1,
    exact_work: float = math.inf,
    work_per_document: float = 50_000,
    n_candidates: int | None = None,
) -> pd.DataFrame:
    """The ``n_similar`` most similar other documents of every document, by cosine.

    Columns ``doc_id, rank, similar_doc_id, similarity``; only documents that share a term
    (similarity above zero); ties go to the earlier document. ``n_threads`` threads share
    the top-n products' rows; the table does not depend on them.

    **Exact** while :func:`similarity_work` is at most ``exact_work`` (always, by default).
    The candidates come from ``sparse_dot_topn``'s top-n sparse product (one pass in C++,
    memory of the kept values only). A row whose last kept candidate still equals its n-th
    neighbour's similarity may have tied documents the top-n product left out; such rows
    are computed again exactly from the sparse product in blocks of at most ``block_cells``
    cells. The work grows with the square of the corpus: every pair of documents that share
    a term is compared.

    **Approximate** above it, a fixed number of operations per document: each document's
    ``n_candidates`` (default :data:`CANDIDATES_PER_NEIGHBOUR` times ``n_similar``) most
    similar documents by the rarest terms alone, as many terms as ``work_per_document``
    products per document allow (:func:`rare_term_mask`), rescored on all terms. Every
    similarity in the table is exact; a neighbour that shares few rare terms with a
    document can be missed. The rows go through the product in the order of their rarest
    term (:func:`rarest_term_order`), so that those operations read memory that is close:
    its time then grew with an exponent of 1.15 from 150,000 to 299,297 documents (1.38 in
    the documents' own order; docs/performance.md).
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    n_docs = matrix.shape[0]
    n_keep = min(n_similar, n_docs - 1)
    work = similarity_work(matrix)
    exact = work <= exact_work
    LOGGER.info(
        "Most similar documents of %d documents on %d thread(s): the exact work is %.3g "
        "products of term weights, %s similar_documents_exact_work (%.3g), so %s",
        n_docs,
        n_threads,
        work,
        "within" if exact else "above",
        exact_work,
        "exact" if exact else f"approximate, {work_per_document:.3g} products per document",
    )
    if n_keep <= 0:
        rows = cols = np.zeros(0, dtype=np.int64)
        values = np.zeros(0)
    elif exact:
        rows, cols, values = _top_n_candidates(matrix, n_keep, n_threads, block_cells)
    else:
        rows, cols, values = _rare_term_candidates(
            matrix,
            n_keep,
            n_candidates or CANDIDATES_PER_NEIGHBOUR * n_keep,
            work_per_document * n_docs,
            n_threads,
            block_cells,
        )
    rows, cols, values, rank = _best_per_row(rows, cols, values, n_keep)
    keep = values > 0
    ids = np.asarray(doc_ids, dtype=object)
    return pd.DataFrame(
        {
            "doc_id": ids[rows[keep]],
            "rank": rank[keep] + 1,
            "similar_doc_id": ids[cols[keep]],
            "similarity": values[keep],
        },
        columns=["doc_id", "rank", "similar_doc_id", "similarity"],
    )


def save_matrix(
    matrix: sp.csr_matrix, doc_ids: Sequence[str], terms: Sequence[str], path: str
) -> None:
    """Save the matrix with its row and column labels in one ``.npz`` file.

    The arrays ``scipy.sparse.save_npz`` writes (so ``scipy.sparse.load_npz`` reads it), plus
    ``doc_ids`` and ``terms``, compressed in one pass (:func:`io.write_npz`: the same bytes
    on a rerun, zlib's fastest level).
    """
    matrix = sp.csr_matrix(matrix)
    write_npz(
        path,
        indices=matrix.indices,
        indptr=matrix.indptr,
        format=np.array(matrix.format.encode("ascii")),
        shape=np.array(matrix.shape),
        data=matrix.data,
        doc_ids=np.array(doc_ids, dtype=str),
        terms=np.array(terms, dtype=str),
    )


def count_documents(path: str) -> int:
    """Documents (rows) of a matrix :func:`save_matrix` wrote, without loading the matrix."""
    with np.load(path, allow_pickle=False) as stored:
        return len(stored["doc_ids"])


def load_matrix(path: str) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """Load what :func:`save_matrix` wrote."""
    matrix = sp.load_npz(path).tocsr()
    with np.load(path, allow_pickle=False) as stored:
        return matrix, stored["doc_ids"].tolist(), stored["terms"].tolist()
