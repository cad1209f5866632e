"""The command line: ``arabic-news-topics apply BUNDLE INPUT -o OUT``.

Reads INPUT with the corpus readers of stage 1 (a folder of text files, JSON Lines, CSV,
JSON, archives; the same manifest of every record kept, dropped or passed over), applies the
bundle in batches, and writes into OUT:

- ``manifest.tsv``: one line per input record (and per file that gave none), as stage 1's;
- ``document_topics.csv``: per kept article, :meth:`TopicBundle.transform`'s columns, written
  batch by batch (memory does not grow with the number of articles);
- ``prevalence_comparison.csv``: each curated topic's mean share in the new articles and in
  the training corpus, and their difference, with 95 % intervals (a Poisson bootstrap, which
  streams: each article counts Poisson(1) times in each resample).
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus import core as corpus
from ..io import atomic_path, write_table
from .bundle import BundleError
from .core import BATCH_SIZE, TopicBundle, load_bundle

LOGGER = logging.getLogger(__name__)

#: Resamples of the intervals of ``prevalence_comparison.csv``.
BOOTSTRAP = 1000


class PoissonBootstrap:
    """Means of document-topic shares with bootstrap resamples, accumulated batch by batch:
    each document enters each of ``resamples`` resamples Poisson(1) times (Hanley and
    MacGibbon 2006), so only sums are kept, never the documents."""

    def __init__(self, num_topics: int, resamples: int = BOOTSTRAP, random_state: int = 42):
        self.rng = np.random.default_rng(random_state)
        self.resamples = resamples
        self.documents = 0
        self.total = np.zeros(num_topics)
        self.sums = np.zeros((resamples, num_topics))
        self.counts = np.zeros(resamples)

    def add(self, theta: np.ndarray) -> None:
        """Add the shares of a batch of documents (documents by topics)."""
        theta = np.asarray(theta, dtype=np.float64)
        weights = self.rng.poisson(1.0, size=(self.resamples, len(theta))).astype(np.float64)
        self.documents += len(theta)
        self.total += theta.sum(axis=0)
        self.sums += weights @ theta
        self.counts += weights.sum(axis=1)

    def means(self) -> np.ndarray:
        """The resamples' means (resamples by topics)."""
        return self.sums / np.maximum(self.counts, 1)[:, None]

    def estimate(self) -> np.ndarray:
        """The mean share of each topic over all documents added."""
        return self.total / max(self.documents, 1)


def prevalence_comparison(
    new: PoissonBootstrap, training: PoissonBootstrap, labels: Sequence[str]
) -> pd.DataFrame:
    """Per topic: mean share in the new articles and in training, the difference (new −
    training), each with a 95 % percentile interval from the resamples."""
    rows = []
    new_means, training_means = new.means(), training.means()
    difference = new_means - training_means
    for k, label in enumerate(labels):
        rows.append(
            {
                "topic": k + 1,
                "label": label,
                "new_documents": new.documents,
                "new": new.estimate()[k],
                "new_lower": np.percentile(new_means[:, k], 2.5),
                "new_upper": np.percentile(new_means[:, k], 97.5),
                "training": training.estimate()[k],
                "training_lower": np.percentile(training_means[:, k], 2.5),
                "training_upper": np.percentile(training_means[:, k], 97.5),
                "difference": new.estimate()[k] - training.estimate()[k],
                "difference_lower": np.percentile(difference[:, k], 2.5),
                "difference_upper": np.percentile(difference[:, k], 97.5),
            }
        )
    return pd.DataFrame(rows)


def apply_to_corpus(
    bundle: TopicBundle,
    source: dict,
    out: str | Path,
    batch_size: int = BATCH_SIZE,
    bootstrap: int = BOOTSTRAP,
) -> dict:
    """Apply ``bundle`` to the records of ``source`` (an entry of ``corpus.sources``) and
    write the three tables into ``out``; the counts of records kept and dropped. The corpus
    settings of the training (``min_arabic_share``, ``near_duplicates``) apply."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    settings = bundle.manifest.get("config", {}).get("corpus", {})
    statuses: dict[str, int] = {}
    reasons: dict[str, int] = {}

    def kept(manifest_stream) -> Iterator[dict]:
        # The manifest is written row by row, as the documents stream (the format of stage
        # 1's, which pandas writes through the same csv module): nothing grows with the
        # number of articles but the counts.
        writer = csv.writer(manifest_stream, delimiter="\t", lineterminator="\n")
        writer.writerow(corpus.MANIFEST_COLUMNS)
        for document, row in corpus.iter_records(
            [source], settings.get("min_arabic_share", 0.5), settings.get("near_duplicates")
        ):
            writer.writerow([row.get(column) for column in corpus.MANIFEST_COLUMNS])
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
            if document is None:
                reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
                continue
            yield document

    seed = int(bundle.topics["random_state"])
    new = PoissonBootstrap(bundle.num_topics, bootstrap, seed)
    training = PoissonBootstrap(bundle.num_topics, bootstrap, seed + 1)
    training.add(bundle.training_theta)
    topics = [f"topic_{k}" for k in range(1, bundle.num_topics + 1)]
    with (
        atomic_path(out / "manifest.tsv") as manifest_path,
        manifest_path.open("w", encoding="utf-8", newline="") as manifest_stream,
        atomic_path(out / "document_topics.csv") as topics_path,
        topics_path.open("w", encoding="utf-8", newline="") as stream,
    ):
        for i, table in enumerate(bundle.transform_records(kept(manifest_stream), batch_size)):
            table.round(6).to_csv(stream, index=False, header=i == 0, lineterminator="\n")
            new.add(table[topics].to_numpy())
    if new.documents == 0:
        read = sum(statuses.values())
        raise ValueError(
            f"{source['path']}: no article to apply the model to ({read} records read; "
            f"reasons: {reasons or 'the input holds none'}); see {out / 'manifest.tsv'}"
        )
    write_table(
        prevalence_comparison(new, training, bundle.labels),
        out / "prevalence_comparison.csv",
        out / "prevalence_comparison.md",
    )
    LOGGER.info("applied the model to %d articles: %s", new.documents, statuses)
    return statuses


def main(argv: Sequence[str] | None = None) -> int:
    """``arabic-news-topics apply BUNDLE INPUT -o OUT``; exit 2 with a message on bad input."""
    parser = argparse.ArgumentParser(prog="arabic-news-topics", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    apply = commands.add_parser("apply", help="apply a model bundle to new articles")
    apply.add_argument("bundle", help="a run's results/10_model folder (or a copy)")
    apply.add_argument("input", help="the new articles: a file, folder or archive")
    apply.add_argument("-o", "--out", required=True, help="folder for the tables")
    apply.add_argument("--format", default=None, help=f"one of {', '.join(corpus.FORMATS)}")
    apply.add_argument("--pattern", default=None, help="file names to read in a folder")
    for field in ("id", "text", "title", "date", "source"):
        apply.add_argument(f"--{field}-field", default=None, help=f"the {field} field")
    apply.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    apply.add_argument("--bootstrap", type=int, default=BOOTSTRAP)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("gensim").setLevel(logging.WARNING)  # a line per file it loads
    source = {"path": args.input, "label_from": "none"}
    fmt = args.format or _guess_format(args.input)
    source["format"] = fmt
    if args.pattern:
        source["pattern"] = args.pattern
    for field in ("id", "text", "title", "date", "source"):
        value = getattr(args, f"{field}_field")
        if value:
            source[f"{field}_field"] = value
    try:
        if not Path(args.input).exists():
            raise ValueError(f"{args.input}: no such file or folder")
        corpus.Source.from_config(source)
        bundle = load_bundle(args.bundle)
        apply_to_corpus(bundle, source, args.out, args.batch_size, args.bootstrap)
    except (BundleError, ValueError) as error:
        print(f"arabic-news-topics apply: {error}", file=sys.stderr)
        return 2
    return 0


def _guess_format(path: str) -> str:
    """The reader for a path by its name: JSON Lines, CSV or JSON files, else text files."""
    name = Path(path).name.lower()
    for suffix, fmt in ((".jsonl", "jsonl"), (".csv", "csv"), (".tsv", "tsv"), (".json", "json")):
        if suffix in name:
            return fmt
    return "txt"


if __name__ == "__main__":
    sys.exit(main())
