"""The other topic-model engines and the guided prior on the seeds, each in a copy of the
seeds run with lda.engine or lda.guided changed: the topic models, the choice of K and the
themes run again on the seeds run's corpus and bag of words."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from workflow_runs import OTHER_ENGINES

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_seed_checks_hold_for_every_engine(engine_runs, seed_ids, engine):
    """Every engine writes the same tables, and the seeds get the themes they get with gensim."""
    results = engine_runs[engine] / "results"
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    topics = pd.read_csv(results / "04_lda/topics.csv")
    assert list(topics.columns) == ["topic", "rank", "term", "display", "weight"]
    doc_topics = pd.read_csv(results / "04_lda/doc_topics.csv")
    assert list(doc_topics.columns) == ["doc_id", *[f"topic_{k}" for k in range(1, chosen + 1)]]
    assert doc_topics.drop(columns="doc_id").sum(axis=1).round(4).eq(1).all()
    assert (results / f"04_lda/runs/{engine}/unguided/k_{chosen}/seed_42/model").is_dir()
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert list(selection["num_topics"]) == [2, 3, 4, 5]
    assert (selection["runs"] == 1).all()  # lda.random_seeds: [42]
    doc_themes = pd.read_csv(results / "06_themes/doc_themes.csv").set_index("doc_id")
    expected = {"shoigu_isis": "terrorism", "rasmussen_moscow": "nato_relations"}
    for seed, theme in expected.items():
        assert doc_themes.loc[seed_ids[seed], "dominant_theme"] == theme, (engine, seed)


def test_guided_topics_on_the_seeds(guided_seed_run):
    """lda.guided: one topic per theme holds its seed words, compared with the unguided model."""
    results = guided_seed_run / "results"
    seed_words = pd.read_csv(results / "04_lda/guided_seed_words.csv")
    assert set(seed_words["status"]) <= {
        "in_vocabulary",
        "not_in_vocabulary",
        "removed_by_normalization",
    }
    assert list(seed_words["topic"].unique()) == [1, 2, 3]
    log = (results / "logs/build_guided_prior.log").read_text(encoding="utf-8")
    for row in seed_words[seed_words["status"] != "in_vocabulary"].itertuples():
        assert repr(row.seed_word) in log  # every seed word that cannot guide is reported
    comparison = pd.read_csv(results / "06_themes/guided_comparison.csv")
    assert list(comparison["theme"]) == ["terrorism", "nato_relations", "middle_east_peace"]
    assert list(comparison["guided_topic"]) == [1, 2, 3]
    assert comparison["guided_score"].sum() > comparison["unguided_score"].sum()
    measures = pd.read_csv(results / "06_themes/guided_measures.csv").set_index("measure")
    assert {"c_npmi", "c_v", "u_mass", "diversity"} <= set(measures.index)
    documents = pd.read_csv(results / "06_themes/guided_doc_themes.csv")
    assert len(documents) == 5
    assert (results / "06_themes/guided_comparison.png").stat().st_size > 10_000
