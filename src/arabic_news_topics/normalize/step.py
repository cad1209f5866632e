"""Steps of stage 2: the normalization passes, one function per rule."""

from __future__ import annotations

import json
import logging
import pickle
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..corpus import core as corpus
from ..io import (
    atomic_path,
    read_jsonl,
    read_table,
    write_jsonl,
    write_table,
    write_text,
    write_tsv,
)
from . import core

LOGGER = logging.getLogger(__name__)


def read_word_list(path: str | None) -> list[str]:
    """Lines of a shipped word or expression list, without blank lines and # comments."""
    if not path:
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def normalization_settings(
    settings: Mapping, multiword_list: str | None = None, reporting_words: str | None = None
) -> core.NormalizationSettings:
    """Settings of the normalize section, with the word lists it names read from their files."""
    section = dict(settings)
    section["multiword_list"] = read_word_list(multiword_list)
    section["reporting_words"] = read_word_list(reporting_words)
    return core.NormalizationSettings.from_config(section)


def normalized_seed_words(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
) -> tuple[dict[str, list[list[str]]], dict[str, int]]:
    """The theme seeds normalized exactly like the corpus, and the corpus's term counts."""
    config = normalization_settings(settings, reporting_words=reporting_words)
    frequencies = read_table(vocabulary_csv)
    term_counts = dict(zip(frequencies["term"], frequencies["count"], strict=True))
    stopwords = core.normalized_stopwords(config, term_counts)
    # Seeds are joined by the expressions the corpus was joined by, listed and learned.
    joiner = core.MultiwordJoiner(
        tuple(e.split("_")) for e in read_table(expressions)["expression"].astype(str)
    )
    normalized = {
        name: [list(t) for t in core.normalize_terms(seeds, config, term_counts, stopwords, joiner)]
        for name, seeds in themes_config.items()
    }
    return normalized, term_counts


def read_display_forms(vocabulary_csv: str | None) -> dict[str, str]:
    """``term -> display`` of the vocabulary table (``{}`` without one: terms show as they
    are)."""
    if not vocabulary_csv:
        return {}
    frame = read_table(vocabulary_csv, dtype=str, usecols=lambda c: c in ("term", "display"))
    if "display" not in frame.columns:
        return {}
    frame = frame.fillna("")
    return dict(zip(frame["term"], frame["display"], strict=True))


def _read_documents(shards: Sequence[str]) -> Iterator[dict]:
    for shard in shards:
        yield from read_jsonl(shard)


def _dump(value, path: str) -> None:
    # Intermediate files of the workflow itself, read back only by its own later jobs.
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: str):
    with open(path, "rb") as handle:
        return pickle.load(handle)  # only files written by _dump in an earlier job


def find_recurring_lines(shards: Sequence[str], settings: Mapping, recurring: str) -> None:
    """Pass 1 of normalization: recurring boilerplate lines per source, over all shards."""
    config = normalization_settings(settings)
    found = core.recurring_lines_by_source(_read_documents(shards), config)
    table = {source: sorted(lines) for source, lines in found.items()}
    write_text(recurring, json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    LOGGER.info("recurring lines: %d in %d sources", sum(map(len, table.values())), len(table))


def _read_recurring(path: str) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in json.loads(Path(path).read_text()).items()}


def count_shard(shard: str, settings: Mapping, recurring: str, counts: str) -> None:
    """Pass 2, one shard: token counts after the document rules."""
    config = normalization_settings(settings)
    result = core.count_shard(read_jsonl(shard), config, _read_recurring(recurring))
    _dump(result, counts)
    LOGGER.info("%d documents, %d distinct forms", result.documents, len(result.tokens))


def build_normalizer(
    counts: Sequence[str],
    settings: Mapping,
    multiword_list: str,
    reporting_words: str,
    recurring: str,
    normalizer: str,
) -> None:
    """Pass 2, all shards: run every rule once per distinct form of the corpus."""
    config = normalization_settings(settings, multiword_list, reporting_words)
    total = core.ShardCounts()
    for path in counts:
        total = total + _load(path)
    built = core.build_normalizer(total, config, _read_recurring(recurring))
    _dump(built, normalizer)
    LOGGER.info("%d distinct forms in %d documents", len(built.final), total.documents)


def tokenize_shard(shard: str, normalizer: str, tokens: str, joined: str) -> None:
    """Pass 3, one shard: the tokens of each document, and the listed expressions joined."""
    built = _load(normalizer)
    joiner = built.joiner()
    records = ({"doc_id": d, "tokens": t} for d, t in built.tokenize(read_jsonl(shard), joiner))
    written = write_jsonl(records, tokens)
    write_text(joined, json.dumps(dict(sorted(joiner.joined.items())), ensure_ascii=False))
    LOGGER.info("%d documents tokenized", written)


class _ShardTokens:
    """The token lists of all shards, in order, read again at each iteration."""

    def __init__(self, paths: Sequence[str]):
        self.paths = paths

    def __iter__(self) -> Iterator[list[str]]:
        for path in self.paths:
            for record in read_jsonl(path):
                yield record["tokens"]


def normalize_corpus(
    shard_tokens: Sequence[str],
    joined: Sequence[str],
    normalizer: str,
    corpus_manifest: str,
    min_document_tokens: int,
    tokens: str,
    manifest: str,
    steps_csv: str,
    steps_md: str,
    top_terms_csv: str,
    top_terms_md: str,
    removed_csv: str,
    removed_md: str,
    examples_csv: str,
    examples_md: str,
    expressions_csv: str,
    expressions_md: str,
    vocabulary: str,
    phrases: str,
    top_n: int = 30,
) -> None:
    """Pass 3, all shards: merge the tokens (joining learned collocations), drop documents
    with fewer than ``min_document_tokens`` tokens, and write the tables of every rule and
    the learned collocations (``phrases``: gensim ``FrozenPhrases``, or None where none were
    learned), which the model bundle carries to new articles."""
    built = _load(normalizer)
    joined_total: Counter[str] = Counter()
    for path in joined:
        joined_total.update(json.loads(Path(path).read_text()))
    manifest_frame = pd.read_csv(corpus_manifest, sep="\t", dtype=str, keep_default_na=False)
    kept_ids = manifest_frame.loc[manifest_frame["status"] == "kept", "doc_id"]
    sequences = _ShardTokens(shard_tokens)
    learned, _, tables = core.finish_corpus(built, sequences, joined_total, documents=len(kept_ids))
    if learned is not None:
        # gensim stamps the time and machine into the model: out, for identical reruns.
        learned.lifecycle_events = []
    _dump(learned, phrases)
    too_short: dict[str, int] = {}

    def kept_records() -> Iterator[dict]:
        for path in shard_tokens:
            for record in read_jsonl(path):
                if learned is not None:
                    record["tokens"] = learned[record["tokens"]]
                if len(record["tokens"]) < min_document_tokens:
                    too_short[record["doc_id"]] = len(record["tokens"])
                    continue
                yield record

    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()

    def counted(records: Iterator[dict]) -> Iterator[dict]:
        for record in records:
            counts.update(record["tokens"])
            doc_freq.update(set(record["tokens"]))
            yield record

    written = write_jsonl(counted(kept_records()), tokens)
    for doc_id, n in too_short.items():
        LOGGER.warning("dropped %s: %d tokens after normalization (too_short)", doc_id, n)
    dropped = manifest_frame["doc_id"].isin(too_short) & (manifest_frame["status"] == "kept")
    manifest_frame.loc[dropped, "status"] = "dropped"
    manifest_frame.loc[dropped, "reason"] = "too_short"
    write_tsv(manifest_frame, manifest)
    corpus.check_corpus_size(
        written,
        corpus.reason_counts(manifest_frame),
        "is left after normalization",
        f"too_short: fewer than normalize.min_document_tokens = {min_document_tokens} tokens; "
        f"the manifest of the corpus is in {corpus_manifest}",
    )
    steps = tables["steps"]
    if too_short:
        row = {
            "step": "min_document_tokens",
            "tokens": sum(counts.values()),
            "vocabulary": len(counts),
        }
        steps = pd.concat([steps, pd.DataFrame([row])], ignore_index=True)
    frequencies = core.frequency_table(counts, doc_freq, built.written)
    write_table(tables["expressions"], expressions_csv, expressions_md)
    write_table(steps, steps_csv, steps_md)
    write_table(frequencies.head(top_n), top_terms_csv, top_terms_md)
    write_table(frequencies, vocabulary)
    write_table(tables["removed_lines"], removed_csv, removed_md)
    write_table(tables["examples"], examples_csv, examples_md)
    LOGGER.info("%d documents kept, %d too short", written, len(too_short))
