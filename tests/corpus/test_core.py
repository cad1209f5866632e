"""Unit tests of stage 1, reading the corpus (arabic_news_topics.corpus.core)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_news_topics.corpus import core as corpus
from arabic_news_topics.normalize import core as normalize

NATO = "رحب حلف شمال الأطلسي بعودة العلاقات مع روسيا."
PEACE = "أكد لافروف على أن مؤتمر موسكو للسلام في الشرق الأوسط سيعقد قريبا."
DAESH = "أعلنت روسيا وفرنسا أن تنظيم داعش عدو مشترك لهما."
ENGLISH = "Russia and NATO agreed to resume their military cooperation."
SECURITY = "شددت الحكومة الإجراءات الأمنية حول المطارات والموانئ."
# A wire story of 70 words, as several papers ran it.
STORY = (
    "أعلنت وزارة الخارجية الروسية اليوم أن الوزير سيرغي لافروف سيلتقي نظيره الفرنسي في باريس "
    "الأسبوع المقبل لبحث الأزمة السورية ومكافحة الإرهاب والعلاقات بين روسيا وحلف شمال الأطلسي. "
    "وقال المتحدث باسم الوزارة إن الجانبين سيناقشان أيضا الوضع في أوكرانيا وتنفيذ اتفاقات مينسك، "
    "إضافة إلى التعاون الاقتصادي والثقافي بين البلدين. وأضاف أن موسكو تأمل في أن يسهم اللقاء في "
    "تقريب وجهات النظر حول عدد من القضايا الدولية والإقليمية، وفي مقدمتها التسوية السياسية في "
    "سوريا والحرب على تنظيم داعش."
)
# The same story in another paper: a dateline first and one word added at the end.
STORY_COPY = "الرياض - وكالات: " + STORY.replace("داعش.", "داعش الإرهابي.")
# Another story of the same length, on another subject.
OTHER_STORY = (
    "افتتح وزير الاقتصاد المغربي في الدار البيضاء معرضا دوليا للصناعات التقليدية يشارك فيه أكثر "
    "من ثلاثمائة عارض من عشرين دولة، ويستمر أسبوعا كاملا. وقال الوزير في كلمته إن القطاع يوفر "
    "فرص عمل لآلاف الحرفيين في المدن والقرى، وإن الحكومة تعمل على تسهيل وصول منتجاتهم إلى "
    "الأسواق الأوروبية والأفريقية. وأشار المنظمون إلى أن المعرض يضم أجنحة للزرابي والخزف "
    "والنحاس والجلد، إلى جانب ورشات تدريبية للشباب."
)
FIELDS = ("doc_id", "title", "text", "date", "label", "source", "location")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jsonl_bytes(records: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def csv_text(records: list[dict], columns: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def write_tar(path: Path, members: dict[str, bytes]) -> Path:
    """A tar.gz with the members in the given order (not necessarily sorted)."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def rows(manifest: pd.DataFrame, *columns: str) -> list[tuple]:
    return list(manifest[list(columns)].itertuples(index=False, name=None))


# ---------------------------------------------------------------------------------------
# Text files


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
        "title": "",
        "text": NATO,
        "date": "",
        "label": "",
        "source": txt_folder.as_posix(),
        "location": (txt_folder / "a_nato.txt").as_posix(),
    }
    assert all(tuple(d) == FIELDS for d in documents)
    # The source of a text file is its folder (recurring boilerplate is counted per source).
    nested = documents[-1]
    assert nested["source"] == (txt_folder / "sub").as_posix()


def test_txt_bom_is_decoded_away(txt_result):
    documents, manifest = txt_result
    bom = next(d for d in documents if d["doc_id"] == "b_bom")
    assert bom["text"] == PEACE
    assert manifest.set_index("doc_id").loc["b_bom", "encoding"] == "utf-8-sig"


@pytest.mark.parametrize(
    ("doc_id", "status", "reason"),
    [
        pytest.param("a_nato", "kept", "", id="kept"),
        pytest.param("b_bom", "kept", "", id="bom-kept"),
        pytest.param("c_empty", "dropped", "empty", id="whitespace-only"),
        pytest.param("d_binary", "dropped", "undecodable", id="undecodable"),
        pytest.param("e_english", "dropped", "not_arabic", id="english"),
        pytest.param("f_copy", "dropped", "duplicate_of:a_nato", id="duplicate"),
        pytest.param("sub/g_daesh", "kept", "", id="nested-kept"),
    ],
)
def test_txt_manifest_status_and_reason(txt_result, doc_id, status, reason):
    _, manifest = txt_result
    row = manifest.set_index("doc_id").loc[doc_id]
    assert (row["status"], row["reason"]) == (status, reason)


def test_txt_manifest_columns_and_accounting(txt_result, txt_folder):
    documents, manifest = txt_result
    assert list(manifest.columns) == [
        "doc_id",
        "location",
        "status",
        "reason",
        "encoding",
        "note",
    ]
    # Seven .txt files were read; the .md file does not match the pattern: passed over,
    # with a row of its own.
    assert len(manifest) == 8
    assert manifest["location"].iloc[0] == (txt_folder / "a_nato.txt").as_posix()
    assert Counter(manifest["status"]) == {"kept": 3, "dropped": 4, "skipped": 1}
    assert len(documents) == 3
    notes = (txt_folder / "notes.md").as_posix()
    assert rows(manifest[manifest["status"] == "skipped"], "doc_id", "location", "reason") == [
        (f"file:{notes}", notes, "skipped:not_matching_pattern")
    ]


def test_txt_pattern_selects_other_files(txt_folder):
    documents, manifest = corpus.read_corpus(
        [{"path": str(txt_folder), "format": "txt", "pattern": "*.md"}]
    )
    assert [d["doc_id"] for d in documents] == ["notes"]
    assert Counter(manifest["reason"]) == {"": 1, "skipped:not_matching_pattern": 7}


def test_txt_single_file_and_gzipped_file(tmp_path):
    plain = write(tmp_path / "one" / "article.txt", DAESH)
    packed = tmp_path / "one" / "other.txt.gz"
    packed.write_bytes(gzip.compress(PEACE.encode()))
    documents, manifest = corpus.read_corpus(
        [{"path": str(plain)}, {"path": str(packed), "format": "txt"}]
    )
    assert [(d["doc_id"], d["text"], d["source"]) for d in documents] == [
        ("article", DAESH, (tmp_path / "one").as_posix()),
        ("other", PEACE, (tmp_path / "one").as_posix()),
    ]
    assert manifest["status"].tolist() == ["kept", "kept"]


def test_txt_label_from_parent_folder(tmp_path):
    write(tmp_path / "news" / "politics" / "1.txt", NATO)
    write(tmp_path / "news" / "culture" / "1.txt", PEACE)
    write(tmp_path / "news" / "top.txt", DAESH)
    source = {"path": str(tmp_path / "news"), "label_from": "parent_folder"}
    documents, _ = corpus.read_corpus([source])
    assert [(d["doc_id"], d["label"]) for d in documents] == [
        ("culture/1", "culture"),
        ("politics/1", "politics"),
        ("top", "news"),
    ]


def test_files_are_read_in_sorted_order(tmp_path):
    # Written in another order; read by path parts, as in an archive.
    for name in ["b/2.txt", "a-z.txt", "a/1.txt", "B.txt"]:
        write(tmp_path / "news" / name, f"{NATO} {name}")
    documents, _ = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert [d["doc_id"] for d in documents] == ["B", "a/1", "a-z", "b/2"]


def test_repeated_doc_ids_across_sources_are_suffixed_and_noted(tmp_path):
    write(tmp_path / "first" / "x.txt", NATO)
    write(tmp_path / "second" / "x.txt", DAESH)
    write(tmp_path / "third" / "x.txt", PEACE)
    sources = [{"path": str(tmp_path / name)} for name in ("first", "second", "third")]
    documents, manifest = corpus.read_corpus(sources)
    assert [d["doc_id"] for d in documents] == ["x", "x~2", "x~3"]
    assert manifest["note"].tolist() == ["", "repeated_id:x", "repeated_id:x"]


def test_duplicate_across_sources_names_the_first(tmp_path):
    write(tmp_path / "first" / "x.txt", NATO)
    write(tmp_path / "second" / "y.txt", NATO + "\n")
    sources = [{"path": str(tmp_path / "first")}, {"path": str(tmp_path / "second")}]
    _, manifest = corpus.read_corpus(sources)
    assert manifest["reason"].tolist() == ["", "duplicate_of:x"]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("رَحَّبَ حِلْفُ شمال الأطلسي بعودة العلاقات مع روسيا.", id="diacritics"),
        pytest.param("رحب حلـــف شمال الأطلســي بعودة العلاقات مع روسيا.", id="tatweel"),
        pytest.param("رحب حلف شمال الاطلسي بعوده العلاقات مع روسيا", id="alef-taa-no-period"),
        pytest.param("رحب «حلف شمال الأطلسي» بعودة العلاقات، مع روسيا!", id="punctuation"),
        pytest.param("رحب حلف شمال الأطلسي بعودة العلاقات مع روسيا.", id="zero-width-space"),
        pytest.param("رحب حلف شمال الأطلسی بعودة العلاقات مع روسیا.", id="persian-yeh"),
    ],
)
def test_duplicates_are_found_on_normalized_text(tmp_path, variant):
    write(tmp_path / "news" / "a.txt", NATO)
    write(tmp_path / "news" / "b.txt", variant)
    _, manifest = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert manifest["reason"].tolist() == ["", "duplicate_of:a"]


@pytest.mark.parametrize(
    "text",
    [
        NATO,
        STORY,
        "ﻻ ﷲ ﻟﻠﺘﻌﺎﻭﻥ",  # presentation forms and ligatures
        "قال:\u200bنعم\u200c \u200fسوريا\ufeff",  # invisible characters
        "إِسْتَراتِيجِيَّةٌ آخِرُ مُؤْتَمَرٍ مَسْئُولٌ ى ـــ",  # diacritics, hamza, tatweel
        "پوتین ۲۰۱۵ ٢٠١٥ ہ ک",  # Persian letters and digits
        "NATO-Russia, 2015!  e\u0301",  # Latin, a combining accent
        "",
    ],
)
def test_normalized_text_is_the_normalize_rules_on_the_whole_text(text):
    expected = normalize.normalize_unicode(text)
    expected = normalize.strip_tatweel(normalize.strip_diacritics(expected))
    expected = normalize.fold_alef(normalize.fold_yaa(expected))
    expected = normalize.fold_hamza(normalize.fold_taa_marbuta(expected))
    expected = " ".join(normalize.remove_punctuation(expected).split())
    assert corpus.normalized_text(text) == expected


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


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param({"format": "xml"}, "unknown format 'xml'", id="format"),
        pytest.param({"label_from": "folder"}, "unknown label_from 'folder'", id="label_from"),
    ],
)
def test_unknown_settings_are_errors(tmp_path, entry, message):
    with pytest.raises(ValueError, match=message):
        corpus.read_corpus([{"path": str(tmp_path), **entry}])


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        corpus.read_corpus([{"path": str(tmp_path / "absent")}])


# ---------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        pytest.param(lambda t: t.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), "utf-16", id="utf-16-bom"),
        pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
        pytest.param(lambda t: t.encode("utf-16-le"), "utf-16-le", id="utf-16-le-no-bom"),
        pytest.param(lambda t: t.encode("utf-16-be"), "utf-16-be", id="utf-16-be-no-bom"),
        pytest.param(lambda t: t.encode("cp1256"), "cp1256", id="windows-1256"),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(PEACE, id="sentence"),
        pytest.param(STORY + "\r\n" + NATO + "\n", id="paragraphs"),
        pytest.param("سوريا", id="one-word"),
        pytest.param("بيروت 2015", id="word-and-digits"),
    ],
)
def test_txt_encodings_are_detected(tmp_path, encoded, encoding, text):
    write(tmp_path / "news" / "a.txt", encoded(text))
    documents, manifest = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert [d["text"] for d in documents] == [text]
    assert rows(manifest, "status", "encoding") == [("kept", encoding)]


@pytest.mark.parametrize(
    "text",
    # Short phrases that charset-normalizer 3.5 took for cp932, big5 or cp1006.
    ["مرحبا", "وزير الخارجية", "عاجل: انفجار", "قال: نعم", "الرئيس Obama يزور الرياض"],
)
def test_short_windows_1256_texts(text):
    assert corpus.decode_text(text.encode("cp1256")) == (text, "cp1256")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("café crème, à bientôt".encode("latin-1"), id="latin-1-french"),
        # UTF-8 Arabic cut by stray bytes: cp1256 reads it as ط ظ and symbols, not Arabic.
        pytest.param("روسيا".encode() + b"\xff\xfe\xfa", id="utf-8-arabic-and-junk"),
        pytest.param(bytes(range(128, 256)) * 3, id="high-bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x01\x02\x03\xfe", id="binary"),
        pytest.param("سوريا".encode("utf-16-le")[:-1], id="truncated-utf-16"),
    ],
)
def test_undecodable_bytes(raw):
    assert corpus.decode_text(raw) == (None, "unknown")


def test_jsonl_encoding_is_detected_per_line(tmp_path):
    data = (
        json.dumps({"id": "u", "text": NATO}, ensure_ascii=False).encode("utf-8")
        + b"\n"
        + json.dumps({"id": "w", "text": PEACE}, ensure_ascii=False).encode("cp1256")
        + b"\n"
        + json.dumps({"id": "x", "text": "café"}, ensure_ascii=False).encode("latin-1")
        + b"\n"
    )
    path = write(tmp_path / "mixed.jsonl", data)
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "jsonl"}])
    assert [d["text"] for d in documents] == [NATO, PEACE]
    assert rows(manifest, "doc_id", "reason", "encoding") == [
        ("u", "", "utf-8"),
        ("w", "", "cp1256"),
        ("line_3", "undecodable", "unknown"),
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_utf16_record_files(tmp_path, codec, fmt):
    records = [{"id": "a", "text": NATO}, {"id": "b", "text": STORY}]
    if fmt == "jsonl":
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    else:
        text = csv_text(records, ["id", "text"])
    path = write(tmp_path / f"news.{fmt}", text.encode(codec))
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": fmt}])
    assert [(d["doc_id"], d["text"]) for d in documents] == [("a", NATO), ("b", STORY)]
    assert set(manifest["encoding"]) == {codec}


def test_csv_in_windows_1256(tmp_path):
    text = csv_text([{"id": "a", "title": "الناتو", "text": NATO}], ["id", "title", "text"])
    path = write(tmp_path / "news.csv", text.encode("cp1256"))
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "csv"}])
    assert [(d["title"], d["text"]) for d in documents] == [("الناتو", NATO)]
    assert manifest["encoding"].tolist() == ["cp1256"]


# ---------------------------------------------------------------------------------------
# Record formats: JSON Lines, JSON, CSV, TSV

RECORDS = [
    {
        "id": "n1",
        "title": "الناتو",
        "text": NATO,
        "date": "2015-07-31",
        "label": "politics",
        "source": "okaz",
    },
    {"id": "n2", "title": "موسكو", "text": PEACE, "date": "31/07/2015", "source": "alriyadh"},
    {"id": "n3", "text": DAESH, "date": "2015-08-01T10:30:00"},
    {"id": "n4", "text": ENGLISH},
]


def write_records(path: Path, fmt: str, records: list[dict]) -> Path:
    columns = ["id", "title", "text", "date", "label", "source"]
    if fmt == "jsonl":
        return write(path, jsonl_bytes(records))
    if fmt == "json":
        return write(path, json.dumps(records, ensure_ascii=False, indent=1))
    return write(path, csv_text(records, columns, "\t" if fmt == "tsv" else ","))


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv"])
def test_record_formats_give_the_same_documents(tmp_path, fmt):
    path = write_records(tmp_path / f"news.{fmt}", fmt, RECORDS)
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": fmt}])
    assert [
        (d["doc_id"], d["title"], d["text"], d["date"], d["label"], d["source"]) for d in documents
    ] == [
        ("n1", "الناتو", NATO, "2015-07-31", "politics", "okaz"),
        ("n2", "موسكو", PEACE, "2015-07-31", "", "alriyadh"),
        # Without a source field, the file is the source.
        ("n3", "", DAESH, "2015-08-01", "", path.as_posix()),
    ]
    assert rows(manifest, "doc_id", "status", "reason") == [
        ("n1", "kept", ""),
        ("n2", "kept", ""),
        ("n3", "kept", ""),
        ("n4", "dropped", "not_arabic"),
    ]
    assert all(loc.startswith(f"{path.as_posix()}:") for loc in manifest["location"])


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
        json.dumps({"id": "n10", "text": ["نص", "في", "قائمة"]}, ensure_ascii=False).encode(),
    ]


@pytest.fixture(params=["plain", "gzip"])
def jsonl_path(request, tmp_path) -> Path:
    data = b"\n".join(jsonl_lines()) + b"\n"
    if request.param == "plain":
        return write(tmp_path / "news.jsonl", data)
    return write(tmp_path / "news.jsonl.gz", gzip.compress(data))


def test_jsonl_records_and_malformed_lines(jsonl_path):
    documents, manifest = corpus.read_corpus([{"path": str(jsonl_path), "format": "jsonl"}])
    assert [(d["doc_id"], d["title"], d["text"]) for d in documents] == [
        ("n1", "الناتو", NATO),
        ("line_7", "", DAESH),
    ]
    assert documents[0]["location"] == f"{jsonl_path.as_posix()}:1"
    assert documents[0]["source"] == jsonl_path.as_posix()
    # The blank line 4 is not a record.
    loc = jsonl_path.as_posix()
    assert rows(manifest, "doc_id", "location", "status", "reason") == [
        ("n1", f"{loc}:1", "kept", ""),
        ("line_2", f"{loc}:2", "dropped", "malformed_record:2"),
        ("n3", f"{loc}:3", "dropped", "malformed_record:3"),
        ("n5", f"{loc}:5", "dropped", "not_arabic"),
        ("line_6", f"{loc}:6", "dropped", "malformed_record:6"),
        ("line_7", f"{loc}:7", "kept", ""),
        ("n8", f"{loc}:8", "dropped", "empty"),
        ("line_9", f"{loc}:9", "dropped", "undecodable"),
        ("n10", f"{loc}:10", "dropped", "malformed_record:10"),
    ]


def test_custom_field_names(tmp_path):
    records = [
        {"uid": 7, "headline": "قمة بوخارست", "body": PEACE, "text": "ignored", "day": "2008"},
        {"uid": 8, "headline": "داعش", "body": DAESH, "paper": "aawsat", "section": "world"},
        {"uid": 9, "text": NATO},
    ]
    path = write(tmp_path / "custom.jsonl", jsonl_bytes(records))
    source = {
        "path": str(path),
        "format": "jsonl",
        "id_field": "uid",
        "text_field": "body",
        "title_field": "headline",
        "date_field": "day",
        "source_field": "paper",
        "label_field": "section",
    }
    documents, manifest = corpus.read_corpus([source])
    assert [(d["doc_id"], d["title"], d["text"], d["source"], d["label"]) for d in documents] == [
        ("7", "قمة بوخارست", PEACE, path.as_posix(), ""),
        ("8", "داعش", DAESH, "aawsat", "world"),
    ]
    assert rows(manifest, "reason", "note") == [
        ("", "bad_date:2008"),
        ("", ""),
        ("malformed_record:3", ""),
    ]


def test_json_array_bad_items_and_bad_files(tmp_path):
    folder = tmp_path / "json"
    write(folder / "a.json", json.dumps([{"id": "j1", "text": NATO}, "نص", {"id": "j3"}]))
    write(folder / "b.json", json.dumps({"id": "j4", "text": PEACE}))  # not an array
    write(folder / "c.json", "[{broken")
    write(folder / "d.json", '["café"]'.encode("latin-1"))
    write(folder / "e.txt", "ليس ملف JSON")  # not a .json file: not read
    documents, manifest = corpus.read_corpus([{"path": str(folder), "format": "json"}])
    assert [d["doc_id"] for d in documents] == ["j1"]
    assert rows(manifest, "doc_id", "reason") == [
        ("j1", ""),
        ("item_2", "malformed_record:item_2"),
        ("j3", "malformed_record:item_3"),
        ("b", "malformed_record:b.json"),
        # An array that breaks off at its first item: a row for the break.
        ("item_1", "malformed_record:truncated_json_array"),
        ("d", "undecodable"),
        (f"file:{(folder / 'e.txt').as_posix()}", "skipped:not_matching_pattern"),
    ]


def test_csv_rows_missing_text_cell_too_few_columns_and_multiline_text(tmp_path):
    text = (
        "id,title,text\n"
        f"c1,الناتو,{NATO}\n"
        "c2,فارغ,\n"  # the text cell is empty
        "c3,قصير\n"  # too few columns
        f'c4,قصة,"{PEACE}\n\n{DAESH}"\n'  # quoted text over three lines
        "\n"  # a blank line is not a record
        f"c6,زائد,{NATO},عمود زائد\n"  # too many columns
        f"c7,,{STORY}\n"
    )
    path = write(tmp_path / "news.csv", text)
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "csv"}])
    assert [(d["doc_id"], d["text"]) for d in documents] == [
        ("c1", NATO),
        ("c4", f"{PEACE}\n\n{DAESH}"),
        ("c7", STORY),
    ]
    assert rows(manifest, "doc_id", "location", "reason") == [
        ("c1", f"{path.as_posix()}:2", ""),
        ("c2", f"{path.as_posix()}:3", "empty"),
        ("line_4", f"{path.as_posix()}:4", "malformed_record:4"),
        ("c4", f"{path.as_posix()}:5", ""),
        ("line_9", f"{path.as_posix()}:9", "malformed_record:9"),
        ("c7", f"{path.as_posix()}:10", ""),
    ]


def test_csv_without_the_text_column_stops_before_any_record(tmp_path):
    # A configuration that does not fit the file: an error naming the file and its header,
    # not a malformed_record row per line.
    path = write(tmp_path / "news.csv", f"id,body\na,{NATO}\nb,{PEACE}\n")
    stream = corpus.iter_records([{"path": str(path), "format": "csv"}])
    with pytest.raises(ValueError) as error:
        next(stream)
    assert str(error.value).startswith(
        f"text_field 'text' not in the header of {path.as_posix()}: id, body"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv"])
def test_gzipped_record_files(tmp_path, fmt):
    plain = write_records(tmp_path / f"news.{fmt}", fmt, RECORDS)
    packed = write(tmp_path / f"packed.{fmt}.gz", gzip.compress(plain.read_bytes()))
    expected, _ = corpus.read_corpus([{"path": str(plain), "format": fmt}])
    documents, _ = corpus.read_corpus([{"path": str(packed), "format": fmt}])
    assert [d["text"] for d in documents] == [d["text"] for d in expected]


# ---------------------------------------------------------------------------------------
# Archives, read in place

LABELLED = {
    "corpus/politics/2.txt": NATO.encode(),
    "corpus/politics/10.txt": DAESH.encode("cp1256"),
    "corpus/culture/1.txt": PEACE.encode("utf-16"),
    "corpus/culture/notes.md": "ملاحظات".encode(),
    "corpus/economy/3.txt": b"",
}


@pytest.mark.parametrize("kind", ["zip", "tar.gz", "tgz"])
def test_archive_with_a_folder_per_label(tmp_path, kind):
    path = tmp_path / f"labelled.{kind}"
    (write_zip if kind == "zip" else write_tar)(path, LABELLED)
    source = {"path": str(path), "format": "txt", "label_from": "parent_folder"}
    documents, manifest = corpus.read_corpus([source])
    # Sorted by name (10 before 2), whatever the order in the archive.
    assert [(d["doc_id"], d["label"], d["text"]) for d in documents] == [
        ("corpus/culture/1", "culture", PEACE),
        ("corpus/politics/10", "politics", DAESH),
        ("corpus/politics/2", "politics", NATO),
    ]
    archive = path.as_posix()
    assert documents[0]["location"] == f"{archive}!corpus/culture/1.txt"
    assert documents[0]["source"] == f"{archive}!corpus/culture"
    assert rows(manifest, "doc_id", "reason", "encoding") == [
        ("corpus/culture/1", "", "utf-16"),
        (f"file:{archive}!corpus/culture/notes.md", "skipped:not_matching_pattern", ""),
        ("corpus/economy/3", "empty", "utf-8"),
        ("corpus/politics/10", "", "cp1256"),
        ("corpus/politics/2", "", "utf-8"),
    ]


def test_archive_of_record_files(tmp_path):
    members = {
        "dump/part-2.jsonl": jsonl_bytes([{"id": "b", "text": PEACE}]),
        "dump/part-1.jsonl.gz": gzip.compress(jsonl_bytes([{"id": "a", "text": NATO}, "x"])),
        "dump/README.txt": b"not records",
        "__MACOSX/dump/._part-2.jsonl": b"\x00\x05\x16\x07 resource fork",
    }
    path = write_zip(tmp_path / "dump.zip", members)
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "jsonl"}])
    assert [(d["doc_id"], d["source"]) for d in documents] == [
        ("a", f"{path.as_posix()}!dump/part-1.jsonl.gz"),
        ("b", f"{path.as_posix()}!dump/part-2.jsonl"),
    ]
    assert rows(manifest, "location", "reason") == [
        (f"{path.as_posix()}!__MACOSX/dump/._part-2.jsonl", "skipped:system_file"),
        (f"{path.as_posix()}!dump/README.txt", "skipped:not_matching_pattern"),
        (f"{path.as_posix()}!dump/part-1.jsonl.gz:1", ""),
        (f"{path.as_posix()}!dump/part-1.jsonl.gz:2", "malformed_record:2"),
        (f"{path.as_posix()}!dump/part-2.jsonl:1", ""),
    ]


@pytest.mark.parametrize("buffer_bytes", [0, 100, 2**20])
def test_unsorted_tar_is_read_in_name_order(tmp_path, monkeypatch, buffer_bytes):
    names = [f"news/{i:03d}.txt" for i in range(30)]
    order = names[::-1][:10] + names[:20]  # neither sorted nor reversed
    texts = {name: f"{STORY} رقم {name}" for name in names}
    path = write_tar(tmp_path / "unsorted.tar.gz", {n: texts[n].encode() for n in order})
    # Memory for members met early: none (a pass per member), some, or plenty.
    monkeypatch.setattr(corpus, "TAR_BUFFER_BYTES", buffer_bytes)
    documents, manifest = corpus.read_corpus([{"path": str(path)}])
    assert [d["text"] for d in documents] == [texts[n] for n in names]
    assert len(manifest) == 30


def test_list_source_files(tmp_path, txt_folder):
    assert [p.name for p in corpus.list_source_files({"path": str(txt_folder)})] == [
        "a_nato.txt",
        "b_bom.txt",
        "c_empty.txt",
        "d_binary.txt",
        "e_english.txt",
        "f_copy.txt",
        "g_daesh.txt",
    ]
    write(tmp_path / "recs" / "a.jsonl", b"")
    write(tmp_path / "recs" / "b" / "c.jsonl.gz", gzip.compress(b""))
    write(tmp_path / "recs" / "d.csv", b"")
    found = corpus.list_source_files({"path": str(tmp_path / "recs"), "format": "jsonl"})
    assert [p.relative_to(tmp_path / "recs").as_posix() for p in found] == [
        "a.jsonl",
        "b/c.jsonl.gz",
    ]
    archive = write_zip(tmp_path / "a.zip", {"x.txt": b""})
    assert corpus.list_source_files({"path": str(archive)}) == [archive]


def test_real_hespress_archive(shared_corpora):
    path = shared_corpora / "hespress-4cat.tar.gz"
    source = {"path": str(path), "format": "txt", "label_from": "parent_folder"}
    documents, manifest = corpus.read_corpus([source])
    assert len(manifest) == 2268
    labels_in = Counter(PurePosixPath(loc).parent.name for loc in manifest["location"])
    assert labels_in == {"tamazight": 1200, "culture": 360, "politics": 360, "economy": 348}
    assert set(manifest["encoding"]) == {"utf-8"}
    assert Counter(d["label"] for d in documents).keys() == labels_in.keys()
    assert len(documents) == int((manifest["status"] == "kept").sum()) == 2267
    dropped = manifest[manifest["status"] == "dropped"]
    assert dropped["reason"].tolist() == ["duplicate_of:hespress-4cat/economy/140"]
    assert documents[0]["doc_id"] == "hespress-4cat/culture/0"
    assert documents[0]["location"] == f"{path.as_posix()}!hespress-4cat/culture/0.txt"
    # Every doc_id is the member path without .txt; ids are unique.
    assert manifest["doc_id"].is_unique


# ---------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-07-31", "2015-07-31"),
        ("2015-7-3", "2015-07-03"),
        ("2015-07-31T10:00:00", "2015-07-31"),
        ("2015-07-31T10:00:00.123Z", "2015-07-31"),
        ("2015-07-31 23:59:59 +03:00", "2015-07-31"),
        ("2015/07/31", "2015-07-31"),
        ("31/07/2015", "2015-07-31"),
        ("31-07-2015", "2015-07-31"),
        ("31.07.2015 10:00", "2015-07-31"),
        ("05/07/2015", "2015-07-05"),  # day first, as in Arabic news
        ("20150731", "2015-07-31"),
        (20150731, "2015-07-31"),
        ("31 July 2015", "2015-07-31"),
        ("Friday, 31 Jul 2015", "2015-07-31"),
        ("July 31, 2015", "2015-07-31"),
        ("31 يوليو 2015", "2015-07-31"),
        ("الجمعة 31 يوليو 2015", "2015-07-31"),
        ("31 تموز 2015", "2015-07-31"),
        ("3 كانون الثاني 2016", "2016-01-03"),
        ("1 أغسطس 2015", "2015-08-01"),
        ("٢٠١٥-٠٧-٣١", "2015-07-31"),
        ("  2015-07-31  ", "2015-07-31"),
        ("", ""),
        (None, ""),
        ("31/13/2015", None),
        ("2015-02-30", None),
        ("yesterday", None),
        ("07/31/2015", None),  # month first is not read
        ("2015", None),
        ("31 Julember 2015", None),
    ],
)
def test_parse_date(value, expected):
    assert corpus.parse_date(value) == expected


def test_bad_date_keeps_the_record_with_a_note(tmp_path):
    records = [
        {"id": "a", "text": NATO, "date": "31/07/2015"},
        {"id": "b", "text": PEACE, "date": "قبل ساعتين\tمن الآن"},
        {"id": "c", "text": ENGLISH, "date": "n/a"},
    ]
    path = write(tmp_path / "news.jsonl", jsonl_bytes(records))
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "jsonl"}])
    assert [(d["doc_id"], d["date"]) for d in documents] == [("a", "2015-07-31"), ("b", "")]
    assert rows(manifest, "doc_id", "status", "note") == [
        ("a", "kept", ""),
        ("b", "kept", "bad_date:قبل ساعتين من الآن"),
        ("c", "dropped", "bad_date:n/a"),
    ]


# ---------------------------------------------------------------------------------------
# Near-duplicates


def shingle_jaccard(a: str, b: str, size: int = 5) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = corpus.normalized_text(text).split()
        return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}

    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)


def test_test_stories_are_near_and_far():
    assert shingle_jaccard(STORY, STORY_COPY) > 0.9
    assert shingle_jaccard(STORY, OTHER_STORY) == 0


@pytest.fixture
def wire_sources(tmp_path) -> list[dict]:
    records = [
        {"id": "okaz-1", "text": STORY, "source": "okaz"},
        {"id": "okaz-2", "text": OTHER_STORY, "source": "okaz"},
        {"id": "riyadh-1", "text": STORY_COPY, "source": "alriyadh"},
        {"id": "riyadh-2", "text": STORY_COPY, "source": "alriyadh"},
        {"id": "watan-1", "text": STORY + " " + OTHER_STORY, "source": "alwatan"},
    ]
    return [{"path": str(write(tmp_path / "wire.jsonl", jsonl_bytes(records))), "format": "jsonl"}]


@pytest.mark.parametrize(
    ("settings", "reasons"),
    [
        pytest.param(
            {"enabled": True},
            ["", "", "near_duplicate_of:okaz-1", "duplicate_of:riyadh-1", ""],
            id="enabled",
        ),
        pytest.param(
            {"enabled": True, "threshold": 0.4},
            [
                "",
                "",
                "near_duplicate_of:okaz-1",
                "duplicate_of:riyadh-1",
                "near_duplicate_of:okaz-1",
            ],
            id="low-threshold",
        ),
        pytest.param({"enabled": False}, ["", "", "", "duplicate_of:riyadh-1", ""], id="disabled"),
        pytest.param(None, ["", "", "", "duplicate_of:riyadh-1", ""], id="default-off"),
    ],
)
def test_near_duplicates(wire_sources, settings, reasons):
    _, manifest = corpus.read_corpus(wire_sources, near_duplicates=settings)
    assert manifest["reason"].tolist() == reasons


def test_near_duplicates_are_reproducible(wire_sources):
    settings = {"enabled": True, "threshold": 0.5, "shingle_size": 3}
    first = corpus.read_corpus(wire_sources, near_duplicates=settings)[1]
    second = corpus.read_corpus(wire_sources, near_duplicates=settings)[1]
    pd.testing.assert_frame_equal(first, second)


def test_near_duplicate_of_short_texts(tmp_path):
    # Texts shorter than a shingle are one shingle: equal only when the same.
    write(tmp_path / "n" / "a.txt", "سوريا")
    write(tmp_path / "n" / "b.txt", "ليبيا")
    _, manifest = corpus.read_corpus(
        [{"path": str(tmp_path / "n")}], near_duplicates={"enabled": True}
    )
    assert manifest["reason"].tolist() == ["", ""]


# ---------------------------------------------------------------------------------------
# Streaming and accounting


def test_iter_records_streams(wire_sources):
    stream = corpus.iter_records(wire_sources)
    assert isinstance(stream, Iterator)
    document, row = next(stream)
    assert document["doc_id"] == row["doc_id"] == "okaz-1"
    assert list(row) == corpus.MANIFEST_COLUMNS


def _check_or_fail(text: str) -> corpus.TextCheck:
    """A text check that fails on one text (module level, so worker processes get it)."""
    if text == "fail":
        raise ValueError("this text cannot be checked")
    return corpus.TextCheck(reason=f"length {len(text)}")


@pytest.fixture
def small_pool(monkeypatch):
    """checked_texts starts its worker processes from 4 records, in batches of 3."""
    monkeypatch.setattr(corpus, "CHECK_POOL_MIN_RECORDS", 4)
    monkeypatch.setattr(corpus, "CHECK_BATCH", 3)


def test_checked_texts_in_workers_keep_order_and_stream(small_pool):
    read = []

    def items():
        for number in range(100):
            read.append(number)
            yield number, None if number % 7 == 0 else "x" * number

    stream = corpus.checked_texts(items(), _check_or_fail, processes=2)
    first = next(stream)
    # Read ahead: the first records, then at most processes + 1 batches.
    assert len(read) <= corpus.CHECK_POOL_MIN_RECORDS + 3 * corpus.CHECK_BATCH < 100
    results = [first, *stream]
    assert [item for item, _ in results] == list(range(100))
    assert [None if check is None else check.reason for _, check in results] == [
        None if n % 7 == 0 else f"length {n}" for n in range(100)
    ]


def test_checked_texts_error_in_a_worker_stops_the_stream(small_pool):
    items = [(n, "fail" if n == 9 else "text") for n in range(20)]
    with pytest.raises(ValueError, match="cannot be checked"):
        list(corpus.checked_texts(items, _check_or_fail, processes=2))


def test_iter_records_the_same_with_worker_processes(bad_corpus, small_pool):
    # Every kind of record, near-duplicates included, checked in 2 worker processes.
    sources, inputs = bad_corpus
    alone = list(corpus.iter_records(sources, near_duplicates={"enabled": True}))
    workers = list(corpus.iter_records(sources, near_duplicates={"enabled": True}, processes=2))
    assert len(alone) == inputs
    assert workers == alone
    reasons = {row["reason"].split(":")[0] for _, row in workers}
    assert {"duplicate_of", "near_duplicate_of", "not_arabic", "empty"} <= reasons


@pytest.fixture
def bad_corpus(tmp_path) -> tuple[list[dict], int]:
    """Sources with every kind of record, good and bad; returns them and the input count."""
    txt = tmp_path / "txt"
    write(txt / "01_good.txt", STORY)
    write(txt / "02_empty.txt", " \n ")
    write(txt / "03_undecodable.txt", "café".encode("latin-1"))
    write(txt / "04_english.txt", ENGLISH)
    write(txt / "05_copy.txt", STORY.replace(".", " ."))
    write(txt / "06_cp1256.txt", PEACE.encode("cp1256"))
    write(txt / "07_utf16.txt", DAESH.encode("utf-16-le"))
    jsonl = [
        jsonl_bytes([{"id": "01_good", "text": OTHER_STORY, "date": "yesterday"}]),  # repeated id
        b"[1, 2]\n",
        jsonl_bytes([{"id": "no_text", "title": "بلا نص"}]),
        '{"id": "latin", "text": "café"}\n'.encode("latin-1"),
        jsonl_bytes([{"id": "near", "text": STORY_COPY, "date": "2015-07-31"}]),
        b"{broken\n",
    ]
    write(tmp_path / "a.jsonl", b"".join(jsonl))
    write(
        tmp_path / "b.csv",
        f'id,text,label\nk1,{NATO},politics\nk2,,politics\nk3\nk4,"{SECURITY}",security\n',
    )
    write(tmp_path / "c.json", json.dumps([{"id": "j1", "text": "نص قصير جدا"}, 5, {}]))
    write_tar(
        tmp_path / "d.tar.gz",
        {"x/b.txt": ENGLISH.encode(), "x/a.txt": NATO.encode(), "x/c.txt": b"\xff\xfe\xfa"},
    )
    sources = [
        {"path": str(txt)},
        {"path": str(tmp_path / "a.jsonl"), "format": "jsonl"},
        {"path": str(tmp_path / "b.csv"), "format": "csv"},
        {"path": str(tmp_path / "c.json"), "format": "json"},
        {"path": str(tmp_path / "d.tar.gz"), "label_from": "parent_folder"},
    ]
    return sources, 7 + 6 + 4 + 3 + 3


def test_accounting_identity_on_every_kind_of_bad_record(bad_corpus):
    sources, inputs = bad_corpus
    stream = list(corpus.iter_records(sources, near_duplicates={"enabled": True}))
    documents = [doc for doc, _ in stream if doc is not None]
    manifest = pd.DataFrame([row for _, row in stream], columns=corpus.MANIFEST_COLUMNS)
    # One manifest row per input record; kept + dropped == input.
    assert len(manifest) == inputs
    assert Counter(manifest["status"]) == {
        "kept": len(documents),
        "dropped": inputs - len(documents),
    }
    assert manifest["doc_id"].is_unique
    assert manifest["location"].is_unique
    assert [d["doc_id"] for d in documents] == manifest.loc[
        manifest["status"] == "kept", "doc_id"
    ].tolist()
    assert (manifest["reason"] == "").tolist() == (manifest["status"] == "kept").tolist()
    kinds = Counter(manifest["reason"].str.split(":").str[0])
    assert kinds == {
        "": 7,
        "empty": 2,
        "undecodable": 3,
        "not_arabic": 2,
        "duplicate_of": 2,
        "near_duplicate_of": 1,
        "malformed_record": 6,
    }
    reasons = dict(zip(manifest["doc_id"], manifest["reason"], strict=True))
    assert reasons["05_copy"] == "duplicate_of:01_good"
    assert reasons["near"] == "near_duplicate_of:01_good"
    assert reasons["x/a"] == "duplicate_of:k1"
    notes = dict(zip(manifest["doc_id"], manifest["note"], strict=True))
    assert notes["01_good~2"] == "bad_date:yesterday;repeated_id:01_good"
    # The same through read_corpus.
    listed, table = corpus.read_corpus(sources, near_duplicates={"enabled": True})
    assert listed == documents
    pd.testing.assert_frame_equal(table, manifest)


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
        pytest.param("روسياNATO", 5 / 9, id="glued"),
        pytest.param("روسيا 2008 ١٩ !؟", 1.0, id="digits-and-punctuation-ignored"),
        pytest.param("2008 ...", 0.0, id="no-letters"),
        pytest.param("", 0.0, id="empty"),
        pytest.param("پوتین", 1.0, id="persian-letters-count-as-arabic-script"),
        pytest.param("Привет روسيا", 5 / 11, id="cyrillic"),
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


def summary_manifest() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e", "f", "g"],
            "location": ["s"] * 7,
            "status": ["kept", "dropped", "kept", "dropped", "dropped", "kept", "dropped"],
            "reason": [
                "",
                "duplicate_of:a",
                "",
                "malformed_record:4",
                "near_duplicate_of:c",
                "",
                "empty",
            ],
            "encoding": ["utf-8"] * 7,
            "note": ["", "", "bad_date:x", "", "", "repeated_id:a;bad_date:y", ""],
        }
    )


def test_corpus_summary_by_hand():
    lengths = corpus.document_lengths(
        [*TINY_DOCS[:2], {"doc_id": "f", "text": "روسيا فرنسا ألمانيا إسبانيا"}]
    )
    summary = corpus.corpus_summary(summary_manifest(), lengths)
    assert list(summary.columns) == ["measure", "value"]
    # Words 3, 1, 4: total 8, median 3. Characters 20 + 4 + 27 = 51.
    assert list(summary.itertuples(index=False, name=None)) == [
        ("input_records", "7"),
        ("kept", "3"),
        ("dropped", "4"),
        ("dropped_duplicate_of", "1"),
        ("dropped_empty", "1"),
        ("dropped_malformed_record", "1"),
        ("dropped_near_duplicate_of", "1"),
        ("skipped_files", "0"),
        ("bad_dates", "2"),
        ("repeated_ids", "1"),
        ("total_words", "8"),
        ("total_characters", "51"),
        ("min_words", "1"),
        ("median_words", "3"),
        ("max_words", "4"),
    ]


def test_corpus_summary_with_documents():
    documents = [
        {"doc_id": "a", "text": "سلام", "date": "2015-08-02", "label": "x", "source": "okaz"},
        {"doc_id": "c", "text": "سلام", "date": "", "label": "", "source": "okaz"},
        {"doc_id": "f", "text": "سلام", "date": "2015-07-21", "label": "y", "source": "sabq"},
    ]
    lengths = corpus.document_lengths(documents)
    summary = dict(
        corpus.corpus_summary(summary_manifest(), lengths, documents).itertuples(
            index=False, name=None
        )
    )
    assert {k: summary[k] for k in list(summary)[10:16]} == {
        "documents_with_date": "2",
        "first_date": "2015-07-21",
        "last_date": "2015-08-02",
        "documents_with_label": "2",
        "labels": "2",
        "sources": "2",
    }


def test_corpus_summary_fractional_median_and_old_manifest():
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
    assert "bad_dates" not in summary  # a manifest without notes


def test_source_from_config_ignores_unknown_keys():
    source = corpus.Source.from_config({"path": "x.jsonl", "format": "jsonl", "comment": "؟"})
    assert source == corpus.Source(path="x.jsonl", format="jsonl")
    assert (source.id_field, source.text_field, source.title_field) == ("id", "text", "title")
    assert (source.date_field, source.label_field, source.source_field) == (
        "date",
        "label",
        "source",
    )
    assert source.label_from == "field"


# ---------------------------------------------------------------------------------------
# Bad input: damaged files and archives, files passed over, Persian and Urdu, CSV dialects

PERSIAN = (
    "رئیس‌جمهور ایران روز دوشنبه در سفری رسمی به مسکو با ولادیمیر پوتین دیدار کرد. "
    "دو طرف درباره همکاری‌های اقتصادی و امنیتی گفتگو کردند و گفتند که روابط دو کشور در "
    "سال‌های اخیر گسترش یافته است. این سفر پس از ماه‌ها مذاکره انجام شد و قرار است "
    "وزیران خارجه دو کشور نیز هفته آینده در تهران دیدار کنند."
)
URDU = (
    "پاکستان کے وزیر اعظم نے پیر کے روز ماسکو کا سرکاری دورہ کیا اور روسی صدر سے ملاقات "
    "کی۔ دونوں رہنماؤں نے اقتصادی تعاون اور علاقائی سلامتی پر بات چیت کی۔ انہوں نے کہا کہ "
    "دونوں ممالک کے تعلقات میں گزشتہ برسوں میں بہتری آئی ہے اور یہ دورہ اس سلسلے کی ایک "
    "اہم کڑی ہے۔"
)
# Arabic news that names Persian people (with پ, گ, چ, ژ and Persian ی, ک in the names).
ARABIC_WITH_PERSIAN_NAMES = (
    "وصل الرئيس الإيراني إلى موسكو برفقة مستشاره پرویز گلپایگانی والسفير ژاله چمنی، "
    "وقال في مؤتمر صحفي إن المحادثات مع الجانب الروسي ستتناول التعاون الاقتصادي والأمن "
    "الإقليمي والوضع في سوريا، وإن بلاده تأمل في توقيع اتفاقات جديدة قبل نهاية العام."
)
# Arabic typed on a Persian keyboard: ی and ک for ي and ك in every word.
ARABIC_PERSIAN_KEYBOARD = (
    "قال وزیر الخارجیة إن المحادثات کانت إیجابیة وإن الجانبین اتفقا علی مواصلة الحوار "
    "فی الأسابیع المقبلة، وأضاف أن بلاده تدعم کل الجهود الدولیة لإنهاء الأزمة فی سوریا."
)
SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def article(number: int) -> str:
    """A distinct Arabic article (never a duplicate of another number)."""
    return f"{SECURITY} {PEACE} الخبر رقم {number}"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param(PERSIAN, "fa", id="persian"),
        pytest.param(URDU, "ur", id="urdu"),
        pytest.param(PERSIAN.replace("ی", "ي").replace("ک", "ك"), "fa", id="persian-arabic-yeh"),
        pytest.param(ARABIC_WITH_PERSIAN_NAMES, "", id="arabic-with-persian-names"),
        pytest.param(ARABIC_PERSIAN_KEYBOARD, "", id="arabic-on-a-persian-keyboard"),
        pytest.param(f"{STORY} {PERSIAN.split('.')[0]}.", "", id="arabic-quoting-persian"),
        pytest.param(STORY, "", id="arabic"),
        pytest.param("", "", id="empty"),
    ],
)
def test_persian_or_urdu(text, language):
    assert corpus.persian_or_urdu(text) == language


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_articles_are_arabic(path):
    assert corpus.persian_or_urdu(path.read_text(encoding="utf-8")) == ""


def test_persian_and_urdu_are_dropped_and_arabic_kept(tmp_path):
    texts = {
        "a": PERSIAN,
        "b": URDU,
        "c": ARABIC_WITH_PERSIAN_NAMES,
        "d": ARABIC_PERSIAN_KEYBOARD,
        "e": ENGLISH,
    }
    for name, text in texts.items():
        write(tmp_path / "news" / f"{name}.txt", text)
    documents, manifest = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert [d["doc_id"] for d in documents] == ["c", "d"]
    assert manifest["reason"].tolist() == ["not_arabic:fa", "not_arabic:ur", "", "", "not_arabic"]


def test_file_rows_never_take_a_documents_id(tmp_path):
    # A record whose id is the doc_id of a file row, and ids that look like suffixed ones.
    notes = write(tmp_path / "news" / "notes.md", "ملاحظات")
    records = [
        {"id": f"file:{notes.as_posix()}", "text": article(1)},
        {"id": "x", "text": article(2)},
        {"id": "x", "text": article(3)},
        {"id": "x~2", "text": article(4)},
    ]
    write(tmp_path / "news" / "a.jsonl", jsonl_bytes(records))
    _, manifest = corpus.read_corpus([{"path": str(tmp_path / "news"), "format": "jsonl"}])
    assert manifest["doc_id"].tolist() == [
        f"file:{notes.as_posix()}",
        "x",
        "x~2",
        "x~2~2",
        f"file:{notes.as_posix()}~2",
    ]
    assert manifest["status"].tolist() == ["kept"] * 4 + ["skipped"]


def multi_member_gzip(first: bytes, rest: bytes) -> bytes:
    """A gzip file whose first member (``first``) is whole and whose second is cut: readers
    get exactly ``first`` before the stream breaks."""
    second = gzip.compress(rest, mtime=0)
    return gzip.compress(first, mtime=0) + second[: len(second) // 2]


def tar_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@dataclass
class BadInput:
    """Sources with every kind of bad input, and what the manifest must say of each."""

    sources: list[dict] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # location -> reason
    records: int = 0  # input records (rows of records)
    files: int = 0  # files and members that give no record (rows of files)

    def record(self, location: Path | str, reason: str = "") -> None:
        self.reasons[Path(location).as_posix() if isinstance(location, Path) else location] = reason
        self.records += 1

    def file(self, location: Path | str, reason: str) -> None:
        self.reasons[Path(location).as_posix() if isinstance(location, Path) else location] = reason
        self.files += 1


@pytest.fixture
def bad_input(tmp_path) -> BadInput:
    """Every kind of input the reader must account for, in every format and container."""
    bad = BadInput()
    number = iter(range(1000))

    # A folder of text files.
    txt = tmp_path / "txt"
    bad.sources.append({"path": str(txt)})
    bad.record(write(txt / "01_good.txt", STORY))
    bad.record(write(txt / "02_empty.txt", " \n "), "empty")
    bad.record(write(txt / "03_undecodable.txt", "café".encode("latin-1")), "undecodable")
    bad.record(write(txt / "04_english.txt", ENGLISH), "not_arabic")
    bad.record(write(txt / "05_copy.txt", STORY + "\n"), "duplicate_of:01_good")
    bad.record(write(txt / "06_persian.txt", PERSIAN), "not_arabic:fa")
    bad.record(write(txt / "07_urdu.txt", URDU), "not_arabic:ur")
    bad.record(write(txt / "08_nul.txt", NATO.replace(" ", " \x00", 3)))
    bad.record(write(txt / "09_UPPER.TXT", DAESH))
    bad.record(write(txt / "10_names.txt", ARABIC_WITH_PERSIAN_NAMES))
    bad.record(write(txt / "11_packed.txt.gz", gzip.compress(article(next(number)).encode())))
    cut = write(txt / "12_truncated.txt.gz", gzip.compress(OTHER_STORY.encode())[:40])
    bad.file(cut, "unreadable_file:truncated")
    bad.file(write(txt / "13_not_gzip.txt.gz", b"plain text"), "unreadable_file:not_gzip")
    bad.file(write(txt / "README", article(next(number))), "skipped:not_matching_pattern")
    bad.file(write(txt / "notes.md", article(next(number))), "skipped:not_matching_pattern")
    bad.file(write(txt / ".DS_Store", b"\x00\x00\x00\x01Bud1"), "skipped:system_file")
    bad.file(write(txt / "__MACOSX" / "._01_good.txt", b"\x00\x05\x16\x07"), "skipped:system_file")
    (txt / "14_link.txt").symlink_to(txt / "missing.txt")
    bad.file(txt / "14_link.txt", "skipped:broken_link")
    (txt / "empty_folder").mkdir()  # a folder is not a file: no row

    # A folder of JSON Lines files.
    folder = tmp_path / "jsonl"
    bad.sources.append({"path": str(folder), "format": "jsonl"})
    lines = [
        jsonl_bytes([{"id": "j-good", "text": article(next(number))}]),
        b"{broken\n",
        jsonl_bytes([{"id": "j-no-text", "title": "بلا نص"}]),
        '{"id": "j-latin", "text": "café"}\n'.encode("latin-1"),
        b"\n",  # a blank line is not a record
        jsonl_bytes([{"id": "j-nul", "text": article(next(number)) + "\x00"}]),
        b'{"id": "j-nul-raw", "text": "' + article(next(number)).encode() + b'\x00\x00"}\n',
        jsonl_bytes([{"id": "j-urdu", "text": URDU + " "}]),
        jsonl_bytes([{"id": "j-empty", "text": ""}]),
        jsonl_bytes([5]),
    ]
    path = write(folder / "a.jsonl", b"".join(lines))
    for line, reason in zip(
        (1, 2, 3, 4, 6, 7, 8, 9, 10),
        ("", "malformed_record:2", "malformed_record:3", "undecodable", "", "", "not_arabic:ur",
         "empty", "malformed_record:10"),
        strict=True,
    ):  # fmt: skip
        bad.record(f"{path.as_posix()}:{line}", reason)
    bad.file(write(folder / "b_empty.jsonl", b""), "empty_file")
    bad.file(write(folder / "c_blank.jsonl", b"\n\r\n  \n"), "empty_file")
    # CR-only line endings: two records, not one malformed line.
    path = write(
        folder / "d_mac.jsonl",
        jsonl_bytes([{"text": article(next(number))}, {"text": article(next(number))}]).replace(
            b"\n", b"\r"
        ),
    )
    bad.record(f"{path.as_posix()}:1")
    bad.record(f"{path.as_posix()}:2")
    first = jsonl_bytes([{"id": f"g{i}", "text": article(next(number))} for i in range(3)])
    rest = jsonl_bytes([{"id": f"g{i}", "text": article(next(number))} for i in range(3, 6)])
    path = write(folder / "e_truncated.jsonl.gz", multi_member_gzip(first, rest))
    for line in (1, 2, 3):
        bad.record(f"{path.as_posix()}:{line}")
    bad.file(path, "unreadable_file:truncated")
    bad.file(write(folder / "f_notes.txt", "ملاحظات"), "skipped:not_matching_pattern")

    # A folder of JSON files.
    folder = tmp_path / "json"
    bad.sources.append({"path": str(folder), "format": "json"})
    items = [{"id": "t1", "text": article(next(number))}, {"id": "t2", "text": OTHER_STORY}]
    whole = json.dumps(items, ensure_ascii=False)
    path = write(folder / "a_truncated.json", whole[: whole.index(OTHER_STORY) + 20])
    bad.record(f"{path.as_posix()}:1")
    bad.record(f"{path.as_posix()}:2", "malformed_record:truncated_json_array")
    path = write(folder / "b_trailing.json", json.dumps(items[:1]) + " ]")
    bad.record(f"{path.as_posix()}:1", "duplicate_of:t1")
    bad.record(f"{path.as_posix()}:2", "malformed_record:after_json_array")
    bad.file(write(folder / "c_empty.json", "[ ]"), "empty_file")
    bad.file(write(folder / "d_nothing.json", ""), "empty_file")
    path = write(folder / "e_object.json", json.dumps(items[1]))
    bad.record(path, "malformed_record:e_object.json")
    path = write(folder / "f_nul.json", json.dumps([{"text": "\x00" + article(next(number))}]))
    bad.record(f"{path.as_posix()}:1")

    # CSV: semicolons and CR-only line endings; TSV with CR LF; a header and no row.
    path = write(
        tmp_path / "news.csv",
        f"id;title;text\r1;عنوان;{article(next(number))}\r2;قصير\r3;;{URDU}\r"
        f"4;;{article(next(number))}\x00\r",
    )
    bad.sources.append({"path": str(path), "format": "csv"})
    for line, reason in zip(
        (2, 3, 4, 5), ("", "malformed_record:3", "not_arabic:ur", ""), strict=True
    ):
        bad.record(f"{path.as_posix()}:{line}", reason)
    path = write(
        tmp_path / "news.tsv",
        f"id\ttext\r\n1\t{article(next(number))}\r\n2\t{ENGLISH}\r\n".encode()
        + "3\tcafé\r\n".encode("latin-1"),
    )
    bad.sources.append({"path": str(path), "format": "tsv"})
    for line, reason in zip((2, 3, 4), ("", "not_arabic", "undecodable"), strict=True):
        bad.record(f"{path.as_posix()}:{line}", reason)
    path = write(tmp_path / "header_only.csv", "id,text\n")
    bad.sources.append({"path": str(path), "format": "csv"})
    bad.file(path, "empty_file")

    # A zip of text files: a link, resource forks, a folder, a damaged .gz member.
    path = tmp_path / "dump.zip"
    bad.sources.append({"path": str(path), "format": "txt", "label_from": "parent_folder"})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("news/", b"")  # a folder entry: no row
        archive.writestr("news/a.txt", article(next(number)))
        archive.writestr("news/b.txt.gz", b"not gzip")
        archive.writestr("news/c.TXT", PERSIAN)
        archive.writestr("__MACOSX/news/._a.txt", b"\x00\x05\x16\x07")
        link = zipfile.ZipInfo("news/d.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "a.txt")
        archive.writestr("news/notes.md", "ملاحظات")
    archive = path.as_posix()
    bad.file(f"{archive}!__MACOSX/news/._a.txt", "skipped:system_file")
    bad.record(f"{archive}!news/a.txt")
    bad.file(f"{archive}!news/b.txt.gz", "unreadable_file:not_gzip")
    bad.record(f"{archive}!news/c.TXT", "not_arabic:fa")
    bad.file(f"{archive}!news/d.txt", "skipped:link")
    bad.file(f"{archive}!news/notes.md", "skipped:not_matching_pattern")
    path = write(tmp_path / "corrupt.zip", b"PK\x03\x04 this is not a zip archive")
    bad.sources.append({"path": str(path)})
    bad.file(path, "unreadable_archive:not_a_zip")

    # A tar.gz with links, a named pipe and a folder entry.
    path = tmp_path / "members.tar.gz"
    bad.sources.append({"path": str(path), "label_from": "parent_folder"})
    with tarfile.open(path, "w:gz") as archive:
        for name, kind in [
            ("news", tarfile.DIRTYPE),
            ("news/a.txt", tarfile.REGTYPE),
            ("news/b.txt", tarfile.SYMTYPE),
            ("news/c.txt", tarfile.LNKTYPE),
            ("news/d.txt", tarfile.FIFOTYPE),
            ("news/e.txt", tarfile.REGTYPE),
        ]:
            info = tarfile.TarInfo(name)
            info.type = kind
            data = article(next(number)).encode() if kind == tarfile.REGTYPE else b""
            info.size = len(data)
            info.linkname = "news/a.txt" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
            archive.addfile(info, io.BytesIO(data))
    archive = path.as_posix()
    bad.record(f"{archive}!news/a.txt")
    bad.file(f"{archive}!news/b.txt", "skipped:link")
    bad.file(f"{archive}!news/c.txt", "skipped:link")
    bad.file(f"{archive}!news/d.txt", "skipped:not_a_file")
    bad.record(f"{archive}!news/e.txt")

    # Truncated tar.gz archives: the compressed stream cut after two whole members, and a
    # tar cut inside its third member (compressed whole).
    members = {f"news/{i}.txt": article(next(number)).encode() * 20 for i in range(4)}
    plain = tar_bytes(members)
    third = plain.index(members["news/2.txt"]) - tarfile.BLOCKSIZE  # the third header
    path = write(tmp_path / "cut_stream.tar.gz", multi_member_gzip(plain[:third], plain[third:]))
    bad.sources.append({"path": str(path)})
    bad.record(f"{path.as_posix()}!news/0.txt")
    bad.record(f"{path.as_posix()}!news/1.txt")
    bad.file(path, "unreadable_archive:truncated")
    members = {f"news/{i}.txt": article(next(number)).encode() * 20 for i in range(4)}
    plain = tar_bytes(members)
    third = plain.index(members["news/2.txt"]) - tarfile.BLOCKSIZE
    path = write(tmp_path / "cut_member.tar.gz", gzip.compress(plain[: third + 700]))
    bad.sources.append({"path": str(path)})
    bad.record(f"{path.as_posix()}!news/0.txt")
    bad.record(f"{path.as_posix()}!news/1.txt")
    bad.file(path, "unreadable_archive:truncated")
    path = write(tmp_path / "not_a_tar.tar.gz", gzip.compress(b"plain text, not a tar"))
    bad.sources.append({"path": str(path)})
    bad.file(path, "unreadable_archive:not_a_tar")

    # Single compressed files: cut after two records, and not gzip at all.
    first = jsonl_bytes([{"id": f"s{i}", "text": article(next(number))} for i in range(2)])
    rest = jsonl_bytes([{"id": "s2", "text": article(next(number))}])
    path = write(tmp_path / "single.jsonl.gz", multi_member_gzip(first, rest))
    bad.sources.append({"path": str(path), "format": "jsonl"})
    bad.record(f"{path.as_posix()}:1")
    bad.record(f"{path.as_posix()}:2")
    bad.file(path, "unreadable_file:truncated")
    path = write(tmp_path / "single.csv.gz", b"id,text\n1,x\n")
    bad.sources.append({"path": str(path), "format": "csv"})
    bad.file(path, "unreadable_file:not_gzip")
    # After all the damage, a good source is still read.
    path = write(tmp_path / "last.txt", article(next(number)))
    bad.sources.append({"path": str(path)})
    bad.record(path)
    return bad


def test_bad_input_every_record_and_file_has_one_row(bad_input):
    stream = list(corpus.iter_records(bad_input.sources))
    manifest = pd.DataFrame([row for _, row in stream], columns=corpus.MANIFEST_COLUMNS)
    # Input records and files that give none (passed over, empty, unreadable) = rows.
    assert len(manifest) == bad_input.records + bad_input.files
    assert manifest["location"].is_unique
    assert manifest["doc_id"].is_unique
    files = manifest["doc_id"].str.startswith("file:")
    assert files.sum() == bad_input.files
    assert (manifest.loc[files, "doc_id"] == "file:" + manifest.loc[files, "location"]).all()
    # Each with its reason, and a status that agrees with it.
    assert dict(zip(manifest["location"], manifest["reason"], strict=True)) == bad_input.reasons
    expected_status = [
        "kept" if not r else "skipped" if r.startswith("skipped:") else "dropped"
        for r in manifest["reason"]
    ]
    assert manifest["status"].tolist() == expected_status
    documents = [doc for doc, _ in stream if doc is not None]
    assert len(documents) == list(bad_input.reasons.values()).count("")


def test_bad_input_notes_and_texts(bad_input):
    documents, manifest = corpus.read_corpus(bad_input.sources)
    notes = dict(zip(manifest["location"], manifest["note"], strict=True))
    by_location = {d["location"]: d for d in documents}
    txt = Path(bad_input.sources[0]["path"])
    jsonl = Path(bad_input.sources[1]["path"]) / "a.jsonl"
    # NUL bytes are removed and counted: in a text file, an escaped \u0000 in a JSON string,
    # raw NUL bytes in a JSON line, in a JSON file, in a CSV cell.
    assert notes[(txt / "08_nul.txt").as_posix()] == "nul_bytes_removed:3"
    assert by_location[(txt / "08_nul.txt").as_posix()]["text"] == NATO.replace(" ", " ", 3)
    assert notes[f"{jsonl.as_posix()}:6"] == "nul_bytes_removed:1"
    assert notes[f"{jsonl.as_posix()}:7"] == "nul_bytes_removed:2"
    json_nul = f"{Path(bad_input.sources[2]['path']).as_posix()}/f_nul.json:1"
    assert notes[json_nul] == "nul_bytes_removed:1"
    csv_nul = f"{bad_input.sources[3]['path']}:5"
    assert notes[csv_nul] == "nul_bytes_removed:1"
    assert not any("\x00" in d["text"] for d in documents)
    # Unreadable files and archives say what the reader said.
    truncated = (txt / "12_truncated.txt.gz").as_posix()
    assert notes[truncated].startswith("error:EOFError: Compressed file ended")
    assert notes[bad_input.sources[7]["path"]].startswith("error:BadZipFile: ")
    # Records of a truncated archive keep their label; the rows by reason in the summary.
    lengths = corpus.document_lengths(documents)
    summary = dict(corpus.corpus_summary(manifest, lengths).itertuples(index=False, name=None))
    skipped = sum(r.startswith("skipped:") for r in bad_input.reasons.values())
    assert summary["skipped_files"] == str(skipped)
    assert summary["input_records"] == str(len(manifest) - skipped)
    assert summary["dropped_unreadable_archive"] == "4"


def test_truncated_json_array_of_two_articles(tmp_path):
    whole = json.dumps([{"id": "a", "text": NATO}, {"id": "b", "text": PEACE}], ensure_ascii=False)
    path = write(tmp_path / "news.json", whole[: whole.index(PEACE) + 10])
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": "json"}])
    assert [d["doc_id"] for d in documents] == ["a"]
    assert rows(manifest, "doc_id", "location", "reason") == [
        ("a", f"{path.as_posix()}:1", ""),
        ("item_2", f"{path.as_posix()}:2", "malformed_record:truncated_json_array"),
    ]


def test_folder_with_a_truncated_gz_keeps_the_good_files(tmp_path):
    write(tmp_path / "news" / "a.txt.gz", gzip.compress(NATO.encode()))
    write(tmp_path / "news" / "b.txt.gz", gzip.compress(STORY.encode())[:30])
    write(tmp_path / "news" / "c.txt", DAESH)
    documents, manifest = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert [d["text"] for d in documents] == [NATO, DAESH]
    assert manifest["reason"].tolist() == ["", "unreadable_file:truncated", ""]
    assert corpus.list_source_files({"path": str(tmp_path / "news")}) == [
        tmp_path / "news" / name for name in ("a.txt.gz", "b.txt.gz", "c.txt")
    ]


def test_unsorted_truncated_tar_keeps_the_members_before_the_break(tmp_path, monkeypatch):
    # Members not in name order are read in more passes; a break ends them all the same.
    members = {f"news/{i}.txt": f"{STORY} رقم {i}".encode() for i in (3, 1, 2, 0)}
    plain = tar_bytes(members)
    cut = plain.index(members["news/0.txt"]) - tarfile.BLOCKSIZE
    path = write(tmp_path / "unsorted.tar.gz", multi_member_gzip(plain[:cut], plain[cut:]))
    monkeypatch.setattr(corpus, "TAR_BUFFER_BYTES", 0)
    documents, manifest = corpus.read_corpus([{"path": str(path)}])
    assert [d["doc_id"] for d in documents] == ["news/1", "news/2", "news/3"]
    assert manifest["reason"].tolist()[-1] == "unreadable_archive:truncated"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_delimiter_and_line_endings_are_detected(tmp_path, delimiter, ending, fmt):
    # Article text with commas and semicolons of its own, quoted text over two lines (a line
    # break in a cell is quoted when it is the file's own line ending).
    records = [
        {"id": "a", "title": "قمة, بوخارست", "text": f"{NATO}; {PEACE}, {DAESH}"},
        {"id": "b", "title": "داعش", "text": f"{SECURITY}{ending}{STORY}"},
        {"id": "c", "title": "", "text": OTHER_STORY.replace("،", ",")},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(
        out, ["id", "title", "text"], delimiter=delimiter, lineterminator=ending
    )
    writer.writeheader()
    writer.writerows(records)
    path = write(tmp_path / f"news.{fmt}", out.getvalue())
    documents, manifest = corpus.read_corpus([{"path": str(path), "format": fmt}])
    assert [(d["doc_id"], d["title"], d["text"]) for d in documents] == [
        (r["id"], r["title"], r["text"]) for r in records
    ]
    assert manifest["location"].tolist() == [f"{path.as_posix()}:{n}" for n in (2, 3, 5)]


def test_csv_header_with_a_repeated_column_is_refused(tmp_path):
    path = write(tmp_path / "news.csv", f"id,text,title,text\na,{NATO},x,{PEACE}\n")
    with pytest.raises(ValueError, match="names the column 'text' more than once") as error:
        corpus.read_corpus([{"path": str(path), "format": "csv"}])
    assert path.as_posix() in str(error.value)


def test_csv_header_with_empty_trailing_columns_is_read(tmp_path):
    # Spreadsheets export empty trailing columns: unnamed, not repeated names.
    path = write(tmp_path / "news.csv", f"id,text,,\na,{NATO},,\n")
    documents, _ = corpus.read_corpus([{"path": str(path), "format": "csv"}])
    assert [d["text"] for d in documents] == [NATO]


def test_csv_without_the_text_field_lists_the_header(tmp_path):
    path = write(tmp_path / "my.csv", f"article_no,headline,body\n1,عنوان,{NATO}\n")
    source = {"path": str(path), "format": "csv", "text_field": "content"}
    with pytest.raises(ValueError) as error:
        corpus.read_corpus([source])
    assert str(error.value).startswith(
        f"text_field 'content' not in the header of {path.as_posix()}: article_no, headline, body"
    )


def test_pattern_is_case_insensitive(tmp_path):
    write(tmp_path / "news" / "a.TXT", NATO)
    write(tmp_path / "news" / "b.Txt", DAESH)
    write(tmp_path / "news" / "c", PEACE)  # no extension: passed over, with a row
    documents, manifest = corpus.read_corpus([{"path": str(tmp_path / "news")}])
    assert [d["doc_id"] for d in documents] == ["a", "b"]
    assert manifest["reason"].tolist() == ["", "", "skipped:not_matching_pattern"]
    documents, _ = corpus.read_corpus([{"path": str(tmp_path / "news"), "pattern": "*.txt"}])
    assert len(documents) == 2


def test_check_corpus_size():
    corpus.check_corpus_size(corpus.MIN_DOCUMENTS, {}, "of the corpus was kept", "x")
    with pytest.raises(ValueError) as error:
        counts = {"empty": 3, "not_arabic:fa": 2, "skipped:system_file": 1}
        corpus.check_corpus_size(0, counts, "of the corpus was kept", "the manifest is in m.tsv")
    assert str(error.value) == (
        f"no document of the corpus was kept (at least {corpus.MIN_DOCUMENTS} are needed to "
        "model topics); not kept: 3 empty, 2 not_arabic:fa, 1 skipped:system_file; "
        "the manifest is in m.tsv"
    )
    with pytest.raises(ValueError, match=r"^only 1 document is left after normalization"):
        corpus.check_corpus_size(1, {"too_short": 4}, "is left after normalization", "")


def test_reason_counts_group_lines_and_ids_but_not_kinds():
    manifest = pd.DataFrame(
        {
            "status": ["kept", "dropped", "dropped", "dropped", "dropped", "skipped", "dropped"],
            "reason": [
                "",
                "duplicate_of:a",
                "duplicate_of:b",
                "malformed_record:7",
                "not_arabic:ur",
                "skipped:link",
                "unreadable_archive:truncated",
            ],
        }
    )
    assert corpus.reason_counts(manifest) == {
        "duplicate_of": 2,
        "malformed_record": 1,
        "not_arabic:ur": 1,
        "skipped:link": 1,
        "unreadable_archive:truncated": 1,
    }


# Random bytes, in every format and container, never stop ingest.
RANDOM_MAX_EXAMPLES = int(os.environ.get("CORPUS_MAX_EXAMPLES", "60"))


@settings(max_examples=RANDOM_MAX_EXAMPLES, deadline=None)
@given(
    data=st.binary(max_size=3000)
    | st.text(max_size=500).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    fmt=st.sampled_from(corpus.FORMATS),
    container=st.sampled_from(
        ["plain", "gzip", "named_gz", "zip", "tar", "named_zip", "named_tar"]
    ),
)
def test_property_random_bytes_never_stop_ingest(data, fmt, container):
    """Whatever the bytes, ingest ends and gives the file at least one row. (A CSV or TSV
    file gets a header with the text field first: a header without it is a configuration
    error, which stops the run by design.)"""
    if fmt in ("csv", "tsv"):
        data = ("id,text\n" if fmt == "csv" else "id\ttext\n").encode() + data
    name = f"random.{'txt' if fmt == 'txt' else fmt}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if container == "gzip":
            path = write(path.with_name(name + ".gz"), gzip.compress(data))
        elif container == "named_gz":
            path = write(path.with_name(name + ".gz"), data)
        elif container == "zip":
            path = write_zip(path.with_name("random.zip"), {f"news/{name}": data})
        elif container == "tar":
            path = write_tar(path.with_name("random.tar.gz"), {f"news/{name}": data})
        elif container == "named_zip":
            path = write(path.with_name("random.zip"), data)
        elif container == "named_tar":
            path = write(path.with_name("random.tar.gz"), data)
        else:
            path = write(path, data)
        stream = list(corpus.iter_records([{"path": str(path), "format": fmt}]))
    manifest = pd.DataFrame([row for _, row in stream], columns=corpus.MANIFEST_COLUMNS)
    assert len(manifest) >= 1
    assert manifest["location"].str.startswith(path.as_posix()).all()
    assert set(manifest["status"]) <= {"kept", "dropped", "skipped"}
    assert manifest["doc_id"].is_unique
    assert ((manifest["status"] == "kept") == (manifest["reason"] == "")).all()
