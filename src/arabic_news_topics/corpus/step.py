"""Step of stage 1 (rule read_corpus): read the sources, write shards and tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..io import atomic_path, read_jsonl, write_table, write_tsv
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
    manifest_log: str | None = None,
    processes: int = 1,
) -> None:
    """Read the corpus, streaming; write the kept documents in shards of ``shard_size``, the
    manifest, the metadata of each document, and the count and length tables.

    ``processes`` worker processes check the texts (:func:`core.checked_texts`; the same
    outputs whatever the number). The manifest is also written to ``manifest_log`` (a log
    of the rule, which Snakemake keeps when the job fails): when too few documents are
    kept (:data:`core.MIN_DOCUMENTS`), the step stops with the counts by reason and that
    path.
    """
    rows: list[dict] = []
    meta: list[dict] = []
    columns = ["doc_id", "date", "label", "source"]

    def kept_documents() -> Iterator[dict]:
        for document, row in core.iter_records(
            sources, min_arabic_share, near_duplicates, processes
        ):
            rows.append(row)
            if document is None:
                LOGGER.warning(
                    "%s %s (%s): %s", row["status"], row["doc_id"], row["location"], row["reason"]
                )
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
    for path in filter(None, (manifest, manifest_log)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_tsv(manifest_frame, path)
    counts = core.reason_counts(manifest_frame)
    if counts:
        LOGGER.info("not kept, by reason: %s", core.describe_reasons(counts))
    core.check_corpus_size(
        len(meta),
        counts,
        "of the corpus was kept",
        f"the manifest is in {manifest_log or manifest}",
    )
    meta_frame = pd.DataFrame(meta, columns=columns)
    write_tsv(meta_frame, metadata)
    summary = core.corpus_summary(manifest_frame, lengths, meta)
    write_table(summary, summary_csv, summary_md)
    write_table(lengths, lengths_csv, lengths_md)
    skipped = int((manifest_frame["status"] == core.SKIPPED).sum())
    LOGGER.info(
        "kept %d of %d records, in %d shards; %d files passed over",
        len(meta),
        len(manifest_frame) - skipped,
        writer.shards,
        skipped,
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


def document_titles(shards: Sequence[str], titles: str, characters: int = 60) -> None:
    """``doc_id, title`` of every kept document, for the figures that label documents: its
    title, or the first line of its text where the corpus has none (:func:`core.headline`),
    shortened to ``characters``."""
    rows = [
        {
            "doc_id": r["doc_id"],
            "title": core.headline(r.get("title", ""), r.get("text", ""), characters),
        }
        for shard in shards
        for r in read_jsonl(shard)
    ]
    write_table(pd.DataFrame(rows, columns=["doc_id", "title"]), titles)
    LOGGER.info("%d titles, %d of them empty", len(rows), sum(not r["title"] for r in rows))


def document_details(
    shards: Sequence[str], doc_ids: Iterable[str], snippet_characters: int = 300
) -> pd.DataFrame:
    """Title (:func:`core.headline`), date, source and the start of the text
    (:func:`core.snippet`) of the documents ``doc_ids``, read from stage 1's shards in one
    pass; indexed by ``doc_id``, in shard order."""
    wanted = set(doc_ids)
    found = {}
    for shard in shards:
        for record in read_jsonl(shard):
            if record["doc_id"] in wanted:
                found[record["doc_id"]] = {
                    "title": core.headline(record.get("title", ""), record.get("text", "")),
                    "date": record.get("date", "") or "",
                    "source": record.get("source", "") or "",
                    "snippet": core.snippet(record.get("text", ""), snippet_characters),
                }
    return pd.DataFrame.from_dict(
        found, orient="index", columns=["title", "date", "source", "snippet"]
    )
