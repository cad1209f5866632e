"""Fixtures shared by the whole test suite.

- ``root``, ``copy_project``, ``snakemake``, ``table_digests``, ``edit_config``: run the
  workflow in a temporary copy of the project, as a user's clone would have it.
- ``seed_run``: the workflow and the paper target (``snakemake --cores 4 all paper``) run
  once on the seed articles for the whole pytest run; every check that only reads results
  reads this one, and ``copy_of_seed_run`` gives a test a copy of it to change and run again.
  The other shared runs (tests/workflow/conftest.py) and this one are recipes of
  tests/workflow_runs.py, started in the background when the pytest run starts.
- ``shared_corpora``: ../shared/corpora beside the clone, or a skip that says why
  (a failure when ARABIC_NEWS_TOPICS_REQUIRE_SHARED=1, as in CI).
- ``drawn``, ``captured``: every figure that a stage's figures module saves.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
import workflow_runs
from workflow_runs import FIRST_RUNS, FIXTURE_RUNS, ROOT, THOROUGH_RUNS, RunPool

sys.path.insert(0, str(Path(__file__).resolve().parent / "slurm"))

import cluster_runs  # tests/slurm, on the path above
from one_node_cluster import Unavailable

# One thread for OpenMP and the BLAS libraries in this process: the shared Snakemake runs work
# beside the unit tests, and OpenMP threads that spin while they wait for a busy CPU make
# scikit-learn's t-SNE 10 to 20 times slower. Set before numpy loads them (nothing above
# imports numpy); Snakemake gives its jobs the threads of their rule.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

#: The corpora beside the clone (not in it: they are large and not ours to publish).
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
REQUIRE_SHARED = "ARABIC_NEWS_TOPICS_REQUIRE_SHARED"
#: Set to 1 to run the thorough workflow checks too (.ci/run does).
THOROUGH = "ARABIC_NEWS_TOPICS_THOROUGH"


def runs_of(item: pytest.Item) -> set[str]:
    """The shared runs (tests/workflow_runs.py) that a test's fixtures need."""
    return {r for f in getattr(item, "fixturenames", ()) for r in FIXTURE_RUNS.get(f, ())}


def pytest_collection_modifyitems(config, items) -> None:
    """The tests that wait for a shared run go last (in their order), so the others run
    while the runs work. Without ARABIC_NEWS_TOPICS_THOROUGH=1, the tests of the thorough
    runs (``THOROUGH_RUNS``) and those marked ``thorough`` are skipped, saying how to run
    them; their runs do not start."""
    items.sort(key=lambda item: bool(runs_of(item) or "slurm_runs" in item.fixturenames))
    if os.environ.get(THOROUGH) == "1":
        return
    skip_run = pytest.mark.skip(
        reason=f"a thorough workflow check (a run of its own): set {THOROUGH}=1 to run it (CI does)"
    )
    skip_unit = pytest.mark.skip(
        reason=f"a thorough check (a minute or more): set {THOROUGH}=1 to run it (CI does)"
    )
    for item in items:
        if runs_of(item) & THOROUGH_RUNS:
            item.add_marker(skip_run)
        elif item.get_closest_marker("thorough"):
            item.add_marker(skip_unit)


@pytest.fixture(scope="session")
def root() -> Path:
    """The project's root folder (the clone)."""
    return ROOT


copy_project = workflow_runs.copy_project


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Snakemake on 4 cores in ``workdir``; the test fails with Snakemake's output when it
    fails and ``check`` is set."""
    result = workflow_runs.run_snakemake(workdir, *args)
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def loaded_modules(code: str, names: Iterable[str]) -> list[str]:
    """Which of ``names`` are in ``sys.modules`` once ``code`` has run in a new interpreter:
    what a job's own Python process (or Snakemake's start) would have imported."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps([n for n in {sorted(names)!r} if n in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session", name="loaded_modules")
def loaded_modules_fixture() -> Callable[[str, Iterable[str]], list[str]]:
    """``loaded_modules(code, names)``: which of ``names`` a new interpreter running ``code``
    has imported."""
    return loaded_modules


@pytest.fixture(scope="session", name="copy_project")
def copy_project_fixture() -> Callable[[Path], Path]:
    """``copy_project(target)``: a fresh copy of the project in ``target``."""
    return copy_project


@pytest.fixture(scope="session", name="snakemake")
def snakemake_fixture() -> Callable[..., subprocess.CompletedProcess]:
    """``snakemake(workdir, *args, check=True)``: Snakemake on 4 cores in ``workdir``."""
    return snakemake


@pytest.fixture(scope="session")
def table_digests() -> Callable[[Path], dict[str, str]]:
    """``table_digests(results)``: SHA-256 of every table under ``results``."""
    return workflow_runs.table_digests


@pytest.fixture(scope="session")
def edit_config() -> Callable[[Path, Callable[[dict], object]], None]:
    """``edit_config(workdir, edit)``: change the config of ``workdir`` with ``edit(config)``."""
    return workflow_runs.edit_config


# ------------------------------------------------------------------------------------------
# The shared Snakemake runs


@pytest.fixture(scope="session")
def workflow_runs_pool(tmp_path_factory) -> Iterator[RunPool]:
    pool = RunPool(tmp_path_factory.mktemp("runs"), workflow_runs.side_by_side())
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session", autouse=True)
def _start_shared_runs(request) -> None:
    """Start, in the background, the shared runs that the selected tests use: the seed run
    first (most tests, and the runs that start from a copy of it, wait for it), the longest
    next (``FIRST_RUNS``), then the others in the order the tests need them; and the SLURM
    runs (tests/slurm/cluster_runs.py) where they are required."""
    wanted, slurm = [], False
    for item in request.session.items:
        if item.get_closest_marker("skip"):
            continue
        for fixture in getattr(item, "fixturenames", ()):
            if fixture == "slurm_runs":
                slurm = cluster_runs.required()
                fixture = "short_seed_run" if slurm else None
            wanted.extend(r for r in FIXTURE_RUNS.get(fixture, ()) if r not in wanted)
    if wanted:
        wanted.sort(key=lambda name: FIRST_RUNS.index(name) if name in FIRST_RUNS else 99)
        request.getfixturevalue("workflow_runs_pool").want(wanted)
    if slurm:
        request.getfixturevalue("slurm_runs_pool").start()


@pytest.fixture(scope="session")
def slurm_runs_pool(tmp_path_factory) -> Iterator[cluster_runs.ClusterRuns]:
    runs = cluster_runs.ClusterRuns(tmp_path_factory.mktemp("slurm"))
    try:
        yield runs
    finally:
        runs.close()


@pytest.fixture(scope="session")
def slurm_runs(request, workflow_runs_pool) -> tuple[cluster_runs.Outcome, Path]:
    """The runs through profiles/slurm on a one-node cluster (tests/slurm/cluster_runs.py),
    started with the pytest run, and the local run with their settings. They install SLURM
    with apt, so they run only when ARABIC_NEWS_TOPICS_REQUIRE_SLURM=1 (CI); then a cluster
    that cannot start fails them."""
    if not cluster_runs.required():
        pytest.skip(
            f"SLURM tests not run: set {cluster_runs.REQUIRE_VARIABLE}=1 to run them (as root:"
            " they install Debian's SLURM and MUNGE with apt and start a one-node cluster)"
        )
    try:
        outcome = request.getfixturevalue("slurm_runs_pool").result()
    except Unavailable as error:
        pytest.fail(f"SLURM test not run: {error}", pytrace=False)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    return outcome, workflow_runs_pool.finished("short_seed_run")


@pytest.fixture(scope="session")
def seed_run(workflow_runs_pool) -> Path:
    """The whole workflow and the paper target, run once on the seeds for the whole pytest
    run. Tests only read it: a test that changes it works on ``copy_of_seed_run``."""
    return workflow_runs_pool.finished("seed_run")


@pytest.fixture(scope="session")
def dated_corpus_run(workflow_runs_pool) -> Path:
    """A gzipped JSON Lines export with dates and outlets (news.jsonl.gz), collocations
    learned (tests/workflow_runs.py ``dated_corpus``)."""
    return workflow_runs_pool.finished("dated_corpus_run")


@pytest.fixture
def copy_of_seed_run(seed_run, tmp_path) -> Path:
    """A copy of the seeds run (results, .snakemake metadata and their times) of the test's
    own, to change and run again."""
    return workflow_runs.copy_run(seed_run, tmp_path / "seed_run")


@pytest.fixture
def shared_corpora() -> Path:
    """../shared/corpora beside the clone. Without it the test is skipped and says why,
    unless ARABIC_NEWS_TOPICS_REQUIRE_SHARED=1 (CI), which makes it fail."""
    if not SHARED_CORPORA.is_dir():
        message = f"the shared corpora are not here: {SHARED_CORPORA} does not exist"
        if os.environ.get(REQUIRE_SHARED) == "1":
            pytest.fail(f"{message} ({REQUIRE_SHARED}=1 requires them)", pytrace=False)
        pytest.skip(message)
    return SHARED_CORPORA


# ------------------------------------------------------------------------------------------
# Figures

#: The stages with a figures module; each imported ``save_figure`` from plotting.
FIGURE_STAGES = (
    "corpus",
    "normalize",
    "tfidf",
    "topics",
    "clusters",
    "themes",
    "evaluation",
    "trends",
)


def _record_saved_figures(monkeypatch, record: Callable) -> None:
    """Have plotting and every figures module call ``record(fig)`` before saving."""
    plotting = importlib.import_module("arabic_news_topics.plotting")
    real = plotting.save_figure

    def save(fig, png, pdf):
        record(fig)
        real(fig, png, pdf)

    for module in (
        plotting,
        *(importlib.import_module(f"arabic_news_topics.{s}.figures") for s in FIGURE_STAGES),
    ):
        monkeypatch.setattr(module, "save_figure", save)


@pytest.fixture
def drawn(monkeypatch) -> list:
    """Every figure saved during the test (closed, but still inspectable), in order."""
    saved = []
    _record_saved_figures(monkeypatch, saved.append)
    return saved


@pytest.fixture
def captured(monkeypatch) -> list[dict]:
    """Titles, texts and tick labels of every figure saved during the test, in order."""
    saved = []

    def record(fig):
        saved.append(
            {
                "suptitle": fig.get_suptitle(),
                "titles": [ax.get_title() for ax in fig.axes],
                "texts": [t.get_text() for ax in fig.axes for t in ax.texts],
                "yticklabels": [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes],
                "xticklabels": [[t.get_text() for t in ax.get_xticklabels()] for ax in fig.axes],
                "size": tuple(fig.get_size_inches()),
            }
        )

    _record_saved_figures(monkeypatch, record)
    return saved
