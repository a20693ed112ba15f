"""Digits as citizens type them.

A phone keyboard set to Hindi types Devanagari digits (०-९), and a state's other languages have their
own. Every parser of a number a citizen types (form fields, mobile and Aadhaar numbers, family and
member IDs, reference numbers, one-time codes, search queries) reads them through ``ascii_digits``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["ascii_digits"]


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script (०-९, ૦-૯, ...) written as 0-9."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(char))
        if not char.isascii() and unicodedata.decimal(char, None) is not None
        else char
        for char in text
    )
