"""Unit tests of the shared figure style and helpers (arabic_news_topics.plotting)."""

from __future__ import annotations

import io
import re
import zlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from figure_checks import PNG_MAGIC
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont

from arabic_news_topics import plotting


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
    shown, was_sampled = plotting.sample_rows(frame, max_rows, random_state=42)
    assert len(shown) == expected_len
    assert was_sampled is dropped
    assert set(shown["doc_id"]) <= set(frame["doc_id"])
    assert shown.index.is_monotonic_increasing


def test_sample_rows_is_deterministic():
    frame = pd.DataFrame({"doc_id": [f"خبر_{i}" for i in range(50)]})
    first, _ = plotting.sample_rows(frame, 7, random_state=3)
    second, _ = plotting.sample_rows(frame, 7, random_state=3)
    pd.testing.assert_frame_equal(first, second)
    assert first["doc_id"].is_unique


def test_new_figure_size_and_axes_grid():
    fig, axes = plotting.new_figure(2.5, ncols=3, nrows=2)
    try:
        assert axes.shape == (2, 3)
        assert tuple(fig.get_size_inches()) == (plotting.FIGURE_WIDTH, 2.5)
    finally:
        plt.close(fig)


def test_save_figure_creates_folders_and_closes(tmp_path):
    fig, axes = plotting.new_figure(1.5)
    plotting.barh(axes[0, 0], ["روسيا", "الناتو"], [3, 1], fmt="d")
    png, pdf = tmp_path / "a" / "f.png", tmp_path / "b" / "f.pdf"
    plotting.save_figure(fig, png, pdf)
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert fig.number not in plt.get_fignums()


def test_save_figure_bytes_are_those_of_a_direct_save(tmp_path):
    """save_figure writes each file under a temporary name first (io.atomic_path): the
    bytes are those of saving straight to the output's name (no file holds its name), and
    nothing else is left in the folder."""
    fig, axes = plotting.new_figure(1.5)
    plotting.barh(axes[0, 0], ["روسيا", "الناتو"], [3, 1], fmt="d")
    plotting.save_figure(fig, tmp_path / "out" / "f.png", tmp_path / "out" / "f.pdf")
    fig, axes = plotting.new_figure(1.5)
    plotting.barh(axes[0, 0], ["روسيا", "الناتو"], [3, 1], fmt="d")
    fig.savefig(tmp_path / "f.png", dpi=plotting.PNG_DPI, metadata={"Software": None})
    fig.savefig(
        tmp_path / "f.pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None}
    )
    plt.close(fig)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f.pdf", "f.png"]
    for name in ("f.png", "f.pdf"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / name).read_bytes()


def test_heatmap_annotates_cells():
    fig, axes = plotting.new_figure(2.0)
    try:
        matrix = pd.DataFrame([[0.0, 0.0123], [0.5, 1.0]], index=["أ", "ب"], columns=["س", "ص"])
        plotting.heatmap(axes[0, 0], matrix, vmin=0, vmax=1)
        texts = [t.get_text() for t in axes[0, 0].texts]
        # Two significant digits, and a plain 0 for zero.
        assert texts == ["0", "0.012", "0.5", "1"]
        assert [t.get_text() for t in axes[0, 0].get_yticklabels()] == ["أ", "ب"]
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (0.0123, "0.012"), (0.5, "0.5"), (1, "1"), (1234.5, "1.2e+03")]
)
def test_format_cell_two_significant_digits(value, text):
    assert plotting.format_cell(value) == text


@pytest.mark.parametrize(
    ("top_words", "n_words", "expected"),
    [
        ("داعش، ارهاب، هجوم، تنظيم", 3, "داعش، ارهاب، هجوم"),
        ("داعش,ارهاب,هجوم", 2, "داعش، ارهاب"),
        ("ناتو حلف روسيا قمه", 2, "ناتو حلف"),
        (None, 3, ""),
        (float("nan"), 3, ""),
    ],
)
def test_first_words(top_words, n_words, expected):
    assert plotting.first_words(top_words, n_words) == expected


def test_topic_label_puts_the_number_first():
    assert plotting.topic_label(2, "نفط، اسعار، سوق، شركات") == f"{plotting.LTR}2: نفط، اسعار، سوق"
    assert plotting.topic_label(3) == "3"


def test_theme_colours_and_names():
    colours = plotting.theme_colours(["nato", "none", "economy", "nato"])
    assert colours == {
        "economy": plotting.palette_colour(0),
        "nato": plotting.palette_colour(1),
        "none": plotting.NO_THEME_COLOUR,
    }
    assert plotting.theme_name("none") == "no theme"
    assert plotting.theme_name("nato") == "nato"


def test_chosen_values_read_true_as_text_or_bool():
    table = pd.DataFrame({"k": [2, 3, 4], "chosen": ["False", "True", True]})
    assert plotting.chosen_values(table, "k") == [3, 4]


def test_sampled_note_only_when_rows_were_left_out():
    assert plotting.sampled_note(40, 40) == ""
    assert plotting.sampled_note(4, 10) == " (4 of 10 documents, sampled)"
    assert plotting.sampled_note(4, 10, newline=True) == "\n(4 of 10 documents, sampled)"


def test_require_columns_names_what_is_missing():
    table = pd.DataFrame({"topic": [1], "x": [0.0]})
    plotting.require_columns(table, ["topic"], "map.csv")
    with pytest.raises(ValueError, match=r"map.csv lacks the columns y, theme \(it has topic, x\)"):
        plotting.require_columns(table, ["y", "theme"], "map.csv")


def test_document_labels_are_titles_where_the_corpus_has_them(tmp_path):
    from arabic_news_topics.plotting import document_labels

    titles = tmp_path / "titles.csv"
    titles.write_text(
        "doc_id,title\na,قمة الناتو في لندن تبحث العلاقات مع روسيا والصين وملفات أخرى كثيرة\nb,\n",
        encoding="utf-8",
    )
    labels = document_labels(["a", "b", "c"], str(titles), characters=20)
    assert labels[0].startswith("قمة الناتو") and labels[0].endswith("…")
    assert len(labels[0]) <= 20
    # No title (b) or no line (c): the id.
    assert labels[1:] == ["b", "c"]
    assert document_labels(["a"], None) == ["a"]


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """The objects of a PDF that matplotlib wrote: number -> (dictionary text, decompressed
    stream or None)."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)(stream\r?\n|endobj)", data, re.S):
        stream = None
        if match.group(3) != b"endobj":
            rest = data[match.end() :]
            # decompressobj stops at the end of the deflated stream (and leaves the rest).
            flate = b"/FlateDecode" in match.group(2)
            stream = (
                zlib.decompressobj().decompress(rest) if flate else rest[: rest.index(b"endstream")]
            )
        objects[int(match.group(1))] = (match.group(2), stream)
    return objects


def _embedded_fonts(data: bytes) -> tuple[list[tuple[TTFont, list[int]]], list[bytes]]:
    """The TrueType fonts a PDF embeds, each with its glyph of every character id (the
    CIDToGIDMap), and the PDF's other streams (the page drawing, the text mappings)."""
    objects = _pdf_objects(data)

    def ref(text: bytes, key: bytes) -> int:
        return int(re.search(rb"/" + key + rb" (\d+) 0 R", text).group(1))

    fonts, used = [], set()
    for text, _stream in objects.values():
        if b"/CIDToGIDMap" not in text:
            continue
        gid_map, descriptor = ref(text, b"CIDToGIDMap"), ref(text, b"FontDescriptor")
        font_file = ref(objects[descriptor][0], b"FontFile2")
        raw = objects[gid_map][1]
        gids = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
        fonts.append((TTFont(io.BytesIO(objects[font_file][1])), gids))
        used |= {gid_map, font_file}
    others = [stream for n, (_t, stream) in objects.items() if stream is not None and n not in used]
    return fonts, others


def _draw_arabic_pdf(path) -> bytes:
    fig, axes = plotting.new_figure(1.5)
    plotting.barh(axes[0, 0], ["الإرهاب", "حلف شمال الأطلسي", "السلام"], [3, 2, 1], fmt="d")
    axes[0, 0].set_title("مواضيع الأخبار")
    plotting.save_figure(fig, path.with_suffix(".png"), path)
    return path.read_bytes()


def _outline(font: TTFont, gid: int):
    glyph = font["glyf"][font.getGlyphOrder()[gid]]
    coordinates, ends, _flags = glyph.getCoordinates(font["glyf"])
    return list(coordinates), list(ends)


def test_pdf_fonts_leave_out_the_layout_tables_and_draw_the_same_page(tmp_path, monkeypatch):
    """The fonts embedded in PDFs have no OpenType layout tables (plotting.
    PDF_DROPPED_FONT_TABLES), and the page is drawn with the same glyph outlines at the
    same places as with matplotlib's own subsets, which keep them."""
    ours = _draw_arabic_pdf(tmp_path / "ours.pdf")
    defaults = [
        tag
        for tag in font_subset.Options._drop_tables_default
        if tag not in plotting.PDF_DROPPED_FONT_TABLES
    ]
    monkeypatch.setattr(font_subset.Options, "_drop_tables_default", defaults)
    theirs = _draw_arabic_pdf(tmp_path / "theirs.pdf")
    our_fonts, our_pages = _embedded_fonts(ours)
    their_fonts, their_pages = _embedded_fonts(theirs)
    assert our_fonts and len(our_fonts) == len(their_fonts)
    n_drawn = 0
    # The drawing itself (page content, glyph widths, text mappings) is the same.
    assert our_pages == their_pages
    for (our_font, our_gids), (their_font, their_gids) in zip(our_fonts, their_fonts, strict=True):
        assert "GSUB" in their_font
        assert not set(plotting.PDF_DROPPED_FONT_TABLES) & set(our_font.keys())
        # Every character id drawn is the same outline in both fonts.
        drawn = [cid for cid, gid in enumerate(their_gids) if gid]
        n_drawn += len(drawn)
        assert all(
            _outline(our_font, our_gids[cid]) == _outline(their_font, their_gids[cid])
            for cid in drawn
        )
    # The digits and the Arabic letters' shaped forms, not only a few glyphs.
    assert n_drawn > 20
    assert len(ours) < len(theirs)
