"""benchmarks/nmf_loss.py: sklearn_nmf's recipes on a labelled run, whole and in
sub-corpora, scored at K = the sections."""

from __future__ import annotations

import copy
from pathlib import Path

import nmf_loss  # benchmarks/, on the path (conftest.py)
import pandas as pd
import pytest
import sklearn.decomposition
from planted_corpora import planted_sections

from arabic_news_topics.topics import engines


@pytest.fixture
def run(tmp_path) -> Path:
    """A run folder of four planted sections (mostly one section's words each)."""
    documents, labels = planted_sections(4, n_documents=240, length=60, random_state=3)
    folder = tmp_path / "run"
    bow = folder / "results/04_lda/bow"
    bow.mkdir(parents=True)
    dictionary = engines.build_dictionary([tokens for _, tokens in documents], 1, 1.0, None)
    engines.save_corpus(documents, dictionary, bow)
    (folder / "results/01_corpus").mkdir(parents=True)
    metadata = pd.DataFrame(
        {"doc_id": [doc_id for doc_id, _ in documents], "label": [f"s{x}" for x in labels]}
    )
    metadata.to_csv(folder / "results/01_corpus/metadata.tsv", sep="\t", index=False)
    return folder


def test_every_recipe_on_the_whole_corpus_and_its_sub_corpora(run, tmp_path):
    losses = copy.deepcopy(engines.NMF_LOSSES)
    out = tmp_path / "out"
    argv = ["--runs", str(run), "--sections", "3", "--random-starts", "1", "--out", str(out)]
    assert nmf_loss.main(argv) == 0
    rows = pd.read_csv(out / "nmf_loss.csv")
    # The whole corpus and its 4 sub-corpora of 3 sections, 4 recipes from nndsvda; the two
    # divergence recipes once more from a random start on the whole corpus.
    assert len(rows) == 5 * 4 + 2
    assert set(rows["recipe"]) == set(nmf_loss.RECIPES)
    assert rows.loc[rows["sections"] != "whole", "documents"].lt(240).all()
    assert rows["nmi"].between(0, 1).all() and rows["iterations"].gt(0).all()
    random = rows[rows["init"] == "random"]
    assert set(random["recipe"]) == {"kl_raw_tf", "kl_sublinear_tf"}
    # Planted truth: the default recipe finds the four planted sections.
    whole = rows[(rows["sections"] == "whole") & (rows["init"] == "nndsvda")]
    assert whole.set_index("recipe").loc["kl_raw_tf", "nmi"] > 0.8
    report = (out / "nmf_loss.md").read_text()
    assert "above frobenius_sublinear_tf" in report and "| run " in report
    # The patches are undone: the engine's recipes and scikit-learn's NMF as they were.
    assert losses == engines.NMF_LOSSES
    assert sklearn.decomposition.NMF.__name__ == "NMF"


def test_the_recipe_and_the_start_reach_the_fit(run):
    from engine_choice import run_data

    data = run_data(run)
    kwargs = {"bow": data["bow"], "dictionary": data["dictionary"], "gold": data["gold"]}
    default = nmf_loss.fit_nmi(**kwargs, recipe="kl_raw_tf")
    sublinear = nmf_loss.fit_nmi(**kwargs, recipe="kl_sublinear_tf")
    started = nmf_loss.fit_nmi(**kwargs, recipe="kl_raw_tf", init="random", seed=5)
    assert default["fitted"] == "kullback-leibler, nndsvda, sublinear_tf=False"
    assert sublinear["fitted"] == "kullback-leibler, nndsvda, sublinear_tf=True"
    assert started["fitted"] == "kullback-leibler, random, sublinear_tf=False"
    frobenius = nmf_loss.fit_nmi(**kwargs, recipe="frobenius_raw_tf")
    assert frobenius["fitted"] == "frobenius, nndsvda, sublinear_tf=False"
