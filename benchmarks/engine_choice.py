"""Topic-model settings compared on a run's own bag of words: the K each would choose, its
coherence, its argmax topics against the gold labels, and its CPU time per fit.

For a workflow run folder (``results/04_lda/bow`` and ``results/01_corpus/metadata.tsv``, e.g.
a run of ``evaluate_defaults.py``), every setting given with ``--setting NAME=JSON`` (keys of
``lda``: ``engine``, ``iterations``, ``sampling_iterations`` ...; ``no_below``, ``no_above``
and ``keep_n`` filter the run's vocabulary first; the rest as in ``config/config.yaml``) is
fitted at every K of the run's own grid (``04_lda/model_selection.csv``) and at K = the number
of gold labels, or at the Ks of ``--num-topics`` alone, with each seed of ``lda.random_seeds``
(or ``--seeds``), one fit after the other in this process. Per setting and K: mean and sd of
NPMI (the project's coherence), NMI of the argmax topic (where the corpus has gold labels), CPU
seconds per fit; and, from a whole grid, the K that ``lda.select_rule`` would choose. The first
setting is the peer: the CPU time and NPMI of the others are given as ratios to it.

Topic quality per second (issue 17: the shipped engine against tomotopy's 1,000 sweeps at
K = 20 on SaudiNewsNet, beside scikit-learn's LDA), on the bag of words of a run of
``config/saudinewsnet.yaml`` (built up to ``results/04_lda/bow/corpus.mm``)::

    .venv/bin/python benchmarks/engine_choice.py --run RUN --name quality_per_second \
        --num-topics 20 --setting 'tomotopy_1000={"engine": "tomotopy",
        "sampling_iterations": 1000}' --setting 'shipped={}' ...

Outputs: ``benchmarks/results/engine_choice_<name>.csv`` (one row per fit) and ``.md``.

Run from the repository root, for example (hespress-4cat: about 15 minutes on 2 cores)::

    .venv/bin/python benchmarks/engine_choice.py --run benchmarks/runs/hespress-4cat \\
        --name hespress --setting 'shipped={}' --setting 'gensim_50={"iterations": 50}'
"""

from __future__ import annotations

import argparse
import copy
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


#: Keys of ``lda`` that filter the run's vocabulary (``build_dictionary``) before the fits.
VOCABULARY_KEYS = ("no_below", "no_above", "keep_n")


def filtered_bag(data: dict, filters: dict) -> tuple:
    """The run's dictionary and bag of words filtered as ``build_dictionary`` would with
    ``filters`` (keys of :data:`VOCABULARY_KEYS`), and the filtered words' ids in the run's
    dictionary (so that a topic's words can be scored on the run's own token ids)."""
    import numpy as np

    dictionary = data["dictionary"]
    if not filters:
        return dictionary, data["bow"], np.arange(len(dictionary))
    settings = {key: filters.get(key, data["lda"][key]) for key in VOCABULARY_KEYS}
    # The shipped no_below may be auto, which filter_extremes cannot take.
    settings["no_below"] = engines.resolve_no_below(settings["no_below"], dictionary.num_docs)
    filtered = copy.deepcopy(dictionary)
    filtered.filter_extremes(**settings)
    # filter_extremes keeps the surviving words in their old order, numbered from 0.
    kept = np.array([dictionary.token2id[filtered[i]] for i in range(len(filtered))])
    new_id = {old: new for new, old in enumerate(kept.tolist())}
    bow = [[(new_id[i], c) for i, c in bag if i in new_id] for bag in data["bow"]]
    return filtered, bow, kept


def fit_rows(data: dict, name: str, settings: dict, ks: Sequence[int], seeds) -> list[dict]:
    """One row per K and seed: NPMI, the argmax topic's NMI and ARI (NaN without gold
    labels), CPU seconds. Settings of :data:`VOCABULARY_KEYS` fit on a filtered vocabulary;
    NPMI is counted on the run's own tokens either way."""
    import numpy as np

    token_ids, gold = data["token_ids"], data["gold"]
    filters = {key: settings.pop(key) for key in VOCABULARY_KEYS if key in settings}
    dictionary, bow, kept = filtered_bag(data, filters)
    rows = []
    for k in ks:
        for seed in seeds:
            start = time.process_time()
            model = engines.fit_topic_model(bow, dictionary, k, random_state=seed, **settings)
            cpu = time.process_time() - start
            phi = np.zeros((model.phi.shape[0], len(data["dictionary"])))
            phi[:, kept] = model.phi
            npmi = coherence.coherence_scores(phi, token_ids, data["dictionary"], data["bow"])[
                "c_npmi"
            ]
            scores = (
                evaluation.label_scores(gold, evaluation.argmax_topics(model.theta))
                if gold
                else {"nmi": float("nan"), "ari": float("nan")}
            )
            row = {"setting": name, "engine": settings.get("engine", "gensim")}
            row |= {"num_topics": k, "seed": seed, "cpu_s": round(cpu, 2)}
            rows.append({**row, "c_npmi": npmi, "nmi": scores["nmi"], "ari": scores["ari"]})
            print(rows[-1], flush=True)
    return rows


def run_data(run: Path) -> dict:
    """The run's bag of words (read once, for every setting), token ids, gold labels (None
    where the corpus has fewer than two distinct labels) and its median document's words
    (``corpus_summary.csv``, for ``lda.engine: auto``; None without it)."""
    folder = run / "results/04_lda/bow"
    dictionary, corpus, doc_ids = engines.load_bow(folder)
    meta = pd.read_csv(run / "results/01_corpus/metadata.tsv", sep="\t", dtype=str)
    labels = meta.set_index("doc_id").reindex(doc_ids).get("label")
    gold = None if labels is None or labels.nunique() < 2 else labels.tolist()
    summary = run / "results/01_corpus/corpus_summary.csv"
    median_words = engines.corpus_median_words(summary) if summary.exists() else None
    return {
        "median_words": median_words,
        "lda": harness.project_config()["lda"],
        "dictionary": dictionary,
        "bow": list(corpus),
        "token_ids": coherence.load_token_ids(folder),
        "gold": gold,
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
        if not on_grid.empty:
            chosen[setting] = selection.num_topics_choice(on_grid, "c_npmi", rule).num_topics
    return table, chosen


def markdown(
    table: pd.DataFrame, chosen: dict, run: Path, labels: int | None, load: str, ks_given: bool
) -> str:
    peer = table["setting"].iloc[0]
    by_k = table[table["setting"] == peer].set_index("num_topics")
    rows = []
    for row in table.itertuples():
        rows.append(
            {
                "setting": row.setting,
                "K": f"{row.num_topics}"
                + (" (chosen)" if chosen.get(row.setting) == row.num_topics else ""),
                "NPMI": f"{row.c_npmi_mean:.3f} ± {row.c_npmi_sd:.3f}",
                "NPMI vs peer": f"{row.c_npmi_mean / by_k['c_npmi_mean'][row.num_topics]:.2f}×",
                "argmax NMI": "" if labels is None else f"{row.nmi_mean:.3f} ± {row.nmi_sd:.3f}",
                "CPU s per fit": harness.fmt(row.cpu_s),
                "CPU vs peer": f"{row.cpu_s / by_k['cpu_s'][row.num_topics]:.2f}×",
            }
        )
    if ks_given:
        fitted = "Each setting fitted at the Ks given (`--num-topics`)"
    else:
        labelled = "" if labels is None else f" and at K = {labels} (the number of gold labels)"
        fitted = f"Each setting fitted at the run's K grid{labelled}"
    chosen_note = (
        " `(chosen)`: the K `lda.select_rule` takes from the grid by NPMI." if chosen else ""
    )
    return "\n".join(
        [
            f"# Topic-model settings on {run.name}",
            "",
            *harness.run_lines(load_at_start=load),
            "",
            f"{fitted}, with every seed, one fit after the other in one process; mean ± sd over "
            f"the seeds; CPU s is the fit alone (not its coherence).{chosen_note} Peer: "
            f"`{peer}`." + ("" if labels else " The corpus has no gold labels: no argmax NMI."),
            "",
            harness.markdown_table(
                rows,
                right=("NPMI", "NPMI vs peer", "argmax NMI", "CPU s per fit", "CPU vs peer"),
            ),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--setting", action="append", required=True, help="NAME=JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--num-topics", type=int, nargs="+", help="fit these Ks only (default: the run's grid)"
    )
    parser.add_argument("--seeds", type=int, nargs="+", help="default: lda.random_seeds")
    args = parser.parse_args(argv)
    load = harness.load_average()
    lda = harness.project_config()["lda"]
    data = run_data(args.run)
    labels = len(set(data["gold"])) if data["gold"] else None
    if args.num_topics:
        grid, ks = [], sorted(set(args.num_topics))
    else:
        selection_csv = args.run / "results/04_lda/model_selection.csv"
        grid = pd.read_csv(selection_csv)["num_topics"].tolist()
        ks = sorted({*grid, labels} - {None})
    rows = []
    for given in args.setting:
        name, _, text = given.partition("=")
        settings = {key: lda[key] for key in FIT_KEYS} | json.loads(text or "{}")
        # lda.engine auto: the engine the workflow would fit to this run's corpus.
        settings["engine"], _ = engines.resolve_engine(
            settings["engine"], data["median_words"], lda["short_document_words"]
        )
        rows += fit_rows(data, name, settings, ks, args.seeds or lda["random_seeds"])
    frame = pd.DataFrame(rows)
    table, chosen = summary(frame, grid, lda["select_rule"])
    harness.write_results(
        args.out,
        f"engine_choice_{args.name}",
        frame,
        markdown(table, chosen, args.run.resolve(), labels, load, bool(args.num_topics)),
    )
    print(table.round(3).to_string(), "\nchosen:", chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
