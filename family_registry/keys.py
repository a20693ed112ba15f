"""The key of the Aadhaar hashes: given by the operator, or made once and kept in the data folder."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["KEY_FILE", "load_or_create_key"]

KEY_FILE = "aadhaar.key"


def load_or_create_key(explicit: str, data_dir: Path) -> bytes:
    """``explicit`` (``SEVA_AADHAAR_KEY``) when given; otherwise the key in ``data_dir/aadhaar.key``,
    created with 32 random bytes (mode 0600) the first time.

    Every process that shares a database must use the same key, or a lookup by Aadhaar finds nobody: on
    one machine the file does it; several machines must set ``SEVA_AADHAAR_KEY``.
    """
    if explicit:
        key = explicit.encode()
        if len(key) < 32:
            raise ValueError("SEVA_AADHAAR_KEY must be at least 32 characters (try: openssl rand -hex 32)")
        return key
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_exclusive(path, secrets.token_hex(32).encode())
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise ValueError(f"{path} holds fewer than 32 characters; restore it or set SEVA_AADHAAR_KEY")
    return key


def _create_exclusive(path: Path, data: bytes) -> None:
    """Write ``data`` to a private temporary file and link it into place, so that of several processes
    starting at once exactly one creates the key and none reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
