"""Token signing keys: ES256 key files with a key ID, rotation, and the public JWKS.

Keys are PEM files ``0001.pem``, ``0002.pem``... in the keys folder; the highest number signs, all of them
verify. A number is claimed by creating its file exclusively, so processes that start (or rotate) at the
same moment agree on one key. Other processes notice a new key within ``RESCAN_SECONDS``, or at once
when a token names a key ID they have not seen (both by the gateway's clock).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwk
from jose.backends.base import Key

from gateway.platform.clock import Clock, SystemClock
from gateway.platform.files import create_exclusive

__all__ = ["ALGORITHM", "KeyRing", "SigningKey"]

ALGORITHM = "ES256"  # fixed by the server: never read from a token
RESCAN_SECONDS = 5.0
_MISS_RESCAN_SECONDS = 1.0  # a flood of made-up key IDs costs one directory scan a second at most
_NAME = re.compile(r"^(\d{4,})\.pem$")
log = logging.getLogger("seva.identity")


@dataclass(frozen=True, slots=True)
class SigningKey:
    number: int
    kid: str
    private: Key
    public: Key
    public_jwk: dict[str, str]
    created: float  # when the file was made (epoch seconds)


def _thumbprint(public: dict[str, str]) -> str:
    """RFC 7638 JWK thumbprint: a key ID that is derived from the key itself."""
    canonical = json.dumps(
        {k: public[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).decode().rstrip("=")


def _load(path: Path, number: int) -> SigningKey:
    pem = path.read_bytes()
    private = jwk.construct(pem, ALGORITHM)
    public = private.public_key()
    described = {k: str(v) for k, v in public.to_dict().items()}
    kid = _thumbprint(described)
    public_jwk = {**described, "kid": kid, "use": "sig", "alg": ALGORITHM}
    return SigningKey(number, kid, private, public, public_jwk, path.stat().st_mtime)


def _new_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class KeyRing:
    """The signing keys of one keys folder; safe to share between threads of one process."""

    def __init__(self, directory: Path, clock: Clock | None = None) -> None:
        self.directory = directory
        self.clock = clock or SystemClock()
        self._keys: dict[int, SigningKey] = {}
        self._by_kid: dict[str, SigningKey] = {}
        self._scanned = 0.0
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path, clock: Clock | None = None) -> KeyRing:
        """Load the keys in ``directory``, making the first one if there is none."""
        ring = cls(directory, clock)
        ring.scan()
        if not ring._keys:
            # Not rotate(): another process may make 0001 meanwhile, and rotate() would then add 0002.
            # Whoever wins the exclusive create, 0001 is everyone's first key.
            if create_exclusive(directory / "0001.pem", _new_pem()):
                log.info("made the first signing key in %s", directory)
            ring.scan()
        return ring

    def scan(self) -> None:
        """Read key files not loaded yet. Files are never changed once made, so known ones are skipped."""
        with self._lock:
            self._scanned = self.clock.time()
            if not self.directory.is_dir():
                return
            for path in self.directory.iterdir():
                match = _NAME.match(path.name)
                if match and int(match.group(1)) not in self._keys:
                    key = _load(path, int(match.group(1)))
                    self._keys[key.number] = key
                    self._by_kid[key.kid] = key
            # Keys pruned by another process: forget them too.
            present = {int(m.group(1)) for p in self.directory.iterdir() if (m := _NAME.match(p.name))}
            for number in set(self._keys) - present:
                self._by_kid.pop(self._keys.pop(number).kid, None)

    def _fresh(self, age: float) -> None:
        # Either way: a wall clock set back must not stop the rescans.
        if abs(self.clock.time() - self._scanned) > age:
            self.scan()

    def current(self) -> SigningKey:
        """The key that signs new tokens: the highest number."""
        self._fresh(RESCAN_SECONDS)
        if not self._keys:
            raise RuntimeError(f"no signing key in {self.directory}; run `seva keys rotate`")
        return self._keys[max(self._keys)]

    def find(self, kid: str) -> SigningKey | None:
        """The key with this ID, looking at the folder again if it is new to this process."""
        key = self._by_kid.get(kid)
        if key is None:
            self._fresh(_MISS_RESCAN_SECONDS)
            key = self._by_kid.get(kid)
        return key

    def all(self) -> list[SigningKey]:
        self._fresh(RESCAN_SECONDS)
        return [self._keys[n] for n in sorted(self._keys)]

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set, newest first."""
        return {"keys": [key.public_jwk for key in reversed(self.all())]}

    def rotate(self) -> SigningKey:
        """Make a new key and make it current; older keys keep verifying the tokens they signed."""
        while True:
            self.scan()
            number = max(self._keys, default=0) + 1
            if create_exclusive(self.directory / f"{number:04d}.pem", _new_pem()):
                self.scan()
                key = self._keys[number]
                log.info("new signing key %s (number %d)", key.kid, number)
                return key
            # Another process took this number first; if it was a start-up race, its key will do.
            if number == 1:
                self.scan()
                return self._keys[1]

    def prune(self, older_than: float) -> list[SigningKey]:
        """Remove keys that stopped signing more than ``older_than`` seconds ago; return them."""
        self.scan()
        numbers = sorted(self._keys)
        removed = []
        for number, successor in itertools.pairwise(numbers):
            if self.clock.time() - self._keys[successor].created > older_than:
                (self.directory / f"{number:04d}.pem").unlink(missing_ok=True)
                removed.append(self._keys[number])
        self.scan()
        return removed
