"""The ``paper`` target: the figures and tables a paper prints, numbered in reading order.

Figures are copied as PDF (every figure is drawn in one style and width by
:mod:`arabic_news_topics.plotting`),
tables are written as LaTeX and Markdown, and ``checksums.sha256`` lists the SHA-256 of every
file so that a reader can check that a rerun reproduced them byte for byte
(``sha256sum -c checksums.sha256``).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..io import atomic_path, read_table

CHECKSUMS = "checksums.sha256"

#: Captions of the paper's tables, by name.
TABLE_CAPTIONS = {
    "corpus_summary": "Corpus: input records, kept and dropped documents, and lengths.",
    "normalization_steps": "Tokens and vocabulary size after each normalization rule.",
    "model_selection_table": (
        "Topic models by number of topics K: coherence (NPMI mean and standard error over "
        "seeds; c_v and UMass means), topic diversity, log-likelihood per held-out token (nats, "
        "higher is better; for variational LDA a bound that favours small K, comparable between "
        "Ks of one engine only), stability across seeds (over topics of ordinary prevalence) and "
        "topics of near-zero prevalence. chosen: the K used, by the one-standard-error rule "
        "unless configured otherwise. Every column is in 04_lda/model_selection.csv."
    ),
    "topic_summary": "LDA topics: top words and best-matching theme with its score.",
    "topic_labels": (
        "Topics by name (topics.labels where given, else their top words, as the corpus wrote "
        "them), the fitted model's topics each holds (topics.merge) and prevalence."
    ),
    "doc_themes": "Theme scores and dominant theme of each document.",
}


#: The columns of a table that the paper shows, where not all (a page holds about ten).
PAPER_COLUMNS = {
    "topic_labels": ["topic", "label", "members", "prevalence"],
    "model_selection_table": [
        "num_topics",
        "c_npmi_mean",
        "c_npmi_se",
        "c_v_mean",
        "u_mass_mean",
        "diversity_mean",
        "heldout_log_likelihood_per_word",
        "stability",
        "low_prevalence_topics",
        "chosen",
    ],
}


def _latex(frame: pd.DataFrame, caption: str) -> str:
    return frame.to_latex(index=False, caption=caption, float_format="%.3f", escape=True) + "\n"


def paper(
    figures: Sequence[tuple[str, str]],
    tables: Sequence[tuple[str, str]],
    out_dir: str,
) -> list[Path]:
    """Copy figures and write tables into ``out_dir``, numbered, with ``checksums.sha256``.

    Parameters
    ----------
    figures : sequence of (name, pdf_path)
        In reading order; written as ``figNN_<name>.pdf``.
    tables : sequence of (name, csv_path)
        In reading order; written as ``tableNN_<name>.tex`` and ``.md``, captioned from
        :data:`TABLE_CAPTIONS`.
    out_dir : str
        The paper folder (created; files of earlier runs with other numbers are removed).

    Returns
    -------
    list of Path
        The files written, checksums last.
    """
    out = Path(out_dir)
    # Written whole in a temporary folder, which then replaces the paper folder.
    with atomic_path(out) as temporary:
        temporary.mkdir()
        names = _write_paper(figures, tables, temporary)
    return [out / name for name in names]


def _write_paper(
    figures: Sequence[tuple[str, str]], tables: Sequence[tuple[str, str]], out: Path
) -> list[str]:
    """Write the paper's files into the new folder ``out``; return their names."""
    written = []
    for number, (name, pdf) in enumerate(figures, start=1):
        target = out / f"fig{number:02d}_{name}.pdf"
        shutil.copyfile(pdf, target)
        written.append(target)
    for number, (name, csv) in enumerate(tables, start=1):
        frame = read_table(csv)
        if name in PAPER_COLUMNS:
            frame = frame[[c for c in PAPER_COLUMNS[name] if c in frame.columns]]
        caption = TABLE_CAPTIONS.get(name, name.replace("_", " ").capitalize() + ".")
        tex = out / f"table{number:02d}_{name}.tex"
        tex.write_text(_latex(frame, caption), encoding="utf-8")
        md = out / f"table{number:02d}_{name}.md"
        md.write_text(
            f"Table {number}: {caption}\n\n"
            + frame.to_markdown(index=False, floatfmt=".3f")
            + "\n",
            encoding="utf-8",
        )
        written += [tex, md]
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(written)]
    checksums = out / CHECKSUMS
    checksums.write_text("".join(lines), encoding="utf-8")
    return [p.name for p in [*written, checksums]]
