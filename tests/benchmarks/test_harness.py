"""benchmarks/harness.py: the memory a measured command's processes hold."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import harness  # benchmarks/, on the path above

#: A parent of about 60 MiB that starts a child of about 250 MiB; both hold it for 1.5 s.
PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    held = b"p" * (60 * 2**20)
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; held = b'c' * (250 * 2**20); time.sleep(1.5)"]
    )
    child.wait()
    """
)


def test_run_measured_reports_the_tree_and_its_largest_process(tmp_path):
    measured = harness.run_measured([sys.executable, "-c", PARENT], cwd=tmp_path)
    assert measured["returncode"] == 0
    # The child alone: at least its 250 MiB, and less than the two together.
    assert 250 <= measured["process_peak_mib"] < measured["tree_peak_mib"]
    # The tree: both at once, at least 250 + 60 MiB.
    assert measured["tree_peak_mib"] >= 310
