"""Aadhaar numbers: validated with the Verhoeff checksum, kept only as a keyed hash and the last four digits.

The registry never holds a clear Aadhaar number. A lookup by Aadhaar hashes the number it is given with
the same key and looks the hash up, so the key must stay the same for the life of the registry; its
fingerprint is recorded in the database to catch a changed key (see ``family_registry.keys``).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from catalogue.digits import ascii_digits
from family_registry import verhoeff
from family_registry.errors import InvalidAadhaar

__all__ = ["AadhaarHasher", "check_aadhaar", "is_masked_aadhaar", "mask_aadhaar"]

_SEPARATORS = re.compile(r"[ \-]")
_MASKED = re.compile(r"^[*Xx]{8}[0-9]{4}$")


def _invalid(message: str, message_hi: str) -> InvalidAadhaar:
    return InvalidAadhaar("aadhaar", message, message_hi)


def check_aadhaar(value: str) -> str:
    """The 12 digits of ``value`` (spaces and hyphens between groups allowed), or ``InvalidAadhaar``.

    The reasons never repeat the number: it may be someone's real Aadhaar with one digit mistyped.
    """
    digits = _SEPARATORS.sub("", ascii_digits(value))
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise _invalid("an Aadhaar number has exactly 12 digits", "आधार संख्या में ठीक 12 अंक होते हैं")
    if digits[0] in "01":
        raise _invalid("an Aadhaar number never starts with 0 or 1", "आधार संख्या 0 या 1 से शुरू नहीं होती")
    if digits == digits[::-1]:
        raise _invalid(
            "UIDAI does not issue palindromic Aadhaar numbers", "यूआईडीएआई पैलिंड्रोम आधार संख्या जारी नहीं करता"
        )
    if not verhoeff.is_valid(digits):
        raise _invalid(
            "the Aadhaar number fails its Verhoeff checksum (a digit is wrong or two are swapped)",
            "आधार संख्या का वेरहोफ़ चेकसम गलत है (कोई अंक गलत है या दो अंक आपस में बदले हैं)",
        )
    return digits


def mask_aadhaar(last4: str) -> str:
    """How an Aadhaar number is shown: ``********1234``."""
    return f"********{last4}"


def is_masked_aadhaar(value: str) -> bool:
    """True for a masked number such as ``********1234`` (what an export writes)."""
    return bool(_MASKED.match(value))


class AadhaarHasher:
    """Turns a checked Aadhaar number into what the registry stores: an HMAC-SHA256 and its last four."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the Aadhaar key must be at least 32 bytes")
        self._key = key

    def digest(self, digits: str) -> str:
        """The keyed hash (64 hex characters) of 12 checked digits."""
        # The one-shot HMAC (OpenSSL's, in one call): the same HMAC-SHA256 as ``hmac.new``, without
        # building an HMAC object for every number an import hashes.
        return hmac.digest(self._key, digits.encode("ascii"), "sha256").hex()

    def fingerprint(self) -> str:
        """Names the key without revealing it, so the database can tell when the key was changed."""
        return hmac.new(self._key, b"seva: aadhaar key fingerprint", hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:
        return "AadhaarHasher(key=***)"
