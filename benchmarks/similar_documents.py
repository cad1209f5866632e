"""The most similar documents of every document: exact against approximate, on one matrix.

What is measured: :func:`arabic_news_topics.tfidf.core.similar_documents` (the job
``find_similar_documents``) on a TF-IDF matrix the workflow wrote
(``results/03_tfidf/tfidf_matrix.npz``), once exact (the peer: every pair of documents that
share a term, work growing with the square of the corpus) and once approximate for each
``--work-per-document`` budget (candidates by the rarest terms, rescored exactly). Each
runs in a fresh interpreter on ``--threads`` threads (this script with ``--worker``, see
``harness.py``), so its peak memory is its own; the time includes neither loading the matrix
nor writing the table.

Recall: for ``--sample`` documents drawn with ``--random-state``, the exact neighbours are
computed here (only those rows, so this stays cheap at any size). A method's recall is the
share of a document's ``n`` exact neighbours it lists, where a listed document whose
similarity equals the ``n``-th exact one counts (ties are interchangeable); every
similarity a method lists is exact, so recall is the only loss. ``--no-exact`` leaves out
the exact run (its time on a large matrix is the workflow's own job, see
``workflow_scale.py``); recall is still measured.

Run from the repository root::

    .venv/bin/python benchmarks/similar_documents.py --matrix results/03_tfidf/tfidf_matrix.npz
    .venv/bin/python benchmarks/similar_documents.py --matrix M.npz --work-per-document 20000 \\
        50000 --no-exact --out /tmp/similar

``--documents`` runs every method on reproducible random subsets of the matrix's documents
too (``--random-state``), so that a method's growth with the corpus is measured on one
corpus's own structure; ``growth`` is the exponent of its CPU time from the next smaller
size (1: linear), ``products_per_document`` the term-weight products it is allowed (the
approximate budget) or takes (exact), ``reached_per_document`` how many other documents
those products reach on average (500 sampled documents): the top-n product's work beside
the products.

It prints a table and writes it to ``benchmarks/results/similar_documents.csv`` and ``.md``
(``--out`` elsewhere, ``--name`` another stem).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import harness
import numpy as np
import pandas as pd

from arabic_news_topics.tfidf import core

#: A close neighbour: cosine at least this (a rewrite or a follow-up of the same story).
CLOSE = 0.5

COLUMNS = [
    "method",
    "work_per_document",
    "documents",
    "products_per_document",
    "reached_per_document",
    "wall_s",
    "cpu_s",
    "peak_mib",
    "recall",
    "recall_min_row",
    "rows_below_0_9",
    "recall_close",
    "exact_over_this_wall",
    "growth",
]

#: Documents whose reached candidates are counted (reached_per_document).
REACHED_SAMPLE = 500


def sample_rows(n_docs: int, sample: int, random_state: int) -> np.ndarray:
    """``sample`` row positions (all if fewer), sorted, drawn with ``random_state``."""
    if sample >= n_docs:
        return np.arange(n_docs)
    return np.sort(np.random.default_rng(random_state).choice(n_docs, sample, replace=False))


def exact_neighbour_floor(matrix, rows: np.ndarray, n_similar: int) -> tuple[np.ndarray, ...]:
    """For each of ``rows``: its number of exact neighbours (at most ``n_similar``, only
    documents sharing a term), the smallest of their similarities, and how many of them
    are close (similarity at least :data:`CLOSE`)."""
    n_keep = min(n_similar, matrix.shape[0] - 1)
    found_rows, _, values = core._exact_candidates(
        matrix, matrix.T.tocsr(), rows, n_keep, core.SIMILARITY_BLOCK_CELLS
    )
    counts, floors = np.zeros(len(rows), dtype=np.int64), np.full(len(rows), np.inf)
    close = np.zeros(len(rows), dtype=np.int64)
    position = {row: i for i, row in enumerate(rows.tolist())}
    for row, value_list in _group(found_rows, values).items():
        top = np.sort(value_list)[::-1][:n_keep]
        counts[position[row]], floors[position[row]] = len(top), top[-1]
        close[position[row]] = int(np.sum(top >= CLOSE))
    return counts, floors, close


def _group(keys: np.ndarray, values: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    return {
        int(part[0]): value_part
        for part, value_part in zip(np.split(keys, bounds), np.split(values, bounds), strict=True)
        if len(part)
    }


def close_recall(listed: dict[int, np.ndarray], rows: np.ndarray, close: np.ndarray) -> float:
    """Share of the sampled rows' close exact neighbours (similarity at least
    :data:`CLOSE`) that a method listed, pooled over the rows."""
    found = sum(
        min(int(np.sum(listed.get(row, np.zeros(0)) >= CLOSE)), int(close[i]))
        for i, row in enumerate(rows.tolist())
    )
    return found / close.sum() if close.sum() else float("nan")


def recall_per_row(
    listed: dict[int, np.ndarray], rows: np.ndarray, counts: np.ndarray, floors: np.ndarray
) -> np.ndarray:
    """Share of each row's exact neighbours a method listed (``listed``: row -> the
    similarities it listed); rows without neighbours are left out (NaN)."""
    recall = np.full(len(rows), np.nan)
    for i, row in enumerate(rows.tolist()):
        if counts[i] == 0:
            continue
        values = listed.get(row, np.zeros(0))
        recall[i] = min(int(np.sum(values >= floors[i] - 1e-12)), counts[i]) / counts[i]
    return recall


def subset_rows(n_docs: int, size: int | None, random_state: int) -> np.ndarray:
    """``size`` of the ``n_docs`` rows (all when ``size`` is None or not smaller), sorted,
    drawn with ``random_state``; the same rows in every process."""
    if size is None or size >= n_docs:
        return np.arange(n_docs)
    return np.sort(np.random.default_rng(random_state).permutation(n_docs)[:size])


def load_subset(path: str, size: int | None, random_state: int):
    """The matrix of ``path`` restricted to :func:`subset_rows`."""
    matrix, doc_ids, _ = core.load_matrix(path)
    rows = subset_rows(matrix.shape[0], size, random_state)
    return matrix[rows], [doc_ids[i] for i in rows]


def products_and_reach(matrix, budget: float | None, random_state: int) -> tuple[float, float]:
    """Per document: the products of term weights of the terms a method uses (all terms
    when ``budget`` is None, the exact method) and the number of other documents they
    reach, averaged over :data:`REACHED_SAMPLE` sampled documents."""
    frequencies = core.document_frequencies(matrix)
    n_docs = matrix.shape[0]
    used = frequencies > 0 if budget is None else core.rare_term_mask(frequencies, budget * n_docs)
    counts = frequencies[used].astype(np.float64)
    pruned = matrix[:, np.flatnonzero(used)].tocsr()
    rows = sample_rows(n_docs, REACHED_SAMPLE, random_state)
    reached = (pruned[rows] @ pruned.T).tocsr()
    reached.setdiag(0)
    reached.eliminate_zeros()
    return float(np.dot(counts, counts)) / n_docs, reached.nnz / len(rows)


def work(name: str, spec: dict) -> dict:
    """One method on the matrix (in a worker process): its times, peak memory and the
    similarities it listed for the sampled rows."""
    matrix, doc_ids = load_subset(spec["matrix"], spec["size"], spec["random_state"])
    settings = {}
    if name != "exact":
        settings = {"exact_work": 0, "work_per_document": float(name.split("_", 1)[1])}
    with harness.Timer() as timer:
        table = core.similar_documents(
            matrix,
            list(range(len(doc_ids))),
            spec["n_similar"],
            n_threads=spec["threads"],
            **settings,
        )
    rows = np.asarray(spec["rows"])
    chosen = table[table["doc_id"].isin(set(rows.tolist()))]
    return {
        **timer.numbers(),
        "documents": len(doc_ids),
        "listed": _group(chosen["doc_id"].to_numpy(), chosen["similarity"].to_numpy()),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matrix", type=Path, help="a workflow's tfidf_matrix.npz")
    parser.add_argument(
        "--work-per-document",
        type=float,
        nargs="+",
        default=[20_000.0, 50_000.0, 150_000.0],
        help="budgets of the approximate runs (default: %(default)s)",
    )
    parser.add_argument("--n-similar", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000, help="rows whose recall is measured")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--no-exact", action="store_true", help="leave out the exact run")
    parser.add_argument(
        "--documents",
        type=int,
        nargs="+",
        help="also on random subsets of this many documents (default: the whole matrix only)",
    )
    parser.add_argument("--out", type=Path, default=harness.RESULTS)
    parser.add_argument("--name", default="similar_documents", help="stem of the result files")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-spec", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.worker and (args.matrix is None or not args.matrix.is_file()):
        parser.error(f"--matrix: no such file: {args.matrix}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return harness.serve_worker(args, work)
    load_at_start = harness.load_average()
    matrix, doc_ids, _ = core.load_matrix(str(args.matrix))
    n_whole = len(doc_ids)
    work_total = core.similarity_work(matrix)
    del matrix
    sizes = sorted({min(size, n_whole) for size in args.documents or []} | {n_whole})
    names = ([] if args.no_exact else ["exact"]) + [
        f"approximate_{budget:g}" for budget in args.work_per_document
    ]
    labels = {name: name.replace("_", ", work per document ") for name in names}
    table, n_close, previous = [], 0, {}
    for size in sizes:
        matrix, doc_ids = load_subset(str(args.matrix), size, args.random_state)
        n_docs = len(doc_ids)
        rows = sample_rows(n_docs, args.sample, args.random_state)
        started = time.perf_counter()
        counts, floors, close = exact_neighbour_floor(matrix, rows, args.n_similar)
        print(
            f"{n_docs:,} documents: exact neighbours of {len(rows)} sampled rows: "
            f"{time.perf_counter() - started:.1f} s"
        )
        n_close += int(close.sum())
        reach = {
            name: products_and_reach(
                matrix,
                None if name == "exact" else float(name.split("_", 1)[1]),
                args.random_state,
            )
            for name in names
        }
        del matrix
        spec = {
            "matrix": str(args.matrix.resolve()),
            "size": size,
            "random_state": args.random_state,
            "n_similar": args.n_similar,
            "threads": args.threads,
            "rows": rows.tolist(),
        }
        results = harness.run_workers(__file__, labels, names, spec)
        if not results:
            sys.exit("every run failed")
        exact_wall = results.get("exact", {}).get("wall_s")
        for name, numbers in results.items():
            recall = recall_per_row(numbers["listed"], rows, counts, floors)
            budget = None if name == "exact" else float(name.split("_", 1)[1])
            grown = ""
            if name in previous:
                smaller_docs, smaller_cpu = previous[name]
                grown = round(
                    float(np.log(numbers["cpu_s"] / smaller_cpu) / np.log(n_docs / smaller_docs)),
                    2,
                )
            previous[name] = (n_docs, numbers["cpu_s"])
            table.append(
                {
                    "method": "exact" if budget is None else "approximate",
                    "work_per_document": "" if budget is None else f"{budget:,.0f}",
                    "documents": n_docs,
                    "products_per_document": f"{reach[name][0]:,.0f}",
                    "reached_per_document": f"{reach[name][1]:,.0f}",
                    "wall_s": round(numbers["wall_s"], 1),
                    "cpu_s": round(numbers["cpu_s"], 1),
                    "peak_mib": round(numbers["peak_mib"]),
                    "recall": round(float(np.nanmean(recall)), 4),
                    "recall_min_row": round(float(np.nanmin(recall)), 2),
                    "rows_below_0_9": int(np.sum(recall < 0.9)),
                    "recall_close": round(close_recall(numbers["listed"], rows, close), 4),
                    "exact_over_this_wall": ""
                    if exact_wall is None
                    else round(exact_wall / numbers["wall_s"], 2),
                    "growth": grown,
                }
            )
    lines = [
        "# The most similar documents: exact against approximate",
        "",
        f"Matrix: `{args.matrix}` ({n_whole:,} documents; exact work "
        f"{work_total:.3g} products of term weights, {work_total / n_whole:,.0f} per "
        "document).  ",
        *harness.run_lines(load_at_start=load_at_start),
        "",
        harness.markdown_table(table, COLUMNS, right=COLUMNS[2:]),
        "",
        f"Each row ran once, in its own process, on {args.threads} thread(s), nothing else "
        "running; wall_s and cpu_s: the call of `similar_documents` only; peak_mib: the "
        "process's peak resident memory, matrix included. recall: mean over "
        f"{args.sample:,} sampled documents (random_state {args.random_state}) of the share of "
        f"their {args.n_similar} exact most similar documents listed (ties interchangeable); "
        "recall_min_row: the lowest document's; rows_below_0_9: documents under 0.9; "
        f"recall_close: the share of the exact neighbours with a cosine of {CLOSE} or more "
        f"listed ({n_close:,} of them over the sizes), pooled. "
        "exact_over_this_wall: the exact run's wall time over this row's. "
        "products_per_document: the products of term weights of the terms the method uses "
        "(every pair of documents sharing such a term, once per term), per document; "
        f"reached_per_document: the other documents they reach ({REACHED_SAMPLE} sampled "
        "documents' mean), which the top-n product visits besides the products. "
        "growth: the exponent of the CPU time from the next smaller size "
        "(log of the ratio of times over log of the ratio of documents; 1 is linear). "
        + (
            f"Subsets: {', '.join(f'{size:,}' for size in sizes[:-1])} documents drawn "
            f"at random (random_state {args.random_state}) from the matrix's."
            if len(sizes) > 1
            else ""
        ),
    ]
    harness.write_results(
        args.out, args.name, pd.DataFrame(table, columns=COLUMNS), "\n".join(lines)
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
