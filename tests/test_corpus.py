"""Unit tests of stage 1, reading the corpus (arabic_news_topics.corpus)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from arabic_news_topics import corpus

NATO = "رحب حلف شمال الأطلسي بعودة العلاقات مع روسيا."
PEACE = "أكد لافروف على أن مؤتمر موسكو للسلام في الشرق الأوسط سيعقد قريبا."
DAESH = "أعلنت روسيا وفرنسا أن تنظيم داعش عدو مشترك لهما."
ENGLISH = "Russia and NATO agreed to resume their military cooperation."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def txt_folder(tmp_path: Path) -> Path:
    """A folder with one file of every kind the reader must tell apart."""
    root = tmp_path / "news"
    write(root / "a_nato.txt", NATO)
    write(root / "b_bom.txt", b"\xef\xbb\xbf" + PEACE.encode("utf-8"))
    write(root / "c_empty.txt", "  \n\t \n")
    write(root / "d_binary.txt", b"\xff\xfe\xfa\x00\x81 bad bytes")
    write(root / "e_english.txt", ENGLISH)
    # The NATO text again, with other whitespace: a duplicate.
    write(root / "f_copy.txt", "  " + NATO.replace(" ", "  \n") + "\n\n")
    write(root / "sub" / "g_daesh.txt", DAESH)
    write(root / "notes.md", "ملف ليس من المقالات")
    return root


@pytest.fixture
def txt_result(txt_folder):
    return corpus.read_corpus([{"path": str(txt_folder), "format": "txt"}])


def test_txt_kept_documents(txt_result, txt_folder):
    documents, _ = txt_result
    assert [d["doc_id"] for d in documents] == ["a_nato", "b_bom", "sub/g_daesh"]
    assert documents[0] == {
        "doc_id": "a_nato",
        "source": (txt_folder / "a_nato.txt").as_posix(),
        "title": "",
        "text": NATO,
    }


def test_txt_bom_is_decoded_away(txt_result):
    documents, _ = txt_result
    bom = next(d for d in documents if d["doc_id"] == "b_bom")
    assert bom["text"] == PEACE
    assert not bom["text"].startswith("\ufeff")


def test_txt_nested_folder_doc_id_is_relative_path_without_suffix(txt_result):
    documents, _ = txt_result
    assert documents[-1]["doc_id"] == "sub/g_daesh"
    assert documents[-1]["text"] == DAESH


@pytest.mark.parametrize(
    ("doc_id", "status", "reason"),
    [
        pytest.param("a_nato", "kept", "", id="kept"),
        pytest.param("b_bom", "kept", "", id="bom-kept"),
        pytest.param("c_empty", "dropped", "empty", id="whitespace-only"),
        pytest.param("d_binary", "dropped", "undecodable", id="invalid-utf8"),
        pytest.param("e_english", "dropped", "not_arabic", id="english"),
        pytest.param("f_copy", "dropped", "duplicate_of:a_nato", id="duplicate"),
        pytest.param("sub/g_daesh", "kept", "", id="nested-kept"),
    ],
)
def test_txt_manifest_status_and_reason(txt_result, doc_id, status, reason):
    _, manifest = txt_result
    row = manifest.set_index("doc_id").loc[doc_id]
    assert (row["status"], row["reason"]) == (status, reason)


def test_txt_manifest_columns_and_accounting(txt_result):
    documents, manifest = txt_result
    assert list(manifest.columns) == ["doc_id", "source", "status", "reason"]
    # Seven .txt files were read; the .md file does not match the pattern.
    assert len(manifest) == 7
    kept = int((manifest["status"] == "kept").sum())
    dropped = int((manifest["status"] == "dropped").sum())
    assert (kept, dropped) == (3, 4)
    assert kept + dropped == len(manifest)
    assert kept == len(documents)
    assert set(manifest["status"]) == {"kept", "dropped"}


def test_txt_pattern_selects_other_files(txt_folder):
    documents, manifest = corpus.read_corpus(
        [{"path": str(txt_folder), "format": "txt", "pattern": "*.md"}]
    )
    assert [d["doc_id"] for d in documents] == ["notes"]
    assert len(manifest) == 1


def test_txt_single_file_source(tmp_path):
    file = write(tmp_path / "one" / "article.txt", DAESH)
    documents, manifest = corpus.read_corpus([{"path": str(file), "format": "txt"}])
    assert [d["doc_id"] for d in documents] == ["article"]
    assert manifest["status"].tolist() == ["kept"]


def test_repeated_doc_ids_across_sources_are_suffixed(tmp_path):
    write(tmp_path / "first" / "x.txt", NATO)
    write(tmp_path / "second" / "x.txt", DAESH)
    sources = [
        {"path": str(tmp_path / "first"), "format": "txt"},
        {"path": str(tmp_path / "second"), "format": "txt"},
    ]
    documents, manifest = corpus.read_corpus(sources)
    assert [d["doc_id"] for d in documents] == ["x", "x~2"]
    assert manifest["doc_id"].tolist() == ["x", "x~2"]


def test_duplicate_across_sources_names_the_first(tmp_path):
    write(tmp_path / "first" / "x.txt", NATO)
    write(tmp_path / "second" / "y.txt", NATO + "\n")
    sources = [
        {"path": str(tmp_path / "first"), "format": "txt"},
        {"path": str(tmp_path / "second"), "format": "txt"},
    ]
    _, manifest = corpus.read_corpus(sources)
    assert manifest["reason"].tolist() == ["", "duplicate_of:x"]


@pytest.mark.parametrize(
    ("threshold", "status"),
    [
        pytest.param(0.5, "kept", id="half-arabic-kept-at-0.5"),
        pytest.param(0.6, "dropped", id="half-arabic-dropped-at-0.6"),
    ],
)
def test_min_arabic_share_threshold(tmp_path, threshold, status):
    # Five Arabic letters (روسيا) and five Latin letters (Paris): exactly half Arabic.
    write(tmp_path / "mixed" / "m.txt", "روسيا Paris")
    _, manifest = corpus.read_corpus([{"path": str(tmp_path / "mixed")}], threshold)
    assert manifest["status"].tolist() == [status]


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        corpus.read_corpus([{"path": str(tmp_path), "format": "csv"}])


# ---------------------------------------------------------------------------------------
# JSON Lines


def jsonl_lines() -> list[bytes]:
    return [
        json.dumps({"id": "n1", "title": "الناتو", "text": NATO}, ensure_ascii=False).encode(),
        b"{not json at all",
        json.dumps({"id": "n3", "title": "بلا نص"}, ensure_ascii=False).encode(),
        b"",
        json.dumps({"id": "n5", "text": ENGLISH}).encode(),
        json.dumps(["ليس", "كائنا"], ensure_ascii=False).encode(),
        json.dumps({"text": DAESH}, ensure_ascii=False).encode(),
        json.dumps({"id": "n8", "text": None}).encode(),
        b"\xff\xfe broken",
    ]


@pytest.fixture(params=["plain", "gzip"])
def jsonl_path(request, tmp_path) -> Path:
    data = b"\n".join(jsonl_lines()) + b"\n"
    if request.param == "plain":
        return write(tmp_path / "news.jsonl", data)
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(data)
    return path


def test_jsonl_records(jsonl_path):
    documents, manifest = corpus.read_corpus([{"path": str(jsonl_path), "format": "jsonl"}])
    assert [(d["doc_id"], d["title"], d["text"]) for d in documents] == [
        ("n1", "الناتو", NATO),
        ("line_7", "", DAESH),
    ]
    assert documents[0]["source"] == f"{jsonl_path}:1"
    # The blank line 4 is not a record.
    assert list(manifest.itertuples(index=False, name=None)) == [
        ("n1", f"{jsonl_path}:1", "kept", ""),
        ("line_2", f"{jsonl_path}:2", "dropped", "malformed_record:2"),
        ("n3", f"{jsonl_path}:3", "dropped", "malformed_record:3"),
        ("n5", f"{jsonl_path}:5", "dropped", "not_arabic"),
        ("line_6", f"{jsonl_path}:6", "dropped", "malformed_record:6"),
        ("line_7", f"{jsonl_path}:7", "kept", ""),
        ("n8", f"{jsonl_path}:8", "dropped", "empty"),
        ("line_9", f"{jsonl_path}:9", "dropped", "undecodable"),
    ]
    assert len(documents) + int((manifest["status"] == "dropped").sum()) == len(manifest)


def test_jsonl_custom_field_names(tmp_path):
    records = [
        {"uid": 7, "headline": "قمة بوخارست", "body": PEACE, "text": "ignored"},
        {"uid": 8, "headline": "داعش", "body": DAESH},
        {"uid": 9, "text": NATO},
    ]
    path = write(
        tmp_path / "custom.jsonl",
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
    )
    source = {
        "path": str(path),
        "format": "jsonl",
        "id_field": "uid",
        "text_field": "body",
        "title_field": "headline",
    }
    documents, manifest = corpus.read_corpus([source])
    assert [(d["doc_id"], d["title"], d["text"]) for d in documents] == [
        ("7", "قمة بوخارست", PEACE),
        ("8", "داعش", DAESH),
    ]
    assert manifest["reason"].tolist() == ["", "", "malformed_record:3"]


def test_txt_and_jsonl_sources_together_and_cross_duplicates(tmp_path):
    write(tmp_path / "txt" / "a.txt", NATO)
    path = write(
        tmp_path / "more.jsonl",
        json.dumps({"id": "j1", "text": NATO + "  "}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "j2", "text": PEACE}, ensure_ascii=False)
        + "\n",
    )
    documents, manifest = corpus.read_corpus(
        [{"path": str(tmp_path / "txt")}, {"path": str(path), "format": "jsonl"}]
    )
    assert [d["doc_id"] for d in documents] == ["a", "j2"]
    assert manifest["reason"].tolist() == ["", "duplicate_of:a", ""]


# ---------------------------------------------------------------------------------------
# arabic_share, lengths and summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("روسيا", 1.0, id="arabic-only"),
        pytest.param("سُبل", 1.0, id="diacritics-are-not-letters"),
        pytest.param("NATO", 0.0, id="latin-only"),
        pytest.param("روسيا NATO", 5 / 9, id="five-of-nine"),
        pytest.param("ab سلام", 4 / 6, id="four-of-six"),
        pytest.param("روسيا 2008 ١٩ !؟", 1.0, id="digits-and-punctuation-ignored"),
        pytest.param("2008 ...", 0.0, id="no-letters"),
        pytest.param("", 0.0, id="empty"),
        pytest.param("پوتین", 1.0, id="persian-letters-count-as-arabic-script"),
    ],
)
def test_arabic_share(text, expected):
    assert corpus.arabic_share(text) == pytest.approx(expected)


TINY_DOCS = [
    {"doc_id": "a", "text": "روسيا والناتو\n\nاتفاق"},
    {"doc_id": "b", "text": "سلام"},
    {"doc_id": "c", "text": "حلف شمال الأطلسي\nفي بروكسل\n"},
]


def test_document_lengths_by_hand():
    lengths = corpus.document_lengths(TINY_DOCS)
    assert list(lengths.columns) == ["doc_id", "characters", "words", "lines"]
    # "روسيا والناتو\n\nاتفاق": 5 + 1 + 7 + 2 + 5 = 20 characters, 3 words, 2 lines.
    # "حلف شمال الأطلسي\nفي بروكسل\n": 3+1+4+1+7+1+2+1+6+1 = 27 characters, 5 words, 2 lines.
    assert list(lengths.itertuples(index=False, name=None)) == [
        ("a", 20, 3, 2),
        ("b", 4, 1, 1),
        ("c", 27, 5, 2),
    ]


def test_document_lengths_of_no_documents():
    lengths = corpus.document_lengths([])
    assert lengths.empty
    assert list(lengths.columns) == ["doc_id", "characters", "words", "lines"]


def test_corpus_summary_by_hand():
    manifest = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e", "f", "g"],
            "source": ["s"] * 7,
            "status": ["kept", "dropped", "kept", "dropped", "dropped", "kept", "dropped"],
            "reason": [
                "",
                "duplicate_of:a",
                "",
                "malformed_record:4",
                "duplicate_of:c",
                "",
                "empty",
            ],
        }
    )
    lengths = corpus.document_lengths(
        [*TINY_DOCS[:2], {"doc_id": "f", "text": "روسيا فرنسا ألمانيا إسبانيا"}]
    )
    summary = corpus.corpus_summary(manifest, lengths)
    assert list(summary.columns) == ["measure", "value"]
    # Words 3, 1, 4: total 8, median 3. Characters 20 + 4 + 27 = 51.
    assert list(summary.itertuples(index=False, name=None)) == [
        ("input_records", "7"),
        ("kept", "3"),
        ("dropped", "4"),
        ("dropped_duplicate_of", "2"),
        ("dropped_empty", "1"),
        ("dropped_malformed_record", "1"),
        ("total_words", "8"),
        ("total_characters", "51"),
        ("min_words", "1"),
        ("median_words", "3"),
        ("max_words", "4"),
    ]


def test_corpus_summary_fractional_median():
    manifest = pd.DataFrame(
        {"doc_id": ["a", "b"], "source": ["s", "s"], "status": ["kept"] * 2, "reason": ["", ""]}
    )
    lengths = corpus.document_lengths(TINY_DOCS[:2])
    summary = dict(corpus.corpus_summary(manifest, lengths).itertuples(index=False, name=None))
    # Words 3 and 1: median 2; words 3 and 2 would give 2.5.
    assert summary["median_words"] == "2"
    lengths = corpus.document_lengths([TINY_DOCS[0], {"doc_id": "x", "text": "حلف الناتو"}])
    summary = dict(corpus.corpus_summary(manifest, lengths).itertuples(index=False, name=None))
    assert summary["median_words"] == "2.5"
    assert "dropped_empty" not in summary


def test_source_from_config_ignores_unknown_keys():
    source = corpus.Source.from_config({"path": "x.jsonl", "format": "jsonl", "comment": "؟"})
    assert source == corpus.Source(path="x.jsonl", format="jsonl")
    assert (source.id_field, source.text_field, source.title_field) == ("id", "text", "title")
