"""The workflow through profiles/slurm on a one-node SLURM cluster, in the background.

``ClusterRuns.start`` installs what is missing (apt), starts the cluster (one_node_cluster.py)
and, in a thread, runs the seeds through the profile with one running job cancelled with
scancel (no retries), then the rerun that picks up after it. The SLURM tests
(tests/test_slurm.py) wait for it with ``result``. It starts with the pytest run
(tests/conftest.py), because the runs mostly wait on SLURM's queue and the plugin's status
checks: the unit tests and the other shared runs use the CPUs meanwhile.

The runs use a short K grid (``SHORT_LDA``: K 2 and 3): each job waits seconds for its status
check, so the number and chain of jobs, not the work, set the time. The local run they are
compared with has the same settings (``short_seed_run`` in tests/workflow_runs.py).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from one_node_cluster import OneNodeCluster, Unavailable, ensure_installed, tail
from workflow_runs import ROOT, SHORT_LDA, copy_project, edit_config

#: Set to 1 to run the cluster tests (.ci/run does); they install SLURM with apt.
REQUIRE_VARIABLE = "ARABIC_NEWS_TOPICS_REQUIRE_SLURM"
PROFILE = "profiles/slurm"
#: Seconds each of the two runs may take.
RUN_TIMEOUT = 900
# The plugin's options for this cluster: no accounting database, so job states come from
# squeue. Seed jobs take seconds, so status checks start 1 s after a job ends, not 40 s (the
# plugin then waits 10 s longer each time that no job has finished).
SLURM_OPTIONS = (
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "1",
)
# Jobs that may be cancelled: late enough that earlier outputs exist.
CANCEL_RULES = ("fit_topic_model", "cluster_documents", "compute_tfidf", "build_lda_corpus")


def required() -> bool:
    """Whether this pytest run must run the cluster tests."""
    return os.environ.get(REQUIRE_VARIABLE) == "1"


def copy_with_profile(target: Path) -> Path:
    """A copy of the project with the SLURM profile and the short K grid (``SHORT_LDA``)."""
    workdir = copy_project(target)
    (workdir / PROFILE).mkdir(parents=True)
    (workdir / PROFILE / "config.yaml").write_bytes((ROOT / PROFILE / "config.yaml").read_bytes())
    edit_config(workdir, lambda config: config["lda"].update(SHORT_LDA))
    return workdir


def snakemake_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


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
        """The exit status; a run past ``deadline`` is killed and raises RuntimeError."""
        try:
            return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as error:
            self.kill()
            raise RuntimeError(f"{self.name} ran past its limit:\n{tail(self.output)}") from error

    def kill(self) -> None:
        """Stop this Snakemake process and its local jobs (its session), if still running."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class Outcome:
    """What the runs left: the cancelled run and its rerun, their exit statuses, the job
    cancelled (id, rule) and the jobs tried, SLURM's job states, the seconds they took."""

    cancel: Run
    rerun: Run | None = None
    returncodes: dict[str, int] = field(default_factory=dict)
    cancelled: tuple[str, str] | None = None
    tried: set[str] = field(default_factory=set)
    states: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    seconds: float = 0.0


class ClusterRuns:
    """The cluster and the runs on it, started by ``start`` and awaited by ``result``."""

    def __init__(self, base: Path):
        self.base = base
        self.cluster: OneNodeCluster | None = None
        self.thread: threading.Thread | None = None
        self.outcome: Outcome | None = None
        self.error: str | None = None
        self.unavailable: str | None = None
        self.stopped = threading.Event()

    def start(self) -> None:
        """Install and start the cluster (here; it takes seconds once installed), then the
        runs in a thread. Where that cannot be done, ``unavailable`` says why."""
        try:
            ensure_installed()
            self.cluster = OneNodeCluster()
            self.cluster.start()
        except (Unavailable, RuntimeError, OSError, subprocess.SubprocessError) as error:
            self.unavailable = f"the one-node cluster did not start: {error}"
            self._stop_cluster()
            return
        self.thread = threading.Thread(target=self._runs, name="slurm runs", daemon=True)
        self.thread.start()

    def result(self) -> Outcome:
        """Wait for the runs; raise Unavailable (no cluster) or RuntimeError (a run broke)."""
        if self.unavailable is not None:
            raise Unavailable(self.unavailable)
        if self.thread is None:
            raise RuntimeError("the SLURM runs were not started")
        self.thread.join()
        if self.error is not None:
            raise RuntimeError(self.error)
        return self.outcome

    def close(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=60)
        self._stop_cluster()

    def _stop_cluster(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()

    def _runs(self) -> None:
        cluster = self.cluster
        args = ["--workflow-profile", PROFILE, *SLURM_OPTIONS]
        started = time.monotonic()
        cancel = Run(
            copy_with_profile(self.base / "cancel"),
            "cancelled",
            [*args, "--retries", "0", "all"],
            cluster.env(),
        )
        outcome = Outcome(cancel=cancel)
        try:
            deadline = time.monotonic() + RUN_TIMEOUT
            while cancel.process.poll() is None and time.monotonic() < deadline:
                if self.stopped.is_set():
                    return
                if outcome.cancelled is None:
                    outcome.cancelled = cancel_one_running_job(
                        cluster, cancel.output, outcome.tried
                    )
                time.sleep(0.2)
            outcome.returncodes["cancelled"] = cancel.wait(deadline)
            # The rerun starts as soon as the cancelled run has stopped.
            outcome.rerun = Run(cancel.workdir, "rerun", [*args, "all"], cluster.env())
            outcome.returncodes["rerun"] = outcome.rerun.wait(time.monotonic() + RUN_TIMEOUT)
            outcome.states = cluster.job_states()
            outcome.seconds = time.monotonic() - started
            self.outcome = outcome
        except Exception as error:  # the tests report it; no test may wait for ever
            self.error = f"the SLURM runs broke: {error!r}\n{cluster.logs()}"
        finally:
            for run in (cancel, outcome.rerun):
                if run is not None:
                    run.kill()


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
