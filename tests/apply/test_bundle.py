"""The bundle folder's manifest and checks (arabic_news_topics.apply.bundle)."""

from __future__ import annotations

import json

import pytest

from arabic_news_topics.apply import bundle


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "model_bundle"
    (root / "model").mkdir(parents=True)
    (root / "a.txt").write_text("alpha", encoding="utf-8")
    (root / "model" / "b.bin").write_bytes(b"\x00\x01")
    (root / ".snakemake_timestamp").write_text("", encoding="utf-8")
    bundle.write_manifest(root, {"engine": "gensim"})
    return root


def test_manifest_lists_every_file_with_its_checksum(folder):
    manifest = json.loads((folder / bundle.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"a.txt", "model/b.bin"}  # hidden files are not part
    assert manifest["files"]["a.txt"]["bytes"] == 5
    # The SHA-256 of "alpha", from its definition (hashlib is the reference).
    assert manifest["files"]["a.txt"]["sha256"].startswith("8ed3f6ad")
    assert manifest["engine"] == "gensim" and manifest["bundle_format"] == bundle.BUNDLE_FORMAT
    assert bundle.check_bundle(folder)["engine"] == "gensim"


def test_a_missing_folder_or_manifest_is_named(tmp_path):
    with pytest.raises(bundle.BundleError, match="does not exist"):
        bundle.check_bundle(tmp_path / "nowhere")
    with pytest.raises(bundle.BundleError, match=r"has no manifest\.json"):
        bundle.check_bundle(tmp_path)


def test_a_changed_added_or_missing_file_is_refused(folder):
    (folder / "model" / "b.bin").write_bytes(b"\x00\x02")
    with pytest.raises(bundle.BundleError, match=r"model/b.bin has changed"):
        bundle.check_bundle(folder)
    bundle.check_bundle(folder, verify_checksums=False)  # the caller may skip the checksums
    (folder / "model" / "b.bin").write_bytes(b"\x00\x01")
    (folder / "extra.txt").write_text("x", encoding="utf-8")
    with pytest.raises(bundle.BundleError, match=r"extra\.txt is not in the manifest"):
        bundle.check_bundle(folder)
    (folder / "extra.txt").unlink()
    (folder / "a.txt").unlink()
    with pytest.raises(bundle.BundleError, match=r"a\.txt is missing"):
        bundle.check_bundle(folder)


def test_a_bundle_of_another_version_is_refused(folder):
    path = folder / bundle.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["package_version"] = "9.9.9"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(bundle.BundleError, match=r"written by arabic-news-topics 9\.9\.9"):
        bundle.check_bundle(folder)
    manifest["package_version"] = bundle.package_version()
    manifest["bundle_format"] = bundle.BUNDLE_FORMAT + 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(bundle.BundleError, match="bundle format"):
        bundle.check_bundle(folder)
