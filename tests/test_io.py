"""Unit tests of the shared I/O (arabic_news_topics.io): tables and JSON Lines files."""

from __future__ import annotations

import ast
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import arabic_news_topics
from arabic_news_topics.io import (
    _csv_values,
    _round_floats,
    atomic_path,
    iter_tokens,
    read_jsonl,
    read_table,
    write_jsonl,
    write_npz,
    write_table,
    write_text,
    write_tsv,
)


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


def _pandas_csv(frame: pd.DataFrame) -> bytes:
    """The table's CSV as pandas writes it: the reference write_table's own writer must match."""
    rounded = frame.copy()
    floats = rounded.select_dtypes(include="float").columns
    rounded[floats] = rounded[floats].round(6)
    return rounded.to_csv(index=False, lineterminator="\n", float_format="%.6f").encode("utf-8")


def _odd_frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    shares = rng.dirichlet(np.full(7, 0.1), size=40)
    shares[2, 3], shares[5, 0], shares[6, 6] = np.nan, -0.0, np.inf
    strings = ["a,b", 'say "x"', "two\nlines", "cr\rhere", " lead", "", "روسيا, الناتو", None]
    return {
        "topic shares with NaN, -0, inf": pd.DataFrame(
            {"doc_id": [f"d{i}" for i in range(40)]}
            | {f"topic_{j + 1}": shares[:, j] for j in range(7)}
        ),
        "strings that need quotes, None and NaN": pd.DataFrame(
            {
                "text": strings,
                "mixed": [1, 2.5, "x", None, np.nan, True, 0.1234567891, "y"],
                "flag": [True, False] * 4,
                "count": np.arange(8, dtype=np.int32),
                "big": [1e20, -1e-9, 5e-7, 4.9999999e-7, 123456.7654321, -2.5e-7, 0.0, 1.0],
                "small": np.linspace(0, 1, 8, dtype=np.float32),
                "unsigned": np.arange(8, dtype=np.uint64),
            }
        ),
        "one column with empty strings": pd.DataFrame({"term": ["", "a", ""]}),
        "strings of object dtype": pd.DataFrame(
            {"term": np.array(["a,b", None, "ج"], dtype=object), "n": [1, 2, 3]}, dtype=object
        ),
        "one float column with NaN": pd.DataFrame({"score": [np.nan, 0.5, np.nan]}),
        "no rows": pd.DataFrame(
            {"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)}
        ),
        "duplicate names": pd.DataFrame([[1, 0.5, "x"]], columns=["a", "a", "b"]),
        # Left to pandas: extension dtypes, dates, categories, labels that are not strings.
        "nullable integers": pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64")}),
        "dates": pd.DataFrame({"day": pd.to_datetime(["2015-07-21", None]), "x": [0.5, 1.0]}),
        "categories": pd.DataFrame({"section": pd.Categorical(["a", "b", None])}),
        "integer labels": pd.DataFrame({1: [0.25, 0.5], 2.5: ["a", "b"]}),
        "no columns": pd.DataFrame(index=range(3)),
    }


LEFT_TO_PANDAS = {"nullable integers", "dates", "categories", "integer labels", "no columns"}


@pytest.mark.parametrize("name", list(_odd_frames()))
def test_write_table_writes_the_bytes_pandas_writes(tmp_path, name):
    frame = _odd_frames()[name]
    # Each frame goes the way it is meant to: the package's writer, or pandas.
    assert (_csv_values(_round_floats(frame)) is None) is (name in LEFT_TO_PANDAS)
    write_table(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == _pandas_csv(frame)


@pytest.mark.parametrize("block_rows", [7, 2000, 10_000])
def test_write_table_matches_pandas_on_a_large_random_table(tmp_path, monkeypatch, block_rows):
    # Rows are formatted a block at a time: blocks that end mid-table, at its end, past it.
    monkeypatch.setattr(arabic_news_topics.io, "CSV_BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(11)
    values = rng.standard_normal((2000, 30)) * 10.0 ** rng.integers(-8, 8, size=(2000, 30))
    values[rng.random(values.shape) < 0.01] = np.nan
    frame = pd.DataFrame(values, columns=[f"c{j}" for j in range(30)])
    frame.insert(0, "doc_id", [f"2015-07-21-{i:04d}" for i in range(2000)])
    write_table(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == _pandas_csv(frame)


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


# ---------------------------------------------------------------------------------------
# atomic_path: an output appears under its name only complete


def test_atomic_path_renames_a_complete_file_into_place(tmp_path):
    target = tmp_path / "out" / "scores.json"
    with atomic_path(target) as temporary:
        # The temporary name is in the same folder and ends with the whole name, suffix too.
        assert temporary.parent == target.parent
        assert temporary.name.endswith("-scores.json") and temporary.name.startswith(".")
        temporary.write_text('{"half": ', encoding="utf-8")
        assert not target.exists()  # while it is written, the output does not exist
        with temporary.open("a", encoding="utf-8") as handle:
            handle.write("1}\n")
    assert target.read_text(encoding="utf-8") == '{"half": 1}\n'
    assert os.listdir(target.parent) == ["scores.json"]


def test_atomic_path_leaves_nothing_on_error_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old,complete\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="killed mid-write"), atomic_path(target) as temporary:
        temporary.write_text("new,half", encoding="utf-8")
        raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "old,complete\n"
    assert os.listdir(tmp_path) == ["table.csv"]


def test_atomic_path_error_before_any_write_creates_nothing(tmp_path):
    target = tmp_path / "deep" / "table.csv"
    with pytest.raises(ValueError, match="no rows"), atomic_path(target):
        raise ValueError("no rows")
    assert not target.exists()
    assert os.listdir(target.parent) == []


def test_atomic_path_says_when_nothing_was_written(tmp_path):
    target = tmp_path / "empty.json"
    with (
        pytest.raises(FileNotFoundError, match=r"nothing was written to .*empty\.json"),
        atomic_path(target),
    ):
        pass
    assert os.listdir(tmp_path) == []


def test_atomic_path_replaces_a_folder_whole(tmp_path):
    target = tmp_path / "shards"
    target.mkdir()
    (target / "00001.jsonl").write_text("from an earlier run\n", encoding="utf-8")
    (target / "00002.jsonl").write_text("from an earlier run\n", encoding="utf-8")
    with atomic_path(target) as temporary:
        temporary.mkdir()
        (temporary / "00001.jsonl").write_text("new\n", encoding="utf-8")
        assert (target / "00002.jsonl").exists()  # the old folder stays until the new is done
    assert sorted(os.listdir(target)) == ["00001.jsonl"]
    assert (target / "00001.jsonl").read_text(encoding="utf-8") == "new\n"
    assert os.listdir(tmp_path) == ["shards"]


def test_atomic_path_removes_leftovers_of_its_own_output_only(tmp_path):
    """What a killed job left beside an output goes with the next write of that output;
    the leftovers of other outputs (other names) stay for their own next write."""
    (tmp_path / ".tmp-0123abcd-model").mkdir()
    (tmp_path / ".tmp-0123abcd-model" / "model.gensim").write_bytes(b"half")
    (tmp_path / ".tmp-89abcdef-model").write_bytes(b"half")
    (tmp_path / ".tmp-0123abcd-other-model").write_bytes(b"half")
    (tmp_path / ".tmp-0123abcd-model.json").write_bytes(b"half")
    with atomic_path(tmp_path / "model") as temporary:
        temporary.write_bytes(b"complete")
    assert sorted(os.listdir(tmp_path)) == [
        ".tmp-0123abcd-model.json",
        ".tmp-0123abcd-other-model",
        "model",
    ]


def test_atomic_writers_keep_numpy_suffixes(tmp_path):
    """numpy appends .npz to a name without it: the temporary name keeps the suffix, so the
    file lands under the output's own name."""
    target = tmp_path / "topic_word.npz"
    with atomic_path(target) as temporary:
        np.savez_compressed(temporary, phi=np.eye(2))
    assert os.listdir(tmp_path) == ["topic_word.npz"]
    with np.load(target) as stored:
        np.testing.assert_array_equal(stored["phi"], np.eye(2))


def test_write_text_and_tsv_bytes(tmp_path):
    write_text(tmp_path / "a.json", '{"شرق": 1}\n')
    assert (tmp_path / "a.json").read_bytes() == '{"شرق": 1}\n'.encode()
    write_tsv(pd.DataFrame({"doc_id": ["خبر", "b"], "note": ["", "x"]}), tmp_path / "m.tsv")
    assert (tmp_path / "m.tsv").read_bytes() == "doc_id\tnote\nخبر\t\nb\tx\n".encode()
    assert sorted(os.listdir(tmp_path)) == ["a.json", "m.tsv"]


def test_write_jsonl_interrupted_leaves_no_file(tmp_path):
    def records():
        yield {"doc_id": "a"}
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_jsonl(records(), tmp_path / "tokens.jsonl")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------------------
# No writer of the package bypasses atomic_path

PACKAGE = Path(arabic_news_topics.__file__).parent

#: Methods that write a file (``frame.to_csv(path)``, ``fig.savefig(path)`` ...).
WRITING_METHODS = {
    "write_text",
    "write_bytes",
    "to_csv",
    "to_parquet",
    "to_json",
    "savefig",
    "save",
    "savez",
    "savez_compressed",
    "save_npz",
    "save_as_text",
    "serialize",
    "dump",
}
#: Functions of shutil that write one.
SHUTIL_WRITERS = {"copyfile", "copy", "copy2", "copytree", "move"}

#: Writing calls allowed outside a ``with atomic_path(...)`` block: (module, function,
#: called name), ``*`` for every call of the function.
ALLOWED = {
    # Not an output: the job's log, which Snakemake keeps when the job fails.
    ("io.py", "log_to", "*"),
    # Into the folder TopicModel.save took from atomic_path.
    ("topics/engines.py", "_save", "*"),
    # TopicModel.save, which writes through atomic_path itself.
    ("topics/step.py", "_fit_run", "save"),
    # Into the folder paper() took from atomic_path.
    ("paper/step.py", "_write_paper", "*"),
    # _ShardWriter, into the folder read_corpus took from atomic_path.
    ("corpus/step.py", "write", "*"),
}


def _writes(call: ast.Call) -> str | None:
    """The name of the writing function ``call`` calls, or None if it writes nothing."""
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in WRITING_METHODS:
            return func.attr
        if func.attr in SHUTIL_WRITERS and getattr(func.value, "id", "") == "shutil":
            return func.attr
    return "open" if _opens_for_writing(call) else None


def _opens_for_writing(call: ast.Call) -> bool:
    """``open(path, "w")``, ``path.open("wb")``, ``gzip.open(path, mode="at")`` ..."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name != "open":
        return False
    builtin = isinstance(call.func, ast.Name) or (
        isinstance(call.func.value, ast.Name) and call.func.value.id in ("gzip", "io", "bz2")
    )
    modes = [k.value for k in call.keywords if k.arg == "mode"]
    position = 1 if builtin else 0
    if len(call.args) > position:
        modes.append(call.args[position])
    return any(
        isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wxa")
        for m in modes
    )


def _bare_writes(tree: ast.AST, module: str) -> list[str]:
    """Writing calls of ``tree`` outside a ``with atomic_path(...)`` block, but those
    :data:`ALLOWED`."""
    found = []

    def visit(node: ast.AST, function: str, guarded: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call)
            and getattr(item.context_expr.func, "id", None) == "atomic_path"
            for item in node.items
        ):
            guarded = True
        name = _writes(node) if isinstance(node, ast.Call) and not guarded else None
        if name and not {(module, function, name), (module, function, "*")} & ALLOWED:
            found.append(f"{module}:{node.lineno} {ast.unparse(node.func)}(...) in {function}")
        for child in ast.iter_child_nodes(node):
            visit(child, function, guarded)

    visit(tree, "<module>", False)
    return found


def test_no_writer_of_the_package_bypasses_atomic_path():
    """Every file the package writes goes through atomic_path (write_table, write_jsonl,
    write_tsv, write_text and save_figure use it): a job that outlives a killed Snakemake
    can leave no half-written output under the output's name."""
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        bare += _bare_writes(ast.parse(path.read_text(encoding="utf-8")), module)
    assert bare == []


@pytest.mark.parametrize(
    "source",
    [
        'open(path, "w")',
        'Path(p).open(mode="wb")',
        "frame.to_csv(path)",
        "fig.savefig(path)",
        "np.savez(path, a=a)",
        "Path(p).write_text(text)",
        "shutil.copyfile(a, b)",
        'gzip.open(path, "wt")',
        "shutil.copytree(a, b)",
        "pickle.dump(value, handle)",
    ],
)
def test_the_writer_check_finds_bare_writes(source):
    assert len(_bare_writes(ast.parse(source), "stage/step.py")) == 1
    guarded = f"with atomic_path(path) as temporary:\n    {source}"
    assert _bare_writes(ast.parse(guarded), "stage/step.py") == []
    assert _bare_writes(ast.parse('open(path, "rb")'), "stage/step.py") == []


@pytest.mark.parametrize("compress", [True, False], ids=["deflated", "stored"])
def test_write_npz_round_trip_fixed_date_and_same_bytes(tmp_path, compress):
    import zipfile

    rng = np.random.default_rng(0)
    arrays = {"theta": rng.dirichlet(np.ones(5), size=200), "ids": np.arange(200)}
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    write_npz(first, compress=compress, **arrays)
    write_npz(second, compress=compress, **arrays)
    assert first.read_bytes() == second.read_bytes()
    with np.load(first) as loaded:
        assert sorted(loaded.files) == ["ids", "theta"]
        np.testing.assert_array_equal(loaded["theta"], arrays["theta"])
        np.testing.assert_array_equal(loaded["ids"], arrays["ids"])
    with zipfile.ZipFile(first) as archive:
        members = archive.infolist()
    assert {m.date_time for m in members} == {(1980, 1, 1, 0, 0, 0)}
    assert {m.compress_type for m in members} == {
        zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    }
    # Compressed, the ids (small integers in 8 bytes) shrink; stored, they keep their size.
    ids = next(m for m in members if m.filename == "ids.npy")
    if compress:
        assert ids.compress_size < ids.file_size / 3
    else:
        assert ids.compress_size == ids.file_size
