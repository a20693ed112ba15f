"""How secrets are stored: never as given.

- one-time codes, logins and mobile numbers: HMAC-SHA256 under the server secret (a code has only a
  million values, so an unkeyed hash would be reversed by trying them all);
- refresh tokens: SHA-256 (they carry 256 random bits, so a plain hash cannot be reversed);
- API client secrets: scrypt with a random salt (slow on purpose, in case an operator picks a weak one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_client_secret", "keyed_hash", "plain_hash", "same", "verify_client_secret"]

# scrypt cost: about 30 ms and 16 MiB per check on the project's machines; tokens last many minutes.
_N, _R, _P = 2**14, 8, 1


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts joined by NUL, as hex."""
    return hmac.new(key, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def plain_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Compare two hashes in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_client_secret(secret: str) -> str:
    """``scrypt$N$r$p$salt$hash``: the parameters travel with the hash so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_client_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(
            secret.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(_unb64(digest))
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, _unb64(digest))
