"""benchmarks/short_document_clusters.py: the clusters with and without the DMM candidate."""

from __future__ import annotations

import json

import pandas as pd
import short_document_clusters as bench
import short_documents

from arabic_news_topics.tfidf import core as tfidf


def test_the_peer_is_the_shipped_candidates_without_the_dmm():
    assert bench.variants(["dmm", "lsa", "lsa_no_idf"]) == {
        "shipped": ["dmm", "lsa", "lsa_no_idf"],
        "without_dmm": ["lsa", "lsa_no_idf"],
    }


def test_the_cluster_rows_of_stage_7_at_the_stages_k_and_the_sections():
    metrics = pd.DataFrame(
        {
            "method": ["kmeans_auto", "kmeans_auto_k6", "topics_gensim", "kmeans_auto"],
            "seed": [42, 42, 42, 7],
            "features": ["lsa", "dmm", None, "lsa_no_idf"],
            "nmi": [0.1, 0.5, 0.3, 0.2],
        }
    )
    rows = bench.cluster_rows(metrics)
    assert rows["k"].tolist() == ["stage", "6", "stage"]
    assert rows["nmi"].tolist() == [0.1, 0.5, 0.2]


def test_the_table_gives_each_variants_mean_the_seeds_that_chose_the_dmm_and_the_limit():
    rows = []
    for variant, nmis, features in (
        ("shipped", [0.4, 0.5, 0.2], ["dmm", "dmm", "lsa"]),
        ("without_dmm", [0.2, 0.2, 0.2], ["lsa"] * 3),
    ):
        for seed, nmi, feature in zip([42, 7, 2024], nmis, features, strict=True):
            rows.append(
                {
                    "corpus": "c",
                    "length": "titles",
                    "documents": 10,
                    "tokens": 100,
                    "variant": variant,
                    "k": "6",
                    "seed": seed,
                    "features": feature,
                    "nmi": nmi,
                }
            )
    frame = pd.DataFrame(rows)
    row = bench.summarize(frame, limit=100).iloc[0]
    assert row["shipped NMI"].startswith("0.367 ± ")
    assert row["without_dmm NMI"].startswith("0.200 ± ")
    assert row["seeds choosing dmm"] == "42, 7"
    assert row["gain"] == "+0.167"
    assert row["DMM a candidate"] == "yes"
    above = bench.summarize(frame.assign(tokens=101), limit=100).iloc[0]
    assert above["DMM a candidate"] == "no (above the limit)"


def test_the_dmm_tokens_are_stage_2s_tokens_of_the_tfidf_terms(tmp_path):
    results = tmp_path / "results"
    documents = [("a", ["x", "y", "x", "rare"]), ("b", ["y", "z"])]
    (results / "02_normalize").mkdir(parents=True)
    (results / "02_normalize" / "tokens.jsonl").write_text(
        "".join(json.dumps({"doc_id": d, "tokens": t}) + "\n" for d, t in documents),
        encoding="utf-8",
    )
    # "rare" is not a term of the matrix: the DMM does not sample it.
    matrix, doc_ids, terms = tfidf.compute_tfidf(
        [(d, [w for w in t if w != "rare"]) for d, t in documents]
    )
    (results / "03_tfidf").mkdir()
    tfidf.save_matrix(matrix, doc_ids, terms, str(results / "03_tfidf" / "tfidf_matrix.npz"))
    assert bench.dmm_tokens(tmp_path) == 5


def test_main_runs_both_variants_in_one_folder_and_scores_only_the_clusters(monkeypatch, tmp_path):
    calls = []

    def run_workflow(corpus, path, cores, runs, targets, settings):
        calls.append((corpus, targets, settings))
        workdir = runs / corpus
        (workdir / "results" / "07_evaluation").mkdir(parents=True, exist_ok=True)
        dmm = "dmm" in settings["cluster"]["auto_features"]
        pd.DataFrame(
            {
                "method": ["kmeans_auto", "kmeans_auto_k6"],
                "seed": [42, 42],
                "features": ["dmm" if dmm else "lsa", "lsa"],
                "documents": [20, 20],
                "nmi": [0.5 if dmm else 0.3, 0.4],
            }
        ).to_csv(workdir / "results" / "07_evaluation" / "metrics.csv", index=False)
        return workdir, 1.0

    monkeypatch.setattr(bench, "run_workflow", run_workflow)
    monkeypatch.setattr(short_documents, "write_short_corpus", lambda source, target, _: target)
    counted = []
    monkeypatch.setattr(bench, "dmm_tokens", lambda workdir: counted.append(workdir) or 1000)
    out = tmp_path / "out"
    assert bench.main(["--runs", str(tmp_path / "runs"), "--out", str(out), "--lengths", "30"]) == 0
    # Titles, the first 30 words and the whole bodies, each twice in the same folder.
    assert [corpus for corpus, _, _ in calls] == [
        name for name in ("antms-6cat_titles", "antms-6cat_first_30", "antms-6cat_whole")
        for _ in range(2)
    ]  # fmt: skip
    for _, targets, settings in calls:
        assert targets == ("results/07_evaluation/metrics.csv",)
        assert settings["evaluation"] == {"engines": []}
    features = [settings["cluster"]["auto_features"] for _, _, settings in calls[:2]]
    assert "dmm" in features[0] and "dmm" not in features[1]
    # The tokens are counted once per cut, not once per variant.
    assert len(counted) == 3
    frame = pd.read_csv(out / "short_document_clusters.csv")
    assert len(frame) == 3 * 2 * 2
    report = (out / "short_document_clusters.md").read_text(encoding="utf-8")
    assert "+0.200" in report and "cluster.dmm_max_tokens" in report
