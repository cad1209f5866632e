"""The workflow end to end against what a user would otherwise run, on one corpus.

By default SaudiNewsNet (``../shared/corpora/saudinewsnet.jsonl.gz``, 31,030 articles). Parts:

1. **Workflow.** The repository's files (``git ls-files``, plus new files git does not
   ignore) are copied to a scratch folder with a config of the corpus (``format: jsonl``) and
   ``lda.num_topics: [10, 20, 30, 40]``; everything else is the project's defaults, or
   ``config/saudinewsnet.yaml`` where that file exists (its corpus path replaced by the
   corpus of the run), with one LDA seed (``lda.random_seeds``: the config's ``random_state``), no
   held-out perplexity fit (``lda.heldout_share: 0``) and no evaluation engines
   (``evaluation.engines: []``), so that the workflow fits one model per K as it did before
   those keys existed. ``snakemake --cores 2`` runs from a clean ``results/``. Measured: the
   wall and CPU time around the Snakemake call, the peak resident memory of its process tree
   (sampled every 0.2 s, all concurrent jobs summed), and each job's Snakemake ``benchmark:``
   file (``results/benchmarks/**/*.tsv``, e.g. ``fit_topic_model/gensim/unguided/k_20.tsv``:
   wall time, ``max_rss``); jobs without one are timed from the Snakemake log (1 s
   resolution). NPMI per K is the workflow's own (``c_npmi_mean`` of
   ``results/04_lda/model_selection.csv``, the one seed's value).
2. **Notebook.** What a user following a typical Arabic topic-modelling tutorial writes, in
   one process (:func:`notebook_tokens`): pyarabic normalization, regex tokens, the
   Arabic-Stopwords list, NLTK's ISRI stemmer on every token (no cache), a gensim
   Dictionary (``filter_extremes(no_below=5, no_above=0.5)``), ``doc2bow`` and gensim
   ``LdaModel`` with ``passes=10`` and gensim's other defaults, for the same K values; NPMI
   with ``CoherenceModel(coherence="c_npmi", topn=10)`` on its own tokens.
3. **LDA stage.** K = 20 on the workflow's own tokens (``results/02_normalize/tokens.jsonl``
   of part 1) and its dictionary filtering (``lda.no_below``, ``no_above``, ``keep_n``):
   the project's ``topics.engines.fit_topic_model(engine="gensim")`` (gensim ``LdaModel``)
   with the project's LDA settings, as the ``fit_topic_model`` rule calls it (its timed fit includes
   inferring the documents' topic mixtures, ``theta``, which the function returns with the
   model); tomotopy ``LDAModel`` (Gibbs sampling, fixed seed) with 1 and 2 workers;
   scikit-learn ``LatentDirichletAllocation(learning_method="online")``. Only the fit is
   timed (the bag of words is built before the clock starts); NPMI of each model's top ten
   words on the same tokens and dictionary, the measure the workflow uses.
4. **Scaling.** ``--fractions 0.25 0.5 1.0`` runs part 1 on the first 25, 50 and 100 % of
   the corpus and draws total time and peak memory against documents
   (``benchmarks/results/workflow_scaling.png`` and ``.pdf``) with a least-squares line.

Parts 2 and 3 run in their own processes (this script with ``--worker``; see ``harness.py``,
shared with the other benchmarks), so that each peak memory (``ru_maxrss``) is its own.
Every process this script starts runs under an address-space limit (``--memory-limit-gib``),
so a job that would exhaust the shared machine fails with a MemoryError instead. Run from
the repository root::

    .venv/bin/pip install -r benchmarks/requirements.txt
    .venv/bin/python benchmarks/workflow_vs_peers.py [--fractions 0.25 0.5 1.0]
    .venv/bin/python benchmarks/workflow_vs_peers.py --limit 2000 --num-topics 10 20  # quick
    .venv/bin/python benchmarks/workflow_vs_peers.py --limit 300 --num-topics 5 --out /tmp/x

It prints a Markdown report and writes it to ``benchmarks/results/workflow_vs_peers.md``
with the rows in ``workflow_vs_peers.csv`` (``--out`` writes them to another folder).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import harness
import pandas as pd
import yaml
from harness import fmt

from arabic_news_topics.config import merge_config

REPO = harness.REPO
DEFAULT_CORPUS = harness.CORPORA / "saudinewsnet.jsonl.gz"
#: A config for SaudiNewsNet that the project may ship; used as the base where it exists.
CORPUS_CONFIG = Path("config") / "saudinewsnet.yaml"

SEED = 42
DEFAULT_NUM_TOPICS = (10, 20, 30, 40)
LDA_STAGE_K = 20
CORES = 2
TOP_N = 10

#: Targets of the issue.
TARGET_WORKFLOW_S = 5 * 60
TARGET_WORKFLOW_MIB = 3 * 1024
TARGET_NOTEBOOK_SPEEDUP = 3.0

#: The notebook pipeline's choices (see :func:`run_notebook`).
NOTEBOOK_NO_BELOW = 5
NOTEBOOK_NO_ABOVE = 0.5
NOTEBOOK_PASSES = 10
#: Gibbs-sampling iterations of tomotopy: Mallet's default (tomotopy has none); on the first
#: 2,000 SaudiNewsNet articles, K = 20, its log-likelihood per word levels off there
#: (-9.318 at 200, -9.268 at 500, -9.244 at 1000, -9.243 at 1500), while the NPMI of its
#: topics is flat from about 100 on; so a short run is measured too.
TOMOTOPY_ITERATIONS = 1000
TOMOTOPY_SHORT_ITERATIONS = 200

#: Worker name -> label of its row.
WORKERS = {
    "notebook": "notebook pipeline (pyarabic, ISRI, gensim LdaModel)",
    "lda_project": "project LDA (topics.engines.fit_topic_model, gensim LdaModel)",
    "lda_tomotopy_1": "tomotopy LDAModel, 1 worker",
    "lda_tomotopy_2": "tomotopy LDAModel, 2 workers",
    "lda_tomotopy_1_short": "tomotopy LDAModel, 1 worker, short run",
    "lda_sklearn": "scikit-learn LatentDirichletAllocation, online",
}
COLUMNS = [
    "section",
    "name",
    "documents",
    "num_topics",
    "wall_s",
    "cpu_s",
    "peak_mib",
    "npmi",
    "ratio_to_workflow",
]


# ---------------------------------------------------------------------------------------
# Small helpers


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return numerator / denominator


# ---------------------------------------------------------------------------------------
# The corpus


def documents_for_fractions(total: int, fractions: Sequence[float]) -> list[int]:
    """The number of documents of each fraction of ``total`` (at least 1), ascending."""
    return sorted({max(1, min(total, round(total * f))) for f in fractions})


# ---------------------------------------------------------------------------------------
# Part 1: the workflow


def repository_files(repo: Path = REPO) -> list[str]:
    """Tracked files, and new files git does not ignore, that exist in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({f for f in listed.split("\0") if f and (repo / f).is_file()})


def copy_repository(target: Path, code: str = "worktree", repo: Path = REPO) -> None:
    """Put the workflow's files (not results/, .venv/ or .snakemake/) in ``target``: as
    they are in the working tree (``worktree``), or as committed (``head``)."""
    if code == "head":
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD"], cwd=repo, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        return
    for name in repository_files(repo):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, destination)


def tree_digest(folder: Path) -> str:
    """A short SHA-256 of the names and contents of the files under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def code_line(code: str, digest: str | None = None) -> str:
    """Which code the workflow ran."""
    snapshot = f", files digest {digest}" if digest else ""
    if code == "head":
        return (
            harness.code_version().split(" with ")[0]
            + f" (the workflow as committed: git archive HEAD{snapshot})"
        )
    return harness.code_version() + f" (the workflow as in the working tree{snapshot})"


def benchmark_config(
    base: Mapping | None, corpus: Path, num_topics: Sequence[int], seed: int = SEED
) -> dict:
    """The config of a run: ``base`` (or nothing) with the corpus and the K values set, and
    one topic model per K (``seed``)."""
    config = copy.deepcopy(dict(base or {}))
    section = config.setdefault("corpus", {})
    sources = section.get("sources") or [{}]
    first = dict(sources[0])
    first.update(path=str(corpus), format="jsonl")
    first.pop("pattern", None)
    section["sources"] = [first]
    lda_section = config.setdefault("lda", {})
    lda_section["num_topics"] = [int(k) for k in num_topics]
    # The same work as before lda.random_seeds, lda.heldout_share and evaluation.engines existed:
    # one model per K, fitted with one seed (the config's random_state, which the LDA rule
    # used then), no extra held-out perplexity fit per K, and no other engines fitted at the
    # chosen K for the evaluation against gold labels.
    lda_section["seeds"] = [int(seed)]
    lda_section["heldout_share"] = 0
    config["evaluation"] = {**dict(config.get("evaluation") or {}), "engines": []}
    return config


def run_snakemake(
    workdir: Path, configfile: Path, timeout_s: float, memory_gib: float
) -> dict[str, float | int]:
    """Run ``snakemake --cores 2`` in ``workdir``; its wall and CPU time and peak memory.

    The output goes to ``workdir/snakemake.log``. ``--keep-going`` lets the jobs that do not
    depend on a failed one finish, so that a failure still leaves their measures.
    """
    snakemake = Path(sys.executable).with_name("snakemake")
    command = [
        str(snakemake if snakemake.exists() else shutil.which("snakemake")),
        "--cores",
        str(CORES),
        "--configfile",
        str(configfile),
        "--keep-going",
        "--nocolor",
    ]
    with (workdir / "snakemake.log").open("w", encoding="utf-8") as log:
        return harness.run_measured(
            command, cwd=workdir, log=log, timeout_s=timeout_s, memory_gib=memory_gib
        )


_TIMESTAMP_RE = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
_START_RE = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
_JOBID_RE = re.compile(r"^\s+jobid: (\d+)$")
_WILDCARDS_RE = re.compile(r"^\s+wildcards: (.+)$")
_FINISHED_RE = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")
_ERROR_RE = re.compile(r"^Error in rule (\w+):$")
_LOG_RE = re.compile(r"^\s+log: (.+?)(?: \(check log file\(s\) for error details\))?$")


def parse_job_times(log_text: str) -> list[dict]:
    """Jobs of a Snakemake log (``rule``, ``wildcards``, ``wall_s``), from the timestamps
    printed when each job starts and finishes; unfinished jobs are left out."""
    jobs: dict[str, dict] = {}
    stamp: datetime.datetime | None = None
    pending: dict | None = None
    for line in log_text.splitlines():
        if match := _TIMESTAMP_RE.match(line):
            stamp = datetime.datetime.strptime(" ".join(match[1].split()), "%a %b %d %H:%M:%S %Y")
        elif (match := _START_RE.match(line)) and stamp is not None:
            pending = {"rule": match[1], "wildcards": "", "start": stamp}
        elif (match := _JOBID_RE.match(line)) and pending is not None:
            jobs[match[1]] = pending
        elif (match := _WILDCARDS_RE.match(line)) and pending is not None:
            pending["wildcards"] = match[1]
        elif (match := _FINISHED_RE.match(line)) and match[1] in jobs and stamp is not None:
            jobs[match[1]]["wall_s"] = (stamp - jobs[match[1]]["start"]).total_seconds()
            pending = None
    return [
        {"rule": j["rule"], "wildcards": j["wildcards"], "wall_s": j["wall_s"]}
        for j in jobs.values()
        if "wall_s" in j
    ]


def failed_rules(log_text: str) -> list[str]:
    """Rules Snakemake reports an error in, in order, without repeats."""
    return list(dict.fromkeys(m[1] for m in map(_ERROR_RE.match, log_text.splitlines()) if m))


def failed_job_logs(log_text: str) -> list[str]:
    """The log files of the jobs Snakemake reports an error in (relative paths)."""
    found, in_error = [], False
    for line in log_text.splitlines():
        if _ERROR_RE.match(line):
            in_error = True
        elif in_error and (match := _LOG_RE.match(line)):
            found += [p.strip() for p in match[1].split(",")]
            in_error = False
        elif in_error and not line.startswith((" ", "\t")):
            in_error = False
    return list(dict.fromkeys(found))


def read_coherence(results: Path) -> list[dict]:
    """The workflow's coherence by K: ``num_topics``, ``c_v``, ``c_npmi``, ``chosen``.

    From ``results/04_lda/model_selection.csv``: the mean over the seeds (``c_npmi_mean``;
    with the one seed of the benchmark config, that seed's value), or a plain ``c_npmi``
    column where the table has one.
    """
    path = results / "04_lda" / "model_selection.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path)

    def measure(name: str) -> pd.Series:
        return table.get(f"{name}_mean", table.get(name, pd.Series(float("nan"), table.index)))

    chosen = table.get("chosen", pd.Series("", table.index)).astype(str).str.lower() == "true"
    return [
        {"num_topics": int(k), "c_v": float(cv), "c_npmi": float(npmi), "chosen": bool(c)}
        for k, cv, npmi, c in zip(
            table["num_topics"], measure("c_v"), measure("c_npmi"), chosen, strict=True
        )
    ]


def kept_documents(results: Path) -> int | None:
    """Documents the workflow kept (its manifest), if it wrote one."""
    path = results / "01_corpus" / "manifest.tsv"
    if not path.is_file():
        return None
    return int((pd.read_csv(path, sep="\t", usecols=["status"])["status"] == "kept").sum())


def log_tail(path: Path, lines: int = 15) -> str:
    if not path.is_file():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def prepare_workflow(
    workdir: Path, corpus: Path, documents: int, num_topics: Sequence[int], code: Path
) -> tuple[Path, dict]:
    """A copy of the workflow's files (``code``, a snapshot of the repository) in
    ``workdir`` (its DMM sampler compiled, as a user's install does) with the first
    ``documents`` records of the corpus and the run's config; the config file and the
    effective config."""
    shutil.copytree(code, workdir)
    harness.compile_kernels(workdir)
    data = workdir / "benchmark_corpus.jsonl.gz"
    harness.write_first_records(corpus, data, documents)
    template = workdir / CORPUS_CONFIG
    base = yaml.safe_load(template.read_text(encoding="utf-8")) if template.is_file() else None
    defaults = yaml.safe_load((workdir / "config" / "config.yaml").read_text(encoding="utf-8"))
    seed = merge_config(defaults, base or {}).get("random_state", SEED)
    config = benchmark_config(base, data.resolve(), num_topics, seed)
    configfile = workdir / "benchmark_config.yaml"
    configfile.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return configfile, merge_config(defaults, config)


def run_workflow(
    workdir: Path,
    corpus: Path,
    documents: int,
    num_topics: Sequence[int],
    timeout_s: float,
    memory_gib: float,
    code: Path,
) -> dict:
    """Part 1 on the first ``documents`` records: everything the report needs of the run."""
    print(f"workflow: {documents:,} documents in {workdir} ...", flush=True)
    configfile, config = prepare_workflow(workdir, corpus, documents, num_topics, code)
    run = run_snakemake(workdir, configfile, timeout_s, memory_gib)
    results = workdir / "results"
    log_text = (workdir / "snakemake.log").read_text(encoding="utf-8", errors="replace")
    stages = harness.read_benchmark_files(results)
    jobs = [j for j in parse_job_times(log_text) if j["rule"] != "all"]
    numbers = {
        **run,
        "workdir": str(workdir),
        "documents": documents,
        "kept": kept_documents(results),
        "config_base": str(CORPUS_CONFIG) if (workdir / CORPUS_CONFIG).is_file() else None,
        "lda": config["lda"],
        "stages": stages,
        "unbenchmarked_jobs": [j for j in jobs if j["rule"] not in set(stages["rule"])],
        "coherence": read_coherence(results),
        "failed_rules": failed_rules(log_text),
        "log_tail": "\n\n".join(
            [log_tail(workdir / "snakemake.log", 12)]
            + [f"{name}:\n{log_tail(workdir / name, 8)}" for name in failed_job_logs(log_text)]
        ),
        "stage_peak_mib": float(stages["max_rss_mib"].max()),
    }
    numbers["peak_mib"] = max(numbers["tree_peak_mib"], numbers["stage_peak_mib"] or 0)
    status = "ok" if run["returncode"] == 0 else f"FAILED (exit {run['returncode']})"
    print(
        f"  {status}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.1f} s CPU, "
        f"{numbers['peak_mib']:.0f} MiB peak",
        flush=True,
    )
    if run["returncode"] != 0:
        print(log_tail(workdir / "snakemake.log"), flush=True)
    return numbers


# ---------------------------------------------------------------------------------------
# Part 2: the notebook pipeline (one process, as a tutorial writes it)


def notebook_tokens(text: str, stopwords: frozenset[str], stem) -> list[str]:
    """One document as a tutorial prepares it: pyarabic strips diacritics and tatweel and
    splits lam-alef ligatures; Arabic-letter runs are the tokens; stopwords (the
    Arabic-Stopwords list, matched before normalization) and one-letter tokens go; alef
    forms are folded (``normalize_alef``) and each token is stemmed with NLTK's ISRI
    stemmer, token by token."""
    from pyarabic import araby

    text = araby.normalize_ligature(araby.strip_tatweel(araby.strip_tashkeel(text)))
    tokens = re.findall(r"[\u0621-\u063A\u0641-\u064A]+", text)
    return [
        stem(araby.normalize_alef(token))
        for token in tokens
        if token not in stopwords and len(token) > 1
    ]


def run_notebook(corpus: Path, documents: int, num_topics: Sequence[int]) -> dict:
    """Part 2, timed from reading the corpus (imports are done before the clock starts)."""
    import arabicstopwords.arabicstopwords as arabic_stopwords
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel, LdaModel
    from nltk.stem.isri import ISRIStemmer

    wall, cpu = time.perf_counter(), time.process_time()
    texts = [r.get("text") or "" for r in harness.read_records(corpus, documents)]
    stopwords = frozenset(arabic_stopwords.stopwords_list())
    stemmer = ISRIStemmer()
    token_lists = [notebook_tokens(text, stopwords, stemmer.stem) for text in texts]
    phases = {"read, normalize, tokenize, stem": time.perf_counter() - wall}
    mark = time.perf_counter()
    dictionary = Dictionary(token_lists)
    dictionary.filter_extremes(no_below=NOTEBOOK_NO_BELOW, no_above=NOTEBOOK_NO_ABOVE)
    bow = [dictionary.doc2bow(tokens) for tokens in token_lists]
    phases["dictionary, doc2bow"] = time.perf_counter() - mark
    models = {}
    for k in num_topics:
        mark = time.perf_counter()
        models[k] = LdaModel(
            corpus=bow,
            id2word=dictionary,
            num_topics=k,
            passes=NOTEBOOK_PASSES,
            random_state=SEED,
        )
        phases[f"LdaModel K={k}"] = time.perf_counter() - mark
    fit_wall, fit_cpu = time.perf_counter() - wall, time.process_time() - cpu
    fit_peak = harness.peak_mib()
    npmi = {}
    for k, model in models.items():
        mark = time.perf_counter()
        npmi[k] = CoherenceModel(
            model=model, texts=token_lists, dictionary=dictionary, coherence="c_npmi", topn=TOP_N
        ).get_coherence()
        phases[f"CoherenceModel c_npmi K={k}"] = time.perf_counter() - mark
    return {
        "documents": len(texts),
        "tokens": sum(map(len, token_lists)),
        "vocabulary": len(dictionary),
        "wall_s": fit_wall,
        "cpu_s": fit_cpu,
        "peak_mib": fit_peak,
        "wall_with_npmi_s": time.perf_counter() - wall,
        "cpu_with_npmi_s": time.process_time() - cpu,
        "peak_with_npmi_mib": harness.peak_mib(),
        "npmi": npmi,
        "phases": phases,
    }


# ---------------------------------------------------------------------------------------
# Part 3: the LDA stage against its peers, on the workflow's bag of words


def read_token_lists(path: Path) -> list[list[str]]:
    """The ``tokens`` of each line of the workflow's ``tokens.jsonl``, in order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["tokens"] for line in lines if line.strip()]


def top_words(weights, vocabulary: Sequence[str], top_n: int = TOP_N) -> list[list[str]]:
    """The ``top_n`` words of each row of a topics-by-terms matrix, heaviest first."""
    import numpy as np

    order = np.argsort(-np.asarray(weights), axis=1, kind="stable")[:, :top_n]
    return [[vocabulary[j] for j in row] for row in order]


def npmi(topics: Sequence[Sequence[str]], token_lists, dictionary) -> float:
    """Mean NPMI of the topics' top words on ``token_lists`` (gensim ``c_npmi``, the measure
    of the workflow's coherence table)."""
    from gensim.models import CoherenceModel

    value = CoherenceModel(
        topics=[list(t[:TOP_N]) for t in topics],
        texts=token_lists,
        dictionary=dictionary,
        coherence="c_npmi",
        topn=TOP_N,
        processes=1,
    ).get_coherence()
    return float(value)


def project_lda_params(engine_settings: Sequence[str], settings: Mapping, seed: int) -> dict:
    """The keyword arguments the ``fit_topic_model`` rule passes to
    ``topics.engines.fit_topic_model`` for the gensim engine, as ``get_lda_params`` in
    ``workflow/rules/common.smk``: the ``lda`` settings the engine reads
    (``engines.ENGINE_SETTINGS["gensim"]``), gensim's ``None`` for a symmetric ``eta``,
    ``engine="gensim"`` and the run's seed as ``random_state``."""
    params = {key: settings[key] for key in engine_settings}
    if params.get("eta") == "symmetric":
        params["eta"] = None
    return {**params, "engine": "gensim", "random_state": seed}


def run_lda_stage(name: str, spec: Mapping) -> dict:
    """Part 3, one fitter; timed from the bag of words to the fitted model."""
    import numpy as np

    sys.path.insert(0, spec["src"])
    # The package of the workflow's copy.
    from arabic_news_topics.topics import engines

    settings = spec["lda"]
    token_lists = read_token_lists(Path(spec["tokens"]))
    dictionary = engines.build_dictionary(
        token_lists, settings["no_below"], settings["no_above"], settings.get("keep_n")
    )
    bow = [dictionary.doc2bow(tokens) for tokens in token_lists]
    vocabulary = [dictionary[i] for i in range(len(dictionary))]
    k = spec["k"]
    if name == "lda_project":
        gensim = engines.ENGINE_SETTINGS["gensim"]
        params = project_lda_params(gensim, settings, spec["random_state"])
        details = ", ".join(f"{key}={value}" for key, value in params.items())
        if params.get("passes") == "auto":
            chunksize = params.get("chunksize", 2000)
            details += f" (= {engines.resolve_passes('auto', len(bow), chunksize)} passes)"

        def fit():
            return engines.fit_topic_model(bow, dictionary, k, **params)

        def top(model) -> list[list[str]]:
            return top_words(model.phi, vocabulary)

    elif name.startswith("lda_tomotopy"):
        import tomotopy

        workers = 2 if name == "lda_tomotopy_2" else 1
        key = "tomotopy_short_iterations" if name.endswith("_short") else "tomotopy_iterations"
        iterations = spec[key]
        model = tomotopy.LDAModel(k=k, seed=spec["random_state"])
        for doc in bow:
            words = [vocabulary[i] for i, count in doc for _ in range(count)]
            if words:
                model.add_doc(words)
        details = (
            f"iterations={iterations}, workers={workers}, "
            f"alpha={model.alpha[0]:g} (optimized every 10), eta={model.eta:g}"
        )

        def fit():
            model.train(iterations=iterations, workers=workers)
            return model

        def top(model) -> list[list[str]]:
            return [[w for w, _ in model.get_topic_words(t, top_n=TOP_N)] for t in range(k)]

    elif name == "lda_sklearn":
        from gensim.matutils import corpus2csc
        from sklearn.decomposition import LatentDirichletAllocation

        counts = corpus2csc(bow, num_terms=len(vocabulary), dtype=np.float64).T.tocsr()
        model = LatentDirichletAllocation(
            n_components=k, learning_method="online", random_state=spec["random_state"]
        )
        details = (
            f"max_iter={model.max_iter}, batch_size={model.batch_size}, "
            f"learning_offset={model.learning_offset:g}, priors 1/K, n_jobs=None"
        )

        def fit():
            return model.fit(counts)

        def top(model) -> list[list[str]]:
            return top_words(model.components_, vocabulary)

    else:
        raise ValueError(name)
    with harness.Timer() as timer:
        fitted = fit()
    topics = top(fitted)
    return {
        "documents": len(token_lists),
        "vocabulary": len(vocabulary),
        **timer.numbers(),
        "details": details,
        "topics": topics,
        "npmi": npmi(topics, token_lists, dictionary),
    }


# ---------------------------------------------------------------------------------------
# Workers


def work(name: str, spec: Mapping) -> dict:
    """One measurement, in a worker process (see :func:`harness.serve_worker`)."""
    if name == "notebook":
        return run_notebook(Path(spec["corpus"]), spec["documents"], spec["num_topics"])
    return run_lda_stage(name, spec)


# ---------------------------------------------------------------------------------------
# Report


def best_npmi(coherence: Iterable[Mapping]) -> tuple[int | None, float | None]:
    """The chosen K of the workflow's coherence table (else the best NPMI) and its NPMI."""
    rows = list(coherence)
    if not rows:
        return None, None
    chosen = [r for r in rows if r["chosen"]] or [max(rows, key=lambda r: r["c_npmi"])]
    return chosen[0]["num_topics"], chosen[0]["c_npmi"]


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("**met**" if met else "**missed**")


def target_lines(workflow: dict | None, notebook: dict | None, lda_rows: Mapping) -> list[str]:
    """The targets, met or missed, with the margin."""
    lines = []
    ok = workflow is not None and workflow["returncode"] == 0
    if workflow is not None:
        wall, peak = workflow["wall_s"], workflow["peak_mib"]
        failed = "" if ok else " (the run FAILED: not the whole workflow, so no verdict)"
        lines.append(
            f"- Whole workflow < {TARGET_WORKFLOW_S / 60:.0f} min on {CORES} cores: "
            f"{verdict(wall < TARGET_WORKFLOW_S if ok else None)}, {wall:,.0f} s = "
            f"{wall / TARGET_WORKFLOW_S:.2f}× the limit "
            f"({wall - TARGET_WORKFLOW_S:+,.0f} s){failed}."
        )
        lines.append(
            f"- Whole workflow < {TARGET_WORKFLOW_MIB / 1024:.0f} GiB peak: "
            f"{verdict(peak < TARGET_WORKFLOW_MIB if ok else None)}, {peak:,.0f} MiB "
            f"({peak - TARGET_WORKFLOW_MIB:+,.0f} MiB; concurrent jobs summed "
            f"{workflow['tree_peak_mib']:,.0f} MiB, largest single job "
            f"{fmt(workflow['stage_peak_mib'], 0) or 'n/a'} MiB){failed}."
        )
    if ok and notebook is not None:
        speedup = notebook["wall_s"] / workflow["wall_s"]
        k, ours = best_npmi(workflow["coherence"])
        best_k = max(notebook["npmi"], key=notebook["npmi"].get)
        theirs = notebook["npmi"][best_k]
        npmi_ok = None if ours is None else ours >= theirs
        lines.append(
            f"- ≥ {TARGET_NOTEBOOK_SPEEDUP:.0f}× faster than the notebook at equal or better "
            f"NPMI: {verdict(speedup >= TARGET_NOTEBOOK_SPEEDUP and bool(npmi_ok))}. "
            f"Speed-up {speedup:.2f}× (notebook {notebook['wall_s']:,.0f} s without its "
            f"coherence, {notebook['wall_with_npmi_s']:,.0f} s with it: "
            f"{notebook['wall_with_npmi_s'] / workflow['wall_s']:.2f}×; margin "
            f"{speedup - TARGET_NOTEBOOK_SPEEDUP:+.2f}×). NPMI at the chosen K: workflow "
            f"{fmt(ours, 3)} (K={k}) vs notebook's best {theirs:.3f} (K={best_k}), "
            + ("n/a" if ours is None else f"{ours - theirs:+.3f}")
            + "."
        )
    project = lda_rows.get("lda_project")
    for name in ("lda_tomotopy_1", "lda_tomotopy_2", "lda_tomotopy_1_short"):
        peer = lda_rows.get(name)
        if project is None or peer is None:
            continue
        faster = project["wall_s"] <= peer["wall_s"]
        coherent = project["npmi"] >= peer["npmi"]
        lines.append(
            f"- LDA stage (K={LDA_STAGE_K}) no slower than {WORKERS[name]} at equal or better "
            f"NPMI: {verdict(faster and coherent)}. Project {project['wall_s']:,.1f} s vs "
            f"{peer['wall_s']:,.1f} s ({project['wall_s'] / peer['wall_s']:.2f}× its time); "
            f"NPMI {project['npmi']:.3f} vs {peer['npmi']:.3f} "
            f"({project['npmi'] - peer['npmi']:+.3f})."
        )
    return lines


def table_row(section: str, name: str, documents: int, **cells: object) -> dict[str, object]:
    """A row of the summary, its other columns empty unless given."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(section=section, name=name, documents=documents, **cells)
    return row


def measured(numbers: Mapping, npmi_value: float | None) -> dict[str, str]:
    """The time, memory and NPMI cells of a row."""
    return {
        "wall_s": fmt(numbers["wall_s"]),
        "cpu_s": fmt(numbers["cpu_s"]),
        "peak_mib": fmt(numbers["peak_mib"], 0),
        "npmi": fmt(npmi_value, 3),
    }


def summary_rows(
    workflows: Sequence[dict], notebook: dict | None, lda_rows: Mapping[str, dict]
) -> list[dict]:
    """The rows of the CSV: workflow runs and stages, the notebook, the LDA stage."""
    rows = []
    main = workflows[-1] if workflows else None
    for run in workflows:
        k, value = best_npmi(run["coherence"])
        failed = "" if run["returncode"] == 0 else " (FAILED)"
        rows.append(
            table_row(
                "workflow",
                f"workflow, snakemake --cores {CORES}{failed}",
                run["documents"],
                num_topics="" if k is None else f"{k} (chosen)",
                **measured(run, value),
                ratio_to_workflow="1.00" if run is main else "",
            )
        )
    if main is not None:
        for job in main["stages"].itertuples():
            rows.append(
                table_row(
                    "workflow stage",
                    job.job,
                    main["documents"],
                    wall_s=fmt(job.wall_s),
                    cpu_s=fmt(job.cpu_s),
                    peak_mib=fmt(job.max_rss_mib, 0),
                )
            )
        for row in main["coherence"]:
            rows.append(
                table_row(
                    "workflow NPMI",
                    f"workflow, K={row['num_topics']}",
                    main["documents"],
                    num_topics=row["num_topics"],
                    npmi=fmt(row["c_npmi"], 3),
                )
            )
    if notebook is not None:
        workflow_s = main and not main["returncode"] and main["wall_s"]
        rows.append(
            table_row(
                "notebook",
                WORKERS["notebook"],
                notebook["documents"],
                num_topics=", ".join(map(str, notebook["npmi"])),
                **measured(notebook, max(notebook["npmi"].values())),
                ratio_to_workflow=fmt(ratio(notebook["wall_s"], workflow_s), 2),
            )
        )
        for k, value in notebook["npmi"].items():
            rows.append(
                table_row(
                    "notebook NPMI",
                    f"notebook, K={k}",
                    notebook["documents"],
                    num_topics=k,
                    npmi=fmt(value, 3),
                )
            )
    project = lda_rows.get("lda_project")
    for name, numbers in lda_rows.items():
        rows.append(
            table_row(
                "LDA stage",
                WORKERS[name],
                numbers["documents"],
                num_topics=LDA_STAGE_K,
                **measured(numbers, numbers["npmi"]),
                ratio_to_workflow=fmt(ratio(numbers["wall_s"], project and project["wall_s"]), 2),
            )
        )
    return rows


def csv_row(row: Mapping[str, object]) -> dict[str, object]:
    """A row for the CSV file: numbers without the thousands separators of the tables."""
    text = {"section", "name", "num_topics"}
    return {k: v if k in text else str(v).replace(",", "") for k, v in row.items()}


def workflow_section(run: dict) -> list[str]:
    """Jobs of one workflow run: their benchmark files, then the jobs that have none."""
    total = run["wall_s"]
    jobs = run["stages"].sort_values("wall_s", ascending=False, kind="stable")
    table = pd.DataFrame(
        {
            "stage": jobs["job"],
            "wall_s": jobs["wall_s"].map(fmt),
            "share of total": (100 * jobs["wall_s"] / total).map(lambda v: f"{v:.0f} %"),
            "cpu_s": jobs["cpu_s"].map(fmt),
            "max_rss_mib": jobs["max_rss_mib"].map(lambda v: fmt(v, 0)),
        }
    )
    lines = [
        f"### Workflow by stage ({run['documents']:,} documents"
        + (f", {run['kept']:,} kept" if run.get("kept") is not None else "")
        + f"; total {total:,.1f} s wall, {run['cpu_s']:,.1f} s CPU)",
        "",
        "From the Snakemake `benchmark:` files (`results/benchmarks/`), slowest first; jobs "
        f"run {CORES} at a time, so the shares add up to more than 100 %.",
        "",
        harness.markdown_table(table, right=table.columns[1:]) if len(table) else "(none)",
    ]
    if run["unbenchmarked_jobs"]:
        by_rule = (
            pd.DataFrame(run["unbenchmarked_jobs"])
            .groupby("rule", sort=False)["wall_s"]
            .agg(jobs="size", wall_s="sum")
            .sort_values("wall_s", ascending=False, kind="stable")
            .reset_index()
        )
        by_rule["wall_s"] = by_rule["wall_s"].map(lambda v: fmt(v, 0))
        lines += [
            "",
            "Jobs without a benchmark file (times from the Snakemake log, 1 s resolution):",
            "",
            harness.markdown_table(by_rule, right=["jobs", "wall_s"]),
        ]
    if run["failed_rules"]:
        lines += ["", f"Failed rules: {', '.join(run['failed_rules'])} (see the log below)."]
        lines += ["", "```", run["log_tail"], "```"]
    return lines


def coherence_section(workflow: dict | None, notebook: dict | None) -> list[str]:
    """NPMI by K, the workflow's and the notebook's."""
    ours = {r["num_topics"]: r for r in (workflow or {}).get("coherence", [])}
    theirs = (notebook or {}).get("npmi", {})
    if not ours and not theirs:
        return []
    rows = []
    for k in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(k, {}).get("c_npmi"), theirs.get(k)
        rows.append(
            [
                k,
                fmt(mine, 3) + (" (chosen)" if ours.get(k, {}).get("chosen") else ""),
                fmt(other, 3),
                fmt(mine - other, 3) if mine is not None and other is not None else "",
            ]
        )
    columns = ["K", "workflow", "notebook", "difference"]
    return [
        "### NPMI by K (top ten words; each on its own tokens)",
        "",
        harness.markdown_table(rows, columns, right=columns[1:]),
    ]


def scaling_section(runs: Sequence[dict]) -> list[str]:
    if len(runs) < 2:
        return []
    fit = linear_fit([r["documents"] for r in runs], [r["wall_s"] for r in runs])
    memory_fit = linear_fit([r["documents"] for r in runs], [r["peak_mib"] for r in runs])
    columns = ["documents", "status", "wall_s", "cpu_s", "peak_mib", "slowest stage"]
    rows = [
        [
            f"{r['documents']:,}",
            "ok" if r["returncode"] == 0 else "FAILED",
            fmt(r["wall_s"]),
            fmt(r["cpu_s"]),
            fmt(r["peak_mib"], 0),
            "" if r["stages"].empty else r["stages"].loc[r["stages"]["wall_s"].idxmax(), "job"],
        ]
        for r in runs
    ]
    return [
        "### Scaling (part 1 on the first documents of the corpus)",
        "",
        harness.markdown_table(rows, columns, right=columns[:1] + columns[2:5]),
        "",
        f"Least-squares lines: time ≈ {fit[1]:,.1f} s {1000 * fit[0]:+,.2f} s per 1,000 "
        f"documents; peak memory ≈ {memory_fit[1]:,.0f} MiB {1000 * memory_fit[0]:+,.1f} "
        "MiB per 1,000 documents (figure: `workflow_scaling.png`).",
    ]


def linear_fit(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Slope and intercept of the least-squares line through the points."""
    import numpy as np

    slope, intercept = np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)
    return float(slope), float(intercept)


def plot_scaling(runs: Sequence[dict], stem: Path) -> None:
    """Total time and peak memory against documents, with least-squares lines and the
    targets; written as ``stem.png`` and ``stem.pdf``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    docs = np.array([r["documents"] for r in runs], float)
    grid = np.linspace(0, docs.max() * 1.05, 50)
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    panels = (
        ("wall_s", 1 / 60, "total wall time (min)", TARGET_WORKFLOW_S / 60, "target 5 min"),
        ("peak_mib", 1 / 1024, "peak memory (GiB)", TARGET_WORKFLOW_MIB / 1024, "target 3 GiB"),
    )
    for axis, (key, scale, label, target, target_label) in zip(axes, panels, strict=True):
        values = np.array([r[key] for r in runs], float) * scale
        failed = np.array([r["returncode"] != 0 for r in runs])
        axis.plot(docs[~failed], values[~failed], "o", color="C0", label="measured")
        if failed.any():
            axis.plot(docs[failed], values[failed], "x", color="C3", label="run failed")
        slope, intercept = linear_fit(docs, values)
        axis.plot(
            grid,
            intercept + slope * grid,
            "-",
            color="C0",
            alpha=0.6,
            label=f"least squares: {intercept:.2f} {1000 * slope:+.3f} per 1,000 docs",
        )
        axis.axhline(target, color="C3", linestyle="--", linewidth=1, label=target_label)
        axis.set_xlabel("documents")
        axis.set_ylabel(label)
        axis.set_xlim(0, grid[-1])
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(f"Workflow end to end, snakemake --cores {CORES}", fontsize=11)
    figure.tight_layout()
    figure.savefig(stem.with_suffix(".png"), dpi=150)
    figure.savefig(stem.with_suffix(".pdf"), metadata={"CreationDate": None})
    plt.close(figure)


def report(
    corpus: Path,
    total_records: int,
    workflows: Sequence[dict],
    notebook: dict | None,
    lda_rows: Mapping[str, dict],
    args: argparse.Namespace,
) -> tuple[str, list[dict]]:
    """The Markdown report and the CSV rows."""
    main = workflows[-1] if workflows else None
    rows = summary_rows(workflows, notebook, lda_rows)
    top = [
        r
        for r in rows
        if r["section"] in ("workflow", "notebook", "LDA stage")
        and (r["section"] != "workflow" or r["documents"] == (main or {}).get("documents"))
    ]
    lines = [
        "# The workflow against what a user would otherwise run",
        "",
        f"Corpus: `{corpus.name}` ({total_records:,} records"
        + (f"; the first {args.limit:,} used" if args.limit else "")
        + ").  ",
        *harness.run_lines(
            code_line(args.code, getattr(args, "code_digest", None)), args.load_start
        ),
        "",
        "wall_s, cpu_s: seconds; peak_mib: peak resident memory (MiB). ratio_to_workflow: "
        "the row's wall time / the workflow's (notebook) or / the project LDA's (LDA stage): "
        "above 1 means the row is slower. npmi: mean NPMI of the topics' top ten words "
        "(gensim `c_npmi`); for the workflow the chosen K, for the notebook its best K.",
        "",
        harness.markdown_table(top, COLUMNS, right=[c for c in COLUMNS[2:] if c != "num_topics"]),
    ]
    lines += ["", "## Targets", "", *target_lines(main, notebook, lda_rows)]
    lines += ["", "## Details", ""]
    if main is not None:
        lines += [*workflow_section(main), ""]
    lines += [*coherence_section(main, notebook), ""]
    lines += [*scaling_section(workflows), ""]
    if notebook is not None:
        lines += [
            f"### Notebook pipeline ({notebook['documents']:,} documents, "
            f"{notebook['tokens']:,} tokens, vocabulary {notebook['vocabulary']:,})",
            "",
            harness.markdown_table(
                ([phase, fmt(s)] for phase, s in notebook["phases"].items()),
                ["phase", "wall_s"],
                right=["wall_s"],
            ),
            "",
            f"Its time in the table stops after the last LdaModel; with NPMI for every K "
            f"(as a user choosing K would run) it is {notebook['wall_with_npmi_s']:,.1f} s "
            f"wall and {notebook['peak_with_npmi_mib']:,.0f} MiB peak.",
            "",
        ]
    if lda_rows:
        columns = ["fitter", "settings", "fit wall_s", "peak_mib", "before fit mib", "NPMI"]
        table = harness.markdown_table(
            (
                [
                    WORKERS[name],
                    n["details"],
                    fmt(n["wall_s"]),
                    fmt(n["peak_mib"], 0),
                    fmt(n["loaded_mib"], 0),
                    fmt(n["npmi"], 3),
                ]
                for name, n in lda_rows.items()
            ),
            columns,
            right=columns[2:],
        )
        first = next(iter(lda_rows.values()))
        lines += [
            f"### LDA stage, K = {LDA_STAGE_K}",
            "",
            table,
            "",
            f"{first['documents']:,} documents, vocabulary {first['vocabulary']:,} after the "
            "workflow's filtering. Memory before the fit is the tokens, dictionary and bag "
            "of words held by the process.",
        ]
        project = lda_rows.get("lda_project")
        if project is not None and main is not None:
            table = {r["num_topics"]: r["c_npmi"] for r in main["coherence"]}
            if LDA_STAGE_K in table:
                lines.append(
                    f"Check: the project LDA's NPMI here is {project['npmi']:.4f}; the "
                    f"workflow's table has {table[LDA_STAGE_K]:.4f} for K={LDA_STAGE_K}."
                )
        lines.append("")
    lines += [
        "### How each was run",
        "",
        f"- Workflow: a copy of the repository's files in a scratch folder, a clean "
        f"`results/`, `snakemake --cores {CORES} --keep-going`, config "
        + (
            f"`{main['config_base']}` with"
            if main and main["config_base"]
            else "the project defaults with"
        )
        + f" the corpus as `format: jsonl` and `lda.num_topics: {list(args.num_topics)}`"
        + (
            f" (LDA: passes {main['lda']['passes']}, iterations {main['lda']['iterations']}, "
            f"no_below {main['lda']['no_below']}, no_above {main['lda']['no_above']}, "
            f"keep_n {main['lda']['keep_n']}; one model per K: seeds {main['lda'].get('seeds')}, "
            "heldout_share 0, evaluation.engines [])"
            if main
            else ""
        )
        + ". Time and CPU around the Snakemake call; peak memory: the larger of the process "
        "tree's summed RSS (sampled every 0.2 s, jobs running side by side added) and the "
        "largest `max_rss` of a benchmark file.",
        "- Notebook: one process; pyarabic `strip_tashkeel`, `strip_tatweel`, "
        "`normalize_ligature`, regex Arabic-letter tokens, the Arabic-Stopwords list (NLTK has "
        "no Arabic stopwords without a data download), tokens of one letter dropped, "
        "`normalize_alef`, NLTK `ISRIStemmer().stem` on every token; gensim `Dictionary`, "
        f"`filter_extremes(no_below={NOTEBOOK_NO_BELOW}, no_above={NOTEBOOK_NO_ABOVE})`, "
        f"`doc2bow`, `LdaModel(passes={NOTEBOOK_PASSES}, random_state={SEED})` with gensim's "
        "defaults otherwise (chunksize 2000, iterations 50, symmetric priors). Timed from "
        "reading the corpus to the last model, imports excluded.",
        "- LDA stage: the workflow's `tokens.jsonl`, the project's "
        "`topics.engines.build_dictionary` with the run's `lda` settings and `doc2bow`, then "
        "only the fit is timed (the project's "
        '`topics.engines.fit_topic_model(engine="gensim")`, which also infers the '
        "documents' topic mixtures); each fitter in its own process. tomotopy: "
        f"{args.tomotopy_iterations} Gibbs iterations ("
        + ("Mallet's default; " if args.tomotopy_iterations == TOMOTOPY_ITERATIONS else "")
        + f"the short run {args.tomotopy_short_iterations}), seed {SEED}, "
        "default priors, `alpha` optimized every 10 iterations; scikit-learn: online variational "
        f"Bayes with its defaults, random_state {SEED}.",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n", rows


# ---------------------------------------------------------------------------------------
# Main


def find_previous_run(workdir: Path) -> Path | None:
    """The run folder with the most documents under ``workdir`` that has tokens."""
    runs = [
        p for p in workdir.glob("docs_*") if (p / "results/02_normalize/tokens.jsonl").is_file()
    ]
    return max(runs, key=lambda p: int(p.name.split("_")[1]), default=None)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = harness.argument_parser(
        __doc__, DEFAULT_CORPUS, "JSON Lines corpus", "use only the first N documents", WORKERS
    )
    parser.add_argument(
        "--fractions",
        type=float,
        nargs="+",
        default=[1.0],
        help="run the workflow on these shares of the corpus (default: %(default)s)",
    )
    parser.add_argument(
        "--num-topics",
        type=int,
        nargs="+",
        default=list(DEFAULT_NUM_TOPICS),
        help="K values of the workflow and the notebook (default: %(default)s)",
    )
    parser.add_argument(
        "--code",
        choices=("worktree", "head"),
        default="worktree",
        help="run the workflow as in the working tree (tracked files and new files git does "
        "not ignore) or as committed (git archive HEAD) (default: %(default)s)",
    )
    parser.add_argument("--skip-workflow", action="store_true")
    parser.add_argument("--skip-notebook", action="store_true")
    parser.add_argument("--skip-lda", action="store_true")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the workflow copies here (default: a temporary folder, removed at the "
        "end); with --skip-workflow, the LDA stage reuses the largest run found in it",
    )
    parser.add_argument(
        "--tomotopy-iterations", type=int, default=TOMOTOPY_ITERATIONS, help="%(default)s"
    )
    parser.add_argument(
        "--tomotopy-short-iterations",
        type=int,
        default=TOMOTOPY_SHORT_ITERATIONS,
        help="%(default)s",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3 * 3600,
        help="seconds allowed to each workflow run and each worker (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-limit-gib",
        type=float,
        default=8.0,
        help="address-space limit of each process started (0: none; default: %(default)s)",
    )
    args = harness.parse_arguments(parser, argv)
    if args.worker:
        return args
    if any(not 0 < f <= 1 for f in args.fractions):
        parser.error("--fractions must be in (0, 1]")
    if args.skip_workflow and not args.skip_lda and args.workdir is None:
        parser.error("the LDA stage needs the workflow's tokens: run the workflow or --workdir")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return harness.serve_worker(args, work)

    args.load_start = harness.load_average()
    total_records = harness.count_records(args.corpus)
    documents = min(total_records, args.limit or total_records)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="workflow_vs_peers_"))
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    workflows: list[dict] = []
    notebook = None
    lda_rows: dict[str, dict] = {}
    limits = (args.timeout, args.memory_limit_gib)
    try:
        if not args.skip_workflow:
            # One snapshot of the code for every run, however long they take.
            snapshot = workdir / "code"
            if snapshot.exists():
                shutil.rmtree(snapshot)
            copy_repository(snapshot, args.code)
            args.code_digest = tree_digest(snapshot)
            for count in documents_for_fractions(documents, args.fractions):
                folder = workdir / f"docs_{count}"
                if folder.exists():
                    shutil.rmtree(folder)
                workflows.append(
                    run_workflow(
                        folder,
                        args.corpus,
                        count,
                        args.num_topics,
                        args.timeout,
                        args.memory_limit_gib,
                        snapshot,
                    )
                )
        if not args.skip_notebook:
            spec = {
                "corpus": str(args.corpus),
                "documents": documents,
                "num_topics": list(args.num_topics),
            }
            notebook = harness.run_workers(__file__, WORKERS, ["notebook"], spec, *limits)
            notebook = notebook.get("notebook")
        if not args.skip_lda:
            run_folder = Path(workflows[-1]["workdir"]) if workflows else None
            if run_folder is None or not (run_folder / "results").is_dir():
                run_folder = find_previous_run(workdir)
            tokens = run_folder and run_folder / "results" / "02_normalize" / "tokens.jsonl"
            if tokens is None or not tokens.is_file():
                print(f"LDA stage skipped: no tokens.jsonl of a workflow run in {workdir}")
            else:
                _, config = prepare_config_of(run_folder)
                spec = {
                    "src": str(run_folder / "src"),
                    "tokens": str(tokens),
                    "lda": config["lda"],
                    # The seed of the workflow's LDA jobs (the one of lda.random_seeds).
                    "random_state": (
                        config["lda"].get("seeds") or [config.get("random_state", SEED)]
                    )[0],
                    "k": LDA_STAGE_K,
                    "tomotopy_iterations": args.tomotopy_iterations,
                    "tomotopy_short_iterations": args.tomotopy_short_iterations,
                }
                fitters = [name for name in WORKERS if name.startswith("lda_")]
                lda_rows = harness.run_workers(__file__, WORKERS, fitters, spec, *limits)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    text, rows = report(args.corpus, total_records, workflows, notebook, lda_rows, args)
    table = pd.DataFrame(map(csv_row, rows), columns=COLUMNS)
    harness.write_results(args.out, "workflow_vs_peers", table, text)
    if len(workflows) >= 2:
        plot_scaling(workflows, args.out / "workflow_scaling")
    print()
    print(text)
    failed = any(run["returncode"] != 0 for run in workflows)
    return 1 if failed else 0


def prepare_config_of(run_folder: Path) -> tuple[Path, dict]:
    """The config file of an earlier run folder and its effective config."""
    configfile = run_folder / "benchmark_config.yaml"
    config = yaml.safe_load(configfile.read_text(encoding="utf-8"))
    defaults = yaml.safe_load((run_folder / "config" / "config.yaml").read_text(encoding="utf-8"))
    return configfile, merge_config(defaults, config)


if __name__ == "__main__":
    sys.exit(main())
