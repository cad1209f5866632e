"""benchmarks/engine_choice.py: settings compared on a run's bag of words, with gold labels
(argmax NMI, the K each setting chooses) and without (topic quality per second alone)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import engine_choice  # benchmarks/, on the path above
from planted_corpora import planted_run


@pytest.fixture
def run(tmp_path) -> Path:
    """A run folder of two planted sections, with the grid K 2 and 3 fitted before."""
    folder = tmp_path / "run"
    planted_run(folder)
    pd.DataFrame({"num_topics": [2, 3]}).to_csv(
        folder / "results/04_lda/model_selection.csv", index=False
    )
    return folder


def compare(run: Path, out: Path, *extra: str) -> tuple[pd.DataFrame, str]:
    settings = ["--setting", "peer={}", "--setting", 'short={"iterations": 5}']
    arguments = ["--run", str(run), "--name", "t", "--out", str(out), "--seeds", "1", "2"]
    assert engine_choice.main([*arguments, *settings, *extra]) == 0
    return pd.read_csv(out / "engine_choice_t.csv"), (out / "engine_choice_t.md").read_text()


def test_labelled_run_is_fitted_on_its_grid_and_scored(run, tmp_path):
    rows, report = compare(run, tmp_path / "out")
    # K 2 and 3 of the grid (2 is also the number of labels), 2 settings, 2 seeds.
    assert len(rows) == 8
    assert sorted(rows["num_topics"].unique()) == [2, 3]
    assert rows["nmi"].notna().all()
    # Two disjoint sections at K = 2: the argmax topics find them.
    peer_k2 = rows[(rows["setting"] == "peer") & (rows["num_topics"] == 2)]
    assert (peer_k2["nmi"] > 0.9).all()
    assert "(chosen)" in report and "1.00×" in report


def test_unlabelled_run_at_given_ks_reports_quality_per_second(run, tmp_path):
    metadata = run / "results/01_corpus/metadata.tsv"
    table = pd.read_csv(metadata, sep="\t")
    table.drop(columns="label").to_csv(metadata, sep="\t", index=False)
    rows, report = compare(run, tmp_path / "out", "--num-topics", "4")
    assert rows["num_topics"].tolist() == [4] * 4
    assert rows["nmi"].isna().all()
    assert rows["c_npmi"].notna().all() and (rows["cpu_s"] >= 0).all()
    assert "no gold labels" in report and "(chosen)" not in report
    # The peer's ratios to itself are 1.
    peer_line = next(line for line in report.splitlines() if line.startswith("| peer"))
    assert peer_line.count("1.00×") == 2


@pytest.mark.parametrize(
    ("median_words", "engine"), [(None, "gensim"), (8, "tomotopy"), (400, "gensim")]
)
def test_the_shipped_engine_is_the_one_the_workflow_fits_to_the_run(
    run, tmp_path, median_words, engine
):
    """lda.engine auto, resolved from the run's corpus_summary.csv as the workflow does;
    a setting that names an engine keeps it."""
    if median_words is not None:
        summary = pd.DataFrame({"measure": ["kept", "median_words"], "value": [20, median_words]})
        summary.to_csv(run / "results/01_corpus/corpus_summary.csv", index=False)
    arguments = ["--run", str(run), "--name", "t", "--out", str(tmp_path), "--seeds", "1"]
    settings = ["--setting", "shipped={}", "--setting", 'named={"engine": "sklearn_nmf"}']
    assert engine_choice.main([*arguments, *settings, "--num-topics", "2"]) == 0
    rows = pd.read_csv(tmp_path / "engine_choice_t.csv")
    assert rows.set_index("setting")["engine"].to_dict() == {
        "shipped": engine,
        "named": "sklearn_nmf",
    }


def test_a_vocabulary_filter_keeps_the_words_of_enough_documents():
    from gensim.corpora import Dictionary

    documents = [["a", "b", "c"], ["a", "b", "b"], ["a", "d"], ["e", "b"]]
    dictionary = Dictionary(documents)
    data = {
        "dictionary": dictionary,
        "bow": [dictionary.doc2bow(words) for words in documents],
        "lda": {"no_below": 1, "no_above": 1.0, "keep_n": None},
    }
    filtered, bow, kept = engine_choice.filtered_bag(data, {"no_below": 2})
    # a (3 documents) and b (3) stay; c, d and e are each in one document.
    assert sorted(filtered.token2id) == ["a", "b"]
    for new_id, old_id in enumerate(kept):
        assert filtered[new_id] == dictionary[old_id]
    words = [{filtered[i]: count for i, count in bag} for bag in bow]
    assert words == [{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 1}, {"b": 1}]
    # Without filters the run's own bag comes back.
    same, same_bow, all_ids = engine_choice.filtered_bag(data, {})
    assert same is dictionary and same_bow is data["bow"] and list(all_ids) == [0, 1, 2, 3, 4]
    # The shipped no_below (auto) where a setting filters by no_above alone: resolved, as the
    # workflow resolves it (4 documents: no word is too rare), then a and b (3 of 4) go.
    data["lda"]["no_below"] = "auto"
    common_gone, _, _ = engine_choice.filtered_bag(data, {"no_above": 0.7})
    assert sorted(common_gone.token2id) == ["c", "d", "e"]


def test_a_setting_may_filter_the_vocabulary_and_is_scored_on_the_runs_tokens(run, tmp_path):
    settings = ["--setting", "peer={}", "--setting", 'common={"no_below": 3}']
    arguments = ["--run", str(run), "--name", "v", "--out", str(tmp_path), "--seeds", "1"]
    assert engine_choice.main([*arguments, *settings, "--num-topics", "2"]) == 0
    rows = pd.read_csv(tmp_path / "engine_choice_v.csv")
    assert rows["setting"].tolist() == ["peer", "common"]
    assert rows["c_npmi"].notna().all() and rows["nmi"].notna().all()
