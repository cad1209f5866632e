import csv
import functools
import hashlib
import json
import sys
from pathlib import Path

from snakemake.common.configfile import load_configfile
from snakemake.exceptions import IncompleteCheckpointException, WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

# The project's package; scripts import it through workflow/scripts/add_src_to_path.py,
# and the corpus listing here is the one the reader uses.
SRC_DIR = Path(workflow.basedir) / "src"
PACKAGE_DIR = SRC_DIR / "arabic_news_topics"
sys.path.insert(0, str(SRC_DIR))

from arabic_news_topics.clusters.core import k_grid
from arabic_news_topics.corpus.core import list_source_files
from arabic_news_topics.topics.engines import (
    ENGINE_SETTINGS,
    ENGINES,
    corpus_median_words,
    heldout_size,
    resolve_engine,
)
from arabic_news_topics.topics.selection import num_topics_grid

# The config, read and checked here before any rule, by the functions of
# arabic_news_topics.config (which the tests call directly).
from arabic_news_topics.config import (
    DEFAULT_CONFIG,
    SCHEMA_PATH,
    check_config,
    grid_within_documents,
    load_config_file,
    replace_whole,
    whole_keys,
)

# The workflow's own config, wherever the run's working directory is (--directory).
WORKFLOW_CONFIG = f"{workflow.basedir}/{DEFAULT_CONFIG}"

try:
    # Snakemake's message for a YAML mistake names no line, and it keeps the last of a key
    # written twice: our reader names both. (Snakemake reads a --configfile before this
    # file runs, so its YAML mistakes get Snakemake's message; `python -m
    # arabic_news_topics.config my.yaml` names the line.)
    for path in [WORKFLOW_CONFIG, *workflow.overwrite_configfiles]:
        if Path(path).exists():
            load_config_file(path)
except ValueError as error:
    raise WorkflowError(f"config: {error}") from None


configfile: WORKFLOW_CONFIG


def get_user_configs():
    """The user's settings as written: each --configfile (read as Snakemake reads it), then
    --config."""
    files = [load_configfile(path) for path in workflow.overwrite_configfiles]
    return [*files, dict(workflow.config_settings.config)]


# Snakemake merges the user's settings into config/config.yaml key by key; a user's themes
# replace the default ones instead (whole_keys), or they would be scored too.
replace_whole(config, get_user_configs(), whole_keys())

try:
    check_config(config, workdir=Path.cwd(), workflow_dir=workflow.basedir)
except ValueError as error:
    raise WorkflowError(f"config: {error}") from None

# Snakemake's own validation fills in the schema's defaults. check_config, on a copy, comes
# first: its messages name the key and what it allows, where Snakemake's print the schema.
validate(config, str(SCHEMA_PATH))


# Runs: the workflow's own files (the default config, the schema, config/*.txt, captions,
# scripts) are found from the workflow, the user's (corpus sources, own list files) from the
# working directory, so `--directory runs/<name>` runs a corpus in a folder of its own. Two
# corpora never share a results folder (arabic_news_topics.runs): a run records its corpus in
# results/run.json when it starts its jobs, and a run on another corpus stops before any job.
from arabic_news_topics import runs


def get_list_file(key):
    """The file of config key normalize.``key`` (a word list): relative to the working
    directory, or else the workflow's own (the shipped config/*.txt, from any folder)."""
    value = config["normalize"][key]
    found = runs.find_list_file(value, Path.cwd(), workflow.basedir)
    if found is None:
        raise WorkflowError(
            f"config key normalize.{key}: {value} does not exist (relative to the working "
            f"directory {Path.cwd()}, or to the workflow {workflow.basedir})"
        )
    return found


@functools.cache
def get_run_record():
    """The record of this run's corpus (runs.run_record)."""
    configfiles = workflow.overwrite_configfiles or ()
    return runs.run_record(config["corpus"]["sources"], Path.cwd(), configfiles)


@functools.cache
def get_run_mixing():
    """Why this run may not write into results/ (another corpus is recorded there), or None."""
    try:
        recorded = runs.read_run_record(runs.RUN_RECORD)
    except ValueError as error:
        raise WorkflowError(str(error)) from None
    cores = getattr(workflow.resource_settings, "cores", None) or 4
    return runs.mixing_message(recorded, get_run_record(), Path.cwd(), cores)


# At parse time a warning only: a dry run (-n) shows what the folder holds and writes
# nothing, and --lint, --unlock or --report still work there. Jobs of a cluster run parse
# the workflow again (exec_mode remote); their main process checked already.
if workflow.is_main_process and get_run_mixing():
    logger.warning(f"A run here stops before its first job:\n{get_run_mixing()}")


onstart:
    # When the jobs are about to start (not on a dry run): stop, or record the corpus.
    if get_run_mixing():
        raise WorkflowError(get_run_mixing())
    if not Path(runs.RUN_RECORD).exists():
        runs.write_run_record(runs.RUN_RECORD, get_run_record())


def get_corpus_files():
    """Every input file of the corpus sources, so adding or editing one reruns ingest."""
    files = []
    for number, source in enumerate(config["corpus"]["sources"]):
        path = Path(source["path"])
        if not path.exists():
            raise WorkflowError(
                f"config key corpus.sources[{number}].path: {path} does not exist "
                f"(relative to the working directory {Path.cwd()})"
            )
        found = [str(p) for p in list_source_files(source)]
        if not found:
            what = source.get("pattern") if source["format"] == "txt" else source["format"]
            raise WorkflowError(
                f"config key corpus.sources[{number}]: no {what!r} file under {path} "
                f"(format {source['format']})"
            )
        files += found
    return files


@functools.cache
def get_document_count(metadata, modified_ns):
    """Rows of a metadata.tsv (its path and modification time: read once per version)."""
    with open(metadata, encoding="utf-8", newline="") as table:
        return sum(1 for _ in csv.DictReader(table, delimiter="\t"))


def get_read_corpus_output(name):
    """The path of read_corpus's output ``name``, once that checkpoint has run.

    A dry run reads the file as it is (None before a first run: the grids and lda.engine
    auto are then the configured ones), so that it lists the jobs a run would have;
    Snakemake evaluates an input function that stops at the checkpoint again only when the
    checkpoint runs."""
    try:
        return getattr(checkpoints.read_corpus.get().output, name)
    except IncompleteCheckpointException:
        if not workflow.dryrun:
            raise  # Snakemake evaluates the input function again after read_corpus
        path = getattr(rules.read_corpus.output, name)
        return path if Path(path).exists() else None


def get_corpus_size():
    """The documents read_corpus kept, once that checkpoint has run (None in a dry run
    before a first run: :func:`get_read_corpus_output`)."""
    metadata = get_read_corpus_output("metadata")
    if metadata is None:
        return None
    return get_document_count(metadata, Path(metadata).stat().st_mtime_ns)


@functools.cache
def get_median_words(summary, modified_ns):
    """The median document's words of a corpus_summary.csv (its path and modification
    time: read once per version)."""
    return corpus_median_words(summary)


def get_main_engine_choice():
    """lda.engine and why: auto resolved from the corpus's median document length
    (resolve_engine; the reason logged once). Called in input functions, and in params of
    rules whose inputs wait for read_corpus."""
    lda = config["lda"]
    median = None
    if lda["engine"] == "auto":
        summary = get_read_corpus_output("summary_csv")
        if summary is not None:
            modified = Path(summary).stat().st_mtime_ns
            median = get_median_words(summary, modified)
    engine, reason = resolve_engine(lda["engine"], median, lda["short_document_words"])
    if median is not None:
        get_note(reason)
    return [engine, reason]


def get_main_engine():
    """The engine of the main model (:func:`get_main_engine_choice`)."""
    return get_main_engine_choice()[0]


@functools.cache
def get_warning(message):
    """Log a warning once, however often the input functions that find it run."""
    logger.warning(message)


@functools.cache
def get_note(message):
    """Log a message once, however often the input functions that find it run."""
    logger.info(message)


def get_num_topics():
    """The Ks to fit: lda.num_topics as one number, a list, or auto (num_topics_range), less
    those above the number of documents (a warning names the key). Called in input
    functions: after read_corpus, the corpus size is known (get_corpus_size)."""
    lda = config["lda"]
    span = lda["num_topics_range"]
    documents = get_corpus_size()
    try:
        ks = num_topics_grid(lda["num_topics"], span["min"], span["max"], span["step"], documents)
    except ValueError as error:
        raise WorkflowError(f"config key lda.num_topics_range: {error}") from None
    if documents is None:
        return ks
    key = "lda.num_topics_range" if lda["num_topics"] == "auto" else "lda.num_topics"
    try:
        ks, warning = grid_within_documents(ks, documents, key)
    except ValueError as error:
        raise WorkflowError(str(error)) from None
    if warning:
        get_warning(warning)
    themes = len(config["themes"]["seed_words"])
    if lda["guided"] and lda["num_topics"] == "auto" and min(ks) < themes:
        # A scaled grid may start below the number of themes the guided prior steers.
        if max(ks) < themes:
            raise WorkflowError(
                f"config key lda.num_topics_range: lda.guided needs every K to be at least "
                f"the number of themes ({themes}); this corpus's Ks are {ks}: set "
                f"lda.num_topics_range.min"
            )
        get_warning(
            f"config key lda.num_topics_range: K = {[k for k in ks if k < themes]} left out, "
            f"below the number of themes ({themes}) that lda.guided steers"
        )
        ks = [k for k in ks if k >= themes]
    return ks


#: The bag of words of the topic models, file by file, as build_lda_corpus writes them
#: (arabic_news_topics.topics.engines.save_corpus): gensim writes the index of the Matrix Market
#: corpus next to it, and opens it with the corpus (without it, the corpus cannot be indexed);
#: corpus_counts holds the same counts for a corpus read into memory.
BOW_FILES = {
    "dictionary": "results/04_lda/bow/dictionary.txt",
    "corpus": "results/04_lda/bow/corpus.mm",
    "corpus_index": "results/04_lda/bow/corpus.mm.index",
    "corpus_counts": "results/04_lda/bow/corpus_counts.npz",
    "doc_ids": "results/04_lda/bow/doc_ids.txt",
    "token_ids": "results/04_lda/bow/token_ids.npz",
}

#: The files engines.load_bow reads (every rule that loads the corpus takes all of them).
BOW_CORPUS = ("dictionary", "corpus", "corpus_index", "corpus_counts", "doc_ids")


def get_bow_files(*names):
    """Named files of the bag of words (BOW_FILES; all of them by default)."""
    return {name: BOW_FILES[name] for name in names or BOW_FILES}


def get_lda_params(wildcards):
    """Settings of a topic-model fit: those its engine reads (lda.ENGINE_SETTINGS), so that
    changing one engine's setting refits no other engine."""
    lda = config["lda"]
    # gensim names the symmetric default prior None.
    values = {**lda, "eta": None if lda["eta"] == "symmetric" else lda["eta"]}
    return {key: values[key] for key in ENGINE_SETTINGS[wildcards.engine]}


# The fitted topic models. A model is an engine and a prior: unguided, or guided by the
# themes' seed words (build_guided_prior); a run is one fit of a model, at K topics with one
# random seed. RUN is the one place the layout of the runs is written: their folders, logs and
# benchmarks are built from it, and no step parses a path back (the rules pass engine, prior, K
# and seed as values, or as lists aligned with their input files).

#: The priors of a model.
PRIORS = ("unguided", "guided")

#: Where the runs are: RUNS/RUN/<file>, for example runs/gensim/unguided/k_3/seed_42/topics.csv.
RUNS = "results/04_lda/runs"

#: The runs of one model at one K (held-out perplexity is one number for them).
RUN_K = "{engine}/{prior}/k_{k}"

#: One run.
RUN = f"{RUN_K}/seed_{{seed}}"

#: Scheduling priority above any fit's (:func:`get_fit_priority`, its K).
PRIORITY_BEFORE_FITS = 1_000_000

#: Wildcard constraints of the runs.
RUN_WILDCARDS = {
    "engine": "|".join(ENGINES),
    "prior": "|".join(PRIORS),
    "k": r"\d+",
    "seed": r"\d+",
}


def get_main_model():
    """The model later stages use: lda.engine, guided when lda.guided is on."""
    return {
        "engine": get_main_engine(),
        "prior": "guided" if config["lda"]["guided"] else "unguided",
    }


def get_unguided_model():
    """The main model's engine without the guided prior (what compare_guided compares with)."""
    return {"engine": get_main_engine(), "prior": "unguided"}


def get_evaluation_models():
    """The models scored against gold labels: the main one and every evaluation engine's
    unguided model."""
    models = [get_main_model()]
    for engine in config["evaluation"]["engines"]:
        model = {"engine": engine, "prior": "unguided"}
        if model not in models:
            models.append(model)
    return models


def get_reference_seed():
    """The seed whose model later stages use (the first of lda.random_seeds)."""
    return config["lda"]["random_seeds"][0]


def get_runs():
    """Every run of the main model, K by K, seed by seed: dicts of engine, prior, k and seed.
    Input lists and the params that name their runs are both built from it, so they align
    (both in input functions: the Ks depend on the corpus size, get_num_topics)."""
    return [
        {**get_main_model(), "k": k, "seed": seed}
        for k in get_num_topics()
        for seed in config["lda"]["random_seeds"]
    ]


def get_run_file(name, run):
    """``name`` in the folder of ``run`` (a dict of engine, prior, k and seed)."""
    return f"{RUNS}/{RUN}/{name}".format(**run)


def get_fit_outputs(name):
    """``name`` of every run of one model at one K, seed by seed (lda.random_seeds): the
    outputs of the one job that fits them, with the wildcards engine, prior and k."""
    seeds = config["lda"]["random_seeds"]
    return expand(f"{RUNS}/{RUN}/{name}", seed=seeds, allow_missing=True)


def get_run_files(name):
    """An input function: ``name`` of every run of the main model (:func:`get_runs`)."""

    def run_files(wildcards):
        return [get_run_file(name, run) for run in get_runs()]

    return run_files


def get_heldout_enabled():
    """Whether the main model's Ks get a held-out measure: not when lda.heldout_share is 0,
    nor when it would hold out fewer than lda.heldout_min_documents of the corpus (a
    warning says so)."""
    share = config["lda"]["heldout_share"]
    if share == 0:
        return False
    documents = get_corpus_size()
    minimum = config["lda"]["heldout_min_documents"]
    if documents is not None and heldout_size(documents, share) < minimum:
        get_warning(
            f"config key lda.heldout_min_documents: no held-out fits, lda.heldout_share "
            f"({share}) of {documents} documents holds out {heldout_size(documents, share)}, "
            f"fewer than {minimum}"
        )
        return False
    return True


def get_heldout_files(wildcards):
    """The held-out perplexity of every K of the main model, in the order of
    :func:`get_num_topics`, from one more fit per K: only with a single random seed. With
    more, the fits of the other seeds hold the documents out and measure them
    (:func:`get_fit_heldout_shares`), and their scores hold the measure."""
    if len(config["lda"]["random_seeds"]) > 1 or not get_heldout_enabled():
        return []
    path = f"{RUNS}/{RUN_K}/heldout.json"
    return [path.format(**get_main_model(), k=k) for k in get_num_topics()]


def get_fit_heldout_shares(wildcards):
    """lda.heldout_share for each run of the job of a model at one K (seed by seed, as
    :func:`get_fit_outputs`): for a run of the main model's K grid with a random seed other
    than the first (the reference), where the held-out measure is on; 0 (all documents) for
    every other run. Those runs are fitted on the same training documents (the split is
    drawn with the reference seed), so their topics are matched to the reference's across
    seeds and data (as Greene et al. 2014 match topics fitted on subsamples), and they score
    the documents they did not see."""
    model = {key: wildcards[key] for key in ("engine", "prior", "k")}
    grid = [{**r, "k": str(r["k"])} for r in get_runs()]
    enabled = get_heldout_enabled()
    return [
        (
            config["lda"]["heldout_share"]
            if enabled and seed != get_reference_seed() and {**model, "seed": seed} in grid
            else 0.0
        )
        for seed in config["lda"]["random_seeds"]
    ]


def get_run_names(wildcards):
    """K and seed of every run of the main model, in the order of :func:`get_run_files`."""
    return [[run["k"], run["seed"]] for run in get_runs()]


def get_prior_input(wildcards):
    """The guided prior, for a guided model."""
    if wildcards.prior == "guided":
        return {"prior": "results/04_lda/guided_prior.json"}
    return {}


def get_value(value):
    """``value``, or what it returns if it is a function: a setting known only once a
    checkpoint has run (lda.engine auto), given to a helper as the function that finds it."""
    return value() if callable(value) else value


def get_chosen_num_topics():
    """The K select_num_topics chose (known once that checkpoint has run)."""
    chosen = checkpoints.select_num_topics.get().output.chosen
    return json.loads(Path(chosen).read_text())["num_topics"]


def get_evaluation_runs():
    """The runs scored against gold labels, without their K (the chosen one): engine, prior
    and seed, every seed of every model of :func:`get_evaluation_models`."""
    return [
        {**model, "seed": seed}
        for model in get_evaluation_models()
        for seed in config["lda"]["random_seeds"]
    ]


def get_label_count_runs():
    """The runs fitted again at K = the number of gold labels (evaluation.topics_at_label_count):
    every seed of the unguided model of lda.engine and of each evaluation engine (a guided
    prior needs a topic per theme, which that K may not have)."""
    if not config["evaluation"]["topics_at_label_count"]:
        return []
    engines = dict.fromkeys([get_main_engine(), *config["evaluation"]["engines"]])
    return [
        {"engine": engine, "prior": "unguided", "seed": seed}
        for engine in engines
        for seed in config["lda"]["random_seeds"]
    ]


def get_label_count_run_files(name):
    """An input function: ``name`` of each run of :func:`get_label_count_runs` at K = the
    number of gold labels (never more than the documents: each label has one)."""

    def label_count_run_files(wildcards):
        k = get_label_count()
        return [get_run_file(name, {**run, "k": k}) for run in get_label_count_runs()]

    return label_count_run_files


def get_cluster_uses_topics():
    """Whether cluster.features is topics, or auto with topics among cluster.auto_features."""
    cluster = config["cluster"]
    features = cluster["auto_features"] if cluster["features"] == "auto" else [cluster["features"]]
    return "topics" in features


def get_cluster_chosen_input():
    """select_num_topics' chosen_k.json (as the input ``chosen``) where stage 5 clusters
    topics: a job that declares the checkpoint's output is planned again once it has run."""
    return {"chosen": "results/04_lda/chosen_k.json"} if get_cluster_uses_topics() else {}


def get_cluster_topic_files(wildcards):
    """The main model's document topics at the chosen K, one file per random seed, where
    cluster.features is topics or auto with topics among cluster.auto_features (stage 5 then
    waits for the choice of K); otherwise none."""
    if not get_cluster_uses_topics():
        return []
    runs = [{**get_main_model(), "seed": seed} for seed in config["lda"]["random_seeds"]]
    return get_chosen_run_files("doc_topics.csv", runs)(wildcards)


def get_chosen_run_files(name, runs):
    """An input function: ``name`` of each of ``runs`` (dicts of engine, prior and seed, or
    a function that returns them: the main engine is known once the corpus is read) at the
    chosen K, in their order."""

    def chosen_run_files(wildcards):
        k = get_chosen_num_topics()
        return [get_run_file(name, {**run, "k": k}) for run in get_value(runs)]

    return chosen_run_files


def get_reference_run_file(name, model):
    """An input function: ``name`` of ``model``'s run (a dict of engine and prior, or a
    function that returns it) at the chosen K and the reference seed."""

    def reference_run_file(wildcards):
        run = {**get_value(model), "k": get_chosen_num_topics(), "seed": get_reference_seed()}
        return get_run_file(name, run)

    return reference_run_file


def get_guided_targets():
    """The comparison of guided and unguided topics, when lda.guided is on."""
    return rules.plot_guided.output if config["lda"]["guided"] else []


def get_label_count():
    """The number of distinct gold labels in metadata.tsv (empty labels do not count)."""
    metadata = checkpoints.read_corpus.get().output.metadata
    with open(metadata, encoding="utf-8", newline="") as table:
        labels = {row["label"] for row in csv.DictReader(table, delimiter="\t")}
    return len(labels - {""})


def get_has_labels():
    """Whether the corpus has gold labels: at least two distinct ones in metadata.tsv."""
    return get_label_count() >= 2


def get_evaluation_targets(wildcards):
    """The gold-label evaluation's figures, when the corpus has labels (stage 7)."""
    return rules.plot_evaluation.output if get_has_labels() else []


def get_similar_documents_targets():
    """The most similar documents table, unless tfidf.similar_documents is 0 (no table)."""
    return rules.find_similar_documents.output if config["tfidf"]["similar_documents"] else []


def get_tfidf_params():
    """Keyword arguments of the TF-IDF vectorizer."""
    keys = ("min_df", "max_df", "max_features", "ngram_range", "sublinear_tf", "use_idf")
    return {key: config["tfidf"][key] for key in keys}


REPORT_FORMATS = {
    ".csv": "CSV",
    ".md": "Markdown",
    ".tsv": "TSV",
    ".png": "PNG",
    ".pdf": "PDF",
    ".html": "HTML",
}


def get_report_output(path, caption, category, name):
    """Mark an output for the HTML report, with its caption and its format as a label."""
    return report(
        path,
        caption=f"../report/{caption}.rst",
        category=category,
        labels={"output": name, "format": REPORT_FORMATS[Path(path).suffix]},
    )


def get_report_pair(name, stem, suffixes, caption, category, label):
    """Two outputs of one result, ``{name}_{suffix}`` (plain ``{suffix}`` when ``name`` is
    empty) for ``stem.{suffix}``; the first (CSV, PNG) is the result's one entry in the HTML
    report, with its caption, the second (Markdown, PDF) lies beside it."""
    first, *others = suffixes
    return {
        f"{name}_{first}" if name else first: get_report_output(
            f"{stem}.{first}", caption, category, label
        ),
        **{f"{name}_{suffix}" if name else suffix: f"{stem}.{suffix}" for suffix in others},
    }


def get_report_table(name, stem, caption, category, label):
    """A table's CSV and Markdown outputs (``{name}_csv``, ``{name}_md``), in the report."""
    return get_report_pair(name, stem, ("csv", "md"), caption, category, label)


def get_report_figure(name, stem, caption, category, label):
    """A figure's PNG and PDF outputs (``{name}_png``, ``{name}_pdf``), in the report."""
    return get_report_pair(name, stem, ("png", "pdf"), caption, category, label)


def get_code_files(module):
    """The package's source files that ``module`` (``"topics.step"``) runs: the module, the
    package ``__init__`` files on its path, and, recursively, every package module it
    imports, and the files in the ``assets/`` folder of each of their packages. Read from the
    import statements, so the list is never written by hand."""
    seen, pending = set(), [module]
    while pending:
        name = pending.pop()
        parts = name.split(".") if name else []
        path = PACKAGE_DIR.joinpath(*parts)
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if path in seen or not path.exists():
            continue
        seen.add(path)
        # A package's assets/ (the explorer's page, script and style) are code it runs too.
        seen.update(f for f in (path.parent / "assets").glob("*") if f.is_file())
        # Importing a module runs the __init__ of every package above it.
        pending += [".".join(parts[:i]) for i in range(len(parts))]
        pending += get_package_imports(path, tuple(parts))
    return sorted(seen)


@functools.cache
def get_package_imports(path, parts):
    """The package modules (and names, which may be modules) that the module at ``path``
    (``parts`` of its dotted name) imports; read once per parse of the workflow."""
    import ast

    here = list(parts if path.name == "__init__.py" else parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - node.level + 1]
            target = [*base, *(node.module.split(".") if node.module else [])]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "arabic_news_topics"
        ):
            target = node.module.split(".")[1:]
        else:
            continue
        found += [".".join(target)] + [".".join([*target, a.name]) for a in node.names]
    return found


def get_fit_priority(wildcards):
    """A topic model fit's scheduling priority: its K, so that the longest fits start first
    (a longest-first order leaves short fits, not one long one, for the end of the grid)."""
    return int(wildcards.k)


@functools.cache
def get_code_hash(module):
    """SHA-256 of the package code a job runs (``get_code_files(module)``), passed as a param
    so that Snakemake reruns the job when that code changes, and only then (Snakemake's own
    code trigger sees only the script)."""
    digest = hashlib.sha256()
    for path in get_code_files(module):
        digest.update(path.relative_to(SRC_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def get_sorted(value):
    """A config value with its mappings' keys sorted, recursively, for params: Snakemake
    compares params as written, so a reordered config section would otherwise rerun jobs."""
    if isinstance(value, dict):
        return {key: get_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [get_sorted(item) for item in value]
    return value


def get_shard_ids():
    """Numbers of the shards of documents that read_corpus wrote (known once it has run)."""
    shards = checkpoints.read_corpus.get().output.shards
    return sorted(glob_wildcards(f"{shards}/{{shard}}.jsonl").shard)


def get_shard_files(pattern):
    """An input function: ``pattern`` (with ``{shard}``) for every shard of documents."""

    def shard_files(wildcards):
        return expand(pattern, shard=get_shard_ids())

    return shard_files


def get_normalize_settings(*keys):
    """The normalize settings a normalization pass depends on (all of them by default), so
    that changing one reruns only the passes that read it."""
    section = config["normalize"]
    return get_sorted({key: section[key] for key in keys or section})


def get_mem_mb(base, per_input_mb):
    """A ``resources: mem_mb=`` callable: ``base`` MB plus ``per_input_mb`` MB per MB of the
    job's input files (measured on SaudiNewsNet; see config/README.md), times the attempt, so
    that a job killed for memory is retried with twice as much (profiles/slurm: retries)."""

    def mem_mb(wildcards, input, attempt):
        return attempt * int(base + per_input_mb * input.size_mb)

    return mem_mb


def get_fit_mem_mb(wildcards, input, threads, attempt):
    """Memory of a fit_topic_model job: :func:`get_mem_mb`'s for one fit (400 MB plus 4 MB
    per MB of input) times its threads, each a process with its own copy of the corpus."""
    return threads * get_mem_mb(base=400, per_input_mb=4)(wildcards, input, attempt)


def get_fit_runtime(wildcards, input, threads, attempt):
    """Minutes of a fit_topic_model job: 10 plus input × K / 1000 per fit, times the fits
    each of its processes makes one after the other, times the attempt."""
    fits_per_process = -(-len(config["lda"]["random_seeds"]) // threads)
    return attempt * fits_per_process * (10 + int(input.size_mb * int(wildcards.k) / 1000))


def get_cluster_mem_mb(wildcards, input, threads, attempt):
    """Memory of a clustering job: k-means grows with the TF-IDF matrix; agglomerative
    (Ward) holds the condensed distance matrix twice, 8 bytes times documents squared; times
    its threads (each a process that clusters: evaluate_labels) and the attempt, as
    :func:`get_mem_mb`."""
    import numpy

    base = int(400 + 12 * input.size_mb)
    if config["cluster"]["method"] == "agglomerative":
        with numpy.load(input.matrix, allow_pickle=False) as stored:
            n_docs = len(stored["doc_ids"])
        base += int(8 * n_docs**2 / 2**20)
    return attempt * threads * base
