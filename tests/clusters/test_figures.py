"""Figures of stage 5 (arabic_news_topics.clusters.figures): the document map, the dendrogram
and silhouette by k, on small hand-made tables with Arabic labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import (
    DOC_IDS,
    TERMS,
    assert_png_and_pdf_reproducible,
    case_params,
    chosen_lines,
    draw,
    legend_texts,
    plotted,
    text_of,
    ticks,
)

from arabic_news_topics.clusters import figures
from arabic_news_topics.plotting import LTR


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


def by_features_table() -> pd.DataFrame:
    # lsa_no_idf numbers lsa's clusters otherwise (its 2 is lsa's 1) and moves one document.
    return pd.DataFrame(
        {
            "doc_id": [f"{d}_{i}" for i in range(3) for d in DOC_IDS],
            "lsa": [1, 1, 2, 2] * 3,
            "lsa_no_idf": [2, 2, 1, 1] * 2 + [2, 1, 1, 1],
            "dmm": [1, 2, 1, 2] * 3,
        }
    )


def agreement_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "features": ["lsa", "lsa_no_idf", "dmm"],
            "chosen": [True, False, False],
            "within_noise": [False, True, False],
            "mean_stability": [0.9, 0.88, 0.5],
            "clusters": 2,
            "ari_with_chosen": [1.0, 0.7, -0.1],
            "nmi_with_chosen": [1.0, 0.6, 0.0],
            "documents_regrouped": [0, 1, 6],
            "share_regrouped": [0.0, 1 / 12, 0.5],
        }
    )


def terms_by_features_table() -> pd.DataFrame:
    rows = [
        (space, cluster, rank, term, 0.5 - rank / 10)
        for space in ("lsa", "lsa_no_idf", "dmm")
        for cluster, words in ((1, TERMS[:3]), (2, TERMS[3:]))
        for rank, term in enumerate(words, start=1)
    ]
    return pd.DataFrame(rows, columns=["features", "cluster", "rank", "term", "weight"])


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("document_map", figures.plot_document_map, [coordinates_table], {}),
    ("dendrogram", figures.plot_dendrogram, [linkage_table, assignments_table], {}),
    ("silhouette", figures.plot_silhouette, [silhouette_table], {}),
    ("feature_stability", figures.plot_feature_stability, [feature_stability_table], {}),
    (
        "feature_agreement",
        figures.plot_feature_agreement,
        [by_features_table, agreement_table, terms_by_features_table],
        {},
    ),
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


def test_feature_agreement_shows_each_other_space_against_the_chosen_one(tmp_path, drawn):
    """One panel per other candidate; its clusters ordered by the chosen cluster each
    matches (lsa_no_idf's 2 is lsa's 1, so it comes first), named by their top terms
    as the corpus wrote them with their sizes; the counts in the cells; the title says how
    many documents are regrouped and marks a close choice."""
    draw(tmp_path, CASE["feature_agreement"], "agreement")
    first, second = plotted(drawn[0])
    rows = ticks(first.get_yticklabels())
    assert rows[0].endswith("(n = 6)") and "روسيا، الناتو، حلف شمال" in rows[0]
    columns = ticks(first.get_xticklabels())
    assert [c.lstrip(LTR)[:2] for c in columns] == ["2:", "1:"]
    assert columns[0].endswith("(n = 5)") and columns[1].endswith("(n = 7)")
    # lsa's cluster 1 shares 5 documents with lsa_no_idf's 2 and 1 with its 1; lsa's 2
    # shares its 6 with lsa_no_idf's 1.
    assert [t.get_text() for t in first.texts] == ["5", "1", "0", "6"]
    assert "LSA of TF (no IDF)  (within noise" in first.get_title()
    assert "1 of 12 documents in other clusters" in first.get_title()
    assert second.get_title().startswith("against one-topic mixture (DMM)\n")
    assert "6 of 12 documents" in second.get_title()
    assert first.get_ylabel() == "chosen: LSA of TF-IDF"
    # The titles stay within the figure, with the note and a large corpus's counts.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    large = agreement_table().assign(documents_regrouped=[0, 1_256_000, 6])
    wide = (
        "agreement_wide",
        figures.plot_feature_agreement,
        [by_features_table, lambda: large, terms_by_features_table],
        {},
    )
    draw(tmp_path, wide, "wide")
    canvas = FigureCanvasAgg(drawn[-1])
    canvas.draw()
    for ax in plotted(drawn[-1]):
        box = ax.title.get_window_extent(canvas.get_renderer())
        assert drawn[-1].bbox.x0 <= box.x0 and box.x1 <= drawn[-1].bbox.x1, ax.get_title()


def test_feature_agreement_with_one_space_says_there_is_nothing_to_compare(tmp_path, drawn):
    one = (
        "agreement_one",
        figures.plot_feature_agreement,
        [
            lambda: by_features_table()[["doc_id", "lsa"]],
            lambda: agreement_table().iloc[[0]],
            terms_by_features_table,
        ],
        {},
    )
    draw(tmp_path, one, "one")
    assert plotted(drawn[0]) == []
    assert any("nothing to compare" in t for t in text_of(drawn[0]))
