"""Masks for personal data shown to auditors and written to logs: enough to tell records apart, no more.

Mobile numbers are masked by the registry's own ``family_registry.mobile.mask_mobile``.
"""

from __future__ import annotations

import re
import unicodedata

from family_registry import verhoeff
from family_registry.aadhaar import mask_aadhaar
from family_registry.mobile import mask_mobile

__all__ = [
    "mask_aadhaar_numbers",
    "mask_id",
    "mask_ip",
    "mask_mobile",
    "mask_name",
    "mask_prefixed_ids",
    "mask_text",
]

# Twelve digits of any script, in groups of four with a space or hyphen between them or none; not part of a
# longer run of digits.
_TWELVE = re.compile(r"(?<![\d])(\d{4})[ \-]?(\d{4})[ \-]?(\d{4})(?![\d])")


def _aadhaar_digits(match: re.Match[str]) -> str | None:
    digits = "".join(str(unicodedata.digit(c)) for c in "".join(match.groups()))
    return digits if digits[0] not in "01" and verhoeff.is_valid(digits) else None


def mask_aadhaar_numbers(text: str) -> str:
    """``text`` with every Aadhaar number in it masked (``********1234``): 12 digits that start with 2 to 9
    and pass the Verhoeff check, written together or in groups of four, in any script's digits. Used on
    free text before it is stored: a citizen may type their Aadhaar number into a note."""

    def masked(match: re.Match[str]) -> str:
        digits = _aadhaar_digits(match)
        return mask_aadhaar(digits[-4:]) if digits else match.group(0)

    return _TWELVE.sub(masked, text) if text else text


def mask_id(value: str) -> str:
    """A member or family ID keeps its last three digits: ``123456789`` → ``******789``."""
    return "*" * max(len(value) - 3, 0) + value[-3:] if len(value) > 3 else "***"


_PREFIXED_ID = re.compile(r"\b(member|family):(\d{8,9})\b")


def mask_prefixed_ids(text: str) -> str:
    """Member and family IDs written as ``member:…`` or ``family:…`` in ``text`` masked like ``mask_id``."""
    return _PREFIXED_ID.sub(lambda m: f"{m.group(1)}:{mask_id(m.group(2))}", text) if text else text


def mask_name(name: str) -> str:
    """Each word keeps its first letter: ``Ramesh Kumar`` → ``R***** K****``."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())


def mask_text(text: str) -> str:
    """Free text (an address, a note) is replaced by its length."""
    return f"[{len(text)} characters withheld]" if text else text


def mask_ip(ip: str) -> str:
    """The last part of an address is dropped: ``203.0.113.7`` → ``203.0.113.x``."""
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + ":x"
    head, _, _ = ip.rpartition(".")
    return f"{head}.x" if head else "x"
