"""The workflow on corpora of a user's own: every file and record accounted for; a config
with an error stops before any job."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

pytestmark = pytest.mark.workflow


def test_own_corpus_with_bad_files(own_corpus_run, seed_ids):
    """A user's corpus with an empty file, a non-UTF-8 file and a duplicate: all accounted for."""
    results = own_corpus_run / "results"
    manifest = pd.read_csv(results / "01_corpus/manifest.tsv", sep="\t").fillna("")
    assert len(manifest) == 8
    reasons = dict(zip(manifest["doc_id"], manifest["reason"], strict=True))
    assert reasons["2024/empty"] == "empty"
    assert reasons["2024/latin1"] == "undecodable"
    assert reasons["copy"] == f"duplicate_of:2024/{seed_ids['nato_resume']}"
    assert (manifest["status"] == "kept").sum() == 5
    doc_themes = pd.read_csv(results / "06_themes/doc_themes.csv")
    assert len(doc_themes) == 5
    assert json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"] == 3


def test_two_articles_run_under_every_default(two_article_run):
    """The smallest corpus the workflow takes (stage 1 needs two documents): the default
    cluster.k of 3 is capped at the two documents, with a warning, and every stage runs."""
    results = two_article_run / "results"
    assignments = pd.read_csv(results / "05_clusters/assignments.csv")
    assert len(assignments) == 2
    assert assignments["cluster"].nunique() == 2
    log = (results / "logs/cluster_documents.log").read_text(encoding="utf-8")
    assert "cluster.k = 3 is more than the corpus's 2 documents: 2 clusters" in log
    assert len(pd.read_csv(results / "06_themes/doc_themes.csv")) == 2
    assert (results / "09_explorer/explorer.html").is_file()


def test_dated_jsonl_corpus_with_sources(dated_corpus_run):
    """A JSON Lines export with dates and outlets, gzipped: read in place, and the trends
    stage tabulates topics and themes by month and by outlet."""
    with gzip.open(dated_corpus_run / "news.jsonl.gz", "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    # Every line but the last, which is not JSON, is a record (one of them without text).
    records = [json.loads(line) for line in lines[:-1]]
    assert lines[-1] == "{not json"
    results = dated_corpus_run / "results"
    manifest = pd.read_csv(results / "02_normalize/manifest.tsv", sep="\t").fillna("")
    assert len(manifest) == len(records) + 1  # every record and the malformed line
    reasons = dict(zip(manifest["doc_id"], manifest["reason"], strict=True))
    assert reasons["no_text"] == f"malformed_record:{len(records)}"
    assert reasons[f"line_{len(records) + 1}"] == f"malformed_record:{len(records) + 1}"
    kept = manifest.loc[manifest["status"] == "kept", "doc_id"]
    assert len(kept) == len(records) - 1 > 20
    assert len(list((results / "01_corpus/shards").glob("*.jsonl"))) == -(-len(kept) // 7)
    topics = pd.read_csv(results / "08_trends/topics_over_time.csv")
    assert list(topics["period"]) == ["2015-07", "2015-08"]
    assert topics["documents"].sum() == len(kept)
    assert topics.filter(like="topic_").sum(axis=1).round(4).eq(1).all()
    sources = pd.read_csv(results / "08_trends/topics_by_source.csv")
    assert sorted(sources["source"]) == ["alriyadh", "okaz"]
    themes = pd.read_csv(results / "08_trends/themes_over_time.csv")
    assert set(themes["period"]) == {"2015-07", "2015-08"}
    # One random seed: the held-out measure is one more fit on all but the held-out
    # documents (rule heldout_perplexity); the seed's own fit keeps every document.
    fitted = results / "04_lda/runs/gensim/unguided/k_3"
    heldout = json.loads((fitted / "heldout.json").read_text())
    assert heldout["test_documents"] == round(0.1 * len(kept))
    assert heldout["train_documents"] == len(kept) - heldout["test_documents"]
    scores = json.loads((fitted / "seed_42/scores.json").read_text())
    assert "heldout_perplexity" not in scores
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert selection["heldout_log_likelihood_per_word"].tolist() == pytest.approx(
        [heldout["heldout_log_likelihood_per_word"]]
    )


def test_config_error_stops_before_any_job(tmp_path, copy_project, edit_config, snakemake):
    """One wrong config through Snakemake: the error names the key, and no job ran.
    (tests/test_config.py checks every kind of config error by calling the checks.)"""
    workdir = copy_project(tmp_path / "broken")
    edit_config(workdir, lambda c: c["corpus"]["sources"][0].update(path="no/such/folder"))
    result = snakemake(workdir, "all", check=False)
    assert result.returncode != 0
    assert "corpus.sources[0].path: no/such/folder does not exist" in result.stdout + result.stderr
    assert not (workdir / "results").exists()
