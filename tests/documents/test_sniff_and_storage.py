"""Content sniffing by bytes, and the content-addressed disk store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gateway.documents.sniff import UnsupportedContent, sniff_content_type
from gateway.documents.storage import DiskStorage, StoredBlobMissing

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.mark.parametrize(
    ("data", "expected"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_known_formats_are_recognised(data: bytes, expected: str) -> None:
    """PNG, JPEG and PDF are told apart by their first bytes."""
    assert sniff_content_type(data) == expected


@pytest.mark.parametrize("data", [b"MZ\x90\x00", b"<html><script>", b"GIF89a", b"", b"PK\x03\x04%PDF-"[:4]])
def test_other_content_is_refused(data: bytes) -> None:
    """An executable, HTML, GIF, an empty file or a ZIP is refused whatever its name says."""
    with pytest.raises(UnsupportedContent):
        sniff_content_type(data)


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    """Storing the same bytes twice gives the same key and keeps one file."""
    store = DiskStorage(tmp_path)
    key = store.put(PDF)
    assert key == hashlib.sha256(PDF).hexdigest()
    assert store.put(PDF) == key
    assert store.get(key) == PDF and store.exists(key)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_missing_and_hostile_keys(tmp_path: Path) -> None:
    """An unknown hash is missing, and a key that is not a hash never touches the file system."""
    store = DiskStorage(tmp_path)
    with pytest.raises(StoredBlobMissing):
        store.get("0" * 64)
    with pytest.raises(StoredBlobMissing):
        store.get("../../etc/passwd")
    assert not store.exists("../x")


def test_delete(tmp_path: Path) -> None:
    """A deleted blob is gone."""
    store = DiskStorage(tmp_path)
    key = store.put(JPEG)
    store.delete(key)
    assert not store.exists(key)
