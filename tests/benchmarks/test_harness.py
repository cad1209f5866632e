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


def test_the_kernels_are_compiled_in_each_copy_before_its_runs(tmp_path) -> None:
    """As ``make`` does after installing, and with the copy's own package (numba caches the
    compiled kernels beside the modules it compiled)."""
    topics = tmp_path / "copy" / "src" / "arabic_news_topics" / "topics"
    topics.mkdir(parents=True)
    (topics.parent / "__init__.py").write_text("")
    (topics / "__init__.py").write_text("")
    modules = [topics / "gsdmm.py", topics / "variational.py"]
    for module in modules:
        module.write_text(
            "from pathlib import Path\n"
            "Path(__file__).with_suffix('.compiled').write_text(__file__)\n"
        )
    assert harness.compile_kernels(tmp_path / "copy") == list(harness.KERNEL_MODULES)
    for module in modules:
        assert module.with_suffix(".compiled").read_text() == str(module)
    # A revision older than a kernel's cache has nothing of it to compile.
    modules[1].unlink()
    assert harness.compile_kernels(tmp_path / "copy") == [harness.KERNEL_MODULES[0]]
    modules[0].write_text("raise SystemExit('no sampler')\n")
    assert harness.compile_kernels(tmp_path / "copy") == []
