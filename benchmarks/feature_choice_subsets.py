"""How often does the label-free choice of the cluster features pick the better space?

``cluster.features: auto`` chooses between the LSA of TF-IDF (``lsa``) and of TF without IDF
(``lsa_no_idf``) by the stability of their k-means partitions across seeds (stage 5,
``clusters.core.feature_stability_table``). On the two whole labelled corpora it picks the
space that matches the sections better. This benchmark asks the harder question: on many
corpora it was not chosen on. It draws sub-corpora of the labelled corpora (every third
or fourth of their sections, 1,850 articles at most: the size of the held-out corpus the
validity issue reports), computes stage 3's TF-IDF on each with the shipped settings, and
runs stage 5's procedure (``cluster_with_settings``, shipped ``cluster`` settings, k = the
number of sections). For each sub-corpus: the NMI of every candidate, its stability, the
space the rule chose, and its regret (best NMI minus the chosen one's); and the stage's own
partition (the chosen space's medoid run) before and after its refinement on word counts
(``cluster.refine_iterations``, ``clusters.core.refine_partition``).

Needs the normalized tokens of each corpus: ``results/02_normalize/tokens.jsonl`` of a run of
the workflow on it (``evaluate_defaults.py`` makes them, under ``--runs``); labels are the
section folder in each document id. Writes ``feature_choice_subsets.{csv,md}`` in
``benchmarks/results`` (or ``--out``)::

    .venv/bin/python benchmarks/feature_choice_subsets.py --runs benchmarks/runs

``--design large`` takes every article of two to five of antms-6cat's sections (about 3,700
to 9,200; three sub-corpora of each), and ``--dmm-max-tokens N`` moves the DMM candidate's
limit (results named ``_dmm_max_<N>``; the large design's were measured with the earlier limit
in documents, ``_dmm_max_20000``).
``--design wide --draws 0 1 2 3`` asks the same of 112 other sub-corpora (two to four
sections, four draws; ``feature_choice_subsets_wide.{csv,md}``; 39 minutes at fc075ae, one
BLAS thread, most of it the numpy DMM sampler's fits, compiled since b5fb952 (about 5 minutes
at ce4f6db on the 2-CPU Intel Xeon); the large design's
three draws took 7 minutes there: about 5 minutes with the two LSA
candidates alone, ``--auto-features lsa lsa_no_idf``, whose results are named
``_without_dmm``), and every report sets the rule beside an alternative (the first candidate
unless another is more stable by :data:`MARGIN_SE` standard errors) and beside each space
used always. ``--random-states 42 7 2024`` runs each sub-corpus at each random state of the
stage and adds the sd of its NMI over them (what the validity issue bounds), and
``--stability-runs N`` compares another ``cluster.stability_runs``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.evaluation import core as evaluation
from arabic_news_topics.tfidf import core as tfidf

ROOT = Path(__file__).resolve().parents[1]
#: (corpus, sections per sub-corpus, how many sub-corpora) of each ``--design``. ``standard``
#: adds the whole corpora; ``wide`` also draws sub-corpora of two sections, and is meant for
#: several ``--draws`` (other sub-corpora, other documents).
DESIGNS = {
    "standard": (("hespress-4cat", 3, 4), ("antms-6cat", 4, 6), ("antms-6cat", 3, 4)),
    "wide": (
        ("hespress-4cat", 3, 4),
        ("hespress-4cat", 2, 6),
        ("antms-6cat", 4, 6),
        ("antms-6cat", 3, 6),
        ("antms-6cat", 2, 6),
    ),
    # Whole sections of antms-6cat (about 3,700 to 9,200 articles; hespress-4cat has only
    # 2,267 in all): does what the stage chooses at 1,850 articles hold at larger sizes?
    "large": tuple(("antms-6cat", n_sections, 3) for n_sections in (2, 3, 4, 5)),
}
#: The most articles of a sub-corpus (drawn at random from its sections) by design; None:
#: every article of its sections.
MAX_DOCUMENTS = {"standard": 1850, "wide": 1850, "large": None}
#: Standard errors of the alternative rule the report compares with the shipped one: the
#: first candidate unless another is more stable by more than this many standard errors
#: of the difference (each candidate's standard error: the sd of its pairs' adjusted Rand
#: indices over the square root of the pairs).
MARGIN_SE = 2.0


def shipped_settings() -> tuple[dict, dict]:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    vectorizer = {
        key: config["tfidf"][key]
        for key in ("min_df", "max_df", "max_features", "sublinear_tf", "use_idf")
    }
    vectorizer["ngram_range"] = tuple(config["tfidf"]["ngram_range"])
    # The dmm candidate's fits are the dmm engine's, with the candidate's sweeps
    # (cluster.dmm_iterations) and the engine's restarts (stage 5 reads them from lda).
    return {**config["cluster"], "dmm_restarts": config["lda"]["dmm_restarts"]}, vectorizer


def corpus_family(names: pd.Series) -> pd.Series:
    """The labelled corpus each (sub-)corpus name of :func:`sub_corpora` comes from."""
    return names.str.split(":| ", regex=True).str[0]


def read_tokens(runs: Path, corpus: str) -> list[dict]:
    """Stage 2's documents (``doc_id``, ``tokens``) of the run of ``corpus`` under ``runs``."""
    path = runs / corpus / "results" / "02_normalize" / "tokens.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sub_corpora(runs: Path, design: str, draws: list[int]):
    """Yield ``(draw, name, tokens, labels)`` of every sub-corpus of ``design`` for each
    draw (its random seed): ``tokens`` as ``(doc_id, tokens)`` pairs, ``labels`` the section
    folder in each document id. The ``standard`` design adds the whole corpora (first draw).
    """
    tokens_by_corpus = {}
    for draw in draws:
        for corpus, n_sections, n_subsets in DESIGNS[design]:
            if corpus not in tokens_by_corpus:
                tokens_by_corpus[corpus] = read_tokens(runs, corpus)
            docs = tokens_by_corpus[corpus]
            labels = np.array([d["doc_id"].split("/")[1] for d in docs])
            rng = np.random.default_rng(draw)
            combos = list(itertools.combinations(sorted(set(labels)), n_sections))
            rng.shuffle(combos)
            for combo in combos[:n_subsets]:
                positions = np.flatnonzero(np.isin(labels, combo))
                size = min(MAX_DOCUMENTS[design] or len(positions), len(positions))
                positions = np.sort(rng.choice(positions, size, replace=False))
                tokens = [(docs[i]["doc_id"], docs[i]["tokens"]) for i in positions]
                yield draw, f"{corpus}: {', '.join(combo)}", tokens, labels[positions]
            whole = (corpus, n_sections) in (("hespress-4cat", 3), ("antms-6cat", 4))
            if design == "standard" and whole and draw == draws[0]:
                tokens = [(d["doc_id"], d["tokens"]) for d in docs]
                yield draw, f"{corpus} (whole)", tokens, labels


def stage_inputs(tokens: list, vectorizer: dict):
    """Stage 3's TF-IDF matrix of a sub-corpus and its word counts (the stage's inputs; the
    same at every random state, so computed once per sub-corpus)."""
    matrix, _, terms = tfidf.compute_tfidf(tokens, **vectorizer)
    counts = tfidf.term_counts([words for _, words in tokens], terms, vectorizer["ngram_range"])
    return matrix, counts


def evaluate(
    name: str,
    inputs: tuple,
    labels: np.ndarray,
    settings: dict,
    vectorizer: dict,
    random_state: int = 42,
):
    matrix, counts = inputs
    k = len(set(labels))
    n_tokens = int(counts.sum())
    # The stage's own choice (the dmm candidate only up to its size limit, and only where
    # it fills the k clusters).
    choice = clusters.feature_choice(
        matrix,
        settings,
        [k],
        random_state,
        vectorizer["use_idf"],
        counts=counts,
        dmm_iterations=settings["dmm_iterations"],
        dmm_restarts=settings["dmm_restarts"],
    )
    partitions, left_out, table = choice["partitions"], choice["left_out"], choice["stability"]
    # The candidates kept, in cluster.auto_features' order.
    names = list(dict.fromkeys(name for name, _ in partitions))
    chosen = clusters.chosen_features(table)
    row = {"corpus": name, "documents": len(labels), "tokens": n_tokens, "sections": k}
    row["chosen"] = chosen
    # The rule before cluster.stability_tolerance: the most stable, ties to the earlier.
    row["chosen_without_tolerance"] = clusters.chosen_features(
        clusters.feature_stability_table(partitions)
    )
    row["left_out"] = ", ".join(left_out)
    # Whether the stage would call its choice uncertain (another space within the noise).
    row["within_noise"] = bool(clusters.features_within_noise(table))
    errors = {}
    for feature in names:
        runs = partitions[feature, k]
        scores = [evaluation.label_scores(list(labels), p)["nmi"] for p in runs]
        row[f"nmi_{feature}"] = float(np.mean(scores))
        line = table.loc[table["features"] == feature].iloc[0]
        row[f"stability_{feature}"] = float(line["stability"])
        row[f"stability_sd_{feature}"] = float(line["stability_sd"])
        errors[feature] = float(line["stability_se"])  # the stage's (one k here)
    best = max(row[f"nmi_{f}"] for f in names)
    row["regret"] = best - row[f"nmi_{chosen}"]
    row["regret_without_tolerance"] = best - row[f"nmi_{row['chosen_without_tolerance']}"]
    # The alternative rule: the first candidate unless another is clearly more stable.
    first = names[0]
    clearly = [
        f
        for f in names[1:]
        if row[f"stability_{f}"] - row[f"stability_{first}"]
        > MARGIN_SE * np.hypot(errors[f], errors[first])
    ]
    margin_choice = max(clearly, key=lambda f: row[f"stability_{f}"]) if clearly else first
    row["chosen_with_margin"] = margin_choice
    row["regret_with_margin"] = best - row[f"nmi_{margin_choice}"]
    for feature in settings["auto_features"]:
        if feature in names:
            row[f"regret_always_{feature}"] = best - row[f"nmi_{feature}"]
    # The stage's partition, then refined as the stage refines it.
    medoid = clusters.medoid_partition(partitions[chosen, k])
    refined = clusters.refine_partition(counts, medoid, settings["refine_iterations"])
    row["nmi_stage"] = evaluation.label_scores(list(labels), medoid)["nmi"]
    row["nmi_refined"] = evaluation.label_scores(list(labels), refined)["nmi"]
    row["refined_documents"] = int((refined != medoid).sum())
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, default=ROOT / "benchmarks" / "runs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--design", choices=sorted(DESIGNS), default="standard")
    parser.add_argument(
        "--draws",
        type=int,
        nargs="+",
        default=[0],
        help="random seeds of the draw of the sub-corpora (each gives other ones)",
    )
    parser.add_argument(
        "--refine-iterations",
        type=int,
        default=None,
        help="cluster.refine_iterations instead of the shipped one (to compare)",
    )
    parser.add_argument(
        "--auto-features",
        nargs="+",
        default=None,
        help="cluster.auto_features instead of the shipped ones (to compare; the results' "
        "file names get _without_dmm when dmm is not among them but is shipped)",
    )
    parser.add_argument(
        "--dmm-max-tokens",
        type=int,
        default=None,
        help="cluster.dmm_max_tokens instead of the shipped one (to compare; the "
        "results' file names get _dmm_max_<N>)",
    )
    parser.add_argument(
        "--random-states",
        type=int,
        nargs="+",
        default=[42],
        help="the stage's random_state (each sub-corpus is run at each; with several, the "
        "summary gives the sd of the stage's NMI over them; file names get "
        "_random_states_<n>_...)",
    )
    parser.add_argument(
        "--stability-runs",
        type=int,
        default=None,
        help="cluster.stability_runs instead of the shipped one (to compare; file names get "
        "_stability_runs_<n>)",
    )
    args = parser.parse_args(argv)
    load = harness.load_average()
    settings, vectorizer = shipped_settings()
    shipped_limit = settings["dmm_max_tokens"]
    if args.dmm_max_tokens is not None:
        settings["dmm_max_tokens"] = args.dmm_max_tokens
    if args.refine_iterations is not None:
        settings["refine_iterations"] = args.refine_iterations
    shipped_runs = settings["stability_runs"]
    if args.stability_runs is not None:
        settings["stability_runs"] = args.stability_runs
    shipped = list(settings["auto_features"])
    if args.auto_features is not None:
        settings["auto_features"] = args.auto_features
    rows = []
    for draw, name, tokens, labels in sub_corpora(args.runs, args.design, args.draws):
        inputs = stage_inputs(tokens, vectorizer)
        for random_state in args.random_states:
            row = evaluate(name, inputs, labels, settings, vectorizer, random_state)
            rows.append({"draw": draw, "random_state": random_state, **row})
            print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    frame["refinement_gain"] = frame["nmi_refined"] - frame["nmi_stage"]
    stem = "feature_choice_subsets" + ("" if args.design == "standard" else f"_{args.design}")
    if "dmm" in shipped and "dmm" not in settings["auto_features"]:
        stem += "_without_dmm"
    if settings["dmm_max_tokens"] != shipped_limit:
        stem += f"_dmm_max_{settings['dmm_max_tokens']}"
    if settings["stability_runs"] != shipped_runs:
        stem += f"_stability_runs_{settings['stability_runs']}"
    if args.random_states != [42]:
        stem += "_random_states_" + "_".join(map(str, args.random_states))
    table = frame.copy()
    names = settings["auto_features"]
    family = corpus_family(frame["corpus"])
    if args.design != "standard":
        family = family + ", " + frame["sections"].astype(str) + " sections"
    frame["family"] = family
    summary = frame.groupby("family").agg(
        corpora=("corpus", "size"),
        chose_best=("regret", lambda r: int((r <= 1e-9).sum())),
        mean_regret=("regret", "mean"),
        within_noise=("within_noise", "sum"),
        chose_best_within_noise=(
            "regret",
            lambda r: int(((r <= 1e-9) & frame.loc[r.index, "within_noise"]).sum()),
        ),
        mean_regret_without_tolerance=("regret_without_tolerance", "mean"),
        mean_regret_with_margin=("regret_with_margin", "mean"),
        **{f"mean_regret_always_{f}": (f"regret_always_{f}", "mean") for f in names},
        **{f"mean_nmi_{f}": (f"nmi_{f}", "mean") for f in names},
        mean_nmi_stage=("nmi_stage", "mean"),
        mean_nmi_refined=("nmi_refined", "mean"),
        refined_better=("refinement_gain", lambda r: int((r > 1e-9).sum())),
        refined_worse=("refinement_gain", lambda r: int((r < -1e-9).sum())),
    )
    if len(args.random_states) > 1:
        # What the validity issue bounds: the spread of the stage's NMI over the seeds.
        spread = frame.groupby(["draw", "corpus"], sort=False)["nmi_refined"].std(ddof=0)
        families = frame.groupby(["draw", "corpus"], sort=False)["family"].first()
        summary["mean_seed_sd"] = spread.groupby(families).mean()
        summary["seed_sd_over_0.02"] = (spread > 0.02).groupby(families).sum().astype(int)
    chosen_nmi = [row[f"nmi_{row['chosen']}"] for _, row in frame.iterrows()]
    summary["mean_nmi_chosen"] = (
        pd.Series(chosen_nmi, index=frame.index).groupby(frame["family"]).mean()
    )
    limit = MAX_DOCUMENTS[args.design]
    size_text = f"at most {limit:,} articles" if limit else "every article of their sections"
    lines = [
        "# The label-free choice of the cluster features on sub-corpora",
        "",
        *harness.run_lines(load_at_start=load),
        "",
        "Shipped `cluster` settings (`features: auto` among "
        f"{', '.join(f'`{n}`' for n in names)}, chosen by stability, the first kept within "
        f"{settings['stability_tolerance']:g} of the most stable: `cluster.stability_tolerance`), "
        "k = the number of "
        f"sections, sub-corpora of {size_text} drawn from the labelled corpora "
        f"(`benchmarks/feature_choice_subsets.py`); `dmm` a candidate up to "
        f"{settings['dmm_max_tokens']:,} word tokens (`cluster.dmm_max_tokens`, shipped "
        f"{shipped_limit:,}). NMI: mean over the "
        f"{settings['stability_runs']} runs of each space (k-means seeds, DMM fits). "
        "`nmi_stage`: the stage's "
        "partition (the chosen space's medoid run); `nmi_refined`: that partition after "
        f"{settings['refine_iterations']} EM iteration(s) of the refinement on word counts "
        "(`cluster.refine_iterations`); `refined_better`/`refined_worse`: sub-corpora where "
        "the refinement raised/lowered the NMI. `mean_regret`: the best space's NMI minus "
        "the chosen one's; `within_noise`: sub-corpora where the stage would call its choice "
        "uncertain (another space as stable within two standard errors, with other "
        "clusters), `chose_best_within_noise`: of those, where it chose the better space; "
        "`_without_tolerance`: had the most stable always been chosen (ties to the earlier: "
        "the rule before `cluster.stability_tolerance`); "
        "`_with_margin`: had the first candidate been kept unless another "
        f"were more stable by more than {MARGIN_SE:g} standard errors of the difference "
        "(an alternative rule, not the shipped one); `_always_<space>`: had that space "
        f"always been used. Draws of the sub-corpora: {', '.join(map(str, args.draws))} "
        f"(design `{args.design}`). Random states of the stage: "
        f"{', '.join(map(str, args.random_states))} (each row one sub-corpus at one; "
        "`corpora` counts rows; `mean_seed_sd`, `seed_sd_over_0.02`: the sd of `nmi_refined` "
        "over the random states of each sub-corpus, where there are several).",
        "",
        "## Summary",
        "",
        summary.reset_index().to_markdown(index=False, floatfmt=".3f"),
        "",
        "## Every sub-corpus",
        "",
        frame.drop(columns="family").to_markdown(index=False, floatfmt=".3f"),
        "",
    ]
    harness.write_results(args.out, stem, table, "\n".join(lines), float_format="%.4f")


if __name__ == "__main__":
    main()
