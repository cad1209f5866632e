"""The model bundle's folder: its manifest, checksums and version check.

A bundle is a plain folder that can be copied to another machine: every file is listed in
``manifest.json`` with its SHA-256, and the manifest names the package version and bundle
format that wrote it. :func:`check_bundle` refuses a bundle whose files changed or that
another version wrote, with a message that says which.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from ..io import write_text

#: The layout of a bundle; a reader accepts only its own.
BUNDLE_FORMAT = 1
MANIFEST = "manifest.json"


class BundleError(ValueError):
    """A bundle that cannot be used: missing, changed, or from another version."""


def package_version() -> str:
    """The installed version of the project's package."""
    try:
        return metadata.version("arabic-news-topics")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0+unknown"


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundle_files(folder: str | Path) -> list[str]:
    """Every file of the bundle but the manifest and hidden files (Snakemake marks a folder
    output with ``.snakemake_timestamp``), as sorted POSIX paths inside it."""
    folder = Path(folder)
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    )


def write_manifest(folder: str | Path, info: Mapping) -> dict:
    """``manifest.json`` of ``folder``: ``info`` (config, corpus, model), the version and
    format, and each file's size and SHA-256."""
    folder = Path(folder)
    manifest = {
        "bundle_format": BUNDLE_FORMAT,
        "package_version": package_version(),
        **info,
        "files": {
            name: {"bytes": (folder / name).stat().st_size, "sha256": file_digest(folder / name)}
            for name in bundle_files(folder)
        },
    }
    write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def check_bundle(folder: str | Path, verify_checksums: bool = True) -> dict:
    """The manifest of a usable bundle; :class:`BundleError` naming the problem otherwise:
    no such folder, no manifest, another bundle format or package version, a file missing,
    added or changed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BundleError(f"no model bundle at {folder}: the folder does not exist")
    path = folder / MANIFEST
    if not path.is_file():
        raise BundleError(f"{folder} is not a model bundle: it has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BundleError(f"{path} cannot be read: {error}") from error
    written = (manifest.get("bundle_format"), manifest.get("package_version"))
    here = (BUNDLE_FORMAT, package_version())
    if written != here:
        raise BundleError(
            f"{folder} was written by arabic-news-topics {written[1]} (bundle format "
            f"{written[0]}); this is {here[1]} (format {here[0]}): apply it with the version "
            "that wrote it, or export the model again with this one"
        )
    if verify_checksums:
        listed = manifest.get("files", {})
        present = set(bundle_files(folder))
        for name in sorted(set(listed) - present):
            raise BundleError(f"{folder}: {name} is missing (the manifest lists it)")
        for name in sorted(present - set(listed)):
            raise BundleError(f"{folder}: {name} is not in the manifest (a file was added)")
        for name, entry in sorted(listed.items()):
            if file_digest(folder / name) != entry["sha256"]:
                raise BundleError(
                    f"{folder}: {name} has changed since the bundle was written (its SHA-256 "
                    "differs from the manifest's)"
                )
    return manifest
