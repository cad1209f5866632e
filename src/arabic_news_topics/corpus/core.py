"""Stage 1: read a corpus into one record per document, accounting for every input.

Sources are folders, single files or archives (``.zip``, ``.tar.gz``/``.tgz``, ``.tar``)
of text files (``txt``), JSON Lines (``jsonl``), JSON arrays (``json``), ``csv`` or
``tsv``; single files may be gzipped. Archives and ``.gz`` files are read in place, as
streams, never unpacked to disk. Files and archive members are read in sorted name order.

:func:`iter_records` streams: it yields, for every input record in order, the document
(or ``None`` when the record is dropped) and its manifest row. Every input record gets
exactly one manifest row, ``kept`` or ``dropped`` with a reason, so ``kept + dropped ==
input`` always holds; every file or archive member that gives no record gets one too
(``skipped:<why>`` when passed over, ``empty_file``, ``unreadable_file:<why>``,
``unreadable_archive:<why>``). A damaged file or archive never stops the reading: the
records before the break are kept and the next file is read. :func:`read_corpus` collects
the stream into a list and a table.

Encodings are detected per file (``txt``, ``json``), per line (``jsonl``, ``csv``,
``tsv``): UTF-8 (with or without BOM), UTF-16 (with BOM, or without one, told from where
the NUL bytes are), and Windows-1256 when UTF-8 fails and the cp1256 reading is Arabic.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import logging
import lzma
import re
import stat
import tarfile
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from itertools import chain, islice, pairwise
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..normalize import core as normalize

if TYPE_CHECKING:
    import datasketch

LOGGER = logging.getLogger(__name__)

ARABIC_LETTER_RUN_RE = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
# Letters that are not Arabic: word characters other than digits, _ and Arabic letters.
OTHER_LETTER_RUN_RE = re.compile(r"[^\W\d_\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
WHITESPACE_RE = re.compile(r"\s+")

#: Formats the reader understands, by ``corpus.sources[].format``.
FORMATS = ("txt", "jsonl", "json", "csv", "tsv")
#: Where a document's label comes from, by ``corpus.sources[].label_from``.
LABEL_FROM = ("field", "parent_folder", "none")
#: File name endings of each record format inside folders and archives (``.gz`` allowed).
FORMAT_SUFFIXES = {
    "jsonl": (".jsonl", ".ndjson"),
    "json": (".json",),
    "csv": (".csv",),
    "tsv": (".tsv", ".tab"),
}
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")

#: Keys of a kept document, in order.
DOCUMENT_FIELDS = ("doc_id", "title", "text", "date", "label", "source", "location")
#: Columns of the manifest, one row per input record and per file that gives no record.
MANIFEST_COLUMNS = ["doc_id", "location", "status", "reason", "encoding", "note"]
#: Statuses of manifest rows: a kept document; a dropped record (or a file that gave no
#: record: empty, unreadable); a file or archive member passed over (``skipped:<why>``).
KEPT, DROPPED, SKIPPED = "kept", "dropped", "skipped"
#: The doc_id of a row about a file or archive member is this prefix and its location
#: (``file:my_corpus/notes.md``, ``file:dump.zip!README``): it says that the row is a file's,
#: and it is made unique with the documents' ids like any other (``~2``).
FILE_ROW_PREFIX = "file:"
#: The encoding column of a record that could not be decoded.
UNKNOWN_ENCODING = "unknown"
#: Fewest documents the later stages can model: TF-IDF's max_df and LDA's no_above are
#: shares of the documents (with one document every term is in all of them, and all are
#: removed), and topics, clusters and their scores compare documents with each other. A
#: corpus smaller than this stops after ingest or normalization with one message that says
#: how many documents are left and why the others were dropped.
MIN_DOCUMENTS = 2

# -- Damaged and passed-over files -------------------------------------------------------
#: What reading a damaged file or archive raises: truncated or corrupt compressed streams
#: (EOFError, zlib and lzma errors, gzip.BadGzipFile and bz2's OSError), damaged zip and
#: tar archives, and the file system.
READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, tarfile.TarError, zipfile.BadZipFile)
#: Names of files that operating systems leave in folders and archives (lower case);
#: passed over as ``skipped:system_file``, as are macOS's ``__MACOSX/`` and ``._name``.
SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
#: Where a line ends at a carriage return not followed by a line feed.
LONE_CR_RE = re.compile(r"(?<=\r)(?!\n)")
JSON_SPACE_RE = re.compile(r"[ \t\n\r]*")
#: Delimiters a CSV or TSV file may use (detected from its first lines and header).
CSV_DELIMITERS = (",", ";", "\t", "|")
#: Lines read ahead to detect a CSV file's delimiter (at most 64 KiB of them).
CSV_SAMPLE_LINES = 50
#: Column names of a CSV header quoted in an error message.
MAX_HEADER_SHOWN = 20

# -- Encodings ---------------------------------------------------------------------------
# charset-normalizer is not used: on short Arabic cp1256 texts (titles, one-line records,
# CSV lines) it guesses wrong (8 of 9 two-to-four-word cp1256 phrases came back as cp932,
# big5 or cp1006 with charset-normalizer 3.5), and it chooses among ~90 encodings where a
# corpus of Arabic news needs four. The rules here are simple and deterministic instead.

#: Bytes read ahead to tell UTF-16 from the rest (a zip member gives at most 512).
SNIFF_BYTES = 4096
#: BOM-less UTF-16: share of high bytes (0x00 for ASCII, 0x06 for Arabic) that the high
#: byte positions must reach, and that the low byte positions must stay under.
UTF16_HIGH_SHARE = 0.6
UTF16_LOW_SHARE = 0.1
#: cp1256 is accepted when at least this share of its non-ASCII characters are Arabic.
#: UTF-8 Arabic misread as cp1256 gives about 0.6 (its lead bytes are ط and ظ, its trail
#: bytes mostly symbols); real cp1256 Arabic text well above 0.9.
CP1256_MIN_ARABIC_SHARE = 0.8
#: ... and at least this share of its letters Arabic letters.
CP1256_MIN_LETTER_SHARE = 0.5
CP1256_ARABIC_RE = re.compile(r"[\u0600-\u06FF]")
# Non-ASCII characters that are neither Arabic nor the punctuation that cp1256 Arabic text
# uses (no-break space, guillemets, curly quotes, dashes, ellipsis, ZWNJ/ZWJ, LRM/RLM), and
# control characters, which text files do not hold.
CP1256_FOREIGN_RE = re.compile(
    r"[^\x00-\x7F\u0600-\u06FF\u00A0\u00AB\u00BB\u2013\u2014\u2018\u2019\u201C\u201D"
    r"\u2026\u200C-\u200F]|[\x00-\x08\x0B\x0E-\x1F\x7F]"
)

# -- Dates -------------------------------------------------------------------------------
# An optional time after a date: "T10:00:00Z", " 10:00", " 10:00:00.5 +03:00", " 10:00 PM".
_TIME = (
    r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"\s*(?:[AaPp]\.?[Mm]\.?|Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
ISO_DATE_RE = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
DAY_FIRST_DATE_RE = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}){_TIME}$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# "31 July 2015", "الجمعة 31 يوليو 2015", "31 كانون الثاني 2015" (an optional weekday first).
DAY_MONTH_YEAR_RE = re.compile(
    rf"^(?:[^\W\d_]+,?\s+)?(\d{{1,2}})\s+([^\W\d_]+(?:\s+[^\W\d_]+)?)\.?,?\s+(\d{{4}}){_TIME}$"
)
# "July 31, 2015", "Fri, Jul 31 2015".
MONTH_DAY_YEAR_RE = re.compile(
    rf"^(?:[^\W\d_]+,?\s+)?([^\W\d_]+)\.?\s+(\d{{1,2}}),?\s+(\d{{4}}){_TIME}$"
)
EASTERN_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
_MONTH_NAMES = {
    1: "january jan يناير كانون_الثاني",
    2: "february feb فبراير شباط",
    3: "march mar مارس آذار",
    4: "april apr أبريل إبريل نيسان",
    5: "may مايو أيار",
    6: "june jun يونيو يونيه حزيران",
    7: "july jul يوليو يوليه تموز",
    8: "august aug أغسطس آب",
    9: "september sep sept سبتمبر أيلول",
    10: "october oct أكتوبر تشرين_الأول",
    11: "november nov نوفمبر تشرين_الثاني",
    12: "december dec ديسمبر كانون_الأول",
}
#: Month names (English, Egyptian-Gulf and Levantine Arabic), alef-folded and lower case.
MONTHS = {
    normalize.fold_alef(name.replace("_", " ")): month
    for month, names in _MONTH_NAMES.items()
    for name in names.split()
}
#: Longest date value quoted in a ``bad_date:`` note.
MAX_NOTE_VALUE = 60

# -- Near-duplicates ---------------------------------------------------------------------
#: MinHash permutations (datasketch's default): the standard error of an estimated Jaccard
#: similarity J is sqrt(J(1 - J) / 128), 0.035 at J = 0.8.
NUM_PERM = 128
#: Fixed seed of the MinHash permutations, so that results never change between runs.
MINHASH_SEED = 1
#: Odd 64-bit multiplier (the golden ratio) that combines word hashes into shingle hashes.
SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Source:
    """One corpus source (an entry of ``corpus.sources``)."""

    path: str
    format: str = "txt"
    pattern: str = "*.txt"
    label_from: str = "field"
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    date_field: str = "date"
    label_field: str = "label"
    source_field: str = "source"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(
                f"corpus source {self.path}: unknown format {self.format!r}; "
                f"allowed: {', '.join(FORMATS)}"
            )
        if self.label_from not in LABEL_FROM:
            raise ValueError(
                f"corpus source {self.path}: unknown label_from {self.label_from!r}; "
                f"allowed: {', '.join(LABEL_FROM)}"
            )

    @classmethod
    def from_config(cls, entry: Mapping) -> Source:
        """Build a source from one entry of ``corpus.sources`` (unknown keys are ignored)."""
        known = {k: entry[k] for k in cls.__dataclass_fields__ if entry.get(k) is not None}
        return cls(**known)


@dataclass(frozen=True)
class NearDuplicateSettings:
    """``corpus.near_duplicates``: word-shingle Jaccard similarity by MinHash LSH."""

    enabled: bool = False
    threshold: float = 0.8
    shingle_size: int = 5

    @classmethod
    def from_config(cls, section: Mapping | NearDuplicateSettings | None) -> NearDuplicateSettings:
        """Settings from the config section (``None``: switched off)."""
        if isinstance(section, NearDuplicateSettings):
            return section
        section = section or {}
        return cls(**{k: section[k] for k in cls.__dataclass_fields__ if k in section})


@dataclass
class _Raw:
    """A record as read, before ids are made unique and the keep/drop decision."""

    doc_id: str
    location: str
    encoding: str
    text: str = ""
    title: str = ""
    date: Any = None
    label: str = ""
    source: str = ""
    reason: str = ""
    note: str = ""  # of a file's row: the error that made it unreadable
    nul_bytes: int = 0  # NUL characters removed from the record


@dataclass(frozen=True)
class _Input:
    """One file or archive member of a source."""

    location: str  # path, or archive!member
    relative: str  # posix path below the source root (the file name for a single file)
    handle: IO[bytes]
    archive: str = ""  # the archive's path, for a member


# ---------------------------------------------------------------------------------------
# Encodings


def _utf16_codec(head: bytes) -> str | None:
    """``utf-16`` (a BOM), ``utf-16-le`` or ``utf-16-be`` (NUL-byte pattern), or ``None``.

    In UTF-16 every second byte is the high byte of a code unit: 0x00 for ASCII (spaces,
    digits, newlines, JSON and CSV syntax) and 0x06 for Arabic letters. UTF-8 and cp1256
    text holds neither byte.
    """
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    high_even = (even.count(0) + even.count(6)) / len(even)
    high_odd = (odd.count(0) + odd.count(6)) / len(odd)
    if high_odd >= UTF16_HIGH_SHARE and high_even <= UTF16_LOW_SHARE:
        return "utf-16-le"
    if high_even >= UTF16_HIGH_SHARE and high_odd <= UTF16_LOW_SHARE:
        return "utf-16-be"
    return None


def looks_like_cp1256_arabic(text: str) -> bool:
    """Whether a cp1256 decoding is Arabic text rather than bytes of another encoding.

    cp1256 maps nearly every byte to a character, so decoding never fails. Its non-ASCII
    characters must be mostly Arabic (:data:`CP1256_MIN_ARABIC_SHARE`: not UTF-8 or Latin-1
    bytes read as ط ظ é ±), and most of its letters Arabic (:data:`CP1256_MIN_LETTER_SHARE`:
    not a Latin text with a stray byte).
    """
    arabic = len(CP1256_ARABIC_RE.findall(text))
    foreign = len(CP1256_FOREIGN_RE.findall(text))
    if not arabic or arabic / (arabic + foreign) < CP1256_MIN_ARABIC_SHARE:
        return False
    return arabic_share(text) >= CP1256_MIN_LETTER_SHARE


def _decode_ascii_compatible(raw: bytes) -> tuple[str | None, str]:
    """UTF-8, else Windows-1256 when that reads as Arabic, else undecodable."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1256", errors="replace")
    if looks_like_cp1256_arabic(text):
        return text, "cp1256"
    return None, UNKNOWN_ENCODING


def decode_text(raw: bytes) -> tuple[str | None, str]:
    """Decode the bytes of a whole file; return the text (``None``: undecodable) and encoding.

    The encoding is one of ``utf-8``, ``utf-8-sig`` (UTF-8 with BOM), ``utf-16`` (with
    BOM), ``utf-16-le``, ``utf-16-be`` (without BOM), ``cp1256``, or ``unknown``.
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, UNKNOWN_ENCODING
    codec = _utf16_codec(raw[:SNIFF_BYTES])
    if codec is not None:
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            return None, UNKNOWN_ENCODING
    return _decode_ascii_compatible(raw)


def _peek(handle: IO[bytes]) -> bytes:
    peek = getattr(handle, "peek", None)
    return peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek else b""


def _decoded_lines(handle: IO[bytes]) -> Iterator[tuple[str, str | None]]:
    """Stream the lines of a file as ``(text, encoding)``, line endings kept.

    UTF-16 files (told from the first bytes) are decoded as a whole stream; a line with an
    undecodable part gets encoding ``None`` (its text has U+FFFD there). Other files are
    decoded line by line, UTF-8 or else cp1256; an undecodable line has encoding ``None``
    and its text read as UTF-8 with replacement characters.
    """
    codec = _utf16_codec(_peek(handle))
    if codec is not None:
        reader = io.TextIOWrapper(handle, encoding=codec, errors="replace", newline="")
        for line in reader:
            yield line, (None if "\ufffd" in line else codec)
        reader.detach()
        return
    for number, raw in enumerate(handle):
        bom = number == 0 and raw.startswith(codecs.BOM_UTF8)
        text, encoding = _decode_ascii_compatible(raw[3:] if bom else raw)
        if text is None:
            yield raw.decode("utf-8", errors="replace"), None
        else:
            yield text, ("utf-8-sig" if bom and encoding == "utf-8" else encoding)


# ---------------------------------------------------------------------------------------
# Files and archive members


class _ArchiveBroken(Exception):
    """Reading a tar archive's stream failed: no later member can be read."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _error_reason(error: BaseException) -> str:
    """A short, stable name for why a file or archive could not be read."""
    message = str(error).lower()
    cut = isinstance(error, EOFError) or any(
        words in message for words in ("unexpected end", "ended before", "truncated")
    )
    if isinstance(error, tarfile.ReadError):
        if "empty file" in message:
            return "empty"
        if "could not be opened" in message:  # no method (gz, bz2, xz, tar) could read it
            if "ended before" in message:
                return "truncated"
            return "corrupt_data" if "zlib error" in message else "not_a_tar"
        return "truncated" if cut else "corrupt_tar"
    if cut:
        return "truncated"
    if isinstance(error, gzip.BadGzipFile):
        return "not_gzip"
    if isinstance(error, zipfile.BadZipFile):
        if "crc" in message:
            return "bad_crc"
        return "not_a_zip" if "not a zip" in message else "corrupt_zip"
    if isinstance(error, zlib.error | lzma.LZMAError | tarfile.CompressionError):
        return "corrupt_data"
    if isinstance(error, RuntimeError) and "encrypted" in message:
        return "encrypted"
    if isinstance(error, NotImplementedError):
        return "unsupported"  # a compression method or zip version Python does not read
    if isinstance(error, PermissionError):
        return "permission_denied"
    if isinstance(error, OSError) and "invalid data stream" in message:  # bz2
        return "corrupt_data"
    if isinstance(error, ValueError):
        return "corrupt_data"
    return "io_error"


def _error_note(error: BaseException) -> str:
    """The error as a manifest note: ``error:<type>: <message>`` (short, without ``;``)."""
    return "error:" + _note_value(f"{type(error).__name__}: {error}").replace(";", ",")


def _file_row(location: str, reason: str, note: str = "") -> _Raw:
    """The manifest row of a file or archive member rather than of a record."""
    return _Raw(FILE_ROW_PREFIX + location, location, "", reason=reason, note=note)


def _unreadable(kind: str, location: str, error: BaseException) -> _Raw:
    """The row of a file (``unreadable_file``) or archive (``unreadable_archive``) that broke."""
    LOGGER.warning("%s: cannot be read to its end (%s: %s)", location, type(error).__name__, error)
    return _file_row(location, f"{kind}:{_error_reason(error)}", _error_note(error))


def _sort_key(name: str) -> tuple[str, ...]:
    return PurePosixPath(name).parts


def _is_system_file(name: str) -> bool:
    """Files that operating systems and archivers leave beside the articles: macOS
    resource forks (``__MACOSX/``, ``._name``), ``.DS_Store``, ``Thumbs.db``."""
    parts = PurePosixPath(name).parts
    if not parts:
        return False
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1].lower() in SYSTEM_FILES


def _lower_name(path: str | Path) -> str:
    return str(path).lower()


def _matches(source: Source, name: str) -> bool:
    """Whether a name below a folder or archive is one the source reads (case-insensitive:
    ``*.txt`` matches ``A.TXT``; ``txt`` files may be gzipped, ``a.txt.gz``)."""
    lower = name.lower()
    if source.format != "txt":
        suffixes = FORMAT_SUFFIXES[source.format]
        return lower.endswith(suffixes + tuple(s + ".gz" for s in suffixes))
    path, pattern = PurePosixPath(lower), source.pattern.lower()
    return path.match(pattern) or (path.suffix == ".gz" and path.with_suffix("").match(pattern))


def _skip_reason(source: Source, name: str) -> str:
    """Why a file or archive member is passed over (``skipped:<why>``), or "" to read it."""
    if _is_system_file(name):
        return "skipped:system_file"
    if not _matches(source, name):
        return "skipped:not_matching_pattern"
    return ""


def _folder_entries(source: Source) -> list[tuple[Path, str]]:
    """Every file below a folder, in sorted order, with why it is passed over ("" if not).

    Folders themselves are not entries. A symbolic link to a file is read as the file; a
    broken link, a socket or a named pipe is passed over.
    """
    root = Path(source.path)
    entries = []
    for path in root.rglob("*"):
        if path.is_dir():
            continue
        if path.is_file():
            why = _skip_reason(source, path.relative_to(root).as_posix())
        else:
            why = "skipped:broken_link" if path.is_symlink() else "skipped:not_a_file"
        entries.append((path, why))
    return sorted(entries, key=lambda entry: entry[0].relative_to(root).parts)


def list_source_files(source: Source | Mapping) -> list[Path]:
    """The files on disk a source reads, sorted (an archive or a single file is one file).

    For a folder, the files matching ``pattern`` (``txt``, case-insensitive, optionally
    ``.gz``) or the format's suffixes (``.jsonl``, ``.json``, ``.csv``, ``.tsv``, each
    optionally ``.gz``), recursively.
    """
    if not isinstance(source, Source):
        source = Source.from_config(source)
    path = Path(source.path)
    if not path.is_dir():
        return [path]
    return [file for file, why in _folder_entries(source) if not why]


def _maybe_gunzip(name: str, handle: IO[bytes]) -> IO[bytes]:
    if name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=handle, mode="rb")
    return handle if hasattr(handle, "peek") else io.BufferedReader(handle)


def _open_file(path: Path, relative: str) -> Iterator[_Input | _Raw]:
    """A file on disk, opened (a row ``unreadable_file`` when it cannot be opened)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below, after the reader is done)
    except OSError as error:
        yield _unreadable("unreadable_file", path.as_posix(), error)
        return
    with handle:
        yield _Input(path.as_posix(), relative, _maybe_gunzip(relative, handle))


def _zip_is_link(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a symbolic link (Unix mode in the high bytes)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _zip_members(path: Path, source: Source) -> Iterator[_Input | _Raw]:
    """Members of a zip archive in sorted name order. Members are stored apart, so a damaged
    one is a row ``unreadable_file`` and the next ones are read."""
    location = path.as_posix()
    try:
        archive = zipfile.ZipFile(path)
    except (*READ_ERRORS, NotImplementedError, ValueError) as error:
        # NotImplementedError: a zip version Python does not read; ValueError: a directory
        # that is not what it says (names that are not UTF-8, offsets out of the file).
        yield _unreadable("unreadable_archive", location, error)
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        for info in sorted(infos, key=lambda i: _sort_key(i.filename)):
            relative = PurePosixPath(info.filename).as_posix()
            member_location = f"{location}!{relative}"
            why = "skipped:link" if _zip_is_link(info) else _skip_reason(source, relative)
            if why:
                yield _file_row(member_location, why)
                continue
            try:
                member = archive.open(info)
            except (*READ_ERRORS, RuntimeError, NotImplementedError, ValueError) as error:
                # RuntimeError: encrypted; NotImplementedError: unknown compression method.
                yield _unreadable("unreadable_file", member_location, error)
                continue
            with member:
                yield _Input(member_location, relative, _maybe_gunzip(relative, member), location)


#: Memory for tar members read ahead of their turn in an archive not in name order.
TAR_BUFFER_BYTES = 64 * 2**20


class _ArchiveStream(io.RawIOBase):
    """A tar member's bytes; a failure of the archive's stream raises :class:`_ArchiveBroken`
    (told apart from a damaged ``.gz`` member, after which the archive can go on)."""

    def __init__(self, handle: IO[bytes]):
        super().__init__()
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._handle.read(len(buffer))
        except READ_ERRORS as error:
            raise _ArchiveBroken(error) from error
        buffer[: len(data)] = data
        return len(data)


def _tar_entry_reason(source: Source, member: tarfile.TarInfo) -> str:
    if member.issym() or member.islnk():
        return "skipped:link"
    if not member.isfile():
        return "skipped:not_a_file"  # a device or a named pipe
    return _skip_reason(source, member.name)


def _tar_members(path: Path, source: Source) -> Iterator[_Input | _Raw]:
    """Members of a tar archive in sorted name order, streamed.

    A first pass lists the members. When the archive is in name order (as Python's tarfile
    and ``tar --sort=name`` write it) the members are read in one more forward pass. Else
    the archive is streamed again as often as needed; members met before their turn are
    held in memory up to :data:`TAR_BUFFER_BYTES`, so that a compressed archive is never
    rewound once per member.

    A tar archive is one stream: where it breaks (truncated, corrupt), the members before
    the break are read and one row ``unreadable_archive:<why>`` stands for the rest.
    """
    location = path.as_posix()
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the with below)
    except READ_ERRORS as error:
        yield _unreadable("unreadable_archive", location, error)
        return
    broken: BaseException | None = None
    with archive:
        try:
            archive.getmembers()
        except READ_ERRORS as error:
            broken = error  # the members listed before the break are read
        entries = [(m, _tar_entry_reason(source, m)) for m in archive.members if not m.isdir()]
        ordered = sorted(entries, key=lambda entry: _sort_key(entry[0].name))
        read = [member for member, why in ordered if not why]
        in_order = all(a.offset < b.offset for a, b in pairwise(read))
        if in_order:
            for member, why in ordered:
                if why:
                    yield _file_row(f"{location}!{_member_name(member.name)}", why)
                    continue
                try:
                    handle = archive.extractfile(member)
                except READ_ERRORS as error:
                    yield _unreadable("unreadable_archive", location, error)
                    return
                yield _tar_input(path, member.name, handle)
    if not in_order:
        try:
            missing = yield from _tar_members_unsorted(path, ordered)
        except READ_ERRORS as error:
            yield _unreadable("unreadable_archive", location, error)
            return
        if missing and broken is None:
            broken = tarfile.ReadError("unexpected end of data: members listed but not found")
    if broken is not None:
        yield _unreadable("unreadable_archive", location, broken)


def _tar_members_unsorted(
    path: Path, ordered: list[tuple[tarfile.TarInfo, str]]
) -> Generator[_Input | _Raw, None, bool]:
    """The members of a tar archive not in name order, in name order (see _tar_members).

    Returns whether members listed in the first reading were not found in a pass over the
    stream (a stream that ends early): they are left out, and the archive is unreadable.
    """
    location = path.as_posix()
    rank = {member.offset: i for i, (member, _) in enumerate(ordered)}
    next_rank = 0
    held: dict[int, tuple[str, bytes]] = {}
    missing = False

    def ready() -> Iterator[_Input | _Raw]:
        """Members whose turn has come and that need no more reading: passed over or held."""
        nonlocal next_rank
        while next_rank < len(ordered):
            member, why = ordered[next_rank]
            if why:
                yield _file_row(f"{location}!{_member_name(member.name)}", why)
            elif next_rank in held:
                name, data = held.pop(next_rank)
                yield _tar_input(path, name, io.BytesIO(data))
            else:
                return
            next_rank += 1

    while next_rank < len(ordered):
        held.clear()
        held_bytes, seen = 0, set()
        with tarfile.open(path, "r|*") as archive:
            for member in archive:
                yield from ready()
                i = rank.get(member.offset, -1)
                seen.add(i)
                if i < next_rank or ordered[i][1]:
                    continue
                if i == next_rank:
                    yield _tar_input(path, member.name, archive.extractfile(member))
                    next_rank += 1
                elif held_bytes + member.size <= TAR_BUFFER_BYTES:
                    held[i] = (member.name, archive.extractfile(member).read())
                    held_bytes += member.size
        yield from ready()
        if next_rank < len(ordered) and next_rank not in seen:
            # Listed, but not in the stream: it can never be read; go on with the next.
            missing = True
            next_rank += 1
            yield from ready()
    return missing


def _member_name(name: str) -> str:
    return PurePosixPath(name).as_posix()


def _tar_input(path: Path, name: str, handle: IO[bytes] | None) -> _Input:
    relative = _member_name(name)
    assert handle is not None  # members are regular files
    stream = io.BufferedReader(_ArchiveStream(handle))
    return _Input(
        f"{path.as_posix()}!{relative}", relative, _maybe_gunzip(relative, stream), path.as_posix()
    )


def _inputs(source: Source) -> Iterator[_Input | _Raw]:
    """Every file or archive member of a source, in sorted name order, opened for reading;
    or the manifest row of one passed over (``skipped:<why>``) or unreadable."""
    path = Path(source.path)
    if not path.exists():
        raise FileNotFoundError(f"corpus source {source.path}: no such file or folder")
    if path.is_dir():
        for file, why in _folder_entries(source):
            if why:
                yield _file_row(file.as_posix(), why)
            else:
                yield from _open_file(file, file.relative_to(path).as_posix())
    elif _lower_name(path).endswith(ZIP_SUFFIXES):
        yield from _zip_members(path, source)
    elif _lower_name(path).endswith(TAR_SUFFIXES):
        yield from _tar_members(path, source)
    else:
        yield from _open_file(path, path.name)


# ---------------------------------------------------------------------------------------
# Records of each format


def _stem(relative: str) -> str:
    """A path without ``.gz`` and its suffix: ``2024/article_17.txt.gz`` -> ``2024/article_17``."""
    path = PurePosixPath(relative)
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    return path.with_suffix("").as_posix()


def _parent_folder_label(item: _Input) -> str:
    """The name of the folder holding a file or archive member ("" at an archive's root)."""
    return PurePosixPath(item.relative if item.archive else item.location).parent.name


def _folder_source(item: _Input) -> str:
    """The folder holding a text file (for archives ``archive!folder``): the source whose
    documents normalization searches for recurring boilerplate lines."""
    if item.archive:
        parent = PurePosixPath(item.relative).parent.as_posix()
        return item.archive if parent == "." else f"{item.archive}!{parent}"
    parent = PurePosixPath(item.location).parent.as_posix()
    return "" if parent == "." else parent


def _field_text(item: Mapping, key: str) -> str:
    value = item.get(key)
    return "" if value is None else str(value).strip()


def _strip_nul(text: str) -> tuple[str, int]:
    """The text without NUL characters (left by broken exports; no text holds them), and
    how many there were."""
    count = text.count("\x00")
    return (text.replace("\x00", ""), count) if count else (text, 0)


def _split_lone_cr(lines: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, str | None]]:
    """Lines split at carriage returns not followed by a line feed (old Mac line endings:
    a file of such lines is otherwise one line)."""
    for line, encoding in lines:
        if "\r" not in line:
            yield line, encoding
            continue
        for part in LONE_CR_RE.split(line):
            if part:
                yield part, encoding


def _record_from_item(
    item: Any,
    source: Source,
    file: _Input,
    location: str,
    default_id: str,
    encoding: str,
    where: str,
) -> _Raw:
    """A raw record from one parsed JSON object or CSV row (``where``: for the reason)."""
    if not isinstance(item, Mapping):
        return _Raw(default_id, location, encoding, reason=f"malformed_record:{where}")
    doc_id = _field_text(item, source.id_field) or default_id
    text = item.get(source.text_field)
    if source.text_field not in item or not isinstance(text, str | None):
        return _Raw(doc_id, location, encoding, reason=f"malformed_record:{where}")
    if source.label_from == "parent_folder":
        label = _parent_folder_label(file)
    elif source.label_from == "field":
        label = _field_text(item, source.label_field)
    else:
        label = ""
    return _Raw(
        doc_id,
        location,
        encoding,
        text=text or "",
        title=_field_text(item, source.title_field),
        date=item.get(source.date_field),
        label=label,
        source=_field_text(item, source.source_field) or file.location,
    )


def _txt_records(source: Source, file: _Input) -> Iterator[_Raw]:
    text, encoding = decode_text(file.handle.read())
    record = _Raw(_stem(file.relative), file.location, encoding, source=_folder_source(file))
    if source.label_from == "parent_folder":
        record.label = _parent_folder_label(file)
    if text is None:
        record.reason = "undecodable"
    else:
        record.text, record.nul_bytes = _strip_nul(text)
    yield record


def _jsonl_records(source: Source, file: _Input) -> Iterator[_Raw]:
    lines = _split_lone_cr(_decoded_lines(file.handle))
    for number, (line, encoding) in enumerate(lines, start=1):
        line, nul_bytes = _strip_nul(line)
        if not line.strip():
            continue  # a blank line is not a record
        location, default_id = f"{file.location}:{number}", f"line_{number}"
        if encoding is None:
            yield _Raw(default_id, location, UNKNOWN_ENCODING, reason="undecodable")
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        record = _record_from_item(item, source, file, location, default_id, encoding, str(number))
        record.nul_bytes = nul_bytes
        yield record


def _json_space(text: str, position: int) -> int:
    """The position after the JSON whitespace at ``position``."""
    return JSON_SPACE_RE.match(text, position).end()


def _json_records(source: Source, file: _Input) -> Iterator[_Raw]:
    """Items of a JSON array, parsed one at a time: where the array breaks off (a truncated
    file, invalid JSON) the items before are records and one row stands for the break."""
    text, encoding = decode_text(file.handle.read())
    default_id = _stem(file.relative)
    if text is None:
        yield _Raw(default_id, file.location, encoding, reason="undecodable")
        return
    text, nul_bytes = _strip_nul(text)
    position = _json_space(text, 0)
    if not text.startswith("[", position):
        reason = "" if position == len(text) else f"malformed_record:{file.relative}"
        if reason:  # an empty file is no record (a row empty_file)
            yield _Raw(default_id, file.location, encoding, reason=reason, nul_bytes=nul_bytes)
        return
    decoder = json.JSONDecoder()
    number, position, complete = 0, _json_space(text, position + 1), False
    if text.startswith("]", position):
        position, complete = position + 1, True
    while not complete:
        try:
            item, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        number += 1
        location = f"{file.location}:{number}"
        record = _record_from_item(
            item, source, file, location, f"item_{number}", encoding, f"item_{number}"
        )
        record.nul_bytes, nul_bytes = nul_bytes, 0  # the file's NULs, noted once
        yield record
        position = _json_space(text, position)
        if text.startswith(",", position):
            position = _json_space(text, position + 1)
        elif text.startswith("]", position):
            position, complete = position + 1, True
        else:
            break
    if not complete or _json_space(text, position) < len(text):
        # The array breaks off (or more follows it): one row for what could not be read.
        number += 1
        where = "truncated_json_array" if not complete else "after_json_array"
        yield _Raw(
            f"item_{number}",
            f"{file.location}:{number}",
            encoding,
            reason=f"malformed_record:{where}",
            nul_bytes=nul_bytes,
        )


def _csv_delimiter(sample: str, header: str, default: str) -> str:
    """The delimiter of a CSV or TSV file, among :data:`CSV_DELIMITERS`.

    csv.Sniffer's guess on the first lines, kept when the header line holds it; else the
    candidate the header holds most often (the header names the columns, so it holds the
    delimiter and, unlike article text, rarely commas or semicolons of its own); else the
    format's (``,`` for csv, tab for tsv).
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(CSV_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: (counts[d], d == default))
    return best if counts[best] else default


def _check_header(header: list[str], source: Source, file: _Input) -> None:
    """A CSV header must name each column once and hold the text field: else the file cannot
    be read as configured, and the run stops here, before any record."""
    shown = ", ".join(header[:MAX_HEADER_SHOWN]) + (", …" if len(header) > MAX_HEADER_SHOWN else "")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise ValueError(
                f"the header of {file.location} names the column {name!r} more than once: "
                f"{shown} (corpus source {source.path}); rename or remove the copies"
            )
        seen.add(name)
    if source.text_field not in seen:
        raise ValueError(
            f"text_field {source.text_field!r} not in the header of {file.location}: {shown} "
            f"(set corpus.sources[].text_field of source {source.path} to the column with the "
            "article text)"
        )


def _csv_records(source: Source, file: _Input) -> Iterator[_Raw]:
    """Rows of a CSV or TSV file with a header line; a row may span lines (quoted text).

    The delimiter is detected (:func:`_csv_delimiter`), and lines may end in CR LF, LF or
    CR. The header is checked before any row is read (:func:`_check_header`).
    """
    csv.field_size_limit(max(csv.field_size_limit(), 2**30))
    undecodable: set[int] = set()
    encodings: dict[int, str] = {}
    nul_bytes: dict[int, int] = {}

    def numbered_lines() -> Iterator[str]:
        lines = _split_lone_cr(_decoded_lines(file.handle))
        for number, (line, encoding) in enumerate(lines, start=1):
            line, nul_bytes[number] = _strip_nul(line)
            if encoding is None:
                undecodable.add(number)
            else:
                encodings[number] = encoding
            yield line

    lines = numbered_lines()
    # Read ahead to the header line and a sample for the delimiter.
    ahead: list[str] = []
    header_line = ""
    for line in lines:
        ahead.append(line)
        if not header_line and line.strip():
            header_line = line
            header_number = len(ahead)
        if header_line and (len(ahead) >= CSV_SAMPLE_LINES or sum(map(len, ahead)) > 2**16):
            break
    if not header_line:
        return  # no header: an empty file
    if header_number in undecodable:
        # Not a header that can be read: one row for the file (nothing else is known).
        location = f"{file.location}:{header_number}"
        yield _Raw(f"line_{header_number}", location, UNKNOWN_ENCODING, reason="undecodable")
        return
    default = "\t" if source.format == "tsv" else ","
    delimiter = _csv_delimiter("".join(ahead), header_line, default)
    reader = csv.reader(chain(ahead, lines), dialect="excel", delimiter=delimiter)
    header: list[str] | None = None
    previous = 0
    while True:
        try:
            row = next(reader)
            error = False
        except StopIteration:
            return
        except csv.Error:
            row, error = [], True
            if reader.line_num == previous:  # no line was read, so no record: never loop
                return
        first, previous = previous + 1, reader.line_num
        numbers = range(first, previous + 1)
        row_encodings = sorted({encodings.pop(n) for n in numbers if n in encodings})
        encoding = "+".join(row_encodings) or UNKNOWN_ENCODING
        row_nul_bytes = sum(nul_bytes.pop(n, 0) for n in numbers)
        if not row and not error:
            continue  # a blank line is not a record
        if header is None and not error:
            header = [name.strip() for name in row]
            _check_header(header, source, file)
            continue
        location, default_id = f"{file.location}:{first}", f"line_{first}"
        if any(n in undecodable for n in numbers):
            record = _Raw(default_id, location, UNKNOWN_ENCODING, reason="undecodable")
        elif error or header is None or len(row) != len(header):
            record = _Raw(default_id, location, encoding, reason=f"malformed_record:{first}")
        else:
            item = dict(zip(header, row, strict=True))
            record = _record_from_item(
                item, source, file, location, default_id, encoding, str(first)
            )
        record.nul_bytes = row_nul_bytes
        yield record


_READERS: dict[str, Callable[[Source, _Input], Iterator[_Raw]]] = {
    "txt": _txt_records,
    "jsonl": _jsonl_records,
    "json": _json_records,
    "csv": _csv_records,
    "tsv": _csv_records,
}


def _raw_records(source: Source) -> Iterator[_Raw]:
    """The records of a source, and the rows of the files that give none: passed over
    (``skipped:<why>``), empty (``empty_file``) or unreadable (``unreadable_file:<why>``,
    ``unreadable_archive:<why>``; the records read before the break are kept)."""
    reader = _READERS[source.format]
    inputs = _inputs(source)
    try:
        for item in inputs:
            if isinstance(item, _Raw):
                yield item
                continue
            records = 0
            try:
                for record in reader(source, item):
                    records += 1
                    yield record
            except _ArchiveBroken as broken:
                yield _unreadable("unreadable_archive", item.archive, broken.error)
                return  # a tar archive is one stream: nothing after the break can be read
            except READ_ERRORS as error:
                yield _unreadable("unreadable_file", item.location, error)
                continue
            if not records:
                yield _file_row(item.location, "empty_file")
    finally:
        inputs.close()


# ---------------------------------------------------------------------------------------
# Decisions: dates, Arabic share, duplicates


def parse_date(value: Any) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from a date value; ``""`` when absent, ``None`` when bad.

    Understood: ``2015-07-31``, ``2015/07/31``, with a time (``2015-07-31T10:00:00Z``;
    the date is taken as written, not converted between time zones), day first
    ``31/07/2015``, ``31-07-2015``, ``31.07.2015``, ``20150731``, and month names in
    English or Arabic (``31 July 2015``, ``July 31, 2015``, ``31 يوليو 2015``,
    ``31 تموز 2015``). Arabic-Indic digits are read as digits.
    """
    if value is None:
        return ""
    text = WHITESPACE_RE.sub(" ", str(value).translate(EASTERN_DIGITS)).strip()
    if not text:
        return ""
    year = month = day = None
    if match := ISO_DATE_RE.match(text) or COMPACT_DATE_RE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := DAY_FIRST_DATE_RE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := DAY_MONTH_YEAR_RE.match(text):
        day, year = int(match[1]), int(match[3])
        month = MONTHS.get(normalize.fold_alef(match[2].lower()))
    elif match := MONTH_DAY_YEAR_RE.match(text):
        day, year = int(match[2]), int(match[3])
        month = MONTHS.get(normalize.fold_alef(match[1].lower()))
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def arabic_share(text: str) -> float:
    """Share of the letters of ``text`` that are Arabic (0 when it has no letters)."""
    # By runs (one match a word, not one a letter), and the rare other letters apart: fast.
    arabic = len(text) - len(ARABIC_LETTER_RUN_RE.sub("", text))
    other = sum(map(len, OTHER_LETTER_RUN_RE.findall(text)))
    return arabic / (arabic + other) if arabic + other else 0.0


# -- Persian and Urdu --------------------------------------------------------------------
# Persian and Urdu are written in the Arabic script: all their letters count as Arabic in
# arabic_share. What tells them from Arabic is their function words, which make up a
# quarter or more of a Persian or Urdu paragraph and which Arabic does not have. Letters
# alone are no evidence: Arabic typed on a Persian keyboard has ی and ک in every word,
# Arabic news spells Persian and Urdu names with پ چ ژ گ, and some Arabic sites write ھ
# for ه. So a text is Persian or Urdu when at least MIN_FOREIGN_WORDS of its words, and at
# least MIN_FOREIGN_WORD_SHARE of them, are function words of that language; an Arabic
# article that quotes a Persian name or a short Persian phrase stays Arabic. Words that
# are also Arabic words, or Arabic words written without their hamza, are left out of the
# lists (این/اين "where", آن, او/أو, ما, هم, به, بین, ولی/ولي, کی/كي, جو, ان/إن, همه,
# شده/شدة, اس).
# No language identifier is used (langdetect, lingua, py3langid): the question here is only
# Arabic, Persian or Urdu, which these lists answer deterministically and in one pass with
# no model to load, while those weigh dozens of languages, are probabilistic (langdetect)
# or add a large dependency for one check.

#: Persian function words (copula, the object marker را, the verb prefix می, prepositions,
#: conjunctions, common auxiliaries), as written, before folding.
PERSIAN_WORDS = (
    "است هست نیست بود بودند شد شود شوند می نمی را از که در با برای تا یک یکی خود نیز اند "
    "کرده کند کنند کنیم باید دارد دارند داشت های هایی هر وی چه پس پیش گفت همچنین درباره "
    "اینکه آنکه چون"
)
#: Urdu function words (postpositions کے کا کو سے نے پر میں, the copula ہے ہیں, pronouns,
#: conjunctions, auxiliaries).
URDU_WORDS = (
    "ہے ہیں ہو تھا تھی تھے میں کے کا کو سے نے پر اور یہ وہ بھی گیا گئی گئے کیا کر کرنے کہ "
    "لیے ایک نہیں رہا رہے رہی دیا"
)
#: Persian and Urdu letters that Arabic does not use (or only on a Persian keyboard): a
#: text without any of them is not looked at further.
PERSIAN_URDU_LETTER_RE = re.compile(
    "[\u06cc\u06a9\u067e\u0686\u0698\u06af\u06d2\u06c1\u0679\u0688\u0691\u06ba]"
)
#: Arabic-script words (diacritics inside); ZWNJ (U+200C) splits Persian می‌شود in two.
ARABIC_SCRIPT_WORD_RE = re.compile(r"[\u0621-\u065F\u0670-\u06D3\u06FA-\u06FF]+")
# Diacritics and tatweel out; Persian/Urdu yeh and keheh as Arabic yeh and kaf, so that a
# word typed on either keyboard is the same word.
_FOLD_WORD = str.maketrans(
    {
        **{chr(c): None for c in range(0x064B, 0x0660)},
        "\u0670": None,
        "\u0640": None,
        "\u06cc": "\u064a",
        "\u0649": "\u064a",
        "\u06a9": "\u0643",
    }
)
FOREIGN_WORDS = {
    "fa": frozenset(w.translate(_FOLD_WORD) for w in PERSIAN_WORDS.split()),
    "ur": frozenset(w.translate(_FOLD_WORD) for w in URDU_WORDS.split()),
}
#: Least number, and least share of a text's Arabic-script words, of one language's
#: function words for the text to be that language. In the Persian and Urdu paragraphs of
#: tests/corpus/test_core.py they are a quarter and a third of the words. Of the 44,345
#: Arabic articles of SaudiNewsNet, ANT and Hespress, 143 have one of the letters of
#: PERSIAN_URDU_LETTER_RE, and of these the most has 0.3 % such words (1 word); counted in
#: the 43,645 articles of 20 words or more as if each had been typed on a Persian keyboard,
#: at most 5 % (2 of 40 words): none reaches the share.
MIN_FOREIGN_WORDS = 3
MIN_FOREIGN_WORD_SHARE = 0.08


def foreign_function_words(text: str) -> tuple[int, dict[str, int]]:
    """The Arabic-script words of a text, and how many are Persian and Urdu function words."""
    words = [w.translate(_FOLD_WORD) for w in ARABIC_SCRIPT_WORD_RE.findall(text)]
    found = {
        lang: sum(w in vocabulary for w in words) for lang, vocabulary in FOREIGN_WORDS.items()
    }
    return len(words), found


def persian_or_urdu(text: str) -> str:
    """``fa`` or ``ur`` when an Arabic-script text is Persian or Urdu; "" otherwise.

    By the share of the language's function words among the text's words
    (:data:`MIN_FOREIGN_WORDS`, :data:`MIN_FOREIGN_WORD_SHARE`), never by a letter.
    """
    if not PERSIAN_URDU_LETTER_RE.search(text):
        return ""  # Persian and Urdu text always has some of these letters
    total, found = foreign_function_words(text)
    language = max(found, key=found.__getitem__)
    count = found[language]
    if count >= MIN_FOREIGN_WORDS and count >= MIN_FOREIGN_WORD_SHARE * total:
        return language
    return ""


def _character_rule(char: str) -> str:
    """normalize's per-character rules, in the order of :func:`normalized_text`."""
    char = normalize.strip_tatweel(normalize.strip_diacritics(normalize.normalize_unicode(char)))
    char = normalize.fold_alef(normalize.fold_yaa(char))
    return normalize.fold_hamza(normalize.fold_taa_marbuta(char))


@cache
def _character_rules() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """The per-character rules composed once per character (of the Basic Multilingual
    Plane, where all of them act): a regex of the characters they delete, a regex of the
    characters they replace, and the replacements."""
    deleted, replaced = [], {}
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.normalize("NFKC", char) != char:
            continue  # never found after NFKC
        mapped = _character_rule(char)
        if mapped == "":
            deleted.append(char)
        elif mapped != char:
            replaced[char] = mapped
    return (
        re.compile(f"[{re.escape(''.join(deleted))}]"),
        re.compile(f"[{re.escape(''.join(replaced))}]"),
        replaced,
    )


def normalized_text(text: str) -> str:
    """The text that duplicates are compared on.

    :func:`normalize.normalize_unicode`, diacritics and tatweel removed, alef, yaa, taa
    marbuta and hamza folded (the rules of :mod:`arabic_news_topics.normalize.core`),
    punctuation removed, whitespace
    collapsed: two copies of a story that differ only in these count as the same text.
    The character rules are composed into one deletion and one replacement pass after
    NFKC, with the same result as running them one after the other on the whole text
    (several times faster: ``str.translate`` is slow on non-ASCII text).
    """
    deleted, replaced, replacement = _character_rules()
    text = deleted.sub("", unicodedata.normalize("NFKC", text))
    text = replaced.sub(lambda match: replacement[match[0]], text)
    return " ".join(normalize.remove_punctuation(text).split())


def text_fingerprint(normalized: str) -> bytes:
    """A 128-bit digest of a normalized text (exact duplicates share it)."""
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=16).digest()


def word_hash(word: str) -> int:
    """A stable 64-bit hash of a word (BLAKE2b; Python's ``hash`` changes between runs)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(word_hashes: np.ndarray, size: int) -> np.ndarray:
    """32-bit hashes of the word ``size``-grams (shingles), from the words' 64-bit hashes.

    A shingle's hash is a polynomial of its words' hashes (modulo 2**64), folded to 32
    bits: computed for all shingles at once, rather than joining and hashing each
    shingle's text, which took most of the time on SaudiNewsNet. A text with fewer than
    ``size`` words is one shingle.
    """
    size = max(1, min(size, len(word_hashes)))
    count = len(word_hashes) - size + 1
    combined = np.zeros(max(count, 0), dtype=np.uint64)
    for offset in range(size):
        combined = combined * SHINGLE_MULTIPLIER + word_hashes[offset : offset + count]
    return (combined >> np.uint64(32)) ^ (combined & np.uint64(0xFFFFFFFF))


#: Word hashes of :func:`minhash_values` in this process, emptied at this many words.
_MAX_CACHED_WORDS = 1_000_000
_word_hashes: dict[str, int] = {}


@cache
def _minhash_template() -> datasketch.MinHash:
    # Imported here: datasketch pulls in scipy.integrate (about 0.6 s), and every job that
    # reads the corpus's headlines imports this module; only ingest builds MinHashes.
    from datasketch import MinHash

    # The shingle hashes are hashes already: datasketch takes them as they are.
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=int)


def minhash_values(normalized: str, shingle_size: int) -> np.ndarray:
    """The MinHash (:data:`NUM_PERM` values, datasketch's, seed :data:`MINHASH_SEED`) of a
    normalized text's word ``shingle_size``-grams. Word hashes are cached per process."""
    cache = _word_hashes
    if len(cache) >= _MAX_CACHED_WORDS:
        cache.clear()
    words = normalized.split()
    for word in set(words).difference(cache):
        cache[word] = word_hash(word)
    minhash = _minhash_template().copy()
    if words:
        values = np.array(list(map(cache.__getitem__, words)), dtype=np.uint64)
        minhash.update_batch(shingle_hashes(values, shingle_size).tolist())
    return minhash.hashvalues


class NearDuplicateIndex:
    """Streaming near-duplicate detection: MinHash LSH over word shingles (datasketch).

    :meth:`first_similar` queries the index with a document and then inserts it when no
    earlier document is similar, so the first occurrence of a story is kept and later
    ones point to it. LSH candidates are confirmed by the MinHash estimate of their
    Jaccard similarity (at least ``threshold``); among confirmed ones, the earliest is
    named. Memory: a 128-number signature per indexed document.
    """

    def __init__(self, settings: NearDuplicateSettings) -> None:
        from datasketch import MinHashLSH

        self.settings = settings
        self._lsh = MinHashLSH(threshold=settings.threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, tuple[int, np.ndarray]] = {}

    def first_similar(self, doc_id: str, normalized: str) -> str | None:
        """The earliest indexed document similar to this one; else ``None``, and index it."""
        return self.first_similar_values(
            doc_id, minhash_values(normalized, self.settings.shingle_size)
        )

    def first_similar_values(self, doc_id: str, values: np.ndarray) -> str | None:
        """:meth:`first_similar` of a text's :func:`minhash_values`."""
        from datasketch import LeanMinHash

        # A LeanMinHash holds only the values: the LSH needs no permutations.
        minhash = LeanMinHash(
            seed=MINHASH_SEED, hashvalues=values, scheme=_minhash_template().scheme
        )
        best: tuple[int, str] | None = None
        for key in self._lsh.query(minhash):
            order, indexed = self._signatures[key]
            if float(np.mean(indexed == values)) >= self.settings.threshold and (
                best is None or order < best[0]
            ):
                best = (order, key)
        if best is not None:
            return best[1]
        self._lsh.insert(doc_id, minhash, check_duplication=False)
        self._signatures[doc_id] = (len(self._signatures), minhash.hashvalues)
        return None


@dataclass(frozen=True)
class TextCheck:
    """What a record's text alone says (:func:`check_text`): the reason to drop it, or
    for a text that is kept so far its fingerprint and, with near-duplicate detection, its
    :func:`minhash_values`."""

    reason: str = ""
    fingerprint: bytes = b""
    minhash: np.ndarray | None = None


def check_text(text: str, min_arabic_share: float, shingle_size: int | None) -> TextCheck:
    """The checks of one record's text that need no other record: ``empty``,
    ``not_arabic`` (Arabic letters under ``min_arabic_share``), ``not_arabic:fa`` or
    ``:ur`` (:func:`persian_or_urdu`); else the fingerprint of its :func:`normalized_text`
    and, unless ``shingle_size`` is None, its :func:`minhash_values`."""
    if not text.strip():
        return TextCheck("empty")
    if arabic_share(text) < min_arabic_share:
        return TextCheck("not_arabic")
    if language := persian_or_urdu(text):
        return TextCheck(f"not_arabic:{language}")
    normalized = normalized_text(text)
    minhash = None if shingle_size is None else minhash_values(normalized, shingle_size)
    return TextCheck("", text_fingerprint(normalized), minhash)


def _check_texts(check: Callable[[str], TextCheck], texts: list[str | None]) -> list:
    return [None if text is None else check(text) for text in texts]


#: Records per task of :func:`checked_texts`'s worker processes, and the records read
#: before it starts them (a smaller corpus is checked in the reading process).
CHECK_BATCH = 256
#: Records a corpus must have before :func:`checked_texts` starts worker processes: a
#: pool costs a few tenths of a second, checking 256 records about 0.15 s.
CHECK_POOL_MIN_RECORDS = 2048


def checked_texts(
    items: Iterable[tuple[Any, str | None]],
    check: Callable[[str], TextCheck],
    processes: int = 1,
) -> Iterator[tuple[Any, TextCheck | None]]:
    """``(item, check(text))`` for each ``(item, text)`` in order (``None`` for a ``None``
    text), the checks computed by ``processes`` worker processes when there are more.

    The records stream: the first :data:`CHECK_POOL_MIN_RECORDS` are read before the pool
    starts, then at most ``processes + 1`` batches of :data:`CHECK_BATCH` are ahead of the
    caller, so memory does not grow with the corpus. The results are the same whatever
    ``processes`` is (each check depends on its text alone). ``check`` must pickle (a
    module-level function or a ``functools.partial`` of one) when ``processes`` > 1.
    """
    items = iter(items)
    head = list(islice(items, CHECK_POOL_MIN_RECORDS))
    if processes <= 1 or len(head) < CHECK_POOL_MIN_RECORDS:
        for item, text in chain(head, items):
            yield item, None if text is None else check(text)
        return
    import multiprocessing
    from collections import deque

    batches = _batched(chain(head, items), CHECK_BATCH)
    with multiprocessing.get_context().Pool(processes) as pool:
        pending: deque = deque()
        for batch in batches:
            texts = [text for _, text in batch]
            pending.append((batch, pool.apply_async(_check_texts, (check, texts))))
            if len(pending) > processes:
                done, result = pending.popleft()
                yield from zip((item for item, _ in done), result.get(), strict=True)
        while pending:
            done, result = pending.popleft()
            yield from zip((item for item, _ in done), result.get(), strict=True)


def _batched(items: Iterator, size: int) -> Iterator[list]:
    # itertools.batched is Python 3.12's.
    while batch := list(islice(items, size)):
        yield batch


def _note_value(value: Any) -> str:
    text = WHITESPACE_RE.sub(" ", str(value)).strip()
    return text if len(text) <= MAX_NOTE_VALUE else text[: MAX_NOTE_VALUE - 1] + "…"


def _unique_id(doc_id: str, used: set[str], repeats: dict[str, int]) -> str:
    """``doc_id``, or ``doc_id~2``, ``~3`` … when already used (never an id used before)."""
    if doc_id not in used:
        used.add(doc_id)
        return doc_id
    number = repeats.get(doc_id, 1)
    while f"{doc_id}~{number}" in used or number == 1:
        number += 1
    repeats[doc_id] = number
    used.add(f"{doc_id}~{number}")
    return f"{doc_id}~{number}"


def iter_records(
    sources: Iterable[Mapping | Source],
    min_arabic_share: float = 0.5,
    near_duplicates: Mapping | NearDuplicateSettings | None = None,
    processes: int = 1,
) -> Iterator[tuple[dict | None, dict]]:
    """Stream the corpus: for every input record, in order, its document and manifest row;
    and a row for every file or archive member that gives no record.

    Parameters
    ----------
    sources : iterable of dict or Source
        Entries of ``corpus.sources`` (``path``, ``format``, ``pattern``, ``label_from``
        and the ``*_field`` names).
    min_arabic_share : float
        Records whose letters are less than this share Arabic are dropped as ``not_arabic``.
    near_duplicates : dict, optional
        ``corpus.near_duplicates`` (``enabled``, ``threshold``, ``shingle_size``).
    processes : int
        Worker processes for the checks of each text (:func:`checked_texts`: language,
        normalized fingerprint, MinHash); the same records and rows whatever the number.

    Yields
    ------
    document : dict or None
        The kept document (:data:`DOCUMENT_FIELDS`: ``doc_id``, ``title``, ``text``,
        ``date``, ``label``, ``source``, ``location``), or ``None`` when dropped.
    row : dict
        Its manifest row (:data:`MANIFEST_COLUMNS`): ``doc_id``, ``location``, ``status``
        (``kept``, ``dropped`` or ``skipped``), ``reason``, ``encoding`` and ``note``.

        Reasons of records: ``empty``, ``undecodable``, ``not_arabic`` (too few Arabic
        letters), ``not_arabic:fa`` and ``not_arabic:ur`` (Persian, Urdu:
        :func:`persian_or_urdu`), ``duplicate_of:<id>``, ``near_duplicate_of:<id>``,
        ``malformed_record:<where>`` (``<line>``, ``item_<n>``, the file name of a JSON
        file that is not an array, ``truncated_json_array`` where an array breaks off,
        ``after_json_array``). Reasons of files (doc_id ``file:<location>``):
        ``empty_file`` (a record file with no record), ``unreadable_file:<why>`` (a
        ``.gz`` file or zip member that breaks off or is corrupt; the records read before
        are kept), ``unreadable_archive:<why>`` (an archive that cannot be opened, or a
        tar archive that breaks off: the members before are read), and, status
        ``skipped``, ``skipped:not_matching_pattern``, ``skipped:system_file``
        (``.DS_Store``, ``__MACOSX/``), ``skipped:link`` (a link in an archive),
        ``skipped:broken_link``, ``skipped:not_a_file``. Notes, joined by ``;``:
        ``bad_date:<value>``, ``repeated_id:<id>``, ``nul_bytes_removed:<count>``,
        ``error:<what the reader said>``.

    Records plus files passed over or giving no record equal the rows: nothing read is
    left out. Only the ids, a 16-byte fingerprint per kept text and, with near-duplicate
    detection, a 128-number MinHash per kept document are held between records.

    Raises
    ------
    ValueError
        For a configuration the input does not fit: a CSV or TSV header without the
        ``text_field`` or with a column named twice (before any row of that file).
    """
    settings = NearDuplicateSettings.from_config(near_duplicates)
    index = NearDuplicateIndex(settings) if settings.enabled else None
    used_ids: set[str] = set()
    repeats: dict[str, int] = {}
    seen_texts: dict[bytes, str] = {}
    bad_dates = 0

    def prepared() -> Iterator[tuple[tuple, str | None]]:
        # What needs the records before it (ids, date warnings), in the reading process;
        # the text's own checks (most of the time) are checked_texts's.
        nonlocal bad_dates
        for entry in sources:
            source = entry if isinstance(entry, Source) else Source.from_config(entry)
            for raw in _raw_records(source):
                notes = []
                # doc_id must be unique: suffix repeats (two sources with the same file names).
                doc_id = _unique_id(raw.doc_id, used_ids, repeats)
                if doc_id != raw.doc_id:
                    notes.append(f"repeated_id:{raw.doc_id}")
                text, nul_bytes = _strip_nul(raw.text)
                title, title_nul_bytes = _strip_nul(raw.title)
                nul_bytes += raw.nul_bytes + title_nul_bytes
                if nul_bytes:
                    notes.append(f"nul_bytes_removed:{nul_bytes}")
                if raw.note:
                    notes.append(raw.note)
                iso_date = ""
                if not raw.reason:
                    parsed = parse_date(raw.date)
                    if parsed is None:
                        notes.insert(0, f"bad_date:{_note_value(raw.date)}")
                        bad_dates += 1
                        if bad_dates <= 10:
                            LOGGER.warning("%s: unparseable date %r", raw.location, raw.date)
                    else:
                        iso_date = parsed
                yield (raw, doc_id, text, title, notes, iso_date), None if raw.reason else text

    check = partial(
        check_text,
        min_arabic_share=min_arabic_share,
        shingle_size=settings.shingle_size if index is not None else None,
    )
    for (raw, doc_id, text, title, notes, iso_date), checked in checked_texts(
        prepared(), check, processes
    ):
        reason = raw.reason if checked is None else checked.reason
        if checked is not None and not reason:
            if checked.fingerprint in seen_texts:
                reason = f"duplicate_of:{seen_texts[checked.fingerprint]}"
            else:
                # Near-duplicates too: exact copies count the same with or without
                # near-duplicate detection (their duplicate_of names the copy).
                seen_texts[checked.fingerprint] = doc_id
                if index is not None and (
                    similar := index.first_similar_values(doc_id, checked.minhash)
                ):
                    reason = f"near_duplicate_of:{similar}"
        status = SKIPPED if reason.startswith("skipped:") else DROPPED if reason else KEPT
        row = {
            "doc_id": doc_id,
            "location": raw.location,
            "status": status,
            "reason": reason,
            "encoding": raw.encoding,
            "note": ";".join(notes),
        }
        document = None
        if not reason:
            document = {
                "doc_id": doc_id,
                "title": title,
                "text": text,
                "date": iso_date,
                "label": raw.label,
                "source": raw.source,
                "location": raw.location,
            }
        yield document, row
    if bad_dates:
        LOGGER.warning("%d records with an unparseable date (manifest note bad_date:)", bad_dates)


def read_corpus(
    sources: Iterable[Mapping | Source],
    min_arabic_share: float = 0.5,
    near_duplicates: Mapping | NearDuplicateSettings | None = None,
) -> tuple[list[dict], pd.DataFrame]:
    """Read every source into a list of documents and the manifest (see :func:`iter_records`).

    Returns
    -------
    documents : list of dict
        Kept documents, in input order.
    manifest : pandas.DataFrame
        One row per input record, columns :data:`MANIFEST_COLUMNS`.
    """
    documents: list[dict] = []
    manifest: list[dict] = []
    for document, row in iter_records(sources, min_arabic_share, near_duplicates):
        manifest.append(row)
        if document is not None:
            documents.append(document)
    return documents, pd.DataFrame(manifest, columns=MANIFEST_COLUMNS)


#: Reasons whose qualifier is a kind (``not_arabic:fa``), not a line or an id: counted apart.
_QUALIFIED_REASONS = ("not_arabic", "unreadable_file", "unreadable_archive", "skipped")


def reason_counts(manifest: pd.DataFrame) -> Counter[str]:
    """Rows not kept, by reason: ``duplicate_of:<id>`` and ``malformed_record:<line>`` as
    ``duplicate_of`` and ``malformed_record``; ``not_arabic:fa``, ``unreadable_file:<why>``
    and ``skipped:<why>`` as they are."""
    reasons = manifest.loc[manifest["status"] != KEPT, "reason"].astype(str)
    kinds = reasons.map(
        lambda reason: (
            reason if reason.split(":")[0] in _QUALIFIED_REASONS else reason.split(":")[0]
        )
    )
    return Counter(kinds.tolist())


def describe_reasons(counts: Mapping[str, int]) -> str:
    """``3 empty, 2 not_arabic:fa`` (most frequent first), or ``none``."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {reason}" for reason, count in ordered) or "none"


def check_corpus_size(documents: int, counts: Mapping[str, int], after: str, where: str) -> None:
    """Stop with one clear message when fewer than :data:`MIN_DOCUMENTS` documents are left.

    Parameters
    ----------
    documents : int
        Documents left.
    counts : mapping
        Rows not kept, by reason (:func:`reason_counts`).
    after : str
        What was done, after ``no document``: ``of the corpus was kept``.
    where : str
        The end of the message: where the manifest is.

    Raises
    ------
    ValueError
        ``no document of the corpus was kept (at least 2 are needed to model topics); not
        kept: 3 empty, 2 not_arabic:fa; the manifest is in …``.
    """
    if documents >= MIN_DOCUMENTS:
        return
    left = "no document" if documents == 0 else f"only {documents} document"
    raise ValueError(
        f"{left} {after} (at least {MIN_DOCUMENTS} are needed to model topics); "
        f"not kept: {describe_reasons(counts)}; {where}"
    )


# ---------------------------------------------------------------------------------------
# Tables


def document_lengths(documents: Iterable[Mapping]) -> pd.DataFrame:
    """Characters, whitespace-separated words and non-empty lines of each document."""
    rows = [
        {
            "doc_id": doc["doc_id"],
            "characters": len(doc["text"]),
            "words": len(doc["text"].split()),
            "lines": sum(1 for line in doc["text"].splitlines() if line.strip()),
        }
        for doc in documents
    ]
    return pd.DataFrame(rows, columns=["doc_id", "characters", "words", "lines"])


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def corpus_summary(
    manifest: pd.DataFrame, lengths: pd.DataFrame, documents: Iterable[Mapping] | None = None
) -> pd.DataFrame:
    """Counts of input, kept and dropped records (by reason), files passed over, notes and
    length statistics.

    ``input_records`` counts the rows of records and of files that gave none (kept plus
    dropped); files passed over (status ``skipped``) are counted apart. With
    ``documents`` (iterated once), also the documents with a date, a label, the distinct
    labels and sources, and the first and last date.
    """
    skipped = int((manifest["status"] == SKIPPED).sum())
    rows: list[tuple[str, Any]] = [
        ("input_records", len(manifest) - skipped),
        ("kept", int((manifest["status"] == KEPT).sum())),
        ("dropped", int((manifest["status"] == DROPPED).sum())),
    ]
    reasons = manifest.loc[manifest["status"] == DROPPED, "reason"].str.split(":").str[0]
    for reason, count in sorted(reasons.value_counts().items()):
        rows.append((f"dropped_{reason}", int(count)))
    rows.append(("skipped_files", skipped))
    if "note" in manifest:
        notes = manifest["note"].fillna("").astype(str)
        rows.append(("bad_dates", int(notes.str.contains("bad_date:", regex=False).sum())))
        rows.append(("repeated_ids", int(notes.str.contains("repeated_id:", regex=False).sum())))
    if documents is not None:
        dated = labelled = 0
        labels: set[str] = set()
        outlets: set[str] = set()
        first = last = ""
        for doc in documents:
            if doc.get("date"):
                dated += 1
                first = min(first or doc["date"], doc["date"])
                last = max(last, doc["date"])
            if doc.get("label"):
                labelled += 1
                labels.add(doc["label"])
            outlets.add(doc.get("source", ""))
        rows += [
            ("documents_with_date", dated),
            ("first_date", first or "-"),
            ("last_date", last or "-"),
            ("documents_with_label", labelled),
            ("labels", len(labels)),
            ("sources", len(outlets - {""})),
        ]
    words = lengths["words"] if len(lengths) else pd.Series([0])
    rows += [
        ("total_words", int(lengths["words"].sum())),
        ("total_characters", int(lengths["characters"].sum())),
        ("min_words", int(words.min())),
        ("median_words", float(words.median())),
        ("max_words", int(words.max())),
    ]
    # Values as text: counts stay integers next to the (possibly fractional) median.
    return pd.DataFrame([(m, _format_value(v)) for m, v in rows], columns=["measure", "value"])


# ---------------------------------------------------------------------------------------
# Titles and snippets for tables and figures


def snippet(text: str, characters: int = 300) -> str:
    """The first ``characters`` of a text with its whitespace collapsed, cut at a word
    boundary when one is near, with an ellipsis when cut."""
    words = " ".join(str(text).split())
    if len(words) <= characters:
        return words
    cut = words.rfind(" ", 0, characters + 1)
    if cut < characters * 0.6:
        cut = characters
    return words[:cut].rstrip() + " …"


def headline(title: str, text: str, characters: int = 120) -> str:
    """A document's title, or, for a corpus without titles, its first line (news files
    usually start with the headline), shortened to ``characters``."""
    title = " ".join(str(title or "").split())
    if not title:
        lines = (line.strip() for line in str(text).splitlines())
        title = next((line for line in lines if line), "")
    return snippet(title, characters)
