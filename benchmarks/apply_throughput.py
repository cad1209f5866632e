"""Applying a run's model bundle to articles: throughput and memory, and the round trip.

What is measured, on a finished run (its ``results/10_model`` and stage 1's shards):

1. ``arabic-news-topics apply`` on the run's own kept articles (written to one JSON Lines
   file first): wall and CPU seconds, articles per CPU second (one process, so per core),
   and the peak memory of the process, as a user runs it.
2. The peer, in the same run: gensim's (or the engine's) inference alone on the bags of words
   stage 4 already built for the same articles (``TopicModel.transform`` on
   ``04_lda/bow``), in its own process; the ratio says what normalization, themes, clusters
   and the tables add to the topic model's own inference.
3. The round trip: each article's shares against its training shares (largest absolute
   difference) and the share of articles with the same dominant topic (issue 16: at least
   95 %).

Run from the repository root, with nothing else running::

    .venv/bin/python benchmarks/apply_throughput.py --results /path/to/run/results

It prints a table and writes ``benchmarks/results/apply_throughput.csv`` and ``.md``
(``--out`` for another folder, ``--name`` for another stem: the hespress-4cat run's are
``apply_throughput_hespress``). The README's apply numbers come from it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import harness
import numpy as np
import pandas as pd

PEER = """
import sys, json, time
from pathlib import Path
from arabic_news_topics.apply import load_bundle
from arabic_news_topics.topics import engines
results = Path(sys.argv[1])
bundle = load_bundle(results / "10_model", verify_checksums=False)
_, bow, _ = engines.load_bow(results / "04_lda" / "bow")
start = time.process_time()
theta = bundle.model.transform(bow)
print(json.dumps({"documents": len(theta), "cpu_s": time.process_time() - start}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help="a finished run's results/")
    parser.add_argument("--out", type=Path, default=harness.RESULTS)
    parser.add_argument("--name", default="apply_throughput", help="stem of the result files")
    args = parser.parse_args(argv)
    results = args.results.resolve()
    load_at_start = harness.load_average()
    cli = Path(sys.executable).with_name("arabic-news-topics")
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder) / "articles.jsonl"
        with articles.open("w", encoding="utf-8") as stream:
            for shard in sorted((results / "01_corpus" / "shards").glob("*.jsonl")):
                for line in shard.read_text(encoding="utf-8").splitlines():
                    record = json.loads(line)
                    record["id"] = record.pop("doc_id")
                    stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        out = Path(folder) / "applied"
        command = [str(cli), "apply", str(results / "10_model"), str(articles), "-o", str(out)]
        with (Path(folder) / "apply.log").open("w") as log:
            applied = harness.run_measured(command, log=log)
        if applied["returncode"] != 0:
            print((Path(folder) / "apply.log").read_text(), file=sys.stderr)
            return 1
        table = pd.read_csv(out / "document_topics.csv").set_index("doc_id")
        peer_script = Path(folder) / "peer.py"
        peer_script.write_text(PEER, encoding="utf-8")
        with (Path(folder) / "peer.log").open("w") as log:
            peer = harness.run_measured([sys.executable, str(peer_script), str(results)], log=log)
        peer_cpu = json.loads((Path(folder) / "peer.log").read_text().strip().splitlines()[-1])
    trained = pd.read_csv(results / "04_lda" / "curated" / "doc_topics.csv").set_index("doc_id")
    mine = table.loc[trained.index, trained.columns].to_numpy()
    differences = np.abs(mine - trained.to_numpy()).max(axis=1)
    median, p99, largest = np.quantile(differences, [0.5, 0.99, 1.0])
    agree = mine.argmax(axis=1) == trained.to_numpy().argmax(axis=1)
    same = float(agree.mean())
    manifest = json.loads((results / "10_model" / "manifest.json").read_text(encoding="utf-8"))
    documents = len(table)
    rows = [
        {
            "measure": "arabic-news-topics apply (whole process)",
            "documents": documents,
            "wall_s": round(applied["wall_s"], 1),
            "cpu_s": round(applied["cpu_s"], 1),
            "documents_per_cpu_s": round(documents / applied["cpu_s"], 1),
            "peak_mib": round(applied["tree_peak_mib"]),
        },
        {
            "measure": f"peer: {manifest['engine']} inference alone on stage 4's bags (timed part)",
            "documents": peer_cpu["documents"],
            "wall_s": round(peer["wall_s"], 1),
            "cpu_s": round(peer_cpu["cpu_s"], 1),
            "documents_per_cpu_s": round(peer_cpu["documents"] / peer_cpu["cpu_s"], 1),
            "peak_mib": round(peer["tree_peak_mib"]),
        },
    ]
    frame = pd.DataFrame(rows)
    report = "\n".join(
        [
            "# Applying the model bundle: throughput, memory and round trip",
            "",
            f"Run: `{results}` ({manifest['engine']}, K = {manifest['num_topics']}, "
            f"{manifest['corpus'].get('kept', '?')} documents kept).  ",
            *harness.run_lines(load_at_start=load_at_start),
            "",
            harness.markdown_table(frame, right=[c for c in frame.columns if c != "measure"]),
            "",
            f"Ratio of CPU time, apply / peer: {applied['cpu_s'] / peer_cpu['cpu_s']:.1f} "
            "(the peer's CPU time is its inference only; apply's includes loading the bundle, "
            "reading and normalizing the articles, themes, clusters and the tables).",
            "",
            f"Round trip on the {len(agree):,} training articles of the model: each article's "
            f"largest difference of a share, median {median:.1e}, 99th percentile {p99:.1e}, "
            f"largest {largest:.2f}; {(differences > 0.01).mean():.2%} of the articles differ by "
            f"more than 0.01. Same dominant topic: {int(agree.sum()):,} of {len(agree):,} "
            f"({same:.3%}; target: at least 95 %).",
        ]
    )
    print(report)
    harness.write_results(args.out, args.name, frame, report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
