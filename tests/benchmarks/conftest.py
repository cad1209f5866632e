"""Shared fixtures of the benchmark scripts' tests (the scripts live in benchmarks/)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.fixture
def fake_snakemake(monkeypatch, tmp_path) -> SimpleNamespace:
    """``workflow_speed.run_version`` with Snakemake replaced (nothing is run): each command
    is recorded in ``commands``, ``action(cwd)`` stands for the run (it may write files), and
    the run reports ``returncode``; ../shared is ``tmp_path``."""
    import workflow_speed

    fake = SimpleNamespace(commands=[], action=lambda cwd: None, returncode=0)

    def run_measured(command, cwd=None, **_):
        fake.commands.append(command)
        fake.action(cwd)
        return {
            "returncode": fake.returncode,
            "wall_s": 1.0,
            "cpu_s": 1.0,
            "tree_peak_mib": 1.0,
            "process_peak_mib": 1.0,
        }

    monkeypatch.setattr(workflow_speed.harness, "run_measured", run_measured)
    monkeypatch.setattr(workflow_speed.harness, "read_benchmark_files", lambda _: pd.DataFrame())
    monkeypatch.setattr(workflow_speed, "SHARED", tmp_path)
    return fake
