import hashlib
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

# The project's package; scripts import it through workflow/scripts/add_src_to_path.py,
# and the corpus listing here is the one the reader uses.
SRC_DIR = Path(workflow.basedir) / "src"
sys.path.insert(0, str(SRC_DIR))

from arabic_news_topics.corpus import list_source_files


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


def get_num_topics():
    """The list of K values to fit (lda.num_topics is one number or a list)."""
    value = config["lda"]["num_topics"]
    return sorted(value) if isinstance(value, list) else [value]


def get_lda_params():
    """Keyword arguments of the LDA fit (schema defaults are filled in by validation)."""
    lda = config["lda"]
    return {
        "random_state": config["random_state"],
        "passes": lda["passes"],
        "iterations": lda["iterations"],
        "chunksize": lda["chunksize"],
        "alpha": lda["alpha"],
        # gensim names the symmetric default prior None.
        "eta": None if lda["eta"] == "symmetric" else lda["eta"],
    }


def get_tfidf_params():
    """Keyword arguments of the TF-IDF vectorizer."""
    keys = ("min_df", "max_df", "max_features", "ngram_range", "sublinear_tf")
    return {key: config["tfidf"][key] for key in keys}


def get_lda_outputs(name):
    """One output of the per-K LDA rule, for every K of the config."""
    return expand(f"results/04_lda/k_{{k}}/{name}", k=get_num_topics())


REPORT_FORMATS = {".csv": "CSV", ".md": "Markdown", ".tsv": "TSV", ".png": "PNG", ".pdf": "PDF"}


def get_report_output(path, caption, category, name):
    """Mark an output for the HTML report, with its caption and its format as a label."""
    return report(
        path,
        caption=f"../report/{caption}.rst",
        category=category,
        labels={"output": name, "format": REPORT_FORMATS[Path(path).suffix]},
    )


def get_code_hash(*modules):
    """SHA-256 of the package modules a rule runs, passed as a param so that Snakemake reruns
    the rule when that code changes (its code trigger only sees the rule's own script)."""
    digest = hashlib.sha256()
    for module in ("stages", "tables", "logs", *modules):
        digest.update((SRC_DIR / "arabic_news_topics" / f"{module}.py").read_bytes())
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
    job's input files (measured on SaudiNewsNet; see config/README.md)."""

    def mem_mb(wildcards, input):
        return int(base + per_input_mb * input.size_mb)

    return mem_mb


def get_cluster_mem_mb(wildcards, input):
    """Memory of the clustering job: k-means grows with the TF-IDF matrix; agglomerative
    (Ward) holds the condensed distance matrix twice, 8 bytes times documents squared."""
    import numpy

    base = int(400 + 12 * input.size_mb)
    if config["cluster"]["method"] != "agglomerative":
        return base
    with numpy.load(input.matrix, allow_pickle=False) as stored:
        n_docs = len(stored["doc_ids"])
    return base + int(8 * n_docs**2 / 2**20)
