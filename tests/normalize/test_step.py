"""The normalization steps (arabic_news_topics.normalize.step), pass after pass on a small
corpus: too few documents left after normalization stop with one message that says how many
are left and why the others were dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from arabic_news_topics.corpus import core as corpus
from arabic_news_topics.normalize import step

ROOT = Path(__file__).resolve().parents[2]
STORY = (
    "أعلنت وزارة الخارجية الروسية اليوم أن الوزير سيرغي لافروف سيلتقي نظيره الفرنسي في باريس "
    "الأسبوع المقبل لبحث الأزمة السورية ومكافحة الإرهاب والعلاقات بين روسيا وحلف شمال الأطلسي."
)


def normalize_passes(tmp_path: Path, texts: dict[str, str], min_document_tokens: int) -> Path:
    """Every pass of stage 2 on one shard of these documents; returns the results folder."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    settings = config["normalize"]
    out = tmp_path / "results"
    shard = out / "01_corpus/shards/00001.jsonl"
    shard.parent.mkdir(parents=True)
    documents = [
        {"doc_id": doc_id, "title": "", "text": text, "date": "", "label": "", "source": "s",
         "location": f"{doc_id}.txt"}
        for doc_id, text in texts.items()
    ]  # fmt: skip
    shard.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8"
    )
    manifest = out / "01_corpus/manifest.tsv"
    rows = [(d["doc_id"], d["location"], "kept", "", "utf-8", "") for d in documents]
    rows.append(("x", "x.txt", "dropped", "not_arabic:fa", "utf-8", ""))
    pd.DataFrame(rows, columns=corpus.MANIFEST_COLUMNS).to_csv(manifest, sep="\t", index=False)
    norm = out / "02_normalize"
    recurring, counts = norm / "recurring_lines.json", norm / "shards/00001/counts.pickle"
    normalizer = norm / "normalizer.pickle"
    tokens, joined = norm / "shards/00001/tokens.jsonl", norm / "shards/00001/joined.json"
    norm.mkdir(parents=True)
    step.find_recurring_lines([str(shard)], settings, str(recurring))
    step.count_shard(str(shard), settings, str(recurring), str(counts))
    step.build_normalizer(
        [str(counts)],
        settings,
        str(ROOT / settings["multiword_list_file"]),
        str(ROOT / settings["reporting_words_file"]),
        str(recurring),
        str(normalizer),
    )
    tokens.parent.mkdir(parents=True, exist_ok=True)
    step.tokenize_shard(str(shard), str(normalizer), str(tokens), str(joined))
    tables = {
        f"{name}_{ext}": str(norm / f"{name}.{ext}")
        for name in ("steps", "top_terms", "removed", "examples", "expressions")
        for ext in ("csv", "md")
    }
    step.normalize_corpus(
        shard_tokens=[str(tokens)],
        joined=[str(joined)],
        normalizer=str(normalizer),
        corpus_manifest=str(manifest),
        min_document_tokens=min_document_tokens,
        tokens=str(norm / "tokens.jsonl"),
        manifest=str(norm / "manifest.tsv"),
        vocabulary=str(norm / "vocabulary.csv"),
        phrases=str(norm / "phrases.pickle"),
        **tables,
    )
    return out


def test_normalize_corpus_drops_short_documents(tmp_path):
    texts = {"a": STORY, "b": STORY.replace("باريس", "برلين"), "c": "في"}
    out = normalize_passes(tmp_path, texts, min_document_tokens=5)
    manifest = pd.read_csv(out / "02_normalize/manifest.tsv", sep="\t", keep_default_na=False)
    assert manifest["reason"].tolist() == ["", "", "too_short", "not_arabic:fa"]


def test_too_few_documents_after_normalization_say_how_many_and_why(tmp_path):
    texts = {"a": STORY, "b": "في", "c": "من"}
    with pytest.raises(ValueError) as error:
        normalize_passes(tmp_path, texts, min_document_tokens=5)
    manifest = tmp_path / "results/01_corpus/manifest.tsv"
    assert str(error.value) == (
        "only 1 document is left after normalization (at least 2 are needed to model "
        "topics); not kept: 2 too_short, 1 not_arabic:fa; too_short: fewer than "
        f"normalize.min_document_tokens = 5 tokens; the manifest of the corpus is in {manifest}"
    )
