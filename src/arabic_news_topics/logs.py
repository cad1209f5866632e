"""Logging set-up for workflow scripts: everything, tracebacks included, goes to the rule's log."""

from __future__ import annotations

import logging
import os
import socket
import sys
import warnings


def log_to(path: str) -> None:
    """Send log records, warnings and uncaught tracebacks of this process to ``path``.

    A job that runs under SLURM says so in its first line (job id and node), so that its log
    shows where and as which cluster job it ran.
    """
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
    slurm_job_id = os.environ.get("SLURM_JOB_ID")
    if slurm_job_id:
        logging.getLogger(__name__).info(
            "SLURM job %s on node %s", slurm_job_id, socket.gethostname()
        )
