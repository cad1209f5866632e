"""Figures of stage 5 (arabic_news_topics.clusters.figures): the document map, the dendrogram
and silhouette by k, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    assert_png_and_pdf_reproducible,
    case_params,
    chosen_lines,
    draw,
    legend_texts,
    plotted,
    ticks,
)

from arabic_news_topics.clusters import figures


def coordinates_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "x": [0.9, 0.8, -0.1, 0.0],
            "y": [0.1, 0.2, 0.7, 0.6],
            "cluster": [1, 1, 2, 2],
        }
    )


def linkage_table() -> pd.DataFrame:
    # Documents 0+1 at 0.3 (node 4), 2+3 at 0.5 (node 5), then both at 1.4.
    return pd.DataFrame(
        [[0, 1, 0.3, 2], [2, 3, 0.5, 2], [4, 5, 1.4, 4]],
        columns=["left", "right", "distance", "size"],
    )


def assignments_table() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": DOC_IDS, "cluster": [1, 1, 2, 2]})


def silhouette_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"k": [1, 2, 3, 4], "silhouette": [np.nan, 0.05, 0.09, 0.07], "chosen": [0, 0, 1, 0]}
    ).assign(chosen=lambda f: f["chosen"].astype(bool))


def feature_stability_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "features": ["lsa", "lsa", "lsa_no_idf", "lsa_no_idf"],
            "k": [3, 4, 3, 4],
            "runs": 5,
            "stability": [0.62, 0.7, 1.0, 0.9],
            "stability_sd": [0.4, 0.2, 0.0, 0.05],
            "mean_stability": [0.66, 0.66, 0.95, 0.95],
            "chosen": [False, False, True, True],
        }
    )


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("document_map", figures.plot_document_map, [coordinates_table], {}),
    ("dendrogram", figures.plot_dendrogram, [linkage_table, assignments_table], {}),
    ("silhouette", figures.plot_silhouette, [silhouette_table], {}),
    ("feature_stability", figures.plot_feature_stability, [feature_stability_table], {}),
]
CASE = {c[0]: c for c in CASES}


@pytest.mark.parametrize("case", case_params(CASES))
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    assert_png_and_pdf_reproducible(tmp_path, case)


def test_silhouette_marks_the_chosen_k(tmp_path, drawn):
    draw(tmp_path, CASE["silhouette"], "silhouette")
    single = (
        "silhouette_single",
        figures.plot_silhouette,
        [lambda: silhouette_table().iloc[[2]]],
        {},
    )
    draw(tmp_path, single, "single")
    many, one = drawn
    ax = plotted(many)[0]
    assert chosen_lines(ax) == [3]
    assert ticks(ax.get_xticklabels()) == ["1", "2", "3", "4"]
    assert "none for k = 1" in ax.get_title()
    assert "chosen k = 3" in legend_texts(many)
    assert chosen_lines(plotted(one)[0]) == [3]
    assert ticks(plotted(one)[0].get_xticklabels()) == ["3"]


@pytest.mark.parametrize(
    ("method", "xlabel", "title_words"),
    [
        ("lsa", "LSA dimension 1", "two LSA dimensions"),
        ("tsne", "t-SNE dimension 1", "t-SNE map"),
    ],
)
def test_document_map_names_its_method(tmp_path, drawn, method, xlabel, title_words):
    path = tmp_path / "map.csv"
    coordinates_table().to_csv(path, index=False)
    figures.plot_document_map(str(path), tmp_path / "m.png", tmp_path / "m.pdf", method=method)
    ax = plotted(drawn[-1])[0]
    assert ax.get_xlabel() == xlabel
    assert title_words in ax.get_title()


def test_feature_stability_says_when_the_choice_is_within_noise(tmp_path, drawn):
    table = feature_stability_table().assign(within_noise=[True, True, False, False])
    case = ("features_noise", figures.plot_feature_stability, [lambda: table], {})
    draw(tmp_path, case, "noise")
    ax = plotted(drawn[0])[0]
    assert ticks(ax.get_yticklabels()) == [
        "LSA of TF-IDF  (within noise)",
        "LSA of TF (no IDF)  (chosen)",
    ]
    assert "an uncertain choice" in ax.get_title()
    # The longest title fits the figure (in one line it ran past its right edge; with one k
    # there is no legend beside the bars to move them left).
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    one_k = table[table["k"] == table["k"].min()]
    draw(tmp_path, ("features_one_k", figures.plot_feature_stability, [lambda: one_k], {}), "k")
    figure = drawn[-1]
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    box = plotted(figure)[0].title.get_window_extent(canvas.get_renderer())
    assert box.x0 >= figure.bbox.x0 and box.x1 <= figure.bbox.x1
    # A clear choice says nothing of noise (nor does a table from before the column).
    clear = ("features_clear", figures.plot_feature_stability, [
        lambda: feature_stability_table().assign(within_noise=False)
    ], {})  # fmt: skip
    draw(tmp_path, clear, "clear")
    assert "uncertain" not in plotted(drawn[-1])[0].get_title()


def test_feature_stability_says_when_the_first_candidate_was_kept_within_the_tolerance(
    tmp_path, drawn
):
    # dmm listed first and kept, though lsa is more stable by 0.005.
    table = pd.DataFrame(
        {
            "features": ["dmm", "lsa"],
            "k": [4, 4],
            "runs": 5,
            "stability": [0.985, 0.99],
            "stability_sd": [0.01, 0.005],
            "mean_stability": [0.985, 0.99],
            "chosen": [True, False],
            "within_noise": [False, True],
        }
    )
    draw(tmp_path, ("features_kept", figures.plot_feature_stability, [lambda: table], {}), "kept")
    ax = plotted(drawn[-1])[0]
    assert ticks(ax.get_yticklabels())[0] == "one-topic mixture (DMM)  (chosen)"
    assert "cluster.stability_tolerance" in ax.get_title()
    assert "the most stable, outlined, is chosen" not in ax.get_title()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(drawn[-1])
    canvas.draw()
    box = ax.title.get_window_extent(canvas.get_renderer())
    assert box.x0 >= drawn[-1].bbox.x0 and box.x1 <= drawn[-1].bbox.x1
    # The usual choice keeps the usual words.
    draw(tmp_path, CASE["feature_stability"], "usual")
    assert "stability_tolerance" not in plotted(drawn[-1])[0].get_title()


def test_feature_stability_marks_the_chosen_space_and_keeps_bars_within_one(tmp_path, drawn):
    draw(tmp_path, CASE["feature_stability"], "features")
    ax = plotted(drawn[0])[0]
    assert ticks(ax.get_yticklabels()) == ["LSA of TF-IDF", "LSA of TF (no IDF)  (chosen)"]
    widths = sorted(round(bar.get_width(), 2) for bar in ax.patches)
    assert widths == [0.62, 0.7, 0.9, 1.0]
    assert legend_texts(drawn[0]) == ["k = 3", "k = 4"]
    # No error bar reaches past an agreement of 1.
    for collection in ax.collections:
        for segment in collection.get_segments():
            assert max(x for x, _ in segment) <= 1.0 + 1e-9
