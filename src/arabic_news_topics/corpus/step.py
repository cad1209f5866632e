"""Step of stage 1 (rule read_corpus): read the sources, write shards and tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..io import atomic_path, write_table, write_tsv
from . import core

LOGGER = logging.getLogger(__name__)


def read_corpus(
    sources: Sequence[Mapping],
    min_arabic_share: float,
    near_duplicates: Mapping,
    shard_size: int,
    shards: str,
    manifest: str,
    metadata: str,
    summary_csv: str,
    summary_md: str,
    lengths_csv: str,
    lengths_md: str,
) -> None:
    """Read the corpus, streaming; write the kept documents in shards of ``shard_size``, the
    manifest, the metadata of each document, and the count and length tables."""
    rows: list[dict] = []
    meta: list[dict] = []
    columns = ["doc_id", "date", "label", "source"]

    def kept_documents() -> Iterator[dict]:
        for document, row in core.iter_records(sources, min_arabic_share, near_duplicates):
            rows.append(row)
            if document is None:
                LOGGER.warning("dropped %s (%s): %s", row["doc_id"], row["location"], row["reason"])
                continue
            writer.write(document)
            meta.append({c: document[c] for c in columns})
            yield document

    # The shards are written in a temporary folder, renamed to ``shards`` once all are.
    with atomic_path(shards) as folder:
        folder.mkdir()
        with _ShardWriter(folder, shard_size) as writer:
            lengths = core.document_lengths(kept_documents())
    manifest_frame = pd.DataFrame(rows, columns=core.MANIFEST_COLUMNS)
    write_tsv(manifest_frame, manifest)
    if not meta:
        raise ValueError("no document of the corpus was kept; see the manifest " + manifest)
    meta_frame = pd.DataFrame(meta, columns=columns)
    write_tsv(meta_frame, metadata)
    summary = core.corpus_summary(manifest_frame, lengths, meta)
    write_table(summary, summary_csv, summary_md)
    write_table(lengths, lengths_csv, lengths_md)
    LOGGER.info(
        "kept %d of %d records, in %d shards", len(meta), len(manifest_frame), writer.shards
    )


class _ShardWriter:
    """Writes documents as JSON Lines, a new file every ``shard_size`` documents."""

    def __init__(self, folder: Path, shard_size: int):
        self.folder, self.shard_size = folder, shard_size
        self.shards, self.in_shard, self.handle = 0, 0, None

    def write(self, document: Mapping) -> None:
        if self.handle is None or self.in_shard == self.shard_size:
            self.close()
            self.shards += 1
            path = self.folder / shard_name(self.shards)
            self.handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            self.in_shard = 0
        self.handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        self.in_shard += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __enter__(self) -> _ShardWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def shard_name(number: int) -> str:
    """File name of the shard of documents with this number (1, 2, ...)."""
    return f"{number:05d}.jsonl"
