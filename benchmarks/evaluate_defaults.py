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

``--held-out-sized DRAW [DRAW ...]`` adds, for each draw (its random seed), one corpus of
the size of the held-out corpora the validity issue scores (four sections, 1,850 articles at
most) from each labelled corpus: four of antms-6cat's six sections, hespress-4cat's four, the
articles drawn at random (``held_out_sized``), each written as a folder-per-section
``.tar.gz`` in its run folder and run through the whole workflow like the others (results
named ``defaults_evaluation_held_out_sized``). It asks of the whole chain (the engine that
``lda.engine: auto`` takes, the chosen K, the clusters' space) what the sub-corpora of
``feature_choice_subsets.py`` ask of the clusters alone.
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
import tarfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
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
#: The held-out corpora's shape (validity issue): sections and most articles.
HELD_OUT_SECTIONS = 4
HELD_OUT_DOCUMENTS = 1850
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


def held_out_sized(
    source: Path,
    target: Path,
    draw: int,
    n_sections: int = HELD_OUT_SECTIONS,
    max_documents: int = HELD_OUT_DOCUMENTS,
) -> list[str]:
    """Write to ``target`` (a folder-per-section ``.tar.gz``) ``n_sections`` sections of the
    labelled corpus ``source`` drawn at random with the seed ``draw``, and at most
    ``max_documents`` of their articles drawn at random; the same draw gives the same bytes,
    and an unchanged file is not written again. Returns the sections, sorted."""
    with tarfile.open(source) as archive:
        members = sorted(
            (m for m in archive.getmembers() if m.isfile() and m.name.endswith(".txt")),
            key=lambda m: m.name,
        )
        sections = np.array([Path(m.name).parent.name for m in members])
        rng = np.random.default_rng(draw)
        chosen = sorted(rng.choice(sorted(set(sections)), n_sections, replace=False).tolist())
        positions = np.flatnonzero(np.isin(sections, chosen))
        size = min(max_documents, len(positions))
        positions = np.sort(rng.choice(positions, size, replace=False))
        folder = target.name.removesuffix(".tar.gz")
        buffer = io.BytesIO()
        # Fixed times and the sorted order: the same draw gives the same bytes.
        with (
            gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed,
            tarfile.open(fileobj=packed, mode="w") as out,
        ):
            for i in positions:
                data = archive.extractfile(members[i]).read()
                member = tarfile.TarInfo(f"{folder}/{sections[i]}/{Path(members[i].name).name}")
                member.size, member.mtime = len(data), 0
                out.addfile(member, io.BytesIO(data))
    # Written only when new, so that a rerun of the benchmark keeps Snakemake's results.
    if not target.exists() or target.read_bytes() != buffer.getvalue():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buffer.getvalue())
    return chosen


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


def markdown(
    frame: pd.DataFrame, times: dict[str, float], load_at_start: str, sized: bool = False
) -> str:
    lines = [
        "# The shipped defaults on labelled corpora"
        + (" of the held-out corpora's size" if sized else ""),
        "",
        *harness.run_lines(load_at_start=load_at_start),
        "",
        *(
            [
                f"Each corpus: {HELD_OUT_SECTIONS} sections of a labelled corpus drawn at "
                f"random (the draw is the seed) and at most {HELD_OUT_DOCUMENTS:,} of their "
                "articles, the shape of the held-out corpora of the validity issue "
                "(`held_out_sized`).",
                "",
            ]
            if sized
            else []
        ),
        "Each corpus ran with the shipped `config/config.yaml`, only its path and "
        "`label_from: parent_folder` changed (and every engine scored). Mean ± sd over the "
        f"seeds {', '.join(map(str, SEEDS))}. `kmeans_auto`: the clusters at the stage's k; "
        "`kmeans_auto_k<n>`: at k = the number of sections; `kmeans_<space>`: each "
        "candidate space's own clusters (what `cluster.features: <space>` gives); "
        "`topics_<engine>`: the argmax "
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


def corpora(
    names: Sequence[str], draws: Sequence[int] | None, runs: Path
) -> list[tuple[str, Path]]:
    """``(name, path)`` of each corpus to run: the labelled corpora ``names`` whole, or, for
    each of ``draws``, one held-out-sized corpus of each, written under ``runs`` (once: its
    name, ``<corpus>-draw<draw>: <sections>``, starts with its run folder's)."""
    if not draws:
        return [(name, CORPORA / LABELLED[name]) for name in names]
    chosen = []
    for draw in draws:
        for name in names:
            folder = f"{name}-draw{draw}"
            target = runs / folder / f"{folder}.tar.gz"
            sections = held_out_sized(CORPORA / LABELLED[name], target, draw)
            chosen.append((f"{folder}: {', '.join(sections)}", target))
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(LABELLED), choices=list(LABELLED))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--runs", type=Path, default=ROOT / "benchmarks" / "runs")
    parser.add_argument(
        "--held-out-sized",
        type=int,
        nargs="+",
        metavar="DRAW",
        help="in place of the whole corpora, one held-out-sized corpus of each per draw",
    )
    parser.add_argument(
        "--skip-workflow",
        action="store_true",
        help="read the results already in the run folders (no Snakemake, no wall time)",
    )
    args = parser.parse_args(argv)
    load_at_start = harness.load_average()
    runs = args.runs.resolve()
    rows, times = [], {}
    for corpus, path in corpora(args.corpora, args.held_out_sized, runs):
        if args.skip_workflow:
            workdir = runs / corpus.split(":")[0]
        else:
            workdir, times[corpus] = run_workflow(corpus.split(":")[0], path, args.cores, runs)
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
    name = "defaults_evaluation" + ("_held_out_sized" if args.held_out_sized else "")
    frame.to_csv(args.out / f"{name}.csv", index=False)
    (args.out / f"{name}.md").write_text(
        markdown(frame, times, load_at_start, sized=bool(args.held_out_sized)), encoding="utf-8"
    )
    print(summary(frame).round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
