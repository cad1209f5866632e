"""The workflow's scheduling hints, read from a dry run on the seed articles: the topic model
fits start longest first (their K is their priority), cluster_documents (the longest job
that needs no fit) before any of them, and the jobs that ask for more than one thread."""

from __future__ import annotations

import re

import pytest


def dry_run_jobs(text: str) -> list[dict]:
    """Each job of a dry run's log: its rule, wildcards, priority (0 when not shown) and
    threads (1 when not shown)."""
    jobs = []
    for block in re.split(r"^\[[^\]\n]+\]$", text, flags=re.MULTILINE):
        rule = re.search(r"^(?:local)?(?:rule|checkpoint) (\w+):", block, flags=re.MULTILINE)
        if not rule:
            continue
        field = {
            name: re.search(rf"^\s+{name}: (.*)$", block, flags=re.MULTILINE)
            for name in ("wildcards", "priority", "threads")
        }
        jobs.append(
            {
                "rule": rule.group(1),
                "wildcards": dict(
                    pair.split("=", 1) for pair in field["wildcards"].group(1).split(", ")
                )
                if field["wildcards"]
                else {},
                "priority": int(field["priority"].group(1)) if field["priority"] else 0,
                "threads": int(field["threads"].group(1)) if field["threads"] else 1,
            }
        )
    return jobs


@pytest.fixture(scope="module")
def seed_dry_run(tmp_path_factory, copy_project, snakemake) -> list[dict]:
    workdir = copy_project(tmp_path_factory.mktemp("scheduling") / "project")
    result = snakemake(workdir, "all", "--dry-run")
    return dry_run_jobs(result.stdout + result.stderr)


def test_fits_start_longest_first_after_the_clusters(seed_dry_run):
    fits = [job for job in seed_dry_run if job["rule"] == "fit_topic_model"]
    ks = {int(job["wildcards"]["k"]) for job in fits}
    assert len(ks) >= 2, "the seeds' grid should hold several K"
    for job in fits:
        assert job["priority"] == int(job["wildcards"]["k"])
    (clusters,) = [job for job in seed_dry_run if job["rule"] == "cluster_documents"]
    assert clusters["priority"] > max(ks)
    # Every other job keeps Snakemake's default.
    others = {j["rule"] for j in seed_dry_run if j["priority"] and j["rule"] != "fit_topic_model"}
    assert others == {"cluster_documents"}


def test_threads_of_the_ingest_and_the_similar_documents(seed_dry_run):
    threads = {job["rule"]: job["threads"] for job in seed_dry_run}
    # read_corpus checks the texts in 2 worker processes; the similar documents run on one
    # thread beside the fits (nothing waits for them).
    assert threads["read_corpus"] == 2
    assert threads["find_similar_documents"] == 1
