"""The group_effects step and its figures on a synthetic corpus with outlets, dates and a
planted difference between two outlets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arabic_news_topics.io import read_table
from arabic_news_topics.trends import figures, step


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(5)
    n = 300
    sources = rng.choice(
        ["okaz", "alriyadh", "aleqtisadiya", "almadina"], n, p=[0.4, 0.3, 0.2, 0.1]
    )
    dates = pd.Timestamp("2015-07-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    # okaz writes more of topic 1 (planted: 0.5 against 0.25 elsewhere).
    alpha = np.where((sources == "okaz")[:, None], [4.0, 2.0, 2.0], [2.0, 4.0, 2.0])
    theta = np.array([rng.dirichlet(a) for a in alpha])
    ids = [f"d{i}" for i in range(n)]
    meta = pd.DataFrame(
        {"doc_id": ids, "date": dates.strftime("%Y-%m-%d"), "label": "", "source": sources}
    )
    meta.loc[0, "date"] = ""  # an undated document: left out of the periods only
    topics = pd.DataFrame(theta, columns=["topic_1", "topic_2", "topic_3"]).assign(doc_id=ids)
    themes = pd.DataFrame(
        {
            "doc_id": ids,
            "terrorism": theta[:, 0],
            "nato_relations": theta[:, 1],
            "dominant_theme": np.where(theta[:, 0] > theta[:, 1], "terrorism", "nato_relations"),
        }
    )
    summary = pd.DataFrame(
        {
            "topic": [1, 2, 3],
            "top_words": ["داعش، هجوم، إرهاب", "الناتو، حلف، أطلسي", "سلام، مؤتمر، إسرائيل"],
            "top_terms": ["داعش، هجوم، ارهاب", "ناتو، حلف، اطلسي", "سلام، موتمر، اسراييل"],
            "theme": ["terrorism", "nato_relations", "none"],
            "score": [0.1, 0.1, 0.0],
        }
    )
    paths = {"metadata": tmp_path / "metadata.tsv", "doc_topics": tmp_path / "doc_topics.csv"}
    meta.to_csv(paths["metadata"], sep="\t", index=False)
    topics[["doc_id", "topic_1", "topic_2", "topic_3"]].to_csv(paths["doc_topics"], index=False)
    paths["doc_themes"] = tmp_path / "doc_themes.csv"
    themes.to_csv(paths["doc_themes"], index=False)
    paths["topic_summary"] = tmp_path / "topic_summary.csv"
    summary.to_csv(paths["topic_summary"], index=False)
    return paths


def run(tmp_path, corpus, **settings):
    out = {
        f"{name}_{suffix}": tmp_path / f"{name}.{suffix}"
        for name in ("topics", "themes", "differences", "adjusted")
        for suffix in ("csv", "md")
    }
    step.group_effects(
        str(corpus["metadata"]),
        str(corpus["doc_topics"]),
        str(corpus["doc_themes"]),
        "month",
        **{k: str(v) for k, v in out.items()},
        n_boot=300,
        **settings,
    )
    return out


def draw(tmp_path, out, corpus) -> None:
    """The step's four figures of the tables ``out``, in ``tmp_path``."""
    names = {}
    for name in ("by_source", "over_time", "differences", "themes_by_source"):
        names[f"{name}_png"] = str(tmp_path / f"{name}.png")
        names[f"{name}_pdf"] = str(tmp_path / f"{name}.pdf")
    figures.plot_group_effects(
        str(out["topics_csv"]),
        str(out["themes_csv"]),
        str(out["differences_csv"]),
        str(corpus["topic_summary"]),
        **names,
    )


def test_group_effects_find_the_planted_outlet_difference(tmp_path, corpus):
    out = run(
        tmp_path, corpus, contrasts=[{"covariate": "source", "first": "okaz", "second": "alriyadh"}]
    )
    topics = read_table(out["topics_csv"], dtype={"group": str})
    assert list(topics.columns) == [
        "covariate", "group", "topic", "documents", "estimate", "lower", "upper", "note",
    ]  # fmt: skip
    # The label column is empty: only source and period are covariates.
    assert set(topics["covariate"]) == {"source", "period"}
    periods = topics[topics["covariate"] == "period"]
    assert periods["group"].unique().tolist() == ["2015-07", "2015-08", "2015-09"]
    assert periods.drop_duplicates("group")["documents"].sum() == 299  # one undated
    okaz = topics[(topics["group"] == "okaz") & (topics["topic"] == "topic_1")].iloc[0]
    assert okaz.lower < 0.5 < okaz.upper
    differences = read_table(out["differences_csv"])
    row = differences[(differences["kind"] == "topic") & (differences["outcome"] == "topic_1")]
    assert row["contrast"].item() == "okaz − alriyadh"
    # One corpus, not a coverage test (tests/trends/test_effects.py): the planted 0.25 is
    # estimated closely and the interval excludes no difference.
    assert row["estimate"].item() == pytest.approx(0.25, abs=0.08)
    assert row["lower"].item() > 0
    themes = read_table(out["themes_csv"])
    assert set(themes["theme"]) == {"terrorism", "nato_relations"}
    # okaz, the largest outlet, is the reference: adjusted for the months, every other
    # outlet writes about 0.25 less of topic 1.
    adjusted = read_table(out["adjusted_csv"], dtype={"group": str})
    rows = adjusted[(adjusted["kind"] == "topic") & (adjusted["outcome"] == "topic_1")]
    outlets = rows[rows["covariate"] == "source"]
    assert set(outlets["reference"]) == {"okaz"}
    assert outlets["estimate"].between(-0.35, -0.15).all()
    assert (outlets["upper"] < 0).all()
    assert set(rows["covariate"]) == {"source", "period"}
    assert themes["estimate"].between(0, 1).all()


def test_split_date_gives_the_default_contrast_and_a_missing_covariate_is_named(tmp_path, corpus):
    out = run(tmp_path, corpus, split_date="2015-08-15")
    differences = read_table(out["differences_csv"])
    assert set(differences["contrast"]) == {"after − before"}
    # Without contrasts or a split date: the two largest sources.
    out = run(tmp_path, corpus)
    assert set(read_table(out["differences_csv"])["contrast"]) == {"okaz − alriyadh"}
    with pytest.raises(ValueError, match="no 'label'"):
        run(tmp_path, corpus, contrasts=[{"covariate": "label", "first": "a", "second": "b"}])


def test_group_effect_figures(tmp_path, corpus, drawn):
    out = run(tmp_path, corpus, split_date="2015-08-15")
    draw(tmp_path, out, corpus)
    assert all(
        (tmp_path / f"{n}.png").stat().st_size > 10_000
        for n in ("by_source", "over_time", "differences", "themes_by_source")
    )
    by_source = drawn[0]
    # One series of points and intervals per source, four sources.
    assert len(by_source.axes[0].get_legend().get_texts()) == 4


def test_tables_name_the_topics(tmp_path, corpus):
    labels = tmp_path / "topic_labels.csv"
    labels.write_text("topic,label\n1,terror_news\n2,الناتو\n3,سلام\n", encoding="utf-8")
    out = run(tmp_path, corpus, topic_labels=str(labels))
    topics = read_table(out["topics_csv"], dtype={"label": str})
    assert topics.columns[:4].tolist() == ["covariate", "group", "topic", "label"]
    assert set(topics.loc[topics["topic"] == "topic_1", "label"]) == {"terror_news"}
    differences = read_table(out["differences_csv"], dtype={"label": str}).fillna("")
    assert differences.loc[differences["outcome"] == "topic_2", "label"].tolist() == ["الناتو"]
    assert differences.loc[differences["kind"] == "theme", "label"].eq("").all()


def test_folder_sources_are_shown_by_their_own_folder(tmp_path, corpus, drawn, recwarn):
    """A folder-per-section corpus: every source is ``archive!folder/section``, a long path
    shared by all. The figures show the sections (tables keep the whole names), and the
    long names no longer squeeze the axes to nothing."""
    meta = pd.read_csv(corpus["metadata"], sep="\t", dtype=str, keep_default_na=False)
    root = "/home/researcher/corpora/arabic-news-4cat.tar.gz!arabic-news-4cat/"
    meta["source"] = root + meta["source"]
    meta.to_csv(corpus["metadata"], sep="\t", index=False)
    out = run(tmp_path, corpus)
    assert set(read_table(out["differences_csv"])["contrast"]) == {f"{root}okaz − {root}alriyadh"}
    draw(tmp_path, out, corpus)
    by_source, _, differences, themes_by_source = drawn
    for fig in (by_source, themes_by_source):
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert [t.split(" (")[0] for t in legend] == [
            "okaz",
            "alriyadh",
            "aleqtisadiya",
            "almadina",
        ]
    assert differences.axes[0].get_title().startswith("okaz − alriyadh (source;")
    assert not [w for w in recwarn if "constrained_layout not applied" in str(w.message)]
    for fig in (by_source, differences, themes_by_source):
        # Each axes keeps at least half the figure's width for its points.
        assert fig.axes[0].get_position().width > 0.5


def test_a_contrast_names_its_sources_as_the_other_figures_do(tmp_path, corpus, drawn):
    """Nested folders: shortened over the contrast's pair alone, ``a/okaz − a/alriyadh``
    would lose the ``a/`` that tells them from ``b/`` in the legends. The table keeps each
    group whole in ``first`` and ``second``, even one whose name contains " − "."""
    meta = pd.read_csv(corpus["metadata"], sep="\t", dtype=str, keep_default_na=False)
    folders = {"okaz": "a/okaz", "alriyadh": "a/al − riyadh", "aleqtisadiya": "b/aleqtisadiya"}
    meta["source"] = "/data/news!news/" + meta["source"].map(folders).fillna("b/almadina")
    meta.to_csv(corpus["metadata"], sep="\t", index=False)
    out = run(tmp_path, corpus)
    table = read_table(out["differences_csv"])
    assert set(table["first"]) == {"/data/news!news/a/okaz"}
    assert set(table["second"]) == {"/data/news!news/a/al − riyadh"}
    draw(tmp_path, out, corpus)
    by_source, _, differences, _ = drawn
    legend = [t.get_text().split(" (")[0] for t in by_source.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["a/okaz", "a/al − riyadh"]
    assert differences.axes[0].get_title().startswith("a/okaz − a/al − riyadh (source;")
