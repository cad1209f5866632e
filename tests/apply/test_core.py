"""Applying a model without the workflow (arabic_news_topics.apply.core)."""

from __future__ import annotations

import numpy as np
import pytest

from arabic_news_topics.apply import core
from arabic_news_topics.tfidf import core as tfidf

DOCUMENTS = [
    ["حلف", "اطلسي", "روسيا", "حلف", "قمة"],
    ["داعش", "هجوم", "سوريا", "داعش"],
    ["سلام", "مؤتمر", "روسيا", "حلف", "اطلسي"],
    ["هجوم", "قمة", "سلام"],
]


@pytest.mark.parametrize(
    ("sublinear_tf", "use_idf", "ngram_range"),
    [(True, True, (1, 1)), (False, True, (1, 2)), (True, False, (1, 1))],
)
def test_new_rows_are_the_vectorizers_rows(sublinear_tf, use_idf, ngram_range):
    """The training documents, transformed as new ones with the IDF recovered from the
    training matrix, give scikit-learn's own rows."""
    matrix, _, terms = tfidf.compute_tfidf(
        ((str(i), d) for i, d in enumerate(DOCUMENTS)),
        sublinear_tf=sublinear_tf,
        use_idf=use_idf,
        ngram_range=ngram_range,
    )
    idf = tfidf.smooth_idf(matrix, use_idf)
    vectorizer = core.fitted_vectorizer(terms, idf, sublinear_tf, ngram_range)
    rows = vectorizer.transform([" ".join(d) for d in DOCUMENTS])
    np.testing.assert_allclose(rows.toarray(), matrix.toarray(), atol=1e-12)


def test_words_the_training_never_kept_are_left_out():
    matrix, _, terms = tfidf.compute_tfidf((str(i), d) for i, d in enumerate(DOCUMENTS))
    vectorizer = core.fitted_vectorizer(terms, tfidf.smooth_idf(matrix))
    rows = vectorizer.transform(["جديد حلف", ""])
    assert rows.shape == (2, len(terms))
    assert rows[0, terms.index("حلف")] == pytest.approx(1.0)  # the only known word, normalized
    assert rows[1].nnz == 0


def test_bags_of_words_are_gensims():
    """The batch's count matrix gives each document gensim's own ``doc2bow``: ids sorted,
    counts summed, words outside the dictionary left out, empty documents empty."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(DOCUMENTS[:3])
    rng = np.random.default_rng(0)
    words = [*sorted({w for d in DOCUMENTS for w in d}), "غريب", "جديد"]
    documents = [list(rng.choice(words, size=rng.integers(0, 12))) for _ in range(40)]
    documents += [[], ["غريب"]]
    counts = core.count_matrix(documents, dictionary.token2id, len(dictionary))
    assert core.bags_of_words(counts) == [dictionary.doc2bow(d) for d in documents]
    assert counts.shape == (len(documents), len(dictionary))
