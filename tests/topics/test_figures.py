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
    frame["heldout_log_likelihood_per_word"] = -np.log(frame["heldout_perplexity"])
    frame["stability"] = [0.8 - 0.05 * j for j in range(n)] if per_k else np.nan
    frame["chosen"] = [k == chosen for k in ks]
    return frame


#: chosen_k.json of selection_table(): K = 6 chosen by the one-SE rule, K = 8 the best NPMI.
CHOICE = {
    "num_topics": 6,
    "selected_by": "c_npmi",
    "rule": "one_se",
    "rule_applied": "one_se",
    "best_num_topics": 8,
    "best_mean": 0.12,
    "best_se": 0.01,
    "threshold": 0.11,
}


def single_k_selection_table() -> pd.DataFrame:
    frame = selection_table(ks=(8,), chosen=8, per_k=False).assign(runs=1)
    for measure in ("c_npmi", "c_v", "u_mass", "diversity"):
        frame[f"{measure}_sd"] = np.nan
    return frame


def stability_table(seeds=(2, 3), low_prevalence: bool = False) -> pd.DataFrame:
    """Stability of K = 2 and 3; with ``low_prevalence``, topic 3 of K = 3 has a share of
    0.0007 and is not rated (its similarities NaN), as select_num_topics writes it."""
    rows = []
    for k in (2, 3):
        for topic in range(1, k + 1):
            row = {"num_topics": k, "topic": topic, "top_words": WORDS[topic - 1]}
            if low_prevalence:
                row["prevalence"] = 0.0007 if (k, topic) == (3, 3) else 0.5
                row["low_prevalence"] = (k, topic) == (3, 3)
            for s, seed in enumerate(seeds):
                row[f"similarity_seed_{seed}"] = 0.5 + 0.1 * topic + 0.05 * s
            rows.append(row)
    frame = pd.DataFrame(rows)
    columns = [c for c in frame.columns if c.startswith("similarity_seed_")]
    frame["mean_similarity"] = frame[columns].mean(axis=1) if columns else np.nan
    if low_prevalence:
        frame.loc[frame["low_prevalence"], [*columns, "mean_similarity"]] = np.nan
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
        "model_selection_one_se",
        figures.plot_model_selection,
        [selection_table],
        {"choice": CHOICE},
    ),
    (
        "model_selection_single_k",
        figures.plot_model_selection,
        [single_k_selection_table],
        {},
    ),
    ("topic_stability", figures.plot_topic_stability, [stability_table], {"num_topics": 3}),
    (
        "topic_stability_low_prevalence",
        figures.plot_topic_stability,
        [lambda: stability_table(low_prevalence=True)],
        {"num_topics": 3},
    ),
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
    assert figure["suptitle"] == (
        "Top 10 words of each of the 4 topics (one scale: p(word | topic))"
    )


def test_topic_words_share_one_axis_and_mark_near_zero_prevalence(tmp_path, captured, drawn):
    topics = tmp_path / "topics.csv"
    topics_table().to_csv(topics, index=False)
    prevalence = {1: (0.5, False), 2: (0.3, False), 3: (0.199, False), 4: (0.001, True)}
    figures.plot_topic_words(
        str(topics), str(tmp_path / "t.png"), str(tmp_path / "t.pdf"), prevalence=prevalence
    )
    titles = [t for t in captured[0]["titles"] if t]
    assert titles[0] == "Topic 1, 50.0% of the corpus"
    assert titles[3] == "Topic 4, 0.1% of the corpus (near zero)"
    axes = [ax for ax in drawn[0].axes if ax.get_title()]
    assert len({ax.get_xlim() for ax in axes}) == 1


def test_model_selection_marks_the_chosen_k_in_every_panel(tmp_path, drawn):
    draw(tmp_path, CASE["model_selection"], "selection")
    (fig,) = drawn
    axes = plotted(fig)
    assert [ax.get_title().split("\n")[0] for ax in axes] == [
        "NPMI coherence",
        "c_v coherence",
        "UMass coherence",
        "Topic diversity",
        "Held-out log-likelihood per word",
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
    # Without the choice's record: no threshold, no best K.
    assert not [line for ax in axes for line in ax.lines if line.get_gid() in ("one_se", "best")]


def test_model_selection_shows_the_one_se_threshold_and_the_best_k(tmp_path, drawn):
    draw(tmp_path, CASE["model_selection_one_se"], "one_se")
    (fig,) = drawn
    axes = plotted(fig)
    marks = [
        [line.get_gid() for line in ax.lines if line.get_gid() in ("one_se", "best")] for ax in axes
    ]
    # Only on the panel of the measure that chose K (NPMI).
    assert marks == [["one_se", "best"], [], [], [], [], []]
    (threshold,) = [line for line in axes[0].lines if line.get_gid() == "one_se"]
    assert threshold.get_ydata()[0] == pytest.approx(0.11)
    (best,) = [line for line in axes[0].lines if line.get_gid() == "best"]
    assert best.get_xdata()[0] == 8
    legend = legend_texts(fig)
    assert "chosen K = 6 (one-SE rule)" in legend
    assert "best NPMI − 1 SE" in legend
    assert "best mean, K = 8" in legend


def test_model_selection_of_an_older_table_shows_the_log_likelihood(tmp_path, drawn):
    # A table written before heldout_log_likelihood_per_word: taken from the perplexity.
    case = (
        "selection_perplexity_only",
        figures.plot_model_selection,
        [lambda: selection_table().drop(columns="heldout_log_likelihood_per_word")],
        {},
    )
    draw(tmp_path, case, "older")
    (fig,) = drawn
    (ax,) = [ax for ax in plotted(fig) if ax.get_title().startswith("Held-out")]
    (line,) = [line for line in ax.lines if len(line.get_xdata()) == 3]
    values = np.asarray(line.get_ydata(), dtype=float)
    np.testing.assert_allclose(values, -np.log([1900.0, 1890.0, 1880.0]), atol=1e-6)


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
    assert not any("Held-out" in t or "Stability" in t for t in titles)


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


def test_topic_stability_shows_a_near_zero_topic_as_not_rated(tmp_path, drawn):
    draw(tmp_path, CASE["topic_stability_low_prevalence"], "low")
    (fig,) = drawn
    (ax,) = plotted(fig)
    bars = [patch for patch in ax.patches if patch.get_gid() != "unrated"]
    hatched = [patch for patch in ax.patches if patch.get_hatch()]
    # A hatched row across the axis for topic 3 only, and no bar of a mean for it.
    assert len(hatched) == 1
    assert hatched[0].get_y() + hatched[0].get_height() / 2 == pytest.approx(2)
    assert hatched[0].get_width() == 1.0
    assert [np.isfinite(b.get_width()) for b in bars if not b.get_hatch()] == [True, True, False]
    assert "not rated, prevalence 0.07%" in text_of(fig)
    assert "not rated: near-zero prevalence" in legend_texts(fig)
    colours = [label.get_color() for label in ax.get_yticklabels()]
    assert colours[2] == figures.UNRATED_COLOUR
    assert colours[0] != figures.UNRATED_COLOUR
    # The seeds' dots are still drawn for the rated topics.
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [line.get_label() for line in dots] == ["seed 2", "seed 3"]
    assert all(np.isfinite(line.get_xdata()[:2]).all() for line in dots)


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
