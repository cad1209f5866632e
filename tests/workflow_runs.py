"""The Snakemake runs that the tests share, and how they are run.

Each run is a recipe (``RECIPES``): a folder prepared from a fresh copy of the project (or from
a copy of another finished run, with its results and Snakemake's metadata), and the arguments
of ``snakemake --cores 4``. tests/conftest.py hands each run to the tests as a session fixture
of the recipe's name (``seed_run``, ``planted_run``, ...), so each is run once per pytest run.

Snakemake spends much of a run waiting for one job at a time (the corpus, then normalization,
then the first fits), so ``RunPool`` runs the recipes that the selected tests need in the
background, a few side by side, from the start of the pytest run: while the unit tests run,
and while a test waits for one run, the CPUs work on the others.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: What a clone holds that a run needs.
PROJECT_FILES = ("Snakefile", "workflow", "config", "seeds", "src")
#: Files compared by ``table_digests``.
TABLE_SUFFIXES = (".csv", ".md", ".tsv", ".jsonl")
#: Seconds one Snakemake run may take (runs side by side on a busy machine take long).
RUN_TIMEOUT = 1800
#: Niceness of the shared runs, which work in the background.
BACKGROUND_NICENESS = 10
#: The seed articles by a short name, and their document ids.
SEEDS = {
    "ministers_2008": "000_37fe95ebe3fe0d6f",
    "putin_macron": "001_7d3f794f59740fcf",
    "shoigu_isis": "002_a4337a132dd5787c",
    "rasmussen_moscow": "003_2e2cb605ab57c9b7",
    "nato_resume": "004_02649756a4642aab",
}


# ------------------------------------------------------------------------------------------
# Running Snakemake in a copy of the project


def copy_project(target: Path) -> Path:
    """A fresh copy of the workflow in ``target``, as a user's clone would have it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def copy_run(workdir: Path, target: Path) -> Path:
    """A copy of a project that has run: its results and Snakemake's metadata come along
    with their modification times (``copy2``), so that Snakemake sees the same state there."""
    shutil.copytree(workdir, target, symlinks=True, copy_function=shutil.copy2)
    return target


def snakemake_command(*args: str) -> list[str]:
    """Snakemake of this interpreter's installation, on 4 cores."""
    return [sys.executable, "-m", "snakemake", "--cores", "4", *args]


def run_snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` and wait for it."""
    return subprocess.run(
        snakemake_command(*args),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def jobs_of_dry_run(snakemake: Callable, workdir: Path) -> set[str]:
    """Names of the rules a dry run of ``all paper`` would execute, but ``all``
    (``snakemake`` is the fixture of that name)."""
    result = snakemake(workdir, "all", "paper", "--dry-run", "--quiet", "rules")
    jobs = set(re.findall(r"^(\w+)\s+\d+\s*$", result.stdout, flags=re.MULTILINE))
    return jobs - {"all", "total"}


def table_digests(results: Path) -> dict[str, str]:
    """SHA-256 of every table under ``results`` (not benchmarks, which hold timings)."""
    return {
        str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.suffix in TABLE_SUFFIXES and "benchmarks" not in p.parts
    }


def edit_config(workdir: Path, edit: Callable[[dict], object]) -> None:
    """Change config/config.yaml of ``workdir`` in place with ``edit(config)``."""
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------------------------------
# The shared runs


@dataclass(frozen=True)
class Recipe:
    """A run: ``prepare`` writes what it needs into its folder and returns Snakemake's
    arguments; the folder is a fresh copy of the project, or a copy of the finished run
    ``start_from``."""

    prepare: Callable[[Path], Sequence[str]]
    start_from: str | None = None


def seeds(workdir: Path) -> list[str]:
    return ["all", "paper"]


#: The first line of a rule or checkpoint in a rule file.
RULE_HEADER = re.compile(r"^(?:rule|checkpoint) \w+:\n", flags=re.MULTILINE)


def shadow_every_rule(workdir: Path) -> int:
    """Give every rule and checkpoint of ``workdir``'s rule files ``shadow: "minimal"``;
    return how many there are."""
    count = 0
    for path in sorted((workdir / "workflow" / "rules").glob("*.smk")):
        text, found = RULE_HEADER.subn(
            lambda header: header.group(0) + '    shadow: "minimal"\n', path.read_text()
        )
        path.write_text(text)
        count += found
    return count


#: The topic models of the runs whose point is not the topic models: the sharded, shadowed
#: rerun of the seeds and the runs through SLURM (tests/slurm/cluster_runs.py), where each
#: job waits seconds for SLURM's status check. Two random seeds keep every rule of the seeds
#: run in play, and the held-out measure (one article, which the seeds run leaves out: fewer
#: than lda.heldout_min_documents) too: the second seed's fits hold it out;
#: ``short_seed_run`` is the seeds run refitted so.
SHORT_LDA = {"num_topics": [2, 3], "random_seeds": [42, 7], "heldout_min_documents": 1}


def short_lda_on_seeds(workdir: Path) -> list[str]:
    """The seeds run with the short K grid (``SHORT_LDA``): the local run that the sharded
    run and the SLURM runs are compared with."""
    edit_config(workdir, lambda c: c["lda"].update(SHORT_LDA))
    return ["all", "paper"]


def sharded_seeds(workdir: Path) -> list[str]:
    """The seeds from scratch with the short K grid, in shards of two documents (three
    shards), with every job in its minimal shadow (a folder that holds only its declared
    inputs). One run checks both: the results do not depend on the shards, and no job
    reads a file its rule does not declare."""
    edit_config(workdir, lambda c: c["corpus"].update(shard_size=2))
    edit_config(workdir, lambda c: c["lda"].update(SHORT_LDA))
    assert shadow_every_rule(workdir) >= 25
    return ["all", "paper"]


def own_corpus(workdir: Path) -> list[str]:
    """A user's folder of text files: the seeds in 2024/, an empty file, a file that is not
    UTF-8 and a copy of a seed; own settings in my.yaml."""
    corpus = workdir / "my_corpus"
    shutil.copytree(workdir / "seeds", corpus / "2024")
    (corpus / "2024" / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "2024" / "latin1.txt").write_bytes("روسيا".encode() + b"\xff\xfe\xfa")
    original = workdir / "seeds" / f"{SEEDS['nato_resume']}.txt"
    (corpus / "copy.txt").write_bytes(original.read_bytes())
    (workdir / "my.yaml").write_text(
        "corpus:\n  sources:\n    - path: my_corpus\n      format: txt\n"
        "lda:\n  num_topics: 3\n  random_seeds: [42]\n  heldout_share: 0\ncluster:\n  k: 2\n",
        encoding="utf-8",
    )
    return ["all", "--configfile", "my.yaml"]


def two_articles(workdir: Path) -> list[str]:
    """A corpus of two seed articles (two.yaml: only the corpus path), under every default:
    `cluster.k` 3 is more than its documents."""
    corpus = workdir / "two_articles"
    corpus.mkdir()
    for name in ("nato_resume", "shoigu_isis"):
        shutil.copy(workdir / "seeds" / f"{SEEDS[name]}.txt", corpus)
    (workdir / "two.yaml").write_text(
        "corpus:\n  sources:\n    - path: two_articles\n", encoding="utf-8"
    )
    return ["all", "--configfile", "two.yaml"]


def dated_corpus(workdir: Path) -> list[str]:
    """news.jsonl.gz: the seeds' long paragraphs as records with dates in July and August
    2015 and two outlets, a record without text and a line that is not JSON; news.yaml
    (collocations learned)."""
    records = []
    for number, (name, doc_id) in enumerate(SEEDS.items()):
        text = (workdir / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        paragraphs = [p for p in text.split("\n") if len(p.split()) >= 20]
        for i, paragraph in enumerate(paragraphs):
            records.append(
                {
                    "id": f"{name}_{i}",
                    "date": f"2015-0{7 + (number + i) % 2}-{10 + i:02d}",
                    "source": ("okaz", "alriyadh")[i % 2],
                    "text": paragraph,
                }
            )
    records.append({"id": "no_text", "date": "2015-07-01", "source": "okaz"})
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ["{not json"]
    with gzip.open(workdir / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    (workdir / "news.yaml").write_text(
        "corpus:\n  sources:\n    - path: news.jsonl.gz\n      format: jsonl\n"
        # One random seed: the held-out measure is one more fit (rule heldout_perplexity).
        "  shard_size: 7\nlda:\n  num_topics: 3\n  random_seeds: [42]\n  heldout_min_documents: 1\n"
        # gensim named: lda.engine auto would fit tomotopy to these short paragraphs, and the
        # run checks gensim's bundle on short articles (tests/apply/test_learned_collocations).
        "  engine: gensim\n"
        "cluster:\n  k: 3\n"
        # Collocations learned across shards, which the model bundle must carry.
        "normalize:\n  multiword_expressions: true\n  learn_multiword: true\n"
        "  learn_multiword_min_documents: 10\n  multiword_min_count: 2\n",
        encoding="utf-8",
    )
    return ["all", "--configfile", "news.yaml"]


def news_in_own_folder(workdir: Path) -> list[str]:
    """After the user's own corpus in results/ (a copy of ``own_corpus_run``), a second
    corpus, the dated JSON Lines export of ``dated_corpus``, in a folder of its own
    (``--directory runs/news``; its path is relative to that folder), with one K and seed."""
    dated_corpus(workdir)
    config = yaml.safe_load((workdir / "news.yaml").read_text(encoding="utf-8"))
    config["corpus"]["sources"][0]["path"] = "../../news.jsonl.gz"
    config["lda"] = {"num_topics": [2], "random_seeds": [42], "heldout_share": 0}
    (workdir / "news.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return ["all", "--directory", "runs/news", "--configfile", "news.yaml"]


#: The planted corpus: the words of each category.
PLANTED = {
    "economy": "اقتصاد نفط أسعار تضخم بنك استثمار عملة ميزانية صادرات ضرائب بورصة شركات",
    "sport": "مباراة فريق هدف لاعب بطولة ملعب مدرب كرة منتخب دوري حارس جمهور",
    "culture": "مهرجان رواية شاعر مسرح سينما فيلم كتاب معرض فنان موسيقى قصيدة تراث",
}


def planted_corpus(workdir: Path, per_label: int = 30, length: int = 40) -> list[str]:
    """A folder-per-category corpus (as hespress-4cat): each article drawn from the words of
    its category only, so the right number of topics is 3 and the labels are recoverable;
    gold labels from the folders, K and k on auto (planted.yaml)."""
    import numpy as np  # here: tests/conftest.py sets the threads of numpy's BLAS first

    folder = workdir / "planted"
    rng = np.random.RandomState(3)
    for label, words in PLANTED.items():
        (folder / label).mkdir(parents=True)
        vocabulary = words.split()
        for number in range(per_label):
            text = " ".join(rng.choice(vocabulary, size=length))
            (folder / label / f"{number}.txt").write_text(text + "\n", encoding="utf-8")
    (workdir / "planted.yaml").write_text(
        "corpus:\n  sources:\n    - path: planted\n      format: txt\n"
        "      label_from: parent_folder\n"
        "lda:\n  num_topics: auto\n  num_topics_range: {min: 2, max: 4, step: 1}\n"
        # 9 of the 90 articles held out: the second seed's fits of the K grid leave them out.
        "  random_seeds: [1, 2]\n  heldout_min_documents: 5\n"
        "cluster:\n  k: auto\n  k_range: {min: 2, max: 5}\n"
        "evaluation:\n  engines: [gensim, sklearn_lda, sklearn_nmf, tomotopy, dmm]\n",
        encoding="utf-8",
    )
    return ["all", "--configfile", "planted.yaml"]


def refit_planted(workdir: Path) -> list[str]:
    """The planted run with every topic model removed: each engine fits again, in new
    processes, and every table after the fits is written again from them."""
    shutil.rmtree(workdir / "results" / "04_lda" / "runs")
    # --forcerun: the jobs after the fits find their outputs newer than their (missing)
    # inputs, and Snakemake would not fit again what nothing asks for.
    return ["all", "--configfile", "planted.yaml", "--forcerun", "fit_topic_model"]


def planted_new_grid(workdir: Path) -> list[str]:
    """The finished planted run again with K from [2, 4] (its chosen 3 is gone): the choice
    of K runs again and picks another K, which every later job must use (Snakemake planned
    the run from the chosen_k.json of the first)."""
    config = (workdir / "planted.yaml").read_text(encoding="utf-8")
    grid = config.replace("num_topics: auto", "num_topics: [2, 4]")
    assert grid != config
    (workdir / "planted_grid.yaml").write_text(grid, encoding="utf-8")
    return ["all", "--configfile", "planted_grid.yaml"]


#: The engines besides gensim (the config's engine, which the seeds run uses).
OTHER_ENGINES = ("sklearn_lda", "sklearn_nmf", "tomotopy")


def engine_on_seeds(engine: str) -> Callable[[Path], list[str]]:
    """The seeds run with lda.engine switched to ``engine`` (one seed, no held-out share):
    the topic models, the choice of K and the themes again; the corpus, normalization and
    bag of words of the seeds run stay."""

    def prepare(workdir: Path) -> list[str]:
        edit_config(
            workdir, lambda c: c["lda"].update(engine=engine, random_seeds=[42], heldout_share=0)
        )
        return ["results/06_themes/doc_themes.csv", "results/04_lda/model_selection.csv"]

    return prepare


def guided_on_seeds(workdir: Path) -> list[str]:
    """The seeds run with lda.guided on (K 3 and 4, one seed, no held-out share)."""
    edit_config(
        workdir,
        lambda c: c["lda"].update(
            guided=True, num_topics=[3, 4], random_seeds=[42], heldout_share=0
        ),
    )
    return ["all"]


#: The shared runs.
RECIPES: dict[str, Recipe] = {
    "seed_run": Recipe(seeds),
    "planted_run": Recipe(planted_corpus),
    "planted_rerun": Recipe(refit_planted, start_from="planted_run"),
    "planted_new_grid_run": Recipe(planted_new_grid, start_from="planted_run"),
    "sharded_seed_run": Recipe(sharded_seeds),
    **{
        f"{engine}_seed_run": Recipe(engine_on_seeds(engine), start_from="seed_run")
        for engine in OTHER_ENGINES
    },
    "guided_seed_run": Recipe(guided_on_seeds, start_from="seed_run"),
    "short_seed_run": Recipe(short_lda_on_seeds, start_from="seed_run"),
    "own_corpus_run": Recipe(own_corpus),
    "dated_corpus_run": Recipe(dated_corpus),
    "two_article_run": Recipe(two_articles),
    "news_in_own_folder_run": Recipe(news_in_own_folder, start_from="own_corpus_run"),
}

#: The runs of the thorough checks: the shadowed, sharded rerun of the seeds, the planted
#: corpus (each engine, twice), the other engines and the guided prior on the seeds, a second
#: corpus in a run folder of its own, a dated JSON Lines export (stage 8 by month and outlet;
#: its readers and the trends stage have unit tests of their own). They
#: run where ARABIC_NEWS_TOPICS_THOROUGH=1 (CI); ``make test`` skips them to stay short.
THOROUGH_RUNS = frozenset(
    {
        "sharded_seed_run",
        "short_seed_run",
        "planted_run",
        "planted_rerun",
        "planted_new_grid_run",
        "guided_seed_run",
        "news_in_own_folder_run",
        "dated_corpus_run",
        "two_article_run",
        *(f"{engine}_seed_run" for engine in OTHER_ENGINES),
    }
)

#: The order in which the runs start: the longest first, as the seeds run is needed most.
FIRST_RUNS = ("seed_run", "sharded_seed_run", "planted_run")

#: The runs of each fixture (tests/conftest.py, tests/workflow/conftest.py).
FIXTURE_RUNS: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in RECIPES},
    "engine_runs": tuple(f"{engine}_seed_run" for engine in OTHER_ENGINES),
}


# ------------------------------------------------------------------------------------------
# Running them side by side


class RunFailed(Exception):
    """A shared run did not finish; the message holds the end of its output."""


class RunPool:
    """Runs recipes in the background, at most ``limit`` at a time, each in its own folder
    under ``base``, in the order they were asked for (a run that starts from another waits
    for it). ``result`` waits for one run and returns its folder."""

    def __init__(self, base: Path, limit: int):
        self.base, self.limit = base, limit
        self.queue: list[str] = []
        self.running: dict[str, tuple[subprocess.Popen, float]] = {}
        self.done: dict[str, Path] = {}
        self.failed: dict[str, str] = {}
        self.condition = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name="snakemake runs", daemon=True)
        self.thread.start()

    def want(self, names: Iterable[str]) -> None:
        """Queue runs (and the runs they start from), unless queued or finished already."""
        with self.condition:
            for name in names:
                for needed in (RECIPES[name].start_from, name):
                    if needed and not self._known(needed):
                        self.queue.append(needed)
            self.condition.notify_all()

    def result(self, name: str) -> Path:
        """The folder of the finished run ``name`` (queued now if it was not)."""
        self.want([name])
        with self.condition:
            while name not in self.done and name not in self.failed:
                if not self.thread.is_alive():
                    raise RunFailed(f"the run {name} did not start: the runs have stopped")
                self.condition.wait(timeout=1)
            if name in self.failed:
                raise RunFailed(self.failed[name])
            return self.done[name]

    def finished(self, name: str) -> Path:
        """``result``, for a fixture: the test fails with the run's output if it failed."""
        try:
            return self.result(name)
        except RunFailed as error:
            pytest.fail(str(error), pytrace=False)

    def close(self) -> None:
        """Stop the loop and every run still going."""
        with self.condition:
            self.stopped = True
            self.condition.notify_all()
        self.thread.join(timeout=30)
        for process, _ in self.running.values():
            _kill(process)

    def _known(self, name: str) -> bool:
        return (
            name in self.queue or name in self.running or name in self.done or name in self.failed
        )

    def _workdir(self, name: str) -> Path:
        return self.base / name

    def _loop(self) -> None:
        try:
            while True:
                with self.condition:
                    if self.stopped:
                        return
                    self._poll()
                    self._start_ready()
                    self.condition.wait(timeout=0.2)
        except Exception as error:  # a bug here: no test may wait for ever
            with self.condition:
                for name in [*self.queue, *self.running]:
                    self.failed[name] = f"the runs stopped: {error!r}"
                self.queue.clear()
                self.condition.notify_all()
            raise

    def _poll(self) -> None:
        for name, (process, started) in list(self.running.items()):
            returncode = process.poll()
            if returncode is None and time.monotonic() - started < RUN_TIMEOUT:
                continue
            del self.running[name]
            if returncode is None:
                _kill(process)
                self._fail(name, f"ran past {RUN_TIMEOUT} s")
            elif returncode != 0:
                self._fail(name, f"exited with {returncode}")
            else:
                self.done[name] = self._workdir(name)
            self.condition.notify_all()

    def _start_ready(self) -> None:
        for name in list(self.queue):
            if len(self.running) >= self.limit:
                return
            source = RECIPES[name].start_from
            if source in self.failed:
                self.queue.remove(name)
                self.failed[name] = f"{source}, which it starts from, failed"
                continue
            if source is not None and source not in self.done:
                continue
            self.queue.remove(name)
            try:
                self._start(name)
            except Exception as error:  # a recipe that cannot prepare its folder
                self.failed[name] = f"preparing {name} failed: {error!r}"
            self.condition.notify_all()

    def _start(self, name: str) -> None:
        recipe, workdir = RECIPES[name], self._workdir(name)
        if recipe.start_from is None:
            copy_project(workdir)
        else:
            copy_run(self.done[recipe.start_from], workdir)
        args = list(recipe.prepare(workdir))
        log = self._log(name)
        log.write_text(f"snakemake {' '.join(args)}\n", encoding="utf-8")
        with log.open("a") as out:
            # A session of its own, so that its jobs stop with it (_kill).
            process = subprocess.Popen(
                snakemake_command(*args),
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # In the background: the CPUs go to the tests (and their own Snakemake runs, the
        # SLURM ones among them) first; the jobs it starts inherit this. But the seeds run,
        # which most tests wait for.
        if name != "seed_run":
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
        self.running[name] = (process, time.monotonic())

    def _log(self, name: str) -> Path:
        return self.base / f"{name}.out"

    def _fail(self, name: str, why: str) -> None:
        output = self._log(name).read_text(encoding="utf-8", errors="replace")
        self.failed[name] = f"the run {name} {why}:\n{output[-20000:]}"


def _kill(process: subprocess.Popen) -> None:
    """Stop a run that is still going, with the jobs it started (its process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)


def side_by_side() -> int:
    """How many runs go at once: half the CPUs, at least two and at most four (each may
    run four jobs of a few hundred MB)."""
    return min(4, max(2, (os.cpu_count() or 2) // 2))
