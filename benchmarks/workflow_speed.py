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

``--repeats N`` runs each version N times, alternating which goes first (peer, current, then
current, peer, ...: a drift in the machine's speed during the session weighs on both alike;
this shared machine's speed was seen to differ by 1.5x between hours with the same code). The
report then gives every run, the medians and their ratio, and checks that each version's
repeats wrote byte-identical tables. Each run starts from a clean results folder; the earlier
repeats' results are kept beside the code (``results_repeat<r>``), so N repeats of a large
corpus take N times its disk.

Results: ``benchmarks/results/workflow_speed_<name>.csv`` (one row per job, run and repeat)
and ``.md`` (the report).
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
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
    repeat: int = 1,
    keep_apart: bool = False,
) -> dict:
    """Run the workflow in ``folder/main`` from scratch; its totals and job table. ``until``:
    rules to stop at (Snakemake's ``--until``: only the jobs they need run); ``targets``:
    files to build instead of the whole workflow (only the jobs they need run). With
    ``keep_apart`` (repeated runs) the results are moved out of the code's folder afterwards
    (``folder/results_repeat<r>``) and Snakemake's records of them deleted, so that the next
    run of the same code starts from scratch too."""
    code = folder / "main"
    if not (folder / "shared").exists():
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
    results = code / "results"
    if keep_apart:
        kept = folder / f"results_repeat{repeat}"
        # A run that failed before writing anything leaves no folder to move.
        results = results.rename(kept) if results.exists() else kept
        shutil.rmtree(code / ".snakemake", ignore_errors=True)
    return {**run, "label": label, "repeat": repeat, "jobs": jobs, "results": results}


def run_order(labels: Sequence[str], repeats: int) -> list[tuple[str, int]]:
    """(label, repeat) in the order to run them: the first label first in odd repeats, the
    last first in even ones (ABBA), so that a steady drift of the machine's speed weighs on
    every version alike."""
    order = []
    for repeat in range(1, repeats + 1):
        sequence = labels if repeat % 2 else list(reversed(labels))
        order += [(label, repeat) for label in sequence]
    return order


def medians(runs: Sequence[dict]) -> list[dict]:
    """Per version, in the order first seen: its runs' median, smallest and largest wall and
    CPU seconds."""
    summary: dict[str, dict] = {}
    for run in runs:
        entry = summary.setdefault(run["label"], {"version": run["label"], "wall": [], "cpu": []})
        entry["wall"].append(run["wall_s"])
        entry["cpu"].append(run["cpu_s"])
    return [
        {
            "version": entry["version"],
            "runs": len(entry["wall"]),
            "wall_s": statistics.median(entry["wall"]),
            "wall_min_s": min(entry["wall"]),
            "wall_max_s": max(entry["wall"]),
            "cpu_s": statistics.median(entry["cpu"]),
        }
        for entry in summary.values()
    ]


def mean_jobs(jobs: pd.DataFrame) -> pd.DataFrame:
    """Each version's jobs averaged over its repeats (wall and CPU: the mean; memory: the
    largest), one row per version and job."""
    return (
        jobs.groupby(["version", "job", "rule"], sort=False)
        .agg(
            wall_s=("wall_s", "mean"),
            cpu_s=("cpu_s", "mean"),
            max_rss_mib=("max_rss_mib", "max"),
        )
        .reset_index()
    )


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
    versions = list(dict.fromkeys(run["label"] for run in runs))
    repeated = any(run["repeat"] > 1 for run in runs)
    rows = [
        {
            "version": run["label"],
            **({"repeat": run["repeat"]} if repeated else {}),
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
    summary = medians(runs)
    if repeated:
        lines += [
            "Runs in the order they ran (each repeat alternates which version goes first). "
            "Medians over the repeats:",
            "",
            harness.markdown_table(
                [
                    {
                        key: (fmt(value) if key.endswith("_s") else value)
                        for key, value in entry.items()
                    }
                    for entry in summary
                ],
                right=["runs", "wall_s", "wall_min_s", "wall_max_s", "cpu_s"],
            ),
            "",
        ]
    if len(versions) == 2:
        peer, current = summary
        lines += [
            f"Ratio (peer / current{', of the medians' if repeated else ''}): wall "
            f"{peer['wall_s'] / current['wall_s']:.2f}x, "
            f"CPU {peer['cpu_s'] / current['cpu_s']:.2f}x.",
            "",
        ]
        first = {label: next(run for run in runs if run["label"] == label) for label in versions}
        same, differing = identical_tables(*(first[label]["results"] for label in versions))
        lines += [
            f"Tables (`results/**/*.csv`): {same} byte-identical between the two versions"
            f"{' (their first repeats)' if repeated else ''}, {len(differing)} not"
            + (": " + ", ".join(f"`{d}`" for d in differing[:20]) if differing else "")
            + ".",
            "",
        ]
    if repeated:
        lines += [rerun_line(runs, versions), ""]
    jobs = mean_jobs(pd.concat([run["jobs"] for run in runs]))
    rules = by_rule(jobs)
    wide = rules.pivot(index="rule", columns="version", values="wall_s")
    order = wide[versions[-1]].sort_values(ascending=False).index
    lines += [
        "## Time by rule (jobs' wall seconds summed"
        + (", each job's mean over the repeats)" if repeated else ")"),
        "",
    ]
    table = []
    for rule in order:
        row = {"rule": rule}
        for label in versions:
            part = rules[(rules["rule"] == rule) & (rules["version"] == label)]
            row[f"{label} jobs"] = int(part["jobs"].sum()) if len(part) else 0
            row[f"{label} wall_s"] = fmt(part["wall_s"].sum()) if len(part) else ""
            row[f"{label} max_rss_mib"] = fmt(part["max_rss_mib"].max(), 0) if len(part) else ""
        if len(versions) == 2:
            a, b = (wide.loc[rule, label] for label in versions)
            row["ratio"] = f"{a / b:.2f}" if pd.notna(a) and pd.notna(b) and b > 0 else ""
        table.append(row)
    lines += [harness.markdown_table(table, right=[k for k in table[0] if k != "rule"]), ""]
    current = jobs[jobs["version"] == versions[-1]].sort_values("wall_s", ascending=False).head(25)
    lines += [
        "## The slowest jobs of the current version",
        "",
        "cpu_s is Snakemake's `benchmark:` record, which samples a job's CPU time every 0.5 s "
        f"for its first {SAMPLED_CLOSELY_S:.0f} s and then every 30 s: for a longer job it is "
        "the last sample before the job ended, a lower bound (marked ≥)"
        + (". Each job's mean over the repeats." if repeated else "."),
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


def rerun_line(runs: Sequence[dict], versions: Sequence[str]) -> str:
    """Whether each version's repeats wrote the same tables as its first run, byte for byte
    (the project's promise: the same config and corpus give byte-identical tables)."""
    parts = []
    for label in versions:
        own = [run for run in runs if run["label"] == label]
        counts = [identical_tables(own[0]["results"], run["results"]) for run in own[1:]]
        differing = sorted({path for _, paths in counts for path in paths})
        parts.append(
            f"{label}: {len(own) - 1} rerun(s), "
            + (
                f"every table byte-identical with its first run ({counts[0][0]} tables)"
                if not differing
                else f"{len(differing)} table(s) differ: "
                + ", ".join(f"`{d}`" for d in differing[:10])
            )
        )
    return "Reruns: " + "; ".join(parts) + "."


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
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="runs of each version, alternating which goes first (%(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: the shipped corpus configs read ../shared/corpora")
        return 2
    if args.repeats < 1:
        print(f"--repeats must be at least 1, not {args.repeats}")
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
    for label, folder in versions:
        missing = set(harness.KERNEL_MODULES) - set(harness.compile_kernels(folder / "main"))
        for module in sorted(missing):
            print(f"{label}: no kernels of {module} to compile before the runs", flush=True)
    folders = dict(versions)
    runs = [
        run_version(
            label,
            folders[label],
            args.config,
            args.cores,
            args.timeout,
            args.memory_limit_gib,
            repeat=repeat,
            keep_apart=args.repeats > 1,
        )
        for label, repeat in run_order(list(folders), args.repeats)
    ]
    text = report(runs, args.config, args.cores, harness.run_lines(None, load_at_start))
    table = pd.concat([run["jobs"].assign(repeat=run["repeat"]) for run in runs], ignore_index=True)
    csv_path, md_path = harness.write_results(args.out, f"workflow_speed_{args.name}", table, text)
    print(f"wrote {csv_path} and {md_path}")
    return 0 if all(run["returncode"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
