"""Unit tests of the shared I/O (arabic_news_topics.io): tables and JSON Lines files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from arabic_news_topics.io import iter_tokens, read_jsonl, read_table, write_jsonl, write_table


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
    write_table(frame, csv, md)
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
    write_table(big, csv, md)
    assert len(csv.read_text(encoding="utf-8").splitlines()) == rows + 1
    lines = md.read_text(encoding="utf-8").splitlines()
    table_lines = [line for line in lines if line.startswith("|")]
    assert len(table_lines) == shown + 2
    assert table_lines[-1].split("|")[1].strip() == f"كلمة{shown - 1}"
    expected = f"The first {shown:,} of {rows:,} rows; every row is in `big.csv`."
    assert (lines[-1] == expected) is note


def test_write_table_without_markdown(tmp_path, frame):
    csv = tmp_path / "terms.csv"
    write_table(frame, csv)
    assert [p.name for p in tmp_path.iterdir()] == ["terms.csv"]


def test_table_read_back_equal(tmp_path, frame):
    csv = tmp_path / "terms.csv"
    write_table(frame, csv)
    back = read_table(csv)
    assert back["term"].tolist() == frame["term"].tolist()
    assert back["count"].tolist() == [12, 7, 3]
    assert back["weight"].tolist() == [0.123457, 2.0, 0.333333]


def test_write_table_does_not_change_the_frame(tmp_path, frame):
    before = frame.copy()
    write_table(frame, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(frame, before)


def test_write_table_is_byte_identical_on_rerun(tmp_path, frame):
    write_table(frame, tmp_path / "a.csv", tmp_path / "a.md")
    write_table(frame.copy(), tmp_path / "b.csv", tmp_path / "b.md")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()


def test_read_table_keeps_none_and_empty_distinct(tmp_path):
    csv = tmp_path / "t.csv"
    write_table(pd.DataFrame({"theme": ["none", "nato"], "note": ["", "ناتو"]}), csv)
    back = read_table(csv)
    # "none" is a theme name here, not a missing value.
    assert back["theme"].tolist() == ["none", "nato"]
    assert pd.isna(back["note"].iloc[0])
    assert back["note"].iloc[1] == "ناتو"


def test_read_table_tsv(tmp_path):
    path = tmp_path / "manifest.tsv"
    path.write_text("doc_id\tstatus\nخبر_1\tkept\n", encoding="utf-8")
    assert read_table(path).values.tolist() == [["خبر_1", "kept"]]


RECORDS = [
    {"doc_id": "000", "tokens": ["روسيا", "ناتو"], "title": "قمة بوخارست"},
    {"doc_id": "001", "tokens": [], "title": ""},
    {"doc_id": "sub/002", "tokens": ["سلام"], "score": 0.5},
]


def test_jsonl_round_trip_keeps_arabic_readable(tmp_path):
    path = tmp_path / "deep" / "tokens.jsonl"
    assert write_jsonl(iter(RECORDS), path) == 3
    text = path.read_text(encoding="utf-8")
    assert "قمة بوخارست" in text and "\\u" not in text
    assert len(text.splitlines()) == 3
    assert list(read_jsonl(path)) == RECORDS


def test_read_jsonl_gzip_and_blank_lines(tmp_path):
    path = tmp_path / "tokens.jsonl.gz"
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(lines[0] + "\n\n" + "\n".join(lines[1:]) + "\n  \n")
    assert list(read_jsonl(path)) == RECORDS


def test_write_jsonl_of_nothing(tmp_path):
    path = tmp_path / "empty.jsonl"
    assert write_jsonl([], path) == 0
    assert path.read_text(encoding="utf-8") == ""
    assert list(read_jsonl(path)) == []


def test_iter_tokens_yields_each_document(tmp_path):
    path = tmp_path / "tokens.jsonl"
    write_jsonl(
        [{"doc_id": "خبر_1", "tokens": ["روسيا", "ناتو"]}, {"doc_id": "b", "tokens": []}], path
    )
    assert list(iter_tokens(path)) == [("خبر_1", ["روسيا", "ناتو"]), ("b", [])]


# ---------------------------------------------------------------------------------------
# log_to (in a process of its own: it takes over logging, warnings and stderr)

LOGGING_JOB = """
import logging, sys, warnings
from arabic_news_topics.io import log_to
log_to(sys.argv[1])
logging.getLogger("arabic_news_topics.test").info("قرأت %d وثائق", 5)
warnings.warn("a warning")
raise RuntimeError("the traceback goes to the log too")
"""


@pytest.mark.parametrize("slurm_job_id", [None, "4242"])
def test_log_to_takes_logs_warnings_and_tracebacks(tmp_path, slurm_job_id):
    log = tmp_path / "job.log"
    env = {k: v for k, v in os.environ.items() if k != "SLURM_JOB_ID"}
    if slurm_job_id:
        env["SLURM_JOB_ID"] = slurm_job_id
    result = subprocess.run(
        [sys.executable, "-c", LOGGING_JOB, str(log)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr == ""
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    if slurm_job_id:
        assert f"SLURM job {slurm_job_id} on node" in lines[0]
    else:
        assert "SLURM job" not in text
    assert "INFO arabic_news_topics.test: قرأت 5 وثائق" in text
    assert "UserWarning: a warning" in text
    assert "RuntimeError: the traceback goes to the log too" in text
