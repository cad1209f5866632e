"""Which topic engine serves short documents? gensim against tomotopy on the labelled corpora
cut short (the choice of ``lda.engine: auto`` and ``lda.short_document_words``).

Each labelled corpus of ``../shared/corpora`` (folder-per-section, the title on a file's first
line and the body below) is written again, in ``--runs``, as shorter corpora of the same
articles and sections: their titles alone (``titles``), the first N words of each body
(``first_<N>``, ``--lengths``), and the whole bodies (``whole``, for the cost and topics of
the articles themselves). The
shipped workflow (``evaluate_defaults.run_workflow``: only the corpus path and
``label_from: parent_folder`` changed) builds each one's bag of words (up to
``results/04_lda/bow/corpus.mm``, whose ``corpus_summary.csv`` gives the median document's
words), and ``engine_choice.py``'s fits compare, with the shipped settings of each engine,
``gensim`` (the peer) and ``tomotopy`` at K = the number of sections and K = 20, seeds 42, 7,
2024, one fit after the other in this process: NPMI, NMI of the argmax topic against the
sections, CPU seconds per fit.

Outputs, in ``benchmarks/results/`` (or ``--out``): ``short_documents.csv`` (one row per corpus,
length, engine, K and seed) and ``short_documents.md`` (mean and sd over the seeds, tomotopy's
CPU time as a ratio to gensim's, the machine, date, commit).

Run from the repository root (both corpora, six lengths: about 20 minutes on 2 cores)::

    .venv/bin/python benchmarks/short_documents.py --runs /tmp/short_documents
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from engine_choice import FIT_KEYS, fit_rows, run_data
from evaluate_defaults import run_workflow

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
#: The labelled corpora (file name in ../shared/corpora) and their number of sections.
LABELLED = {"hespress-4cat": ("hespress-4cat.tar.gz", 4), "antms-6cat": ("antms-6cat.tar.gz", 6)}
#: The engines compared, the peer first; each with the shipped settings.
ENGINES = ("gensim", "tomotopy")
#: The Ks beside the number of sections.
OTHER_KS = (20,)
#: The bag of words, and the documents' labels and summary (read_corpus's outputs).
TARGETS = ("results/04_lda/bow/corpus.mm", "results/01_corpus/metadata.tsv")


def short_text(text: str, length: int | None) -> str:
    """The title (the first line) where ``length`` is None, the whole body (the lines after
    it) where it is 0, else the body's first ``length`` words."""
    lines = text.split("\n")
    if length is None:
        return lines[0].strip()
    words = " ".join(lines[1:]).split()
    return " ".join(words[:length] if length else words)


def length_name(length: int | None) -> str:
    """``titles``, ``whole`` (the body) or ``first_<N>``."""
    return {None: "titles", 0: "whole"}.get(length, f"first_{length}")


def write_short_corpus(source: Path, target: Path, length: int | None) -> Path:
    """The articles of the folder-per-section ``.tar.gz`` ``source`` cut to ``length``
    (:func:`short_text`), as the same layout in ``target`` (a ``.tar.gz``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source) as archive, tarfile.open(target, "w:gz") as out:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not (member.isfile() and member.name.endswith(".txt")):
                continue
            text = archive.extractfile(member).read().decode("utf-8")
            data = (short_text(text, length) + "\n").encode("utf-8")
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def short_corpora(
    runs: Path, corpora: Sequence[str], lengths: Sequence[int]
) -> Iterator[tuple[str, int, str, Path]]:
    """Each of ``corpora`` cut to its titles, the first N words of ``lengths`` and its whole
    bodies, written under ``runs/corpora``: ``(corpus, sections, cut name, path)``."""
    for corpus in corpora:
        archive, sections = LABELLED[corpus]
        for length in [None, *lengths, 0]:
            name = length_name(length)
            target = runs / "corpora" / f"{corpus}_{name}.tar.gz"
            yield corpus, sections, name, write_short_corpus(CORPORA / archive, target, length)


def summarize(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over the seeds per corpus, length, K and engine; tomotopy's CPU time and
    NMI against gensim's."""
    keys = ["corpus", "length", "median_words", "num_topics", "setting"]
    table = frame.groupby(keys, sort=False).agg(
        npmi=("c_npmi", "mean"),
        npmi_sd=("c_npmi", "std"),
        nmi=("nmi", "mean"),
        nmi_sd=("nmi", "std"),
        cpu_s=("cpu_s", "mean"),
    )
    wide = table.unstack("setting")
    rows = []
    for index, row in wide.iterrows():
        record = dict(zip(keys[:-1], index, strict=True))
        for engine in ENGINES:
            for measure, label in (("npmi", "NPMI"), ("nmi", "NMI")):
                mean, sd = row[(measure, engine)], row[(f"{measure}_sd", engine)]
                record[f"{engine} {label}"] = f"{harness.fmt(mean, 3)} ± {harness.fmt(sd, 3)}"
            record[f"{engine} CPU s"] = harness.fmt(row[("cpu_s", engine)], 2)
        record["tomotopy CPU vs gensim"] = (
            f"{row[('cpu_s', 'tomotopy')] / row[('cpu_s', 'gensim')]:.2f}×"
        )
        rows.append(record)
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, required=True, help="a folder for the run folders")
    parser.add_argument("--corpora", nargs="+", default=list(LABELLED), choices=list(LABELLED))
    parser.add_argument("--lengths", type=int, nargs="+", default=[15, 30, 60, 120])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    load = harness.load_average()
    lda = harness.project_config()["lda"]
    seeds = lda["random_seeds"]
    rows = []
    for corpus, sections, name, short in short_corpora(args.runs, args.corpora, args.lengths):
        workdir, _ = run_workflow(f"{corpus}_{name}", short, args.cores, args.runs, TARGETS)
        data = run_data(workdir)
        words = data["median_words"]
        for engine in ENGINES:
            settings = {key: lda[key] for key in FIT_KEYS} | {"engine": engine}
            for row in fit_rows(data, engine, settings, [sections, *OTHER_KS], seeds):
                rows.append({"corpus": corpus, "length": name, "median_words": words, **row})
    frame = pd.DataFrame(rows)
    table = summarize(frame)
    lines = [
        "# Short documents: gensim against tomotopy on the labelled corpora cut short",
        "",
        *harness.run_lines(load_at_start=load),
        "",
        "Each corpus's articles cut to their titles (`titles`), the first N words of their "
        "bodies (`first_N`) or their whole bodies (`whole`), the shipped workflow's bag of "
        "words of each (`median_words`: the median document's words in `corpus_summary.csv`, "
        "what `lda.engine: auto` reads), each engine with its shipped settings at K = the "
        "number of sections and K = 20, "
        f"seeds {', '.join(map(str, seeds))}, one fit after the other in one process. NPMI: "
        "the project's coherence; NMI: the argmax topic against the sections; CPU s: the fit "
        "alone. Mean ± sd over the seeds. Peer: gensim.",
        "",
        harness.markdown_table(table),
    ]
    harness.write_results(args.out, "short_documents", frame, "\n".join(lines) + "\n")
    print(table.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
