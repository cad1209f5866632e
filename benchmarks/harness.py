"""What every benchmark script shares: run information, measured processes, workers, corpora,
result tables and Snakemake's benchmark files.

- **Run information**: :func:`machine` and :func:`machine_line` (CPU model and count, memory,
  OS, Python), :func:`code_version` (git commit), :func:`load_average`, :func:`run_lines`
  (the lines every report starts with), :func:`project_config` (the shipped settings).
- **Copies of the code**: :func:`compile_kernels` (what ``make`` does after installing, done
  in each copy before a timed run).
- **Measured processes**: :func:`peak_mib` (this process's ``ru_maxrss``), :class:`TreeMemory`
  (summed resident memory of a process tree, sampled in a thread), :func:`run_measured` (a
  command's wall and CPU time and tree peak, under an address-space limit and a timeout).
- **Workers**: each measurement runs in a fresh interpreter (the benchmark script itself with
  ``--worker NAME``), so that its peak memory is its own. :func:`add_worker_arguments` and
  :func:`serve_worker` are the worker's side, :func:`run_workers` the caller's.
- **Corpora**: JSON Lines, plain or gzipped (:func:`read_records`, :func:`count_records`,
  :func:`write_first_records`).
- **Tables**: :func:`markdown_table` (pandas ``to_markdown``, that is tabulate's pipe format)
  and :func:`write_results` (``<stem>.csv`` and ``<stem>.md``).
- **Snakemake benchmark files**: :func:`read_benchmark_files`, one row per job of the
  ``benchmark:`` files under ``results/benchmarks/``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import json
import os
import pickle
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
#: The project's shipped settings.
CONFIG = REPO / "config" / "config.yaml"
#: The corpora shared between projects (``../shared/corpora`` from the repository root).
CORPORA = REPO.parent / "shared" / "corpora"
#: Where the benchmarks write their tables unless told otherwise (``--out``).
RESULTS = Path(__file__).resolve().parent / "results"

# ---------------------------------------------------------------------------------------
# Run information


def machine() -> dict[str, object]:
    """This machine: CPUs usable by this process and their model, memory, OS and Python."""
    info: dict[str, object] = {
        "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": platform.processor() or "unknown CPU",
        "memory_gib": None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = int(line.split()[1]) / 1024**2
                break
    return info


def machine_line() -> str:
    """:func:`machine` in one line."""
    info = machine()
    memory = "unknown" if info["memory_gib"] is None else f"{info['memory_gib']:.1f} GiB"
    return (
        f"{info['cpus']} CPUs ({info['cpu_model']}), {memory} memory, {info['os']}, "
        f"Python {info['python']}"
    )


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def code_version() -> str:
    """The git commit of the repository, and whether src/ or config/ differ from it."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--", "src", "config")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {commit}" + (" with uncommitted changes in src/ or config/" if dirty else "")


def load_average() -> str:
    """The machine's load averages over 1, 5 and 15 minutes, as ``uptime`` shows them."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def now() -> str:
    """The local date and time of a report."""
    return f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"


def command_line() -> str:
    """How this script was called, from the repository root."""
    script = Path(sys.argv[0]).resolve()
    with contextlib.suppress(ValueError):
        script = script.relative_to(REPO)
    return " ".join([Path(sys.executable).name, script.as_posix(), *sys.argv[1:]])


def run_lines(code: str | None = None, load_at_start: str | None = None) -> list[str]:
    """The Markdown lines on the run that head every report: machine, date and code
    (``code`` replaces :func:`code_version`), load averages (at the start and now) and
    command."""
    load = load_average()
    if load_at_start:
        load = f"{load_at_start} at the start, {load} at the end (other users' jobs share it)"
    return [
        f"Machine: {machine_line()}.  ",
        f"Date: {now()}; {code or code_version()}.  ",
        f"Load average (1, 5, 15 min): {load}.  ",
        f"Command: `{command_line()}`",
    ]


def project_config() -> dict:
    """``config/config.yaml`` as the workflow sees it: checked against the schema, with the
    schema's defaults filled in. (The package is imported here, not with this module, so
    that a worker can import another copy of it.)"""
    from arabic_news_topics.config import validated_config

    return validated_config(yaml.safe_load(CONFIG.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------
# Measured processes


#: The modules whose ``python -m`` compiles numba kernels, as ``make`` runs them after installing.
KERNEL_MODULES = ("arabic_news_topics.topics.gsdmm", "arabic_news_topics.topics.variational")


def compile_kernels(code: Path) -> list[str]:
    """Compile the numba kernels (:data:`KERNEL_MODULES`: the DMM's sampler, the E-step of
    gensim's LDA) in the copy of the project at ``code``, as ``make`` does after installing
    (numba caches them beside the copy's modules): otherwise the copy's first timed run
    compiles them in its first jobs (7-13 s), time a user's run never spends. The modules
    compiled; those missing from an older revision are left out."""
    compiled = []
    for module in KERNEL_MODULES:
        done = subprocess.run(
            [sys.executable, "-m", module],
            cwd=code,
            env={**os.environ, "PYTHONPATH": str(code / "src")},
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            compiled.append(module)
    return compiled


def peak_mib() -> float:
    """This process's peak resident memory so far (``ru_maxrss`` is KiB on Linux)."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


class Timer:
    """Wall and CPU seconds of a ``with`` block (``wall_s``, ``cpu_s``), and this process's
    peak memory before it (``loaded_mib``) and after it (``peak_mib``)."""

    def __enter__(self) -> Timer:
        self.loaded_mib = peak_mib()
        self._start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_s = time.perf_counter() - self._start[0]
        self.cpu_s = time.process_time() - self._start[1]
        self.peak_mib = peak_mib()

    def numbers(self) -> dict[str, float]:
        """The four measures, by name."""
        return {name: getattr(self, name) for name in ("wall_s", "cpu_s", "peak_mib", "loaded_mib")}


def limit_memory(gib: float) -> None:
    """Limit this process's address space to ``gib`` (0: no limit); children inherit it."""
    if gib > 0:
        limit = int(gib * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class TreeMemory:
    """Peak summed resident memory of a process and its descendants (``peak``), and the
    largest resident memory of any one of them (``process_peak``: a workflow's largest job,
    or Snakemake itself), sampled in a thread every ``interval`` seconds.

    ``process_peak`` is there because Snakemake's ``benchmark:`` record samples a job every
    30 s after its first 15 s and missed 322 MiB of a 10× fit's 3,120 MiB peak
    (docs/performance.md, Scaling)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0.0
        self.process_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[float, float]:
        """The summed and the largest resident memory of the tree now, in MiB."""
        import psutil

        try:
            processes = [self.process, *self.process.children(recursive=True)]
        except psutil.Error:
            return 0.0, 0.0
        total = largest = 0
        for process in processes:
            with contextlib.suppress(psutil.Error):
                rss = process.memory_info().rss
                total += rss
                largest = max(largest, rss)
        return total / 1024**2, largest / 1024**2

    def _run(self) -> None:
        while not self._stop.is_set():
            total, largest = self._sample()
            self.peak = max(self.peak, total)
            self.process_peak = max(self.process_peak, largest)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path = REPO,
    log: IO[str] | None = None,
    timeout_s: float | None = None,
    memory_gib: float = 0,
) -> dict[str, float | int]:
    """Run ``command`` in its own session under an address-space limit of ``memory_gib``
    (0: none): its exit status (-1 after ``timeout_s``, when its process group is ended),
    wall and CPU seconds, the peak summed memory of its process tree and the peak of its
    largest process (MiB, every 0.2 s: :class:`TreeMemory`). Output goes to ``log``, or to
    this process's own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
        start_new_session=True,
        preexec_fn=lambda: limit_memory(memory_gib),
    )
    with TreeMemory(process.pid) as memory:
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            returncode = -1
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "returncode": returncode,
        "wall_s": wall,
        "cpu_s": cpu,
        "tree_peak_mib": memory.peak,
        "process_peak_mib": memory.process_peak,
    }


# ---------------------------------------------------------------------------------------
# Command line, and workers: one measurement per fresh interpreter


def argument_parser(
    doc: str, corpus: Path, corpus_help: str, limit_help: str, workers: Iterable[str] = ()
) -> argparse.ArgumentParser:
    """The options every benchmark has: ``--corpus`` (default ``corpus``), ``--limit`` (a
    quick check on part of it), ``--out`` (default ``benchmarks/results``), and the hidden
    options by which the script runs as one of its ``workers``. The description is the first
    paragraph of ``doc``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=corpus, help=f"{corpus_help} (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, metavar="N", help=limit_help)
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="folder of the result table and report (default: %(default)s)",
    )
    if workers:
        parser.add_argument("--worker", choices=sorted(workers), help=argparse.SUPPRESS)
        parser.add_argument("--worker-spec", type=Path, help=argparse.SUPPRESS)
        parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    return parser


def parse_arguments(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace:
    """The options of :func:`argument_parser` and the script's own, the common ones checked
    (a worker's are taken as they come)."""
    args = parser.parse_args(argv)
    if getattr(args, "worker", None):
        return args
    args.corpus = args.corpus.expanduser().resolve()
    if not args.corpus.is_file():
        parser.error(
            f"corpus not found: {args.corpus} (the shared corpora are in {CORPORA}; give "
            "another with --corpus PATH)"
        )
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def serve_worker(args: argparse.Namespace, work: Callable[[str, dict], dict]) -> int:
    """The worker's side: ``work(name, spec)`` on the spec the caller wrote; its numbers
    pickled where the caller reads them. The exit status (0)."""
    spec = json.loads(args.worker_spec.read_text(encoding="utf-8"))
    numbers = work(args.worker, spec)
    with args.worker_output.open("wb") as handle:
        pickle.dump(numbers, handle)
    return 0


def run_worker(
    script: str | Path,
    name: str,
    label: str,
    spec: Mapping,
    timeout_s: float | None = None,
    memory_gib: float = 0,
) -> dict | None:
    """Run worker ``name`` of ``script`` (the script with ``--worker``) on ``spec`` (JSON) in
    a fresh interpreter; its numbers, or None if it failed or ran out of time."""
    print(f"running: {label} ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        spec_path, output = Path(folder) / "spec.json", Path(folder) / "numbers.pickle"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        command = [sys.executable, str(Path(script).resolve()), "--worker", name]
        command += ["--worker-spec", str(spec_path), "--worker-output", str(output)]
        run = run_measured(command, timeout_s=timeout_s, memory_gib=memory_gib)
        if run["returncode"] != 0 or not output.is_file():
            status = "timed out" if run["returncode"] == -1 else f"exit {run['returncode']}"
            print(f"  FAILED ({status})", flush=True)
            return None
        with output.open("rb") as handle:
            numbers = pickle.load(handle)
    print(
        f"  {numbers['wall_s']:.1f} s wall, {numbers['cpu_s']:.1f} s CPU, "
        f"{numbers['peak_mib']:.0f} MiB peak",
        flush=True,
    )
    return numbers


def run_workers(
    script: str | Path,
    labels: Mapping[str, str],
    names: Iterable[str],
    spec: Mapping | Callable[[str], Mapping],
    timeout_s: float | None = None,
    memory_gib: float = 0,
) -> dict[str, dict]:
    """:func:`run_worker` for each of ``names`` in turn (one at a time, so that none shares
    the cores with another); ``spec`` is one for all or a function of the name. The numbers
    of those that succeeded, by name."""
    results = {}
    for name in names:
        numbers = run_worker(
            script,
            name,
            labels[name],
            spec(name) if callable(spec) else spec,
            timeout_s,
            memory_gib,
        )
        if numbers is not None:
            results[name] = numbers
    return results


# ---------------------------------------------------------------------------------------
# Corpora


def open_text(path: Path, mode: str = "rt") -> IO:
    """A text file, gzip-compressed if its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, mode, encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def read_records(path: Path, limit: int | None = None) -> Iterator[dict]:
    """The first ``limit`` records (all if None) of a JSON Lines file; blank lines skipped."""
    count = 0
    with open_text(path) as lines:
        for line in lines:
            if limit is not None and count >= limit:
                return
            if line.strip():
                count += 1
                yield json.loads(line)


def count_records(path: Path) -> int:
    """Non-blank lines of a JSON Lines file."""
    with open_text(path) as lines:
        return sum(1 for line in lines if line.strip())


def write_first_records(source: Path, target: Path, count: int) -> int:
    """Copy the first ``count`` non-blank lines of ``source`` to a gzipped ``target``."""
    written = 0
    with open_text(source) as lines, open_text(target, "wt") as out:
        for line in lines:
            if written >= count:
                break
            if line.strip():
                out.write(line if line.endswith("\n") else line + "\n")
                written += 1
    return written


# ---------------------------------------------------------------------------------------
# Tables


def fmt(value: float | None, digits: int = 1) -> str:
    """A number for the tables, with thousands separators; empty where there is none."""
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.{digits}f}"


def markdown_table(
    rows: pd.DataFrame | Iterable[Mapping] | Iterable[Sequence],
    columns: Sequence[str] | None = None,
    right: Iterable[str] = (),
) -> str:
    """Rows (a frame, mappings, or sequences in the order of ``columns``) as a Markdown
    table (tabulate's pipe format, cells as given), the ``right`` columns aligned right."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=columns)
    if columns is not None:
        frame = frame[list(columns)]
    right = set(right)
    return frame.astype(str).to_markdown(
        index=False,
        disable_numparse=True,
        colalign=["right" if c in right else "left" for c in frame.columns],
    )


def write_results(
    out: Path, stem: str, table: pd.DataFrame | Iterable[Mapping], report: str | None, **to_csv
) -> tuple[Path, Path]:
    """``out/<stem>.csv`` (the table; ``to_csv`` keywords for pandas) and, unless ``report``
    is None, ``out/<stem>.md`` (the report); their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{stem}.csv", out / f"{stem}.md"
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(list(table))
    frame.to_csv(csv_path, index=False, lineterminator="\n", **to_csv)
    if report is not None:
        md_path.write_text(report.rstrip("\n") + "\n", encoding="utf-8")
    return csv_path, md_path


# ---------------------------------------------------------------------------------------
# Snakemake benchmark files

#: Columns of :func:`read_benchmark_files`.
JOB_COLUMNS = ["job", "rule", "wall_s", "cpu_s", "max_rss_mib", "max_uss_mib", "mean_load"]


def read_benchmark_files(results: Path) -> pd.DataFrame:
    """Every Snakemake ``benchmark:`` file under ``results/benchmarks``, one row per job.

    ``job`` is the file's path without ``.tsv`` (``fit_topic_model/gensim/unguided/k_20``),
    ``rule`` its first part; ``wall_s`` (Snakemake's ``s``), ``cpu_s`` (``cpu_time``),
    ``max_rss_mib`` (``max_rss``, MB of 2**20 bytes), ``max_uss_mib`` and ``mean_load``: the
    largest over the file's repeats, NaN where Snakemake wrote none (``-``, too short a job).
    """
    folder = results / "benchmarks"
    names = {
        "s": "wall_s",
        "cpu_time": "cpu_s",
        "max_rss": "max_rss_mib",
        "max_uss": "max_uss_mib",
        "mean_load": "mean_load",
    }
    rows = []
    for path in sorted(folder.rglob("*.tsv")):
        table = pd.read_csv(path, sep="\t")
        if table.empty:
            continue
        job = path.relative_to(folder).with_suffix("").as_posix()
        row = {"job": job, "rule": job.split("/")[0]}
        for column, name in names.items():
            values = pd.to_numeric(table.get(column, pd.Series(dtype=float)), errors="coerce")
            row[name] = values.max()
        rows.append(row)
    return pd.DataFrame(rows, columns=JOB_COLUMNS)
