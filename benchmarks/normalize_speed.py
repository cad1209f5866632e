"""Speed and memory of the normalization stage, against a per-token baseline.

What is measured: :func:`arabic_news_topics.normalize.normalize_documents` with the
``normalize`` settings of ``config/config.yaml`` (``stemmer: light``), on a JSON Lines corpus
(by default SaudiNewsNet, 31,030 articles, 8.8 M whitespace tokens):

1. the whole corpus as configured for its size (``learn_multiword_min_documents`` is reached,
   so gensim Phrases learns collocations), and the whole corpus with that learning off;
2. a naive per-token baseline on the first ``--baseline-docs`` documents: the same rule
   functions of ``normalize.py``, called for every token in order with no cache (see
   :func:`per_token_baseline`), next to the cached stage on the same documents, so that the
   ratio of their CPU times is measured on identical input. The baseline's tokens are
   checked against the stage's with multiword expressions off.

Each configuration runs in a fresh subprocess (this script with ``--worker``), so that the
peak memory (``ru_maxrss``, a high-water mark) is its own; it includes the documents held in
memory. The stage is single-process: throughput is input tokens (whitespace tokens of the
raw texts) per CPU second, that is tokens per second per core. Only the stage is timed, not
reading the corpus; gensim is imported before the clock starts.

Run from the repository root::

    .venv/bin/python benchmarks/normalize_speed.py [--corpus PATH] [--baseline-docs N]

It prints a table and writes it to ``benchmarks/results/normalize_speed.csv`` and ``.md``
(with the machine, the corpus and the date). The speed figures in the README come from it.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import gzip
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import yaml
from run_info import code_version, machine_line

from arabic_news_topics import normalize, stages

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
RESULTS = Path(__file__).resolve().parent / "results"
CONFIG = REPO / "config" / "config.yaml"
#: The project's target for the stage with the light stemmer.
TARGET_TOKENS_PER_CPU_S = 500_000

#: Worker name -> (label, corpus part, what runs). Labels say which configuration is which.
CONFIGURATIONS: dict[str, tuple[str, str, str]] = {
    "full_learning": ("stage, full corpus, phrase learning on", "full", "stage"),
    "full_no_learning": (
        "stage, full corpus, phrase learning off (as configured)",
        "full",
        "stage",
    ),
    "subset_baseline": ("per-token baseline (no cache), subset", "subset", "baseline"),
    "subset_no_learning": ("stage, subset, phrase learning off", "subset", "stage"),
    "subset_no_multiword": ("stage, subset, multiword expressions off", "subset", "stage"),
}
COLUMNS = [
    "configuration",
    "documents",
    "tokens",
    "wall_s",
    "cpu_s",
    "peak_mib",
    "tokens_per_cpu_s",
    "ratio_to_baseline",
]


# ---------------------------------------------------------------------------------------
# Inputs


def read_documents(path: Path, limit: int | None = None) -> list[dict]:
    """The corpus records as the stage's documents: ``doc_id``, ``text``, ``source``."""
    documents = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(documents) >= limit:
                break
            if not line.strip():
                continue
            record = json.loads(line)
            documents.append(
                {
                    "doc_id": str(record["id"]),
                    "text": record.get("text") or "",
                    # The outlet, as the corpus stage gives it: boilerplate is per outlet.
                    "source": record.get("source") or path.name,
                }
            )
    return documents


def project_settings() -> normalize.NormalizationSettings:
    """The ``normalize`` settings of the project config, with its word-list files."""
    section = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["normalize"]
    return stages.normalization_settings(
        section,
        str(REPO / section.get("multiword_list_file", "config/multiword_expressions.txt")),
        str(REPO / section.get("reporting_words_file", "config/news_reporting_words.txt")),
    )


def settings_for(name: str, documents: int) -> normalize.NormalizationSettings:
    """The settings of one configuration."""
    # The measure is the stage with the light stemmer, whatever the default.
    settings = replace(project_settings(), stemmer="light")
    if name == "full_learning":
        settings = replace(settings, multiword_expressions=True, learn_multiword=True)
    if name in ("full_no_learning", "subset_no_learning", "subset_baseline"):
        settings = replace(settings, learn_multiword=False)
    if name == "subset_no_multiword":
        settings = replace(settings, multiword_expressions=False)
    return settings


def count_tokens(documents: Sequence[Mapping]) -> int:
    """Whitespace tokens of the raw texts."""
    return sum(len(doc["text"].split()) for doc in documents)


# ---------------------------------------------------------------------------------------
# The naive per-token baseline


def _apply(rules: Sequence[Callable[[str], str]], token: str, out: list[str]) -> None:
    """Run ``rules`` on one token in order ("" removes it, a space splits it in parts)."""
    for i, rule in enumerate(rules):
        token = rule(token)
        if not token:
            return
        if " " in token:
            for part in token.split():
                _apply(rules[i + 1 :], part, out)
            return
    out.append(token)


def _each_token(
    rules: Sequence[Callable[[str], str]], sequences: list[list[str]]
) -> tuple[list[list[str]], Counter[str]]:
    """Every token of every sequence through ``rules``, one call per token and rule; and the
    token counts after them, which the next corpus-aware rule needs."""
    result, counts = [], Counter()
    for tokens in sequences:
        out: list[str] = []
        for token in tokens:
            _apply(rules, token, out)
        counts.update(out)
        result.append(out)
    return result, counts


def per_token_baseline(
    documents: Sequence[Mapping], settings: normalize.NormalizationSettings
) -> list[list[str]]:
    """The rules of ``normalize.py`` applied token by token, without any cache.

    The HTML and boilerplate-line rules run on each text; then every whitespace token goes
    through the type rules in the stage's order. The corpus-aware rules (glued waw,
    proclitics, light stemmer) need the counts of the tokens as they stand just before them,
    as in the stage, so the tokens pass in phases with a count after each: the rules up to
    tatweel, glued waw, proclitics and the letter folds, stopwords, stemmer and minimum
    length. No multiword expressions: compare with the stage with them off.
    """
    s = settings
    texts = [d["text"] for d in documents]
    if s.remove_html:
        texts = [normalize.remove_html(text) for text in texts]
    # Recurring lines are found once per corpus, not per token: the stage's own function.
    found = normalize.recurring_lines_by_source(documents, s)
    recurring = [found.get(str(doc.get("source", "")), frozenset()) for doc in documents]
    sequences = [
        normalize.remove_boilerplate_lines(
            text, s.compiled_patterns, recurring[i], s.boilerplate_max_words
        )[0].split()
        for i, text in enumerate(texts)
    ]

    def enabled(*pairs: tuple[object, Callable[[str], str]]) -> list[Callable[[str], str]]:
        return [rule for switch, rule in pairs if switch]

    sequences, counts = _each_token(
        enabled(
            (s.normalize_unicode, normalize.normalize_unicode),
            (s.remove_urls, normalize.remove_urls),
            (s.remove_punctuation, normalize.remove_punctuation),
            (s.remove_digits, normalize.remove_digits),
            (s.remove_latin, normalize.remove_latin),
            (s.strip_diacritics, normalize.strip_diacritics),
            (s.strip_tatweel, normalize.strip_tatweel),
        ),
        sequences,
    )
    if s.split_glued_waw:
        before_glued = counts
        sequences, counts = _each_token(
            [lambda t: normalize.split_glued_waw(t, before_glued, s.glued_min_count)], sequences
        )
    before_proclitics = counts
    sequences, vocabulary = _each_token(
        enabled(
            (
                s.strip_proclitics,
                lambda t: normalize.strip_proclitics(t, before_proclitics, s.min_stem_length),
            ),
            (s.fold_alef, normalize.fold_alef),
            (s.fold_yaa, normalize.fold_yaa),
            (s.fold_taa_marbuta, normalize.fold_taa_marbuta),
            (s.fold_hamza, normalize.fold_hamza),
        ),
        sequences,
    )
    counts = vocabulary
    if s.remove_stopwords or s.remove_reporting_words:
        stopwords = normalize.normalized_stopwords(s, vocabulary)
        sequences, counts = _each_token([lambda t: "" if t in stopwords else t], sequences)
    before_stemmer = counts
    stemmers = {
        "light": lambda t: normalize.light_stem(t, before_stemmer, s.min_stem_length),
        "root": normalize.root_stem,
    }
    sequences, _ = _each_token(
        enabled(
            (s.stemmer != "none", stemmers.get(s.stemmer)),
            (s.min_token_length, lambda t: t if len(t) >= s.min_token_length else ""),
        ),
        sequences,
    )
    return sequences


# ---------------------------------------------------------------------------------------
# Timing breakdown of the stage


#: What runs between two timed helpers of the stage, by the helper before (None: start).
STAGE_GAPS: dict[str | None, str] = {
    None: "document rules (html, boilerplate lines), split, count",
    "compose": "flatten token sequences through the composed mapping",
    "normalize_expressions": "join multiword expressions, recount",
    "learn_phrases": "join multiword expressions, recount",
    "_expression_table": "result tables",
}


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class StageTimeline:
    """Wall and CPU time of the stage's top-level helper calls and of the code between them.

    The helpers are wrapped in the module for the duration of one run (a handful of calls,
    so the cost is nil); the time between two calls is named after the code that runs there.
    """

    HELPERS = (
        "run_rules",
        "normalized_stopwords",
        "compose",
        "normalize_expressions",
        "learn_phrases",
        "_expression_table",
    )

    def __init__(self) -> None:
        #: (label, helper, clocks at start, clocks at end) of each top-level call.
        self.calls: list[tuple[str, str, tuple[float, float], tuple[float, float]]] = []
        self.saved: dict[str, Callable] = {}
        self.depth = 0

    def _wrap(self, name: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            start = _clocks()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth -= 1
                label = name
                if name == "run_rules":
                    rules = args[2] if len(args) > 2 else kwargs.get("rules")
                    label = (
                        "word rules (stopwords, stemmer, min_length)"
                        if rules is normalize.FINAL_RULES
                        else "type rules (unicode ... hamza), once per distinct form"
                    )
                self.calls.append((label, name, start, _clocks()))

        return timed

    def __enter__(self) -> StageTimeline:
        for name in self.HELPERS:
            if hasattr(normalize, name):
                self.saved[name] = getattr(normalize, name)
                setattr(normalize, name, self._wrap(name, self.saved[name]))
        self.start = _clocks()
        return self

    def __exit__(self, *exc) -> None:
        self.end = _clocks()
        for name, function in self.saved.items():
            setattr(normalize, name, function)

    def segments(self) -> list[tuple[str, float, float]]:
        """``(what, wall s, CPU s)`` in order; gaps under 5 ms of wall time are left out."""
        rows, last, previous = [], self.start, None
        for label, helper, start, end in [*self.calls, ("", "", self.end, self.end)]:
            if start[0] - last[0] >= 0.005:
                what = STAGE_GAPS.get(previous, "other")
                rows.append((what, start[0] - last[0], start[1] - last[1]))
            if label:
                rows.append((label, end[0] - start[0], end[1] - start[1]))
            last, previous = end, helper
        return rows


# ---------------------------------------------------------------------------------------
# One configuration, in its own process


def peak_mib() -> float:
    """The process's peak resident memory so far (``ru_maxrss`` is KiB on Linux)."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_worker(name: str, corpus: Path, baseline_docs: int, output: Path) -> None:
    """Measure one configuration and pickle its numbers (and subset tokens) to ``output``."""
    _, part, kind = CONFIGURATIONS[name]
    documents = read_documents(corpus, baseline_docs if part == "subset" else None)
    settings = settings_for(name, len(documents))
    import gensim.models.phrases  # noqa: F401  (imported lazily by the stage; not timed)

    gc.collect()
    loaded_mib = peak_mib()
    timeline = StageTimeline() if kind == "stage" else None
    wall, cpu = time.perf_counter(), time.process_time()
    if timeline is not None:
        with timeline:
            result = normalize.normalize_documents(documents, settings)
        sequences = [tokens for _, tokens in result.tokens]
    else:
        sequences = per_token_baseline(documents, settings)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    numbers = {
        "name": name,
        "documents": len(documents),
        "tokens": count_tokens(documents),
        "output_tokens": sum(map(len, sequences)),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mib": peak_mib(),
        "loaded_mib": loaded_mib,
        "breakdown": timeline.segments() if timeline is not None else [],
        "doc_ids": [doc["doc_id"] for doc in documents] if part == "subset" else [],
        "sequences": sequences if name in ("subset_baseline", "subset_no_multiword") else [],
    }
    with output.open("wb") as handle:
        pickle.dump(numbers, handle)


def measure(name: str, corpus: Path, baseline_docs: int) -> dict:
    """Run one configuration in a fresh interpreter and return its numbers."""
    label = CONFIGURATIONS[name][0]
    print(f"running: {label} ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / f"{name}.pickle"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            name,
            "--corpus",
            str(corpus),
            "--baseline-docs",
            str(baseline_docs),
            "--worker-output",
            str(output),
        ]
        subprocess.run(command, check=True, cwd=REPO)
        with output.open("rb") as handle:
            numbers = pickle.load(handle)
    print(
        f"  {numbers['wall_s']:.1f} s wall, {numbers['cpu_s']:.1f} s CPU, "
        f"{numbers['peak_mib']:.0f} MiB peak",
        flush=True,
    )
    return numbers


# ---------------------------------------------------------------------------------------
# Comparison and report


def first_differences(
    doc_ids: Sequence[str],
    baseline: Sequence[Sequence[str]],
    stage: Sequence[Sequence[str]],
    limit: int = 10,
) -> list[str]:
    """Where the baseline's tokens and the stage's differ, document by document."""
    found = []
    for i, (ours, theirs) in enumerate(zip(baseline, stage, strict=True)):
        if list(ours) == list(theirs):
            continue
        at = next(
            (k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
            min(len(ours), len(theirs)),
        )
        found.append(
            f"document {i} ({doc_ids[i]}): {len(ours)} baseline tokens, {len(theirs)} stage "
            f"tokens; first difference at token {at}: baseline {list(ours[at : at + 5])} "
            f"vs stage {list(theirs[at : at + 5])}"
        )
        if len(found) >= limit:
            break
    return found


def count_mismatch(
    baseline: Sequence[Sequence[str]], stage: Sequence[Sequence[str]]
) -> tuple[int, int]:
    """Documents whose tokens differ, and baseline tokens the stage lacks in them."""
    documents = tokens = 0
    for ours, theirs in zip(baseline, stage, strict=True):
        if list(ours) != list(theirs):
            documents += 1
            tokens += sum((Counter(ours) - Counter(theirs)).values())
    return documents, tokens


def table_rows(results: Mapping[str, dict]) -> list[dict]:
    """One row per configuration; ratio_to_baseline = baseline CPU s / this CPU s, on the
    same subset (how many times faster than the per-token baseline)."""
    baseline = results["subset_baseline"]
    rows = []
    for name, numbers in results.items():
        part = CONFIGURATIONS[name][1]
        ratio = baseline["cpu_s"] / numbers["cpu_s"] if part == "subset" else None
        rows.append(
            {
                "configuration": CONFIGURATIONS[name][0].replace(
                    "subset", f"first {numbers['documents']} documents"
                ),
                "documents": numbers["documents"],
                "tokens": numbers["tokens"],
                "wall_s": f"{numbers['wall_s']:.2f}",
                "cpu_s": f"{numbers['cpu_s']:.2f}",
                "peak_mib": f"{numbers['peak_mib']:.0f}",
                "tokens_per_cpu_s": f"{numbers['tokens'] / numbers['cpu_s']:.0f}",
                "ratio_to_baseline": "" if ratio is None else f"{ratio:.1f}",
            }
        )
    return rows


def markdown(rows: Sequence[Mapping], header: Sequence[str], notes: Sequence[str]) -> str:
    """The Markdown report: header lines, the table, then notes."""
    numeric = set(COLUMNS) - {"configuration"}
    lines = [*header, "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("| " + " | ".join("---:" if c in numeric else "---" for c in COLUMNS) + " |")
    lines += ["| " + " | ".join(str(row[c]) for c in COLUMNS) + " |" for row in rows]
    return "\n".join([*lines, "", *notes]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="JSON Lines corpus (plain or .gz) with id and text fields (default: %(default)s)",
    )
    parser.add_argument(
        "--baseline-docs",
        type=int,
        default=2000,
        help="documents of the per-token baseline and of the stage next to it "
        "(default: %(default)s)",
    )
    parser.add_argument("--worker", choices=sorted(CONFIGURATIONS), help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_file():
        parser.error(f"corpus not found: {corpus} (give another with --corpus PATH)")
    if args.baseline_docs < 1:
        parser.error("--baseline-docs must be at least 1")
    if args.worker:
        run_worker(args.worker, corpus, args.baseline_docs, args.worker_output)
        return 0

    results = {name: measure(name, corpus, args.baseline_docs) for name in CONFIGURATIONS}
    baseline, check = results["subset_baseline"], results["subset_no_multiword"]
    differences = first_differences(baseline["doc_ids"], baseline["sequences"], check["sequences"])
    mismatch = count_mismatch(baseline["sequences"], check["sequences"])
    rows = table_rows(results)

    learning = results["full_learning"]
    header = [
        "# Speed of the normalization stage (`normalize_documents`, `stemmer: light`)",
        "",
        f"Corpus: `{corpus.name}` ({learning['documents']:,} documents, "
        f"{learning['tokens']:,} whitespace tokens).  ",
        f"Machine: {machine_line()}.  ",
        f"Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {code_version()}.",
    ]
    notes = [
        "Each row ran once, in its own process. tokens: whitespace tokens of the raw texts; "
        "tokens_per_cpu_s: tokens / CPU seconds of the stage (single process, so tokens per "
        "second per core); peak_mib: peak resident memory of the process, documents included "
        f"(after reading them: {learning['loaded_mib']:.0f} MiB for the full corpus). "
        "ratio_to_baseline: CPU time of the per-token baseline / CPU time of the row, on the "
        "same documents. Phrase learning on: `multiword_expressions: true` and "
        "`learn_multiword: true` (the shipped list plus collocations learned with gensim "
        "Phrases); off: the project defaults. All rows use `stemmer: light`.",
        "",
        f"Target: {TARGET_TOKENS_PER_CPU_S:,} tokens per second per core.",
    ]
    for row in rows:
        if row["configuration"].startswith("stage, full"):
            meets = int(row["tokens_per_cpu_s"]) >= TARGET_TOKENS_PER_CPU_S
            notes.append(f"- {row['configuration']}: {'meets' if meets else 'misses'} it.")
    notes += [
        "",
        f"Per-token baseline vs stage with multiword expressions off, first "
        f"{baseline['documents']} documents: "
        + (
            f"identical tokens ({baseline['output_tokens']:,})."
            if not differences
            else f"TOKENS DIFFER: {mismatch[0]:,} documents and {mismatch[1]:,} tokens of "
            f"{baseline['output_tokens']:,} (the first documents below):"
        ),
        *[f"- {d}" for d in differences],
    ]
    for name, title in (("full_learning", "on"), ("full_no_learning", "off")):
        numbers = results[name]
        notes += [
            "",
            f"Time by part of the stage, full corpus, phrase learning {title} "
            f"(total {numbers['wall_s']:.2f} s wall, {numbers['cpu_s']:.2f} s CPU):",
            "",
            "| part | wall_s | cpu_s |",
            "| --- | ---: | ---: |",
            *[f"| {what} | {wall:.2f} | {cpu:.2f} |" for what, wall, cpu in numbers["breakdown"]],
        ]

    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "normalize_speed.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    report = markdown(rows, header, notes)
    (RESULTS / "normalize_speed.md").write_text(report, encoding="utf-8")
    print()
    print(report)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
