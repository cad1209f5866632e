"""Would clustering the documents on topic mixtures help on corpora the defaults never saw?

The validity issue reports a held-out corpus (four sections, about 1,850 articles) where
k-means on LDA's topic mixtures (K = 20) found the sections far better than LSA (NMI 0.73
against 0.61). ``cluster.features: topics`` does that, but it is not a default candidate of
``features: auto`` (docs/topic_models.md). This benchmark asks, on the sub-corpora of
``feature_choice_subsets.py`` (the same draws, held-out-sized), what the topic route and two
mixtures of it with LSA give beside the shipped choice, and whether the stability rule could
tell when they are better:

- the shipped choice between the LSA spaces (``feature_choice_subsets.evaluate`` with the
  shipped candidates less the DMM: both LSA spaces, the space the stability rule chose, its
  refined partition);
- ``topics_K<K>``: tomotopy LDA at each ``--num-topics`` K (the shipped ``sampling_iterations``,
  vocabulary as ``lda.no_below: auto`` and ``lda.no_above``), fitted with seeds 42, 7 and 2024;
  k-means (k = the sections, ``n_init`` 10) on the square roots of each fit's topic shares
  (Hellinger distance). ``nmi``: mean over the three fits; ``stability``: mean adjusted Rand
  index between the three fits' partitions (what ``features: auto`` measures for
  ``topics``); ``stability_kmeans``: between five k-means seeds on the first fit alone (what
  it measures for an LSA space, whose SVD is fixed);
- ``hybrid_lda_K<K>``: the chosen LSA space's rows with the first fit's √θ appended (equal
  weight), k-means, five seeds;
- ``hybrid_nmf_w<w>``: the chosen LSA space's rows with √θ of the shipped NMF
  (Kullback-Leibler) at K = the sections appended at weight ``w`` (each of
  :data:`NMF_WEIGHTS`; the LSA rows and √θ both have unit length), five k-means seeds;
- ``dmm``: the one-topic-per-document DMM at K = k (shipped ``dmm_iterations`` and
  ``dmm_restarts``), its argmax topics with the three seeds: ``nmi``, ``stability`` (as for
  ``topics``), and ``nmi_rule_with_dmm``: the DMM's partition where it is at least as stable as
  the chosen LSA space (to three decimals), the workflow's elsewhere (the stability rule with
  the DMM as the first candidate, as shipped since 170f304; results before it took the DMM
  only where strictly more stable).

Needs the normalized tokens of each corpus as ``feature_choice_subsets.py`` does. Writes
``topic_route_subsets_<design>.{csv,md}`` in ``benchmarks/results`` (or ``--out``). About 27
minutes for ``--draws 0 1`` and 11 for ``--design standard`` (its whole corpora), the two
side by side on 2 cores::

    .venv/bin/python benchmarks/topic_route_subsets.py --runs benchmarks/runs --draws 0 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feature_choice_subsets
import harness

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.evaluation import core as evaluation
from arabic_news_topics.topics import engines

ROOT = Path(__file__).resolve().parents[1]
#: The seeds of the three topic model fits of each K (the shipped ``lda.random_seeds``).
LDA_SEEDS = (42, 7, 2024)
KMEANS_RUNS = 5
#: Weights of NMF's √θ beside the LSA rows in ``hybrid_nmf_w<w>``. A quarter is where the
#: whole hespress-4cat corpus gains most (docs/topic_models.md).
NMF_WEIGHTS = (0.1, 0.25, 1.0)


def _nmi(labels: np.ndarray, partitions: list[np.ndarray]) -> float:
    return float(np.mean([evaluation.label_scores(list(labels), p)["nmi"] for p in partitions]))


def _kmeans_runs(features: np.ndarray, k: int) -> list[np.ndarray]:
    return [
        clusters.cluster_documents(features, k, "kmeans", 42 + i, 10) for i in range(KMEANS_RUNS)
    ]


def topic_route(
    tokens: list,
    matrix,
    labels: np.ndarray,
    settings: dict,
    vectorizer: dict,
    lda: dict,
    num_topics: list[int],
    chosen: str,
) -> dict:
    """The topic route's, the hybrids' and the DMM's NMI and stability on one (sub-)corpus
    (``matrix``: its TF-IDF, :func:`feature_choice_subsets.stage_inputs`)."""
    k = len(set(labels))
    lsa = np.asarray(
        clusters.cluster_features(
            matrix, chosen, settings["lsa_components"], 42, vectorizer["use_idf"]
        )
    )
    words = [t for _, t in tokens]
    dictionary = engines.build_dictionary(words, lda["no_below"], lda["no_above"])
    bow = [dictionary.doc2bow(t) for t in words]
    row: dict = {}
    for n_topics in num_topics:
        roots = [
            clusters.topic_features(
                engines.TomotopyLDA(n_topics, seed, sampling_iterations=lda["sampling_iterations"])
                .fit(bow, dictionary)
                .theta
            )
            for seed in LDA_SEEDS
        ]
        per_fit = [clusters.cluster_documents(r, k, "kmeans", 42, 10) for r in roots]
        row[f"nmi_topics_K{n_topics}"] = _nmi(labels, per_fit)
        row[f"stability_topics_K{n_topics}"] = clusters.partition_agreement(per_fit)[0]
        first = _kmeans_runs(roots[0], k)
        row[f"stability_kmeans_topics_K{n_topics}"] = clusters.partition_agreement(first)[0]
        row[f"nmi_hybrid_lda_K{n_topics}"] = _nmi(
            labels, _kmeans_runs(np.hstack([lsa, roots[0]]), k)
        )
    nmf = engines.SklearnNMF(k, 42, nmf_loss=lda["nmf_loss"]).fit(bow, dictionary)
    for weight in NMF_WEIGHTS:
        hybrid = np.hstack([lsa, weight * clusters.topic_features(nmf.theta)])
        row[f"nmi_hybrid_nmf_w{weight:g}"] = _nmi(labels, _kmeans_runs(hybrid, k))
    # The one-topic-per-document DMM at K = k is a partition itself: its fits' argmax topics.
    dmm = [
        engines.DirichletMultinomialMixture(
            k, seed, dmm_iterations=lda["dmm_iterations"], dmm_restarts=lda["dmm_restarts"]
        )
        .fit(bow, dictionary)
        .theta.argmax(axis=1)
        for seed in LDA_SEEDS
    ]
    row["nmi_dmm"] = _nmi(labels, dmm)
    row["stability_dmm"] = clusters.partition_agreement(dmm)[0]
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, default=ROOT / "benchmarks" / "runs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--design", choices=sorted(feature_choice_subsets.DESIGNS), default="wide")
    parser.add_argument("--draws", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--num-topics", type=int, nargs="+", default=[10, 20])
    args = parser.parse_args(argv)
    load = harness.load_average()
    settings, vectorizer = feature_choice_subsets.shipped_settings()
    # The routes are compared with the rule between the LSA spaces (their rows are what the
    # hybrids extend); the DMM, a shipped candidate too, is measured on its own below.
    settings["auto_features"] = [
        f for f in settings["auto_features"] if f not in clusters.PARTITION_FEATURES
    ]
    # The tolerance is the DMM's (the first shipped candidate), applied below; between the
    # LSA spaces the shipped rule takes the most stable.
    tolerance = settings["stability_tolerance"]
    settings["stability_tolerance"] = 0.0
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    lda = config["lda"]
    rows = []
    subsets = feature_choice_subsets.sub_corpora(args.runs, args.design, args.draws)
    for draw, name, tokens, labels in subsets:
        # The TF-IDF and word counts once per sub-corpus, for the rule and the routes alike.
        inputs = feature_choice_subsets.stage_inputs(tokens, vectorizer)
        row = feature_choice_subsets.evaluate(name, inputs, labels, settings, vectorizer)
        keep = ["corpus", "documents", "sections", "chosen", "nmi_lsa", "nmi_lsa_no_idf"]
        row = {key: row[key] for key in keep} | {
            "stability_chosen": row[f"stability_{row['chosen']}"],
            "nmi_chosen": row[f"nmi_{row['chosen']}"],
            "nmi_refined": row["nmi_refined"],
        }
        row |= topic_route(
            tokens, inputs[0], labels, settings, vectorizer, lda, args.num_topics, row["chosen"]
        )
        rows.append({"draw": draw, **row})
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    # The rule with the DMM as a third candidate, listed first: its partition where it is
    # as stable as the chosen LSA space but for the tolerance (to three decimals, as
    # feature_stability_table compares them).
    takes_dmm = (frame["stability_dmm"].round(3) + tolerance).round(3) >= frame[
        "stability_chosen"
    ].round(3)
    frame["nmi_rule_with_dmm"] = frame["nmi_dmm"].where(takes_dmm, frame["nmi_refined"])
    table = frame.copy()
    frame["family"] = feature_choice_subsets.corpus_family(frame["corpus"])
    routes = ["nmi_chosen", "nmi_refined"] + [
        c
        for c in frame.columns
        if c.startswith(("nmi_topics", "nmi_hybrid", "nmi_dmm", "nmi_rule"))
    ]
    summary = frame.groupby("family")[["nmi_lsa", "nmi_lsa_no_idf", *routes]].mean()
    stabilities = [c for c in frame.columns if c.startswith("stability")]
    summary = summary.join(frame.groupby("family")[stabilities].mean())
    counts = pd.DataFrame(
        {
            f"{c.removeprefix('nmi_')}_better": (frame[c] > frame["nmi_refined"] + 0.01)
            .groupby(frame["family"])
            .sum()
            for c in routes[2:]
        }
    )
    # Would the stability rule take the topic route? Only where its partitions agree more
    # across fits than the chosen LSA space's across k-means seeds.
    taken = pd.DataFrame(
        {
            f"rule_takes_topics_K{n}": (frame[f"stability_topics_K{n}"] > frame["stability_chosen"])
            .groupby(frame["family"])
            .sum()
            for n in args.num_topics
        }
        | {"rule_takes_dmm": takes_dmm.groupby(frame["family"]).sum()}
    )
    lines = [
        "# Clusters on topic mixtures, on sub-corpora of the labelled corpora",
        "",
        *harness.run_lines(load_at_start=load),
        "",
        "`benchmarks/topic_route_subsets.py` (its docstring defines every column). Sub-corpora "
        f"of design `{args.design}`, draws {', '.join(map(str, args.draws))} (those of "
        "`feature_choice_subsets.py`); k = the number of sections. `nmi_chosen`: the LSA "
        "space the shipped stability rule chose (mean over its k-means runs), `nmi_refined`: "
        "the stage's partition after its refinement (what the workflow gives); "
        "`<route>_better`: sub-corpora where a route beats `nmi_refined` by more than 0.01; "
        "`rule_takes_topics_K<K>`: sub-corpora where the topic route's partitions agree more "
        "across the three fits than the chosen space's across its k-means seeds (so "
        "`features: auto` with `topics` among its candidates would take it); `rule_takes_dmm` "
        "and `nmi_rule_with_dmm`: the DMM's partitions where they agree at least as much "
        "(to three decimals; the DMM is the first candidate as shipped).",
        "",
        "## Mean NMI and stability",
        "",
        summary.reset_index().to_markdown(index=False, floatfmt=".3f"),
        "",
        "## How often a route is better, and would be taken",
        "",
        counts.join(taken).reset_index().to_markdown(index=False),
        "",
        "## Every sub-corpus",
        "",
        frame.drop(columns="family").to_markdown(index=False, floatfmt=".3f"),
        "",
    ]
    stem = f"topic_route_subsets_{args.design}"
    harness.write_results(args.out, stem, table, "\n".join(lines), float_format="%.4f")


if __name__ == "__main__":
    main()
