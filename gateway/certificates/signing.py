"""Signing and checking certificates: compact JWS, ES256, with a key ID published in seva's JWKS.

Certificates have a ring of keys of their own (``SEVA_CERTIFICATE_KEYS_DIR``, ``certificate-keys/`` in
the data folder), apart from the token keys: a certificate must stay verifiable for years, while token
keys are pruned days after they stop signing; and a key that signs one kind of thing can never be made
to vouch for the other (tokens are checked against the token ring only, certificates against this one).
Both rings are published in ``/.well-known/jwks.json``. The algorithm is fixed (never read from the
token), the ``typ`` header must say it is a seva certificate, and the key is chosen by ``kid``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import msgspec
from jose import jws
from jose.exceptions import JOSEError

from gateway.identity import ALGORITHM, KeyRing

__all__ = ["TYPE", "CertificateSigner", "Checked"]

TYPE = "seva-certificate+jws"
_CANONICAL = msgspec.json.Encoder(order="sorted")  # compact, keys sorted: the same claims sign the same bytes


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking a token found: ``ok`` and its claims, or why not."""

    ok: bool
    reason: str
    kid: str | None = None
    claims: dict[str, Any] | None = None


def _header(token: str) -> dict[str, Any]:
    head = token.split(".", 1)[0]
    raw = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    header = json.loads(raw)
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    return header


class CertificateSigner:
    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    def sign(self, claims: dict[str, Any]) -> tuple[str, str]:
        """The compact JWS of ``claims`` (canonical JSON: sorted keys, no spaces) and its key ID."""
        key = self.ring.current()
        payload = _CANONICAL.encode(claims)
        token = jws.sign(payload, key.private, headers={"kid": key.kid, "typ": TYPE}, algorithm=ALGORITHM)
        return token, key.kid

    def check(self, token: str) -> Checked:
        """Whether ``token`` is a certificate signed by one of our keys, unchanged."""
        token = token.strip()
        if token.count(".") != 2 or len(token) > 20000:
            return Checked(False, "not a compact JWS")
        try:
            header = _header(token)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return Checked(False, "the header cannot be read")
        if header.get("alg") != ALGORITHM or header.get("typ") != TYPE:
            return Checked(False, "not a seva certificate (algorithm or type)")
        kid = header.get("kid")
        key = self.ring.find(kid) if isinstance(kid, str) else None
        if key is None:
            return Checked(
                False, "signed by a key seva does not publish", kid if isinstance(kid, str) else None
            )
        try:
            payload = jws.verify(token, key.public, algorithms=[ALGORITHM])
            claims = json.loads(payload)
        except (JOSEError, ValueError):
            return Checked(False, "the signature does not match the content", key.kid)
        if not isinstance(claims, dict):
            return Checked(False, "the content is not a JSON object", key.kid)
        return Checked(True, "signature valid", key.kid, claims)

    def public_keys(self) -> list[dict[str, str]]:
        return [{**key.public_jwk, "use": "sig"} for key in reversed(self.ring.all())]
