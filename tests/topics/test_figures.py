"""Figures of stage 4 (arabic_news_topics.topics.figures): topic words, document topics,
model selection, topic stability and topic similarity, on small hand-made tables with Arabic
labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    TERMS,
    WORDS,
    assert_png_and_pdf_reproducible,
    case_params,
    chosen_lines,
    draw,
    legend_texts,
    plotted,
    text_of,
    ticks,
    write,
)

from arabic_news_topics.plotting import LTR
from arabic_news_topics.topics import figures


def topics_table() -> pd.DataFrame:
    rows = [
        {"topic": k, "rank": r + 1, "term": TERMS[(2 * k + r) % 6], "weight": 0.3 - 0.05 * r}
        for k in (1, 2, 3, 4)
        for r in range(4)
    ]
    return pd.DataFrame(rows)


def doc_topics_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "topic_1": [0.9, 0.1, 0.5, 0.0],
            "topic_2": [0.1, 0.9, 0.5, 1.0],
        }
    )


def selection_table(ks=(4, 6, 8), chosen: int = 6, per_k: bool = True) -> pd.DataFrame:
    n = len(ks)
    frame = pd.DataFrame({"num_topics": list(ks), "runs": 3})
    for i, measure in enumerate(("c_npmi", "c_v", "u_mass", "diversity")):
        frame[f"{measure}_mean"] = [0.1 * (i + 1) + 0.01 * j for j in range(n)]
        frame[f"{measure}_sd"] = [0.01] * n
    frame["heldout_perplexity"] = [1900.0 - 10 * j for j in range(n)] if per_k else np.nan
    frame["stability"] = [0.8 - 0.05 * j for j in range(n)] if per_k else np.nan
    frame["chosen"] = [k == chosen for k in ks]
    return frame


def single_k_selection_table() -> pd.DataFrame:
    frame = selection_table(ks=(8,), chosen=8, per_k=False).assign(runs=1)
    for measure in ("c_npmi", "c_v", "u_mass", "diversity"):
        frame[f"{measure}_sd"] = np.nan
    return frame


def stability_table(seeds=(2, 3)) -> pd.DataFrame:
    rows = []
    for k in (2, 3):
        for topic in range(1, k + 1):
            row = {"num_topics": k, "topic": topic, "top_words": WORDS[topic - 1]}
            for s, seed in enumerate(seeds):
                row[f"similarity_seed_{seed}"] = 0.5 + 0.1 * topic + 0.05 * s
            rows.append(row)
    frame = pd.DataFrame(rows)
    columns = [c for c in frame.columns if c.startswith("similarity_seed_")]
    frame["mean_similarity"] = frame[columns].mean(axis=1) if columns else np.nan
    return frame


def topic_similarity_table(k: int = 3) -> pd.DataFrame:
    values = np.full((k, k), 0.2) + 0.8 * np.eye(k)
    frame = pd.DataFrame(values, columns=[f"topic_{i}" for i in range(1, k + 1)])
    frame.insert(0, "top_words", [WORDS[i % 3] for i in range(k)])
    frame.insert(0, "topic", range(1, k + 1))
    return frame


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("topic_words", figures.plot_topic_words, [topics_table], {}),
    ("document_topics", figures.plot_document_topics, [doc_topics_table], {}),
    ("model_selection", figures.plot_model_selection, [selection_table], {}),
    (
        "model_selection_single_k",
        figures.plot_model_selection,
        [single_k_selection_table],
        {},
    ),
    ("topic_stability", figures.plot_topic_stability, [stability_table], {"num_topics": 3}),
    (
        "topic_stability_one_seed",
        figures.plot_topic_stability,
        [lambda: stability_table(seeds=())],
        {"num_topics": 3},
    ),
    ("topic_similarity", figures.plot_topic_similarity, [topic_similarity_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


def test_topic_words_one_panel_per_topic(tmp_path, captured):
    draw(tmp_path, CASE["topic_words"], "topics")
    (figure,) = captured
    assert [t for t in figure["titles"] if t] == ["Topic 1", "Topic 2", "Topic 3", "Topic 4"]
    assert figure["suptitle"] == "Top 10 words of each of the 4 LDA topics"


def test_model_selection_marks_the_chosen_k_in_every_panel(tmp_path, drawn):
    draw(tmp_path, CASE["model_selection"], "selection")
    (fig,) = drawn
    axes = plotted(fig)
    assert [ax.get_title().split("\n")[0] for ax in axes] == [
        "NPMI coherence",
        "c_v coherence",
        "UMass coherence",
        "Topic diversity",
        "Held-out perplexity",
        "Stability across seeds",
    ]
    for ax in axes:
        assert chosen_lines(ax) == [6]
        assert ticks(ax.get_xticklabels()) == ["4", "6", "8"]
        assert ax.get_xlabel() == "number of topics K"
    assert "chosen K = 6" in legend_texts(fig)
    assert "mean ± sd over 3 seeds per K" in legend_texts(fig)
    # Error bars of the means: one bar per K in the four mean-and-sd panels.
    assert all(len(ax.collections) == 1 for ax in axes[:4])


def test_model_selection_leaves_out_measures_without_values(tmp_path, drawn):
    case = (
        "selection_no_per_k",
        figures.plot_model_selection,
        [lambda: selection_table(per_k=False)],
        {},
    )
    draw(tmp_path, case, "no_per_k")
    (fig,) = drawn
    titles = [ax.get_title() for ax in plotted(fig)]
    assert len(titles) == 4
    assert not any("perplexity" in t or "Stability" in t for t in titles)


def test_model_selection_with_a_single_k(tmp_path, drawn):
    draw(tmp_path, CASE["model_selection_single_k"], "single")
    (fig,) = drawn
    for ax in plotted(fig):
        assert ticks(ax.get_xticklabels()) == ["8"]
        assert chosen_lines(ax) == [8]
        assert ax.get_xlim() == (7, 9)
    assert "one seed per K (no standard deviation)" in legend_texts(fig)


def test_model_selection_missing_column_is_a_clear_error(tmp_path):
    path = write(tmp_path, "selection", selection_table().drop(columns=["c_v_mean"]))
    with pytest.raises(ValueError, match="lacks the column c_v_mean"):
        figures.plot_model_selection(path, str(tmp_path / "a.png"), str(tmp_path / "a.pdf"))


def test_topic_stability_shows_only_the_chosen_k(tmp_path, drawn):
    draw(tmp_path, CASE["topic_stability"], "stability")
    (fig,) = drawn
    (ax,) = plotted(fig)
    # Number first (a left-to-right mark keeps it there), then the Arabic words.
    assert ticks(ax.get_yticklabels()) == [f"{LTR}{i + 1}: {WORDS[i]}" for i in range(3)]
    assert ax.get_xlim() == (0, 1)
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [line.get_label() for line in dots] == ["seed 2", "seed 3"]
    assert all(len(line.get_xdata()) == 3 for line in dots)
    assert "K = 3" in ax.get_title()


def test_topic_stability_with_one_seed_says_so(tmp_path, drawn):
    draw(tmp_path, CASE["topic_stability_one_seed"], "one_seed")
    (fig,) = drawn
    assert not plotted(fig)
    assert "lda.random_seeds" in " ".join(text_of(fig))


def test_topic_stability_unknown_k_is_an_error(tmp_path):
    path = write(tmp_path, "stability", stability_table())
    with pytest.raises(ValueError, match="no rows for K = 7"):
        figures.plot_topic_stability(
            path, str(tmp_path / "a.png"), str(tmp_path / "a.pdf"), num_topics=7
        )


@pytest.mark.parametrize(("k", "annotated"), [(3, True), (16, False)])
def test_topic_similarity_annotates_small_k_only(tmp_path, drawn, k, annotated):
    case = (
        f"similarity_{k}",
        figures.plot_topic_similarity,
        [lambda: topic_similarity_table(k)],
        {},
    )
    draw(tmp_path, case, "similarity")
    (fig,) = drawn
    ax = fig.axes[0]
    assert ticks(ax.get_xticklabels()) == [str(i) for i in range(1, k + 1)]
    assert ticks(ax.get_yticklabels())[0] == f"{LTR}1: {WORDS[0]}"
    # The diagonal (a topic with itself) is left blank.
    assert len(ax.texts) == (k * k - k if annotated else 0)
    assert ax.get_xlabel() == "topic"
