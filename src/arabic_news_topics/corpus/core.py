"""Stage 1: read a corpus into one record per document, accounting for every input.

Sources are folders, single files or archives (``.zip``, ``.tar.gz``/``.tgz``, ``.tar``)
of text files (``txt``), JSON Lines (``jsonl``), JSON arrays (``json``), ``csv`` or
``tsv``; single files may be gzipped. Archives and ``.gz`` files are read in place, as
streams, never unpacked to disk. Files and archive members are read in sorted name order.

:func:`iter_records` streams: it yields, for every input record in order, the document
(or ``None`` when the record is dropped) and its manifest row. Every input record gets
exactly one manifest row, ``kept`` or ``dropped`` with a reason, so ``kept + dropped ==
input`` always holds. :func:`read_corpus` collects the stream into a list and a table.

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
import re
import tarfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import IO, Any

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from ..normalize import core as normalize

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
#: Columns of the manifest, one row per input record.
MANIFEST_COLUMNS = ["doc_id", "location", "status", "reason", "encoding", "note"]
#: The encoding column of a record that could not be decoded.
UNKNOWN_ENCODING = "unknown"

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


def _sort_key(name: str) -> tuple[str, ...]:
    return PurePosixPath(name).parts


def _is_junk(name: str) -> bool:
    """macOS resource forks in zips (``__MACOSX/``, ``._name``) are not articles."""
    parts = PurePosixPath(name).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def _lower_name(path: str | Path) -> str:
    return str(path).lower()


def _member_filter(source: Source) -> Callable[[str], bool]:
    """Which names below a folder or archive a source reads."""
    if source.format == "txt":
        return lambda name: not _is_junk(name) and PurePosixPath(name).match(source.pattern)
    suffixes = FORMAT_SUFFIXES[source.format]
    suffixes += tuple(s + ".gz" for s in suffixes)
    return lambda name: not _is_junk(name) and name.lower().endswith(suffixes)


def list_source_files(source: Source | Mapping) -> list[Path]:
    """The files on disk a source reads, sorted (an archive or a single file is one file).

    For a folder, the files matching ``pattern`` (``txt``) or the format's suffixes
    (``.jsonl``, ``.json``, ``.csv``, ``.tsv``, each optionally ``.gz``), recursively.
    """
    if not isinstance(source, Source):
        source = Source.from_config(source)
    path = Path(source.path)
    if not path.is_dir():
        return [path]
    wanted = _member_filter(source)
    glob = source.pattern if source.format == "txt" else "*"
    files = (p for p in path.rglob(glob) if p.is_file())
    found = [p for p in files if wanted(p.relative_to(path).as_posix())]
    return sorted(found, key=lambda p: p.relative_to(path).parts)


def _maybe_gunzip(name: str, handle: IO[bytes]) -> IO[bytes]:
    if name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=handle, mode="rb")
    return handle if hasattr(handle, "peek") else io.BufferedReader(handle)


def _zip_members(path: Path, wanted: Callable[[str], bool]) -> Iterator[_Input]:
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and wanted(i.filename)]
        for info in sorted(infos, key=lambda i: _sort_key(i.filename)):
            relative = PurePosixPath(info.filename).as_posix()
            with archive.open(info) as member:
                handle = _maybe_gunzip(relative, member)
                yield _Input(f"{path.as_posix()}!{relative}", relative, handle, path.as_posix())


#: Memory for tar members read ahead of their turn in an archive not in name order.
TAR_BUFFER_BYTES = 64 * 2**20


def _tar_members(path: Path, wanted: Callable[[str], bool]) -> Iterator[_Input]:
    """Members of a tar archive in sorted name order, streamed.

    A first pass lists the members. When the archive is in name order (as Python's tarfile
    and ``tar --sort=name`` write it) the members are read in one more forward pass. Else
    the archive is streamed again as often as needed; members met before their turn are
    held in memory up to :data:`TAR_BUFFER_BYTES`, so that a compressed archive is never
    rewound once per member.
    """
    with tarfile.open(path, "r:*") as archive:
        members = [m for m in archive.getmembers() if m.isfile() and wanted(m.name)]
        ordered = sorted(members, key=lambda m: _sort_key(m.name))
        in_order = all(a.offset < b.offset for a, b in pairwise(ordered))
        if in_order:
            for member in ordered:
                yield _tar_input(path, member.name, archive.extractfile(member))
            return
    rank = {m.offset: i for i, m in enumerate(ordered)}
    next_rank = 0
    while next_rank < len(ordered):
        held: dict[int, tuple[str, bytes]] = {}
        held_bytes = 0
        with tarfile.open(path, "r|*") as archive:
            for member in archive:
                i = rank.get(member.offset, -1)
                if i < next_rank:
                    continue
                if i == next_rank:
                    yield _tar_input(path, member.name, archive.extractfile(member))
                    next_rank += 1
                    while next_rank in held:
                        name, data = held.pop(next_rank)
                        held_bytes -= len(data)
                        yield _tar_input(path, name, io.BytesIO(data))
                        next_rank += 1
                elif held_bytes + member.size <= TAR_BUFFER_BYTES:
                    held[i] = (member.name, archive.extractfile(member).read())
                    held_bytes += member.size


def _tar_input(path: Path, name: str, handle: IO[bytes] | None) -> _Input:
    relative = PurePosixPath(name).as_posix()
    assert handle is not None  # members are regular files
    handle = _maybe_gunzip(relative, handle)
    return _Input(f"{path.as_posix()}!{relative}", relative, handle, path.as_posix())


def _inputs(source: Source) -> Iterator[_Input]:
    """Every file or archive member of a source, in sorted name order, opened for reading."""
    path = Path(source.path)
    if not path.exists():
        raise FileNotFoundError(f"corpus source {source.path}: no such file or folder")
    if path.is_dir():
        for file in list_source_files(source):
            relative = file.relative_to(path).as_posix()
            with open(file, "rb") as handle:
                yield _Input(file.as_posix(), relative, _maybe_gunzip(relative, handle))
    elif _lower_name(path).endswith(ZIP_SUFFIXES):
        yield from _zip_members(path, _member_filter(source))
    elif _lower_name(path).endswith(TAR_SUFFIXES):
        yield from _tar_members(path, _member_filter(source))
    else:
        with open(path, "rb") as handle:
            yield _Input(path.as_posix(), path.name, _maybe_gunzip(path.name, handle))


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
        record.text = text
    yield record


def _jsonl_records(source: Source, file: _Input) -> Iterator[_Raw]:
    for number, (line, encoding) in enumerate(_decoded_lines(file.handle), start=1):
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
        yield _record_from_item(item, source, file, location, default_id, encoding, str(number))


def _json_records(source: Source, file: _Input) -> Iterator[_Raw]:
    text, encoding = decode_text(file.handle.read())
    default_id = _stem(file.relative)
    if text is None:
        yield _Raw(default_id, file.location, encoding, reason="undecodable")
        return
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list):
        yield _Raw(default_id, file.location, encoding, reason=f"malformed_record:{file.relative}")
        return
    del text
    for number, item in enumerate(items, start=1):
        location = f"{file.location}:{number}"
        yield _record_from_item(
            item, source, file, location, f"item_{number}", encoding, f"item_{number}"
        )


def _csv_records(source: Source, file: _Input) -> Iterator[_Raw]:
    """Rows of a CSV or TSV file with a header line; a row may span lines (quoted text)."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**30))
    undecodable: set[int] = set()
    encodings: dict[int, str] = {}

    def lines() -> Iterator[str]:
        for number, (line, encoding) in enumerate(_decoded_lines(file.handle), start=1):
            if encoding is None:
                undecodable.add(number)
            else:
                encodings[number] = encoding
            yield line

    reader = csv.reader(lines(), dialect="excel-tab" if source.format == "tsv" else "excel")
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
        if not row and not error:
            continue  # a blank line is not a record
        if header is None and not error:
            header = [name.strip() for name in row]
            continue
        location, default_id = f"{file.location}:{first}", f"line_{first}"
        if any(n in undecodable for n in numbers):
            yield _Raw(default_id, location, UNKNOWN_ENCODING, reason="undecodable")
        elif error or header is None or len(row) != len(header):
            yield _Raw(default_id, location, encoding, reason=f"malformed_record:{first}")
        else:
            item = dict(zip(header, row, strict=True))
            yield _record_from_item(item, source, file, location, default_id, encoding, str(first))


_READERS: dict[str, Callable[[Source, _Input], Iterator[_Raw]]] = {
    "txt": _txt_records,
    "jsonl": _jsonl_records,
    "json": _json_records,
    "csv": _csv_records,
    "tsv": _csv_records,
}


def _raw_records(source: Source) -> Iterator[_Raw]:
    reader = _READERS[source.format]
    for file in _inputs(source):
        yield from reader(source, file)


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


class NearDuplicateIndex:
    """Streaming near-duplicate detection: MinHash LSH over word shingles (datasketch).

    :meth:`first_similar` queries the index with a document and then inserts it when no
    earlier document is similar, so the first occurrence of a story is kept and later
    ones point to it. LSH candidates are confirmed by the MinHash estimate of their
    Jaccard similarity (at least ``threshold``); among confirmed ones, the earliest is
    named. Memory: a 128-number signature per indexed document, and a cache of word
    hashes emptied at ``max_words`` words.
    """

    def __init__(self, settings: NearDuplicateSettings, max_words: int = 1_000_000) -> None:
        self.settings = settings
        self.max_words = max_words
        self._lsh = MinHashLSH(threshold=settings.threshold, num_perm=NUM_PERM)
        # The shingle hashes are hashes already: datasketch takes them as they are.
        self._template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=int)
        self._signatures: dict[str, tuple[int, np.ndarray]] = {}
        self._word_hashes: dict[str, int] = {}

    def signature(self, normalized: str) -> MinHash:
        """The MinHash of a normalized text's word shingles."""
        cache = self._word_hashes
        if len(cache) >= self.max_words:
            cache.clear()
        words = normalized.split()
        for word in set(words).difference(cache):
            cache[word] = word_hash(word)
        minhash = self._template.copy()
        if words:
            values = np.array(list(map(cache.__getitem__, words)), dtype=np.uint64)
            minhash.update_batch(shingle_hashes(values, self.settings.shingle_size).tolist())
        return minhash

    def first_similar(self, doc_id: str, normalized: str) -> str | None:
        """The earliest indexed document similar to this one; else ``None``, and index it."""
        minhash = self.signature(normalized)
        best: tuple[int, str] | None = None
        for key in self._lsh.query(minhash):
            order, values = self._signatures[key]
            if float(np.mean(values == minhash.hashvalues)) >= self.settings.threshold and (
                best is None or order < best[0]
            ):
                best = (order, key)
        if best is not None:
            return best[1]
        self._lsh.insert(doc_id, minhash, check_duplication=False)
        self._signatures[doc_id] = (len(self._signatures), minhash.hashvalues)
        return None


def _note_value(value: Any) -> str:
    text = WHITESPACE_RE.sub(" ", str(value)).strip()
    return text if len(text) <= MAX_NOTE_VALUE else text[: MAX_NOTE_VALUE - 1] + "…"


def iter_records(
    sources: Iterable[Mapping | Source],
    min_arabic_share: float = 0.5,
    near_duplicates: Mapping | NearDuplicateSettings | None = None,
) -> Iterator[tuple[dict | None, dict]]:
    """Stream the corpus: for every input record, in order, its document and manifest row.

    Parameters
    ----------
    sources : iterable of dict or Source
        Entries of ``corpus.sources`` (``path``, ``format``, ``pattern``, ``label_from``
        and the ``*_field`` names).
    min_arabic_share : float
        Records whose letters are less than this share Arabic are dropped as ``not_arabic``.
    near_duplicates : dict, optional
        ``corpus.near_duplicates`` (``enabled``, ``threshold``, ``shingle_size``).

    Yields
    ------
    document : dict or None
        The kept document (:data:`DOCUMENT_FIELDS`: ``doc_id``, ``title``, ``text``,
        ``date``, ``label``, ``source``, ``location``), or ``None`` when dropped.
    row : dict
        Its manifest row (:data:`MANIFEST_COLUMNS`): ``doc_id``, ``location``, ``status``
        (``kept`` or ``dropped``), ``reason`` (``empty``, ``not_arabic``,
        ``duplicate_of:<id>``, ``near_duplicate_of:<id>``, ``undecodable``,
        ``malformed_record:<where>``), ``encoding`` and ``note`` (``bad_date:<value>``,
        ``repeated_id:<id>``, joined by ``;``).

    Only the ids, a 16-byte fingerprint per kept text and, with near-duplicate detection,
    a 128-number MinHash per kept document are held between records.
    """
    settings = NearDuplicateSettings.from_config(near_duplicates)
    index = NearDuplicateIndex(settings) if settings.enabled else None
    seen_ids: dict[str, int] = {}
    seen_texts: dict[bytes, str] = {}
    bad_dates = 0
    for entry in sources:
        source = entry if isinstance(entry, Source) else Source.from_config(entry)
        for raw in _raw_records(source):
            notes = []
            # doc_id must be unique: suffix repeats (two sources with the same file names).
            doc_id = raw.doc_id
            if doc_id in seen_ids:
                seen_ids[doc_id] += 1
                doc_id = f"{doc_id}~{seen_ids[doc_id]}"
                notes.append(f"repeated_id:{raw.doc_id}")
            else:
                seen_ids[doc_id] = 1
            reason = raw.reason
            iso_date = ""
            if not reason:
                parsed = parse_date(raw.date)
                if parsed is None:
                    notes.insert(0, f"bad_date:{_note_value(raw.date)}")
                    bad_dates += 1
                    if bad_dates <= 10:
                        LOGGER.warning("%s: unparseable date %r", raw.location, raw.date)
                else:
                    iso_date = parsed
                text = raw.text
                if not text.strip():
                    reason = "empty"
                elif arabic_share(text) < min_arabic_share:
                    reason = "not_arabic"
                else:
                    normalized = normalized_text(text)
                    fingerprint = text_fingerprint(normalized)
                    if fingerprint in seen_texts:
                        reason = f"duplicate_of:{seen_texts[fingerprint]}"
                    else:
                        # Near-duplicates too: exact copies count the same with or without
                        # near-duplicate detection (their duplicate_of names the copy).
                        seen_texts[fingerprint] = doc_id
                        if index is not None and (
                            similar := index.first_similar(doc_id, normalized)
                        ):
                            reason = f"near_duplicate_of:{similar}"
            row = {
                "doc_id": doc_id,
                "location": raw.location,
                "status": "dropped" if reason else "kept",
                "reason": reason,
                "encoding": raw.encoding,
                "note": ";".join(notes),
            }
            document = None
            if not reason:
                document = {
                    "doc_id": doc_id,
                    "title": raw.title,
                    "text": raw.text,
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
    """Counts of input, kept and dropped records (by reason), notes and length statistics.

    With ``documents`` (iterated once), also the documents with a date, a label, the
    distinct labels and sources, and the first and last date.
    """
    rows: list[tuple[str, Any]] = [
        ("input_records", len(manifest)),
        ("kept", int((manifest["status"] == "kept").sum())),
        ("dropped", int((manifest["status"] == "dropped").sum())),
    ]
    reasons = manifest.loc[manifest["status"] == "dropped", "reason"].str.split(":").str[0]
    for reason, count in sorted(reasons.value_counts().items()):
        rows.append((f"dropped_{reason}", int(count)))
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
