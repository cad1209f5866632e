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


def _labelled_archive(path, sections=6, per_section=5):
    """A folder-per-section ``.tar.gz`` like the shared labelled corpora."""
    import io
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        for s in range(sections):
            for i in range(per_section):
                data = f"section {s} article {i}".encode()
                member = tarfile.TarInfo(f"corpus/section_{s}/{i}.txt")
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
    return path


def _members(path):
    import tarfile

    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read().decode() for m in archive.getmembers()}


def test_a_held_out_sized_corpus_has_the_drawn_sections_and_size(tmp_path):
    source = _labelled_archive(tmp_path / "corpus.tar.gz")
    target = tmp_path / "runs" / "c-draw0" / "c-draw0.tar.gz"
    sections = evaluate_defaults.held_out_sized(source, target, 0, n_sections=4, max_documents=13)
    members = _members(target)
    assert len(sections) == 4 and sections == sorted(sections)
    assert len(members) == 13
    for name, text in members.items():
        folder, section, file = name.split("/")
        # Each article keeps its section folder (the label) and its own text.
        assert folder == "c-draw0" and section in sections
        assert text == f"section {section.split('_')[1]} article {file.removesuffix('.txt')}"
    # The same draw: the same bytes, and the file is not written again (Snakemake keeps its
    # results); another draw: other articles.
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    assert evaluate_defaults.held_out_sized(source, target, 0, 4, 13) == sections
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before
    other = tmp_path / "other.tar.gz"
    evaluate_defaults.held_out_sized(source, other, 1, 4, 13)
    assert set(_members(other)) != set(members)
    # Fewer articles than the most: every article of the drawn sections.
    evaluate_defaults.held_out_sized(source, target, 0, 2, 1000)
    assert len(_members(target)) == 10


def test_held_out_sized_corpora_are_named_after_their_run_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_defaults, "CORPORA", tmp_path)
    _labelled_archive(tmp_path / "hespress-4cat.tar.gz", sections=4)
    chosen = evaluate_defaults.corpora(["hespress-4cat"], [3], tmp_path / "runs")
    ((name, path),) = chosen
    assert name.startswith("hespress-4cat-draw3: section_") and path.exists()
    assert path.parent == tmp_path / "runs" / name.split(":")[0]
    # Without draws: the whole corpora.
    assert evaluate_defaults.corpora(["hespress-4cat"], None, tmp_path) == [
        ("hespress-4cat", tmp_path / "hespress-4cat.tar.gz")
    ]


def test_the_held_out_sized_report_says_what_its_corpora_are(frame):
    report = evaluate_defaults.markdown(frame, {}, "0.1, 0.1, 0.1", sized=True)
    assert "of the held-out corpora's size" in report and "1,850" in report
    assert "held-out" not in evaluate_defaults.markdown(frame, {}, "0.1, 0.1, 0.1")
