"""Do the clusters of short documents gain from the DMM candidate? Stage 5's label-free
choice with and without the one-topic-per-document DMM among its candidates, on the labelled
corpora cut short (the choice of ``cluster.dmm_max_tokens``).

Each labelled corpus is written again, in ``--runs``, as its titles, the first N words of each
body (``--lengths``) and the whole bodies (``short_documents.write_short_corpus``). The
shipped workflow (``evaluate_defaults.run_workflow``: only the corpus path and
``label_from: parent_folder`` changed, and ``evaluation.engines: []``, since only the clusters
are scored here) runs each one to stage 7's ``metrics.csv`` twice in the same run folder:
with the shipped ``cluster.auto_features`` (``shipped``) and with the DMM taken out of them
(``without_dmm``, the peer: what a corpus of more than 5,000 documents got under the earlier
limit in documents). Only the clusters and their scoring rerun the second time. Stage 7
repeats stage 5's choice with each random seed, at the stage's k and at k = the sections.

Outputs, in ``benchmarks/results/`` (or ``--out``): ``short_document_clusters.csv`` (one row
per corpus, length, variant, k and seed: the features chosen and the NMI) and
``short_document_clusters.md`` (mean and sd over the seeds, the seeds that chose the DMM,
the word tokens the DMM would sample against the limit, the machine, date, commit).

Run from the repository root (antms-6cat, five lengths and the whole bodies: about 20 minutes
on 2 cores)::

    .venv/bin/python benchmarks/short_document_clusters.py --runs /tmp/short_document_clusters
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from evaluate_defaults import run_workflow
from short_documents import LABELLED, short_corpora

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.clusters.step import count_blocks
from arabic_news_topics.tfidf import core as tfidf

ROOT = Path(__file__).resolve().parents[1]

#: Stage 7's scores of every seed (the clusters' rows are kmeans_auto and kmeans_auto_k<n>).
TARGETS = ("results/07_evaluation/metrics.csv",)
#: The peer: the shipped candidates without the DMM.
PEER = "without_dmm"


def variants(auto_features: Sequence[str]) -> dict[str, list[str]]:
    """The two candidate lists compared: the shipped ones, and the same without ``dmm``."""
    return {"shipped": list(auto_features), PEER: [f for f in auto_features if f != "dmm"]}


def dmm_tokens(workdir: Path) -> int:
    """The word tokens the DMM candidate samples in a run (stage 2's tokens of the TF-IDF's
    terms, as stage 5 counts them against ``cluster.dmm_max_tokens``)."""
    results = workdir / "results"
    _, doc_ids, terms = tfidf.load_matrix(results / "03_tfidf" / "tfidf_matrix.npz")
    ngram_range = harness.project_config()["tfidf"]["ngram_range"]
    blocks = count_blocks(results / "02_normalize" / "tokens.jsonl", doc_ids, terms, ngram_range)
    return clusters.counts_up_to(blocks, 0)[1]


def cluster_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Stage 7's cluster rows: ``k`` is ``stage`` (the stage's own k) or the sections'."""
    rows = metrics[metrics["method"].str.startswith("kmeans_auto")].copy()
    rows["k"] = rows["method"].str.removeprefix("kmeans_auto").str.removeprefix("_k")
    rows["k"] = rows["k"].replace("", "stage")
    return rows[["k", "seed", "features", "nmi"]]


def summarize(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """One row per corpus, length and k: each variant's NMI (mean ± sd over the seeds), the
    seeds whose stage chose the DMM, and whether the corpus is under ``limit`` tokens."""
    keys = ["corpus", "length", "documents", "tokens", "k"]
    rows = []
    for index, group in frame.groupby(keys, sort=False):
        record = dict(zip(keys, index, strict=True))
        record["DMM a candidate"] = "yes" if record["tokens"] <= limit else "no (above the limit)"
        for variant in ("shipped", PEER):
            part = group[group["variant"] == variant]
            mean, sd = part["nmi"].mean(), part["nmi"].std()
            record[f"{variant} NMI"] = f"{harness.fmt(mean, 3)} ± {harness.fmt(sd, 3)}"
        shipped = group[group["variant"] == "shipped"]
        chose = shipped.loc[shipped["features"] == "dmm", "seed"].astype(str).tolist()
        record["seeds choosing dmm"] = ", ".join(chose) or "none"
        gain = shipped["nmi"].mean() - group.loc[group["variant"] == PEER, "nmi"].mean()
        record["gain"] = f"{gain:+.3f}"
        rows.append(record)
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, required=True, help="a folder for the run folders")
    parser.add_argument("--corpora", nargs="+", default=["antms-6cat"], choices=list(LABELLED))
    parser.add_argument("--lengths", type=int, nargs="+", default=[15, 30, 60, 120])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    load = harness.load_average()
    shipped = harness.project_config()["cluster"]
    limit = shipped["dmm_max_tokens"]
    rows = []
    for corpus, _, name, short in short_corpora(args.runs, args.corpora, args.lengths):
        tokens = None  # the same in both variants: counted once per cut
        for variant, features in variants(shipped["auto_features"]).items():
            settings = {
                "evaluation": {"engines": []},
                "cluster": {**shipped, "auto_features": features},
            }
            workdir, _ = run_workflow(
                f"{corpus}_{name}", short, args.cores, args.runs, TARGETS, settings
            )
            metrics = pd.read_csv(workdir / "results" / "07_evaluation" / "metrics.csv")
            documents = int(metrics["documents"].iloc[0])
            tokens = dmm_tokens(workdir) if tokens is None else tokens
            for _, row in cluster_rows(metrics).iterrows():
                rows.append(
                    {
                        "corpus": corpus,
                        "length": name,
                        "documents": documents,
                        "tokens": tokens,
                        "variant": variant,
                        **row,
                    }
                )
    frame = pd.DataFrame(rows)
    table = summarize(frame, limit)
    lines = [
        "# Short documents: the clusters with and without the DMM candidate",
        "",
        *harness.run_lines(load_at_start=load),
        "",
        "Each corpus's articles cut to their titles (`titles`), the first N words of their "
        "bodies (`first_N`) or their whole bodies (`whole`); the shipped workflow to stage 7 "
        "(`evaluation.engines: []`), whose clusters repeat stage 5's label-free choice with "
        "each seed of `lda.random_seeds`, at the stage's k (`stage`) and at k = the number of "
        "sections. `shipped`: `cluster.auto_features` as shipped "
        f"({', '.join(shipped['auto_features'])}); `{PEER}` (the peer, in the same run "
        "folder): the same without the DMM, which a corpus of more than 5,000 documents got "
        "under the earlier limit in documents. `tokens`: the word tokens the DMM samples, "
        f"against `cluster.dmm_max_tokens` = {limit:,}. NMI against the sections, mean ± sd "
        "over the seeds.",
        "",
        harness.markdown_table(table),
    ]
    harness.write_results(args.out, "short_document_clusters", frame, "\n".join(lines) + "\n")
    print(table.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
