"""Shared I/O of every stage: tables (CSV + Markdown, JSON Lines), token files, job logs, and
:func:`atomic_path`, through which every output file of the package is written."""

from __future__ import annotations

import contextlib
import csv
import glob
import gzip
import json
import logging
import os
import secrets
import shutil
import socket
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

#: Decimal places kept for floats in tables, so reruns write byte-identical files.
FLOAT_DECIMALS = 6
#: Rows of a table rendered in its Markdown file (the CSV always holds every row): Markdown
#: is for reading and for the report, and tabulate takes seconds per 100,000 rows.
MARKDOWN_MAX_ROWS = 1000
#: How a float is written in a table's CSV (after rounding to :data:`FLOAT_DECIMALS`).
FLOAT_FORMAT = f"%.{FLOAT_DECIMALS}f"
#: Rows of a table's CSV formatted at a time (:func:`write_table`).
CSV_BLOCK_ROWS = 10_000


#: The start of the name of a file or folder being written (:func:`atomic_path`).
TEMPORARY_PREFIX = ".tmp-"
#: Random hexadecimal digits after it, then ``-`` and the output's name.
TOKEN_HEX_DIGITS = 8


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path next to ``path`` to write an output to, renamed to ``path`` when the
    block completes and removed when it fails, so that ``path`` exists only complete.

    A job killed mid-write (or one that outlives a killed Snakemake) leaves no half-written
    file under the output's name, only a hidden ``.tmp-<random>-<name>`` beside it, which the
    next write of the same output removes. The temporary name ends with the whole name of
    ``path``, so writers that go by the suffix (numpy's ``.npz``, matplotlib's format, pandas'
    compression) write the same bytes; the writer may create a file or a folder there (a
    folder replaces an existing folder ``path`` whole). The parent folder is created.

    Parameters
    ----------
    path : str or Path
        The output file or folder.

    Yields
    ------
    Path
        The temporary path, which does not exist yet.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Leftovers of a killed earlier write of this output (a writer still running on one
    # then fails to rename it, rather than replacing this write's output).
    token = "[0-9a-f]" * TOKEN_HEX_DIGITS
    prefix = glob.escape(str(path.parent / TEMPORARY_PREFIX))
    for stale in glob.glob(f"{prefix}{token}-{glob.escape(path.name)}"):
        _remove(Path(stale))
    temporary = path.parent / (
        f"{TEMPORARY_PREFIX}{secrets.token_hex(TOKEN_HEX_DIGITS // 2)}-{path.name}"
    )
    try:
        yield temporary
        if not temporary.exists():
            raise FileNotFoundError(f"nothing was written to {path} (expected at {temporary})")
        if temporary.is_dir() and path.is_dir():
            shutil.rmtree(path)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


#: zlib level of :func:`write_npz`: the fastest. Level 6 (zlib's default) took 3.9 of the
#: 8 s of export_model on SaudiNewsNet for files about 10 % smaller (docs/performance.md).
NPZ_COMPRESS_LEVEL = 1


def write_npz(path: str | Path, compress: bool = True, **arrays) -> None:
    """Arrays as an ``.npz`` file (``np.load`` reads it) through :func:`atomic_path`, with
    the same bytes on every rerun: the members carry zipfile's fixed date (1980-01-01, that
    of a member opened by name, as numpy's own ``savez`` writes them). Compressed at zlib's
    fastest level, :data:`NPZ_COMPRESS_LEVEL` (``np.savez_compressed`` takes zlib's default,
    several times slower), or stored as they are (``compress=False``: a file every fit
    reads, at disk speed)."""
    import zipfile

    import numpy as np

    if compress:
        options = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": NPZ_COMPRESS_LEVEL}
    else:
        options = {"compression": zipfile.ZIP_STORED}
    with (
        atomic_path(path) as temporary,
        zipfile.ZipFile(temporary, "w", **options) as archive,
    ):
        for name, value in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, np.asarray(value), allow_pickle=False)


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8, ``\\n`` line endings) through :func:`atomic_path`."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def _round_floats(frame: pd.DataFrame) -> pd.DataFrame:
    floats = frame.select_dtypes(include="float").columns
    if len(floats) == 0:
        return frame
    frame = frame.copy()
    frame[floats] = frame[floats].round(FLOAT_DECIMALS)
    return frame


def _csv_values(frame: pd.DataFrame) -> list | None:
    """Each column of ``frame`` as an array of the values ``DataFrame.to_csv`` formats, or
    None when a column or the header is of a kind left to pandas (extension dtypes other
    than strings, dates, labels that are not strings): what :func:`_csv_rows` writes.

    Why not pandas alone: its CSV writer formats a float column cell by cell through several
    Python calls (2 s for a 28,000 x 50 topic-share table, a tenth of a topic model's job on
    SaudiNewsNet); one ``%`` per cell, written by the same :mod:`csv` writer pandas uses, gives
    the same bytes (tests/test_io.py holds it to pandas) in half the time.
    """
    import numpy as np

    if frame.shape[1] == 0 or not all(isinstance(label, str) for label in frame.columns):
        return None
    columns = []
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        dtype = series.dtype
        if isinstance(dtype, pd.StringDtype):
            columns.append(series.to_numpy(dtype=object))
        elif isinstance(dtype, np.dtype) and dtype.kind in "fiubO":
            columns.append(series.to_numpy())
        else:
            return None
    return columns


def _csv_rows(columns: list, start: int, stop: int) -> Iterator[tuple]:
    """Rows ``start`` to ``stop`` of the columns of :func:`_csv_values` as pandas writes their
    cells: floats with :data:`FLOAT_FORMAT`, missing values empty. Written a block of rows
    at a time, so a large table is never held as strings whole."""
    import numpy as np

    cells = []
    for values in columns:
        values = values[start:stop]
        if values.dtype.kind == "f":
            column = [FLOAT_FORMAT % value for value in values.tolist()]
        else:
            column = values.astype(object).tolist()
        if values.dtype.kind in "fO":
            for missing in np.flatnonzero(pd.isna(values)).tolist():
                column[missing] = ""
        cells.append(column)
    return zip(*cells, strict=True)


def write_table(
    frame: pd.DataFrame, csv_path: str | Path, md_path: str | Path | None = None
) -> None:
    """Write a table as CSV and, optionally, as a Markdown table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.
    csv_path : str or Path
        Destination of the CSV file (UTF-8, ``\\n`` line endings).
    md_path : str or Path, optional
        Destination of the Markdown rendering of the same table (its first
        :data:`MARKDOWN_MAX_ROWS` rows, with a line saying so when there are more).
    """
    frame = _round_floats(frame)
    columns = _csv_values(frame)
    with atomic_path(csv_path) as temporary:
        if columns is None:
            frame.to_csv(temporary, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
        else:
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream, lineterminator="\n")
                writer.writerow(frame.columns)
                for start in range(0, len(frame), CSV_BLOCK_ROWS):
                    writer.writerows(_csv_rows(columns, start, start + CSV_BLOCK_ROWS))
    if md_path is not None:
        shown = frame.head(MARKDOWN_MAX_ROWS)
        text = shown.to_markdown(index=False, floatfmt=f".{FLOAT_DECIMALS}f")
        if len(frame) > len(shown):
            text += (
                f"\n\nThe first {len(shown):,} of {len(frame):,} rows; "
                f"every row is in `{Path(csv_path).name}`."
            )
        write_text(md_path, text + "\n")


def write_tsv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a table as TSV as it is (no rounding, no Markdown): manifests and metadata."""
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, sep="\t", index=False, lineterminator="\n")


def read_table(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV (or TSV, by suffix) table written by :func:`write_table`."""
    sep = "\t" if str(path).endswith(".tsv") else ","
    return pd.read_csv(path, sep=sep, keep_default_na=False, na_values=[""], **kwargs)


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    """Write records as JSON Lines (UTF-8, Arabic kept readable); return how many were written."""
    count = 0
    with (
        atomic_path(path) as temporary,
        open(temporary, "x", encoding="utf-8", newline="\n") as handle,
    ):
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Yield the records of a JSON Lines file, plain or gzip-compressed."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def iter_tokens(path: str | Path) -> Iterator[tuple[str, list[str]]]:
    """(doc_id, tokens) of each document of a tokens file, one at a time."""
    return ((r["doc_id"], r["tokens"]) for r in read_jsonl(path))


def log_to(path: str) -> None:
    """Send log records, warnings and uncaught tracebacks of this process to ``path``.

    A job that runs under SLURM says so in its first line (job id and node), so that its log
    shows where and as which cluster job it ran.
    """
    stream = open(path, "w", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    sys.stderr = stream
    logging.basicConfig(
        stream=stream,
        level=logging.INFO,
        force=True,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    slurm_job_id = os.environ.get("SLURM_JOB_ID")
    if slurm_job_id:
        logging.getLogger(__name__).info(
            "SLURM job %s on node %s", slurm_job_id, socket.gethostname()
        )
