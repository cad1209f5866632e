"""Unit tests of the figures (arabic_news_topics.figures) and their style
(arabic_news_topics.style), on small hand-made tables with Arabic labels."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

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
