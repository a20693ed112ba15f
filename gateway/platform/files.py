"""Files seva keeps to itself: the data folder (0700), the embedded database with its WAL and shared-memory
files, the server secret and the signing keys (0600), some created by several processes at once."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

__all__ = ["create_exclusive", "private_file", "private_folder"]

log = logging.getLogger("seva.files")
_OTHERS = 0o077  # permission bits of the group and everyone else


def private_folder(path: Path) -> Path:
    """Make ``path`` (and missing parents) if needed, and leave it readable by this user only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(path)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist; take group and other rights off it if it
    does. SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so a database
    created through this stays private with them."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        _tighten(path)
    return path


def _tighten(path: Path) -> None:
    try:
        current = path.stat().st_mode & 0o777
        if current & _OTHERS:
            path.chmod(current & ~_OTHERS)
            log.warning(
                "%s was open to other users (mode %o); it is now %o", path, current, current & ~_OTHERS
            )
    except OSError as exc:  # not ours to change: say so, and go on
        log.warning("could not make %s private: %s", path, exc)


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
