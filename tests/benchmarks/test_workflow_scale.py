"""The scaled corpora of benchmarks/workflow_scale.py: larger, yet no copy a near duplicate."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import workflow_scale  # benchmarks/, on the path above

from arabic_news_topics.corpus.core import NearDuplicateIndex, NearDuplicateSettings
from arabic_news_topics.normalize.core import NormalizationSettings, recurring_lines_by_source

#: Arabic words to draw the planted articles from (any distinct words would do).
VOCABULARY = [
    "حكومة",
    "وزير",
    "مجلس",
    "قرار",
    "مشروع",
    "اقتصاد",
    "سوق",
    "شركة",
    "نفط",
    "سعر",
    "مدينة",
    "مدرسة",
    "طالب",
    "جامعة",
    "مستشفى",
    "طبيب",
    "مباراة",
    "فريق",
    "لاعب",
    "هدف",
    "بطولة",
    "مهرجان",
    "فيلم",
    "كتاب",
    "شاعر",
    "مسرح",
    "أمن",
    "حدود",
    "جيش",
    "قوات",
    "سلام",
    "اتفاق",
]


def planted_corpus(n: int = 60, words: int = 80, random_state: int = 3) -> list[dict]:
    rng = np.random.default_rng(random_state)
    records = []
    for i in range(n):
        body = rng.choice(VOCABULARY, size=words)
        # Two lines: the copies must keep the articles' line breaks.
        text = " ".join(body[: words // 2]) + "\n" + " ".join(body[words // 2 :])
        records.append(
            {
                "id": f"2015-07-{i:04d}",
                "source": ["okaz", "alriyadh", "aawsat"][i % 3],
                "date": f"2015-07-{1 + i % 28:02d}",
                "title": f"عنوان {i}",
                "text": text,
            }
        )
    return records


def test_copies_are_new_articles_of_the_same_newspapers() -> None:
    records = planted_corpus()
    scaled = list(workflow_scale.resampled_records(records, times=3, random_state=1))
    assert len(scaled) == 3 * len(records)
    assert scaled[: len(records)] == records  # copy 0 is the corpus as it is
    assert len({r["id"] for r in scaled}) == len(scaled)
    for number in (1, 2):
        for original, copy in zip(
            records, scaled[number * len(records) : (number + 1) * len(records)], strict=True
        ):
            assert copy["id"] == f"{original['id']}~x{number}"
            for field in ("source", "date", "title"):
                assert copy[field] == original[field]
            assert copy["text"] != original["text"]
            # Line by line, its first half is the original's words.
            lines = copy["text"].split("\n")
            assert len(lines) == len(original["text"].split("\n")) == 2
            for line, own in zip(lines, original["text"].split("\n"), strict=True):
                assert line.split()[:20] == own.split()[:20]
                assert line.split()[20:] != own.split()[20:]
            assert abs(len(copy["text"].split()) - 80) <= 1


def test_copies_are_as_long_as_the_articles() -> None:
    """Articles of many short lines paired with articles of one long line: the copies keep
    the corpus's length (within a word per line), whoever the partner is."""
    records = planted_corpus()
    for i, record in enumerate(records):
        words = record["text"].split()
        text = (
            "\n".join(" ".join(words[j : j + 5]) for j in range(0, 80, 5))
            if i % 2
            else " ".join(words)
        )
        records[i] = {**record, "text": text}
    scaled = list(workflow_scale.resampled_records(records, times=4, random_state=7))
    original = sum(len(r["text"].split()) for r in records)
    copies = sum(len(r["text"].split()) for r in scaled[len(records) :])
    assert abs(copies / (3 * original) - 1) < 0.02


def test_no_copy_is_a_near_duplicate_at_the_shipped_threshold() -> None:
    records = planted_corpus()
    index = NearDuplicateIndex(NearDuplicateSettings(enabled=True))
    scaled = workflow_scale.resampled_records(records, times=4, random_state=2)
    flagged = [r["id"] for r in scaled if index.first_similar(r["id"], r["text"]) is not None]
    assert flagged == []
    # The index does flag a repeat, so the check above could fail.
    assert index.first_similar("again", records[5]["text"]) == records[5]["id"]


def test_no_line_of_the_copies_is_removed_as_boilerplate() -> None:
    """At 10 copies no line recurs in ``recurring_line_min_documents`` (10) documents of a
    newspaper, where a line of the corpus itself does not: stage 2 removes nothing more."""
    records = planted_corpus()
    boilerplate = "تابعونا على مواقع التواصل"
    records[0] = {**records[0], "text": records[0]["text"] + "\n" + boilerplate}
    scaled = list(workflow_scale.resampled_records(records, times=10, random_state=4))
    settings = NormalizationSettings()
    assert settings.recurring_line_min_documents == 10
    assert recurring_lines_by_source(records, settings) == {
        "aawsat": frozenset(),
        "alriyadh": frozenset(),
        "okaz": frozenset(),
    }
    assert not any(recurring_lines_by_source(scaled, settings).values())
    # The detector does find a line that recurs in ten documents, so the check could fail.
    repeated = records[:1] + [{**r, "text": boilerplate} for r in records[3:30:3]]
    assert recurring_lines_by_source(repeated, settings)["okaz"] == frozenset([boilerplate])


def test_the_partners_are_drawn_from_the_random_state() -> None:
    records = planted_corpus()
    first = list(workflow_scale.resampled_records(records, times=2, random_state=5))
    again = list(workflow_scale.resampled_records(records, times=2, random_state=5))
    other = list(workflow_scale.resampled_records(records, times=2, random_state=6))
    assert first == again
    assert first != other


def test_mixed_text_halves() -> None:
    assert workflow_scale.mixed_text("a b c d", "e f g h") == "a b g h"
    assert workflow_scale.mixed_text("a b c", "") == "a b"
    assert workflow_scale.mixed_text("", "e f") == "f"
    # Line by line: each line's first half, then its share of the partner's second half
    # (the partner's line breaks dropped), so the text is as long as the two halves.
    assert workflow_scale.mixed_text("a\nb c d", "e f g\nh") == "a g\nb h"
    assert workflow_scale.mixed_text("a b\nc d\n", "e f") == "a\nc f\n"
    assert workflow_scale.mixed_text("a b c d", "e f g h") == "a b g h"


def test_times_below_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(workflow_scale.resampled_records(planted_corpus(3), times=0))


def test_growth_exponent() -> None:
    assert workflow_scale.growth(10.0, 20.0, 2.0) == pytest.approx(1.0)
    assert workflow_scale.growth(10.0, 40.0, 2.0) == pytest.approx(2.0)
    assert np.isnan(workflow_scale.growth(0.0, 40.0, 2.0))


def test_report_names_the_rules_that_grow_faster_than_linear() -> None:
    runs = []
    for times in (1, 2):
        jobs = pd.DataFrame(
            {
                "version": f"x{times}",
                "job": ["quadratic", "linear", "tiny"],
                "rule": ["quadratic", "linear", "tiny"],
                # Planted: time x 2**2, x 2, and a rule too short to judge (x 2**3).
                "wall_s": [20.0 * times**2, 30.0 * times, 1.0 * times**3],
                "cpu_s": [1.0] * 3,
                "max_rss_mib": [100.0] * 3,
            }
        )
        runs.append(
            {
                "label": f"x{times}",
                "times": times,
                "records": 100 * times,
                "documents": 100 * times,
                "returncode": 0,
                "wall_s": 50.0 * times,
                "cpu_s": 90.0 * times,
                "tree_peak_mib": 500.0,
                "process_peak_mib": 321.0 * times,
                "jobs": jobs,
            }
        )
    text = workflow_scale.report(runs, [], "corpus.jsonl.gz")
    # Each size's largest process (sampled by the benchmark) beside Snakemake's record.
    header = next(line for line in text.splitlines() if line.startswith("| corpus"))
    assert "largest_process_mib" in header and "largest_job_mib" in header
    sizes = [line for line in text.splitlines() if line.startswith(("| 1×", "| 2×"))]
    assert [line.split("|")[-3].strip() for line in sizes[:2]] == ["321", "642"]
    verdict = text.strip().splitlines()[-1]
    assert "`quadratic` (2.00)" in verdict
    assert "`linear`" not in verdict and "`tiny`" not in verdict
    assert "`corpus.jsonl.gz`" in text.splitlines()[0]
    assert "`snakemake --cores 2` from" in text and "--until" not in text
    # A run stopped early says where, so that its totals are not read as the whole workflow's.
    stopped = workflow_scale.report(runs, [], "corpus.jsonl.gz", ["compute_tfidf", "read_corpus"])
    assert "`snakemake --cores 2 --until compute_tfidf read_corpus` from" in stopped
    some = workflow_scale.report(runs, [], "corpus.jsonl.gz", targets=["a/b.csv", "c.csv"])
    assert "`snakemake a/b.csv c.csv --cores 2` from" in some


@pytest.fixture
def snakemake_commands(fake_snakemake) -> list[list[str]]:
    """The commands ``workflow_speed.run_version`` would run (none is run), in order."""
    return fake_snakemake.commands


def test_until_reaches_snakemake(snakemake_commands, tmp_path) -> None:
    """``--until`` is passed to Snakemake as its own option, and left out when not given."""
    import workflow_speed

    for name, until in (("a", ["cluster_documents", "build_lda_corpus"]), ("b", [])):
        (tmp_path / name).mkdir()
        workflow_speed.run_version(name, tmp_path / name, "c.yaml", 2, 10.0, 1.0, until)
    first, second = snakemake_commands
    assert first[first.index("--until") :] == ["--until", "cluster_documents", "build_lda_corpus"]
    assert "--until" not in second
    assert parse_until(["--workdir", "w", "--until", "x", "y"]) == ["x", "y"]
    assert parse_until(["--workdir", "w"]) == []


def test_targets_reach_snakemake_before_its_options(snakemake_commands, tmp_path) -> None:
    """``--targets`` are Snakemake's positional targets, and absent when not given."""
    import workflow_speed

    for name, targets in (("a", ["x/topics.csv", "y/topics.csv"]), ("b", [])):
        (tmp_path / name).mkdir()
        workflow_speed.run_version(name, tmp_path / name, "c.yaml", 2, 10.0, 1.0, (), targets)
    first, second = snakemake_commands
    assert first[1:4] == ["x/topics.csv", "y/topics.csv", "--cores"]
    assert second[1] == "--cores"
    args = workflow_scale.parse_args(["--workdir", "w", "--targets", "x", "y"])
    assert args.targets == ["x", "y"] and args.until == []


def parse_until(argv: list[str]) -> list[str]:
    return workflow_scale.parse_args(argv).until
