"""Fixtures of the explorer's tests: Debian's chromium driven by Playwright.

The browser is the system's ``chromium`` (Playwright's own browser download is never used:
the machine may have no network beyond the package mirrors). Where it is missing, it is
installed with apt when the tests run as root; elsewhere the browser tests are skipped and
say why, unless ARABIC_NEWS_TOPICS_REQUIRE_BROWSER=1 (CI), which makes them fail."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

REQUIRE_BROWSER = "ARABIC_NEWS_TOPICS_REQUIRE_BROWSER"
#: Debian's browser, and a font with Arabic letters for it to draw them with.
PACKAGES = ("chromium", "fonts-dejavu-core")


def _unavailable(message: str) -> None:
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{message} ({REQUIRE_BROWSER}=1 requires the browser)", pytrace=False)
    pytest.skip(message)


def _install(timeout: float = 900) -> str:
    """apt-get install the packages (as root); the message of what failed, or ''."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:  # package lists may be missing or stale on a fresh system
            update = ["apt-get", "update", "-q"]
            subprocess.run(update, env=env, capture_output=True, timeout=timeout)
            result = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout
            )
    except subprocess.TimeoutExpired:
        return f"apt-get did not finish in {timeout} s"
    if result.returncode != 0:
        return f"apt-get install failed (exit {result.returncode}): {result.stderr[-500:]}"
    return ""


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The path of Debian's chromium, installed with apt where it is missing and we are root."""
    path = shutil.which("chromium")
    if path is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            _unavailable(
                "no chromium: install Debian's package (apt-get install chromium) to run the "
                "explorer's browser tests"
            )
        problem = _install()
        path = shutil.which("chromium")
        if path is None:
            _unavailable(f"chromium could not be installed: {problem or 'not on PATH after it'}")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator:
    """A headless chromium driven by Playwright (``executable_path``: no download)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is missing (pip install -r requirements.txt)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield browser
        browser.close()
