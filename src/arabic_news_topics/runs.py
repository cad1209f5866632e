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

import hashlib
import json
import os
import re
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
