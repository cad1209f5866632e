"""Would the DMM find the sections better from a k-means start than from random ones?

GSDMM (the ``dmm`` engine) starts each of its ``lda.dmm_restarts`` runs with every document in
a random cluster and keeps the run of the highest log p(z, w). Mixture models are often
started from k-means instead (scikit-learn's ``GaussianMixture`` does so by default). This
benchmark compares, on each labelled corpus at K = the number of sections and for each seed of
``lda.random_seeds``:

- ``random``: the shipped engine (``DirichletMultinomialMixture`` with the shipped settings),
  the restart it keeps, and every restart's log-likelihood and NMI;
- ``kmeans_tfidf`` / ``kmeans_hellinger``: k-means (scikit-learn, ``n_init=10``, the seed) on
  the bag of words as sublinear TF-IDF or as square roots of word shares (both rows of unit
  length), then the engine's own Gibbs sweeps and greedy sweeps from that partition.

The likelihood is what a label-free rule could choose by; NMI against the sections says what it
would gain. The bag of words is the workflow's own (``results/04_lda/bow`` of a run folder with
only the corpus path and ``label_from`` changed, built here with Snakemake if missing).

Outputs (``benchmarks/results/`` or ``--out``): ``dmm_initialisation.csv`` (one row per
corpus, seed, start and restart) and ``dmm_initialisation.md``.

Run from the repository root (both corpora: about 10 minutes on 2 cores)::

    .venv/bin/python benchmarks/dmm_initialisation.py [--runs benchmarks/runs]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

from arabic_news_topics.topics import engines

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
LABELLED = {"hespress-4cat": "hespress-4cat.tar.gz", "antms-6cat": "antms-6cat.tar.gz"}
BOW = "results/04_lda/bow/corpus.mm"


def build_bow(corpus: str, runs: Path, cores: int) -> Path:
    """The run folder of ``corpus`` with its bag of words (Snakemake builds what is missing)."""
    workdir = runs / corpus
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yaml"
    source = {"path": str(CORPORA / LABELLED[corpus]), "format": "txt"}
    source["label_from"] = "parent_folder"
    config.write_text(yaml.safe_dump({"corpus": {"sources": [source]}}), encoding="utf-8")
    targets = [BOW, "results/01_corpus/metadata.tsv"]
    options = ["--cores", str(cores), "--directory", str(workdir), "--configfile", str(config)]
    subprocess.run(
        [sys.executable, "-m", "snakemake", *targets, *options],
        cwd=ROOT,
        check=True,
    )
    return workdir


def starts(counts, sections: int, seed: int) -> dict[str, np.ndarray]:
    """k-means partitions of the documents (rows of ``counts``) in two spaces."""
    spaces = {
        "kmeans_tfidf": TfidfTransformer(sublinear_tf=True).fit_transform(counts),
        "kmeans_hellinger": normalize(np.sqrt(normalize(counts, norm="l1")), norm="l2"),
    }
    return {
        name: KMeans(sections, n_init=10, random_state=seed).fit(space).labels_
        for name, space in spaces.items()
    }


def compare(workdir: Path, corpus: str, seeds: Sequence[int], settings: dict) -> list[dict]:
    """Rows of log-likelihood and NMI of every start and restart on one corpus."""
    dictionary, bow, doc_ids = engines.load_bow(workdir / "results/04_lda/bow")
    metadata = pd.read_csv(
        workdir / "results/01_corpus/metadata.tsv", sep="\t", keep_default_na=False
    ).set_index("doc_id")
    gold = metadata.loc[doc_ids, "label"].to_numpy()
    sections = len(set(gold) - {""})
    n_terms = len(dictionary)
    documents = engines._DMMDocuments.from_bow(bow, n_terms)
    counts = engines._count_matrix(bow, n_terms)[documents.docs]
    gold = gold[documents.docs]
    rows = []
    for seed in seeds:
        started = time.process_time()
        model = engines.fit_topic_model(
            bow, dictionary, sections, "dmm", random_state=seed, **settings
        )
        seconds = time.process_time() - started
        likelihoods = model.fit_scores["restart_log_likelihoods"]
        labels = model.model.labels[documents.docs]
        for restart, likelihood in enumerate(likelihoods):
            kept = restart == model.model.best_restart
            rows.append(
                {
                    "corpus": corpus,
                    "seed": seed,
                    "start": "random",
                    "restart": restart,
                    "kept": kept,
                    "log_likelihood": likelihood,
                    # The engine keeps only the kept restart's partition.
                    "nmi": normalized_mutual_info_score(gold, labels) if kept else np.nan,
                    "cpu_s": seconds / len(likelihoods),
                }
            )
        for name, partition in starts(counts, sections, seed).items():
            started = time.process_time()
            sampler = engines._DMMSampler(
                documents,
                n_terms,
                sections,
                engines.DMM_SYMMETRIC_PRIOR,
                engines.DMM_SYMMETRIC_PRIOR,
                partition,
            )
            rng = np.random.default_rng(seed)
            for _ in range(settings["dmm_iterations"]):
                sampler.sweep(rng.random(len(documents)))
            for _ in range(engines.DMM_MAX_GREEDY_SWEEPS):
                if not sampler.sweep():
                    break
            rows.append(
                {
                    "corpus": corpus,
                    "seed": seed,
                    "start": name,
                    "restart": 0,
                    "kept": True,
                    "log_likelihood": sampler.log_likelihood(),
                    "nmi": normalized_mutual_info_score(gold, sampler.labels),
                    "kmeans_nmi": normalized_mutual_info_score(gold, partition),
                    "cpu_s": time.process_time() - started,
                }
            )
    return rows


def report(frame: pd.DataFrame, load_at_start: str, settings: dict) -> str:
    kept = frame[frame["kept"]]
    groups = kept.groupby(["corpus", "start"], sort=False)
    summary = pd.DataFrame(
        {
            "NMI": groups["nmi"].agg(lambda v: f"{v.mean():.3f} ± {v.std(ddof=1):.3f}"),
            "log-likelihood (mean)": groups["log_likelihood"].mean().map(lambda v: f"{v:,.0f}"),
            "k-means NMI": groups["kmeans_nmi"].agg(
                lambda v: "" if v.isna().all() else f"{v.mean():.3f}"
            ),
            "CPU s": groups["cpu_s"].sum().map(lambda v: f"{v:.0f}"),
        }
    ).reset_index()
    best = frame.groupby(["corpus", "seed"])["log_likelihood"].idxmax()
    winners = frame.loc[best, ["corpus", "seed", "start", "restart"]]
    return "\n".join(
        [
            "# The DMM from random starts or from k-means",
            "",
            *harness.run_lines(load_at_start=load_at_start),
            "",
            f"K = the number of sections, the shipped DMM settings ({settings}). `random`: the "
            "shipped engine, the restart it keeps (highest log p(z, w)); `kmeans_*`: the same "
            "sweeps from a k-means partition. Mean ± sd over the seeds.",
            "",
            harness.markdown_table(summary, right=["NMI", "log-likelihood (mean)", "CPU s"]),
            "",
            "The start of the highest log-likelihood, per corpus and seed (what a label-free "
            "choice by likelihood would keep):",
            "",
            harness.markdown_table(winners),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(LABELLED), choices=list(LABELLED))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--runs", type=Path, default=ROOT / "benchmarks" / "runs")
    args = parser.parse_args(argv)
    load_at_start = harness.load_average()
    lda = harness.project_config()["lda"]
    settings = {key: lda[key] for key in ("dmm_iterations", "dmm_restarts")}
    rows = []
    for corpus in args.corpora:
        workdir = build_bow(corpus, args.runs.resolve(), args.cores)
        rows += compare(workdir, corpus, lda["random_seeds"], settings)
    frame = pd.DataFrame(rows)
    harness.write_results(
        args.out, "dmm_initialisation", frame, report(frame, load_at_start, settings)
    )
    print(report(frame, load_at_start, settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
