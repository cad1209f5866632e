"""benchmarks/dmm_initialisation.py: its starts and rows on a planted two-section corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import dmm_initialisation  # benchmarks/, on the path above

from arabic_news_topics.topics import engines

SECTIONS = {"sport": [f"s{i}" for i in range(30)], "economy": [f"e{i}" for i in range(30)]}


def planted_run(folder: Path, per_section: int = 20) -> None:
    """A run folder with a bag of words and metadata of two sections with disjoint words."""
    rng = np.random.default_rng(0)
    documents, rows = [], []
    for section, words in SECTIONS.items():
        for number in range(per_section):
            doc_id = f"{section}/{number}"
            documents.append((doc_id, list(rng.choice(words, size=40))))
            rows.append({"doc_id": doc_id, "date": "", "label": section, "source": "x"})
    bow = folder / "results/04_lda/bow"
    bow.mkdir(parents=True)
    dictionary = engines.build_dictionary([tokens for _, tokens in documents], 1, 1.0, None)
    engines.save_corpus(documents, dictionary, bow)
    pd.DataFrame(rows).to_csv(folder / "results/01_corpus/metadata.tsv", sep="\t", index=False)


def test_kmeans_starts_find_planted_sections() -> None:
    counts = np.zeros((20, 4))
    counts[:10, :2] = 5
    counts[10:, 2:] = 5
    for partition in dmm_initialisation.starts(counts, 2, 42).values():
        assert len(set(partition[:10])) == 1 and len(set(partition[10:])) == 1
        assert partition[0] != partition[10]


def test_rows_keep_one_random_restart_and_score_every_start(tmp_path) -> None:
    (tmp_path / "results/01_corpus").mkdir(parents=True)
    planted_run(tmp_path)
    settings = {"dmm_iterations": 2, "dmm_restarts": 2}
    frame = pd.DataFrame(dmm_initialisation.compare(tmp_path, "planted", [42, 7], settings))
    random = frame[frame["start"] == "random"]
    assert len(random) == 4 and random.groupby("seed")["kept"].sum().tolist() == [1, 1]
    # The kept restart is the one of the highest log-likelihood.
    for _, part in random.groupby("seed"):
        assert part.loc[part["kept"], "log_likelihood"].item() == part["log_likelihood"].max()
    starts = frame[frame["start"] != "random"]
    assert set(starts["start"]) == {"kmeans_tfidf", "kmeans_hellinger"}
    # Disjoint vocabularies: k-means and the sweeps after it find the sections.
    assert (starts["kmeans_nmi"] > 0.99).all() and (starts["nmi"] > 0.99).all()
    report = dmm_initialisation.report(frame, "0, 0, 0", settings)
    assert "| planted" in report and "kmeans_hellinger" in report
