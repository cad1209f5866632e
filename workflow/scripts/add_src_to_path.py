"""Imported first by every script: puts the project's ``src/`` on ``sys.path``.

Snakemake puts the script's folder on the path, not the project's; this makes the
``arabic_news_topics`` package importable in any environment a job runs in (the project's
virtual environment, a per-rule conda environment, a cluster node), always from this copy
of the workflow.
"""

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
# First on the path even when already on it further down (Snakemake passes its own path on,
# after the site-packages of an environment that may hold another copy of the package).
while SRC in sys.path:
    sys.path.remove(SRC)
sys.path.insert(0, SRC)
