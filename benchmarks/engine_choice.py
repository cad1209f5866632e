"""Topic-model settings compared on a labelled run's own bag of words: the K each would choose,
its coherence, its argmax topics against the gold labels, and its CPU time per fit.

For a workflow run folder whose corpus has gold labels (``results/04_lda/bow`` and
``results/01_corpus/metadata.tsv``, e.g. a run of ``evaluate_defaults.py``), every setting
given with ``--setting NAME=JSON`` (keys of ``lda``: ``engine``, ``iterations``,
``sampling_iterations`` ...; the rest as in ``config/config.yaml``) is fitted at every K of the
run's own grid (``04_lda/model_selection.csv``) and at K = the number of gold labels, with each
seed of ``lda.random_seeds``, one fit after the other in this process. Per setting and K: mean
and sd of NPMI (the project's coherence), NMI of the argmax topic, CPU seconds per fit; and the
K that ``lda.select_rule`` would choose from the grid. The first setting is the peer: the CPU
time of the others is given as a ratio to it.

Outputs: ``benchmarks/results/engine_choice_<name>.csv`` (one row per fit) and ``.md``.

Run from the repository root, for example (hespress-4cat: about 15 minutes on 2 cores)::

    .venv/bin/python benchmarks/engine_choice.py --run benchmarks/runs/hespress-4cat \\
        --name hespress --setting 'shipped={}' --setting 'gensim_50={"iterations": 50}'
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

from arabic_news_topics.evaluation import core as evaluation
from arabic_news_topics.topics import coherence, engines, selection

ROOT = Path(__file__).resolve().parents[1]
#: The keys of ``lda`` that engines.fit_topic_model takes: its settings after the corpus,
#: K and seed (the guided prior is not a key of ``lda``).
FIT_KEYS = tuple(
    name
    for name in inspect.signature(engines.fit_topic_model).parameters
    if name not in {"bow", "dictionary", "num_topics", "random_state", "prior"}
)


def fit_rows(data: dict, name: str, settings: dict, ks: Sequence[int], seeds) -> list[dict]:
    """One row per K and seed: NPMI, the argmax topic's NMI and ARI, CPU seconds."""
    dictionary, bow, token_ids, gold = (
        data[key] for key in ("dictionary", "bow", "token_ids", "gold")
    )
    rows = []
    for k in ks:
        for seed in seeds:
            start = time.process_time()
            model = engines.fit_topic_model(bow, dictionary, k, random_state=seed, **settings)
            cpu = time.process_time() - start
            npmi = coherence.coherence_scores(model.phi, token_ids, dictionary, bow)["c_npmi"]
            scores = evaluation.label_scores(gold, evaluation.argmax_topics(model.theta))
            row = {"setting": name, "num_topics": k, "seed": seed, "cpu_s": round(cpu, 2)}
            rows.append({**row, "c_npmi": npmi, "nmi": scores["nmi"], "ari": scores["ari"]})
            print(rows[-1], flush=True)
    return rows


def run_data(run: Path) -> dict:
    """The run's bag of words (read once, for every setting), token ids and gold labels."""
    folder = run / "results/04_lda/bow"
    dictionary, corpus, doc_ids = engines.load_bow(folder)
    meta = pd.read_csv(run / "results/01_corpus/metadata.tsv", sep="\t", dtype=str)
    return {
        "dictionary": dictionary,
        "bow": list(corpus),
        "token_ids": coherence.load_token_ids(folder),
        "gold": meta.set_index("doc_id").loc[doc_ids, "label"].tolist(),
    }


def summary(frame: pd.DataFrame, grid: Sequence[int], rule: str) -> tuple[pd.DataFrame, dict]:
    """Mean and sd per setting and K, and the K each setting's NPMI chooses from ``grid``."""
    table = (
        frame.groupby(["setting", "num_topics"], sort=False)
        .agg(
            runs=("c_npmi", "size"),
            c_npmi_mean=("c_npmi", "mean"),
            c_npmi_sd=("c_npmi", "std"),
            nmi_mean=("nmi", "mean"),
            nmi_sd=("nmi", "std"),
            cpu_s=("cpu_s", "mean"),
        )
        .reset_index()
    )
    chosen = {}
    for setting, part in table.groupby("setting", sort=False):
        on_grid = part[part["num_topics"].isin(grid)]
        chosen[setting] = selection.num_topics_choice(on_grid, "c_npmi", rule).num_topics
    return table, chosen


def markdown(table: pd.DataFrame, chosen: dict, run: Path, labels: int, load: str) -> str:
    peer = table["setting"].iloc[0]
    peer_cpu = table[table["setting"] == peer].set_index("num_topics")["cpu_s"]
    rows = []
    for row in table.itertuples():
        rows.append(
            {
                "setting": row.setting,
                "K": f"{row.num_topics}"
                + (" (chosen)" if chosen[row.setting] == row.num_topics else ""),
                "NPMI": f"{row.c_npmi_mean:.3f} ± {row.c_npmi_sd:.3f}",
                "argmax NMI": f"{row.nmi_mean:.3f} ± {row.nmi_sd:.3f}",
                "CPU s per fit": harness.fmt(row.cpu_s),
                "CPU vs peer": f"{row.cpu_s / peer_cpu[row.num_topics]:.2f}×",
            }
        )
    return "\n".join(
        [
            f"# Topic-model settings on {run.name}",
            "",
            *harness.run_lines(load_at_start=load),
            "",
            f"Each setting fitted at the run's K grid and at K = {labels} (the number of gold "
            f"labels), with every seed of `lda.random_seeds`, one fit after the other; mean ± sd "
            f"over the seeds. `(chosen)`: the K `lda.select_rule` takes from the grid by NPMI. "
            f"Peer: `{peer}`.",
            "",
            harness.markdown_table(
                rows, right=("NPMI", "argmax NMI", "CPU s per fit", "CPU vs peer")
            ),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--setting", action="append", required=True, help="NAME=JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    load = harness.load_average()
    lda = harness.project_config()["lda"]
    grid = pd.read_csv(args.run / "results/04_lda/model_selection.csv")["num_topics"].tolist()
    data = run_data(args.run)
    labels = len(set(data["gold"]))
    ks = sorted({*grid, labels})
    rows = []
    for given in args.setting:
        name, _, text = given.partition("=")
        settings = {key: lda[key] for key in FIT_KEYS} | json.loads(text or "{}")
        rows += fit_rows(data, name, settings, ks, lda["random_seeds"])
    frame = pd.DataFrame(rows)
    table, chosen = summary(frame, grid, lda["select_rule"])
    harness.write_results(
        args.out,
        f"engine_choice_{args.name}",
        frame,
        markdown(table, chosen, args.run.resolve(), labels, load),
    )
    print(table.round(3).to_string(), "\nchosen:", chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
