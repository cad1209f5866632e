"""Shared fixtures of the benchmark scripts' tests (the scripts live in benchmarks/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from planted_corpora import planted_sections

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


@pytest.fixture
def runs(tmp_path) -> Path:
    """Stage 2's tokens of two planted corpora named as the labelled ones, with as many
    sections (4 and 6); the section is the second part of each document id."""
    folder = tmp_path / "runs"
    for corpus, sections in (("hespress-4cat", 4), ("antms-6cat", 6)):
        documents, labels = planted_sections(sections, n_documents=30 * sections, random_state=1)
        path = folder / corpus / "results/02_normalize/tokens.jsonl"
        path.parent.mkdir(parents=True)
        lines = [
            json.dumps({"doc_id": f"{corpus}/s{label}/{doc_id}", "tokens": tokens})
            for (doc_id, tokens), label in zip(documents, labels, strict=True)
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
