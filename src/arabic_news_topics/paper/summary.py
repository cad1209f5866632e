"""The landing page of the report: what the run found, on one page.

The corpus (records read, kept, dropped), the chosen number of topics and the rule that chose
it, every (curated) topic with its name, prevalence, words as the corpus wrote them and the
titles of its most representative articles, and the themes' shares. Written as one HTML file
with its style inlined (the report shows it as the first entry); Arabic text sits in
``dir="rtl"`` cells so that it reads right to left in any browser.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import read_table, write_text
from ..topics import describe

STYLE = """
body { font-family: "DejaVu Sans", "Noto Naskh Arabic", Arial, sans-serif; margin: 1.5em;
       max-width: 70em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; vertical-align: top; }
th { text-align: left; background: #f4f4f4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
[dir="rtl"] { text-align: right; unicode-bidi: isolate; }
ul { margin: 0; padding-inline-start: 1.2em; }
.note { color: #666; font-size: 0.9em; }
"""


def _rtl(text: str) -> str:
    return f'<span dir="rtl">{html.escape(str(text))}</span>'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value, number: bool = False) -> str:
    css = ' class="number"' if number else ""
    return f"<td{css}>{value}</td>"


def representative_titles(
    theta: np.ndarray, doc_ids: Sequence[str], titles: Mapping[str, str], n_documents: int = 3
) -> dict[int, list[tuple[str, float]]]:
    """Per topic (from 1), the titles and shares of its ``n_documents`` documents of
    highest share."""
    table = describe.representative_documents(theta, doc_ids, n_documents)
    result: dict[int, list[tuple[str, float]]] = {}
    for row in table.itertuples():
        result.setdefault(int(row.topic), []).append(
            (titles.get(row.doc_id, row.doc_id), row.share)
        )
    return result


def summary_html(
    corpus: pd.DataFrame,
    chosen: Mapping,
    topics: pd.DataFrame,
    representatives: Mapping[int, Sequence[tuple[str, float]]],
    themes: pd.DataFrame,
) -> str:
    """The page. ``corpus``: ``measure, value`` (stage 1's summary); ``chosen``: stage 4's
    ``chosen_k.json``; ``topics``: ``topic, label, labelled, members, prevalence,
    top_words`` (rule label_topics); ``themes``: ``theme, documents, share``."""
    counts = dict(zip(corpus["measure"].astype(str), corpus["value"], strict=True))
    corpus_rows = [
        [
            _cell(html.escape(m)),
            _cell(
                f"{counts[m]:,}"
                if isinstance(counts[m], (int, np.integer))
                else html.escape(str(counts[m])),
                True,
            ),
        ]
        for m in counts
    ]
    k = int(chosen["num_topics"])
    rule = chosen.get("rule_applied", chosen.get("rule", ""))
    why = (
        f"K = {k} of the Ks fitted, by <code>{html.escape(str(rule))}</code> on the mean "
        f"<code>{html.escape(str(chosen.get('selected_by', '')))}</code> over the random seeds"
    )
    if "best_num_topics" in chosen:
        within = ", ".join(map(str, chosen.get("within_one_se", [])))
        why += (
            f": the best mean is at K = {chosen['best_num_topics']}; the Ks within one standard "
            f"error of it are {within}, and the smallest of them is chosen"
            if rule == "one_se"
            else f": the best mean is at K = {chosen['best_num_topics']}"
        )
    warnings = []
    if chosen.get("at_edge"):
        warnings.append("The choice is at the edge of the K grid: widen lda.num_topics_range.")
    if chosen.get("low_prevalence_topics"):
        low = ", ".join(map(str, chosen["low_prevalence_topics"]))
        warnings.append(f"Topics of near-zero prevalence in the model: {low}.")
    topic_rows = []
    for row in topics.sort_values("topic").itertuples():
        # Articles with under 1 % of the topic say nothing of it (small corpora have few).
        titles = [(t, v) for t, v in representatives.get(int(row.topic), []) if v >= 0.01]
        items = "".join(
            f"<li>{html.escape(t)} <span class='note' dir='ltr'>({v:.0%})</span></li>"
            for t, v in titles
        )
        articles = (
            f'<ul dir="rtl">{items}</ul>' if items else "<span class='note'>none above 1 %</span>"
        )
        labelled = str(row.labelled).lower() == "true"
        name = (
            f"<b>{html.escape(str(row.label))}</b>"
            if labelled
            else "<span class='note'>no label</span>"
        )
        topic_rows.append(
            [
                _cell(str(row.topic), True),
                _cell(name),
                _cell(f"{float(row.prevalence):.1%}", True),
                _cell(_rtl(row.top_words)),
                _cell(articles),
                _cell(html.escape(str(row.members))),
            ]
        )
    theme_rows = [
        [
            _cell(html.escape(str(r.theme))),
            _cell(f"{int(r.documents):,}", True),
            _cell(f"{float(r.share):.1%}", True),
        ]
        for r in themes.itertuples()
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Run summary</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>What this run found</h1>",
        "<p>To explore the topics, their words, articles, outlets and dates interactively, open "
        "<a href='09_explorer/explorer.html'><code>results/09_explorer/explorer.html</code></a> "
        "(one file; it needs no server or network).</p>",
        "<h2>Corpus</h2>",
        _table(["measure", "value"], corpus_rows),
        "<h2>Topics</h2>",
        f"<p>{why}.</p>",
        *(f"<p class='note'>{html.escape(w)}</p>" for w in warnings),
        _table(
            [
                "topic",
                "name",
                "prevalence",
                "words",
                "most representative articles (share)",
                "of the model's topics",
            ],
            topic_rows,
        ),
        "<p class='note'>Names: <code>topics.labels</code> where given, else the top words, shown "
        "as the corpus wrote them. Curation (<code>topics.merge</code>, <code>topics.drop</code>) "
        "is applied; the last column gives the fitted model's topics each one holds "
        "(04_lda/topics.csv).</p>",
        "<h2>Themes</h2>",
        _table(["theme", "documents it dominates", "share"], theme_rows),
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def summarize_run(
    corpus_summary: str,
    chosen: str,
    topic_labels: str,
    doc_topics: str,
    titles: str,
    theme_prevalence: str,
    summary: str,
    n_documents: int = 3,
) -> None:
    """Write the landing page (:func:`summary_html`) to ``summary``."""
    theta_table = read_table(doc_topics, dtype={"doc_id": str})
    doc_ids = theta_table["doc_id"].tolist()
    theta = theta_table.drop(columns="doc_id").to_numpy(dtype=np.float64)
    # Stage 1's titles (rule document_titles): the corpus is not read again.
    table = read_table(titles, dtype=str).fillna("")
    names = dict(zip(table["doc_id"], table["title"], strict=True))
    page = summary_html(
        read_table(corpus_summary),
        json.loads(Path(chosen).read_text()),
        read_table(topic_labels, dtype={"label": str, "top_words": str, "members": str}),
        representative_titles(theta, doc_ids, names, n_documents),
        read_table(theme_prevalence),
    )
    write_text(summary, page)
