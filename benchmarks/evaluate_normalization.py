"""Which normalization settings give the best topics and clusters on a labelled Arabic corpus?

The corpus is ``hespress-4cat``: 2,268 Moroccan news articles (Hespress), one ``.txt`` file
each, in four gold categories (culture, economy, politics, tamazight). It is read in place
from its ``.tar.gz`` with :mod:`tarfile`: ``doc_id`` is the member path without its suffix,
the label its parent folder and ``source`` the member path.

For every normalization setting of the grid ``normalize.stemmer`` in {none, light, root} x
multiword expressions in {list, list+learned, off} (``list``: the shipped list only;
``list+learned``: plus collocations learned with gensim Phrases, ``learn_multiword``; ``off``:
``multiword_expressions: false``), the rest as in ``config/config.yaml``, the corpus is
normalized once with :func:`arabic_news_topics.normalize.core.normalize_documents`;
then, for every seed:

* TF-IDF (``min_df=5, max_df=0.5``, sublinear tf) and k-means with k=4
  (:func:`arabic_news_topics.clusters.core.cluster_documents`, ``random_state=seed``): NMI and
  ARI of the clusters against the gold labels;
* gensim LDA with K=4 on a dictionary filtered with ``no_below=5, no_above=0.5``
  (:func:`arabic_news_topics.topics.engines.fit_topic_model`, ``engine="gensim"``, ``passes=10,
  iterations=200``, ``random_state=seed``): NMI and ARI of every document's
  most probable topic, and the NPMI coherence (``c_npmi``) and ``c_v`` of the topics' top
  10 words (:func:`arabic_news_topics.topics.coherence.coherence_scores`).

A naive baseline, the peer that the shared README reports (NMI 0.30-0.49), goes through the
same TF-IDF, k-means and LDA: Arabic letter runs (``[\\u0621-\\u064A]+``), alef, yaa and taa
marbuta folded, the Arabic-Stopwords list (folded alike) removed; no clitic stripping, no
boilerplate removal, no stemming, no multiword expressions.

Outputs, in ``benchmarks/results/`` (or ``--out``):

* ``normalization_evaluation.csv``: one row per setting and seed;
* ``normalization_evaluation.md``: mean +- sd over the seeds per setting, the best setting
  of each metric marked, the gain of the best settings over the naive baseline, and the
  corpus, machine, date and exact settings of the run.

Run from the repository root (about 12 minutes on 2 cores)::

    .venv/bin/python benchmarks/evaluate_normalization.py [--corpus PATH] [--seeds 1 2 3]

``--stemmers`` and ``--multiword`` run part of the grid, ``--no-baseline`` skips the
baseline, ``--passes``/``--iterations`` change LDA's, and ``--limit N`` keeps N documents
spread evenly over the archive, for a quick check (see ``--help``).

The corpus defaults to ``../shared/corpora/hespress-4cat.tar.gz``, resolved from the
repository root.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import logging
import re
import statistics
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path, PurePosixPath

import harness
import pandas as pd
from arabicstopwords import arabicstopwords
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from arabic_news_topics.clusters import core as clusters
from arabic_news_topics.normalize import core as normalize
from arabic_news_topics.normalize.step import normalization_settings
from arabic_news_topics.tfidf import core as tfidf
from arabic_news_topics.topics import coherence, engines

REPO = harness.REPO
DEFAULT_CORPUS = harness.CORPORA.resolve() / "hespress-4cat.tar.gz"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
MULTIWORD_LIST = REPO / "config" / "multiword_expressions.txt"
REPORTING_WORDS = REPO / "config" / "news_reporting_words.txt"
STEM = "normalization_evaluation"

LOGGER = logging.getLogger("evaluate_normalization")

STEMMERS = ("none", "light", "root")
#: Multiword settings: the shipped list only, the list and collocations learned with gensim
#: Phrases (``normalize.learn_multiword``), off.
MULTIWORD = ("list", "list+learned", "off")
BASELINE = "naive baseline"
#: Number of clusters and of LDA topics: the number of gold categories.
K = 4
#: Metrics of the summary, as (column, label); higher is better for all.
METRICS = (
    ("kmeans_nmi", "k-means NMI"),
    ("lda_nmi", "LDA NMI"),
    ("lda_npmi", "LDA NPMI"),
)
NAIVE_TOKEN_RE = re.compile(r"[\u0621-\u064A]+")
NAIVE_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


# ---------------------------------------------------------------------------------------
# Corpus


def read_corpus(path: Path, limit: int | None = None) -> tuple[list[dict], list[str]]:
    """Documents (``doc_id``, ``source``, ``text``) and gold labels, read from the archive;
    with ``limit``, that many documents spread evenly over the archive (every category)."""
    documents, labels = [], []
    with tarfile.open(path) as archive:
        members = sorted(
            (m for m in archive.getmembers() if m.isfile() and m.name.endswith(".txt")),
            key=lambda m: m.name,
        )
        if limit is not None and limit < len(members):
            members = [members[i * len(members) // limit] for i in range(limit)]
        for member in members:
            name = PurePosixPath(member.name)
            handle = archive.extractfile(member)
            if handle is None:  # pragma: no cover - isfile() members always have content
                raise ValueError(f"cannot read {member.name} from {path}")
            text = handle.read().decode("utf-8-sig")
            documents.append(
                {"doc_id": str(name.with_suffix("")), "source": member.name, "text": text}
            )
            labels.append(name.parent.name)
    if not documents:
        raise ValueError(f"no .txt file in {path}")
    return documents, labels


# ---------------------------------------------------------------------------------------
# Tokenizers: the package's normalization, and the naive baseline


def naive_tokens(documents: Sequence[dict]) -> list[tuple[str, list[str]]]:
    """Regex Arabic tokens, alef/yaa/taa marbuta folded, the Arabic-Stopwords list removed."""
    stopwords = {w.translate(NAIVE_FOLD) for w in arabicstopwords.stopwords_list()}
    result = []
    for doc in documents:
        tokens = NAIVE_TOKEN_RE.findall(doc["text"].translate(NAIVE_FOLD))
        result.append((doc["doc_id"], [t for t in tokens if t not in stopwords]))
    return result


def package_tokenizer(
    settings: normalize.NormalizationSettings,
) -> Callable[[Sequence[dict]], list[tuple[str, list[str]]]]:
    """The package's normalization with these settings, as a tokenizer.

    The tokenizer's ``boilerplate_words`` attribute holds, after each call, the number of
    whitespace-separated words that the boilerplate-line rules removed.
    """

    def tokenize(documents: Sequence[dict]) -> list[tuple[str, list[str]]]:
        result = normalize.normalize_documents(documents, settings)
        steps = result.steps.set_index("step")["tokens"]
        before = steps.get("html", steps.get("raw", 0))
        tokenize.boilerplate_words = int(before - steps.get("boilerplate_lines", before))
        return result.tokens

    tokenize.boilerplate_words = 0
    return tokenize


# ---------------------------------------------------------------------------------------
# Evaluation


@dataclasses.dataclass
class Params:
    """TF-IDF, LDA and coherence parameters, the same for every setting."""

    min_df: int = 5
    max_df: float = 0.5
    no_below: int = 5
    no_above: float = 0.5
    passes: int = 10
    iterations: int = 200
    top_n: int = 10


def check_tokens(setting: str, tokens: Sequence[tuple[str, list[str]]]) -> dict:
    """Sanity counts of a tokenization, logged when something looks wrong."""
    empty = [d for d, t in tokens if not t]
    odd = {
        t
        for _, ts in tokens
        for t in ts
        if not normalize.TOKEN_ALPHABET_RE.match(t) or t.startswith("_") or t.endswith("_")
    }
    if empty:
        LOGGER.warning("%s: %d documents have no token: %s", setting, len(empty), empty[:10])
    if odd and setting != BASELINE:
        LOGGER.warning(
            "%s: %d token types outside the token alphabet: %s", setting, len(odd), sorted(odd)[:10]
        )
    vocabulary = {t for _, ts in tokens for t in ts}
    return {
        "vocabulary": len(vocabulary),
        "multiword_terms": sum("_" in t for t in vocabulary),
        "tokens": sum(len(ts) for _, ts in tokens),
        "empty_docs": len(empty),
        "odd_types": len(odd),
    }


def evaluate_setting(
    setting: str,
    stemmer: str,
    multiword: str,
    tokenize: Callable[[Sequence[dict]], list[tuple[str, list[str]]]],
    documents: Sequence[dict],
    labels: Sequence[str],
    seeds: Sequence[int],
    params: Params,
) -> list[dict]:
    """Tokenize once, then cluster and fit LDA once per seed; one row per seed."""
    start = time.perf_counter()
    tokens = tokenize(documents)
    normalize_seconds = time.perf_counter() - start
    if [d for d, _ in tokens] != [doc["doc_id"] for doc in documents]:
        raise RuntimeError(f"{setting}: the tokenizer changed the order or set of documents")
    counts = check_tokens(setting, tokens)
    counts["boilerplate_words"] = getattr(tokenize, "boilerplate_words", 0)
    LOGGER.info("%s: tokenized in %.1f s, %s", setting, normalize_seconds, counts)

    start = time.perf_counter()
    matrix, doc_ids, _terms = tfidf.compute_tfidf(
        tokens,
        min_df=params.min_df,
        max_df=params.max_df,
        max_features=None,
        ngram_range=(1, 1),
        sublinear_tf=True,
    )
    token_lists = [t for _, t in tokens]
    dictionary = engines.build_dictionary(token_lists, params.no_below, params.no_above, None)
    bow = [dictionary.doc2bow(t) for t in token_lists]
    # Every token as its dictionary id: the sliding windows of c_v and c_npmi.
    token_ids = coherence.TokenIds.from_token_lists(token_lists, dictionary)
    shared_seconds = time.perf_counter() - start

    rows = []
    for seed in seeds:
        start = time.perf_counter()
        clustered = clusters.cluster_documents(matrix, K, method="kmeans", random_state=seed)
        # gensim LdaModel with its other settings at their defaults
        # (alpha symmetric, eta None, chunksize 2000); theta is its inferred document mixtures.
        model = engines.fit_topic_model(
            bow,
            dictionary,
            K,
            engine="gensim",
            random_state=seed,
            passes=params.passes,
            iterations=params.iterations,
        )
        theta = engines.doc_topics_table(model.theta, doc_ids)
        topic = theta[[f"topic_{k + 1}" for k in range(K)]].to_numpy().argmax(axis=1)
        scores = coherence.coherence_scores(model.phi, token_ids, dictionary, bow, params.top_n)
        row = {
            "setting": setting,
            "stemmer": stemmer,
            "multiword": multiword,
            "seed": seed,
            **counts,
            "tfidf_terms": matrix.shape[1],
            "lda_terms": len(dictionary),
            "kmeans_nmi": normalized_mutual_info_score(labels, clustered),
            "kmeans_ari": adjusted_rand_score(labels, clustered),
            "lda_nmi": normalized_mutual_info_score(labels, topic),
            "lda_ari": adjusted_rand_score(labels, topic),
            "lda_npmi": scores["c_npmi"],
            "lda_cv": scores["c_v"],
            "lda_topics_used": len(set(topic.tolist())),
            "seconds": round(time.perf_counter() - start, 2),
            "normalize_seconds": round(normalize_seconds + shared_seconds, 2),
        }
        LOGGER.info(
            "%s seed %d: k-means NMI %.3f, LDA NMI %.3f, NPMI %.4f (%.1f s)",
            setting,
            seed,
            row["kmeans_nmi"],
            row["lda_nmi"],
            row["lda_npmi"],
            row["seconds"],
        )
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------
# Report


def code_hashes() -> dict[str, str]:
    """sha256 of each package source and each config file this evaluation reads."""
    files = sorted((REPO / "src" / "arabic_news_topics").rglob("*.py"))
    return {
        path.relative_to(REPO).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in [*files, harness.CONFIG, SCHEMA, MULTIWORD_LIST, REPORTING_WORDS]
    }


def code_fingerprint(hashes: dict[str, str]) -> str:
    """One short hash of all the files of :func:`code_hashes`."""
    return hashlib.sha256(repr(sorted(hashes.items())).encode()).hexdigest()[:12]


def _mean_sd(values: Sequence[float], digits: int) -> str:
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.{digits}f} ± {sd:.{digits}f}"


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per setting: mean and sample sd over the seeds of every metric."""
    grouped = frame.groupby("setting", sort=False)
    table = grouped[["stemmer", "multiword"]].first()
    for column, _ in METRICS:
        table[f"{column}_mean"] = grouped[column].mean()
        table[f"{column}_sd"] = grouped[column].std(ddof=1).fillna(0.0)
    for column in ("vocabulary", "tfidf_terms", "lda_terms", "multiword_terms"):
        table[column] = grouped[column].first()
    table["seconds"] = grouped["seconds"].sum() + grouped["normalize_seconds"].first()
    return table


def paired_gain(frame: pd.DataFrame, setting: str, column: str) -> str:
    """Mean ± sd over the seeds of ``setting`` minus the baseline, seed by seed."""
    ours = frame[frame["setting"] == setting].set_index("seed")[column]
    base = frame[frame["setting"] == BASELINE].set_index("seed")[column]
    return _mean_sd((ours - base.reindex(ours.index)).tolist(), 3)


def markdown_report(
    frame: pd.DataFrame,
    corpus: Path,
    n_docs: int,
    label_counts: str,
    params: Params,
    seeds: Sequence[int],
    config: dict,
    elapsed: float,
    code: str = "",
) -> str:
    """The Markdown summary: table, best settings, gain over the baseline, run details."""
    table = summary(frame)
    ours = table[table.index != BASELINE]
    best = {column: ours[f"{column}_mean"].idxmax() for column, _ in METRICS}
    digits = {"kmeans_nmi": 3, "lda_nmi": 3, "lda_npmi": 4}
    counts = {
        "vocabulary": "vocabulary",
        "tfidf_terms": "TF-IDF terms",
        "lda_terms": "LDA terms",
        "multiword_terms": "multiword terms",
    }
    cells = []
    for setting, row in table.iterrows():
        cell = {"setting": setting, "stemmer": row["stemmer"], "multiword": row["multiword"]}
        for column, label in METRICS:
            value = _mean_sd(ours_values(frame, setting, column), digits[column])
            cell[label] = f"**{value}** ▲" if best[column] == setting else value
        cell.update({label: f"{row[column]:,}" for column, label in counts.items()})
        cell["seconds"] = f"{row['seconds']:.0f}"
        cells.append(cell)
    lines = [
        "# Normalization settings evaluated on hespress-4cat",
        "",
        *harness.run_lines(code),
        "",
        f"Mean ± sample sd over seeds {', '.join(map(str, seeds))}; **bold** with ▲: the best "
        "package setting on that metric (highest mean; the naive baseline is not a candidate).",
        "",
        harness.markdown_table(
            cells, right=[*(label for _, label in METRICS), *counts.values(), "seconds"]
        ),
        "",
        "## Best settings and gain over the naive baseline",
        "",
    ]
    for column, label in METRICS:
        setting = best[column]
        line = f"- {label}: **{setting}** ({_mean_sd(ours_values(frame, setting, column), 4)})"
        if BASELINE in table.index:
            base = _mean_sd(ours_values(frame, BASELINE, column), 4)
            line += (
                f"; baseline {base}; difference (seed by seed) "
                f"{paired_gain(frame, setting, column)}"
            )
        lines.append(line)
    if BASELINE in table.index:
        lines += [
            "",
            "Difference of every setting from the naive baseline, seed by seed (mean ± sd):",
            "",
            harness.markdown_table(
                (
                    {"setting": setting}
                    | {label: paired_gain(frame, setting, column) for column, label in METRICS}
                    for setting in ours.index
                ),
                right=[label for _, label in METRICS],
            ),
        ]
    normalize_section = config["normalize"]
    package_rows = frame[frame["setting"] != BASELINE]
    removed_words = int(package_rows["boilerplate_words"].max())
    odd_types = int(package_rows["odd_types"].max())
    fixed = ", ".join(
        f"{k}={normalize_section[k]}"
        for k in (
            "strip_proclitics",
            "split_glued_waw",
            "remove_stopwords",
            "remove_reporting_words",
            "recurring_line_min_documents",
            "learn_multiword",
            "learn_multiword_min_documents",
            "multiword_min_count",
            "multiword_threshold",
            "min_stem_length",
            "min_token_length",
        )
        if k in normalize_section
    )
    lines += [
        "",
        "## Run",
        "",
        f"- Corpus: `{corpus.name}` ({n_docs:,} documents: {label_counts}), read in place.",
        f"- Total runtime {elapsed / 60:.1f} min.",
        f"- Package settings: the `normalize` section of `config/config.yaml` ({fixed}, ...), "
        "with `stemmer` and `multiword_expressions` varied; `multiword_list_file` "
        "`config/multiword_expressions.txt`, `reporting_words_file` "
        "`config/news_reporting_words.txt`. Multiword `list`: the expressions of the shipped "
        "list (learn_multiword false); `list+learned`: plus two-word collocations learned with "
        "gensim Phrases (NPMI; learn_multiword true); `off`: multiword_expressions false.",
        f'- Naive baseline: `re.findall(r"{NAIVE_TOKEN_RE.pattern}")`, أ إ آ → ا, ى → ي, '
        "ة → ه, the Arabic-Stopwords list (folded alike) removed; no clitics, boilerplate, "
        "stemming or multiword expressions.",
        f"- TF-IDF: min_df={params.min_df}, max_df={params.max_df}, max_features=None, "
        f"ngram_range=(1, 1), sublinear_tf=True; k-means k={K}, n_init=10, "
        "random_state=seed.",
        f"- LDA: gensim LdaModel, K={K}, dictionary no_below={params.no_below}, "
        f"no_above={params.no_above}, keep_n=None; passes={params.passes}, "
        f"iterations={params.iterations}, alpha=symmetric, eta=None, chunksize=2000, "
        "random_state=seed; NMI of each document's most probable topic; coherence c_npmi "
        f"(and c_v in the CSV) of the top {params.top_n} words on the same tokens.",
        "- NMI: scikit-learn normalized_mutual_info_score (arithmetic mean), against the "
        "folder labels. Vocabulary: distinct tokens after normalization; TF-IDF and LDA "
        "terms: after their document-frequency filters. Seconds: normalization plus all seeds.",
        f"- Boilerplate: the package's boilerplate-line rules removed {removed_words:,} "
        "whitespace-separated words of the corpus (CSV column boilerplate_words); token "
        f"types outside the package's token alphabet (such as Tifinagh): "
        f"{odd_types:,} (CSV column odd_types).",
        f"- Versions: arabic-news-topics {version('arabic-news-topics')}, "
        f"gensim {version('gensim')}, scikit-learn {version('scikit-learn')}, "
        f"nltk {version('nltk')}, Arabic-Stopwords {version('Arabic-Stopwords')}.",
        "",
    ]
    return "\n".join(lines)


def ours_values(frame: pd.DataFrame, setting: str, column: str) -> list[float]:
    """The values of one metric for one setting, seed by seed."""
    return frame.loc[frame["setting"] == setting, column].tolist()


# ---------------------------------------------------------------------------------------
# Main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = harness.argument_parser(
        __doc__,
        DEFAULT_CORPUS,
        "the hespress-4cat .tar.gz",
        "use N documents spread evenly over the archive (a quick check; default: all)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--stemmers", nargs="+", choices=STEMMERS, default=list(STEMMERS))
    parser.add_argument(
        "--multiword",
        nargs="+",
        choices=MULTIWORD,
        default=list(MULTIWORD),
        help="multiword settings: off, the shipped list, the list and learned collocations",
    )
    parser.add_argument("--passes", type=int, default=Params.passes, help="LDA passes")
    parser.add_argument("--iterations", type=int, default=Params.iterations)
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline row")
    return harness.parse_arguments(parser, argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("gensim").setLevel(logging.WARNING)
    corpus = args.corpus
    started = time.perf_counter()
    # The package is imported and the config read once, here: a run measures the files as
    # they are now, even if they change while it runs.
    hashes = code_hashes()
    code = f"{harness.code_version()}, sources and config files sha256 {code_fingerprint(hashes)}"
    params = Params(passes=args.passes, iterations=args.iterations)
    config = harness.project_config()
    base_settings = normalization_settings(
        config["normalize"], str(MULTIWORD_LIST), str(REPORTING_WORDS)
    )
    documents, labels = read_corpus(corpus, args.limit)
    counts = pd.Series(labels).value_counts()
    label_counts = ", ".join(f"{n:,} {label}" for label, n in counts.items())
    LOGGER.info("read %d documents from %s: %s", len(documents), corpus, label_counts)

    grid: list[tuple[str, str, str, Callable]] = []
    for stemmer in args.stemmers:
        for multiword in (m for m in MULTIWORD if m in args.multiword):
            changes: dict = {"stemmer": stemmer, "multiword_expressions": multiword != "off"}
            if multiword != "off":
                changes["learn_multiword"] = multiword == "list+learned"
            settings = dataclasses.replace(base_settings, **changes)
            grid.append(
                (f"{stemmer}, mwe {multiword}", stemmer, multiword, package_tokenizer(settings))
            )
    if not args.no_baseline:
        grid.append((BASELINE, "-", "-", naive_tokens))

    rows: list[dict] = []
    for setting, stemmer, multiword, tokenize in grid:
        rows += evaluate_setting(
            setting, stemmer, multiword, tokenize, documents, labels, args.seeds, params
        )
        # Written after every setting, so that an interrupted run keeps what it measured.
        harness.write_results(args.out, STEM, rows, None, float_format="%.6f")
    frame = pd.DataFrame(rows)
    elapsed = time.perf_counter() - started
    changed = sorted(k for k, v in code_hashes().items() if hashes.get(k) != v)
    if changed:
        code += (
            f"; note: {', '.join(changed)} changed while the run went on; the run used them "
            "as they were when it started"
        )
        LOGGER.warning("changed during the run: %s", ", ".join(changed))
    report = markdown_report(
        frame, corpus, len(documents), label_counts, params, args.seeds, config, elapsed, code
    )
    paths = harness.write_results(args.out, STEM, frame, report, float_format="%.6f")
    LOGGER.info("wrote %s and %s in %.1f min", *paths, elapsed / 60)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
