"""Runs of separate corpora never mix: each runs in a folder of its own (--directory), and a
run on another corpus in a folder that holds one stops before any job."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from workflow_runs import copy_run

pytestmark = pytest.mark.workflow

#: Outputs of the last stages: a folder that has them has run the whole workflow.
FINAL_OUTPUTS = (
    "04_lda/model_selection.csv",
    "05_clusters/assignments.csv",
    "06_themes/doc_themes.csv",
    "06_themes/theme_prevalence.png",
    "08_trends/topics_over_time.csv",
)


def kept_ids(results: Path) -> set[str]:
    manifest = pd.read_csv(results / "02_normalize/manifest.tsv", sep="\t").fillna("")
    return set(manifest.loc[manifest["status"] == "kept", "doc_id"])


def file_digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_corpora_leave_two_separate_complete_result_folders(
    news_in_own_folder_run, seed_ids, snakemake, tmp_path
):
    """The user's folder of text files in results/, then a JSON Lines export with
    --directory runs/news: two complete result trees, each of its own corpus and settings
    only, each recording its corpus in run.json; the workflow's own files (default config,
    word lists) were found from runs/news too. Then the export's config in the folder that
    holds the text files: a dry run warns and writes nothing, a run stops before any job and
    says how to run it in a folder of its own."""
    workdir = news_in_own_folder_run
    own, news = workdir / "results", workdir / "runs" / "news" / "results"
    for results in (own, news):
        missing = [name for name in FINAL_OUTPUTS if not (results / name).is_file()]
        assert missing == [], f"{results} is not complete"
    assert sorted(p.name for p in (workdir / "runs").iterdir()) == ["news"]

    # Each folder holds its own corpus, through to the last stage.
    own_ids, news_ids = kept_ids(own), kept_ids(news)
    assert own_ids == {f"2024/{doc_id}" for doc_id in seed_ids.values()}
    assert len(news_ids) > 20 and all(i.rsplit("_", 1)[0] in seed_ids for i in news_ids)
    for results, ids in ((own, own_ids), (news, news_ids)):
        assert set(pd.read_csv(results / "06_themes/doc_themes.csv")["doc_id"]) == ids
        assert set(pd.read_csv(results / "05_clusters/assignments.csv")["doc_id"]) == ids
    assert (own / "08_trends/topics_over_time.csv").read_bytes() != (
        news / "08_trends/topics_over_time.csv"
    ).read_bytes()

    # And the fits and logs of its own settings only (my.yaml: K 3; news.yaml: K 2).
    for results, k in ((own, "k_3"), (news, "k_2")):
        # Each with the engine lda.engine auto chose for its corpus (the news paragraphs are
        # short: tomotopy).
        engine = json.loads((results / "04_lda/chosen_k.json").read_text())["engine"]
        assert engine == ("gensim" if results == own else "tomotopy")
        fits = results / f"04_lda/runs/{engine}/unguided"
        assert sorted(p.name for p in fits.iterdir()) == [k]
        logs = results / f"logs/fit_topic_model/{engine}/unguided"
        assert sorted(p.name for p in logs.iterdir()) == [f"{k}.log"]

    # Each records its corpus, as written in its config.
    own_record = json.loads((own / "run.json").read_text(encoding="utf-8"))
    news_record = json.loads((news / "run.json").read_text(encoding="utf-8"))
    assert own_record["corpus"] == [{"path": "my_corpus", "format": "txt", "pattern": "*.txt"}]
    assert news_record["corpus"] == [{"path": "../../news.jsonl.gz", "format": "jsonl"}]
    assert [Path(f).name for f in news_record["config_files"]] == ["news.yaml"]

    # The export's corpus in the folder that holds the text files (a copy of it).
    copy = copy_run(workdir, tmp_path / "copy")
    (copy / "news_here.yaml").write_text(
        "corpus:\n  sources:\n    - path: news.jsonl.gz\n      format: jsonl\n",
        encoding="utf-8",
    )
    before = file_digests(copy / "results")
    dry = snakemake(copy, "all", "--configfile", "news_here.yaml", "--dry-run")
    assert "results/ holds: my_corpus (txt, *.txt) [--configfile" in dry.stdout + dry.stderr
    assert file_digests(copy / "results") == before
    refused = snakemake(copy, "all", "--configfile", "news_here.yaml", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "results/run.json says that results/ holds the results of another corpus" in output
    assert "results/ holds: my_corpus (txt, *.txt)" in output
    assert "this run reads: news.jsonl.gz (jsonl)" in output
    config = copy / "news_here.yaml"
    assert f"--directory runs/news_here --configfile {config}" in output
    assert f"give the corpus as {copy / 'news.jsonl.gz'}" in output
    assert file_digests(copy / "results") == before
