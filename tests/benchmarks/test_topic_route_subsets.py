"""benchmarks/topic_route_subsets.py: clusters on topic mixtures (and LSA with them) beside
the shipped choice, on the sub-corpora of feature_choice_subsets.py."""

from __future__ import annotations

import feature_choice_subsets
import pandas as pd
import topic_route_subsets  # benchmarks/, on the path (conftest.py)


def test_the_routes_on_the_sub_corpora_of_one_draw(runs, tmp_path):
    out = tmp_path / "out"
    topic_route_subsets.main(
        ["--runs", str(runs), "--out", str(out), "--draws", "3", "--num-topics", "6"]
    )
    rows = pd.read_csv(out / "topic_route_subsets_wide.csv")
    # The same sub-corpora as feature_choice_subsets.py draws with that seed.
    drawn = [name for _, name, _, _ in feature_choice_subsets.sub_corpora(runs, "wide", [3])]
    assert rows["corpus"].tolist() == drawn
    for column in (
        "nmi_topics_K6",
        "stability_topics_K6",
        "stability_kmeans_topics_K6",
        "nmi_hybrid_lda_K6",
        "nmi_hybrid_nmf_w0.1",
        "nmi_hybrid_nmf_w0.25",
        "nmi_hybrid_nmf_w1",
        "nmi_dmm",
        "stability_dmm",
    ):
        assert rows[column].between(-1, 1).all(), column
    # Planted sections of their own words: every route finds them better than chance.
    assert rows["nmi_topics_K6"].mean() > 0.5
    assert rows["nmi_hybrid_nmf_w0.25"].mean() > 0.5
    # The chosen space's NMI is that of the space the rule chose.
    taken = [row[f"nmi_{row['chosen']}"] for _, row in rows.iterrows()]
    assert rows["nmi_chosen"].round(4).tolist() == pd.Series(taken).round(4).tolist()
    # The rule with the DMM first takes its partition exactly where it is at least as stable.
    takes = rows["stability_dmm"].round(3) >= rows["stability_chosen"].round(3)
    expected = rows["nmi_dmm"].where(takes, rows["nmi_refined"])
    assert rows["nmi_rule_with_dmm"].round(4).tolist() == expected.round(4).tolist()
    report = (out / "topic_route_subsets_wide.md").read_text(encoding="utf-8")
    # The counts of the report are those of the table.
    family = rows["corpus"].str.split(":").str[0]
    better = (rows["nmi_topics_K6"] > rows["nmi_refined"] + 0.01).groupby(family).sum()
    taken_by_rule = (rows["stability_topics_K6"] > rows["stability_chosen"]).groupby(family).sum()
    section = report.split("## How often")[1].split("## Every")[0]
    header, _, *body = [line for line in section.splitlines() if line.startswith("|")]
    table = {
        cells[0]: dict(zip(names[1:], cells[1:], strict=True))
        for line in body
        for names, cells in [
            [[c.strip() for c in row.strip("|").split("|")] for row in (header, line)]
        ]
    }
    for name in ("hespress-4cat", "antms-6cat"):
        assert int(table[name]["topics_K6_better"]) == better[name]
        assert int(table[name]["rule_takes_topics_K6"]) == taken_by_rule[name]
