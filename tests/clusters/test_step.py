"""Stage 5's step: the word counts read for the refinement of the clusters."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from arabic_news_topics.clusters import step
from arabic_news_topics.tfidf import core as tfidf

DOCUMENTS = [
    ("a", ["حلف", "شمال", "اطلسي", "حلف"]),
    ("b", ["نفط", "اسعار", "نفط"]),
    ("c", ["اسعار", "سوق", "سوق"]),
    ("d", ["حلف", "سوق"]),
    ("e", ["اطلسي", "نفط", "شمال"]),
]


@pytest.fixture
def tokens(tmp_path):
    path = tmp_path / "tokens.jsonl"
    lines = [json.dumps({"doc_id": d, "tokens": t}, ensure_ascii=False) for d, t in DOCUMENTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stage_settings(auto_features: list[str], **settings) -> dict:
    """Stage 5's settings (``cluster``) with ``auto`` features among ``auto_features``."""
    defaults = {
        "method": "kmeans",
        "features": "auto",
        "refine_iterations": 0,
        "k": 3,
        "k_range": {"min": 2, "max": 4},
        "map": "lsa",
    }
    return {**defaults, "auto_features": auto_features, **settings}


def stage_outputs(folder) -> dict[str, str]:
    """The output paths of :func:`step.cluster_documents`, in ``folder``."""
    names = (
        "assignments_csv", "assignments_md", "top_terms_csv", "top_terms_md", "sizes_csv",
        "sizes_md", "silhouette_csv", "silhouette_md", "features_csv", "features_md",
        "coordinates", "linkage", "by_features", "agreement_csv", "agreement_md",
        "terms_by_features_csv", "terms_by_features_md",
    )  # fmt: skip
    return {name: str(folder / name) for name in names} | {"space": str(folder / "space.npz")}


def test_count_blocks_are_the_counts_in_blocks_each_call(tokens, monkeypatch):
    monkeypatch.setattr(step, "COUNT_BLOCK_DOCUMENTS", 2)
    _, ids, terms = tfidf.compute_tfidf(DOCUMENTS)
    blocks = step.count_blocks(str(tokens), ids, terms, (1, 1))
    first = list(blocks())
    assert [b.shape[0] for b in first] == [2, 2, 1]
    expected = tfidf.term_counts([t for _, t in DOCUMENTS], terms).toarray()
    np.testing.assert_array_equal(sp.vstack(first).toarray(), expected)
    # Called again, it reads the file again from the start.
    np.testing.assert_array_equal(sp.vstack(list(blocks())).toarray(), expected)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["a", "c", "b", "d", "e"], "not the TF-IDF matrix's rows"),
        (["a", "b", "c", "d", "e", "f"], "5 documents, the TF-IDF matrix has 6"),
    ],
)
def test_count_blocks_fail_on_other_documents(tokens, ids, message):
    with pytest.raises(ValueError, match=message) as error:
        list(step.count_blocks(str(tokens), ids, ["نفط"], (1, 1))())
    assert str(tokens) in str(error.value)


@pytest.fixture(scope="module")
def noisy_stage(tmp_path_factory):
    """The stage on documents of random words: no grouping for either LSA space to hold,
    so k-means varies from seed to seed in both, about as much (a choice within noise).
    Its outputs and its log messages (level, text), run once for the tests below."""
    import logging

    folder = tmp_path_factory.mktemp("noisy_stage")
    rng = np.random.default_rng(3)
    documents = [
        (f"d{i}", [f"w{j}" for j in rng.integers(0, 60, rng.integers(5, 30))]) for i in range(200)
    ]
    matrix, doc_ids, terms = tfidf.compute_tfidf(documents, sublinear_tf=True)
    path = folder / "tfidf_matrix.npz"
    tfidf.save_matrix(matrix, doc_ids, terms, str(path))
    settings = stage_settings(["lsa", "lsa_no_idf"], stability_runs=3, lsa_components=5)
    out = stage_outputs(folder)
    records = []
    handler = logging.Handler(level=logging.INFO)
    handler.emit = lambda record: records.append((record.levelname, record.getMessage()))
    logger = logging.getLogger(step.__name__)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        step.cluster_documents(str(path), settings, 42, **out)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return out, records


def test_the_stage_warns_when_its_feature_choice_is_within_noise(noisy_stage):
    """The stage writes the space it did not choose as within noise and says so in its log."""
    out, records = noisy_stage
    table = pd.read_csv(out["features_csv"]).set_index("features")
    chosen = table.index[table["chosen"]][0]
    other = "lsa" if chosen == "lsa_no_idf" else "lsa_no_idf"
    assert table.loc[other, "within_noise"] and not table.loc[chosen, "within_noise"]
    assert table.loc[other, "agreement_with_chosen"] < 1
    assert table.loc[chosen, "agreement_with_chosen"] == 1
    warnings = [message for level, message in records if level == "WARNING"]
    assert any(f"{chosen} was chosen, but the stability of {other}" in m for m in warnings)


def test_the_stage_writes_every_candidates_clusters_beside_the_chosen_ones(noisy_stage):
    """Where the choice is within noise, each candidate's clusters
    are a column of assignments_by_features.csv (the chosen one's equal to assignments.csv),
    their top terms are in cluster_top_terms_by_features.csv (the chosen one's as
    cluster_top_terms.csv) and feature_agreement.csv counts the documents the other space
    groups otherwise, here checked against every one-to-one matching of the clusters; the
    warning names the files."""
    import itertools

    out, records = noisy_stage
    chosen = step.core.chosen_features(pd.read_csv(out["features_csv"]))
    other = "lsa" if chosen == "lsa_no_idf" else "lsa_no_idf"
    by_features = pd.read_csv(out["by_features"], dtype={"doc_id": str})
    assignments = pd.read_csv(out["assignments_csv"], dtype={"doc_id": str})
    assert list(by_features.columns) == ["doc_id", "lsa", "lsa_no_idf"]
    assert by_features["doc_id"].tolist() == assignments["doc_id"].tolist()
    assert by_features[chosen].tolist() == assignments["cluster"].tolist()
    assert by_features[other].tolist() != assignments["cluster"].tolist()
    assert sorted(by_features[other].unique()) == [1, 2, 3]
    agreement = pd.read_csv(out["agreement_csv"]).set_index("features")
    crosstab = pd.crosstab(by_features[chosen], by_features[other]).to_numpy()
    best = max(
        sum(crosstab[i, j] for i, j in enumerate(order))
        for order in itertools.permutations(range(3))
    )
    assert agreement.loc[other, "documents_regrouped"] == 200 - best > 0
    assert agreement.loc[chosen, "documents_regrouped"] == 0
    assert agreement.loc[other, "within_noise"] and agreement.loc[chosen, "chosen"]
    terms_by_features = pd.read_csv(out["terms_by_features_csv"])
    assert set(terms_by_features["features"]) == {"lsa", "lsa_no_idf"}
    own = terms_by_features[terms_by_features["features"] == chosen].drop(columns="features")
    pd.testing.assert_frame_equal(
        own.reset_index(drop=True), pd.read_csv(out["top_terms_csv"]), check_dtype=False
    )
    messages = [message for _, message in records]
    assert any(f"cluster.features {other} at k = 3: {200 - best} documents" in m for m in messages)
    assert any("assignments_by_features.csv" in m for m in messages if "within" in m)


@pytest.mark.parametrize("limit", [0, 1])
def test_the_stage_logs_the_word_tokens_the_dmm_would_sample(tmp_path, tokens, caplog, limit):
    """Under the limit (0: none) the whole count; past it, what was read when counting
    stopped (the first block's tokens), with the limit named."""
    matrix, doc_ids, terms = tfidf.compute_tfidf(DOCUMENTS)
    path = tmp_path / "tfidf_matrix.npz"
    tfidf.save_matrix(matrix, doc_ids, terms, str(path))
    settings = stage_settings(
        ["lsa", "dmm"],
        dmm_max_tokens=limit,
        stability_runs=2,
        lsa_components=2,
        refine_iterations=1,
        k=2,
        k_range={"min": 2, "max": 3},
    )
    out = stage_outputs(tmp_path)
    with caplog.at_level("INFO"):
        step.cluster_documents(
            str(path), settings, 42, **out, tokens=str(tokens), dmm_iterations=2, dmm_restarts=1
        )
    lines = [r.getMessage() for r in caplog.records if "the DMM's word counts" in r.getMessage()]
    whole = sum(len(words) for _, words in DOCUMENTS)  # every token is one of the terms
    if limit:
        # One block of COUNT_BLOCK_DOCUMENTS holds all five documents here.
        assert lines == [
            "the DMM's word counts (stage 2's tokens of the TF-IDF's terms): at least "
            f"{whole} word tokens (counting stopped past cluster.dmm_max_tokens = 1)"
        ]
    else:
        assert lines == [
            f"the DMM's word counts (stage 2's tokens of the TF-IDF's terms): {whole} word tokens"
        ]


@pytest.mark.parametrize(
    ("k", "n_docs", "expected", "warned"),
    [
        (3, 5, [3], None),
        (3, 3, [3], None),  # a document each: allowed, as asked
        (3, 2, [2], "cluster.k = 3 is more than the corpus's 2 documents: 2 clusters"),
        ([2, 3, 6], 5, [2, 3], "cluster.k: [6] left out (the corpus has 5 documents)"),
        ([4, 6], 3, [3], "cluster.k = 4 is more than the corpus's 3 documents"),
        ("auto", 4, [2, 3], "cluster.k: [4, 5, 6] left out (the corpus has 4 documents)"),
    ],
)
def test_cluster_ks_fit_the_number_of_documents(caplog, k, n_docs, expected, warned):
    settings = {"k": k, "k_range": {"min": 2, "max": 6}}
    with caplog.at_level("WARNING"):
        assert step.cluster_ks(settings, n_docs) == expected
    if warned is None:
        assert not caplog.records
    else:
        assert warned in caplog.text


def test_runs_at_another_k_than_the_chosen_one_stop_the_job(tmp_path):
    """The runs a job gets at the chosen K must be at chosen_k.json's K: a job planned from
    an earlier choice stops, naming the file, rather than score or cluster the wrong runs."""
    paths = []
    for k in (3, 3, 4):
        path = tmp_path / f"doc_topics_{len(paths)}.csv"
        columns = {f"topic_{t}": [1.0 / k] * 2 for t in range(1, k + 1)}
        pd.DataFrame({"doc_id": ["a", "b"], **columns}).to_csv(path, index=False)
        paths.append(str(path))
    chosen = tmp_path / "chosen_k.json"
    chosen.write_text(json.dumps({"num_topics": 3, "selected_by": "c_npmi"}))
    step.check_chosen_num_topics(paths[:2], str(chosen))
    step.check_chosen_num_topics(paths, None)
    with pytest.raises(ValueError, match=r"doc_topics_2\.csv has 4 topics, but .* K = 3"):
        step.check_chosen_num_topics(paths, str(chosen))
