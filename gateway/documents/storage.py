"""Where document bytes live: a port with one implementation on local disk.

Files are addressed by their SHA-256, so the same scan uploaded twice is stored once and a stored file
can be checked against its hash. An object store (S3-compatible) is another implementation of the
same four methods.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

__all__ = ["DiskStorage", "DocumentStorage", "StoredBlobMissing"]


class StoredBlobMissing(LookupError):
    """No bytes are stored under this hash."""


class DocumentStorage(Protocol):
    """Content-addressed storage of document bytes."""

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex), which is also its key."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; ``StoredBlobMissing`` when there are none."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...


class DiskStorage:
    """Files under ``root/ab/cdef...``; written to a temporary file and renamed, so never half-written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StoredBlobMissing(sha256)  # never let a key reach the file system unchecked
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoredBlobMissing(sha256) from None

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).is_file()
        except StoredBlobMissing:
            return False

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)
