"""The shipped workflow on a shipped corpus config, from a clean results folder: wall time,
CPU time, peak memory and every job's time, against the same workflow at an earlier commit.

What a user runs: ``snakemake --cores 2 --configfile config/<corpus>.yaml`` with nothing
changed (``config/saudinewsnet.yaml``: 31,030 articles, K 10-50 x 3 seeds and the held-out
fits; ``config/hespress.yaml``: 2,268 articles with gold labels, so every evaluation engine
is fitted too). Each code version (``--peer REV``, then the working tree) is copied to its own
folder with ``../shared`` beside it (a link to the repository's), and run from scratch, one
after the other, never at once (two workflows on 2 cores slow each other several times).

Measured per run: wall and CPU seconds around the Snakemake call and the peak summed
resident memory of its process tree (every 0.2 s; :func:`harness.run_measured`); each job's
Snakemake ``benchmark:`` file (wall, ``max_rss``). The report sums jobs by rule, lists the
slowest jobs of both runs side by side with their ratio, and counts the CSV tables of
``results/`` that are byte-identical between the two runs (a change that is only about
speed leaves them all equal).

Results: ``benchmarks/results/workflow_speed_<name>.csv`` (one row per job and run) and
``.md`` (the report).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path

import harness
import pandas as pd
from snakemake import benchmark as snakemake_benchmark
from workflow_vs_peers import copy_repository

REPO = harness.REPO
SHARED = REPO.parent / "shared"


def copy_revision(target: Path, revision: str) -> str:
    """The files of ``revision`` (``git archive``) in ``target``; its short commit."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=REPO, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()


def run_version(
    label: str,
    folder: Path,
    config: str,
    cores: int,
    timeout_s: float,
    memory_gib: float,
    until: Sequence[str] = (),
    targets: Sequence[str] = (),
) -> dict:
    """Run the workflow in ``folder/main`` from scratch; its totals and job table. ``until``:
    rules to stop at (Snakemake's ``--until``: only the jobs they need run); ``targets``:
    files to build instead of the whole workflow (only the jobs they need run)."""
    code = folder / "main"
    (folder / "shared").symlink_to(SHARED.resolve())
    command = [
        str(Path(sys.executable).with_name("snakemake")),
        *targets,
        "--cores",
        str(cores),
        "--configfile",
        config,
        "--nocolor",
        *(["--until", *until] if until else []),
    ]
    print(f"{label}: {' '.join(command[1:])} in {code} ...", flush=True)
    with (folder / "snakemake.log").open("w", encoding="utf-8") as log:
        run = harness.run_measured(
            command, cwd=code, log=log, timeout_s=timeout_s, memory_gib=memory_gib
        )
    jobs = harness.read_benchmark_files(code / "results")
    jobs.insert(0, "version", label)
    print(
        f"  exit {run['returncode']}: {run['wall_s']:.0f} s wall, {run['cpu_s']:.0f} s CPU, "
        f"{run['tree_peak_mib']:.0f} MiB peak, {len(jobs)} jobs",
        flush=True,
    )
    return {**run, "label": label, "jobs": jobs, "results": code / "results"}


def identical_tables(first: Path, second: Path) -> tuple[int, list[str]]:
    """How many CSV tables under ``first`` are byte-identical in ``second``; the others."""
    same, differing = 0, []
    for path in sorted(first.rglob("*.csv")):
        relative = path.relative_to(first)
        if "benchmarks" in relative.parts:
            continue
        other = second / relative
        if other.is_file() and other.read_bytes() == path.read_bytes():
            same += 1
        else:
            differing.append(relative.as_posix())
    return same, differing


#: Snakemake's benchmark samples a job BENCHMARK_INTERVAL times at BENCHMARK_INTERVAL_SHORT,
#: then every BENCHMARK_INTERVAL seconds (snakemake.benchmark.ScheduledPeriodicTimer).
SAMPLED_CLOSELY_S = (
    snakemake_benchmark.BENCHMARK_INTERVAL * snakemake_benchmark.BENCHMARK_INTERVAL_SHORT
)


def by_rule(jobs: pd.DataFrame) -> pd.DataFrame:
    return (
        jobs.groupby(["version", "rule"])
        .agg(jobs=("job", "size"), wall_s=("wall_s", "sum"), max_rss_mib=("max_rss_mib", "max"))
        .reset_index()
    )


def report(runs: Sequence[dict], config: str, cores: int, run_lines: list[str]) -> str:
    fmt = harness.fmt
    lines = [
        f"# The shipped workflow on `{config}`, from a clean results folder",
        "",
        *run_lines,
        "",
        f"`snakemake --cores {cores} --configfile {config}`, nothing else running. wall_s, "
        "cpu_s: seconds; peak_mib: the largest summed resident memory of all the run's "
        "processes at once; job_wall_s: the jobs' own wall times summed (jobs run "
        f"{cores} at a time). "
        "largest_job_mib: the largest job in Snakemake's `benchmark:` record (sampled every "
        "30 s after a job's first 15 s); largest_process_mib: the largest single process "
        "the benchmark saw, every 0.2 s (a job, or Snakemake itself).",
        "",
    ]
    rows = [
        {
            "version": run["label"],
            "exit": run["returncode"],
            "wall_s": fmt(run["wall_s"]),
            "cpu_s": fmt(run["cpu_s"]),
            "peak_mib": fmt(run["tree_peak_mib"], 0),
            "jobs": len(run["jobs"]),
            "job_wall_s": fmt(run["jobs"]["wall_s"].sum()),
            "largest_job_mib": fmt(run["jobs"]["max_rss_mib"].max(), 0),
            "largest_process_mib": fmt(run["process_peak_mib"], 0),
        }
        for run in runs
    ]
    lines += [harness.markdown_table(rows, right=[k for k in rows[0] if k != "version"]), ""]
    if len(runs) == 2:
        peer, current = runs
        lines += [
            f"Ratio (peer / current): wall {peer['wall_s'] / current['wall_s']:.2f}x, "
            f"CPU {peer['cpu_s'] / current['cpu_s']:.2f}x.",
            "",
        ]
        same, differing = identical_tables(peer["results"], current["results"])
        lines += [
            f"Tables (`results/**/*.csv`): {same} byte-identical between the two runs, "
            f"{len(differing)} not"
            + (": " + ", ".join(f"`{d}`" for d in differing[:20]) if differing else "")
            + ".",
            "",
        ]
    rules = by_rule(pd.concat([run["jobs"] for run in runs]))
    wide = rules.pivot(index="rule", columns="version", values="wall_s")
    order = wide[runs[-1]["label"]].sort_values(ascending=False).index
    lines += ["## Time by rule (jobs' wall seconds summed)", ""]
    table = []
    for rule in order:
        row = {"rule": rule}
        for run in runs:
            part = rules[(rules["rule"] == rule) & (rules["version"] == run["label"])]
            row[f"{run['label']} jobs"] = int(part["jobs"].sum()) if len(part) else 0
            row[f"{run['label']} wall_s"] = fmt(part["wall_s"].sum()) if len(part) else ""
            row[f"{run['label']} max_rss_mib"] = (
                fmt(part["max_rss_mib"].max(), 0) if len(part) else ""
            )
        if len(runs) == 2:
            a, b = (wide.loc[rule, run["label"]] for run in runs)
            row["ratio"] = f"{a / b:.2f}" if pd.notna(a) and pd.notna(b) and b > 0 else ""
        table.append(row)
    lines += [harness.markdown_table(table, right=[k for k in table[0] if k != "rule"]), ""]
    current = runs[-1]["jobs"].sort_values("wall_s", ascending=False).head(25)
    lines += [
        "## The slowest jobs of the current version",
        "",
        "cpu_s is Snakemake's `benchmark:` record, which samples a job's CPU time every 0.5 s "
        f"for its first {SAMPLED_CLOSELY_S:.0f} s and then every 30 s: for a longer job it is "
        "the last sample before the job ended, a lower bound (marked ≥).",
        "",
    ]
    lines += [
        harness.markdown_table(
            [
                {
                    "job": j.job,
                    "wall_s": fmt(j.wall_s),
                    "cpu_s": ("≥ " if j.wall_s > SAMPLED_CLOSELY_S else "") + fmt(j.cpu_s),
                    "max_rss_mib": fmt(j.max_rss_mib, 0),
                }
                for j in current.itertuples()
            ],
            right=["wall_s", "cpu_s", "max_rss_mib"],
        ),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="config/saudinewsnet.yaml", help="%(default)s")
    parser.add_argument("--peer", help="a git revision run first, as the peer (e.g. HEAD~3)")
    parser.add_argument("--name", required=True, help="results: workflow_speed_<name>.md/.csv")
    parser.add_argument("--cores", type=int, default=2, help="%(default)s")
    parser.add_argument("--workdir", type=Path, required=True, help="a new, empty folder")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds per run")
    parser.add_argument("--memory-limit-gib", type=float, default=12, help="%(default)s")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: the shipped corpus configs read ../shared/corpora")
        return 2
    args.workdir.mkdir(parents=True, exist_ok=False)
    load_at_start = harness.load_average()
    versions = []
    if args.peer:
        folder = args.workdir / "peer"
        commit = copy_revision(folder / "main", args.peer)
        versions.append((f"peer {commit}", folder))
    folder = args.workdir / "current"
    copy_repository(folder / "main", "worktree")
    versions.append(("current", folder))
    runs = [
        run_version(label, folder, args.config, args.cores, args.timeout, args.memory_limit_gib)
        for label, folder in versions
    ]
    text = report(runs, args.config, args.cores, harness.run_lines(None, load_at_start))
    table = pd.concat([run["jobs"] for run in runs], ignore_index=True)
    csv_path, md_path = harness.write_results(args.out, f"workflow_speed_{args.name}", table, text)
    print(f"wrote {csv_path} and {md_path}")
    return 0 if all(run["returncode"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
