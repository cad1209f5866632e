"""What every job script gets from ``workflow/scripts/add_src_to_path.py``, which each
imports first: this copy's ``src/`` first on the path, and a cheap exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "workflow" / "scripts"


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=SCRIPTS,
        env={"PYTHONPATH": str(SCRIPTS)},
    )
    return result.stdout


def test_every_script_imports_it_first():
    """Before anything of the package, so that this copy's ``src/`` is the one imported."""
    for script in sorted(SCRIPTS.glob("*.py")):
        if script.name == "add_src_to_path.py":
            continue
        lines = script.read_text(encoding="utf-8").splitlines()
        helper = lines.index(
            "import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)"
        )
        package = next(i for i, line in enumerate(lines) if "arabic_news_topics." in line)
        assert helper < package, script.name


def test_src_is_first_on_the_path():
    out = run_python("import sys; sys.path.append('x'); import add_src_to_path; print(sys.path[0])")
    assert Path(out.strip()) == SCRIPTS.parents[1] / "src"


def test_the_garbage_collector_skips_the_jobs_objects_at_exit():
    # An exit handler registered before the import runs after the module's (last in,
    # first out): by then every object the process made is frozen, out of the collector's
    # final passes.
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print(gc.get_freeze_count()))\n"
        "import add_src_to_path\n"
        "objects = [[i] for i in range(10000)]\n"
        "assert gc.get_freeze_count() == 0\n"
    )
    assert int(run_python(code)) >= 10000
