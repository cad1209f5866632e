"""Size and opening time of the topic explorer, against a bare plotly page of the same map.

What is measured, on a finished run's results folder (by default that of SaudiNewsNet with
``config/saudinewsnet.yaml``):

1. ``09_explorer/explorer.html``: its size, and the time from asking headless chromium to
   open the file (network off) until the page has drawn every view (``window.explorerReady``:
   both maps, the first topic's words, articles and interval charts), the median of
   ``--repeats`` fresh browser contexts. The rule's own wall time and peak memory come from
   Snakemake's benchmark file ``benchmarks/build_explorer.tsv`` of the same run.
2. The peer: the page ``plotly.io.write_html`` writes (plotly.js inlined, as in the explorer)
   for one WebGL scatter of the same document-map points, timed the same way (until its
   ``post_script`` runs). It is the cost of plotly itself; the ratio says what the explorer
   adds to it.

The browser is Debian's ``chromium`` driven by Playwright (``executable_path``). Run from the
repository root, with nothing else running::

    .venv/bin/python benchmarks/explorer_scale.py --results /path/to/run/results

It prints a table and writes ``benchmarks/results/explorer_scale.csv`` and ``.md``
(``--out`` for another folder). The README's explorer numbers come from it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import harness
import pandas as pd

TARGET_MB = 15.0
TARGET_S = 3.0


def open_seconds(browser, path: Path, ready: str, repeats: int) -> tuple[float, list[str]]:
    """Median seconds from ``goto`` until the JS expression ``ready`` holds, and the console
    errors and outside requests seen."""
    times, problems = [], []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, offline=True)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "request",
            lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(r.url),
        )
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function(ready, timeout=120_000, polling=10)
        times.append(time.perf_counter() - start)
        context.close()
    return statistics.median(times), problems


def peer_page(explorer: Path, target: Path) -> int:
    """The bare plotly page of the explorer's document-map points; their number."""
    import plotly.graph_objects as go
    import plotly.io as pio

    text = explorer.read_text(encoding="utf-8")
    start = text.index('<script id="explorer-data" type="application/json">')
    data = json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])
    points = data["document_map"]
    titles = [data["documents"][d]["title"] for d in points["doc_id"]]
    figure = go.Figure(
        go.Scattergl(
            x=points["x"], y=points["y"], mode="markers", hovertext=titles, hoverinfo="text"
        )
    )
    pio.write_html(
        figure,
        target,
        include_plotlyjs=True,
        full_html=True,
        post_script="window.peerReady = true;",
    )
    return len(points["x"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help="a finished run's results/")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=harness.RESULTS)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load_at_start = harness.load_average()
    explorer = (args.results / "09_explorer" / "explorer.html").resolve()
    corpus = pd.read_csv(args.results / "01_corpus" / "corpus_summary.csv")
    kept = int(corpus.set_index("measure")["value"].get("kept", 0))
    job = pd.read_csv(args.results / "benchmarks" / "build_explorer.tsv", sep="\t").iloc[0]
    with tempfile.TemporaryDirectory() as folder:
        peer = Path(folder) / "plotly_scatter.html"
        points = peer_page(explorer, peer)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium, args=["--no-sandbox"]
            )
            version = browser.version
            explorer_s, explorer_problems = open_seconds(
                browser, explorer, "window.explorerReady === true", args.repeats
            )
            peer_s, peer_problems = open_seconds(
                browser, peer, "window.peerReady === true", args.repeats
            )
            browser.close()
        peer_mb = peer.stat().st_size / 1e6
    explorer_mb = explorer.stat().st_size / 1e6
    rows = [
        {
            "page": "explorer.html",
            "documents_in_corpus": kept,
            "map_points": points,
            "size_mb": round(explorer_mb, 2),
            "open_s": round(explorer_s, 2),
            "build_wall_s": round(float(job["s"]), 1),
            "build_peak_mib": round(float(job["max_rss"]), 0),
            "open_ratio_to_peer": round(explorer_s / peer_s, 2),
            "problems": len(explorer_problems),
        },
        {
            "page": "peer: plotly.io.write_html, one scattergl of the same points",
            "documents_in_corpus": kept,
            "map_points": points,
            "size_mb": round(peer_mb, 2),
            "open_s": round(peer_s, 2),
            "build_wall_s": None,
            "build_peak_mib": None,
            "open_ratio_to_peer": 1.0,
            "problems": len(peer_problems),
        },
    ]
    table = pd.DataFrame(rows)
    verdict = [
        f"- size {explorer_mb:.1f} MB: {'meets' if explorer_mb <= TARGET_MB else 'misses'} "
        f"the target of {TARGET_MB:.0f} MB.",
        f"- opening {explorer_s:.2f} s: {'meets' if explorer_s <= TARGET_S else 'misses'} the "
        f"target of {TARGET_S:.0f} s.",
    ]
    report = "\n".join(
        [
            "# The topic explorer: size and time to open",
            "",
            f"Run: `{args.results}` ({kept:,} documents kept).  ",
            f"Browser: Debian chromium {version}, headless, network off; median of "
            f"{args.repeats} fresh contexts.  ",
            *harness.run_lines(load_at_start=load_at_start),
            "",
            harness.markdown_table(
                table.astype(object).where(table.notna(), ""),
                right=[c for c in table.columns if c != "page"],
            ),
            "",
            "open_s: from asking the browser to open the file until every view is drawn "
            "(explorer) or the plot is drawn (peer). build_wall_s, build_peak_mib: the "
            "`build_explorer` job of the run (Snakemake's benchmark file). problems: console "
            "errors and requests that left the file (must be 0).",
            "",
            "Targets (issue 15):",
            *verdict,
        ]
    )
    print(report)
    harness.write_results(args.out, "explorer_scale", table, report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
