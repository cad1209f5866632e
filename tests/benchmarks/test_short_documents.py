"""benchmarks/short_documents.py: the labelled corpora cut to their titles or the first words
of their bodies, in the same layout, and the engines' table."""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import short_documents  # benchmarks/, on the path above

ARTICLE = "عنوان الخبر هنا\nالجملة الأولى من النص\nوالجملة الثانية منه\n"


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (None, "عنوان الخبر هنا"),
        (3, "الجملة الأولى من"),
        (0, "الجملة الأولى من النص والجملة الثانية منه"),
        (100, "الجملة الأولى من النص والجملة الثانية منه"),
    ],
)
def test_short_text_is_the_title_or_the_first_words_of_the_body(length, expected):
    assert short_documents.short_text(ARTICLE, length) == expected


def test_length_names():
    assert [short_documents.length_name(n) for n in (None, 15, 0)] == [
        "titles",
        "first_15",
        "whole",
    ]


def test_the_short_corpus_keeps_every_article_in_its_section(tmp_path):
    source = tmp_path / "corpus.tar.gz"
    with tarfile.open(source, "w:gz") as archive:
        for name in ("c/economy/1.txt", "c/economy/2.txt", "c/sport/1.txt", "c/MANIFEST.tsv"):
            data = (ARTICLE if name.endswith(".txt") else "file\tsource\n").encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    target = short_documents.write_short_corpus(source, tmp_path / "out/short.tar.gz", 2)
    with tarfile.open(target) as archive:
        texts = {m.name: archive.extractfile(m).read().decode("utf-8") for m in archive}
    # The articles alone (not the manifest), each cut to two words of its body.
    assert texts == {
        name: "الجملة الأولى\n" for name in ("c/economy/1.txt", "c/economy/2.txt", "c/sport/1.txt")
    }


def test_the_table_gives_each_engine_and_tomotopys_cost_against_gensims():
    rows = [
        {
            "corpus": "c",
            "length": "titles",
            "median_words": 8.0,
            "num_topics": 4,
            "seed": seed,
            "setting": engine,
            "c_npmi": npmi,
            "nmi": nmi,
            "cpu_s": cpu,
        }
        for seed, shift in ((1, 0.0), (2, 0.02))
        for engine, npmi, nmi, cpu in (("gensim", -0.2, 0.05, 2.0), ("tomotopy", 0.0, 0.3, 0.5))
        for npmi, nmi in [(npmi + shift, nmi + shift)]
    ]
    table = short_documents.summarize(pd.DataFrame(rows))
    assert len(table) == 1
    row = table.iloc[0]
    assert row["gensim NMI"] == "0.060 ± 0.014"
    assert row["tomotopy NPMI"] == "0.010 ± 0.014"
    assert row["tomotopy CPU vs gensim"] == "0.25×"
