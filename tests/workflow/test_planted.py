"""The workflow on a planted corpus (tests/workflow_runs.py: three categories, each article
drawn from its category's words only, gold labels from the folders): K and k on auto find
the three categories, every method recovers the labels, and fitting every engine again (in
new processes) gives the same tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.workflow


def test_planted_corpus_auto_finds_k(planted_run):
    results = planted_run / "results"
    assert json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"] == 3
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert list(selection["num_topics"]) == [2, 3, 4]
    silhouette = pd.read_csv(results / "05_clusters/silhouette_by_k.csv")
    assert silhouette.loc[silhouette["chosen"], "k"].tolist() == [3]


def test_planted_corpus_of_short_documents_is_fitted_with_tomotopy(planted_run):
    """lda.engine auto: the planted articles have 40 words, fewer than
    lda.short_document_words, so the main model is tomotopy's, and chosen_k.json and the
    log say why."""
    results = planted_run / "results"
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())
    reason = "lda.engine auto: tomotopy, the median document having 40 words, fewer than"
    assert chosen["engine"] == "tomotopy"
    assert chosen["engine_rule"].startswith(reason)
    logs = (planted_run / ".snakemake/log").glob("*.snakemake.log")
    assert any(reason in log.read_text(encoding="utf-8") for log in logs)
    fitted = {path.name for path in (results / "04_lda/runs/tomotopy/unguided").iterdir()}
    assert fitted == {"k_2", "k_3", "k_4"}


def test_the_bundle_of_a_tomotopy_model_gives_the_planted_articles_their_topics_back(
    planted_run,
):
    """The bundle infers each training article anew (a Gibbs chain from the model's seed):
    on these articles, each of one category's words, their shares and topics come back."""
    from arabic_news_topics.apply import load_bundle
    from arabic_news_topics.io import read_jsonl

    results = planted_run / "results"
    bundle = load_bundle(results / "10_model")
    assert bundle.manifest["engine"] == "tomotopy"
    documents = [r for s in sorted(results.glob("01_corpus/shards/*.jsonl")) for r in read_jsonl(s)]
    shares = pd.read_csv(results / "04_lda/curated/doc_topics.csv").set_index("doc_id")
    inferred = bundle.transform(documents).set_index("doc_id").loc[shares.index, shares.columns]
    assert (inferred.to_numpy().argmax(axis=1) == shares.to_numpy().argmax(axis=1)).all()
    assert abs(inferred.to_numpy() - shares.to_numpy()).max() < 0.02


def test_planted_corpus_heldout_measure_comes_from_the_second_seeds_fits(planted_run):
    """The K grid's fits of the second seed leave 9 of the 90 articles out and score them;
    the first seed's (used downstream) and the evaluation engines' fits keep every article,
    and every fit has a mixture for every article."""
    results = planted_run / "results/04_lda"
    runs = results / "runs"
    for k in (2, 3, 4):
        held = json.loads((runs / f"tomotopy/unguided/k_{k}/seed_2/scores.json").read_text())
        assert (held["train_documents"], held["test_documents"]) == (81, 9)
        assert held["heldout_log_likelihood_per_word"] < 0
        whole = json.loads((runs / f"tomotopy/unguided/k_{k}/seed_1/scores.json").read_text())
        assert "test_documents" not in whole
    for engine in ("dmm", "gensim"):
        scores = json.loads((runs / f"{engine}/unguided/k_3/seed_2/scores.json").read_text())
        assert "test_documents" not in scores
    assert not list(runs.rglob("heldout.json"))
    selection = pd.read_csv(results / "model_selection.csv")
    assert selection["heldout_log_likelihood_per_word"].notna().all()
    for path in runs.rglob("doc_topics.csv"):
        assert len(pd.read_csv(path)) == 90, path


def test_planted_corpus_evaluation_recovers_labels(planted_run):
    results = planted_run / "results/07_evaluation"
    metrics = pd.read_csv(results / "metrics.csv")
    assert list(metrics.columns) == [
        "method",
        "seed",
        "features",
        "within_noise",
        "documents",
        "nmi",
        "ari",
        "v_measure",
        "purity",
    ]
    # Each candidate space's own clusters (cluster.auto_features) beside the chosen ones
    # (the evaluation's: a DMM that leaves a cluster empty at one of the stage's ks is no
    # candidate of the stage, but may be one at the one k the evaluation clusters at).
    found = list(metrics["method"].unique())
    spaces = [m for m in found if m.startswith("kmeans_") and "auto" not in m and "_k" not in m]
    assert len(spaces) > 1
    assert {m.removeprefix("kmeans_") for m in spaces} <= {"lsa", "lsa_no_idf", "dmm"}
    methods = [
        "kmeans_auto",
        *spaces,
        "kmeans_auto_k3",  # at the number of gold labels (the same k here)
        *[f"{name}_k3" for name in spaces],
        "topics_tomotopy",  # lda.engine auto's (short documents), then evaluation.engines
        "topics_gensim",
        "topics_sklearn_lda",
        "topics_sklearn_nmf",
        "topics_dmm",
    ]
    # And every engine at K = the number of gold labels (evaluation.topics_at_label_count):
    # here that is the chosen K, so the same runs, scored under both names.
    at_labels = [f"{m}_k3" for m in methods if m.startswith("topics_")]
    methods += at_labels
    assert list(metrics["method"].unique()) == methods
    columns = ["seed", "nmi", "ari"]
    for name in at_labels:
        at_k = metrics.loc[metrics["method"] == name, columns].to_numpy().tolist()
        chosen = metrics.loc[metrics["method"] == name.removesuffix("_k3"), columns]
        assert at_k == chosen.to_numpy().tolist()
    sizes = metrics.groupby("method").size()
    assert (sizes.drop([*spaces, *[f"{m}_k3" for m in spaces]]) == 2).all()  # each seed
    # The chosen space's own row is the chosen clusters' row.
    for row in metrics[metrics["method"] == "kmeans_auto"].itertuples():
        own = metrics[
            (metrics["method"] == f"kmeans_{row.features}") & (metrics["seed"] == row.seed)
        ]
        assert own[["nmi", "ari"]].to_numpy().tolist() == [[row.nmi, row.ari]]
    assert (metrics["documents"] == 90).all()
    # Every method recovers the planted labels; an LDA run may still end in a local optimum
    # that merges two topics (scikit-learn's online LDA does for one of these seeds).
    by_method = metrics.groupby("method")["nmi"]
    assert by_method.max().min() > 0.99, metrics.to_string()
    assert by_method.mean().min() > 0.9, metrics.to_string()
    clustered = metrics["method"].str.startswith("kmeans_")
    assert metrics.loc[clustered, "nmi"].min() > 0.99
    # The features each seed's clustering chose (by stability), named in the table.
    chose = metrics["method"].str.startswith("kmeans_auto")
    assert set(metrics.loc[chose, "features"]) <= {"lsa", "lsa_no_idf", "dmm"}
    assert metrics.loc[clustered & ~chose, "features"].isna().all()
    summary = pd.read_csv(results / "metrics_summary.csv")
    assert list(summary["method"]) == methods
    confusion = pd.read_csv(results / "confusion_topics.csv")
    assert list(confusion["label"]) == ["culture", "economy", "sport"]
    assert confusion["total"].tolist() == [30, 30, 30]
    for name in ("metrics", "confusion_clusters", "confusion_topics"):
        assert (results / f"{name}.png").stat().st_size > 10_000


def test_a_new_choice_of_k_is_scored_at_that_k(planted_run, planted_new_grid_run):
    """The K grid changed after a finished run: select_num_topics chose another K, and the
    evaluation scored every engine's runs at that K, not at the K of the chosen_k.json that
    Snakemake found when it planned the run (it did so before evaluate_labels declared it)."""
    from arabic_news_topics.evaluation.core import label_scores

    first = json.loads((planted_run / "results/04_lda/chosen_k.json").read_text())
    results = planted_new_grid_run / "results"
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    assert first["num_topics"] == 3 and chosen in (2, 4)
    labels = pd.read_csv(results / "01_corpus/metadata.tsv", sep="\t").set_index("doc_id")
    metrics = pd.read_csv(results / "07_evaluation/metrics.csv")
    scored = metrics[metrics["method"].str.fullmatch(r"topics_[a-z_]+")]
    assert set(scored["method"]) == {
        f"topics_{e}" for e in ("tomotopy", "gensim", "sklearn_lda", "sklearn_nmf", "dmm")
    }
    for row in scored.itertuples():
        engine = row.method.removeprefix("topics_")
        run = results / f"04_lda/runs/{engine}/unguided/k_{chosen}/seed_{row.seed}"
        shares = pd.read_csv(run / "doc_topics.csv").set_index("doc_id")
        topics = shares.to_numpy().argmax(axis=1)
        expected = label_scores(list(labels.loc[shares.index, "label"]), topics)["nmi"]
        assert row.nmi == pytest.approx(expected, abs=1e-6), row


def test_planted_corpus_rerun_is_byte_identical_for_every_engine(
    planted_run, planted_rerun, table_digests
):
    # The second run fitted every topic model again, in new processes.
    first, second = table_digests(planted_run / "results"), table_digests(planted_rerun / "results")
    runs = [name for name in first if name.startswith("04_lda/runs/")]
    assert {name.split("/")[2] for name in runs} >= {
        "gensim",
        "sklearn_lda",
        "sklearn_nmf",
        "tomotopy",
    }
    assert first == second
