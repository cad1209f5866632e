"""SLURM: the workflow through profiles/slurm, on a real one-node SLURM cluster.

The cluster runs (tests/slurm/cluster_runs.py) install Debian's SLURM and MUNGE with apt where
they are missing and need root, so they run only with ARABIC_NEWS_TOPICS_REQUIRE_SLURM=1 (set
by .ci/run), and then must pass; elsewhere they are skipped and say how to run them. They
start with the pytest run (tests/conftest.py). The profile tests run everywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml
from cluster_runs import PROFILE, copy_with_profile
from one_node_cluster import tail
from workflow_runs import ROOT

pytestmark = pytest.mark.workflow


def snakemake_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


def submitted_jobs(output: str) -> list[str]:
    """SLURM job ids that the plugin reports submitting."""
    return re.findall(r"has been submitted with SLURM jobid (\d+)", output)


def executed(output: str, kind: str) -> list[str]:
    """Rules of the jobs Snakemake started: kind 'local' (localrule) or 'cluster'."""
    words = r"localrule" if kind == "local" else r"(?:rule|checkpoint)"
    return re.findall(rf"^{words} (\w+):$", output, flags=re.MULTILINE)


def rule_log_job_ids(results) -> dict[str, str]:
    """Rule log -> the SLURM job id it names (logs.log_to writes it under SLURM)."""
    found = {}
    for log in sorted((results / "logs").rglob("*.log")):
        match = re.search(r"SLURM job (\d+) on node", log.read_text(encoding="utf-8"))
        if match:
            found[str(log.relative_to(results / "logs"))] = match.group(1)
    return found


# ------------------------------------------------------------------------------------------
# The profile (no cluster needed)


def test_profile_holds_only_site_wide_settings():
    """Threads, memory and runtime are the rules' own (one source); the profile has none of
    them per rule, and every cluster rule declares all three, growing with the attempt."""
    profile = yaml.safe_load((ROOT / PROFILE / "config.yaml").read_text(encoding="utf-8"))
    assert not {"set-resources", "set-threads"} & set(profile)
    assert profile["executor"] == "slurm"
    for key in ("jobs", "latency-wait", "retries", "rerun-incomplete", "default-resources"):
        assert key in profile
    rules_text = "\n".join(p.read_text() for p in sorted((ROOT / "workflow/rules").glob("*.smk")))
    bodies = re.findall(
        r"^(?:rule|checkpoint) (\w+):\n((?:(?!^rule |^checkpoint ).)*)",
        rules_text,
        flags=re.MULTILINE | re.DOTALL,
    )
    cluster_rules = [(name, body) for name, body in bodies if "localrule: True" not in body]
    assert len(cluster_rules) >= 15
    for name, body in cluster_rules:
        assert "threads:" in body, name
        assert re.search(r"mem_mb=get_(cluster_|fit_)?mem_mb", body), name
        # fit_topic_model's runtime: get_fit_runtime, checked below.
        assert re.search(r"runtime=(lambda [^:]*attempt[^:]*: attempt \*|get_fit_runtime)", body)
    # The helpers of fit_topic_model grow with the attempt too (and with its threads).
    common = (ROOT / "workflow/rules/common.smk").read_text(encoding="utf-8")
    for helper in ("get_fit_mem_mb", "get_fit_runtime"):
        (body,) = re.findall(rf"^def {helper}\(.*?\n\n\n", common, flags=re.MULTILINE | re.DOTALL)
        assert re.search(r"return attempt \*|\(wildcards, input, attempt\)", body), helper


@pytest.mark.parametrize("with_variables", [True, False])
def test_profile_takes_partition_and_account_from_the_environment(tmp_path, with_variables):
    workdir = copy_with_profile(tmp_path / "profile")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SBATCH_", "SLURM_"))}
    if with_variables:
        env.update(SBATCH_PARTITION="long", SBATCH_ACCOUNT="project_123")
    result = subprocess.run(
        snakemake_command("--workflow-profile", PROFILE, "--dry-run", "all"),
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    resources = re.findall(r"^\s+resources: (.*)$", output, flags=re.MULTILINE)
    read_corpus = output.split("checkpoint read_corpus:")[1].split("\n\n")[0]
    # The rule's own resources (get_mem_mb's base 800 for a small corpus), not the profile's.
    assert "runtime=10" in read_corpus and "mem_mb=800" in read_corpus
    assert resources
    for line in resources:
        assert ("slurm_partition=long" in line) is with_variables, line
        assert ("slurm_account=project_123" in line) is with_variables, line


# ------------------------------------------------------------------------------------------
# The real cluster: one run with a job cancelled, then the rerun


def test_workflow_runs_as_slurm_jobs(slurm_runs):
    outcome, _ = slurm_runs
    states = outcome.states
    cancelled_id = outcome.cancelled[0] if outcome.cancelled else None
    all_ids, all_rules = [], []
    for run in (outcome.cancel, outcome.rerun):
        output = run.output
        # Every cluster job was submitted to SLURM under the job name of its run and a
        # comment naming its rule; the controller ran it to completion (but the cancelled
        # one, and any that Snakemake stopped when it failed).
        run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)
        job_ids, cluster_rules = submitted_jobs(output), executed(output, "cluster")
        assert len(job_ids) == len(set(job_ids)) == len(cluster_rules), tail(output)
        allowed = ("COMPLETED",) if run is outcome.rerun else ("COMPLETED", "CANCELLED")
        for job_id in job_ids:
            state, name, comment = states[job_id]
            assert name == run_id, (job_id, state, name, comment)
            assert state in allowed or job_id == cancelled_id, (job_id, state, comment)
        assert {states[j][2].split("_wildcards_")[0] for j in job_ids} == {
            f"rule_{rule}" for rule in cluster_rules
        }
        all_ids += job_ids
        all_rules += cluster_rules
    assert len(all_ids) >= 10
    assert {"read_corpus", "count_shard", "tokenize_shard", "fit_topic_model"} <= set(all_rules)

    # Each job's own log names its SLURM job id (SLURM_JOB_ID, set by slurmd in the job);
    # the local rules (localrules: figures, small tables) ran without one.
    results = outcome.cancel.workdir / "results"
    logged = rule_log_job_ids(results)
    assert len(logged) >= 10
    assert set(logged.values()) <= set(all_ids)
    rerun_ids = set(submitted_jobs(outcome.rerun.output))
    assert rerun_ids <= set(logged.values())  # each rerun job wrote its log last
    local_rules = set(executed(outcome.cancel.output + outcome.rerun.output, "local")) - {"all"}
    assert {"plot_corpus", "plot_lda", "trends"} <= local_rules
    for rule in local_rules:
        assert f"{rule}.log" not in logged, rule


def test_cancelled_job_then_rerun_gives_the_tables_of_a_local_run(slurm_runs, table_digests):
    outcome, local_run = slurm_runs
    output = outcome.cancel.output
    assert outcome.cancelled is not None, (
        f"no running job could be cancelled (tried {sorted(outcome.tried)}):\n{tail(output)}"
    )
    job_id, rule = outcome.cancelled
    assert outcome.returncodes["cancelled"] != 0, tail(output)
    assert f"SLURM-job '{job_id}' failed, SLURM status is: 'CANCELLED'" in output, tail(output)

    # The rerun picks up where the cancelled run stopped: the cancelled rule runs again,
    # the corpus is not read again.
    rerun = outcome.rerun.output
    assert outcome.returncodes["rerun"] == 0, tail(rerun, 80)
    assert rule in executed(rerun, "cluster")
    assert "read_corpus" not in executed(rerun, "cluster")
    print(f"the cancelled run and the rerun took {outcome.seconds:.0f} s")

    # Its tables are those of the local run with the same settings (a copy of the seeds run
    # with its topic models changed, which also holds the seeds run's other fits and paper).
    slurm = table_digests(outcome.cancel.workdir / "results")
    local = table_digests(local_run / "results")
    assert len(slurm) > 40
    assert set(slurm) <= set(local)
    assert slurm == {name: local[name] for name in slurm}
