"""Unit tests of the table helpers (arabic_news_topics.tables) and the paper target
(arabic_news_topics.paper)."""

from __future__ import annotations

import gzip
import hashlib
import json

import pandas as pd
import pytest

from arabic_news_topics import paper, tables


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": ["روسيا", "الناتو", "حلف شمال"],
            "count": [12, 7, 3],
            "weight": [0.1234567891, 2.0, 1 / 3],
        }
    )


def test_write_table_writes_csv_and_markdown(tmp_path, frame):
    csv, md = tmp_path / "out" / "terms.csv", tmp_path / "out" / "terms.md"
    tables.write_table(frame, csv, md)
    text = csv.read_text(encoding="utf-8")
    # Floats keep six decimals; integers stay integers; no index column; \n line endings.
    assert text == (
        "term,count,weight\nروسيا,12,0.123457\nالناتو,7,2.000000\nحلف شمال,3,0.333333\n"
    )
    markdown = md.read_text(encoding="utf-8")
    lines = markdown.splitlines()
    assert len(lines) == 5  # header, separator, three rows
    assert all(lines[0].count(name) == 1 for name in ("term", "count", "weight"))
    assert "روسيا" in lines[2] and "0.123457" in lines[2]
    assert "0.1234568" not in markdown
    assert markdown.endswith("\n")


@pytest.mark.parametrize(
    ("rows", "shown", "note"),
    [(3, 3, False), (1000, 1000, False), (1001, 1000, True), (25_000, 1000, True)],
)
def test_markdown_holds_at_most_max_rows_and_says_so(tmp_path, rows, shown, note):
    big = pd.DataFrame({"term": [f"كلمة{i}" for i in range(rows)], "count": range(rows)})
    csv, md = tmp_path / "big.csv", tmp_path / "big.md"
    tables.write_table(big, csv, md)
    assert len(csv.read_text(encoding="utf-8").splitlines()) == rows + 1
    lines = md.read_text(encoding="utf-8").splitlines()
    table_lines = [line for line in lines if line.startswith("|")]
    assert len(table_lines) == shown + 2
    assert table_lines[-1].split("|")[1].strip() == f"كلمة{shown - 1}"
    expected = f"The first {shown:,} of {rows:,} rows; every row is in `big.csv`."
    assert (lines[-1] == expected) is note


def test_write_table_without_markdown(tmp_path, frame):
    csv = tmp_path / "terms.csv"
    tables.write_table(frame, csv)
    assert [p.name for p in tmp_path.iterdir()] == ["terms.csv"]


def test_table_read_back_equal(tmp_path, frame):
    csv = tmp_path / "terms.csv"
    tables.write_table(frame, csv)
    back = tables.read_table(csv)
    assert back["term"].tolist() == frame["term"].tolist()
    assert back["count"].tolist() == [12, 7, 3]
    assert back["weight"].tolist() == [0.123457, 2.0, 0.333333]


def test_write_table_does_not_change_the_frame(tmp_path, frame):
    before = frame.copy()
    tables.write_table(frame, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(frame, before)


def test_write_table_is_byte_identical_on_rerun(tmp_path, frame):
    tables.write_table(frame, tmp_path / "a.csv", tmp_path / "a.md")
    tables.write_table(frame.copy(), tmp_path / "b.csv", tmp_path / "b.md")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()


def test_read_table_keeps_none_and_empty_distinct(tmp_path):
    csv = tmp_path / "t.csv"
    tables.write_table(pd.DataFrame({"theme": ["none", "nato"], "note": ["", "ناتو"]}), csv)
    back = tables.read_table(csv)
    # "none" is a theme name here, not a missing value.
    assert back["theme"].tolist() == ["none", "nato"]
    assert pd.isna(back["note"].iloc[0])
    assert back["note"].iloc[1] == "ناتو"


def test_read_table_tsv(tmp_path):
    path = tmp_path / "manifest.tsv"
    path.write_text("doc_id\tstatus\nخبر_1\tkept\n", encoding="utf-8")
    assert tables.read_table(path).values.tolist() == [["خبر_1", "kept"]]


RECORDS = [
    {"doc_id": "000", "tokens": ["روسيا", "ناتو"], "title": "قمة بوخارست"},
    {"doc_id": "001", "tokens": [], "title": ""},
    {"doc_id": "sub/002", "tokens": ["سلام"], "score": 0.5},
]


def test_jsonl_round_trip_keeps_arabic_readable(tmp_path):
    path = tmp_path / "deep" / "tokens.jsonl"
    assert tables.write_jsonl(iter(RECORDS), path) == 3
    text = path.read_text(encoding="utf-8")
    assert "قمة بوخارست" in text and "\\u" not in text
    assert len(text.splitlines()) == 3
    assert list(tables.read_jsonl(path)) == RECORDS


def test_read_jsonl_gzip_and_blank_lines(tmp_path):
    path = tmp_path / "tokens.jsonl.gz"
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(lines[0] + "\n\n" + "\n".join(lines[1:]) + "\n  \n")
    assert list(tables.read_jsonl(path)) == RECORDS


def test_write_jsonl_of_nothing(tmp_path):
    path = tmp_path / "empty.jsonl"
    assert tables.write_jsonl([], path) == 0
    assert path.read_text(encoding="utf-8") == ""
    assert list(tables.read_jsonl(path)) == []


# ---------------------------------------------------------------------------------------
# collect_paper


@pytest.fixture
def paper_inputs(tmp_path):
    figures_dir = tmp_path / "figures"
    figures_dir.mkdir()
    lengths = figures_dir / "lengths.pdf"
    lengths.write_bytes(b"%PDF-1.4 lengths figure")
    topics = figures_dir / "topics.pdf"
    topics.write_bytes(b"%PDF-1.4 topics figure")
    summary = tmp_path / "corpus_summary.csv"
    tables.write_table(
        pd.DataFrame({"measure": ["input_records", "kept"], "value": ["5", "5"]}), summary
    )
    custom = tmp_path / "custom.csv"
    tables.write_table(
        pd.DataFrame({"theme": ["الإرهاب", "الناتو"], "score": [0.12345, 0.5]}), custom
    )
    return {
        "figures": [("lengths", str(lengths)), ("topics", str(topics))],
        "tables": [("corpus_summary", str(summary)), ("theme_scores", str(custom))],
    }


def test_collect_paper_numbering_and_files(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    written = paper.collect_paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
    assert [p.name for p in written] == [
        "fig01_lengths.pdf",
        "fig02_topics.pdf",
        "table01_corpus_summary.tex",
        "table01_corpus_summary.md",
        "table02_theme_scores.tex",
        "table02_theme_scores.md",
        "checksums.sha256",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert (out / "fig02_topics.pdf").read_bytes() == b"%PDF-1.4 topics figure"


def test_collect_paper_captions(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    paper.collect_paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
    summary_md = (out / "table01_corpus_summary.md").read_text(encoding="utf-8")
    assert summary_md.startswith(f"Table 1: {paper.TABLE_CAPTIONS['corpus_summary']}\n\n")
    assert "input_records" in summary_md
    custom_md = (out / "table02_theme_scores.md").read_text(encoding="utf-8")
    # A table without a caption is captioned from its name; floats print with 3 decimals.
    assert custom_md.startswith("Table 2: Theme scores.\n\n")
    assert "الإرهاب" in custom_md and "0.123" in custom_md and "0.1235" not in custom_md
    tex = (out / "table02_theme_scores.tex").read_text(encoding="utf-8")
    assert "\\caption{Theme scores.}" in tex
    assert "الناتو" in tex and "0.500" in tex


def test_collect_paper_checksums_match_files(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    written = paper.collect_paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
    lines = (out / paper.CHECKSUMS).read_text(encoding="utf-8").splitlines()
    # sha256sum format: 64 hex digits, two spaces, the file name.
    listed = {}
    for line in lines:
        digest, name = line.split("  ")
        assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
        listed[name] = digest
    expected = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in written
        if p.name != paper.CHECKSUMS
    }
    assert listed == expected
    assert len(lines) == 6


def test_collect_paper_removes_files_of_earlier_runs(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    out.mkdir()
    (out / "fig09_old.pdf").write_bytes(b"old")
    paper.collect_paper(paper_inputs["figures"][:1], [], str(out))
    assert sorted(p.name for p in out.iterdir()) == ["checksums.sha256", "fig01_lengths.pdf"]


def test_collect_paper_is_reproducible(tmp_path, paper_inputs):
    first = paper.collect_paper(
        paper_inputs["figures"], paper_inputs["tables"], str(tmp_path / "a")
    )
    second = paper.collect_paper(
        paper_inputs["figures"], paper_inputs["tables"], str(tmp_path / "b")
    )
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
