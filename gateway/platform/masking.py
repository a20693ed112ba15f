"""Masks for personal data shown to auditors and written to logs: enough to tell records apart, no more.

Mobile numbers are masked by the registry's own ``family_registry.mobile.mask_mobile``.
"""

from __future__ import annotations

from family_registry.mobile import mask_mobile

__all__ = ["mask_id", "mask_ip", "mask_mobile", "mask_name", "mask_text"]


def mask_id(value: str) -> str:
    """A member or family ID keeps its last three digits: ``123456789`` → ``******789``."""
    return "*" * max(len(value) - 3, 0) + value[-3:] if len(value) > 3 else "***"


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
