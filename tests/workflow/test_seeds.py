"""The workflow on the seed articles: what the one seeds run of the pytest run wrote
(``seed_run``, tests/conftest.py). These tests only read it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

EXPECTED_FILES = [
    "01_corpus/shards/00001.jsonl",
    "01_corpus/manifest.tsv",
    "01_corpus/metadata.tsv",
    "02_normalize/manifest.tsv",
    *[f"01_corpus/{n}.{e}" for n in ("corpus_summary", "document_lengths") for e in ("csv", "md")],
    *[f"01_corpus/document_lengths.{e}" for e in ("png", "pdf")],
    "02_normalize/tokens.jsonl",
    *[
        f"02_normalize/{n}.{e}"
        for n in ("normalization_steps", "top_terms", "removed_lines", "rule_examples")
        for e in ("csv", "md")
    ],
    *[f"02_normalize/{n}.{e}" for n in ("vocabulary_by_step", "top_terms") for e in ("png", "pdf")],
    *[
        f"03_tfidf/{n}.{e}"
        for n in ("top_terms_per_document", "document_similarity")
        for e in ("csv", "md", "png", "pdf")
    ],
    *[f"03_tfidf/similar_documents.{e}" for e in ("csv", "md")],
    *[
        f"04_lda/{n}.{e}"
        for n in ("topics", "doc_topics", "model_selection", "topic_stability", "topic_similarity")
        for e in ("csv", "md")
    ],
    *[
        f"04_lda/{n}.{e}"
        for n in (
            "topic_top_words",
            "doc_topics",
            "model_selection",
            "topic_stability",
            "topic_similarity",
        )
        for e in ("png", "pdf")
    ],
    *[
        f"05_clusters/{n}.{e}"
        for n in ("assignments", "cluster_top_terms", "cluster_sizes")
        for e in ("csv", "md")
    ],
    *[
        f"05_clusters/{n}.{e}"
        for n in ("silhouette_by_k", "feature_stability", "feature_agreement")
        for e in ("csv", "md", "png", "pdf")
    ],
    *[f"05_clusters/cluster_top_terms_by_features.{e}" for e in ("csv", "md")],
    "05_clusters/assignments_by_features.csv",
    *[f"05_clusters/{n}.{e}" for n in ("document_map", "dendrogram") for e in ("png", "pdf")],
    *[
        f"06_themes/{n}.{e}"
        for n in (
            "seed_words",
            "topic_themes",
            "topic_summary",
            "cluster_themes",
            "doc_themes",
            "theme_prevalence",
        )
        for e in ("csv", "md")
    ],
    *[f"06_themes/topic_map.{e}" for e in ("csv", "md")],
    *[
        f"06_themes/{n}.{e}"
        for n in ("doc_themes", "theme_prevalence", "topic_map")
        for e in ("png", "pdf")
    ],
    *[
        f"08_trends/{n}.{e}"
        for n in (
            "coverage",
            "topics_over_time",
            "themes_over_time",
            "topics_by_source",
            "themes_by_source",
        )
        for e in ("csv", "md")
    ],
    *[
        f"08_trends/{n}.{e}"
        for n in ("topics_over_time", "themes_over_time", "topics_by_source", "themes_by_source")
        for e in ("png", "pdf")
    ],
    "paper/checksums.sha256",
]


def read_tokens(workdir: Path) -> dict[str, list[str]]:
    path = workdir / "results/02_normalize/tokens.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["doc_id"]: r["tokens"] for r in records}


def test_every_stage_writes_its_files(seed_run):
    missing = [f for f in EXPECTED_FILES if not (seed_run / "results" / f).is_file()]
    assert missing == []
    for figure in (seed_run / "results").rglob("*.png"):
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", figure


def test_manifest_accounts_for_every_seed(seed_run, seed_ids):
    manifest = pd.read_csv(seed_run / "results/01_corpus/manifest.tsv", sep="\t")
    assert list(manifest.columns) == ["doc_id", "location", "status", "reason", "encoding", "note"]
    assert sorted(manifest["doc_id"]) == sorted(seed_ids.values())
    assert set(manifest["status"]) == {"kept"}


def test_table_columns(seed_run):
    results = seed_run / "results"
    topics = pd.read_csv(results / "04_lda/topics.csv")
    assert list(topics.columns) == ["topic", "rank", "term", "display", "weight"]
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    assert sorted(topics["topic"].unique()) == list(range(1, chosen + 1))
    doc_topics = pd.read_csv(results / "04_lda/doc_topics.csv")
    assert list(doc_topics.columns) == ["doc_id", *[f"topic_{k}" for k in range(1, chosen + 1)]]
    assert doc_topics.drop(columns="doc_id").sum(axis=1).round(4).eq(1).all()
    assignments = pd.read_csv(results / "05_clusters/assignments.csv")
    assert list(assignments.columns) == ["doc_id", "cluster"]
    # Every candidate space's clusters, a column each in the order of cluster.auto_features;
    # the chosen one's are the assignments.
    config = yaml.safe_load((seed_run / "config/config.yaml").read_text())
    by_features = pd.read_csv(results / "05_clusters/assignments_by_features.csv")
    stability = pd.read_csv(results / "05_clusters/feature_stability.csv")
    candidates = list(dict.fromkeys(stability["features"]))
    assert set(candidates) <= set(config["cluster"]["auto_features"])
    assert list(by_features.columns) == ["doc_id", *candidates]
    chosen_space = stability.loc[stability["chosen"], "features"].iloc[0]
    assert by_features[chosen_space].tolist() == assignments["cluster"].tolist()
    agreement = pd.read_csv(results / "05_clusters/feature_agreement.csv")
    assert agreement["features"].tolist() == candidates
    doc_themes = pd.read_csv(results / "06_themes/doc_themes.csv")
    assert list(doc_themes.columns) == ["doc_id", *config["themes"]["seed_words"], "dominant_theme"]
    seed_words = pd.read_csv(results / "06_themes/seed_words.csv")
    assert seed_words["seed_word"].tolist() == [
        word for words in config["themes"]["seed_words"].values() for word in words
    ]
    # The matched occurrences the topic models' vocabulary keeps: never more than matched,
    # and the seed articles' themes do reach that vocabulary.
    assert (seed_words["matched_count_in_topics"] <= seed_words["matched_count"]).all()
    assert seed_words["matched_count_in_topics"].sum() > 0
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert list(selection["num_topics"]) == [2, 3, 4, 5]
    assert selection["chosen"].sum() == 1
    assert (selection["runs"] == 3).all()  # the three seeds of lda.random_seeds
    # lda.heldout_share holds out one of the five articles, fewer than
    # lda.heldout_min_documents: no held-out fit, and the run's log says why.
    assert selection["heldout_perplexity"].isna().all()
    assert selection["heldout_log_likelihood_per_word"].isna().all()
    assert not list((results / "04_lda/runs").rglob("heldout.json"))
    logs = "".join(p.read_text() for p in (seed_run / ".snakemake/log").glob("*.snakemake.log"))
    assert "lda.heldout_min_documents: no held-out fits" in logs
    # The one-standard-error rule: the smallest K within one SE of the best mean NPMI.
    choice = json.loads((results / "04_lda/chosen_k.json").read_text())
    assert choice["rule"] == choice["rule_applied"] == "one_se"
    assert selection.loc[selection["best"], "num_topics"].tolist() == [choice["best_num_topics"]]
    within = selection.loc[selection["within_one_se"], "num_topics"].tolist()
    assert within == choice["within_one_se"]
    assert chosen == min(within) <= choice["best_num_topics"]
    assert selection.loc[selection["chosen"], "num_topics"].tolist() == [chosen]
    stability = pd.read_csv(results / "04_lda/topic_stability.csv")
    assert list(stability.columns) == [
        "num_topics",
        "topic",
        "top_words",
        "prevalence",
        "low_prevalence",
        "similarity_seed_7",
        "similarity_seed_2024",
        "mean_similarity",
    ]
    assert len(stability) == 2 + 3 + 4 + 5
    assert stability["prevalence"].between(0, 1).all()
    # Topics of near-zero prevalence are not rated; every other topic is.
    low = stability["low_prevalence"]
    assert stability.loc[~low, "mean_similarity"].between(0, 1).all()
    assert stability.loc[low, "mean_similarity"].isna().all()
    chosen_rows = stability[stability["num_topics"] == chosen]
    assert (
        chosen_rows.loc[chosen_rows["low_prevalence"], "topic"].tolist()
        == (choice["low_prevalence_topics"])
    )
    topic_map = pd.read_csv(results / "06_themes/topic_map.csv")
    assert list(topic_map.columns) == ["topic", "x", "y", "prevalence", "top_words", "theme"]
    assert topic_map["prevalence"].sum() == pytest.approx(1, abs=1e-5)
    # No gold labels in the seeds: no evaluation stage.
    assert not (results / "07_evaluation").exists()


@pytest.mark.parametrize(
    ("article", "theme"),
    [
        ("shoigu_isis", "terrorism"),
        ("rasmussen_moscow", "nato_relations"),
        ("nato_resume", "nato_relations"),
    ],
)
def test_dominant_theme_of_seed_article(seed_run, seed_ids, article, theme):
    doc_themes = pd.read_csv(seed_run / "results/06_themes/doc_themes.csv").set_index("doc_id")
    assert doc_themes.loc[seed_ids[article], "dominant_theme"] == theme


@pytest.mark.parametrize(
    ("article", "traces"),
    [
        # Instagram subscription lines, the comment disclaimer and the site name of seed 003.
        ("rasmussen_moscow", ["نستجرام", "اشتراك", "ايلاف", "مستخدمي", "قراؤنا", "كتابها"]),
        # The "copy link" line with its URL and the comments-policy line of seed 004.
        ("nato_resume", ["انسخ", "رابط", "http", "rt", "تعليمات", "صفحات"]),
        # The stray & separator lines of seed 002.
        ("shoigu_isis", ["&"]),
    ],
)
def test_boilerplate_leaves_no_trace_in_tokens(seed_run, seed_ids, article, traces):
    tokens = read_tokens(seed_run)[seed_ids[article]]
    assert len(tokens) > 100
    assert [t for t in tokens if any(trace in t for trace in traces)] == []


def test_tokens_are_arabic_letters_only(seed_run):
    # Arabic letters, and _ inside multiword terms (شرق_اوسط).
    letters = re.compile(r"^[\u0621-\u063A\u0641-\u064A_]+$")
    for doc_id, tokens in read_tokens(seed_run).items():
        assert [t for t in tokens if not letters.match(t)] == [], doc_id


def test_second_run_does_nothing(seed_run, snakemake):
    result = snakemake(seed_run, "all", "paper", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_paper_checksums_verify(seed_run):
    paper = seed_run / "results/paper"
    lines = (paper / "checksums.sha256").read_text().splitlines()
    # Snakemake marks a directory output with a hidden .snakemake_timestamp file.
    names = sorted(
        p.name for p in paper.iterdir() if p.name != "checksums.sha256" and p.name[0] != "."
    )
    assert [line.split("  ")[1] for line in lines] == names
    assert any(n.startswith("fig01_") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("table01_") and n.endswith(".tex") for n in names)
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((paper / name).read_bytes()).hexdigest() == digest


def test_report_holds_every_stage(seed_run, snakemake, tmp_path):
    report = tmp_path / "report.html"
    snakemake(seed_run, "--report", str(report))
    html = report.read_text(encoding="utf-8")
    stages = ("1. Corpus", "2. Normalize", "3. TF-IDF", "4. LDA", "5. Clusters", "6. Themes")
    for category in stages:
        assert category in html
    assert "doc_themes.png" in html
    # One entry per result: the PNG of a figure and the CSV of a table, with the PDF and the
    # Markdown beside them in results/ but not listed again.
    entries = set(re.findall(r'"(results/[^"]+)": \{"name": ', html))
    assert "results/06_themes/doc_themes.png" in entries
    assert "results/06_themes/doc_themes.pdf" not in entries
    assert "results/04_lda/topic_stability.csv" in entries
    assert "results/04_lda/topic_stability.md" not in entries
    assert not {e for e in entries if e.endswith((".pdf", ".md"))}
    # The landing page.
    assert "0. Summary" in html and "results/summary.html" in entries


def test_run_summary_page(seed_run):
    """The landing page names the chosen K, every topic with its words as written and its
    representative titles, and the themes; Arabic sits in right-to-left cells."""
    page = (seed_run / "results/summary.html").read_text(encoding="utf-8")
    chosen = json.loads((seed_run / "results/04_lda/chosen_k.json").read_text())["num_topics"]
    assert f"K = {chosen} of the Ks fitted" in page
    labels = pd.read_csv(seed_run / "results/04_lda/topic_labels.csv")
    for words in labels["top_words"]:
        assert f'<span dir="rtl">{words}</span>' in page
    # Up to three articles per topic, those with at least 1 % of it.
    assert chosen <= page.count("<li>") <= 3 * chosen
    assert "رئيس" in page or "خارجية" in page  # display forms, not folded terms
    for theme in ("terrorism", "nato_relations", "middle_east_peace"):
        assert theme in page
    # The paper names the topics too.
    names = (seed_run / "results/paper").glob("table*_topic_labels.md")
    (table,) = list(names)
    assert all(words in table.read_text(encoding="utf-8") for words in labels["top_words"])


def test_words_are_shown_as_the_corpus_wrote_them(seed_run):
    """The vocabulary table gives every term its display form, which the tables of words
    show beside the normalized term."""
    results = seed_run / "results"
    vocabulary = pd.read_csv(results / "02_normalize/vocabulary.csv", keep_default_na=False)
    assert list(vocabulary.columns) == ["rank", "term", "display", "count", "documents", "forms"]
    display = dict(zip(vocabulary["term"], vocabulary["display"], strict=True))
    # The seeds write رئيس, خارجية and روسية with hamza and taa marbuta.
    assert display["رييس"] == "رئيس"
    assert display["خارجيه"] == "خارجية"
    assert vocabulary.loc[vocabulary["term"] == "رييس", "forms"].iloc[0].startswith("رئيس (")
    topics = pd.read_csv(results / "04_lda/topics.csv", keep_default_na=False)
    assert (topics["display"] == topics["term"].map(display)).all()
    top_terms = pd.read_csv(results / "03_tfidf/top_terms_per_document.csv", keep_default_na=False)
    assert (top_terms["display"] == top_terms["term"].map(display)).all()
    clusters = pd.read_csv(results / "05_clusters/cluster_top_terms.csv", keep_default_na=False)
    assert (clusters["display"] == clusters["term"].map(display)).all()
    summary = pd.read_csv(results / "06_themes/topic_summary.csv", keep_default_na=False)
    for row in summary.itertuples():
        shown = [display.get(t, t) for t in row.top_terms.split("، ")]
        assert row.top_words.split("، ") == shown


def test_topic_descriptions(seed_run):
    """Words ranked four ways, every K's topic quality, and representative articles that are
    the documents of highest share."""
    results = seed_run / "results"
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    words = pd.read_csv(results / "04_lda/topic_words.csv", keep_default_na=False)
    assert set(words["ranking"]) == {"probability", "frex", "lift", "relevance"}
    assert sorted(words["topic"].unique()) == list(range(1, chosen + 1))
    for (_, ranking), group in words.groupby(["topic", "ranking"]):
        assert group[ranking].is_monotonic_decreasing
    topics = pd.read_csv(results / "04_lda/topics.csv", keep_default_na=False)
    by_probability = words[words["ranking"] == "probability"]
    for topic, group in topics.groupby("topic"):
        ranked = by_probability[by_probability["topic"] == topic]
        assert ranked["term"].tolist()[:5] == group["term"].tolist()[:5]
    quality = pd.read_csv(results / "04_lda/topic_quality.csv")
    assert len(quality) == 2 + 3 + 4 + 5
    assert set(quality.loc[quality["chosen"], "num_topics"]) == {chosen}
    rated = ~quality["low_prevalence"]
    assert quality.loc[rated, "exclusivity"].between(0, 10).all()
    assert quality["coherence"].between(-1, 1).all()
    documents = pd.read_csv(results / "04_lda/representative_documents.csv", keep_default_na=False)
    doc_topics = pd.read_csv(results / "04_lda/doc_topics.csv").set_index("doc_id")
    for topic, group in documents.groupby("topic"):
        assert group["doc_id"].iloc[0] == doc_topics[f"topic_{topic}"].idxmax()
    assert (documents["title"] != "").all()
    assert documents["snippet"].str.len().le(302).all()
    assert (results / "04_lda/topic_quality.png").stat().st_size > 10_000


def test_figures_name_documents_by_title(seed_run, seed_ids):
    """The seeds have no title field: each document is named by its first line."""
    titles = pd.read_csv(seed_run / "results/01_corpus/titles.csv", keep_default_na=False)
    assert sorted(titles["doc_id"]) == sorted(seed_ids.values())
    assert (titles["title"] != "").all()
    first_lines = {
        doc_id: next(line.strip() for line in text.splitlines() if line.strip())
        for doc_id, text in (
            (p.stem, p.read_text(encoding="utf-8")) for p in (seed_run / "seeds").glob("*.txt")
        )
    }
    for row in titles.itertuples():
        assert first_lines[row.doc_id].startswith(row.title.removesuffix(" …")[:20])
