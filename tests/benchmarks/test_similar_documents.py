"""benchmarks/similar_documents.py: the recall it reports, on planted tables, and one run."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import similar_documents  # benchmarks/, on the path above

from arabic_news_topics.tfidf import core


def test_recall_counts_ties_as_interchangeable_and_skips_rows_without_neighbours():
    rows = np.array([3, 5, 8])
    # Row 3: 2 exact neighbours, the second at 0.4; row 5: 2 at least 0.7; row 8: none.
    counts, floors = np.array([2, 2, 0]), np.array([0.4, 0.7, np.inf])
    listed = {
        3: np.array([0.9, 0.4]),  # both (0.4 may be a tied other document: it counts)
        5: np.array([0.8, 0.3]),  # one of two
    }
    recall = similar_documents.recall_per_row(listed, rows, counts, floors)
    assert recall[0] == 1.0
    assert recall[1] == 0.5
    assert np.isnan(recall[2])


def test_close_recall_pools_the_close_neighbours_of_all_rows():
    rows = np.array([0, 1])
    close = np.array([3, 1])  # 4 close exact neighbours in all
    listed = {0: np.array([0.9, 0.6, 0.2]), 1: np.array([0.55, 0.52])}
    # Row 0 lists 2 of its 3; row 1 lists 2 close ones but has only 1: counted once.
    assert similar_documents.close_recall(listed, rows, close) == pytest.approx(3 / 4)


def test_exact_floor_matches_the_dense_product():
    rng = np.random.RandomState(0)
    dense = rng.rand(40, 12) * (rng.rand(40, 12) < 0.3)
    dense /= np.maximum(np.linalg.norm(dense, axis=1), 1e-12)[:, None]
    matrix = sp.csr_matrix(dense)
    rows = np.array([0, 7, 21])
    counts, floors, close = similar_documents.exact_neighbour_floor(matrix, rows, 5)
    full = dense @ dense.T
    for i, row in enumerate(rows):
        others = np.delete(full[row], row)
        positive = np.sort(others[others > 0])[::-1][:5]
        assert counts[i] == len(positive)
        assert floors[i] == pytest.approx(positive[-1])
        assert close[i] == int(np.sum(positive >= similar_documents.CLOSE))


def test_a_run_reports_exact_recall_one_and_the_approximate_below(tmp_path):
    rng = np.random.RandomState(1)
    dense = rng.rand(120, 60) * (rng.rand(120, 60) < 0.15)
    dense[:, 0] = 1.0  # one word in every document: candidates by rare words miss some
    dense /= np.linalg.norm(dense, axis=1)[:, None]
    matrix = sp.csr_matrix(dense)
    path = tmp_path / "tfidf_matrix.npz"
    core.save_matrix(matrix, [f"d{i}" for i in range(120)], [f"t{j}" for j in range(60)], str(path))
    work_per_document = core.similarity_work(matrix) / 120 / 20
    similar_documents.main(
        [
            "--matrix",
            str(path),
            "--work-per-document",
            str(work_per_document),
            "--sample",
            "50",
            "--threads",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    table = pd.read_csv(tmp_path / "similar_documents.csv")
    assert table["method"].tolist() == ["exact", "approximate"]
    exact, approximate = table.iloc[0], table.iloc[1]
    assert exact["recall"] == 1.0 and exact["rows_below_0_9"] == 0
    assert 0 < approximate["recall"] < 1
    assert (tmp_path / "similar_documents.md").read_text().count("| approximate") == 1


def test_subset_rows_are_reproducible_sorted_and_all_when_not_smaller():
    first = similar_documents.subset_rows(100, 30, random_state=4)
    assert len(first) == 30 and len(set(first.tolist())) == 30
    assert np.all(np.diff(first) > 0)
    assert np.array_equal(first, similar_documents.subset_rows(100, 30, random_state=4))
    assert np.array_equal(similar_documents.subset_rows(100, None, 4), np.arange(100))
    assert np.array_equal(similar_documents.subset_rows(100, 100, 4), np.arange(100))


def test_products_and_reach_count_pairs_sharing_the_terms_used():
    rng = np.random.RandomState(2)
    dense = rng.rand(30, 15) * (rng.rand(30, 15) < 0.2)
    matrix = sp.csr_matrix(dense)
    present = dense > 0
    frequencies = present.sum(axis=0)
    numbers = {}
    for budget, used in [
        (None, frequencies > 0),
        (5.0, core.rare_term_mask(frequencies, 5.0 * 30)),
    ]:
        products, reached = similar_documents.products_and_reach(matrix, budget, random_state=0)
        assert products == pytest.approx((frequencies[used] ** 2).sum() / 30)
        shares = present[:, used].astype(int) @ present[:, used].T.astype(int)
        np.fill_diagonal(shares, 0)
        # 30 documents, fewer than REACHED_SAMPLE: every one is counted.
        assert reached == pytest.approx((shares > 0).sum(axis=1).mean())
        numbers[budget] = products
    # The budget keeps fewer terms: fewer products.
    assert numbers[5.0] < numbers[None]


def test_a_run_on_subsets_reports_each_size_and_the_growth(tmp_path):
    rng = np.random.RandomState(3)
    dense = rng.rand(120, 60) * (rng.rand(120, 60) < 0.15)
    dense[:, 0] = 1.0
    dense /= np.linalg.norm(dense, axis=1)[:, None]
    path = tmp_path / "tfidf_matrix.npz"
    core.save_matrix(
        sp.csr_matrix(dense), [f"d{i}" for i in range(120)], [f"t{j}" for j in range(60)], str(path)
    )
    similar_documents.main(
        [
            *("--matrix", str(path), "--documents", "60", "500", "--sample", "20"),
            *("--work-per-document", "20", "--threads", "1", "--out", str(tmp_path)),
        ]
    )
    table = pd.read_csv(tmp_path / "similar_documents.csv")
    # 500 is more than the matrix has: the whole matrix, once.
    assert table["documents"].tolist() == [60, 60, 120, 120]
    assert table["method"].tolist() == ["exact", "approximate"] * 2
    assert table["growth"].iloc[:2].isna().all()
    assert table["growth"].iloc[2:].notna().all()
    assert (table.loc[table["method"] == "exact", "recall"] == 1.0).all()
    text = (tmp_path / "similar_documents.md").read_text()
    assert "Subsets: 60 documents" in text
