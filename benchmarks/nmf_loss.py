"""Which loss should ``sklearn_nmf`` minimize: the squared error or the Kullback-Leibler
divergence, on TF-IDF with sublinear or raw term counts?

For each labelled run folder (``--runs``: stage 4's bag of words and stage 1's labels, as
``evaluate_defaults.py`` or ``snakemake --until build_lda_corpus`` make them), the whole corpus
and every sub-corpus of ``--sections`` of its sections are factorized at K = their number of
sections by :class:`arabic_news_topics.topics.engines.SklearnNMF` (the engine itself, so its
nndsvda start and scikit-learn's solvers), once per recipe of :data:`RECIPES`: the loss of
``lda.nmf_loss``, crossed with the other tf weighting. The score is the NMI of the argmax
topic with the sections, as stage 7 scores it. On the whole corpora the divergence is also
started from ``--random-starts`` random starts (``init="random"``), to show how much of a
result is its deterministic start.

Writes ``nmf_loss.{csv,md}`` in ``benchmarks/results`` (or ``--out``). About 6 minutes on 2
cores for both labelled corpora::

    .venv/bin/python benchmarks/nmf_loss.py --runs benchmarks/runs/hespress-4cat \\
        benchmarks/runs/antms-6cat
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from engine_choice import run_data

from arabic_news_topics.evaluation import core as evaluation
from arabic_news_topics.topics import engines

ROOT = Path(__file__).resolve().parents[1]
#: name: (nmf_loss, sublinear tf); the first of each loss is the engine's own recipe.
RECIPES = {
    "kl_raw_tf": ("kullback-leibler", False),
    "kl_sublinear_tf": ("kullback-leibler", True),
    "frobenius_sublinear_tf": ("frobenius", True),
    "frobenius_raw_tf": ("frobenius", False),
}


def fit_nmi(bow, dictionary, gold, recipe: str, init: str = "nndsvda", seed: int = 42) -> dict:
    """The argmax topic's NMI and ARI with ``gold`` of one fit of the engine at K = the
    labels, with the recipe's tf weighting and NMF started from ``init`` (scikit-learn's
    ``nndsvda``, the engine's, or ``random``: scaled uniform noise drawn with ``seed``)."""
    from sklearn.decomposition import NMF

    def started(*args, **kwargs):
        return NMF(*args, **{**kwargs, "init": init})

    loss, sublinear = RECIPES[recipe]
    model = engines.SklearnNMF(len(set(gold)), random_state=seed, nmf_loss=loss)
    weighting = {loss: {**engines.NMF_LOSSES[loss], "sublinear_tf": sublinear}}
    start = time.process_time()
    # The engine imports NMF when it fits, so the patched name is the one it builds.
    with (
        mock.patch.dict(engines.NMF_LOSSES, weighting),
        mock.patch("sklearn.decomposition.NMF", started),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        model.fit(bow, dictionary)
    scores = evaluation.label_scores(gold, evaluation.argmax_topics(model.theta))
    return {
        "nmi": scores["nmi"],
        "ari": scores["ari"],
        "iterations": int(model.model[-1].n_iter_),
        # What was fitted, read back from the engine's pipeline.
        "fitted": f"{model.model[-1].beta_loss}, {model.model[-1].init}, "
        f"sublinear_tf={model.model.named_steps['tfidftransformer'].sublinear_tf}",
        "cpu_s": round(time.process_time() - start, 2),
    }


def corpus_rows(run: Path, sections: int, random_starts: Sequence[int]) -> list[dict]:
    """Every recipe on the run's whole corpus and on each sub-corpus of ``sections`` of its
    sections; the random starts on the whole corpus."""
    data = run_data(run)
    gold = np.asarray(data["gold"], dtype=object)
    labels = sorted(set(gold))
    subsets = [tuple(labels), *itertools.combinations(labels, sections)]
    rows = []
    for subset in subsets:
        keep = np.flatnonzero(np.isin(gold, subset))
        bow = [data["bow"][i] for i in keep]
        names = "whole" if len(subset) == len(labels) else "+".join(subset)
        for recipe in RECIPES:
            if names == "whole" and RECIPES[recipe][0] == "kullback-leibler":
                starts = [("nndsvda", 42)] + [("random", seed) for seed in random_starts]
            else:
                starts = [("nndsvda", 42)]
            for init, seed in starts:
                scores = fit_nmi(bow, data["dictionary"], gold[keep].tolist(), recipe, init, seed)
                row = {"corpus": run.name, "sections": names, "documents": len(keep)}
                rows.append({**row, "recipe": recipe, "init": init, "seed": seed, **scores})
                print(rows[-1], flush=True)
    return rows


def report(frame: pd.DataFrame, load: str) -> str:
    """The Markdown report: the whole corpora, then each recipe's mean over the
    sub-corpora and how often it beats the Frobenius recipe shipped before."""
    starts = frame[frame["init"] == "nndsvda"]
    whole = starts[starts["sections"] == "whole"].pivot(
        index="corpus", columns="recipe", values="nmi"
    )
    subsets = starts[starts["sections"] != "whole"]
    wide = subsets.pivot_table(index=["corpus", "sections"], columns="recipe", values="nmi")
    before = wide["frobenius_sublinear_tf"]
    summary = []
    for corpus, part in wide.groupby(level="corpus"):
        for recipe in RECIPES:
            summary.append(
                {
                    "corpus": corpus,
                    "recipe": recipe,
                    "sub-corpora": len(part),
                    "mean NMI": f"{part[recipe].mean():.3f}",
                    "above frobenius_sublinear_tf": int((part[recipe] > before[part.index]).sum()),
                    "whole corpus": f"{whole.loc[corpus, recipe]:.3f}",
                }
            )
    random = frame[frame["init"] == "random"]
    spread = (
        random.groupby(["corpus", "recipe"])["nmi"]
        .agg(["min", "max", "count"])
        .reset_index()
        .assign(
            nndsvda=lambda t: [
                whole.loc[c, r] for c, r in zip(t["corpus"], t["recipe"], strict=True)
            ],
        )
    )
    lines = [
        "# sklearn_nmf's loss and tf weighting, at K = the sections",
        "",
        *harness.run_lines(load_at_start=load),
        "",
        "Each recipe fitted by the engine (`SklearnNMF`, nndsvda start, scikit-learn's "
        "solver for the loss: `mu` for the divergence, `cd` for the squared error) on each "
        "whole corpus and on each sub-corpus of its sections; NMI of the argmax topic with "
        "the sections. `kl_raw_tf` is `lda.nmf_loss: kullback-leibler` (the default), "
        "`frobenius_sublinear_tf` is `lda.nmf_loss: frobenius` (the recipe before it).",
        "",
        harness.markdown_table(
            pd.DataFrame(summary),
            right=["sub-corpora", "mean NMI", "above frobenius_sublinear_tf", "whole corpus"],
        ),
        "",
        "The divergence from random starts on the whole corpora (NMI min and max over the "
        "starts) beside its nndsvda start (an SVD of the matrix, randomized with the seed 42):",
        "",
        harness.markdown_table(spread.round(3), right=["min", "max", "count", "nndsvda"]),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, nargs="+", required=True)
    parser.add_argument("--sections", type=int, default=3, help="%(default)s per sub-corpus")
    parser.add_argument("--random-starts", type=int, nargs="*", default=[42, 7, 2024])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    load = harness.load_average()
    rows = []
    for run in args.runs:
        rows += corpus_rows(run.resolve(), args.sections, args.random_starts)
    frame = pd.DataFrame(rows)
    harness.write_results(args.out, "nmf_loss", frame, report(frame, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
