"""The step of stage 7 (arabic_news_topics.evaluation.step) on a small planted corpus: the
argmax topics at the chosen K and at K = the number of gold labels are scored under their
own names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.evaluation.step import evaluate_labels
from arabic_news_topics.tfidf import core as tfidf

#: Three sections of four articles, each written in its own words.
WORDS = {"culture": "فيلم مسرح رواية", "economy": "بنك سوق نفط", "sport": "مباراة فريق هدف"}
LABELS = [label for label in WORDS for _ in range(4)]
DOC_IDS = [f"d{i:02d}" for i in range(len(LABELS))]
SEEDS = [1, 2]
SETTINGS = {
    "method": "kmeans",
    "features": "lsa",
    "auto_features": ["lsa"],
    "stability_runs": 2,
    "lsa_components": 5,
}


def _doc_topics(path: Path, topics: list[int], num_topics: int) -> str:
    theta = np.full((len(topics), num_topics), 0.1 / num_topics)
    theta[np.arange(len(topics)), topics] += 0.9
    frame = pd.DataFrame(theta, columns=[f"topic_{t + 1}" for t in range(num_topics)])
    frame.insert(0, "doc_id", DOC_IDS)
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def inputs(tmp_path: Path) -> dict:
    tokens = [(d, WORDS[label].split() * 3) for d, label in zip(DOC_IDS, LABELS, strict=True)]
    matrix, doc_ids, terms = tfidf.compute_tfidf(tokens)
    tfidf.save_matrix(matrix, doc_ids, terms, str(tmp_path / "tfidf.npz"))
    pd.DataFrame({"doc_id": DOC_IDS, "label": LABELS}).to_csv(
        tmp_path / "metadata.tsv", sep="\t", index=False
    )
    pd.DataFrame({"doc_id": DOC_IDS, "cluster": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]}).to_csv(
        tmp_path / "assignments.csv", index=False
    )
    pd.DataFrame({"k": [3], "silhouette": [0.9], "chosen": [True]}).to_csv(
        tmp_path / "silhouette.csv", index=False
    )
    # At the chosen K = 2, culture and economy share a topic; at K = 3 each section has its own.
    merged = [0] * 8 + [1] * 4
    runs = [{"engine": "gensim", "prior": "unguided", "seed": s} for s in SEEDS]
    return {
        "metadata": str(tmp_path / "metadata.tsv"),
        "matrix": str(tmp_path / "tfidf.npz"),
        "assignments": str(tmp_path / "assignments.csv"),
        "silhouette": str(tmp_path / "silhouette.csv"),
        "doc_topics": [_doc_topics(tmp_path / f"chosen_{s}.csv", merged, 2) for s in SEEDS],
        "runs": runs,
        "label_count_doc_topics": [
            _doc_topics(tmp_path / f"labels_{s}.csv", [i // 4 for i in range(12)], 3) for s in SEEDS
        ],
        "label_count_runs": runs,
        "settings": SETTINGS,
        "random_seeds": SEEDS,
        "main_model": {"engine": "gensim", "prior": "unguided"},
        **{
            f"{name}_{suffix}": str(tmp_path / f"{name}.{suffix}")
            for name in ("metrics", "summary", "clusters", "topics")
            for suffix in ("csv", "md")
        },
    }


def test_topics_at_the_label_count_are_scored_under_their_own_name(inputs):
    evaluate_labels(**inputs)
    metrics = pd.read_csv(inputs["metrics_csv"])
    nmi = metrics.groupby("method")["nmi"].agg(list)
    assert list(metrics["method"].unique()) == [
        "kmeans_lsa",
        "kmeans_lsa_k3",
        "topics_gensim",
        "topics_gensim_k3",
    ]
    assert nmi["topics_gensim_k3"] == pytest.approx([1.0, 1.0])
    assert max(nmi["topics_gensim"]) < 0.8  # two sections merged in one topic
    summary = pd.read_csv(inputs["summary_csv"])
    assert "topics_gensim_k3" in set(summary["method"])
    # The confusion table is the main model's at the chosen K: two topics.
    assert pd.read_csv(inputs["topics_csv"]).shape[0] == 3


def test_no_runs_at_the_label_count_no_rows(inputs):
    evaluate_labels(**{**inputs, "label_count_doc_topics": [], "label_count_runs": []})
    methods = set(pd.read_csv(inputs["metrics_csv"])["method"])
    assert methods == {"kmeans_lsa", "kmeans_lsa_k3", "topics_gensim"}


def test_the_clusters_are_refined_on_the_tokens_word_counts(inputs, tmp_path, monkeypatch):
    """With the tokens, each seed's clusters are refined as stage 5 refines them: on the
    documents' word counts in the TF-IDF terms (one read of the file serves every seed)."""
    import json

    from arabic_news_topics.clusters import core as clusters

    tokens = [(d, WORDS[label].split() * 3) for d, label in zip(DOC_IDS, LABELS, strict=True)]
    path = tmp_path / "tokens.jsonl"
    path.write_text(
        "".join(json.dumps({"doc_id": d, "tokens": t}) + "\n" for d, t in tokens),
        encoding="utf-8",
    )
    seen = []
    original = clusters.refine_partitions

    def spy(counts, partitions, iterations=1, **kwargs):
        seen.append((counts.toarray(), iterations))
        return original(counts, partitions, iterations, **kwargs)

    monkeypatch.setattr(clusters, "refine_partitions", spy)
    settings = {**SETTINGS, "refine_iterations": 2}
    evaluate_labels(**{**inputs, "settings": settings, "tokens": str(path)})
    _, _, terms = tfidf.load_matrix(inputs["matrix"])
    expected = tfidf.term_counts([t for _, t in tokens], terms).toarray()
    # Two seeds; at the stage's k = 3 = the number of labels, one clustering each.
    assert len(seen) == 2
    for counts, iterations in seen:
        np.testing.assert_array_equal(counts, expected)
        assert iterations == 2
    # Without the tokens, nothing is refined.
    seen.clear()
    evaluate_labels(**{**inputs, "settings": settings})
    assert seen == []


def test_each_seeds_uncertain_feature_choice_is_recorded(inputs, monkeypatch):
    """``within_noise``: for the clusters, the spaces the stage's stability table says are
    within the seeds' noise of the chosen one, per seed; empty for the topic models."""
    from arabic_news_topics.clusters import core as clusters

    tables = []

    def close(table):
        if not any(table is seen for seen in tables):
            tables.append(table)
        return ["lsa_no_idf"] if table is tables[0] else []

    monkeypatch.setattr(clusters, "features_within_noise", close)
    evaluate_labels(**inputs)
    metrics = pd.read_csv(inputs["metrics_csv"], keep_default_na=False)
    rows = metrics[metrics["method"].str.startswith("kmeans")]
    # Two seeds, one clustering each (the stage's k is the number of labels), both rows
    # of a seed from its own table: the first seed's says lsa_no_idf, the second's none.
    assert len(tables) == 2 and all("stability" in table for table in tables)
    assert rows.groupby("seed")["within_noise"].agg(set).tolist() == [{"lsa_no_idf"}, {""}]
    assert (metrics.loc[metrics["method"].str.startswith("topics"), "within_noise"] == "").all()


def test_seeds_in_parallel_processes_give_the_same_metrics(inputs, tmp_path):
    """With the dmm candidate (fitted on the tokens' word counts) and two processes, every
    seed's clusters and scores are those of one process, row for row."""
    import json

    tokens = [(d, WORDS[label].split() * 3) for d, label in zip(DOC_IDS, LABELS, strict=True)]
    path = tmp_path / "tokens.jsonl"
    path.write_text(
        "".join(json.dumps({"doc_id": d, "tokens": t}) + "\n" for d, t in tokens),
        encoding="utf-8",
    )
    settings = {**SETTINGS, "features": "auto", "auto_features": ["lsa", "dmm"]}
    # The silhouette says k = 2: two ks (2 and the 3 labels), four tasks for two processes.
    pd.DataFrame({"k": [2], "silhouette": [0.9], "chosen": [True]}).to_csv(
        inputs["silhouette"], index=False
    )
    common = {**inputs, "settings": settings, "tokens": str(path), "dmm_iterations": 5}
    evaluate_labels(**common, threads=1)
    one = Path(inputs["metrics_csv"]).read_bytes()
    evaluate_labels(**common, threads=2)
    assert Path(inputs["metrics_csv"]).read_bytes() == one
    metrics = pd.read_csv(inputs["metrics_csv"])
    clustered = metrics[metrics["method"].str.startswith("kmeans_auto")]
    assert clustered["method"].tolist() == ["kmeans_auto", "kmeans_auto_k3"] * 2
    assert clustered["seed"].tolist() == [1, 1, 2, 2]
    # The sections are written in their own words: at k = 3 every seed finds them.
    assert (clustered.loc[clustered["method"] == "kmeans_auto_k3", "nmi"] > 0.99).all()
    # Each candidate space's own clusters are scored beside them, under its own name; the
    # chosen space's row has the auto row's scores.
    spaces = metrics[metrics["method"].isin(["kmeans_lsa", "kmeans_dmm"])]
    assert spaces["method"].tolist() == ["kmeans_lsa", "kmeans_dmm"] * 2
    assert spaces["features"].isna().all()
    for row in clustered[clustered["method"] == "kmeans_auto"].itertuples():
        same = spaces[(spaces["seed"] == row.seed) & (spaces["method"] == f"kmeans_{row.features}")]
        assert same["nmi"].tolist() == [row.nmi] and same["ari"].tolist() == [row.ari]


def test_the_stages_own_seed_is_read_not_made_again(inputs, tmp_path, monkeypatch):
    """Where stage 5 had one k, the row of its seed (random_state) at that k comes from its
    assignments and feature table, the same as clustering again; the other seeds are made."""
    import json

    from arabic_news_topics.clusters import core as clusters
    from arabic_news_topics.io import write_table

    tokens = [(d, WORDS[label].split() * 3) for d, label in zip(DOC_IDS, LABELS, strict=True)]
    path = tmp_path / "tokens.jsonl"
    path.write_text(
        "".join(json.dumps({"doc_id": d, "tokens": t}) + "\n" for d, t in tokens),
        encoding="utf-8",
    )
    settings = {**SETTINGS, "features": "auto", "auto_features": ["lsa", "lsa_no_idf", "dmm"]}
    common = {**inputs, "settings": settings, "tokens": str(path), "dmm_iterations": 5}
    # Stage 5's outputs for seed 1 at k = 3, written as the stage writes them.
    matrix, _, terms = tfidf.load_matrix(inputs["matrix"])
    counts = tfidf.term_counts([t for _, t in tokens], terms)
    stage = clusters.cluster_with_settings(matrix, settings, [3], 1, True, (), counts, 5)
    pd.DataFrame({"doc_id": DOC_IDS, "cluster": stage["labels"]}).to_csv(
        inputs["assignments"], index=False
    )
    write_table(stage["stability"], str(tmp_path / "feature_stability.csv"))
    by_features = pd.DataFrame({"doc_id": DOC_IDS})
    for name, labels in {**stage["alternatives"], stage["features"]: stage["labels"]}.items():
        by_features[name] = labels
    by_features.to_csv(tmp_path / "by_features.csv", index=False)
    common["by_features"] = str(tmp_path / "by_features.csv")
    evaluate_labels(**common)
    made = Path(inputs["metrics_csv"]).read_bytes()
    calls = []
    original = clusters.cluster_with_settings

    def spy(matrix, settings, ks, random_state, *args, **kwargs):
        calls.append((random_state, list(ks)))
        return original(matrix, settings, ks, random_state, *args, **kwargs)

    monkeypatch.setattr(clusters, "cluster_with_settings", spy)
    evaluate_labels(
        **common, features=str(tmp_path / "feature_stability.csv"), random_state=SEEDS[0]
    )
    assert Path(inputs["metrics_csv"]).read_bytes() == made
    assert calls == [(SEEDS[1], [3])]
    # A seed that is not among the random seeds is made with the others.
    calls.clear()
    evaluate_labels(**common, features=str(tmp_path / "feature_stability.csv"), random_state=99)
    assert calls == [(SEEDS[0], [3]), (SEEDS[1], [3])]
