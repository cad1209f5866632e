"""benchmarks/dmm_initialisation.py: its starts and rows on a planted two-section corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import dmm_initialisation  # benchmarks/, on the path above
from planted_corpora import planted_run


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
