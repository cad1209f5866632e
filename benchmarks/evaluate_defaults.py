"""Do the shipped defaults find the sections of labelled news corpora they were not tuned on?

For each labelled corpus (``hespress-4cat``: 2,268 Moroccan articles in 4 sections;
``antms-6cat``: 11,047 articles of five pan-Arab outlets in 6 sections; both folder-per-section
``.tar.gz`` files in ``../shared/corpora``), the workflow runs with the shipped
``config/config.yaml`` and only the corpus path and ``label_from: parent_folder`` changed (and
``evaluation.engines`` widened to every engine, so that each is scored), in a run folder of its
own (``benchmarks/runs/<corpus>``, ``snakemake --directory``). Stage 7 scores, for each seed of
``lda.random_seeds`` (42, 7, 2024): the clusters (the stage's whole procedure with that seed,
at its k and at k = the number of sections) and every engine's argmax topic at the chosen K
and at K = the number of sections (``evaluation.topics_at_label_count``), by NMI, ARI and
V-measure.

In the same run, the naive baselines that the shared README describes: Arabic letter runs,
alef/yaa/taa marbuta folded, the Arabic-Stopwords list removed (``evaluate_normalization.py``'s
``naive_tokens``); scikit-learn's TF-IDF and k-means with k = the number of sections; and
gensim LDA with K = the number of sections, argmax topic; the same three seeds.

Outputs, in ``benchmarks/results/`` (or ``--out``): ``defaults_evaluation.csv`` (one row per
corpus, method and seed) and ``defaults_evaluation.md`` (mean and sd over the seeds, the run's
machine, date, commit and time).

Run from the repository root (both corpora: about an hour on 2 cores)::

    .venv/bin/python benchmarks/evaluate_defaults.py [--corpora hespress-4cat antms-6cat]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from evaluate_normalization import naive_tokens, read_corpus

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.evaluation import core as evaluation
from arabic_news_topics.tfidf import core as tfidf
from arabic_news_topics.topics import engines

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
#: The labelled corpora: file name in ../shared/corpora.
LABELLED = {"hespress-4cat": "hespress-4cat.tar.gz", "antms-6cat": "antms-6cat.tar.gz"}
#: The seeds of the shipped config (lda.random_seeds), for the naive baselines too.
SEEDS = (42, 7, 2024)
METRICS = ("nmi", "ari", "v_measure")
#: What stage 7 says of each seed's clusters: the feature space chosen, and the others as
#: stable within the seeds' noise (empty for topic models and baselines).
CHOICES = ("features", "within_noise")


def run_workflow(
    corpus: str,
    path: Path,
    cores: int,
    runs: Path,
    targets: Sequence[str] = ("all",),
    settings: Mapping | None = None,
) -> tuple[Path, float]:
    """The shipped defaults on ``path``: only the corpus and its labels changed, in the run
    folder ``runs/corpus``, up to ``targets``; ``settings`` replaces whole sections of that
    config (a benchmark's variant). Returns the folder and the wall time of Snakemake (what
    was already done there with the same settings is kept)."""
    workdir = runs / corpus
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yaml"
    values = {
        "corpus": {
            "sources": [{"path": str(path), "format": "txt", "label_from": "parent_folder"}]
        },
        "evaluation": {"engines": list(engines.ENGINES)},
    }
    config.write_text(yaml.safe_dump({**values, **(settings or {})}), encoding="utf-8")
    start = time.perf_counter()
    command = [sys.executable, "-m", "snakemake", *targets, "--cores", str(cores)]
    subprocess.run(
        [*command, "--directory", str(workdir), "--configfile", str(config)],
        cwd=ROOT,
        check=True,
    )
    return workdir, time.perf_counter() - start


def naive_baselines(path: Path, seeds: Sequence[int]) -> list[dict]:
    """The naive pipeline's TF-IDF k-means and gensim LDA, k = K = the number of sections."""
    documents, labels = read_corpus(path)
    tokens = naive_tokens(documents)
    sections = len(set(labels))
    matrix, _, _ = tfidf.compute_tfidf(tokens, sublinear_tf=True, min_df=5, max_df=0.5)
    token_lists = [t for _, t in tokens]
    dictionary = engines.build_dictionary(token_lists, 5, 0.5, None)
    bow = [dictionary.doc2bow(t) for t in token_lists]
    rows = []
    for seed in seeds:
        predicted = clusters.cluster_documents(matrix, sections, "kmeans", seed)
        rows.append({"method": "naive_kmeans_tfidf", "seed": seed, **_scores(labels, predicted)})
        # gensim's own convergence threshold, not the project's auto: the naive pipeline.
        model = engines.fit_topic_model(
            bow,
            dictionary,
            sections,
            "gensim",
            random_state=seed,
            passes=10,
            iterations=200,
            gamma_threshold=engines.GENSIM_GAMMA_THRESHOLD,
        )
        topics = evaluation.argmax_topics(model.theta)
        rows.append({"method": "naive_lda_gensim", "seed": seed, **_scores(labels, topics)})
    return rows


def _scores(gold: Sequence[str], predicted) -> dict:
    scores = evaluation.label_scores(list(gold), predicted)
    return {m: scores[m] for m in METRICS}


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over the seeds per corpus and method."""
    groups = frame.groupby(["corpus", "method"], sort=False)
    table = groups.size().rename("seeds").to_frame()
    for metric in METRICS:
        table[f"{metric}_mean"] = groups[metric].mean()
        table[f"{metric}_sd"] = groups[metric].std(ddof=1)
    return table.reset_index()


def markdown(frame: pd.DataFrame, times: dict[str, float], load_at_start: str) -> str:
    lines = [
        "# The shipped defaults on labelled corpora",
        "",
        *harness.run_lines(load_at_start=load_at_start),
        "",
        "Each corpus ran with the shipped `config/config.yaml`, only its path and "
        "`label_from: parent_folder` changed (and every engine scored). Mean ± sd over the "
        f"seeds {', '.join(map(str, SEEDS))}. `kmeans_auto`: the clusters at the stage's k; "
        "`kmeans_auto_k<n>`: at k = the number of sections; `topics_<engine>`: the argmax "
        "topic at the chosen K; `topics_<engine>_k<n>`: at K = the number of sections; "
        "`naive_*`: the naive pipeline of the shared README, in the "
        "same run. Snakemake wall time (from a results folder that may hold earlier jobs): "
        + (
            ", ".join(f"{corpus} {seconds:.0f} s" for corpus, seconds in times.items())
            or "not measured (--skip-workflow)"
        )
        + ".",
        "",
    ]
    table = summary(frame)
    for corpus, part in table.groupby("corpus", sort=False):
        lines += [
            f"## {corpus}",
            "",
            "| method | NMI | ARI | V-measure |",
            "| --- | --- | --- | --- |",
        ]
        for row in part.itertuples():
            cells = [
                f"{getattr(row, f'{m}_mean'):.3f} ± {getattr(row, f'{m}_sd'):.3f}" for m in METRICS
            ]
            lines.append(f"| {row.method} | " + " | ".join(cells) + " |")
        lines += ["", *feature_choices(frame[frame["corpus"] == corpus]), ""]
    return "\n".join(lines)


def feature_choices(frame: pd.DataFrame) -> list[str]:
    """One line per clustering method: the feature space each seed chose, and where another
    was within the seeds' noise of it (an uncertain choice)."""
    lines = []
    if "features" not in frame:
        return lines
    chosen = frame[frame["features"].fillna("").astype(str) != ""]
    for method, part in chosen.groupby("method", sort=False):
        seeds = []
        for row in part.itertuples():
            close = "" if pd.isna(row.within_noise) else str(row.within_noise)
            note = f" (`{close}` within noise)" if close else ""
            seeds.append(f"seed {row.seed} `{row.features}`{note}")
        lines.append(f"Features chosen by `{method}`: " + "; ".join(seeds) + ".  ")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(LABELLED), choices=list(LABELLED))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--runs", type=Path, default=ROOT / "benchmarks" / "runs")
    parser.add_argument(
        "--skip-workflow",
        action="store_true",
        help="read the results already in the run folders (no Snakemake, no wall time)",
    )
    args = parser.parse_args(argv)
    load_at_start = harness.load_average()
    rows, times = [], {}
    for corpus in args.corpora:
        path = CORPORA / LABELLED[corpus]
        if args.skip_workflow:
            workdir = args.runs.resolve() / corpus
        else:
            workdir, times[corpus] = run_workflow(corpus, path, args.cores, args.runs.resolve())
        metrics = pd.read_csv(
            workdir / "results/07_evaluation/metrics.csv", dtype={c: str for c in CHOICES}
        )
        for record in metrics.to_dict("records"):
            choices = {c: "" if pd.isna(record.get(c)) else record[c] for c in CHOICES}
            scores = {k: record[k] for k in ("method", "seed", *METRICS)}
            rows.append({"corpus": corpus, **scores, **choices})
        rows += [{"corpus": corpus, **row} for row in naive_baselines(path, SEEDS)]
    frame = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "defaults_evaluation.csv", index=False)
    (args.out / "defaults_evaluation.md").write_text(
        markdown(frame, times, load_at_start), encoding="utf-8"
    )
    print(summary(frame).round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
