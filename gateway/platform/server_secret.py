"""The server secret that keys the HMACs of one-time codes, logins and mobile numbers."""

from __future__ import annotations

import logging
import secrets

from gateway.platform.files import create_exclusive
from gateway.settings import Settings

__all__ = ["load_server_secret"]

log = logging.getLogger("seva.identity")
_FILE = "secret.key"


def load_server_secret(settings: Settings) -> bytes:
    """``SEVA_SECRET_KEY`` when set; otherwise a random key made once in the data folder (mode 0600).

    Every process of one deployment must use the same secret, or a code sent by one cannot be checked by
    another: on several machines set ``SEVA_SECRET_KEY``; on one machine the shared file does it.
    """
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / _FILE
    if create_exclusive(path, secrets.token_hex(32).encode()):
        log.info("created a new server secret in %s", path)
    secret = path.read_bytes().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} is shorter than 32 characters; remove it or set SEVA_SECRET_KEY")
    return secret
