"""Unit tests of the paper target (arabic_news_topics.paper.step): the figures and tables a
paper prints, numbered, with their checksums."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from arabic_news_topics.io import write_table
from arabic_news_topics.paper import step as paper


@pytest.fixture
def paper_inputs(tmp_path):
    figures_dir = tmp_path / "figures"
    figures_dir.mkdir()
    lengths = figures_dir / "lengths.pdf"
    lengths.write_bytes(b"%PDF-1.4 lengths figure")
    topics = figures_dir / "topics.pdf"
    topics.write_bytes(b"%PDF-1.4 topics figure")
    summary = tmp_path / "corpus_summary.csv"
    write_table(pd.DataFrame({"measure": ["input_records", "kept"], "value": ["5", "5"]}), summary)
    custom = tmp_path / "custom.csv"
    write_table(pd.DataFrame({"theme": ["الإرهاب", "الناتو"], "score": [0.12345, 0.5]}), custom)
    return {
        "figures": [("lengths", str(lengths)), ("topics", str(topics))],
        "tables": [("corpus_summary", str(summary)), ("theme_scores", str(custom))],
    }


def test_paper_numbering_and_files(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    written = paper.paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
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


def test_paper_captions(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    paper.paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
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


def test_paper_checksums_match_files(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    written = paper.paper(paper_inputs["figures"], paper_inputs["tables"], str(out))
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


def test_paper_removes_files_of_earlier_runs(tmp_path, paper_inputs):
    out = tmp_path / "paper"
    out.mkdir()
    (out / "fig09_old.pdf").write_bytes(b"old")
    paper.paper(paper_inputs["figures"][:1], [], str(out))
    assert sorted(p.name for p in out.iterdir()) == ["checksums.sha256", "fig01_lengths.pdf"]


def test_paper_is_reproducible(tmp_path, paper_inputs):
    first = paper.paper(paper_inputs["figures"], paper_inputs["tables"], str(tmp_path / "a"))
    second = paper.paper(paper_inputs["figures"], paper_inputs["tables"], str(tmp_path / "b"))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_the_model_selection_table_keeps_the_columns_a_page_holds(tmp_path):
    from arabic_news_topics.paper.step import PAPER_COLUMNS, paper

    columns = [*PAPER_COLUMNS["model_selection_table"], "c_npmi_sd", "c_v_sd", "best"]
    table = pd.DataFrame([[1] * len(columns)], columns=columns)
    csv = tmp_path / "selection.csv"
    table.to_csv(csv, index=False)
    paper([], [("model_selection_table", str(csv))], str(tmp_path / "paper"))
    tex = (tmp_path / "paper/table01_model_selection_table.tex").read_text()
    header = next(line for line in tex.splitlines() if line.startswith("num\\_topics"))
    assert header.count("&") == len(PAPER_COLUMNS["model_selection_table"]) - 1
    assert "c\\_npmi\\_sd" not in tex and "c\\_npmi\\_se" in tex
