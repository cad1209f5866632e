"""Speed and memory of the normalization stage, against a per-token baseline.

What is measured: :func:`arabic_news_topics.normalize.core.normalize_documents` with the
``normalize`` settings of ``config/config.yaml`` (``stemmer: light``), on a JSON Lines corpus
(by default SaudiNewsNet, 31,030 articles, 8.8 M whitespace tokens):

1. the whole corpus (or its first ``--limit`` documents) as configured for its size
   (``learn_multiword_min_documents`` is reached, so gensim Phrases learns collocations), and
   the whole corpus with that learning off;
2. a naive per-token baseline on the first ``--baseline-docs`` documents: the same rule
   functions of ``normalize/core.py``, called for every token in order with no cache (see
   :func:`per_token_baseline`), next to the cached stage on the same documents, so that the
   ratio of their CPU times is measured on identical input. The baseline's tokens are
   checked against the stage's with multiword expressions off.

Each configuration runs in a fresh subprocess (this script with ``--worker``, see
``harness.py``), so that the peak memory (``ru_maxrss``, a high-water mark) is its own; it
includes the documents held in memory. The stage is single-process: throughput is input
tokens (whitespace tokens of the raw texts) per CPU second, that is tokens per second per
core. Only the stage is timed, not reading the corpus; gensim is imported before the clock
starts.

Run from the repository root::

    .venv/bin/python benchmarks/normalize_speed.py [--corpus PATH] [--baseline-docs N]
    .venv/bin/python benchmarks/normalize_speed.py --limit 3000 --baseline-docs 300 --out /tmp/x

It prints a table and writes it to ``benchmarks/results/normalize_speed.csv`` and ``.md``
(with the machine, the corpus and the date; ``--out`` writes them to another folder). The
speed figures in the README come from it.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import harness
import pandas as pd

from arabic_news_topics.normalize import core as normalize
from arabic_news_topics.normalize.step import normalization_settings

REPO = harness.REPO
DEFAULT_CORPUS = harness.CORPORA / "saudinewsnet.jsonl.gz"
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
    return [
        {
            "doc_id": str(record["id"]),
            "text": record.get("text") or "",
            # The outlet, as the corpus stage gives it: boilerplate is per outlet.
            "source": record.get("source") or path.name,
        }
        for record in harness.read_records(path, limit)
    ]


def project_settings() -> normalize.NormalizationSettings:
    """The ``normalize`` settings of the project config, with its word-list files."""
    section = harness.project_config()["normalize"]
    return normalization_settings(
        section,
        str(REPO / section["multiword_list_file"]),
        str(REPO / section["reporting_words_file"]),
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
    """The rules of ``normalize/core.py`` applied token by token, without any cache.

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


def work(name: str, spec: Mapping) -> dict:
    """Measure one configuration (in a worker process): its numbers, and its tokens where
    the baseline check needs them."""
    _, part, kind = CONFIGURATIONS[name]
    corpus = Path(spec["corpus"])
    documents = read_documents(corpus, spec["baseline_docs"] if part == "subset" else spec["limit"])
    settings = settings_for(name, len(documents))
    import gensim.models.phrases  # noqa: F401  (imported lazily by the stage; not timed)

    gc.collect()
    timeline = StageTimeline() if kind == "stage" else None
    with harness.Timer() as timer:
        if timeline is not None:
            with timeline:
                result = normalize.normalize_documents(documents, settings)
            sequences = [tokens for _, tokens in result.tokens]
        else:
            sequences = per_token_baseline(documents, settings)
    return {
        "name": name,
        "documents": len(documents),
        "tokens": count_tokens(documents),
        "output_tokens": sum(map(len, sequences)),
        **timer.numbers(),
        "breakdown": timeline.segments() if timeline is not None else [],
        "doc_ids": [doc["doc_id"] for doc in documents] if part == "subset" else [],
        "sequences": sequences if name in ("subset_baseline", "subset_no_multiword") else [],
    }


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


def breakdown_lines(numbers: Mapping, title: str) -> list[str]:
    """The time of one stage run by part of the stage."""
    return [
        "",
        f"Time by part of the stage, {title} (total {numbers['wall_s']:.2f} s wall, "
        f"{numbers['cpu_s']:.2f} s CPU):",
        "",
        harness.markdown_table(
            ([what, f"{wall:.2f}", f"{cpu:.2f}"] for what, wall, cpu in numbers["breakdown"]),
            ["part", "wall_s", "cpu_s"],
            right=["wall_s", "cpu_s"],
        ),
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = harness.argument_parser(
        __doc__,
        DEFAULT_CORPUS,
        "JSON Lines corpus (plain or .gz) with id and text fields",
        "run the full-corpus rows on its first N documents only (a quick check)",
        CONFIGURATIONS,
    )
    parser.add_argument(
        "--baseline-docs",
        type=int,
        default=2000,
        help="documents of the per-token baseline and of the stage next to it "
        "(default: %(default)s)",
    )
    args = harness.parse_arguments(parser, argv)
    if not args.worker and args.baseline_docs < 1:
        parser.error("--baseline-docs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return harness.serve_worker(args, work)

    corpus = args.corpus
    spec = {"corpus": str(corpus), "baseline_docs": args.baseline_docs, "limit": args.limit}
    labels = {name: label for name, (label, _, _) in CONFIGURATIONS.items()}
    results = harness.run_workers(__file__, labels, CONFIGURATIONS, spec)
    if len(results) < len(CONFIGURATIONS):
        sys.exit(f"failed: {', '.join(sorted(set(CONFIGURATIONS) - set(results)))}")
    baseline, check = results["subset_baseline"], results["subset_no_multiword"]
    differences = first_differences(baseline["doc_ids"], baseline["sequences"], check["sequences"])
    mismatch = count_mismatch(baseline["sequences"], check["sequences"])
    rows = table_rows(results)

    learning = results["full_learning"]
    part = "the first " if args.limit else ""
    lines = [
        "# Speed of the normalization stage (`normalize_documents`, `stemmer: light`)",
        "",
        f"Corpus: `{corpus.name}` ({part}{learning['documents']:,} documents, "
        f"{learning['tokens']:,} whitespace tokens).  ",
        *harness.run_lines(),
        "",
        harness.markdown_table(rows, COLUMNS, right=COLUMNS[1:]),
        "",
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
            lines.append(f"- {row['configuration']}: {'meets' if meets else 'misses'} it.")
    lines += [
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
        lines += breakdown_lines(results[name], f"full corpus, phrase learning {title}")

    report = "\n".join(lines) + "\n"
    harness.write_results(args.out, "normalize_speed", pd.DataFrame(rows, columns=COLUMNS), report)
    print()
    print(report)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
