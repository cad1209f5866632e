"""The data of the topic explorer, and the page that holds it.

The page is one HTML file with every script, style and datum inlined, so that it opens by
double-click with no server and no network. Its charts are drawn by plotly.js, taken from the
pinned ``plotly`` Python package (``plotly.offline.get_plotlyjs``): one maintained library that
draws the maps and the interval charts, handles clicks and hover, and renders text as SVG, so
the browser shapes and orders Arabic itself (no reshaping by hand, the fault of BERTopic's
Arabic documents map). The word bars, the article cards and the search are small hand-written
JS in ``assets/explorer.js`` on top of it: plain HTML in ``dir="rtl"`` blocks reads right to
left with joined letters in every browser.

The relevance slider recomputes LDAvis's relevance in the page, for the words that can reach a
topic's top ``words`` at any λ of the slider's grid (:func:`relevance_candidates`), so the
order the page shows at each step equals the formula on the whole vocabulary.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources

import numpy as np
import pandas as pd

from ..normalize import core as normalize_core
from ..topics import describe
from ..trends.core import short_source_names

#: Steps of the relevance slider, as LDAvis: λ = 0, 0.01, ..., 1.
LAMBDA_STEPS = 101


def lambda_grid(steps: int = LAMBDA_STEPS) -> np.ndarray:
    """The slider's values of λ, rounded as the page computes them (``i / (steps - 1)``)."""
    return np.arange(steps) / (steps - 1)


def relevance_candidates(
    phi: np.ndarray, frequencies: np.ndarray, top_n: int, steps: int = LAMBDA_STEPS
) -> list[np.ndarray]:
    """Per topic, the indices (sorted) of the words that are among its ``top_n`` by
    relevance at some λ of :func:`lambda_grid`, with every word tied with the ``top_n``-th.
    The page's slider moves on this grid, so these words hold its exact top words at every
    position, whatever order it gives to ties."""
    phi = describe._check_phi(phi)
    num_words = phi.shape[1]
    top_n = min(int(top_n), num_words)
    # The same expression as describe.relevance and the page.
    log_phi = np.log(np.maximum(phi, describe._TINY))
    log_p = np.log(np.asarray(frequencies, dtype=np.float64))[None, :]
    chosen = np.zeros(phi.shape, dtype=bool)
    for lam in lambda_grid(steps):
        scores = lam * log_phi + (1 - lam) * (log_phi - log_p)
        kth = np.partition(scores, num_words - top_n, axis=1)[:, num_words - top_n]
        chosen |= scores >= kth[:, None]
    return [np.flatnonzero(row) for row in chosen]


def word_topics(
    phi: np.ndarray, prevalence: np.ndarray, top: int = 3
) -> list[list[tuple[int, float]]]:
    """Per word (column of ``phi``), its ``top`` topics by p(topic | word) ∝ p(word | topic)
    p(topic), as ``(topic from 1, probability)``: the topics the search offers for it."""
    joint = np.asarray(phi, dtype=np.float64) * np.asarray(prevalence, dtype=np.float64)[:, None]
    totals = joint.sum(axis=0)
    totals[totals == 0] = 1.0
    posterior = joint / totals
    result = []
    for column in posterior.T:
        order = np.lexsort((np.arange(len(column)), -column))[:top]
        result.append([(int(k) + 1, float(f"{column[k]:.4g}")) for k in order if column[k] > 0])
    return result


def parse_forms(cell: str) -> list[str]:
    """The written forms of a ``vocabulary.csv`` ``forms`` cell (``رئيس (1662); رييس (2)``)."""
    forms = []
    for part in str(cell or "").split(";"):
        form = part.strip().rsplit(" (", 1)[0].strip()
        if form:
            forms.append(form)
    return forms


def search_rules() -> dict:
    """The letter rules of the page's search, taken from the normalizer's own tables so that
    the page and the corpus fold letters alike: diacritics and tatweel removed; alef, yaa,
    taa marbuta and hamza carriers folded; article and particle proclitics tried off. The
    page applies them to the query and to every word it holds (terms, display and written
    forms), so a query matches whatever the normalizer's switches were."""
    folds = {}
    for table in (
        normalize_core.ALEF_VARIANTS,
        normalize_core.YAA_VARIANTS,
        normalize_core.TAA_MARBUTA,
        normalize_core.HAMZA_CARRIERS,
    ):
        folds.update({chr(key): value for key, value in table.items()})
    return {
        "diacritics": normalize_core.DIACRITICS_RE.pattern,
        "tatweel": normalize_core.TATWEEL,
        "folds": folds,
        "article_proclitics": list(normalize_core.ARTICLE_PROCLITICS),
        "particle_proclitics": list(normalize_core.PARTICLE_PROCLITICS),
    }


def document_sample(n_documents: int, max_documents: int, random_state: int) -> np.ndarray:
    """Sorted row numbers of the documents the page's map holds: all of them up to
    ``max_documents``, else a uniform sample without replacement drawn with
    ``random_state`` (the same documents on every rerun)."""
    if n_documents <= max_documents:
        return np.arange(n_documents)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_documents, size=max_documents, replace=False))


def _rounded(values, digits: int = 9) -> list[float]:
    """Floats to ``digits`` significant digits (a smaller page, the same order)."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=np.float64)]


def _intervals(
    table: pd.DataFrame, covariate: str, column: str, names: Mapping[str, str] | None = None
) -> dict[str, list[dict]]:
    """Per topic (``topic_1`` ...) or theme, the rows of one covariate of stage 8's
    ``*_prevalence_by_group.csv``; ``names``: how each group is shown (else as it is)."""
    part = table[table["covariate"] == covariate]
    names = names or {}
    result: dict[str, list[dict]] = {}
    for row in part.itertuples(index=False):
        result.setdefault(str(getattr(row, column)), []).append(
            {
                "group": names.get(str(row.group), str(row.group)),
                "documents": int(row.documents),
                "estimate": float(row.estimate),
                "lower": None if pd.isna(row.lower) else float(row.lower),
                "upper": None if pd.isna(row.upper) else float(row.upper),
            }
        )
    return result


def explorer_data(
    phi: np.ndarray,
    vocabulary: Sequence[str],
    vocabulary_table: pd.DataFrame,
    theta: np.ndarray,
    doc_ids: Sequence[str],
    topic_labels: pd.DataFrame,
    topic_map: pd.DataFrame,
    representatives: pd.DataFrame,
    prevalence_by_group: pd.DataFrame,
    document_map: pd.DataFrame,
    documents: pd.DataFrame,
    doc_themes: pd.DataFrame,
    chosen: Mapping,
    words: int = 30,
    max_documents: int = 5000,
    search_words: int = 10000,
    relevance_lambda: float = describe.RELEVANCE_LAMBDA,
    random_state: int = 42,
) -> dict:
    """Everything the page shows, as plain JSON-ready values.

    ``phi`` (topics x words) and ``theta`` (documents x topics) are the curated model;
    ``vocabulary_table`` is stage 2's ``vocabulary.csv`` (counts, display and written forms);
    ``topic_labels``, ``topic_map``, ``representatives`` (``topic, rank, doc_id, share``),
    ``prevalence_by_group`` (stage 8) and ``document_map`` (stage 5: ``doc_id, x, y,
    cluster``) as the workflow writes them; ``documents``: ``title, date, source`` indexed by
    ``doc_id`` for every document the page names; ``doc_themes``: ``doc_id,
    dominant_theme``. ``words``: how many words the bars show; ``max_documents``: how many
    documents the map holds (:func:`document_sample`); ``search_words``: how many of the most
    frequent words the search knows besides the words of the bars."""
    phi = describe._check_phi(phi)
    theta = np.asarray(theta, dtype=np.float64)
    num_topics = phi.shape[0]
    if theta.shape != (len(doc_ids), num_topics):
        raise ValueError(
            f"theta is {theta.shape[0]} x {theta.shape[1]} for {len(doc_ids)} documents and "
            f"{num_topics} topics"
        )
    table = vocabulary_table.set_index("term")
    counts = [float(table["count"].get(term, 0)) for term in vocabulary]
    frequencies = describe.word_frequencies(counts)
    candidates = relevance_candidates(phi, frequencies, words)
    prevalence = theta.mean(axis=0) if len(theta) else np.full(num_topics, 1 / num_topics)
    # The words the page holds: every relevance candidate, and the search_words most frequent
    # words of the corpus, so that the search finds topics by words that lead none of them.
    frequent = np.argsort(-frequencies, kind="stable")[:search_words]
    used = np.unique(np.concatenate([*candidates, frequent]))
    position = {int(w): i for i, w in enumerate(used)}
    terms = [vocabulary[w] for w in used]
    word_table = {
        "term": terms,
        "display": [str(table["display"].get(t, t)) for t in terms],
        "forms": [[f for f in parse_forms(table["forms"].get(t, ""))[:3] if f != t] for t in terms],
        "frequency": _rounded(frequencies[used]),
        "topics": word_topics(phi[:, used], prevalence),
    }

    labels = topic_labels.set_index("topic")
    coordinates = topic_map.set_index("topic")
    # Sources as the figures show them: a folder-per-section corpus's sources share a long
    # path, which would leave the outlet chart's axis labels all alike.
    sources = [
        *prevalence_by_group.loc[prevalence_by_group["covariate"] == "source", "group"],
        *(documents["source"] if "source" in documents.columns else []),
    ]
    source_names = short_source_names([str(s) for s in sources if isinstance(s, str) and s])
    by_source = _intervals(prevalence_by_group, "source", "topic", source_names)
    by_period = _intervals(prevalence_by_group, "period", "topic")
    topics = []
    for k in range(num_topics):
        topic = k + 1
        reps = representatives[representatives["topic"] == topic].sort_values("rank")
        topics.append(
            {
                "topic": topic,
                "label": str(labels["label"].get(topic, "")),
                "labelled": bool(labels["labelled"].get(topic, False)),
                "prevalence": float(prevalence[k]),
                "x": float(coordinates["x"].get(topic, 0.0)),
                "y": float(coordinates["y"].get(topic, 0.0)),
                "theme": str(coordinates["theme"].get(topic, "") or ""),
                "words": [position[int(w)] for w in candidates[k]],
                "phi": _rounded(phi[k, candidates[k]]),
                "articles": [
                    {"doc_id": str(r.doc_id), "share": float(r.share)}
                    for r in reps.itertuples(index=False)
                ],
                "by_source": by_source.get(f"topic_{topic}", []),
                "by_period": by_period.get(f"topic_{topic}", []),
            }
        )

    dominant = theta.argmax(axis=1) + 1 if len(theta) else np.array([], dtype=int)
    row_of = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    themes = doc_themes.set_index("doc_id")["dominant_theme"] if len(doc_themes) else {}
    mapped = document_map[document_map["doc_id"].isin(row_of)].reset_index(drop=True)
    sample = document_sample(len(mapped), max_documents, random_state)
    shown = mapped.iloc[sample]
    named = list(dict.fromkeys([*shown["doc_id"], *representatives["doc_id"]]))
    docs = {}
    for doc_id in named:
        row = row_of.get(doc_id)
        detail = documents.loc[doc_id] if doc_id in documents.index else None
        source = "" if detail is None else str(detail["source"] or "")
        docs[doc_id] = {
            "title": "" if detail is None else str(detail["title"]),
            "date": "" if detail is None else str(detail["date"] or ""),
            "source": source_names.get(source, source),
            "topic": None if row is None else int(dominant[row]),
            "share": None if row is None else float(theta[row, dominant[row] - 1]),
            "theme": str(themes.get(doc_id, "") or ""),
        }
        if "snippet" in documents.columns and detail is not None and detail["snippet"]:
            docs[doc_id]["snippet"] = str(detail["snippet"])
    document_points = {
        "doc_id": shown["doc_id"].astype(str).tolist(),
        "x": _rounded(shown["x"]),
        "y": _rounded(shown["y"]),
        "cluster": [int(c) for c in shown["cluster"]],
    }
    theme_names = sorted({t["theme"] for t in topics if t["theme"]})
    return {
        "num_topics": num_topics,
        "num_documents": len(doc_ids),
        "relevance_lambda": float(relevance_lambda),
        "lambda_steps": LAMBDA_STEPS,
        "words_shown": int(words),
        "chosen": {
            key: chosen[key]
            for key in ("num_topics", "rule_applied", "best_num_topics", "at_edge")
            if key in chosen
        },
        "themes": theme_names,
        "word_table": word_table,
        "topics": topics,
        "documents": docs,
        "document_map": document_points,
        "map_sample": {"shown": len(shown), "mapped": len(mapped), "seed": int(random_state)},
        "search": search_rules(),
    }


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def json_for_script(data: Mapping) -> str:
    """``data`` as JSON that can sit inside ``<script type="application/json">``: ``</``
    and the characters HTML or JS parsers treat specially escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def explorer_html(data: Mapping, plotly_js: str, title: str = "Topic explorer") -> str:
    """The whole page: the template of ``assets/`` with its style, plotly.js, the page's
    script and ``data`` inlined."""
    values = {
        "/*STYLE*/": _asset("explorer.css"),
        "__TITLE__": html.escape(title),
        "/*PLOTLY*/": plotly_js.replace("</script", "<\\/script"),
        "/*EXPLORER*/": _asset("explorer.js"),
        "/*DATA*/": json_for_script(data),
    }
    page = _asset("explorer.html")
    # One pass over the template (not str.format or a template engine): the inlined scripts
    # hold braces, dollar signs and, possibly, the placeholders' own text.
    pattern = re.compile("|".join(re.escape(key) for key in values))
    found = pattern.findall(page)
    if set(found) != set(values) or len(found) != len(set(found)) + found.count("__TITLE__") - 1:
        raise ValueError(f"explorer.html must hold each of {sorted(values)} once (the title twice)")
    return pattern.sub(lambda match: values[match.group(0)], page)
