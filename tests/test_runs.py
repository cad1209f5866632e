"""Unit tests of arabic_news_topics.runs: which corpus a results folder holds."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import psutil
import pytest

from arabic_news_topics import runs

SEEDS = [{"path": "seeds", "format": "txt", "pattern": "*.txt", "label_from": "field"}]
NEWS = [{"path": "/data/news.csv.gz", "format": "csv", "text_field": "body"}]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("seeds", "seeds", id="relative"),
        pytest.param("./seeds/", "seeds", id="dot-and-slash"),
        pytest.param("corpora/../seeds", "seeds", id="parent-step"),
        pytest.param("{workdir}/seeds", "seeds", id="absolute-inside-the-workdir"),
        pytest.param("/data/seeds", "/data/seeds", id="absolute-outside"),
        pytest.param("../shared/seeds", "../shared/seeds", id="relative-outside"),
    ],
)
def test_source_paths_are_normalized(tmp_path, written, expected):
    source = {"path": written.format(workdir=tmp_path), "format": "txt", "pattern": "*.txt"}
    assert runs.source_identity(source, tmp_path)["path"] == expected


def test_identity_is_what_is_read_not_how():
    """Path, format and (txt) pattern; field names and label_from may change in a folder."""
    assert runs.source_identity(SEEDS[0], "/w") == {
        "path": "seeds",
        "format": "txt",
        "pattern": "*.txt",
    }
    assert runs.source_identity(NEWS[0], "/w") == {"path": "/data/news.csv.gz", "format": "csv"}
    relabelled = [{**SEEDS[0], "label_from": "parent_folder", "id_field": "doc"}]
    assert runs.run_record(relabelled, "/w") == runs.run_record(SEEDS, "/w")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"path": "other"}, id="path"),
        pytest.param({"pattern": "*.text"}, id="pattern"),
        pytest.param({"format": "jsonl"}, id="format"),
    ],
)
def test_another_source_is_another_fingerprint(change):
    before = runs.run_record(SEEDS, "/w")["fingerprint"]
    assert runs.run_record([{**SEEDS[0], **change}], "/w")["fingerprint"] != before


def test_source_order_and_count_matter():
    both = runs.run_record([*SEEDS, *NEWS], "/w")["fingerprint"]
    assert runs.run_record([*NEWS, *SEEDS], "/w")["fingerprint"] != both
    assert runs.run_record(SEEDS, "/w")["fingerprint"] != both


def test_config_files_are_recorded_but_not_compared():
    record = runs.run_record(SEEDS, "/w", ["/home/me/my.yaml"])
    assert record["config_files"] == ["/home/me/my.yaml"]
    assert record["fingerprint"] == runs.run_record(SEEDS, "/w")["fingerprint"]
    assert runs.mixing_message(runs.run_record(SEEDS, "/w"), record, "/w") is None


def test_no_record_or_the_same_corpus_may_run():
    current = runs.run_record(SEEDS, "/w")
    assert runs.mixing_message(None, current, "/w") is None
    assert runs.mixing_message(runs.run_record(SEEDS, "/w"), current, "/w") is None


def test_another_corpus_is_refused_with_the_command_of_its_own_folder(tmp_path):
    recorded = runs.run_record(SEEDS, tmp_path)
    config = tmp_path / "news config.yaml"
    current = runs.run_record(
        [*NEWS, {"path": "my_corpus", "format": "txt", "pattern": "*.txt"}], tmp_path, [config]
    )
    message = runs.mixing_message(recorded, current, tmp_path, cores=2)
    lines = message.splitlines()
    assert "results/run.json says that results/ holds the results of another corpus" in lines[0]
    assert "stops before any job" in lines[0]
    assert lines[1] == "  results/ holds: seeds (txt, *.txt) [the default config]"
    assert lines[2] == (
        f"  this run reads: /data/news.csv.gz (csv); my_corpus (txt, *.txt) [--configfile {config}]"
    )
    # The folder is named after the config file; the command gives it by its absolute path.
    assert "runs/news_config/results/" in lines[3]
    assert lines[4] == f"  snakemake --cores 2 --directory runs/news_config --configfile {config}"
    # The relative corpus path, as it has to be written for that folder.
    assert f"give the corpus as {tmp_path / 'my_corpus'} (corpus.sources[].path)" in lines[5]
    assert "move or delete results/ first" in lines[6]


def test_without_a_config_file_the_folder_is_my_corpus():
    recorded = runs.run_record(NEWS, "/w", ["/home/me/news.yaml"])
    message = runs.mixing_message(recorded, runs.run_record(SEEDS, "/w"), "/w")
    assert "  snakemake --cores 4 --directory runs/my_corpus\n" in message
    assert "results/ holds: /data/news.csv.gz (csv) [--configfile /home/me/news.yaml]" in message


@pytest.mark.parametrize(
    ("files", "name"),
    [
        pytest.param([], "my_corpus", id="none"),
        pytest.param(["a/hespress.yaml"], "hespress", id="stem"),
        pytest.param(["a.yaml", "b/Saudi News.yml"], "Saudi_News", id="last-and-spaces"),
        pytest.param(["/x/...yaml"], "my_corpus", id="nothing-left"),
    ],
)
def test_suggested_run_name(files, name):
    assert runs.suggested_run_name(files) == name


def test_record_round_trip(tmp_path):
    path = tmp_path / "results" / "run.json"
    assert runs.read_run_record(path) is None
    record = runs.run_record(SEEDS, tmp_path, [tmp_path / "مدونة.yaml"])
    runs.write_run_record(path, record)
    assert runs.read_run_record(path) == record
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["corpus"] == [
        {"path": "seeds", "format": "txt", "pattern": "*.txt"}
    ]


@pytest.mark.parametrize("text", ["{not json", "[]", '{"corpus": []}'])
def test_a_broken_record_names_the_file(tmp_path, text):
    path = tmp_path / "run.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"{path} is not a run record.*delete it"):
        runs.read_run_record(path)


def test_list_files_own_first_then_the_workflows(tmp_path):
    workdir, workflow = tmp_path / "runs" / "mine", tmp_path / "repo"
    (workflow / "config").mkdir(parents=True)
    (workflow / "config" / "words.txt").write_text("قال\n", encoding="utf-8")
    workdir.mkdir(parents=True)
    # Only the workflow has it: the shipped file, by its absolute path.
    found = runs.find_list_file("config/words.txt", workdir, workflow)
    assert found == str(workflow / "config" / "words.txt")
    # The working directory's own file comes first, as written.
    (workdir / "config").mkdir()
    (workdir / "config" / "words.txt").write_text("أضاف\n", encoding="utf-8")
    assert runs.find_list_file("config/words.txt", workdir, workflow) == "config/words.txt"
    # An absolute path is used as it is; a missing file is None.
    absolute = str(workflow / "config" / "words.txt")
    assert runs.find_list_file(absolute, workdir, workflow) == absolute
    assert runs.find_list_file("config/none.txt", workdir, workflow) is None
    assert runs.find_list_file(str(tmp_path / "none.txt"), workdir, workflow) is None


# ------------------------------------------------------------------------------------------
# Orphaned jobs of a killed Snakemake (make resume)


def start_job(tmp_path, parent: str | None = None):
    """A process that runs a job script of ``tmp_path/.snakemake/scripts``, started by this
    Python (an orphan's situation: its parent is no Snakemake) or by a program ``parent``."""
    scripts = tmp_path / ".snakemake" / "scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    script = scripts / "tmpabc.fit_topic_model.py"
    script.write_text("import time\ntime.sleep(120)\n")
    if parent is None:
        return subprocess.Popen([sys.executable, str(script)])
    launcher = tmp_path / parent
    launcher.write_text(f'#!/bin/sh\n"{sys.executable}" "{script}"\n')
    launcher.chmod(0o755)
    return subprocess.Popen([str(launcher)])


def wait_for_children(process, count: int = 1):
    deadline = time.monotonic() + 20
    while len(psutil.Process(process.pid).children()) < count:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def wait_for_orphans(workdir) -> None:
    deadline = time.monotonic() + 20
    while not runs.orphaned_jobs(workdir):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_job_script_whose_parent_is_no_snakemake_is_stopped(tmp_path):
    job = start_job(tmp_path)
    try:
        wait_for_orphans(tmp_path)
        assert [p.pid for p in runs.orphaned_jobs(tmp_path)] == [job.pid]
        assert runs.stop_orphaned_jobs(tmp_path, timeout=5) == [job.pid]
        assert job.wait(timeout=10) is not None
        assert runs.orphaned_jobs(tmp_path) == []
    finally:
        job.kill()


def test_the_jobs_of_a_running_snakemake_and_of_other_folders_are_left_alone(tmp_path):
    running = start_job(tmp_path / "a", parent="snakemake")  # a launcher named snakemake
    other = start_job(tmp_path / "b")
    try:
        wait_for_children(running)
        assert runs.orphaned_jobs(tmp_path / "a") == []
        assert runs.stop_orphaned_jobs(tmp_path / "a") == []
        assert running.poll() is None and other.poll() is None
    finally:
        for process in (*psutil.Process(running.pid).children(), running, other):
            process.kill()


def test_the_command_line_takes_snakemakes_directory_argument(tmp_path, capsys):
    job = start_job(tmp_path)
    try:
        wait_for_orphans(tmp_path)
        argv = ["stop-orphaned-jobs", "--configfile", "my.yaml", "--directory", str(tmp_path)]
        assert runs.main(argv) == 0
        assert f"stopped process {job.pid}" in capsys.readouterr().out
        assert job.wait(timeout=10) is not None
    finally:
        job.kill()


def mark(workdir, output: str, max_len: int = 255) -> None:
    """A mark of an incomplete output as Snakemake writes it (persistence/file.py)."""
    import base64

    name = base64.urlsafe_b64encode(output.encode()).decode()
    parts = [name[i : i + max_len - 1] for i in range(0, len(name), max_len - 1)]
    path = workdir.joinpath(".snakemake/incomplete", *["@" + p for p in parts[:-1]], parts[-1])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"external_jobid": null}')


def test_marks_of_whole_outputs_are_cleared_and_the_others_kept(tmp_path, capsys):
    long = "results/04_lda/runs/" + "k_3/" * 60 + "topics.csv"  # a mark cut into folders
    for output in ("results/a.csv", "results/model", "results/missing.csv", long):
        mark(tmp_path, output)
    (tmp_path / "results/model").mkdir(parents=True)
    (tmp_path / "results/a.csv").write_text("a\n")
    (tmp_path / long).parent.mkdir(parents=True)
    (tmp_path / long).write_text("t\n")
    assert sorted(o for _, o in runs.incomplete_marks(tmp_path)) == sorted(
        ["results/a.csv", "results/model", "results/missing.csv", long]
    )
    assert runs.main(["clear-whole-marks", "--directory", str(tmp_path)]) == 0
    assert "results/a.csv: written whole" in capsys.readouterr().out
    # The output that is missing keeps its mark: Snakemake remakes it.
    assert [o for _, o in runs.incomplete_marks(tmp_path)] == ["results/missing.csv"]
    assert runs.clear_marks_of_whole_outputs(tmp_path) == []
