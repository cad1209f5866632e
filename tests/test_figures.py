"""Unit tests of the figures (arabic_news_topics.figures) and their style
(arabic_news_topics.style), on small hand-made tables with Arabic labels."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.container import BarContainer

from arabic_news_topics import figures, style
from arabic_news_topics.tables import write_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

DOC_IDS = ["خبر_روسيا", "خبر_الناتو", "خبر_داعش", "خبر_السلام"]
TERMS = ["روسيا", "الناتو", "حلف شمال", "داعش", "السلام", "موسكو"]


def lengths_table(n: int = 4) -> pd.DataFrame:
    ids = [f"خبر_{i}" for i in range(n)] if n != 4 else DOC_IDS
    return pd.DataFrame(
        {
            "doc_id": ids,
            "characters": [100 * (i + 1) for i in range(n)],
            "words": [20 * (i + 1) for i in range(n)],
            "lines": [i + 1 for i in range(n)],
        }
    )


def steps_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": ["raw", "punctuation", "proclitics", "stopwords"],
            "tokens": [120, 118, 118, 80],
            "vocabulary": [90, 85, 60, 55],
        }
    )


def top_terms_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"rank": range(1, 7), "term": TERMS, "count": [9, 8, 5, 4, 2, 1], "documents": [4] * 6}
    )


def tfidf_top_terms_table() -> pd.DataFrame:
    rows = [
        {"doc_id": doc, "rank": r + 1, "term": TERMS[(d + r) % 6], "weight": 0.6 - 0.1 * r}
        for d, doc in enumerate(DOC_IDS)
        for r in range(3)
    ]
    return pd.DataFrame(rows)


def similarity_table() -> pd.DataFrame:
    values = np.array(
        [[1.0, 0.2, 0.0, 0.1], [0.2, 1.0, 0.3, 0.0], [0.0, 0.3, 1.0, 0.05], [0.1, 0.0, 0.05, 1.0]]
    )
    frame = pd.DataFrame(values, columns=DOC_IDS)
    frame.insert(0, "doc_id", DOC_IDS)
    return frame


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


def coherence_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "num_topics": [2, 3, 4],
            "c_v": [0.41, 0.52, 0.47],
            "c_npmi": [-0.02, 0.06, 0.01],
            "chosen": [False, True, False],
        }
    )


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


def doc_themes_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": DOC_IDS,
            "الإرهاب": [0.0, 0.0, 0.4, 0.0],
            "الناتو": [0.2, 0.5, 0.0, 0.0],
            "dominant_theme": ["الناتو", "الناتو", "الإرهاب", "none"],
        }
    )


def prevalence_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["الإرهاب", "الناتو", "none"],
            "documents": [1, 2, 1],
            "share": [0.25, 0.5, 0.25],
            "mean_score": [0.1, 0.175, float("nan")],
        }
    )


WORDS = ["ارهاب داعش تفجير هجوم", "الناتو حلف روسيا قمة", "السلام اسرائيل فلسطين غزة"]
THEMES = ["terrorism", "nato_relations", "none"]


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


def topic_map_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": [1, 2, 3],
            "x": [0.3, -0.2, -0.1],
            "y": [0.0, 0.15, -0.12],
            "prevalence": [0.5, 0.3, 0.2],
            "top_words": [" ".join(w.split()[:3]) for w in WORDS],
            "theme": THEMES,
        }
    )


def topic_similarity_table(k: int = 3) -> pd.DataFrame:
    values = np.full((k, k), 0.2) + 0.8 * np.eye(k)
    frame = pd.DataFrame(values, columns=[f"topic_{i}" for i in range(1, k + 1)])
    frame.insert(0, "top_words", [WORDS[i % 3] for i in range(k)])
    frame.insert(0, "topic", range(1, k + 1))
    return frame


def silhouette_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"k": [1, 2, 3, 4], "silhouette": [np.nan, 0.05, 0.09, 0.07], "chosen": [0, 0, 1, 0]}
    ).assign(chosen=lambda f: f["chosen"].astype(bool))


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


def guided_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["terrorism", "الناتو"],
            "guided_topic": [1, 2],
            "guided_score": [0.081, 0.064],
            "unguided_topic": [5, np.nan],
            "unguided_score": [0.042, np.nan],
        }
    )


def write(tmp_path: Path, name: str, frame: pd.DataFrame) -> str:
    path = tmp_path / "tables" / f"{name}.csv"
    write_table(frame, path)
    return str(path)


#: (id, function, table builders in argument order, extra keyword arguments)
CASES = [
    ("document_lengths", figures.plot_document_lengths, [lengths_table], {}),
    (
        "document_lengths_histogram",
        figures.plot_document_lengths,
        [lambda: lengths_table(12)],
        {"max_documents": 5},
    ),
    ("vocabulary_by_step", figures.plot_vocabulary_by_step, [steps_table], {}),
    ("top_terms", figures.plot_top_terms, [top_terms_table], {}),
    ("top_terms_per_document", figures.plot_top_terms_per_document, [tfidf_top_terms_table], {}),
    ("similarity", figures.plot_similarity, [similarity_table], {}),
    ("topic_words", figures.plot_topic_words, [topics_table], {}),
    ("document_topics", figures.plot_document_topics, [doc_topics_table], {}),
    ("coherence", figures.plot_coherence, [coherence_table], {}),
    ("document_map", figures.plot_document_map, [coordinates_table], {}),
    ("dendrogram", figures.plot_dendrogram, [linkage_table, assignments_table], {}),
    ("document_themes", figures.plot_document_themes, [doc_themes_table], {}),
    ("theme_prevalence", figures.plot_theme_prevalence, [prevalence_table], {}),
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
    ("topic_map", figures.plot_topic_map, [topic_map_table], {}),
    ("topic_similarity", figures.plot_topic_similarity, [topic_similarity_table], {}),
    ("silhouette", figures.plot_silhouette, [silhouette_table], {}),
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
    ("guided_comparison", figures.plot_guided_comparison, [guided_table], {}),
]


CASE = {c[0]: c for c in CASES}


def draw(tmp_path: Path, case, tag: str) -> tuple[Path, Path]:
    name, function, builders, kwargs = case
    inputs = [write(tmp_path, f"{name}_{i}", build()) for i, build in enumerate(builders)]
    png, pdf = tmp_path / tag / f"{name}.png", tmp_path / tag / f"{name}.pdf"
    function(*inputs, str(png), str(pdf), **kwargs)
    return png, pdf


@pytest.mark.parametrize("case", [pytest.param(c, id=c[0]) for c in CASES])
def test_plot_writes_png_and_pdf_reproducibly(tmp_path, case):
    png, pdf = draw(tmp_path, case, "first")
    png_bytes, pdf_bytes = png.read_bytes(), pdf.read_bytes()
    assert png_bytes.startswith(PNG_MAGIC)
    assert len(png_bytes) > 1000
    assert pdf_bytes.startswith(b"%PDF")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")
    # The font with Arabic glyphs is embedded (TrueType, pdf.fonttype 42).
    assert b"DejaVuSans" in pdf_bytes
    # Drawn again from the same inputs: the same bytes (no timestamps in the files).
    png_again, pdf_again = draw(tmp_path, case, "second")
    assert pdf_again.read_bytes() == pdf_bytes
    assert png_again.read_bytes() == png_bytes
    assert not plt.get_fignums(), "the figure must be closed after saving"


# ---------------------------------------------------------------------------------------
# What the figures show: titles and labels, captured before the figure is saved.


@pytest.fixture
def captured(monkeypatch):
    """Record every figure that figures.py saves."""
    saved = []
    real = figures.save_figure

    def record(fig, png, pdf):
        saved.append(
            {
                "suptitle": fig.get_suptitle(),
                "titles": [ax.get_title() for ax in fig.axes],
                "yticklabels": [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes],
                "xticklabels": [[t.get_text() for t in ax.get_xticklabels()] for ax in fig.axes],
                "size": tuple(fig.get_size_inches()),
            }
        )
        real(fig, png, pdf)

    monkeypatch.setattr(figures, "save_figure", record)
    return saved


def test_arabic_labels_are_passed_as_plain_unicode(tmp_path, captured):
    draw(tmp_path, CASE["top_terms"], "labels")
    (figure,) = captured
    # First term on top: the y axis is inverted, so labels keep the table's order.
    assert figure["yticklabels"][0] == TERMS
    assert figure["titles"][0] == "Top 6 terms after normalization"
    assert figure["size"][0] == style.FIGURE_WIDTH


def test_document_lengths_bars_or_histogram(tmp_path, captured):
    draw(tmp_path, CASE["document_lengths"], "bars")
    draw(tmp_path, CASE["document_lengths_histogram"], "histogram")
    bars, histogram = captured
    assert bars["titles"] == ["Document lengths: 4 documents"]
    assert bars["yticklabels"][0] == DOC_IDS
    # Twelve documents of 20, 40, ..., 240 words: median (120 + 140) / 2 = 130.
    assert histogram["titles"] == ["Document lengths: 12 documents, median 130 words"]


def test_per_document_figures_say_when_sampled(tmp_path, captured):
    name, function, builders, _ = CASE["document_themes"]
    case = (name, function, builders, {"max_documents": 2, "random_state": 1})
    draw(tmp_path, case, "sampled")
    draw(tmp_path, CASE["document_themes"], "all")
    sampled, complete = captured
    assert sampled["titles"][0].endswith("(2 of 4 documents, sampled)")
    assert len(sampled["yticklabels"][0]) == 2
    assert "sampled" not in complete["titles"][0]
    # Row labels carry the dominant theme in brackets.
    assert complete["yticklabels"][0] == [
        "خبر_روسيا (الناتو)",
        "خبر_الناتو (الناتو)",
        "خبر_داعش (الإرهاب)",
        "خبر_السلام (none)",
    ]


def test_topic_words_one_panel_per_topic(tmp_path, captured):
    draw(tmp_path, CASE["topic_words"], "topics")
    (figure,) = captured
    assert [t for t in figure["titles"] if t] == ["Topic 1", "Topic 2", "Topic 3", "Topic 4"]
    assert figure["suptitle"] == "Top 10 words of each of the 4 LDA topics"


def test_coherence_marks_the_chosen_k(tmp_path, captured):
    draw(tmp_path, CASE["coherence"], "coherence")
    (figure,) = captured
    assert figure["titles"] == ["c_v coherence by K", "NPMI coherence by K"]
    assert figure["xticklabels"][0] == ["2", "3", "4"]


# ---------------------------------------------------------------------------------------
# Model selection, stability, topic map and evaluation: the figure objects themselves.


@pytest.fixture
def drawn(monkeypatch):
    """Keep every figure that figures.py saves (closed, but still inspectable)."""
    saved = []
    real = figures.save_figure

    def record(fig, png, pdf):
        saved.append(fig)
        real(fig, png, pdf)

    monkeypatch.setattr(figures, "save_figure", record)
    return saved


def plotted(fig):
    """The axes that hold a plot (not switched off, not a colour bar)."""
    return [ax for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"]


def chosen_lines(ax) -> list[float]:
    return [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "chosen"]


def legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def ticks(labels) -> list[str]:
    return [t.get_text() for t in labels]


def text_of(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


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
    assert ticks(ax.get_yticklabels()) == [f"{figures.LTR}{i + 1}: {WORDS[i]}" for i in range(3)]
    assert ax.get_xlim() == (0, 1)
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [line.get_label() for line in dots] == ["seed 2", "seed 3"]
    assert all(len(line.get_xdata()) == 3 for line in dots)
    assert "K = 3" in ax.get_title()


def test_topic_stability_with_one_seed_says_so(tmp_path, drawn):
    draw(tmp_path, CASE["topic_stability_one_seed"], "one_seed")
    (fig,) = drawn
    assert not plotted(fig)
    assert "lda.seeds" in " ".join(text_of(fig))


def test_topic_stability_unknown_k_is_an_error(tmp_path):
    path = write(tmp_path, "stability", stability_table())
    with pytest.raises(ValueError, match="no rows for K = 7"):
        figures.plot_topic_stability(
            path, str(tmp_path / "a.png"), str(tmp_path / "a.pdf"), num_topics=7
        )


def test_topic_map_circles_labels_and_legends(tmp_path, drawn):
    draw(tmp_path, CASE["topic_map"], "map")
    (fig,) = drawn
    (ax,) = plotted(fig)
    (circles,) = ax.collections
    # Circle area proportional to prevalence (0.5, 0.3, 0.2).
    np.testing.assert_allclose(circles.get_sizes() / circles.get_sizes()[0], [1, 0.6, 0.4])
    colours = figures._theme_colours(THEMES)
    assert tuple(circles.get_facecolors()[2][:3]) == pytest.approx(to_rgb(colours["none"]))
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == [f"{figures.LTR}{i + 1}: {' '.join(WORDS[i].split()[:3])}" for i in range(3)]
    # Every label inside the axes; the same scale on both axes (equal aspect).
    canvas = FigureCanvasAgg(fig)  # the figure is closed: draw it on a canvas of its own
    canvas.draw()
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, text.get_text()
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, text.get_text()
    x_per_pixel = (ax.get_xlim()[1] - ax.get_xlim()[0]) / frame.width
    y_per_pixel = (ax.get_ylim()[1] - ax.get_ylim()[0]) / frame.height
    assert x_per_pixel == pytest.approx(y_per_pixel, rel=0.02)
    assert ax.get_xlabel() == "MDS 1 (Jensen-Shannon distance)"
    assert ax.get_ylabel() == "MDS 2 (Jensen-Shannon distance)"
    texts = legend_texts(fig)
    assert {"terrorism", "nato_relations", "no theme"} <= set(texts)
    assert "0.5" in texts  # the size key


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
    assert ticks(ax.get_yticklabels())[0] == f"{figures.LTR}1: {WORDS[0]}"
    # The diagonal (a topic with itself) is left blank.
    assert len(ax.texts) == (k * k - k if annotated else 0)
    assert ax.get_xlabel() == "topic"


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


def test_guided_comparison_names_the_topics(tmp_path, drawn):
    draw(tmp_path, CASE["guided_comparison"], "guided")
    (fig,) = drawn
    ax = fig.axes[0]
    assert ticks(ax.get_yticklabels()) == ["terrorism", "الناتو"]
    assert text_of(fig) == ["topic 1 (0.081)", "topic 2 (0.064)", "topic 5 (0.042)", "no topic"]
    assert legend_texts(fig) == ["guided LDA", "unguided LDA"]


# ---------------------------------------------------------------------------------------
# style


@pytest.mark.parametrize(
    ("n_rows", "max_rows", "expected_len", "dropped"),
    [
        pytest.param(10, 4, 4, True, id="sampled"),
        pytest.param(10, 10, 10, False, id="exactly-max"),
        pytest.param(3, 40, 3, False, id="small"),
        pytest.param(0, 5, 0, False, id="empty"),
    ],
)
def test_sample_rows(n_rows, max_rows, expected_len, dropped):
    frame = pd.DataFrame({"doc_id": [f"خبر_{i}" for i in range(n_rows)]})
    shown, was_sampled = style.sample_rows(frame, max_rows, random_state=42)
    assert len(shown) == expected_len
    assert was_sampled is dropped
    assert set(shown["doc_id"]) <= set(frame["doc_id"])
    assert shown.index.is_monotonic_increasing


def test_sample_rows_is_deterministic():
    frame = pd.DataFrame({"doc_id": [f"خبر_{i}" for i in range(50)]})
    first, _ = style.sample_rows(frame, 7, random_state=3)
    second, _ = style.sample_rows(frame, 7, random_state=3)
    pd.testing.assert_frame_equal(first, second)
    assert first["doc_id"].is_unique


def test_new_figure_size_and_axes_grid():
    fig, axes = style.new_figure(2.5, ncols=3, nrows=2)
    try:
        assert axes.shape == (2, 3)
        assert tuple(fig.get_size_inches()) == (style.FIGURE_WIDTH, 2.5)
    finally:
        plt.close(fig)


def test_save_figure_creates_folders_and_closes(tmp_path):
    fig, axes = style.new_figure(1.5)
    style.barh(axes[0, 0], ["روسيا", "الناتو"], [3, 1], fmt="d")
    png, pdf = tmp_path / "a" / "f.png", tmp_path / "b" / "f.pdf"
    style.save_figure(fig, png, pdf)
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert fig.number not in plt.get_fignums()


def test_heatmap_annotates_cells():
    fig, axes = style.new_figure(2.0)
    try:
        matrix = pd.DataFrame([[0.0, 0.0123], [0.5, 1.0]], index=["أ", "ب"], columns=["س", "ص"])
        style.heatmap(axes[0, 0], matrix, vmin=0, vmax=1)
        texts = [t.get_text() for t in axes[0, 0].texts]
        # Two significant digits, and a plain 0 for zero.
        assert texts == ["0", "0.012", "0.5", "1"]
        assert [t.get_text() for t in axes[0, 0].get_yticklabels()] == ["أ", "ب"]
    finally:
        plt.close(fig)


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
