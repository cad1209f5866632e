"""benchmarks/workflow_speed.py's repeated runs: the order, the medians, the rerun check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import workflow_speed  # benchmarks/, on the path by tests/benchmarks/conftest.py


def test_repeats_alternate_which_version_goes_first() -> None:
    order = workflow_speed.run_order(["peer", "current"], 4)
    assert order == [
        ("peer", 1),
        ("current", 1),
        ("current", 2),
        ("peer", 2),
        ("peer", 3),
        ("current", 3),
        ("current", 4),
        ("peer", 4),
    ]
    # Over an even number of repeats each version runs first as often as the other.
    firsts = [order[i][0] for i in range(0, len(order), 2)]
    assert firsts.count("peer") == firsts.count("current") == 2
    assert workflow_speed.run_order(["current"], 2) == [("current", 1), ("current", 2)]


def jobs(label: str, walls: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "version": label,
            "job": [f"job_{i}" for i in range(len(walls))],
            "rule": ["fit" if i else "plot" for i in range(len(walls))],
            "wall_s": walls,
            "cpu_s": [w / 2 for w in walls],
            "max_rss_mib": [100.0 + w for w in walls],
        }
    )


def write_tables(folder: Path, tables: dict[str, str]) -> Path:
    for name, text in tables.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def fake_run(label: str, repeat: int, wall: float, results: Path, walls: list[float]) -> dict:
    return {
        "label": label,
        "repeat": repeat,
        "returncode": 0,
        "wall_s": wall,
        "cpu_s": 2 * wall,
        "tree_peak_mib": 500.0,
        "process_peak_mib": 200.0,
        "jobs": jobs(label, walls),
        "results": results,
    }


@pytest.fixture
def repeated_runs(tmp_path) -> list[dict]:
    """Three repeats of two versions, run ABBA; the current version's third run planted with
    one table that differs from its first (as a run that is not reproducible would)."""
    same = {"01_corpus/a.csv": "x\n1\n", "04_lda/b.csv": "y\n2\n"}
    walls = {
        ("peer", 1): 40.0,
        ("current", 1): 30.0,
        ("current", 2): 33.0,
        ("peer", 2): 48.0,
        ("peer", 3): 41.0,
        ("current", 3): 60.0,
    }
    runs = []
    for (label, repeat), wall in walls.items():
        tables = dict(same)
        if (label, repeat) == ("current", 3):
            tables["04_lda/b.csv"] = "y\n3\n"
        folder = write_tables(tmp_path / f"{label}_{repeat}", tables)
        runs.append(fake_run(label, repeat, wall, folder, [wall / 4, wall / 2 + repeat]))
    return runs


def test_medians_per_version(repeated_runs) -> None:
    summary = {entry["version"]: entry for entry in workflow_speed.medians(repeated_runs)}
    assert list(summary) == ["peer", "current"]  # the order first seen
    assert summary["peer"]["wall_s"] == 41.0 and summary["current"]["wall_s"] == 33.0
    assert (summary["current"]["wall_min_s"], summary["current"]["wall_max_s"]) == (30.0, 60.0)
    assert summary["peer"]["cpu_s"] == 82.0 and summary["peer"]["runs"] == 3


def test_jobs_are_averaged_over_the_repeats(repeated_runs) -> None:
    table = workflow_speed.mean_jobs(pd.concat(run["jobs"] for run in repeated_runs))
    assert len(table) == 4  # two jobs of two versions, not one row per repeat
    current = table[(table["version"] == "current") & (table["job"] == "job_1")].iloc[0]
    # (30/2 + 1, 33/2 + 2, 60/2 + 3): the mean; memory: the largest.
    assert current["wall_s"] == pytest.approx((16.0 + 18.5 + 33.0) / 3)
    assert current["max_rss_mib"] == pytest.approx(133.0)


def test_report_of_repeats_gives_medians_their_ratio_and_the_rerun_check(repeated_runs) -> None:
    text = workflow_speed.report(repeated_runs, "config/config.yaml", 4, ["Machine: test."])
    assert "Ratio (peer / current, of the medians): wall 1.24x, CPU 1.24x." in text
    # Every run is listed, in the order it ran, with its repeat.
    rows = [line for line in text.splitlines() if line.startswith(("| peer ", "| current "))]
    assert [row.split("|")[2].strip() for row in rows[:6]] == ["1", "1", "2", "2", "3", "3"]
    rerun = next(line for line in text.splitlines() if line.startswith("Reruns:"))
    assert "peer: 2 rerun(s), every table byte-identical with its first run (2 tables)" in rerun
    assert "current: 2 rerun(s), 1 table(s) differ: `04_lda/b.csv`" in rerun
    # The two versions' first runs wrote the same tables.
    assert "2 byte-identical between the two versions (their first repeats), 0 not." in text


def test_report_of_one_run_each_keeps_its_form(repeated_runs) -> None:
    first = [run for run in repeated_runs if run["repeat"] == 1]
    text = workflow_speed.report(first, "config/config.yaml", 4, ["Machine: test."])
    assert "Ratio (peer / current): wall 1.33x, CPU 1.33x." in text
    assert "Reruns:" not in text and "Medians" not in text and "repeat" not in text


def test_repeated_runs_keep_each_results_folder_apart(fake_snakemake, tmp_path) -> None:
    """A repeated run moves its results out of the code's folder and forgets Snakemake's
    records, so that the next run of that code starts from scratch."""

    def write_results(cwd):
        (cwd / "results").mkdir()
        (cwd / "results" / "t.csv").write_text(str(len(list(tmp_path.rglob("t.csv")))))
        (cwd / ".snakemake").mkdir()

    fake_snakemake.action = write_results
    folder = tmp_path / "current"
    (folder / "main").mkdir(parents=True)
    runs = [
        workflow_speed.run_version(
            "current", folder, "c.yaml", 2, 10.0, 1.0, repeat=r, keep_apart=True
        )
        for r in (1, 2)
    ]
    assert [run["results"] for run in runs] == [
        folder / "results_repeat1",
        folder / "results_repeat2",
    ]
    # The second run found no results of the first in its way (it saw one earlier file, moved).
    assert (folder / "results_repeat2" / "t.csv").read_text() == "1"
    assert not (folder / "main" / "results").exists()
    assert not (folder / "main" / ".snakemake").exists()
    # A run that wrote nothing (Snakemake failed at once) is reported, not an error here.
    fake_snakemake.action, fake_snakemake.returncode = (lambda cwd: None), 1
    third = workflow_speed.run_version(
        "current", folder, "c.yaml", 2, 10.0, 1.0, repeat=3, keep_apart=True
    )
    assert third["returncode"] == 1 and not third["results"].exists()


def test_repeats_must_be_positive(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(workflow_speed, "SHARED", tmp_path)
    workdir = tmp_path / "w"
    assert workflow_speed.main(["--name", "x", "--workdir", str(workdir), "--repeats", "0"]) == 2
    assert "--repeats must be at least 1, not 0" in capsys.readouterr().out
    assert not workdir.exists()  # nothing was started
