"""The shared runs of the workflow tests besides the seeds run (tests/conftest.py): each is
a recipe of tests/workflow_runs.py, run once per pytest run, in the background from its
start."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_runs import OTHER_ENGINES, SEEDS


@pytest.fixture(scope="session")
def seed_ids() -> dict[str, str]:
    """Document id of each seed article, by its short name."""
    return dict(SEEDS)


@pytest.fixture(scope="session")
def sharded_seed_run(workflow_runs_pool) -> Path:
    """The seeds from scratch again, independently of ``seed_run``, in shards of two
    documents (corpus.shard_size: 2), every job in its minimal shadow: ``all`` and ``paper``."""
    return workflow_runs_pool.finished("sharded_seed_run")


@pytest.fixture(scope="session")
def own_corpus_run(workflow_runs_pool) -> Path:
    """A user's folder of text files with an empty file, a non-UTF-8 file and a copy."""
    return workflow_runs_pool.finished("own_corpus_run")


@pytest.fixture(scope="session")
def two_article_run(workflow_runs_pool) -> Path:
    """Two seed articles under every default (tests/workflow_runs.py ``two_articles``)."""
    return workflow_runs_pool.finished("two_article_run")


@pytest.fixture(scope="session")
def news_in_own_folder_run(workflow_runs_pool) -> Path:
    """A copy of ``own_corpus_run`` (its corpus in results/) in which a second corpus, a
    JSON Lines export, ran in a folder of its own: ``--directory runs/news``."""
    return workflow_runs_pool.finished("news_in_own_folder_run")


@pytest.fixture(scope="session")
def planted_run(workflow_runs_pool) -> Path:
    """The planted three-category corpus with gold labels, K and k on auto."""
    return workflow_runs_pool.finished("planted_run")


@pytest.fixture(scope="session")
def planted_rerun(workflow_runs_pool) -> Path:
    """A copy of the planted run in which every topic model is fitted again."""
    return workflow_runs_pool.finished("planted_rerun")


@pytest.fixture(scope="session")
def planted_new_grid_run(workflow_runs_pool) -> Path:
    """A copy of the planted run run again with another K grid (another K chosen)."""
    return workflow_runs_pool.finished("planted_new_grid_run")


@pytest.fixture(scope="session")
def engine_runs(workflow_runs_pool) -> dict[str, Path]:
    """The seeds run with each other engine as lda.engine (its topic models, K and themes
    again), by engine."""
    return {e: workflow_runs_pool.finished(f"{e}_seed_run") for e in OTHER_ENGINES}


@pytest.fixture(scope="session")
def guided_seed_run(workflow_runs_pool) -> Path:
    """The seeds run with lda.guided on (K 3 and 4, one seed)."""
    return workflow_runs_pool.finished("guided_seed_run")


@pytest.fixture(scope="session")
def short_seed_run(workflow_runs_pool) -> Path:
    """A copy of the seeds run refitted with the short K grid of the sharded run and the
    SLURM runs (``SHORT_LDA`` of tests/workflow_runs.py): ``all`` and ``paper``."""
    return workflow_runs_pool.finished("short_seed_run")
