"""SLURM: the workflow through profiles/slurm, on a real one-node SLURM cluster.

The cluster (tests/slurm/one_node_cluster.py) needs root and Debian's packages, which it
installs with apt where they are missing. Where that cannot be done, the cluster tests say
why and are skipped, unless ARABIC_NEWS_TOPICS_REQUIRE_SLURM=1 (set by .ci/run), which makes
them fail. The profile tests run everywhere.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "slurm"))

from one_node_cluster import OneNodeCluster, Unavailable, ensure_installed, tail
from workflow_runs import ROOT, copy_project, table_digests

pytestmark = pytest.mark.workflow

REQUIRE_VARIABLE = "ARABIC_NEWS_TOPICS_REQUIRE_SLURM"
PROFILE = "profiles/slurm"
RUN_TIMEOUT = 600
# The plugin's options for this cluster: no accounting database, so job states come from
# squeue. Seed jobs take seconds, so status checks start 1 s after a job ends, not 40 s (the
# plugin then waits 10 s longer each time that no job has finished).
SLURM_OPTIONS = (
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "1",
)
# Jobs that may be cancelled in the second run: late enough that earlier outputs exist.
CANCEL_RULES = ("fit_topic_model", "cluster_documents", "compute_tfidf", "build_lda_corpus")


def unavailable(reason: str):
    message = f"SLURM test not run: {reason}"
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{message} ({REQUIRE_VARIABLE}=1 requires it)", pytrace=False)
    pytest.skip(message)


def copy_with_profile(target: Path) -> Path:
    workdir = copy_project(target)
    (workdir / "profiles").mkdir()
    (workdir / PROFILE).mkdir()
    (workdir / PROFILE / "config.yaml").write_bytes((ROOT / PROFILE / "config.yaml").read_bytes())
    return workdir


def snakemake_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


def submitted_jobs(output: str) -> list[str]:
    """SLURM job ids that the plugin reports submitting."""
    return re.findall(r"has been submitted with SLURM jobid (\d+)", output)


def executed(output: str, kind: str) -> list[str]:
    """Rules of the jobs Snakemake started: kind 'local' (localrule) or 'cluster'."""
    words = r"localrule" if kind == "local" else r"(?:rule|checkpoint)"
    return re.findall(rf"^{words} (\w+):$", output, flags=re.MULTILINE)


def rule_log_job_ids(results: Path) -> dict[str, str]:
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
        assert re.search(r"mem_mb=get_(cluster_)?mem_mb", body), name
        assert re.search(r"runtime=lambda [^:]*attempt[^:]*: attempt \*", body), name


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
    assert "runtime=10" in read_corpus and "mem_mb=600" in read_corpus
    assert resources
    for line in resources:
        assert ("slurm_partition=long" in line) is with_variables, line
        assert ("slurm_account=project_123" in line) is with_variables, line


# ------------------------------------------------------------------------------------------
# The real cluster


@pytest.fixture(scope="module")
def cluster():
    reason = None
    try:
        ensure_installed()
    except Unavailable as error:
        reason = str(error)
    if reason is not None:
        unavailable(reason)
    one_node = OneNodeCluster()
    try:
        one_node.start()
    except (Unavailable, RuntimeError, OSError, subprocess.SubprocessError) as error:
        one_node.stop()
        reason = f"the one-node cluster did not start: {error}"
    if reason is not None:
        unavailable(reason)
    try:
        yield one_node
    finally:
        one_node.stop()


class Run:
    """One Snakemake process in its own copy of the project, its output in <name>.out."""

    def __init__(self, workdir: Path, name: str, args: list[str], env: dict):
        self.workdir, self.name = workdir, name
        self.log = workdir / f"{name}.out"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                snakemake_command(*args),
                cwd=workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait(self, deadline: float) -> int:
        try:
            return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"{self.name} ran past its time limit:\n{tail(self.output)}")

    def kill(self) -> None:
        """Stop this Snakemake process and its local jobs (its session), if still running."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def runs(cluster, seed_run, tmp_path_factory):
    """Two runs on the seeds from scratch, side by side: one through the profile on the
    cluster; and one through the profile in which a running job is cancelled with scancel
    (no retries), followed by a rerun. The local run they are compared with is the seeds run
    of the pytest run (tests/conftest.py)."""
    root = tmp_path_factory.mktemp("runs")
    slurm_args = ["--workflow-profile", PROFILE, *SLURM_OPTIONS]
    started = time.monotonic()
    slurm = Run(copy_with_profile(root / "slurm"), "slurm", [*slurm_args, "all"], cluster.env())
    cancel = Run(
        copy_with_profile(root / "cancel"),
        "cancelled",
        [*slurm_args, "--retries", "0", "all"],
        cluster.env(),
    )
    rerun = None
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        cancelled, tried = None, set()
        while cancel.process.poll() is None and time.monotonic() < deadline:
            if cancelled is None:
                cancelled = cancel_one_running_job(cluster, cancel.output, tried)
            time.sleep(0.2)
        returncodes = {"cancelled": cancel.wait(deadline)}
        # The rerun starts as soon as the cancelled run has stopped.
        rerun = Run(cancel.workdir, "rerun", [*slurm_args, "all"], cluster.env())
        deadline = time.monotonic() + RUN_TIMEOUT
        returncodes.update((run.name, run.wait(deadline)) for run in (slurm, rerun))
    finally:
        for run in (slurm, cancel, rerun):
            if run is not None:
                run.kill()
    print(f"runs side by side and the rerun: {time.monotonic() - started:.0f} s")
    assert returncodes["slurm"] == 0, f"{tail(slurm.output, 80)}\n{cluster.logs()}"
    # The seeds run ran the paper target too; these runs did not.
    local_tables = {
        name: digest
        for name, digest in table_digests(seed_run / "results").items()
        if not name.startswith("paper/")
    }
    return {
        "slurm": slurm,
        "cancel": cancel,
        "rerun": rerun,
        "returncodes": returncodes,
        "cancelled": cancelled,
        "tried": tried,
        "states": cluster.job_states(),
        "local_tables": local_tables,
    }


def cancel_one_running_job(cluster, output: str, tried: set) -> tuple[str, str] | None:
    """scancel a running job of one of CANCEL_RULES in the Snakemake run whose ``output``
    is given; its (id, rule) once SLURM says it was cancelled (a job that finished before
    the signal came is passed over)."""
    run_id = re.search(r"SLURM run ID: (\S+)", output)
    if run_id is None:
        return None
    for job_id, (state, name, comment) in cluster.job_states().items():
        rule = comment.removeprefix("rule_").split("_wildcards_")[0]
        if name != run_id.group(1) or state != "RUNNING" or rule not in CANCEL_RULES:
            continue
        if job_id in tried:
            continue
        tried.add(job_id)
        cluster.command("scancel", job_id)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = cluster.job_states()[job_id][0]
            if state not in ("RUNNING", "COMPLETING", "PENDING"):
                break
            time.sleep(0.2)
        if state == "CANCELLED":
            return job_id, rule
    return None


def test_workflow_runs_as_slurm_jobs(runs):
    output, results = runs["slurm"].output, runs["slurm"].workdir / "results"
    # Every cluster job was submitted to SLURM, and the controller ran it to completion
    # under the job name of this run and a comment naming its rule.
    run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)
    job_ids = submitted_jobs(output)
    cluster_rules = executed(output, "cluster")
    assert len(job_ids) == len(set(job_ids)) == len(cluster_rules) >= 14
    states = runs["states"]
    for job_id in job_ids:
        state, name, comment = states[job_id]
        assert (state, name) == ("COMPLETED", run_id), (job_id, state, name, comment)
    assert {states[j][2].split("_wildcards_")[0] for j in job_ids} == {
        f"rule_{rule}" for rule in cluster_rules
    }
    assert {"read_corpus", "count_shard", "tokenize_shard", "fit_topic_model"} <= set(cluster_rules)

    # Each job's own log names its SLURM job id (SLURM_JOB_ID, set by slurmd in the job);
    # the local rules (localrules: figures, small tables) ran without one.
    logged = rule_log_job_ids(results)
    assert sorted(logged.values(), key=int) == sorted(job_ids, key=int)
    local_rules = set(executed(output, "local")) - {"all"}
    assert {"plot_corpus", "plot_lda", "trends"} <= local_rules
    for rule in local_rules:
        assert f"{rule}.log" not in logged, rule


def test_slurm_run_tables_are_byte_identical_to_a_local_run(runs):
    local, slurm = runs["local_tables"], table_digests(runs["slurm"].workdir / "results")
    assert len(local) > 40
    assert slurm == local


def test_cancelled_job_then_rerun_gives_identical_tables(runs):
    output = runs["cancel"].output
    assert runs["cancelled"] is not None, (
        f"no running job could be cancelled (tried {sorted(runs['tried'])}):\n{tail(output)}"
    )
    job_id, rule = runs["cancelled"]
    assert runs["returncodes"]["cancelled"] != 0, tail(output)
    assert f"SLURM-job '{job_id}' failed, SLURM status is: 'CANCELLED'" in output, tail(output)

    # The rerun picks up where the cancelled run stopped: the cancelled rule runs again,
    # the corpus is not read again; the tables are those of the local run.
    rerun = runs["rerun"].output
    assert runs["returncodes"]["rerun"] == 0, tail(rerun, 80)
    assert rule in executed(rerun, "cluster")
    assert "read_corpus" not in executed(rerun, "cluster")
    assert table_digests(runs["cancel"].workdir / "results") == runs["local_tables"]
