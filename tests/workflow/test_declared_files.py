"""Every file a job reads is one its rule declares; editing a stage's code reruns only that
stage and what follows it.

Shadow runs: every rule of a copy of the workflow gets ``shadow: "minimal"``, so each job runs
in a folder of its own that holds only its declared inputs, and a job that reads a file its
rule does not declare fails there. Dry runs: every rule's ``code`` param hashes the package
modules its step imports (``get_code_files`` in ``workflow/rules/common.smk``), so an edit
schedules the jobs of that stage and those downstream of them, and no other.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from workflow_runs import copy_run, jobs_of_dry_run, shadow_every_rule

pytestmark = pytest.mark.workflow

#: What the undeclared-read check takes away: the document ids of the bag-of-words corpus,
#: which heldout_perplexity reads with it. (It was the corpus index until the fits read
#: small corpora into memory: only a corpus streamed from disk reads its index now.)
DECLARED_CORPUS = (
    'BOW_CORPUS = ("dictionary", "corpus", "corpus_index", "corpus_counts", "doc_ids")'
)
CORPUS_WITHOUT_DOC_IDS = 'BOW_CORPUS = ("dictionary", "corpus", "corpus_index", "corpus_counts")'


def result_digests(results: Path) -> dict[str, str]:
    """SHA-256 of every file under ``results`` but logs and benchmarks (times and hosts),
    the fitted models (gensim stores the time of the fit), pickles (which store the
    package's module paths), the shards (cut by corpus.shard_size) and the model bundle's
    manifest (it records the config, shard_size included, and the checksums of the pickles
    and models)."""
    digests = {}
    for path in sorted(results.rglob("*")):
        parts = path.relative_to(results).parts
        if (
            not path.is_file()
            or parts[0] in ("logs", "benchmarks")
            or "model" in parts[:-1]
            or path.suffix == ".pickle"
            or path.name.startswith(".")
            or parts[1:2] == ("shards",)
            or parts == ("10_model", "manifest.json")
        ):
            continue
        digests["/".join(parts)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def test_every_job_reads_only_its_declared_files(sharded_seed_run, short_seed_run):
    """Each job of the sharded seeds run ran in its shadow, with its declared inputs only,
    and wrote what the seeds run with the same settings writes (but the shards, which are
    cut elsewhere)."""
    assert (sharded_seed_run / ".snakemake" / "shadow").is_dir()
    assert 'shadow: "minimal"' in (sharded_seed_run / "workflow/rules/lda.smk").read_text()
    shadowed = result_digests(sharded_seed_run / "results")
    reference = result_digests(short_seed_run / "results")
    assert len(shadowed) > 100
    assert any(name.startswith("04_lda/runs/") for name in shadowed)
    # The held-out measure (SHORT_LDA) ran in the shadow too: the second seed's fits.
    fitted = sharded_seed_run / "results/04_lda/runs/gensim/unguided/k_2/seed_7"
    assert json.loads((fitted / "scores.json").read_text())["test_documents"] == 1
    # The reference, a copy of the seeds run, also holds the fits of its own K grid.
    extra = set(reference) - set(shadowed)
    assert all(name.startswith("04_lda/runs/") for name in extra), sorted(extra)
    assert shadowed == {name: reference[name] for name in shadowed}


def rerun_in_shadow(run: Path, workdir: Path, snakemake, targets: list[str], *args: str) -> None:
    """Copy the finished ``run`` to ``workdir``, shadow its rules, and run again the job of
    each target and only those (``--force``; ``args`` as the run had them): their outputs
    are those of ``run``."""
    copy_run(run, workdir)
    shadow_every_rule(workdir)
    results = workdir / "results"
    before = result_digests(results)
    snakemake(workdir, "--force", *targets, *args)
    after = result_digests(results)
    assert after == before
    # The jobs did run again, each in its shadow.
    assert all((workdir / t).stat().st_mtime > (run / t).stat().st_mtime for t in targets)


def test_guided_jobs_read_only_their_declared_files(guided_seed_run, snakemake, tmp_path):
    """The jobs of the guided model, which the seeds run has not: the prior (from the bag of
    words it reads the dictionary only), a guided fit, and the comparison with the unguided
    model."""
    fit = sorted(guided_seed_run.glob("results/04_lda/runs/*/guided/k_*/seed_*/scores.json"))[0]
    targets = [
        "results/06_themes/guided_comparison.png",
        "results/06_themes/guided_comparison.csv",
        str(fit.relative_to(guided_seed_run)),
        "results/04_lda/guided_prior.json",
    ]
    rerun_in_shadow(guided_seed_run, tmp_path / "guided", snakemake, targets)


def test_evaluation_jobs_read_only_their_declared_files(planted_run, snakemake, tmp_path):
    """The gold-label evaluation, which the seeds (without labels) do not run."""
    targets = ["results/07_evaluation/metrics.png", "results/07_evaluation/metrics.csv"]
    rerun_in_shadow(
        planted_run, tmp_path / "planted", snakemake, targets, "--configfile", "planted.yaml"
    )


def test_an_undeclared_read_fails_in_the_shadow(copy_of_seed_run, snakemake):
    """The check has teeth: without the document ids among its inputs, heldout_perplexity
    fails in its shadow."""
    workdir = copy_of_seed_run
    shadow_every_rule(workdir)
    common = workdir / "workflow" / "rules" / "common.smk"
    text = common.read_text()
    assert DECLARED_CORPUS in text
    common.write_text(text.replace(DECLARED_CORPUS, CORPUS_WITHOUT_DOC_IDS))
    results = workdir / "results"
    # The seeds run has no held-out fit (lda.heldout_min_documents): asked for, it runs.
    fitted = sorted(results.glob("04_lda/runs/*/*/k_*"))[0]
    target = (fitted / "heldout.json").relative_to(workdir)
    result = snakemake(workdir, "--force", str(target), check=False)
    assert result.returncode != 0
    logs = "".join(p.read_text() for p in (results / "logs/heldout_perplexity").rglob("*.log"))
    assert "doc_ids.txt" in result.stdout + result.stderr + logs


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        # paper takes no table or figure of the trends.
        # The explorer shows group_effects's intervals.
        (
            "trends/core.py",
            {"trends", "plot_trends", "group_effects", "plot_group_effects", "build_explorer"},
        ),
        ("trends/figures.py", {"plot_trends", "plot_group_effects"}),
        (
            # The fits and everything after them, and the clusters, whose dmm candidate is
            # the dmm engine; not the corpus, normalization or TF-IDF, which import nothing of
            # the topic models. (No held-out fit: the seeds hold out fewer than
            # lda.heldout_min_documents.)
            "topics/engines.py",
            {
                "cluster_documents",
                "plot_clusters",
                "build_lda_corpus",
                "fit_topic_model",
                "select_num_topics",
                "plot_lda",
                "describe_topics",
                "plot_topic_quality",
                "curate_topics",
                "label_topics",
                "summarize_run",
                "assign_themes",
                "plot_themes",
                "trends",
                "plot_trends",
                "group_effects",
                "plot_group_effects",
                "build_explorer",
                "export_model",
                "paper",
            },
        ),
    ],
)
def test_editing_a_stage_reruns_that_stage_and_after_only(
    copy_of_seed_run, snakemake, module, expected
):
    path = copy_of_seed_run / "src" / "arabic_news_topics" / module
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert jobs_of_dry_run(snakemake, copy_of_seed_run) == expected
