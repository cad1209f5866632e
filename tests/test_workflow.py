"""Workflow tests: Snakemake runs the whole pipeline on the seed articles in a temp dir."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("Snakefile", "workflow", "config", "seeds", "src")
SEEDS = {
    "ministers_2008": "000_37fe95ebe3fe0d6f",
    "putin_macron": "001_7d3f794f59740fcf",
    "shoigu_isis": "002_a4337a132dd5787c",
    "rasmussen_moscow": "003_2e2cb605ab57c9b7",
    "nato_resume": "004_02649756a4642aab",
}
TABLE_SUFFIXES = (".csv", ".md", ".tsv", ".jsonl")

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
    *[f"05_clusters/silhouette_by_k.{e}" for e in ("csv", "md", "png", "pdf")],
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


def copy_project(target: Path) -> Path:
    """A fresh copy of the workflow, as a user's clone would have it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` with this interpreter's installation."""
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "4", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def table_digests(results: Path) -> dict[str, str]:
    """SHA-256 of every table under ``results`` (not benchmarks, which hold timings)."""
    return {
        str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.suffix in TABLE_SUFFIXES and "benchmarks" not in p.parts
    }


def edit_config(workdir: Path, edit) -> None:
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> Path:
    """The whole workflow and the paper target, run once on the seeds."""
    workdir = copy_project(tmp_path_factory.mktemp("seed_run"))
    snakemake(workdir, "all", "paper")
    return workdir


def read_tokens(workdir: Path) -> dict[str, list[str]]:
    path = workdir / "results/02_normalize/tokens.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["doc_id"]: r["tokens"] for r in records}


def test_every_stage_writes_its_files(seed_run):
    missing = [f for f in EXPECTED_FILES if not (seed_run / "results" / f).is_file()]
    assert missing == []
    for figure in (seed_run / "results").rglob("*.png"):
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", figure


def test_manifest_accounts_for_every_seed(seed_run):
    manifest = pd.read_csv(seed_run / "results/01_corpus/manifest.tsv", sep="\t")
    assert list(manifest.columns) == ["doc_id", "location", "status", "reason", "encoding", "note"]
    assert sorted(manifest["doc_id"]) == sorted(SEEDS.values())
    assert set(manifest["status"]) == {"kept"}


def test_table_columns(seed_run):
    results = seed_run / "results"
    topics = pd.read_csv(results / "04_lda/topics.csv")
    assert list(topics.columns) == ["topic", "rank", "term", "weight"]
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    assert sorted(topics["topic"].unique()) == list(range(1, chosen + 1))
    doc_topics = pd.read_csv(results / "04_lda/doc_topics.csv")
    assert list(doc_topics.columns) == ["doc_id", *[f"topic_{k}" for k in range(1, chosen + 1)]]
    assert doc_topics.drop(columns="doc_id").sum(axis=1).round(4).eq(1).all()
    assignments = pd.read_csv(results / "05_clusters/assignments.csv")
    assert list(assignments.columns) == ["doc_id", "cluster"]
    doc_themes = pd.read_csv(results / "06_themes/doc_themes.csv")
    themes = list(yaml.safe_load((seed_run / "config/config.yaml").read_text())["themes"]["seeds"])
    assert list(doc_themes.columns) == ["doc_id", *themes, "dominant_theme"]
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert list(selection["num_topics"]) == [2, 3, 4, 5]
    assert selection["chosen"].sum() == 1
    assert (selection["runs"] == 3).all()  # the three seeds of lda.seeds
    assert selection["heldout_perplexity"].gt(1).all()
    stability = pd.read_csv(results / "04_lda/topic_stability.csv")
    assert list(stability.columns) == [
        "num_topics",
        "topic",
        "top_words",
        "similarity_seed_7",
        "similarity_seed_2024",
        "mean_similarity",
    ]
    assert len(stability) == 2 + 3 + 4 + 5
    assert stability["mean_similarity"].between(0, 1).all()
    topic_map = pd.read_csv(results / "06_themes/topic_map.csv")
    assert list(topic_map.columns) == ["topic", "x", "y", "prevalence", "top_words", "theme"]
    assert topic_map["prevalence"].sum() == pytest.approx(1, abs=1e-5)
    # No gold labels in the seeds: no evaluation stage.
    assert not (results / "07_evaluation").exists()


@pytest.mark.parametrize(
    ("seed", "theme"),
    [
        ("shoigu_isis", "terrorism"),
        ("rasmussen_moscow", "nato_relations"),
        ("nato_resume", "nato_relations"),
    ],
)
def test_dominant_theme_of_seed(seed_run, seed, theme):
    doc_themes = pd.read_csv(seed_run / "results/06_themes/doc_themes.csv").set_index("doc_id")
    assert doc_themes.loc[SEEDS[seed], "dominant_theme"] == theme


@pytest.mark.parametrize(
    ("seed", "traces"),
    [
        # Instagram subscription lines, the comment disclaimer and the site name of seed 003.
        ("rasmussen_moscow", ["نستجرام", "اشتراك", "ايلاف", "مستخدمي", "قراؤنا", "كتابها"]),
        # The "copy link" line with its URL and the comments-policy line of seed 004.
        ("nato_resume", ["انسخ", "رابط", "http", "rt", "تعليمات", "صفحات"]),
        # The stray & separator lines of seed 002.
        ("shoigu_isis", ["&"]),
    ],
)
def test_boilerplate_leaves_no_trace_in_tokens(seed_run, seed, traces):
    tokens = read_tokens(seed_run)[SEEDS[seed]]
    assert len(tokens) > 100
    assert [t for t in tokens if any(trace in t for trace in traces)] == []


def test_tokens_are_arabic_letters_only(seed_run):
    # Arabic letters, and _ inside multiword terms (شرق_اوسط).
    letters = re.compile(r"^[\u0621-\u063A\u0641-\u064A_]+$")
    for doc_id, tokens in read_tokens(seed_run).items():
        assert [t for t in tokens if not letters.match(t)] == [], doc_id


def test_second_run_does_nothing(seed_run):
    result = snakemake(seed_run, "all", "paper", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_runs_from_scratch_are_byte_identical(seed_run, tmp_path):
    again = copy_project(tmp_path / "again")
    snakemake(again, "all", "paper")
    first, second = table_digests(seed_run / "results"), table_digests(again / "results")
    assert len(first) > 40
    assert first == second
    paper = (seed_run / "results/paper/checksums.sha256").read_text()
    assert paper == (again / "results/paper/checksums.sha256").read_text()


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


def test_report_holds_every_stage(seed_run):
    snakemake(seed_run, "--report", "results/report.html")
    html = (seed_run / "results/report.html").read_text(encoding="utf-8")
    stages = ("1. Corpus", "2. Normalize", "3. TF-IDF", "4. LDA", "5. Clusters", "6. Themes")
    for category in stages:
        assert category in html
    assert "doc_themes.png" in html


def jobs_of_dry_run(workdir: Path) -> set[str]:
    """Names of the rules a dry run would execute."""
    result = snakemake(workdir, "all", "--dry-run", "--quiet", "rules")
    return set(re.findall(r"^(\w+)\s+\d+\s*$", result.stdout, flags=re.MULTILINE))


def test_changing_num_topics_reruns_lda_and_after_only(seed_run, tmp_path):
    workdir = tmp_path / "changed"
    shutil.copytree(seed_run, workdir)

    def fewer_topics(config):
        config["lda"]["num_topics"] = [2, 3]

    edit_config(workdir, fewer_topics)
    jobs = jobs_of_dry_run(workdir)
    assert {"select_num_topics", "plot_lda", "assign_themes", "plot_themes"} <= jobs
    assert jobs.isdisjoint({"read_corpus", "normalize_corpus", "compute_tfidf", "build_lda_corpus"})
    # K = 2 and 3 are already fitted with the same settings and seeds.
    assert jobs.isdisjoint({"fit_topic_model", "heldout_perplexity"})


@pytest.mark.parametrize(
    ("key", "value", "refits"),
    [
        ("sampling_iterations", 50, False),  # tomotopy's setting: the gensim fits stay
        ("iterations", 50, True),  # gensim's inference iterations: every fit again
    ],
)
def test_an_engine_setting_refits_only_the_engines_that_read_it(
    seed_run, tmp_path, key, value, refits
):
    workdir = tmp_path / "engine_setting"
    shutil.copytree(seed_run, workdir)
    edit_config(workdir, lambda c: c["lda"].update({key: value}))
    jobs = jobs_of_dry_run(workdir)
    assert ("fit_topic_model" in jobs) is refits
    assert ("heldout_perplexity" in jobs) is refits


def test_changing_a_normalization_switch_reruns_from_normalization(seed_run, tmp_path):
    workdir = tmp_path / "switch"
    shutil.copytree(seed_run, workdir)

    def keep_taa_marbuta(config):
        config["normalize"]["fold_taa_marbuta"] = False

    edit_config(workdir, keep_taa_marbuta)
    jobs = jobs_of_dry_run(workdir)
    assert {"build_normalizer", "tokenize_shard", "normalize_corpus", "compute_tfidf"} <= jobs
    assert {"fit_topic_model", "assign_themes"} <= jobs
    # The passes before the rules of single words do not read that switch.
    assert jobs.isdisjoint({"read_corpus", "find_recurring_lines", "count_shard"})


def test_sharded_run_gives_identical_tables(seed_run, tmp_path):
    sharded = copy_project(tmp_path / "sharded")
    edit_config(sharded, lambda c: c["corpus"].update(shard_size=2))
    snakemake(sharded, "all")
    shards = sorted(p.name for p in (sharded / "results/01_corpus/shards").glob("*.jsonl"))
    assert shards == ["00001.jsonl", "00002.jsonl", "00003.jsonl"]
    counted = sorted(p.name for p in (sharded / "results/benchmarks/count_shard").iterdir())
    assert counted == ["00001.tsv", "00002.tsv", "00003.tsv"]

    def merged_tables(results: Path) -> dict[str, str]:
        digests = table_digests(results)
        return {k: v for k, v in digests.items() if "shards" not in k and "paper" not in k}

    one, three = merged_tables(seed_run / "results"), merged_tables(sharded / "results")
    assert len(one) > 40
    assert one == three


@pytest.mark.parametrize(
    ("case", "edit", "message"),
    [
        ("missing key", lambda c: c["lda"].pop("num_topics"), "'num_topics' is a required"),
        ("negative topics", lambda c: c["lda"].update(num_topics=-3), "['lda']['num_topics']"),
        ("unknown key", lambda c: c["lda"].update(num_topic=3), "num_topic"),
        ("bad method", lambda c: c["cluster"].update(method="dbscan"), "'dbscan' is not one of"),
        (
            "guided sklearn",
            lambda c: c["lda"].update(engine="sklearn_lda", guided=True),
            "lda.guided",
        ),
        (
            "guided too few topics",
            lambda c: c["lda"].update(guided=True),
            "lda.guided needs every K to be at least the number of themes (3); the smallest is 2",
        ),
        (
            "alpha of another engine",
            lambda c: c["lda"].update(alpha="asymmetric"),
            "evaluation.engines has sklearn_lda",
        ),
        ("bad cluster k", lambda c: c["cluster"].update(k="many"), "['cluster']['k']"),
        (
            "missing corpus",
            lambda c: c["corpus"]["sources"][0].update(path="no/such/folder"),
            "corpus.sources[0].path: no/such/folder does not exist",
        ),
    ],
)
def test_config_errors_stop_before_any_job(tmp_path, case, edit, message):
    workdir = copy_project(tmp_path / "broken")
    edit_config(workdir, edit)
    result = snakemake(workdir, "all", check=False)
    assert result.returncode != 0, case
    assert message in result.stdout + result.stderr, case
    assert not (workdir / "results").exists(), case


def test_own_corpus_with_bad_files(tmp_path):
    """A user's corpus with an empty file, a non-UTF-8 file and a duplicate: all accounted for."""
    workdir = copy_project(tmp_path / "own")
    corpus = workdir / "my_corpus"
    shutil.copytree(workdir / "seeds", corpus / "2024")
    (corpus / "2024" / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "2024" / "latin1.txt").write_bytes("روسيا".encode() + b"\xff\xfe\xfa")
    original = workdir / "seeds" / f"{SEEDS['nato_resume']}.txt"
    (corpus / "copy.txt").write_bytes(original.read_bytes())
    (workdir / "my.yaml").write_text(
        "corpus:\n  sources:\n    - path: my_corpus\n      format: txt\n"
        "lda:\n  num_topics: 3\ncluster:\n  k: 2\n",
        encoding="utf-8",
    )
    snakemake(workdir, "all", "--configfile", "my.yaml")
    manifest = pd.read_csv(workdir / "results/01_corpus/manifest.tsv", sep="\t").fillna("")
    assert len(manifest) == 8
    reasons = dict(zip(manifest["doc_id"], manifest["reason"], strict=True))
    assert reasons["2024/empty"] == "empty"
    assert reasons["2024/latin1"] == "undecodable"
    assert reasons["copy"] == f"duplicate_of:2024/{SEEDS['nato_resume']}"
    assert (manifest["status"] == "kept").sum() == 5
    doc_themes = pd.read_csv(workdir / "results/06_themes/doc_themes.csv")
    assert len(doc_themes) == 5
    assert json.loads((workdir / "results/04_lda/chosen_k.json").read_text())["num_topics"] == 3


def test_dated_jsonl_corpus_with_sources(tmp_path):
    """A JSON Lines export with dates and outlets, gzipped: read in place, and the trends
    stage tabulates topics and themes by month and by outlet."""
    workdir = copy_project(tmp_path / "dated")
    records = []
    for number, (name, doc_id) in enumerate(SEEDS.items()):
        text = (workdir / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        paragraphs = [p for p in text.split("\n") if len(p.split()) >= 20]
        for i, paragraph in enumerate(paragraphs):
            records.append(
                {
                    "id": f"{name}_{i}",
                    "date": f"2015-0{7 + (number + i) % 2}-{10 + i:02d}",
                    "source": ("okaz", "alriyadh")[i % 2],
                    "text": paragraph,
                }
            )
    records.append({"id": "no_text", "date": "2015-07-01", "source": "okaz"})
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ["{not json"]
    with gzip.open(workdir / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    (workdir / "news.yaml").write_text(
        "corpus:\n  sources:\n    - path: news.jsonl.gz\n      format: jsonl\n"
        "  shard_size: 7\nlda:\n  num_topics: 3\ncluster:\n  k: 3\n",
        encoding="utf-8",
    )
    snakemake(workdir, "all", "--configfile", "news.yaml")
    results = workdir / "results"
    manifest = pd.read_csv(results / "02_normalize/manifest.tsv", sep="\t").fillna("")
    assert len(manifest) == len(records) + 1  # every record and the malformed line
    reasons = dict(zip(manifest["doc_id"], manifest["reason"], strict=True))
    assert reasons["no_text"] == f"malformed_record:{len(records)}"
    assert reasons[f"line_{len(records) + 1}"] == f"malformed_record:{len(records) + 1}"
    kept = manifest.loc[manifest["status"] == "kept", "doc_id"]
    assert len(kept) == len(records) - 1 > 20
    assert len(list((results / "01_corpus/shards").glob("*.jsonl"))) == -(-len(kept) // 7)
    topics = pd.read_csv(results / "08_trends/topics_over_time.csv")
    assert list(topics["period"]) == ["2015-07", "2015-08"]
    assert topics["documents"].sum() == len(kept)
    assert topics.filter(like="topic_").sum(axis=1).round(4).eq(1).all()
    sources = pd.read_csv(results / "08_trends/topics_by_source.csv")
    assert sorted(sources["source"]) == ["alriyadh", "okaz"]
    themes = pd.read_csv(results / "08_trends/themes_over_time.csv")
    assert set(themes["period"]) == {"2015-07", "2015-08"}


@pytest.mark.parametrize("engine", ["sklearn_lda", "sklearn_nmf", "tomotopy"])
def test_seed_checks_hold_for_every_engine(tmp_path, engine):
    """Every engine writes the same tables, and the seeds get the themes they get with gensim."""
    workdir = copy_project(tmp_path / engine)
    edit_config(workdir, lambda c: c["lda"].update(engine=engine, seeds=[42], heldout_share=0))
    snakemake(workdir, "results/06_themes/doc_themes.csv", "results/04_lda/model_selection.csv")
    results = workdir / "results"
    chosen = json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"]
    topics = pd.read_csv(results / "04_lda/topics.csv")
    assert list(topics.columns) == ["topic", "rank", "term", "weight"]
    doc_topics = pd.read_csv(results / "04_lda/doc_topics.csv")
    assert list(doc_topics.columns) == ["doc_id", *[f"topic_{k}" for k in range(1, chosen + 1)]]
    assert doc_topics.drop(columns="doc_id").sum(axis=1).round(4).eq(1).all()
    assert (results / f"04_lda/runs/{engine}/k_{chosen}/seed_42/model").is_dir()
    doc_themes = pd.read_csv(results / "06_themes/doc_themes.csv").set_index("doc_id")
    expected = {"shoigu_isis": "terrorism", "rasmussen_moscow": "nato_relations"}
    for seed, theme in expected.items():
        assert doc_themes.loc[SEEDS[seed], "dominant_theme"] == theme, (engine, seed)


def test_guided_topics_on_the_seeds(tmp_path):
    """lda.guided: one topic per theme holds its seed words, compared with the unguided model."""
    workdir = copy_project(tmp_path / "guided")
    edit_config(
        workdir,
        lambda c: c["lda"].update(guided=True, num_topics=[3, 4], seeds=[42], heldout_share=0),
    )
    snakemake(workdir, "all")
    results = workdir / "results"
    seeds = pd.read_csv(results / "04_lda/guided_seed_words.csv")
    assert set(seeds["status"]) <= {
        "in_vocabulary",
        "not_in_vocabulary",
        "removed_by_normalization",
    }
    assert list(seeds["topic"].unique()) == [1, 2, 3]
    log = (results / "logs/build_guided_prior.log").read_text(encoding="utf-8")
    for row in seeds[seeds["status"] != "in_vocabulary"].itertuples():
        assert repr(row.seed) in log  # every seed that cannot guide is reported
    comparison = pd.read_csv(results / "06_themes/guided_comparison.csv")
    assert list(comparison["theme"]) == ["terrorism", "nato_relations", "middle_east_peace"]
    assert list(comparison["guided_topic"]) == [1, 2, 3]
    assert comparison["guided_score"].sum() > comparison["unguided_score"].sum()
    measures = pd.read_csv(results / "06_themes/guided_measures.csv").set_index("measure")
    assert {"c_npmi", "c_v", "u_mass", "diversity"} <= set(measures.index)
    documents = pd.read_csv(results / "06_themes/guided_doc_themes.csv")
    assert len(documents) == 5
    assert (results / "06_themes/guided_comparison.png").stat().st_size > 10_000


PLANTED = {
    "economy": "اقتصاد نفط أسعار تضخم بنك استثمار عملة ميزانية صادرات ضرائب بورصة شركات",
    "sport": "مباراة فريق هدف لاعب بطولة ملعب مدرب كرة منتخب دوري حارس جمهور",
    "culture": "مهرجان رواية شاعر مسرح سينما فيلم كتاب معرض فنان موسيقى قصيدة تراث",
}


def write_planted_corpus(folder: Path, per_label: int = 30, length: int = 40) -> None:
    """A folder-per-category corpus (as hespress-4cat): each article drawn from the words of
    its category only, so the right number of topics is 3 and the labels are recoverable."""
    rng = np.random.RandomState(3)
    for label, words in PLANTED.items():
        (folder / label).mkdir(parents=True)
        vocabulary = words.split()
        for number in range(per_label):
            text = " ".join(rng.choice(vocabulary, size=length))
            (folder / label / f"{number}.txt").write_text(text + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory) -> Path:
    """The workflow on a planted three-category corpus with gold labels, K and k on auto."""
    workdir = copy_project(tmp_path_factory.mktemp("planted"))
    write_planted_corpus(workdir / "planted")
    (workdir / "planted.yaml").write_text(
        "corpus:\n  sources:\n    - path: planted\n      format: txt\n"
        "      label_from: parent_folder\n"
        "lda:\n  num_topics: auto\n  num_topics_range: {min: 2, max: 5, step: 1}\n"
        "  seeds: [1, 2, 3]\n"
        "cluster:\n  k: auto\n  k_range: {min: 2, max: 5}\n",
        encoding="utf-8",
    )
    snakemake(workdir, "all", "--configfile", "planted.yaml")
    return workdir


def test_planted_corpus_auto_finds_k(planted_run):
    results = planted_run / "results"
    assert json.loads((results / "04_lda/chosen_k.json").read_text())["num_topics"] == 3
    selection = pd.read_csv(results / "04_lda/model_selection.csv")
    assert list(selection["num_topics"]) == [2, 3, 4, 5]
    silhouette = pd.read_csv(results / "05_clusters/silhouette_by_k.csv")
    assert silhouette.loc[silhouette["chosen"], "k"].tolist() == [3]


def test_planted_corpus_evaluation_recovers_labels(planted_run):
    results = planted_run / "results/07_evaluation"
    metrics = pd.read_csv(results / "metrics.csv")
    assert list(metrics.columns) == [
        "method",
        "seed",
        "documents",
        "nmi",
        "ari",
        "v_measure",
        "purity",
    ]
    methods = [
        "kmeans_lsa",
        "topics_gensim",
        "topics_sklearn_lda",
        "topics_sklearn_nmf",
        "topics_tomotopy",
    ]
    assert list(metrics["method"].unique()) == methods
    assert (metrics.groupby("method").size() == 3).all()  # each of the three seeds
    assert (metrics["documents"] == 90).all()
    # Every method recovers the planted labels; an LDA run may still end in a local optimum
    # that merges two topics (scikit-learn's online LDA does for one of these seeds).
    by_method = metrics.groupby("method")["nmi"]
    assert by_method.max().min() > 0.99, metrics.to_string()
    assert by_method.mean().min() > 0.9, metrics.to_string()
    assert metrics.loc[metrics["method"] == "kmeans_lsa", "nmi"].min() > 0.99
    summary = pd.read_csv(results / "metrics_summary.csv")
    assert list(summary["method"]) == methods
    confusion = pd.read_csv(results / "confusion_topics.csv")
    assert list(confusion["label"]) == ["culture", "economy", "sport"]
    assert confusion["total"].tolist() == [30, 30, 30]
    for name in ("metrics", "confusion_clusters", "confusion_topics"):
        assert (results / f"{name}.png").stat().st_size > 10_000


def test_planted_corpus_rerun_is_byte_identical_for_every_engine(planted_run, tmp_path):
    again = copy_project(tmp_path / "again")
    shutil.copytree(planted_run / "planted", again / "planted")
    shutil.copy2(planted_run / "planted.yaml", again / "planted.yaml")
    snakemake(again, "all", "--configfile", "planted.yaml")
    first, second = table_digests(planted_run / "results"), table_digests(again / "results")
    runs = [name for name in first if name.startswith("04_lda/runs/")]
    assert {name.split("/")[2] for name in runs} >= {
        "gensim",
        "sklearn_lda",
        "sklearn_nmf",
        "tomotopy",
    }
    assert first == second
