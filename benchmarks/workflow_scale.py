"""The shipped SaudiNewsNet workflow on the corpus and on copies of it N times larger: which
jobs grow faster than the corpus.

The larger corpora are built here, never committed: SaudiNewsNet (or ``--corpus``, a JSON
lines file) ``N`` times over (:func:`resampled_records`). Copy 0 is the corpus as it is; in
copy ``c`` every article gets a new id (``<id>~x<c>``) and a new text: each of its lines cut
to the first half of its words and followed by its share of the second half of the words of
another article of the same newspaper, drawn at random (another for each copy). So the copies
keep the corpus's newspapers, dates, titles, lengths, lines and vocabulary, yet none is a near
duplicate of another (about a third of their word shingles are shared) and no line recurs in
more of them than in the corpus, so ``corpus.near_duplicates`` keeps them and stage 2 does not
remove their lines as boilerplate, as with a real corpus ten times larger (only lines of a
word or two can: at 10 copies of 3,000 SaudiNewsNet articles, 85 such lines against 2 in the
articles themselves; the copies hold 1.001 times the articles' words). The copies are
cleaner than the corpus: an empty article's copy holds its partner's second half, and
duplicated articles get different partners (at 2×, with the whole texts mixed as before
8ebc6d7, ingest dropped 63 of the 31,030 copies, and 2,676 of the corpus's own articles).

Each size runs ``config/saudinewsnet.yaml`` unchanged but for the corpus path: ``snakemake
--cores 2`` from a clean results folder of a copy of the working tree, one size after the
other, never at once (:func:`workflow_speed.run_version`: wall and CPU time, the peak summed
memory of all jobs, each job's ``benchmark:`` file). The report gives the totals per size
and, per rule, the jobs' summed wall time and largest memory at each size, with the growth
exponent ``log(time ratio) / log(documents ratio)`` against the smallest size (1: linear).
The smallest size is the peer of the others, in the same run.

Results: ``benchmarks/results/workflow_scale.csv`` (one row per job and size) and ``.md``.
Run from the repository root (about 75 minutes at ``--times 1 10`` on 2 cores, ffe5681)::

    .venv/bin/python benchmarks/workflow_scale.py --times 1 2 --workdir /tmp/scale

``--until RULE ...`` stops each size at those rules (Snakemake's ``--until``), for the jobs
before the topic models at sizes whose fits would take hours; ``--targets FILE ...`` builds
only those files and what they need (for example the fits of a few Ks; Snakemake 9 stops with
"Out of jobs ready to be started" when ``--until`` names such files after the ingest
checkpoint). The report says which.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import harness
import numpy as np
import pandas as pd
import yaml
from workflow_speed import SHARED, by_rule, run_version
from workflow_vs_peers import copy_repository, kept_documents

REPO = harness.REPO
CONFIG = "config/saudinewsnet.yaml"
CORPUS = SHARED / "corpora" / "saudinewsnet.jsonl.gz"
#: Rules whose time at the smallest size is below this are left out of the growth verdict:
#: a few seconds of start-up measure nothing about the corpus.
MIN_RULE_S = 10.0
#: Growth exponents above this count as faster than linear (the machine's noise is ~10 %).
LINEAR_TOLERANCE = 1.15


def mixed_text(first: str, second: str) -> str:
    """``first``'s lines, each cut to the first half of its words and followed by its share
    of the second half of ``second``'s words (dealt out over the lines in order, so the text
    is as long as the two halves); ``first``'s line breaks kept, ``second``'s dropped.

    Line by line, not the whole text at once: a whole paragraph kept as it is would recur in
    every copy of its article, and from ``normalize.recurring_line_min_documents`` (10)
    copies on, stage 2 would remove it as boilerplate (a first 10× run lost nearly half its
    words that way). Each line's share of ``second`` is its own, so that the copies are as
    long as the articles (giving every line a whole line of ``second`` made them 1.3 times
    longer)."""
    tail = second.split()
    tail = tail[len(tail) // 2 :]
    own = first.splitlines(keepends=True) or [""]
    lines, kept, seen = [], 0, 0
    for number, line in enumerate(own):
        body = line.rstrip("\r\n")
        words = body.split()
        # Half of the words so far, rounded up, so the whole text keeps half of its words
        # even where every line is short.
        seen += len(words)
        take = (seen + 1) // 2 - kept
        kept += take
        share = tail[number * len(tail) // len(own) : (number + 1) * len(tail) // len(own)]
        lines.append(" ".join(words[:take] + share) + line[len(body) :])
    return "".join(lines)


def resampled_records(
    records: Sequence[dict],
    times: int,
    random_state: int = 0,
    id_field: str = "id",
    text_field: str = "text",
    group_field: str = "source",
) -> Iterator[dict]:
    """The records ``times`` over: copy 0 unchanged, then per copy every record with a new id
    and a text mixed (:func:`mixed_text`) with another record of the same ``group_field``,
    drawn at random: never the record itself, and another for each copy.

    Parameters
    ----------
    records : sequence of dict
        The corpus, one dict per article.
    times : int
        Copies, the first being the corpus itself (1: the corpus only).
    random_state : int
        Seed of the partners drawn.
    id_field, text_field, group_field : str
        The fields of the id, the text and the newspaper.
    """
    if times < 1:
        raise ValueError(f"times must be at least 1, not {times}")
    rng = np.random.default_rng(random_state)
    members: dict[object, list[int]] = {}
    for index, record in enumerate(records):
        members.setdefault(record.get(group_field), []).append(index)
    # Partners: in a random order of each newspaper's articles, the one ``shift`` places on,
    # a shift of its own for each copy, so that no article is its own partner and no two of
    # its copies share one (unless the newspaper has fewer articles than there are copies).
    partner_of: list[dict[int, int]] = [{} for _ in range(times)]
    for group in members.values():
        order = rng.permutation(group)
        size = len(order)
        shifts = rng.permutation(np.arange(1, size))[: times - 1] if size > 1 else []
        for number in range(1, times):
            shift = int(shifts[(number - 1) % len(shifts)]) if len(shifts) else 0
            for rank, index in enumerate(order):
                partner_of[number][int(index)] = int(order[(rank + shift) % size])
    yield from records
    for number in range(1, times):
        for index, record in enumerate(records):
            partner = records[partner_of[number][index]]
            yield {
                **record,
                id_field: f"{record[id_field]}~x{number}",
                text_field: mixed_text(record.get(text_field) or "", partner.get(text_field) or ""),
            }


def write_records(records: Iterable[dict], path: Path) -> int:
    """Write JSON lines (gzip when ``path`` ends in ``.gz``); the number written."""
    count = 0
    with harness.open_text(path, "wt") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def scaled_config(config: Path, corpus: Path, target: Path) -> None:
    """``config`` with its one source's path replaced by ``corpus``, written to ``target``."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    sources = settings["corpus"]["sources"]
    if len(sources) != 1:
        raise ValueError(f"{config}: expected one corpus source, found {len(sources)}")
    sources[0]["path"] = str(corpus.resolve())
    target.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def growth(small: float, large: float, size_ratio: float) -> float:
    """The exponent ``e`` of ``large / small = size_ratio ** e`` (1: linear)."""
    if small <= 0 or large <= 0 or size_ratio <= 1:
        return float("nan")
    return math.log(large / small) / math.log(size_ratio)


def report(
    runs: Sequence[dict],
    run_lines: list[str],
    corpus: str = CORPUS.name,
    until: Sequence[str] = (),
    targets: Sequence[str] = (),
) -> str:
    fmt = harness.fmt
    base = runs[0]
    command = " ".join(
        ["snakemake", *targets, "--cores 2", *(["--until", *until] if until else [])]
    )
    lines = [
        f"# `{CONFIG}` on `{corpus}` and on copies of it up to {runs[-1]['times']} times larger",
        "",
        *run_lines,
        "",
        f"Each size: `{command}` from a clean results folder, the config unchanged "
        "but for the corpus path, nothing else running, one size after the other. "
        "`documents`: kept after ingest. `growth`: log(time ratio) / log(documents ratio) "
        f"against the {base['times']}× run (1 = linear). wall_s, cpu_s: seconds; peak_mib: "
        "the largest summed resident memory of all the run's processes at once. "
        "largest_job_mib: the largest job in Snakemake's `benchmark:` record (sampled every "
        "30 s after a job's first 15 s); largest_process_mib: the largest single process "
        "the benchmark saw, every 0.2 s (a job, or Snakemake itself).",
        "",
    ]
    rows = []
    for run in runs:
        ratio = run["documents"] / base["documents"] if run["documents"] else float("nan")
        rows.append(
            {
                "corpus": f"{run['times']}×",
                "exit": run["returncode"],
                "records": f"{run['records']:,}",
                "documents": f"{run['documents']:,}" if run["documents"] else "",
                "wall_s": fmt(run["wall_s"]),
                "cpu_s": fmt(run["cpu_s"]),
                "peak_mib": fmt(run["tree_peak_mib"], 0),
                "jobs": len(run["jobs"]),
                "largest_job_mib": fmt(run["jobs"]["max_rss_mib"].max(), 0),
                "largest_process_mib": fmt(run["process_peak_mib"], 0),
                "wall_growth": fmt(growth(base["wall_s"], run["wall_s"], ratio), 2)
                if run is not base
                else "",
            }
        )
    lines += [harness.markdown_table(rows, right=[k for k in rows[0] if k != "corpus"]), ""]
    rules = by_rule(pd.concat([run["jobs"] for run in runs]))
    label = {run["label"]: run for run in runs}
    table, faster = [], []
    last = runs[-1]
    ratio = (
        last["documents"] / base["documents"]
        if last["documents"] and base["documents"]
        else float("nan")
    )
    order = rules[rules["version"] == last["label"]].sort_values("wall_s", ascending=False)["rule"]
    for rule in order:
        row = {"rule": rule}
        part = {name: rules[(rules["rule"] == rule) & (rules["version"] == name)] for name in label}
        for name, run in label.items():
            found = part[name]
            row[f"{run['times']}× wall_s"] = fmt(found["wall_s"].sum()) if len(found) else ""
            row[f"{run['times']}× max_rss_mib"] = (
                fmt(found["max_rss_mib"].max(), 0) if len(found) else ""
            )
        small = part[base["label"]]["wall_s"].sum()
        large = part[last["label"]]["wall_s"].sum()
        exponent = growth(small, large, ratio) if len(runs) > 1 else float("nan")
        row["growth"] = fmt(exponent, 2) if not math.isnan(exponent) else ""
        if small >= MIN_RULE_S and exponent > LINEAR_TOLERANCE:
            faster.append(f"`{rule}` ({exponent:.2f})")
        table.append(row)
    lines += [
        "## Time by rule (jobs' wall seconds summed) and the largest job's memory",
        "",
        harness.markdown_table(table, right=[k for k in table[0] if k != "rule"]),
        "",
    ]
    if len(runs) > 1:
        lines += [
            "Rules of at least "
            f"{MIN_RULE_S:.0f} s at {base['times']}× that grew faster than linear "
            f"(growth above {LINEAR_TOLERANCE}): "
            + (", ".join(faster) if faster else "none")
            + ".",
            "",
        ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--times", type=int, nargs="+", default=[1, 10], help="sizes, in copies (%(default)s)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="%(default)s")
    parser.add_argument("--workdir", type=Path, required=True, help="a new, empty folder")
    parser.add_argument("--random-state", type=int, default=0, help="%(default)s")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="seconds per size")
    parser.add_argument("--memory-limit-gib", type=float, default=16, help="%(default)s")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument(
        "--until",
        nargs="+",
        default=[],
        metavar="RULE",
        help="run each size only up to these rules (Snakemake's --until); default: everything",
    )
    parser.add_argument(
        "--targets",
        nargs="+",
        default=[],
        metavar="FILE",
        help="build only these files (and what they need) at each size, for example the fits "
        "of some Ks; default: everything",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.corpus.is_file():
        print(f"{args.corpus} is missing: the benchmark builds its corpora from it")
        return 2
    times = sorted(set(args.times))
    args.workdir.mkdir(parents=True, exist_ok=False)
    load_at_start = harness.load_average()
    records = list(harness.read_records(args.corpus))
    runs = []
    for count in times:
        folder = args.workdir / f"x{count}"
        folder.mkdir()
        corpus = folder / f"saudinewsnet_x{count}.jsonl.gz"
        written = write_records(
            resampled_records(records, count, random_state=args.random_state), corpus
        )
        config = folder / "config.yaml"
        scaled_config(REPO / CONFIG, corpus, config)
        copy_repository(folder / "main", "worktree")
        harness.compile_kernels(folder / "main")
        run = run_version(
            f"x{count}",
            folder,
            str(config.resolve()),
            2,
            args.timeout,
            args.memory_limit_gib,
            args.until,
            args.targets,
        )
        runs.append(
            {**run, "times": count, "records": written, "documents": kept_documents(run["results"])}
        )
    text = report(
        runs, harness.run_lines(None, load_at_start), args.corpus.name, args.until, args.targets
    )
    table = pd.concat([run["jobs"].assign(times=run["times"]) for run in runs], ignore_index=True)
    csv_path, md_path = harness.write_results(args.out, "workflow_scale", table, text)
    print(f"wrote {csv_path} and {md_path}")
    return 0 if all(run["returncode"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
