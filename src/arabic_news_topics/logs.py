"""Logging set-up for workflow scripts: everything, tracebacks included, goes to the rule's log."""

from __future__ import annotations

import logging
import sys
import warnings


def log_to(path: str) -> None:
    """Send log records, warnings and uncaught tracebacks of this process to ``path``."""
    stream = open(path, "w", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    sys.stderr = stream
    logging.basicConfig(
        stream=stream,
        level=logging.INFO,
        force=True,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)
    warnings.simplefilter("default")
