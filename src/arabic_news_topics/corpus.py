"""Stage 1: read a corpus into one record per document, accounting for every input.

Every input file or record ends up in the manifest, either ``kept`` or ``dropped`` with a
reason, so ``kept + dropped == input`` always holds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ARABIC_LETTER_RE = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
LETTER_RE = re.compile(r"[^\W\d_]")
WHITESPACE_RE = re.compile(r"\s+")

#: Formats the reader understands, by ``corpus.sources[].format``.
FORMATS = ("txt", "jsonl")


@dataclass(frozen=True)
class Source:
    """One corpus source: a folder of text files or a JSON Lines file."""

    path: str
    format: str = "txt"
    pattern: str = "*.txt"
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"

    @classmethod
    def from_config(cls, entry: dict) -> Source:
        """Build a source from one entry of ``corpus.sources``."""
        known = {k: entry[k] for k in cls.__dataclass_fields__ if k in entry}
        return cls(**known)


def list_source_files(source: Source) -> list[Path]:
    """Return the files a source reads, sorted, so document order never depends on the OS."""
    path = Path(source.path)
    if source.format == "txt":
        if path.is_file():
            return [path]
        return sorted(p for p in path.rglob(source.pattern) if p.is_file())
    return [path]


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _raw_records(source: Source) -> Iterator[dict]:
    """Yield raw records with ``doc_id``, ``source``, ``title``, ``text`` or a ``reason``."""
    if source.format == "txt":
        root = Path(source.path)
        for file in list_source_files(source):
            relative = file.relative_to(root) if root.is_dir() else Path(file.name)
            doc_id = relative.with_suffix("").as_posix()
            text = _decode(file.read_bytes())
            record = {"doc_id": doc_id, "source": file.as_posix(), "title": "", "text": text or ""}
            if text is None:
                record["reason"] = "undecodable"
            yield record
    elif source.format == "jsonl":
        opener = gzip.open if source.path.endswith(".gz") else open
        with opener(source.path, "rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                location = f"{source.path}:{line_number}"
                if not raw.strip():
                    continue
                line = _decode(raw)
                if line is None:
                    yield {
                        "doc_id": f"line_{line_number}",
                        "source": location,
                        "title": "",
                        "text": "",
                        "reason": "undecodable",
                    }
                    continue
                try:
                    item = json.loads(line)
                    if not isinstance(item, dict):
                        raise ValueError("not a JSON object")
                except ValueError:
                    yield {
                        "doc_id": f"line_{line_number}",
                        "source": location,
                        "title": "",
                        "text": "",
                        "reason": f"malformed_record:{line_number}",
                    }
                    continue
                doc_id = str(item.get(source.id_field) or f"line_{line_number}")
                text = item.get(source.text_field)
                record = {
                    "doc_id": doc_id,
                    "source": location,
                    "title": str(item.get(source.title_field) or ""),
                    "text": text if isinstance(text, str) else "",
                }
                if source.text_field not in item:
                    record["reason"] = f"malformed_record:{line_number}"
                yield record
    else:
        raise ValueError(
            f"corpus source {source.path}: unknown format {source.format!r}; "
            f"allowed: {', '.join(FORMATS)}"
        )


def arabic_share(text: str) -> float:
    """Share of the letters of ``text`` that are Arabic (0 when it has no letters)."""
    letters = LETTER_RE.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ARABIC_LETTER_RE.match(ch)) / len(letters)


def read_corpus(
    sources: Iterable[dict], min_arabic_share: float = 0.5
) -> tuple[list[dict], pd.DataFrame]:
    """Read every source and decide, per record, whether it is kept.

    Parameters
    ----------
    sources : iterable of dict
        Entries of ``corpus.sources`` (``path``, ``format`` and field names).
    min_arabic_share : float
        Records whose letters are less than this share Arabic are dropped as ``not_arabic``.

    Returns
    -------
    documents : list of dict
        Kept documents with ``doc_id``, ``title``, ``source`` and ``text``, in input order.
    manifest : pandas.DataFrame
        One row per input record: ``doc_id``, ``source``, ``status``, ``reason``.
    """
    documents: list[dict] = []
    manifest: list[dict] = []
    seen_ids: dict[str, int] = {}
    seen_text: dict[str, str] = {}
    for entry in sources:
        for record in _raw_records(Source.from_config(entry)):
            # doc_id must be unique: suffix repeats (two sources with the same file names).
            doc_id = record["doc_id"]
            if doc_id in seen_ids:
                seen_ids[doc_id] += 1
                doc_id = f"{doc_id}~{seen_ids[doc_id]}"
            else:
                seen_ids[doc_id] = 1
            record["doc_id"] = doc_id
            reason = record.pop("reason", "")
            text = record["text"]
            if not reason:
                fingerprint = hashlib.sha1(
                    WHITESPACE_RE.sub(" ", text).strip().encode()
                ).hexdigest()
                if not text.strip():
                    reason = "empty"
                elif arabic_share(text) < min_arabic_share:
                    reason = "not_arabic"
                elif fingerprint in seen_text:
                    reason = f"duplicate_of:{seen_text[fingerprint]}"
                else:
                    seen_text[fingerprint] = doc_id
            status = "dropped" if reason else "kept"
            manifest.append(
                {"doc_id": doc_id, "source": record["source"], "status": status, "reason": reason}
            )
            if status == "kept":
                documents.append(record)
    columns = ["doc_id", "source", "status", "reason"]
    return documents, pd.DataFrame(manifest, columns=columns)


def document_lengths(documents: Iterable[dict]) -> pd.DataFrame:
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


def corpus_summary(manifest: pd.DataFrame, lengths: pd.DataFrame) -> pd.DataFrame:
    """Counts of input, kept and dropped records (by reason) and length statistics."""
    rows = [
        ("input_records", len(manifest)),
        ("kept", int((manifest["status"] == "kept").sum())),
        ("dropped", int((manifest["status"] == "dropped").sum())),
    ]
    reasons = manifest.loc[manifest["status"] == "dropped", "reason"].str.split(":").str[0]
    for reason, count in sorted(reasons.value_counts().items()):
        rows.append((f"dropped_{reason}", int(count)))
    words = lengths["words"] if len(lengths) else pd.Series([0])
    rows += [
        ("total_words", int(lengths["words"].sum())),
        ("total_characters", int(lengths["characters"].sum())),
        ("min_words", int(words.min())),
        ("median_words", float(words.median())),
        ("max_words", int(words.max())),
    ]
    # Values as text: counts stay integers next to the (possibly fractional) median.
    text = [(m, f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}") for m, v in rows]
    return pd.DataFrame(text, columns=["measure", "value"])
