"""Reruns of the workflow: from scratch again (in shards) the tables are byte for byte those
of the seeds run; a changed setting reruns its stage and what follows it, and nothing before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from workflow_runs import copy_run

pytestmark = pytest.mark.workflow


def is_shard_file(name: str) -> bool:
    """A file of one shard: 01_corpus/shards/00001.jsonl, 02_normalize/shards/00001/..."""
    return name.split("/")[1:2] == ["shards"]


def joined_shards(results: Path, digests: dict[str, str]) -> dict[str, bytes]:
    """Each stage's shard tables of one name, one shard after the other: the corpus shards
    (01_corpus/shards/*.jsonl) and the tokens of each shard (02_normalize/shards/*/tokens.jsonl)."""
    joined: dict[str, bytes] = {}
    for name in sorted(n for n in digests if is_shard_file(n)):
        stage, _, _, *rest = name.split("/")
        key = f"{stage}/shards/*/{'/'.join(rest) or '*.jsonl'}"
        joined[key] = joined.get(key, b"") + (results / name).read_bytes()
    return joined


def only_in_reference(reference: dict[str, str], run: dict[str, str]) -> set[str]:
    """Names that ``reference`` (a copy of the seeds run, refitted with the short K grid)
    has and ``run`` has not: they must be fits of the seeds run's own grid only."""
    extra = set(reference) - set(run)
    assert all(name.startswith("04_lda/runs/") for name in extra), sorted(extra)
    return extra


def test_sharded_run_from_scratch_is_byte_identical(
    seed_run, short_seed_run, sharded_seed_run, table_digests
):
    """A second run from scratch, in shards of two documents (and every job in its
    shadow): every table as in the seeds run with the same settings, the shards cut at
    other places but holding the same documents and tokens, the paper identical."""
    results = sharded_seed_run / "results"
    shards = sorted(p.name for p in (results / "01_corpus/shards").glob("*.jsonl"))
    assert shards == ["00001.jsonl", "00002.jsonl", "00003.jsonl"]
    counted = sorted(p.name for p in (results / "benchmarks/count_shard").iterdir())
    assert counted == ["00001.tsv", "00002.tsv", "00003.tsv"]

    reference, run = table_digests(short_seed_run / "results"), table_digests(results)
    only_in_reference(reference, run)
    tables = {name for name in run if not is_shard_file(name)}
    assert len(tables) > 40
    assert {n: run[n] for n in tables} == {n: reference.get(n) for n in tables}
    # The shards: the same documents and tokens, bytes and order, as the unsharded seeds run.
    seeds = table_digests(seed_run / "results")
    joined = joined_shards(results, run)
    assert joined == joined_shards(seed_run / "results", seeds)
    assert len(joined) == 2
    paper = (short_seed_run / "results/paper/checksums.sha256").read_text()
    assert paper == (results / "paper/checksums.sha256").read_text()


# ------------------------------------------------------------------------------------------
# What a changed setting reruns (dry runs in a copy of the seeds run)


def jobs_of_dry_run(snakemake, workdir: Path) -> set[str]:
    """Names of the rules a dry run would execute."""
    result = snakemake(workdir, "all", "--dry-run", "--quiet", "rules")
    return set(re.findall(r"^(\w+)\s+\d+\s*$", result.stdout, flags=re.MULTILINE))


def test_changing_num_topics_reruns_lda_and_after_only(copy_of_seed_run, snakemake, edit_config):
    def fewer_topics(config):
        config["lda"]["num_topics"] = [2, 3]

    edit_config(copy_of_seed_run, fewer_topics)
    jobs = jobs_of_dry_run(snakemake, copy_of_seed_run)
    assert {"select_num_topics", "plot_lda", "assign_themes", "plot_themes"} <= jobs
    assert jobs.isdisjoint({"read_corpus", "normalize_corpus", "compute_tfidf", "build_lda_corpus"})
    # K = 2 and 3 are already fitted with the same settings and seeds.
    assert jobs.isdisjoint({"fit_topic_model", "heldout_perplexity"})


def test_a_ks_seeds_fitted_in_several_processes_give_the_same_runs(copy_of_seed_run, snakemake):
    """--set-threads fit_topic_model=3 (the cluster setting of docs/running_on_clusters.md)
    fits each K's three seeds in three processes: every run's tables, scores and topic-word
    matrix as the one-process jobs of the seeds run wrote them."""
    runs = copy_of_seed_run / "results" / "04_lda" / "runs"
    suffixes = (".csv", ".json", ".npz")
    before = {p.relative_to(runs): p.read_bytes() for p in runs.rglob("*") if p.suffix in suffixes}
    seed_folders = {part for path in before for part in path.parts if part.startswith("seed_")}
    assert len(seed_folders) == 3
    snakemake(
        copy_of_seed_run,
        *("--set-threads", "fit_topic_model=3", "--forcerun", "fit_topic_model"),
        *("--until", "fit_topic_model"),
    )
    after = {p.relative_to(runs): p.read_bytes() for p in runs.rglob("*") if p.suffix in suffixes}
    assert after == before
    logs = sorted((copy_of_seed_run / "results/logs/fit_topic_model").rglob("*.log"))
    assert logs and all("3 random seeds in 3 processes" in p.read_text() for p in logs)


@pytest.mark.parametrize(
    ("key", "value", "refits"),
    [
        ("sampling_iterations", 50, False),  # tomotopy's setting: the gensim fits stay
        ("iterations", 400, True),  # gensim's inference iterations: every fit again
    ],
)
def test_an_engine_setting_refits_only_the_engines_that_read_it(
    short_seed_run, snakemake, edit_config, key, value, refits, tmp_path
):
    # The short run (SHORT_LDA) has held-out fits, which the seeds run leaves out: its
    # second seed's fits hold an article out, and no fit is there for that alone.
    workdir = copy_run(short_seed_run, tmp_path / "short")
    runs = workdir / "results/04_lda/runs/gensim/unguided"
    held_out = [
        json.loads((runs / f"k_{k}/seed_{seed}/scores.json").read_text()).get("test_documents")
        for k in (2, 3)
        for seed in (42, 7)
    ]
    assert held_out == [None, 1, None, 1]
    assert not list(runs.rglob("heldout.json"))
    edit_config(workdir, lambda c: c["lda"].update({key: value}))
    jobs = jobs_of_dry_run(snakemake, workdir)
    assert ("fit_topic_model" in jobs) is refits
    assert "heldout_perplexity" not in jobs


@pytest.mark.parametrize("value", [3, 0])
def test_similar_documents_rerun_alone_or_are_left_out(
    copy_of_seed_run, snakemake, edit_config, value
):
    edit_config(copy_of_seed_run, lambda c: c["tfidf"].update({"similar_documents": value}))
    jobs = jobs_of_dry_run(snakemake, copy_of_seed_run)
    # Only its own job reads the setting (and export_model, which records the whole config);
    # with 0 the table is not asked for at all.
    assert ("find_similar_documents" in jobs) is bool(value)
    assert jobs - {"all", "total"} <= {"find_similar_documents", "export_model"}


def test_changing_a_normalization_switch_reruns_from_normalization(
    copy_of_seed_run, snakemake, edit_config
):
    def keep_taa_marbuta(config):
        config["normalize"]["fold_taa_marbuta"] = False

    edit_config(copy_of_seed_run, keep_taa_marbuta)
    jobs = jobs_of_dry_run(snakemake, copy_of_seed_run)
    assert {"build_normalizer", "tokenize_shard", "normalize_corpus", "compute_tfidf"} <= jobs
    assert {"fit_topic_model", "assign_themes"} <= jobs
    # The passes before the rules of single words do not read that switch.
    assert jobs.isdisjoint({"read_corpus", "find_recurring_lines", "count_shard"})
