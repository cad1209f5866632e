"""Imported first by every script: puts the project's ``src/`` on ``sys.path``.

Snakemake puts the script's folder on the path, not the project's; this makes the
``arabic_news_topics`` package importable in any environment a job runs in (the project's
virtual environment, a per-rule conda environment, a cluster node), always from this copy
of the workflow.
"""

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)
