"""A run killed mid-fit resumes with one command: ``kill -9`` of Snakemake while a topic model
is being fitted leaves its lock, its incomplete markers and orphaned jobs that go on writing;
``make resume`` (the Makefile's recipe, run as the Makefile would) finishes the run, and every
table is byte for byte that of a run that was never interrupted."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from workflow_runs import ROOT, copy_project, short_lda_on_seeds, snakemake_command

from arabic_news_topics import runs

pytestmark = pytest.mark.workflow

#: Seconds to wait for the first fit to start.
START_TIMEOUT = 900


def resume_commands(workdir: Path) -> list[str]:
    """The commands of ``make resume`` for ``workdir``, as make prints them (``-n``), with
    this interpreter's installation as the Makefile's virtual environment."""
    venv = Path(sys.executable).parent.parent
    make = ["make", "-n", "--no-print-directory", "-f", str(ROOT / "Makefile")]
    # Under `make test`, the outer make's settings must not reach this one.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    printed = subprocess.run(
        [*make, "-o", f"{venv}/bin/.installed", "resume", f"VENV={venv}", "CORES=2"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [line for line in printed if line.strip()]


def wait_for(path: Path, text: str, process: subprocess.Popen) -> None:
    """Wait until the log ``path`` holds ``text`` (and fail if the run ends first)."""
    deadline = time.monotonic() + START_TIMEOUT
    while text not in path.read_text(encoding="utf-8", errors="replace"):
        assert process.poll() is None, path.read_text(encoding="utf-8")[-5000:]
        assert time.monotonic() < deadline, f"no {text!r} in {START_TIMEOUT} s"
        time.sleep(0.2)


def test_kill_9_mid_fit_then_make_resume_gives_the_tables_of_an_uninterrupted_run(
    tmp_path, short_seed_run, table_digests
):
    workdir = copy_project(tmp_path / "killed")
    args = short_lda_on_seeds(workdir)  # the settings of short_seed_run, never interrupted
    log = tmp_path / "killed.out"
    with log.open("w") as out:
        run = subprocess.Popen(
            snakemake_command(*args),
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(log, "rule fit_topic_model:", run)
        time.sleep(1.0)  # the fit's process has started and imports its libraries
        os.kill(run.pid, signal.SIGKILL)  # Snakemake only: its jobs are orphaned
        run.wait(timeout=30)
        # The scene a user finds: the folder locked, the fit's outputs marked incomplete,
        # and the fit itself still running (it imports for two seconds, then fits).
        assert any((workdir / ".snakemake" / "locks").iterdir())
        assert any((workdir / ".snakemake" / "incomplete").iterdir())
        assert runs.orphaned_jobs(workdir)

        for command in resume_commands(workdir):
            done = subprocess.run(
                command, shell=True, cwd=workdir, capture_output=True, text=True, timeout=1800
            )
            assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}{done.stderr[-5000:]}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)

    results = workdir / "results"
    assert (results / "report.html").stat().st_size > 0
    assert not any((workdir / ".snakemake" / "incomplete").iterdir())
    # The next run finds the run complete (no stale incomplete marks stop it).
    again = subprocess.run(
        snakemake_command(*args, "--dry-run"), cwd=workdir, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Nothing to be done" in again.stdout + again.stderr
    reference = table_digests(short_seed_run / "results")
    resumed = table_digests(results)
    # short_seed_run is a copy of the seeds run: it holds the seeds run's own fits too.
    assert set(resumed) <= set(reference)
    assert {n for n in set(reference) - set(resumed) if not n.startswith("04_lda/runs/")} == set()
    assert len(resumed) > 40
    assert resumed == {name: reference[name] for name in resumed}
    paper = (short_seed_run / "results/paper/checksums.sha256").read_text()
    assert paper == (results / "paper/checksums.sha256").read_text()
