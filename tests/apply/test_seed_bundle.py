"""The seeds run's model bundle, applied to the seeds and to articles written for the test."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.apply import bundle as bundle_files
from arabic_news_topics.apply import load_bundle
from arabic_news_topics.io import read_jsonl

pytestmark = pytest.mark.workflow

#: gensim's inference starts from random values and stops once a document's weights change by
#: less than lda.gamma_threshold per topic (auto: about 0.16 on the seed articles, 317 tokens on
#: average); the bundle infers to gensim's own 0.001 from the model's seed, so a training
#: document's shares come back within this (9e-7 when training used 0.001 too).
SHARE_TOLERANCE = 1e-3

#: Written for this test (not from the seeds): an ISIS attack and a NATO summit.
ATTACK = (
    "أعلن تنظيم داعش مسؤوليته عن هجوم إرهابي بسيارة مفخخة استهدف حاجزا أمنيا في شمال سوريا "
    "وأسفر عن مقتل عشرة أشخاص، وتوعد التنظيم بمزيد من الهجمات"
)
SUMMIT = (
    "اجتمع قادة دول حلف شمال الأطلسي الناتو في قمة ببروكسل لبحث العلاقات مع روسيا والإنفاق "
    "العسكري للحلف وتوسيع شراكته مع دول شرق أوروبا"
)


@pytest.fixture(scope="module")
def results(seed_run):
    return seed_run / "results"


@pytest.fixture(scope="module")
def applied(results):
    documents = [
        r for shard in sorted(results.glob("01_corpus/shards/*.jsonl")) for r in read_jsonl(shard)
    ]
    return load_bundle(results / "10_model").transform(documents).set_index("doc_id")


def test_training_documents_get_their_training_shares(results, applied):
    trained = pd.read_csv(results / "04_lda/curated/doc_topics.csv").set_index("doc_id")
    mine = applied.loc[trained.index, trained.columns].to_numpy()
    np.testing.assert_allclose(mine, trained.to_numpy(), atol=SHARE_TOLERANCE)
    same = (mine.argmax(axis=1) == trained.to_numpy().argmax(axis=1)).mean()
    assert same >= 0.95
    assert (applied["unseen_forms"] == 0).all()  # every form of the corpus is known


def test_training_documents_get_their_training_tokens(results):
    documents = [
        r for shard in sorted(results.glob("01_corpus/shards/*.jsonl")) for r in read_jsonl(shard)
    ]
    trained = {r["doc_id"]: r["tokens"] for r in read_jsonl(results / "02_normalize/tokens.jsonl")}
    tokens = {d: t for d, t, _, _ in load_bundle(results / "10_model").tokenize(documents)}
    assert trained and {d: tokens[d] for d in trained} == trained


def test_training_documents_keep_their_theme_and_cluster(results, applied):
    themes = pd.read_csv(results / "06_themes/doc_themes.csv").set_index("doc_id")
    assert applied.loc[themes.index, "dominant_theme"].tolist() == themes["dominant_theme"].tolist()
    clusters = pd.read_csv(results / "05_clusters/assignments.csv").set_index("doc_id")
    assert applied.loc[clusters.index, "cluster"].tolist() == clusters["cluster"].tolist()
    # Assigned by the refinement's mixture (cluster.refine_iterations), as stage 5 did.
    assert load_bundle(results / "10_model").tfidf["log_words"].size > 0


def test_new_articles_get_the_themes_they_are_about(results):
    bundle = load_bundle(results / "10_model")
    table = bundle.transform([ATTACK, SUMMIT, "كلمات لا يعرفها النموذج أبدا"])
    assert table["dominant_theme"].tolist()[:2] == ["terrorism", "nato_relations"]
    assert table.loc[0, "theme_terrorism"] > 5 * table.loc[0, "theme_nato_relations"]
    assert table.loc[1, "theme_nato_relations"] > 5 * table.loc[1, "theme_terrorism"]
    # Shares are a distribution over the curated topics; the drift signals are shares.
    topics = table[[f"topic_{k}" for k in range(1, bundle.num_topics + 1)]].to_numpy()
    np.testing.assert_allclose(topics.sum(axis=1), 1.0)
    assert table["out_of_vocabulary"].between(0, 1).all()
    assert table.loc[0, "unseen_forms"] > 0  # the article writes forms the seeds never did
    assert table.loc[0, "topic_label"] == bundle.labels[table.loc[0, "dominant_topic"] - 1]


def test_batches_do_not_change_the_result(results):
    bundle = load_bundle(results / "10_model")
    records = [{"doc_id": str(i), "text": t} for i, t in enumerate([ATTACK, SUMMIT] * 3)]
    whole = pd.concat(bundle.transform_records(records, batch_size=100), ignore_index=True)
    parts = pd.concat(bundle.transform_records(records, batch_size=2), ignore_index=True)
    topics = [c for c in whole.columns if c.startswith("topic_") and c != "topic_label"]
    np.testing.assert_allclose(parts[topics], whole[topics], atol=1e-4)
    assert parts["dominant_theme"].tolist() == whole["dominant_theme"].tolist()


def test_a_copied_bundle_works_and_a_changed_one_is_refused(results, tmp_path):
    copy = tmp_path / "elsewhere" / "model"
    shutil.copytree(results / "10_model", copy)
    again = load_bundle(copy).transform([ATTACK])
    assert again.loc[0, "dominant_theme"] == "terrorism"
    themes = copy / "themes.json"
    edited = json.loads(themes.read_text(encoding="utf-8"))
    edited["min_score"] = 0.5
    themes.write_text(json.dumps(edited), encoding="utf-8")
    with pytest.raises(bundle_files.BundleError, match=r"themes\.json has changed"):
        load_bundle(copy)
    with pytest.raises(bundle_files.BundleError, match="does not exist"):
        load_bundle(tmp_path / "no_such_bundle")


def test_the_manifest_says_what_the_bundle_holds(results):
    manifest = json.loads((results / "10_model/manifest.json").read_text(encoding="utf-8"))
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())
    assert manifest["num_topics"] == chosen["num_topics"]
    # lda.engine auto, resolved for the seeds' long articles: the model the bundle holds.
    assert manifest["config"]["lda"]["engine"] == "auto"
    assert manifest["engine"] == chosen["engine"] == "gensim"
    assert manifest["corpus"]["kept"] == 5
    files = {"normalizer.pickle", "phrases.pickle", "dictionary.txt", "topics.npz"}
    assert files <= set(manifest["files"])
    assert any(name.startswith("model/") for name in manifest["files"])


def test_a_bundle_of_dmm_clusters_assigns_them_again(copy_of_seed_run, snakemake, edit_config):
    """With ``cluster.features: dmm`` the bundle stores the clusters in the ``lsa`` space
    and their mixture; the training articles get the clusters stage 5 gave them."""

    def dmm(config):
        config["cluster"].update({"features": "dmm", "k": 2})

    edit_config(copy_of_seed_run, dmm)
    snakemake(copy_of_seed_run, "results/10_model")
    results = copy_of_seed_run / "results"
    space = np.load(results / "05_clusters/cluster_space.npz")
    assert str(space["features"]) == "dmm"
    assert space["projection"].size > 0
    stability = pd.read_csv(results / "05_clusters/feature_stability.csv")
    assert stability["features"].tolist() == ["dmm"]
    documents = [
        r for shard in sorted(results.glob("01_corpus/shards/*.jsonl")) for r in read_jsonl(shard)
    ]
    applied = load_bundle(results / "10_model").transform(documents).set_index("doc_id")
    clusters = pd.read_csv(results / "05_clusters/assignments.csv").set_index("doc_id")
    assert applied.loc[clusters.index, "cluster"].tolist() == clusters["cluster"].tolist()
    assert applied["cluster_similarity"].between(-1, 1).all()
