"""Topic curation in the config (topics.labels, topics.merge, topics.drop) on a copy of the
seeds run: what reruns, and what the curated tables hold."""

from __future__ import annotations

import json

import pandas as pd
from workflow_runs import jobs_of_dry_run


def chosen_k(workdir) -> int:
    return json.loads((workdir / "results/04_lda/chosen_k.json").read_text())["num_topics"]


def test_editing_labels_reruns_only_what_shows_them(copy_of_seed_run, snakemake, edit_config):
    edit_config(copy_of_seed_run, lambda c: c["topics"].update(labels={1: "nato_russia"}))
    assert jobs_of_dry_run(snakemake, copy_of_seed_run) == {
        "label_topics",
        "plot_themes",
        "plot_trends",
        "group_effects",
        "plot_group_effects",
        "summarize_run",
        "build_explorer",
        "export_model",
        "paper",
    }


def test_merging_and_dropping_rerun_the_stages_after_the_model_only(
    copy_of_seed_run, snakemake, edit_config
):
    edit_config(copy_of_seed_run, lambda c: c["topics"].update(merge=[[1, 2]]))
    jobs = jobs_of_dry_run(snakemake, copy_of_seed_run)
    assert {"curate_topics", "assign_themes", "trends", "group_effects"} <= jobs
    assert not jobs & {"fit_topic_model", "select_num_topics", "build_lda_corpus", "plot_lda"}


def test_a_curated_run_merges_drops_and_names_topics(copy_of_seed_run, snakemake, edit_config):
    workdir = copy_of_seed_run
    k = chosen_k(workdir)
    assert k >= 3  # the seeds choose more than two topics
    edit_config(
        workdir,
        lambda c: c["topics"].update(merge=[[1, 2]], drop=[k], labels={2: "nato_russia"}),
    )
    snakemake(workdir, "all", "--cores", "2")
    results = workdir / "results"
    members = pd.read_csv(results / "04_lda/curated/members.csv", dtype={"members": str})
    assert members["members"].tolist() == ["1+2", *map(str, range(3, k))]
    curated = pd.read_csv(results / "04_lda/curated/doc_topics.csv").set_index("doc_id")
    assert curated.shape[1] == k - 2
    assert curated.sum(axis=1).round(6).eq(1).all()
    raw = pd.read_csv(results / "04_lda/doc_topics.csv").set_index("doc_id")
    kept = raw.drop(columns=[f"topic_{k}"])
    expected = (kept["topic_1"] + kept["topic_2"]) / kept.sum(axis=1)
    assert (curated["topic_1"] - expected).abs().max() < 1e-5
    labels = pd.read_csv(results / "04_lda/topic_labels.csv")
    assert labels.loc[0, "label"] == "nato_russia" and bool(labels.loc[0, "labelled"])
    # Stages 6 and 8 use the curated topics.
    summary = pd.read_csv(results / "06_themes/topic_summary.csv")
    assert summary["topic"].tolist() == list(range(1, k - 1))
    prevalence = pd.read_csv(results / "08_trends/topic_prevalence_by_group.csv")
    assert set(prevalence["topic"]) == {f"topic_{i}" for i in range(1, k - 1)}


def test_curation_of_a_topic_that_does_not_exist_fails_naming_the_key(
    copy_of_seed_run, snakemake, edit_config
):
    edit_config(copy_of_seed_run, lambda c: c["topics"].update(drop=[40]))
    result = snakemake(copy_of_seed_run, "all", "--cores", "2", check=False)
    assert result.returncode != 0
    log = (copy_of_seed_run / "results/logs/curate_topics.log").read_text()
    assert "config key topics.drop: topic 40 does not exist" in log
