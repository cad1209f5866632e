"""Figures of stage 7 (arabic_news_topics.evaluation.figures): confusion tables and the
agreement measures, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    assert_png_and_pdf_reproducible,
    case_params,
    draw,
    legend_texts,
    ticks,
    write,
)
from matplotlib.container import BarContainer

from arabic_news_topics.evaluation import figures


def confusion_table(labels=("culture", "economy", "politics"), prefix: str = "cluster"):
    counts = np.array([[12, 1, 0, 2], [0, 9, 3, 1], [1, 2, 14, 0]])[: len(labels)]
    frame = pd.DataFrame(counts, columns=[f"{prefix}_{j}" for j in range(1, 5)])
    frame.insert(0, "label", list(labels))
    frame["total"] = counts.sum(axis=1)
    return frame


def evaluation_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "method": ["lda", "kmeans"],
            "runs": [3, 1],
            "nmi_mean": [0.42, 0.38],
            "nmi_sd": [0.03, np.nan],
            "ari_mean": [0.31, -0.02],
            "ari_sd": [0.04, np.nan],
            "v_measure_mean": [0.42, 0.38],
            "v_measure_sd": [0.03, np.nan],
            "purity_mean": [0.66, 0.6],
            "purity_sd": [0.02, np.nan],
        }
    )


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    (
        "confusion",
        figures.plot_confusion,
        [confusion_table],
        {"title": "Gold labels against clusters"},
    ),
    (
        "confusion_arabic",
        figures.plot_confusion,
        [lambda: confusion_table(("ثقافة", "اقتصاد", "سياسة"), prefix="topic")],
        {"title": "Gold labels against topics"},
    ),
    ("evaluation_metrics", figures.plot_evaluation_metrics, [evaluation_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


@pytest.mark.parametrize(
    ("case", "xlabel", "first_label"),
    [("confusion", "cluster", "culture (15)"), ("confusion_arabic", "topic", "ثقافة (15)")],
)
def test_confusion_counts_shaded_by_row(tmp_path, drawn, case, xlabel, first_label):
    draw(tmp_path, CASE[case], case)
    (fig,) = drawn
    ax = fig.axes[0]
    assert ax.get_xlabel() == xlabel
    assert ax.get_ylabel() == "gold label (documents)"
    assert ticks(ax.get_xticklabels()) == ["1", "2", "3", "4"]
    assert ticks(ax.get_yticklabels())[0] == first_label
    assert [t.get_text() for t in ax.texts][:4] == ["12", "1", "0", "2"]
    # Shaded by the share of the row: 12 of 15.
    assert ax.images[0].get_array()[0, 0] == pytest.approx(12 / 15)


def test_confusion_without_prefixed_columns_is_an_error(tmp_path):
    frame = confusion_table().rename(columns={"cluster_2": "other"})
    path = write(tmp_path, "confusion", frame)
    with pytest.raises(ValueError, match="<prefix>_1"):
        figures.plot_confusion(path, str(tmp_path / "a.png"), str(tmp_path / "a.pdf"), "t")


def test_evaluation_metrics_error_bars_where_there_is_an_sd(tmp_path, drawn):
    draw(tmp_path, CASE["evaluation_metrics"], "evaluation")
    (fig,) = drawn
    ax = fig.axes[0]
    lda, kmeans = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert lda.errorbar is not None
    assert kmeans.errorbar is None
    assert ticks(ax.get_xticklabels()) == ["NMI", "ARI", "V-measure", "purity"]
    assert legend_texts(fig) == ["lda (3 runs)", "kmeans (1 run)"]
    # A negative ARI stays visible below zero; the top of the axis is at least 1.
    bottom, top = ax.get_ylim()
    assert bottom < -0.02 and top >= 1


def test_evaluation_metrics_pair_each_method_with_its_scoring_at_the_label_count(tmp_path, drawn):
    table = evaluation_table()
    methods = ["kmeans", "topics_dmm", "kmeans_k4", "topics_dmm_k4", "topics_dmm_k4x"]
    table = pd.concat([table, table, table.iloc[:1]], ignore_index=True)
    table["method"] = methods
    figures.plot_evaluation_metrics(
        write(tmp_path, "pairs", table), str(tmp_path / "p.png"), str(tmp_path / "p.pdf")
    )
    (fig,) = drawn
    bars = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
    # Each method next to its _k<n> scoring, in the same colour, hatched; a suffix that is
    # not _k<number> is a method of its own.
    names = [t.removesuffix(" (3 runs)").removesuffix(" (1 run)") for t in legend_texts(fig)]
    assert names == ["kmeans", "kmeans_k4", "topics_dmm", "topics_dmm_k4", "topics_dmm_k4x"]
    colours = [bar.patches[0].get_facecolor() for bar in bars]
    hatches = [bar.patches[0].get_hatch() for bar in bars]
    assert colours[0] == colours[1] and colours[2] == colours[3]
    assert len({colours[0], colours[2], colours[4]}) == 3
    assert [bool(h) for h in hatches] == [False, True, False, True, False]
