"""The command line ``arabic-news-topics apply`` (arabic_news_topics.apply.cli)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.apply import cli


def test_poisson_bootstrap_intervals_cover_the_true_mean():
    """Planted truth: documents drawn from a Dirichlet of known mean; the 95 % intervals of
    the streamed bootstrap cover each topic's true mean in about 95 % of 100 corpora."""
    alpha = np.array([2.0, 1.0, 0.5])
    truth = alpha / alpha.sum()
    rng = np.random.default_rng(0)
    covered = []
    for repeat in range(100):
        boot = cli.PoissonBootstrap(3, resamples=300, random_state=repeat)
        theta = rng.dirichlet(alpha, size=300)
        for batch in np.array_split(theta, 7):  # streamed in batches
            boot.add(batch)
        np.testing.assert_allclose(boot.estimate(), theta.mean(axis=0))
        means = boot.means()
        low, high = np.percentile(means, 2.5, axis=0), np.percentile(means, 97.5, axis=0)
        covered.append((low <= truth) & (truth <= high))
    coverage = np.mean(covered)
    assert 0.90 <= coverage <= 0.99


@pytest.mark.workflow
def test_apply_writes_manifest_topics_and_comparison(seed_run, tmp_path, capsys):
    bundle = seed_run / "results/10_model"
    articles = tmp_path / "week.jsonl"
    records = [
        {"id": "attack", "text": "أعلن تنظيم داعش مسؤوليته عن هجوم إرهابي بسيارة مفخخة في سوريا"},
        {
            "id": "summit",
            "text": "اجتمع قادة حلف شمال الأطلسي الناتو في قمة لبحث العلاقات مع روسيا",
        },
        {"id": "english", "text": "Only English words here, nothing Arabic."},
        {"id": "blank", "text": ""},
    ]
    articles.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{broken\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert cli.main(["apply", str(bundle), str(articles), "-o", str(out)]) == 0
    manifest = pd.read_csv(out / "manifest.tsv", sep="\t", keep_default_na=False)
    # Every record is accounted for, as in stage 1: two kept, three dropped with a reason.
    assert manifest["status"].tolist().count("kept") == 2
    reasons = set(manifest.loc[manifest["status"] != "kept", "reason"])
    assert {"not_arabic", "empty"} <= reasons and any(r.startswith("malformed") for r in reasons)
    topics = pd.read_csv(out / "document_topics.csv").set_index("doc_id")
    assert topics.loc["attack", "dominant_theme"] == "terrorism"
    assert topics.loc["summit", "dominant_theme"] == "nato_relations"
    comparison = pd.read_csv(out / "prevalence_comparison.csv")
    assert len(comparison) == len([c for c in topics.columns if c.startswith("topic_")]) - 2
    assert (comparison["new_documents"] == 2).all()
    assert (comparison["difference_lower"] <= comparison["difference_upper"]).all()
    np.testing.assert_allclose(comparison["new"].sum(), 1.0, atol=1e-5)


@pytest.mark.workflow
def test_apply_refuses_bad_input_with_a_message(seed_run, tmp_path, capsys):
    bundle = seed_run / "results/10_model"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert cli.main(["apply", str(bundle), str(empty), "-o", str(tmp_path / "a")]) == 2
    assert "no article to apply the model to" in capsys.readouterr().err
    assert (tmp_path / "a/manifest.tsv").is_file()  # what was read is still accounted for
    missing = tmp_path / "missing.jsonl"
    assert cli.main(["apply", str(bundle), str(missing), "-o", str(tmp_path / "b")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    nowhere = tmp_path / "no_bundle"
    assert cli.main(["apply", str(nowhere), str(empty), "-o", str(tmp_path / "c")]) == 2
    assert "the folder does not exist" in capsys.readouterr().err
    other = tmp_path / "other_version"
    shutil.copytree(bundle, other)
    manifest = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
    manifest["package_version"] = "0.0.1"
    (other / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    articles = tmp_path / "one.jsonl"
    articles.write_text(json.dumps({"id": "x", "text": "قمة الناتو"}) + "\n", encoding="utf-8")
    assert cli.main(["apply", str(other), str(articles), "-o", str(tmp_path / "d")]) == 2
    assert "written by arabic-news-topics 0.0.1" in capsys.readouterr().err
