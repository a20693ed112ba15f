"""Files that several processes may try to create at once: the server secret and the signing keys."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["create_exclusive"]


def create_exclusive(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Create ``path`` holding ``data`` unless it exists; return whether this call created it.

    The data is written to a private temporary file first and then hard-linked into place, so another
    process never sees a half-written file, and only one of several racing processes wins.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
