"""The step that chooses K (arabic_news_topics.topics.step.select_num_topics), on hand-made
run files: the one-standard-error rule, the edge-of-grid warning, topics of near-zero
prevalence and the held-out log-likelihood, as written to the tables, chosen_k.json and the
log."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from arabic_news_topics.io import read_table
from arabic_news_topics.topics import engines, step

VOCABULARY = ["ناتو", "حلف", "اطلسي", "داعش", "ارهاب", "تفجير", "نفط", "اسعار", "تضخم"]

#: Topic-word rows of three themes (NATO, terrorism, economy), disjoint words.
THEMES = np.array(
    [
        [0.5, 0.3, 0.2, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0.6, 0.3, 0.1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0.4, 0.4, 0.2],
    ]
)

SEEDS = (42, 7)

#: NPMI of each (K, seed): K = 3 is best by 0.005 with a standard error of 0.01 (sd 0.0141
#: over two seeds), so K = 2, within one SE, is chosen, and the best is the largest K.
NPMI = {(2, 42): 0.10, (2, 7): 0.21, (3, 42): 0.15, (3, 7): 0.17}

#: Document mixtures of the reference seed: at K = 3 the third topic has a share of 0.0007.
DOC_TOPICS = {
    2: [[0.7, 0.3], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8]],
    3: [
        [0.6993, 0.3, 0.0007],
        [0.4, 0.5993, 0.0007],
        [0.5, 0.4993, 0.0007],
        [0.2, 0.7993, 0.0007],
    ],
}


def write_run(folder: Path, k: int, seed: int, extra: dict | None = None) -> dict[str, str]:
    """The files fit_topic_model writes for one (K, seed); ``extra``: more score fields."""
    folder.mkdir(parents=True)
    phi = THEMES[:k] if k == 3 else np.array([THEMES[0] + THEMES[2], THEMES[1]]) / [[2], [1]]
    if seed != SEEDS[0]:
        phi = phi[::-1]  # another seed finds the same topics in another order
    paths = {n: str(folder / n) for n in ("scores.json", "topic_word.npz", "topics.csv")}
    paths["doc_topics.csv"] = str(folder / "doc_topics.csv")
    np.savez_compressed(paths["topic_word.npz"], phi=phi, vocabulary=np.array(VOCABULARY))
    engines.topics_table(phi, VOCABULARY, 3).to_csv(paths["topics.csv"], index=False)
    theta = np.array(DOC_TOPICS[k])
    if seed != SEEDS[0]:
        theta = theta[:, ::-1]
    ids = [f"خبر_{i}" for i in range(len(theta))]
    engines.doc_topics_table(theta, ids).to_csv(paths["doc_topics.csv"], index=False)
    scores = {
        "engine": "gensim",
        "num_topics": k,
        "seed": seed,
        "c_npmi": NPMI[k, seed],
        "c_v": 0.5,
        "u_mass": -1.0,
        "diversity": 0.9,
        **(extra or {}),
    }
    Path(paths["scores.json"]).write_text(json.dumps(scores))
    return paths


@pytest.fixture
def run_select(tmp_path):
    """Write the runs and held-out files, call select_num_topics; the output paths."""

    calls = []

    def run(
        heldout: dict[int, dict] | None = None,
        score_fields: dict[tuple[int, int], dict] | None = None,
        **kwargs,
    ) -> dict[str, Path]:
        calls.append(None)
        folder = tmp_path / f"call_{len(calls)}"
        runs = [(k, s) for k in (2, 3) for s in SEEDS]
        score_fields = score_fields or {}
        files = [
            write_run(folder / "runs" / f"k_{k}" / f"seed_{s}", k, s, score_fields.get((k, s)))
            for k, s in runs
        ]
        if heldout is None:
            heldout = {
                2: {"num_topics": 2, "heldout_perplexity": 20.0},
                3: {"num_topics": 3, "heldout_perplexity": 30.0},
            }
        heldout_files = []
        for k, record in heldout.items():
            path = folder / "runs" / f"k_{k}" / "heldout.json"
            path.write_text(json.dumps(record))
            heldout_files.append(str(path))
        out = folder / "out"
        outputs = {"chosen": out / "chosen_k.json", "topic_word": out / "topic_word.npz"}
        for name in ("selection", "stability", "similarity", "topics", "doc_topics"):
            outputs[f"{name}_csv"] = out / f"{name}.csv"
            outputs[f"{name}_md"] = out / f"{name}.md"
        step.select_num_topics(
            runs=runs,
            score_files=[f["scores.json"] for f in files],
            topic_word_files=[f["topic_word.npz"] for f in files],
            topics_files=[f["topics.csv"] for f in files],
            doc_topics_files=[f["doc_topics.csv"] for f in files],
            heldout_files=heldout_files,
            random_seeds=list(SEEDS),
            measure="c_npmi",
            **{name: str(path) for name, path in outputs.items()},
            **kwargs,
        )
        return outputs

    return run


def test_select_num_topics_applies_the_one_se_rule(run_select, caplog):
    with caplog.at_level("INFO", logger="arabic_news_topics"):
        paths = run_select()
    chosen = json.loads(paths["chosen"].read_text())
    assert chosen["num_topics"] == 2
    assert chosen["best_num_topics"] == 3
    assert (chosen["rule"], chosen["rule_applied"], chosen["selected_by"]) == (
        "one_se",
        "one_se",
        "c_npmi",
    )
    assert chosen["best_mean"] == pytest.approx(0.16)
    assert chosen["best_se"] == pytest.approx(0.01)
    assert chosen["threshold"] == pytest.approx(0.15)
    assert chosen["within_one_se"] == [2, 3]
    assert chosen["at_edge"] is True  # K = 2 is the smallest of the grid
    assert chosen["best_at_largest"] is True
    assert chosen["seed"] == 42
    assert chosen["low_prevalence_topics"] == []  # of the chosen model, K = 2
    table = read_table(paths["selection_csv"])
    assert table["chosen"].tolist() == [True, False]
    assert table["best"].tolist() == [False, True]
    assert table["within_one_se"].tolist() == [True, True]
    np.testing.assert_allclose(table["c_npmi_se"], [0.055, 0.01])
    # The chosen model's tables are those of K = 2.
    assert read_table(paths["doc_topics_csv"]).columns.tolist() == ["doc_id", "topic_1", "topic_2"]
    # The best K is the largest of the grid: a warning that names the setting.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("widen the grid (lda.num_topics)" in m and "K = 3" in m for m in warnings)
    assert "chose K=2 by lda.select_rule one_se" in caplog.text


def test_select_num_topics_with_the_best_rule_flags_the_near_zero_topic(run_select, caplog):
    with caplog.at_level("WARNING", logger="arabic_news_topics"):
        paths = run_select(select_rule="best")
    chosen = json.loads(paths["chosen"].read_text())
    assert (chosen["num_topics"], chosen["rule"]) == (3, "best")
    assert chosen["low_prevalence_topics"] == [3]
    assert chosen["min_relative_prevalence"] == 0.1
    stability = read_table(paths["stability_csv"], dtype={"top_words": str})
    assert stability.columns.tolist() == [
        "num_topics",
        "topic",
        "top_words",
        "prevalence",
        "low_prevalence",
        "similarity_seed_7",
        "mean_similarity",
    ]
    rows = stability[stability["num_topics"] == 3].set_index("topic")
    assert rows["prevalence"].loc[3] == pytest.approx(0.0007)
    assert rows["low_prevalence"].tolist() == [False, False, True]
    # Its matching topic in seed 7 is identical (similarity 1), but it is not rated.
    assert math.isnan(rows.loc[3, "similarity_seed_7"])
    assert math.isnan(rows.loc[3, "mean_similarity"])
    assert rows["mean_similarity"].loc[[1, 2]].tolist() == [1.0, 1.0]
    table = read_table(paths["selection_csv"]).set_index("num_topics")
    assert table["low_prevalence_topics"].tolist() == [0, 1]
    assert table.loc[3, "stability"] == 1.0  # the mean over the two rated topics
    assert "topics of near-zero prevalence" in caplog.text
    assert "lda.min_relative_prevalence" in caplog.text


def test_the_prevalence_threshold_is_a_setting(run_select):
    paths = run_select(select_rule="best", min_relative_prevalence=0.0)
    chosen = json.loads(paths["chosen"].read_text())
    assert chosen["low_prevalence_topics"] == []
    stability = read_table(paths["stability_csv"], dtype={"top_words": str})
    assert not stability["low_prevalence"].any()
    assert stability["mean_similarity"].notna().all()


def test_select_num_topics_reads_every_form_of_heldout_file(run_select):
    heldout = {
        # As heldout_perplexity writes it now; and as it wrote it before (perplexity only).
        2: {
            "num_topics": 2,
            "engine": "gensim",
            "heldout_perplexity": 20.0,
            "heldout_log_likelihood_per_word": -math.log(20.0),
        },
        3: {"num_topics": 3, "heldout_perplexity": 30.0},
    }
    table = read_table(run_select(heldout)["selection_csv"])
    np.testing.assert_allclose(table["heldout_perplexity"], [20.0, 30.0])
    # Six decimals, as every table is written.
    np.testing.assert_allclose(
        table["heldout_log_likelihood_per_word"], -np.log([20.0, 30.0]), atol=1e-6
    )
    # An engine without a perplexity (NMF), or nothing held out: empty.
    nothing = {
        k: {"num_topics": k, "heldout_perplexity": None, "heldout_log_likelihood_per_word": None}
        for k in (2, 3)
    }
    table = read_table(run_select(nothing)["selection_csv"])
    assert table["heldout_perplexity"].isna().all()
    assert table["heldout_log_likelihood_per_word"].isna().all()


def test_select_num_topics_averages_the_heldout_measure_of_the_fits_that_held_out(run_select):
    """With several seeds the fits of the seeds after the first hold documents out and score
    them (fit_topic_model's heldout_share): no held-out file, the measure in their scores."""
    fields = {
        (2, 7): {"heldout_perplexity": 20.0, "heldout_log_likelihood_per_word": -math.log(20)},
        (3, 7): {"heldout_perplexity": 45.0, "heldout_log_likelihood_per_word": -math.log(45)},
    }
    table = read_table(run_select(heldout={}, score_fields=fields)["selection_csv"])
    np.testing.assert_allclose(table["heldout_perplexity"], [20.0, 45.0], rtol=1e-6)
    # Two fits of one K: the mean log-likelihood, the geometric mean of the perplexities.
    fields[3, 42] = {"heldout_perplexity": 20.0, "heldout_log_likelihood_per_word": -math.log(20)}
    table = read_table(run_select(heldout={}, score_fields=fields)["selection_csv"])
    np.testing.assert_allclose(table["heldout_perplexity"], [20.0, 30.0], rtol=1e-6)
    np.testing.assert_allclose(
        table["heldout_log_likelihood_per_word"], -np.log([20.0, 30.0]), atol=1e-6
    )
    # Their sd where a K has two (K = 3: log 45 and log 20), none where it has one.
    assert np.isnan(table["heldout_log_likelihood_per_word_sd"].iloc[0])
    assert table["heldout_log_likelihood_per_word_sd"].iloc[1] == pytest.approx(
        abs(math.log(45) - math.log(20)) / math.sqrt(2), abs=1e-6
    )
    # No fit held anything out: empty.
    table = read_table(run_select(heldout={})["selection_csv"])
    assert table["heldout_log_likelihood_per_word"].isna().all()


def planted_bow(folder: Path, n_documents: int = 12) -> None:
    """A bag of words of documents on three themes of disjoint words, saved in ``folder``."""
    rng = np.random.RandomState(3)
    themes = [VOCABULARY[:3], VOCABULARY[3:6], VOCABULARY[6:]]
    documents = [
        (f"خبر_{i}", rng.choice(themes[i % 3], size=20).tolist()) for i in range(n_documents)
    ]
    dictionary = engines.build_dictionary(tokens for _, tokens in documents)
    engines.save_corpus(documents, dictionary, folder)


def fit_files(folder: Path, names: Sequence[str]) -> dict[str, list[str]]:
    """fit_topic_model's output arguments for runs in the subfolders ``names`` of
    ``folder``: one list per kind of file, aligned with ``names``."""
    for name in names:
        (folder / name).mkdir(parents=True)
    files = {
        "model": "model",
        "topics": "topics.csv",
        "doc_topics": "doc_topics.csv",
        "topic_word": "topic_word.npz",
        "scores": "scores.json",
    }
    return {kind: [str(folder / name / file) for name in names] for kind, file in files.items()}


@pytest.mark.parametrize("engine", ["gensim", "tomotopy", "dmm"])
def test_a_fit_that_holds_out_documents_scores_them_and_infers_their_mixtures(tmp_path, engine):
    corpus = tmp_path / "bow"
    planted_bow(corpus)
    params = {"passes": 2, "iterations": 20, "sampling_iterations": 20, "dmm_iterations": 5}
    params = {k: v for k, v in params.items() if k in engines.ENGINE_SETTINGS[engine]}
    # Two runs of one seed in one job: all documents, and a quarter held out.
    paths = fit_files(tmp_path, ["whole", "held"])
    step.fit_topic_model(
        str(corpus), engine, 3, [5, 5], params, **paths, heldout_shares=[0.0, 0.25], heldout_seed=5
    )
    whole, held = ({kind: Path(files[i]) for kind, files in paths.items()} for i in (0, 1))
    scores = json.loads(held["scores"].read_text())
    assert (scores["train_documents"], scores["test_documents"]) == (9, 3)
    assert "heldout_perplexity" not in json.loads(whole["scores"].read_text())
    # The same held-out documents and fit as the one more fit of heldout_perplexity.
    separate = tmp_path / "heldout.json"
    step.heldout_perplexity(str(corpus), engine, 3, 5, params, 0.25, str(separate))
    record = json.loads(separate.read_text())
    assert scores["heldout_perplexity"] == pytest.approx(record["heldout_perplexity"])
    assert scores["heldout_log_likelihood_per_word"] < 0
    # Every document has a mixture, in corpus order; the held-out ones inferred.
    table = read_table(held["doc_topics"])
    assert table["doc_id"].tolist() == read_table(whole["doc_topics"])["doc_id"].tolist()
    theta = table.filter(like="topic_").to_numpy()
    np.testing.assert_allclose(theta.sum(axis=1), 1, atol=1e-6)
    train, test = engines.heldout_split(12, 0.25, 5)
    assert len(test) == 3 and set(train).isdisjoint(test)


def test_the_seeds_of_one_job_give_each_seeds_own_fit_in_any_number_of_processes(tmp_path):
    """The runs of one K share a job: each seed's files are those of a job of that seed
    alone, with its own held-out share, whether the job fits them one after the other or in
    two processes."""
    corpus = tmp_path / "bow"
    planted_bow(corpus, n_documents=24)
    params = {"passes": 2, "iterations": 20}
    seeds, shares = [42, 7, 2024], [0.0, 0.25, 0.25]
    tables = ("topics", "doc_topics", "topic_word", "scores")

    def job(folder: str, random_seeds, heldout_shares, threads: int) -> dict[str, list[bytes]]:
        names = [f"seed_{seed}" for seed in random_seeds]
        paths = fit_files(tmp_path / folder, names)
        step.fit_topic_model(
            str(corpus),
            "gensim",
            3,
            random_seeds,
            params,
            **paths,
            heldout_shares=heldout_shares,
            heldout_seed=seeds[0],
            threads=threads,
        )
        return {kind: [Path(path).read_bytes() for path in paths[kind]] for kind in tables}

    together = job("together", seeds, shares, threads=1)
    in_processes = job("processes", seeds, shares, threads=2)
    alone = [
        job(f"alone_{seed}", [seed], [share], 1) for seed, share in zip(seeds, shares, strict=True)
    ]
    for kind in tables:
        assert in_processes[kind] == together[kind]
        assert [files[kind][0] for files in alone] == together[kind]
    # The seeds are different fits, and only the runs with a share held documents out.
    assert len(set(together["topic_word"])) == 3
    records = [json.loads(text) for text in together["scores"]]
    assert [record["seed"] for record in records] == seeds
    assert ["test_documents" in record for record in records] == [False, True, True]
    with pytest.raises(ValueError, match="per random seed"):
        step.fit_topic_model(
            str(corpus), "gensim", 3, seeds, params, **fit_files(tmp_path / "short", ["a"])
        )


@pytest.mark.parametrize("engine", ["gensim", "sklearn_nmf"])
def test_heldout_perplexity_writes_the_log_likelihood_per_word(tmp_path, engine):
    planted_bow(tmp_path)
    path = tmp_path / "heldout.json"
    params = {"passes": 2, "iterations": 20}
    step.heldout_perplexity(str(tmp_path), engine, 3, 0, params, 0.25, str(path))
    record = json.loads(path.read_text())
    assert record["engine"] == engine
    assert (record["num_topics"], record["test_documents"], record["train_documents"]) == (3, 3, 9)
    if engine == "sklearn_nmf":
        assert record["heldout_perplexity"] is None
        assert record["heldout_log_likelihood_per_word"] is None
    else:
        assert record["heldout_perplexity"] > 1
        assert record["heldout_log_likelihood_per_word"] == pytest.approx(
            -math.log(record["heldout_perplexity"])
        )


@pytest.mark.parametrize(
    "module",
    [
        "arabic_news_topics.topics.step",
        "arabic_news_topics.themes.step",
        "arabic_news_topics.explorer.step",
        "arabic_news_topics.corpus.step",
    ],
)
def test_jobs_that_read_tables_import_neither_gensim_nor_datasketch(module, loaded_modules):
    """Every job starts a Python process: the stages that only read a fitted model's tables
    (select, describe, curate, label, themes, the explorer) or the corpus's headlines must
    not pay for gensim's import (about a second, scipy.stats with it) or datasketch's."""
    assert loaded_modules(f"import {module}", ["gensim", "datasketch", "scipy.stats"]) == []
