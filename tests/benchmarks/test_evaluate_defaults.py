"""benchmarks/evaluate_defaults.py: the report of the shipped defaults on labelled corpora
(its tables and what each seed's clusters chose; the workflow runs are not repeated here)."""

from __future__ import annotations

import evaluate_defaults  # benchmarks/, on the path (conftest.py)
import pandas as pd
import pytest


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = []
    seeds = ((42, "lsa_no_idf", "", 0.53), (7, "lsa_no_idf", "lsa", 0.54))
    for seed, features, close, nmi in seeds:
        rows.append(
            {"corpus": "c", "method": "kmeans_auto_k4", "seed": seed, "features": features,
             "within_noise": close, "nmi": nmi, "ari": 0.3, "v_measure": nmi}
        )  # fmt: skip
        rows.append(
            {"corpus": "c", "method": "topics_dmm", "seed": seed, "features": "",
             "within_noise": "", "nmi": 0.4, "ari": 0.2, "v_measure": 0.4}
        )  # fmt: skip
    return pd.DataFrame(rows)


def test_each_seeds_feature_choice_is_reported(frame):
    lines = evaluate_defaults.feature_choices(frame)
    assert lines == [
        "Features chosen by `kmeans_auto_k4`: seed 42 `lsa_no_idf`; seed 7 `lsa_no_idf` "
        "(`lsa` within noise).  "
    ]
    # Frames without the columns (an older stage 7) report nothing of them.
    assert evaluate_defaults.feature_choices(frame.drop(columns=["features"])) == []


def test_the_report_has_every_method_with_mean_and_sd(frame):
    report = evaluate_defaults.markdown(frame, {"c": 12.0}, "0.1, 0.1, 0.1")
    assert "| kmeans_auto_k4 | 0.535 ± 0.007 |" in report
    assert "| topics_dmm | 0.400 ± 0.000 |" in report
    assert "(`lsa` within noise)" in report and "c 12 s" in report
