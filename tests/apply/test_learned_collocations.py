"""A bundle from a run that learned collocations (normalize.learn_multiword) joins them in
new articles as training joined them in the corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.apply import load_bundle
from arabic_news_topics.io import read_jsonl

pytestmark = pytest.mark.workflow


def test_the_training_documents_get_their_tokens_and_shares_back(dated_corpus_run):
    results = dated_corpus_run / "results"
    expressions = pd.read_csv(results / "02_normalize/multiword_expressions.csv")
    learned = set(expressions.loc[expressions["origin"] == "learned", "expression"])
    trained = {r["doc_id"]: r["tokens"] for r in read_jsonl(results / "02_normalize/tokens.jsonl")}
    # The run learned collocations, and its tokens hold them.
    assert learned & {t for tokens in trained.values() for t in tokens}
    documents = [
        r for shard in sorted(results.glob("01_corpus/shards/*.jsonl")) for r in read_jsonl(shard)
    ]
    bundle = load_bundle(results / "10_model")
    assert bundle.normalizer.phrases is not None
    tokens = {d: t for d, t, _, _ in bundle.tokenize(documents)}
    assert {d: tokens[d] for d in trained} == trained
    table = bundle.transform(documents).set_index("doc_id")
    shares = pd.read_csv(results / "04_lda/curated/doc_topics.csv").set_index("doc_id")
    mine = table.loc[shares.index, shares.columns].to_numpy()
    # The fits stop a document's inference once its parameters change by less than
    # lda.gamma_threshold per topic (auto: 0.008 for these 16-token articles), which on short
    # articles leaves the training shares up to about 0.01 from where the bundle's inference
    # (gensim's own 0.001) settles (measured 0.009); the dominant topic is the same.
    np.testing.assert_allclose(mine, shares.to_numpy(), atol=0.02)
    assert (mine.argmax(axis=1) == shares.to_numpy().argmax(axis=1)).all()
