"""The read_corpus step (arabic_news_topics.corpus.step.read_corpus): writes the shards, the
manifest (also where it survives a failed job) and the tables, and stops with the counts by
reason when too few documents are kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from arabic_news_topics.corpus import core, step

NATO = "رحب حلف شمال الأطلسي بعودة العلاقات مع روسيا."
DAESH = "أعلنت روسيا وفرنسا أن تنظيم داعش عدو مشترك لهما."
PERSIAN = (
    "رئیس‌جمهور ایران روز دوشنبه در سفری رسمی به مسکو با ولادیمیر پوتین دیدار کرد و گفت که "
    "روابط دو کشور در سال‌های اخیر گسترش یافته است."
)


def run_step(tmp_path: Path, texts: dict[str, str | bytes]) -> dict[str, Path]:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in texts.items():
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    out = tmp_path / "results"
    paths = {
        "shards": out / "01_corpus/shards",
        "manifest": out / "01_corpus/manifest.tsv",
        "metadata": out / "01_corpus/metadata.tsv",
        "summary_csv": out / "01_corpus/corpus_summary.csv",
        "summary_md": out / "01_corpus/corpus_summary.md",
        "lengths_csv": out / "01_corpus/document_lengths.csv",
        "lengths_md": out / "01_corpus/document_lengths.md",
        "manifest_log": out / "logs/read_corpus_manifest.tsv",
    }
    (out / "01_corpus").mkdir(parents=True)
    step.read_corpus(
        sources=[{"path": str(folder)}],
        min_arabic_share=0.5,
        near_duplicates={},
        shard_size=10,
        **{key: str(path) for key, path in paths.items()},
    )
    return paths


def test_read_corpus_writes_the_manifest_twice(tmp_path):
    paths = run_step(tmp_path, {"a.txt": NATO, "b.txt": DAESH, "c.md": "ملاحظات"})
    manifest = paths["manifest"].read_bytes()
    assert paths["manifest_log"].read_bytes() == manifest
    table = pd.read_csv(paths["manifest"], sep="\t", keep_default_na=False)
    assert table["status"].tolist() == ["kept", "kept", "skipped"]
    assert len(pd.read_csv(paths["metadata"], sep="\t")) == 2


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        pytest.param(
            {"a.txt": " ", "b.txt": "", "c.txt": PERSIAN, "d.txt": b"\xff\xfe\xfa", "e.md": "x"},
            "no document of the corpus was kept (at least 2 are needed to model topics); "
            "not kept: 2 empty, 1 not_arabic:fa, 1 skipped:not_matching_pattern, 1 undecodable",
            id="none-kept",
        ),
        pytest.param(
            {"a.txt": NATO, "b.txt": NATO + " "},
            "only 1 document of the corpus was kept (at least 2 are needed to model topics); "
            "not kept: 1 duplicate_of",
            id="one-kept",
        ),
    ],
)
def test_too_few_documents_stop_with_the_reasons_and_the_manifest_survives(
    tmp_path, texts, message
):
    with pytest.raises(ValueError) as error:
        run_step(tmp_path, texts)
    log_copy = tmp_path / "results/logs/read_corpus_manifest.tsv"
    assert str(error.value) == f"{message}; the manifest is in {log_copy}"
    # The copy in the logs holds every row (Snakemake deletes the outputs of a failed job).
    assert len(pd.read_csv(log_copy, sep="\t")) == len(texts)
    assert core.MIN_DOCUMENTS == 2


def test_document_titles_use_the_first_line_without_a_title(tmp_path):
    import json

    from arabic_news_topics.corpus.step import document_titles
    from arabic_news_topics.io import read_table

    shard = tmp_path / "00001.jsonl"
    records = [
        {"doc_id": "a", "title": "عنوان المقال", "text": "نص"},
        {"doc_id": "b", "title": "", "text": "\n  السطر الأول هو العنوان \n\n ثم النص"},
        {"doc_id": "c", "title": "", "text": ""},
    ]
    shard.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    document_titles([str(shard)], str(tmp_path / "titles.csv"))
    table = read_table(tmp_path / "titles.csv", dtype=str).fillna("")
    assert table["title"].tolist() == ["عنوان المقال", "السطر الأول هو العنوان", ""]
