"""benchmarks/feature_choice_subsets.py: the label-free choice of the cluster features on
sub-corpora of labelled runs, beside an alternative rule and each space used always."""

from __future__ import annotations

import feature_choice_subsets  # benchmarks/, on the path (conftest.py)
import pandas as pd


def test_the_wide_design_over_two_draws(runs, tmp_path):
    out = tmp_path / "out"
    feature_choice_subsets.main(
        ["--runs", str(runs), "--out", str(out), "--design", "wide", "--draws", "0", "1"]
    )
    rows = pd.read_csv(out / "feature_choice_subsets_wide.csv")
    per_draw = sum(n for _, _, n in feature_choice_subsets.DESIGNS["wide"])
    assert per_draw == 28 and len(rows) == 2 * per_draw
    assert sorted(rows["draw"].unique()) == [0, 1]
    # Another draw, other sub-corpora: the same sections drawn in another order or other
    # documents of them.
    first, second = (rows[rows["draw"] == d].reset_index() for d in (0, 1))
    assert (first["corpus"] != second["corpus"]).any() or (
        first["nmi_lsa"] != second["nmi_lsa"]
    ).any()
    assert set(rows["sections"]) == {2, 3, 4}
    # Each regret is the best space's NMI minus the one the rule (or the fixed space) took;
    # the shipped candidates include the DMM (the planted runs are under its size limit).
    assert rows["nmi_dmm"].notna().all() and rows["stability_dmm"].notna().all()
    best = rows[["nmi_lsa", "nmi_lsa_no_idf", "nmi_dmm"]].max(axis=1)
    for rule, chosen in (("regret", "chosen"), ("regret_with_margin", "chosen_with_margin")):
        taken = [row[f"nmi_{row[chosen]}"] for _, row in rows.iterrows()]
        assert (best - taken).round(4).tolist() == rows[rule].round(4).tolist()
    assert rows["regret_always_lsa"].ge(-1e-4).all()
    assert ((rows["regret_always_lsa"] < 1e-4) | (rows["regret_always_lsa_no_idf"] < 1e-4)).all()
    # The planted sections are found (their words are section words, no IDF trap).
    assert rows["nmi_stage"].mean() > 0.5
    assert rows["within_noise"].dtype == bool
    report = (out / "feature_choice_subsets_wide.md").read_text(encoding="utf-8")
    assert "chose_best_within_noise" in report
    assert "antms-6cat, 2 sections" in report and "mean_regret_with_margin" in report
    assert "Draws of the sub-corpora: 0, 1" in report


def test_the_standard_design_adds_the_whole_corpora(runs, tmp_path):
    out = tmp_path / "out"
    feature_choice_subsets.main(["--runs", str(runs), "--out", str(out)])
    rows = pd.read_csv(out / "feature_choice_subsets.csv")
    whole = rows[rows["corpus"].str.endswith("(whole)")]
    assert sorted(whole["corpus"]) == ["antms-6cat (whole)", "hespress-4cat (whole)"]
    assert len(rows) == sum(n for _, _, n in feature_choice_subsets.DESIGNS["standard"]) + 2
    assert (out / "feature_choice_subsets.md").exists()


def test_other_candidates_are_compared_under_their_own_name(runs, tmp_path):
    """``--auto-features`` replaces the shipped candidates; without the shipped DMM the
    results are named ``_without_dmm`` and no row has a DMM column or chose it."""
    out = tmp_path / "out"
    argv = ["--runs", str(runs), "--out", str(out), "--design", "wide", "--draws", "0"]
    feature_choice_subsets.main([*argv, "--auto-features", "lsa", "lsa_no_idf"])
    rows = pd.read_csv(out / "feature_choice_subsets_wide_without_dmm.csv")
    assert not (out / "feature_choice_subsets_wide.csv").exists()
    assert set(rows["chosen"]) <= {"lsa", "lsa_no_idf"}
    assert not [c for c in rows.columns if "dmm" in c]
    assert "among `lsa`, `lsa_no_idf`, chosen" in (
        out / "feature_choice_subsets_wide_without_dmm.md"
    ).read_text(encoding="utf-8")


def test_the_large_design_takes_whole_sections_and_the_dmm_limit_can_be_moved(runs, tmp_path):
    """``--design large``: every article of two to five antms-6cat sections (about 30 each
    in the planted runs); ``--dmm-max-tokens`` below the larger ones' word tokens leaves the
    DMM out of those, and the results are named after the limit."""
    tokens = feature_choice_subsets.read_tokens(runs, "antms-6cat")
    sections = pd.Series([d["doc_id"].split("/")[1] for d in tokens]).value_counts()
    words = pd.Series([len(d["tokens"]) for d in tokens]).groupby(
        [d["doc_id"].split("/")[1] for d in tokens]
    )
    # About three sections' tokens: two sections under it, four and five above.
    limit = int(3 * words.sum().median())
    out = tmp_path / "out"
    argv = ["--runs", str(runs), "--out", str(out), "--design", "large"]
    feature_choice_subsets.main([*argv, "--dmm-max-tokens", str(limit)])
    rows = pd.read_csv(out / f"feature_choice_subsets_large_dmm_max_{limit}.csv")
    assert not (out / "feature_choice_subsets_large.csv").exists()
    assert len(rows) == 12 and set(rows["sections"]) == {2, 3, 4, 5}
    assert rows["corpus"].str.startswith("antms-6cat: ").all()
    # Every article of the drawn sections.
    for _, row in rows.iterrows():
        drawn = row["corpus"].removeprefix("antms-6cat: ").split(", ")
        assert row["documents"] == sections[drawn].sum()
        # The counts the DMM samples are stage 2's tokens of the TF-IDF's terms.
        assert 0 < row["tokens"] <= words.sum()[drawn].sum()
    under = rows["tokens"] <= limit
    assert under.any() and not under.all()
    assert rows.loc[under, "nmi_dmm"].notna().all()
    assert rows.loc[~under, "nmi_dmm"].isna().all()
    assert rows.loc[~under, "left_out"].str.contains("dmm").all()
    assert (rows.loc[~under, "chosen"] != "dmm").all()
    report = (out / f"feature_choice_subsets_large_dmm_max_{limit}.md").read_text(encoding="utf-8")
    assert "every article of their sections" in report
    assert f"up to {limit:,} word tokens" in report


def test_several_random_states_give_the_seed_to_seed_spread(runs, tmp_path, monkeypatch):
    seen = []
    stage_runs = feature_choice_subsets.clusters.candidate_runs

    def spy(matrix, names, n_components, random_state, n_runs, *rest, **options):
        seen.append((random_state, n_runs))
        return stage_runs(matrix, names, n_components, random_state, n_runs, *rest, **options)

    monkeypatch.setattr(feature_choice_subsets.clusters, "candidate_runs", spy)
    out = tmp_path / "out"
    argv = ["--runs", str(runs), "--out", str(out), "--design", "wide", "--draws", "0"]
    feature_choice_subsets.main([*argv, "--random-states", "42", "7", "--stability-runs", "3"])
    stem = "feature_choice_subsets_wide_stability_runs_3_random_states_42_7"
    rows = pd.read_csv(out / f"{stem}.csv")
    per_draw = sum(n for _, _, n in feature_choice_subsets.DESIGNS["wide"])
    assert len(rows) == 2 * per_draw
    states = rows.groupby(["draw", "corpus"])["random_state"].apply(sorted)
    assert all(found == [7, 42] for found in states)
    # Each sub-corpus's candidates were run at each random state, with the runs asked for.
    assert sorted(set(seen)) == [(7, 3), (42, 3)] and len(seen) == 2 * per_draw
    # The seed-42 rows are those of a run at the default random state alone.
    feature_choice_subsets.main([*argv, "--stability-runs", "3"])
    alone = pd.read_csv(out / "feature_choice_subsets_wide_stability_runs_3.csv")
    at_42 = rows[rows["random_state"] == 42].reset_index(drop=True)
    assert at_42["nmi_refined"].round(4).tolist() == alone["nmi_refined"].round(4).tolist()
    report = (out / f"{stem}.md").read_text(encoding="utf-8")
    assert "mean_seed_sd" in report and "seed_sd_over_0.02" in report
    assert "Random states of the stage: 42, 7" in report and "3 runs of each space" in report
