"""Which corpus a results folder holds, so that two corpora never mix in one.

Every run writes under ``results/`` of its working directory. The first run that executes
jobs there records its corpus in ``results/run.json`` (:func:`run_record`); a later run on
another corpus stops before any job, with a message that says which corpus the folder holds
and how to run the new one in a folder of its own, ``snakemake --directory runs/<name>``
(:func:`mixing_message`). The workflow calls these from ``workflow/rules/common.smk``.

A corpus is its sources' paths, formats and (``txt``) patterns: what is read, not how (the
field names, ``label_from`` and the cleaning settings may change between runs in one folder,
as any other setting). Paths are compared as written, normalized (``seeds/`` is ``./seeds``;
an absolute path inside the working directory is the relative one), so that a folder moved
with its corpus still holds the same corpus.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .io import write_text

#: Where the corpus of a results folder is recorded, relative to the working directory.
RUN_RECORD = "results/run.json"

#: The folder of a run's own, relative to the project (``--directory runs/<name>``).
RUNS_FOLDER = "runs"


def find_list_file(value: str | Path, workdir: str | Path, workflow_dir: str | Path) -> str | None:
    """Where a list file of the config (``normalize.reporting_words_file``, ...) is: ``value``
    as written when it is absolute or exists relative to the working directory (the user's
    own list), else the workflow's own file of that relative path (the shipped
    ``config/*.txt``, found from any working directory, ``--directory`` too), else None."""
    value = str(value)
    if Path(workdir, value).exists():  # an absolute value stays as it is
        return value
    shipped = Path(workflow_dir, value)
    return str(shipped) if not os.path.isabs(value) and shipped.exists() else None


def source_identity(source: Mapping, workdir: str | Path) -> dict:
    """What identifies one corpus source: its path (normalized), format and, for ``txt``,
    its file pattern."""
    path = os.path.normpath(str(source["path"]))
    if os.path.isabs(path):
        inside = os.path.relpath(path, os.path.abspath(workdir))
        if inside != os.pardir and not inside.startswith(os.pardir + os.sep):
            path = inside
    identity = {"path": path, "format": source.get("format", "txt")}
    if identity["format"] == "txt":
        identity["pattern"] = source.get("pattern", "*.txt")
    return identity


def corpus_fingerprint(identities: Sequence[Mapping]) -> str:
    """A short hash of the sources' identities, in order."""
    text = json.dumps(list(identities), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_record(
    sources: Sequence[Mapping], workdir: str | Path, config_files: Iterable[str | Path] = ()
) -> dict:
    """The record of a run's corpus: its sources, their fingerprint, and the config files
    given on the command line (for the message, not compared)."""
    corpus = [source_identity(source, workdir) for source in sources]
    return {
        "fingerprint": corpus_fingerprint(corpus),
        "corpus": corpus,
        "config_files": [str(path) for path in config_files],
    }


def read_run_record(path: str | Path) -> dict | None:
    """The record at ``path``, or None when there is none; ValueError, naming the file, if it
    is not one."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a run record ({error}); delete it") from None
    if not isinstance(record, dict) or not {"fingerprint", "corpus"} <= set(record):
        raise ValueError(f"{path} is not a run record (no fingerprint or corpus); delete it")
    return record


def write_run_record(path: str | Path, record: Mapping) -> None:
    """Write ``record`` to ``path`` (through atomic_path)."""
    write_text(path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def describe_corpus(record: Mapping) -> str:
    """The corpus of a record in one line: ``seeds (txt, *.txt); /data/news.csv (csv)``,
    with the config files it was run with."""
    parts = []
    for source in record["corpus"]:
        how = ", ".join(str(source[k]) for k in ("format", "pattern") if k in source)
        parts.append(f"{source['path']} ({how})")
    files = record.get("config_files") or []
    given = f" [--configfile {' '.join(files)}]" if files else " [the default config]"
    return "; ".join(parts) + given


def suggested_run_name(config_files: Sequence[str | Path]) -> str:
    """A name for a run's folder: the stem of the last config file given (``my.yaml`` ->
    ``my``), as letters, digits, ``-`` and ``_``; ``my_corpus`` without one."""
    if config_files:
        name = re.sub(r"[^\w-]+", "_", Path(config_files[-1]).stem).strip("_")
        if name:
            return name
    return "my_corpus"


def mixing_message(
    recorded: Mapping | None, current: Mapping, workdir: str | Path, cores: int = 4
) -> str | None:
    """None when the results folder may hold ``current``'s corpus (it holds the same one, or
    none recorded); otherwise why the run stops, and the command that runs the new corpus in
    a folder of its own."""
    if recorded is None or recorded["fingerprint"] == current["fingerprint"]:
        return None
    files = [os.path.abspath(f) for f in current.get("config_files") or []]
    name = suggested_run_name(files)
    command = f"snakemake --cores {cores} --directory {RUNS_FOLDER}/{name}"
    command += "".join(f" --configfile {f}" for f in files)
    lines = [
        f"{RUN_RECORD} says that results/ holds the results of another corpus: two corpora "
        "never share a results folder, so this run stops before any job.",
        f"  results/ holds: {describe_corpus(recorded)}",
        f"  this run reads: {describe_corpus(current)}",
        "Run the new corpus in a folder of its own (its results go to "
        f"{RUNS_FOLDER}/{name}/results/, Snakemake's state to {RUNS_FOLDER}/{name}/.snakemake/):",
        f"  {command}",
    ]
    relative = [s["path"] for s in current["corpus"] if not os.path.isabs(s["path"])]
    if relative:
        absolute = ", ".join(os.path.abspath(os.path.join(workdir, p)) for p in relative)
        lines.append(
            f"Paths in the config are relative to that folder then: give the corpus as "
            f"{absolute} (corpus.sources[].path)."
        )
    lines.append(
        "Or, to use results/ for the new corpus, move or delete results/ first (deleting only "
        f"{RUN_RECORD} would leave the old corpus's results beside the new ones)."
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------
# Resuming a killed run

#: Where Snakemake keeps the scripts of the jobs it runs, relative to the working directory.
JOB_SCRIPTS = ".snakemake/scripts"


def orphaned_jobs(workdir: str | Path) -> list:
    """The jobs of a Snakemake in ``workdir`` that was killed and that still run: processes
    that run one of its job scripts (``.snakemake/scripts/``) and whose parent is not a
    Snakemake (a killed Snakemake's jobs pass to init or a subreaper).

    Parameters
    ----------
    workdir : str or Path
        The working directory of the run.

    Returns
    -------
    list of psutil.Process
        The orphaned jobs, by process id.
    """
    import psutil  # only the resume needs it

    scripts = str(Path(workdir).resolve() / JOB_SCRIPTS) + os.sep
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if not any(part.startswith(scripts) for part in cmdline):
            continue
        try:
            parent = process.parent()
            parent_cmdline = " ".join(parent.cmdline()) if parent is not None else ""
        except psutil.Error:
            parent_cmdline = ""
        if "snakemake" not in parent_cmdline:
            found.append(process)
    return sorted(found, key=lambda process: process.pid)


def stop_orphaned_jobs(workdir: str | Path, timeout: float = 10.0) -> list[int]:
    """Stop the orphaned jobs of a killed Snakemake in ``workdir`` (:func:`orphaned_jobs`):
    SIGTERM, then SIGKILL for those still running after ``timeout`` seconds.

    A job that outlives its Snakemake goes on writing its outputs. Snakemake, resumed while it
    runs, may find them half-way (missing, so it runs the job again) and later complete (so
    it keeps them, but its mark that they are incomplete stays, and the next run stops on
    it). Stopping them first leaves only what the resumed run writes.

    Returns
    -------
    list of int
        The process ids stopped.
    """
    import psutil

    jobs = orphaned_jobs(workdir)
    for job in jobs:
        with contextlib.suppress(psutil.Error):
            job.terminate()
    _, alive = psutil.wait_procs(jobs, timeout=timeout)
    for job in alive:
        with contextlib.suppress(psutil.Error):
            job.kill()
    psutil.wait_procs(alive, timeout=timeout)
    return [job.pid for job in jobs]


#: Where Snakemake marks the outputs of the jobs it started and has not seen finish.
INCOMPLETE_MARKS = ".snakemake/incomplete"


def incomplete_marks(workdir: str | Path) -> list[tuple[Path, str]]:
    """Snakemake's marks of incomplete outputs in ``workdir`` (a job started, its end not
    seen): each mark file with its output's path relative to ``workdir``, sorted.

    A mark is a file under ``.snakemake/incomplete`` named by the output's path in URL-safe
    base64, cut into folders of ``@``-prefixed parts when long (Snakemake's
    ``persistence/file.py``, the same since Snakemake 5; ``tests/workflow/test_resume.py``
    would fail if it changed)."""
    root = Path(workdir) / INCOMPLETE_MARKS
    marks = []
    for mark in sorted(p for p in root.rglob("*") if p.is_file()):
        parts = [part.removeprefix("@") for part in mark.relative_to(root).parts]
        try:
            marks.append((mark, base64.urlsafe_b64decode("".join(parts)).decode()))
        except (ValueError, UnicodeDecodeError):
            continue  # not a mark of an output
    return marks


def clear_marks_of_whole_outputs(workdir: str | Path) -> list[str]:
    """Remove Snakemake's incomplete marks of the outputs that exist; return those outputs.

    After ``--rerun-incomplete``, a mark can stay on an output that a job of the killed run
    finished after its Snakemake died: Snakemake checks the marks before the jobs behind a
    checkpoint (the fits) are in its graph, keeps such an output, and the next run stops on
    its mark. The output is whole: every writer of the package writes under a temporary name
    and renames (:func:`arabic_news_topics.io.atomic_path`), so a file or folder under an
    output's name is complete. (Removing the output instead would not work: Snakemake does
    not remake a missing output behind a checkpoint whose own outputs are up to date.)"""
    cleared = []
    for mark, output in incomplete_marks(workdir):
        if (Path(workdir) / output).exists():
            mark.unlink()
            cleared.append(output)
    return cleared


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m arabic_news_topics.runs COMMAND [snakemake arguments]``, in the working
    directory of a killed Snakemake (``--directory``/``-d`` among Snakemake's arguments, else
    the current one), as ``make resume`` runs them: ``stop-orphaned-jobs`` before Snakemake
    runs again (:func:`stop_orphaned_jobs`), ``clear-whole-marks`` after
    (:func:`clear_marks_of_whole_outputs`)."""
    parser = argparse.ArgumentParser(prog="python -m arabic_news_topics.runs")
    parser.add_argument("command", choices=["stop-orphaned-jobs", "clear-whole-marks"])
    parser.add_argument("--directory", "-d", default=".")
    args, _ = parser.parse_known_args(argv)
    if args.command == "stop-orphaned-jobs":
        for pid in stop_orphaned_jobs(args.directory):
            print(f"stopped process {pid}, a job of a Snakemake that no longer runs")
    else:
        for output in clear_marks_of_whole_outputs(args.directory):
            print(f"{output}: written whole by a job of the killed run; its mark is cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
