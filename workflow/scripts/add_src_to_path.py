"""Imported first by every script: puts the project's ``src/`` on ``sys.path``, and spares
the job's Python the garbage collector's passes over every object when it exits.

Snakemake puts the script's folder on the path, not the project's; this makes the
``arabic_news_topics`` package importable in any environment a job runs in (the project's
virtual environment, a per-rule conda environment, a cluster node), always from this copy
of the workflow.
"""

import atexit
import gc
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
# First on the path even when already on it further down (Snakemake passes its own path on,
# after the site-packages of an environment that may hold another copy of the package).
while SRC in sys.path:
    sys.path.remove(SRC)
sys.path.insert(0, SRC)

# At exit CPython collects garbage over every object the job made, most of them pandas',
# scipy's and matplotlib's modules: about 0.25 CPU s a job, a fifth of a small job's cost.
# Frozen objects are left out of those passes; the memory goes back to the system anyway.
# Freezing closes and flushes nothing: the other exit handlers (logging's) run as before.
atexit.register(gc.freeze)
