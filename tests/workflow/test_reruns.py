"""Reruns of the workflow: from scratch again (in shards) the tables are byte for byte those
of the seeds run; a changed setting reruns its stage and what follows it, and nothing before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def test_runs_from_scratch_are_byte_identical(seed_run, sharded_seed_run, table_digests):
    # Two independent runs from scratch: the seed run, and one in shards of two documents.
    one, three = seed_run / "results", sharded_seed_run / "results"
    first, second = table_digests(one), table_digests(three)
    assert len(first) > 40
    tables = {name for name in first | second if not is_shard_file(name)}
    assert {n: first.get(n) for n in tables} == {n: second.get(n) for n in tables}
    # The shards are cut at other places: the same documents and tokens, bytes and order.
    assert joined_shards(one, first) == joined_shards(three, second)
    assert len(joined_shards(one, first)) == 2
    paper = (one / "paper/checksums.sha256").read_text()
    assert paper == (three / "paper/checksums.sha256").read_text()


def test_sharded_run_gives_identical_tables(seed_run, sharded_seed_run, table_digests):
    results = sharded_seed_run / "results"
    shards = sorted(p.name for p in (results / "01_corpus/shards").glob("*.jsonl"))
    assert shards == ["00001.jsonl", "00002.jsonl", "00003.jsonl"]
    counted = sorted(p.name for p in (results / "benchmarks/count_shard").iterdir())
    assert counted == ["00001.tsv", "00002.tsv", "00003.tsv"]

    def merged_tables(results: Path) -> dict[str, str]:
        digests = table_digests(results)
        return {k: v for k, v in digests.items() if "shards" not in k and "paper" not in k}

    one, three = merged_tables(seed_run / "results"), merged_tables(results)
    assert len(one) > 40
    assert one == three


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


@pytest.mark.parametrize(
    ("key", "value", "refits"),
    [
        ("sampling_iterations", 50, False),  # tomotopy's setting: the gensim fits stay
        ("iterations", 50, True),  # gensim's inference iterations: every fit again
    ],
)
def test_an_engine_setting_refits_only_the_engines_that_read_it(
    copy_of_seed_run, snakemake, edit_config, key, value, refits
):
    edit_config(copy_of_seed_run, lambda c: c["lda"].update({key: value}))
    jobs = jobs_of_dry_run(snakemake, copy_of_seed_run)
    assert ("fit_topic_model" in jobs) is refits
    assert ("heldout_perplexity" in jobs) is refits


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
