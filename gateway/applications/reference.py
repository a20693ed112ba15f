"""Reference numbers that can be read out over the phone and checked when typed back.

A reference is 13 digits: the year and month it was made (``YYMM``), eight random digits, and a Verhoeff
check digit, shown as ``YYMM-NNNN-NNNN-C``. Verhoeff catches every single wrong digit and every swap of
two neighbouring digits, the two mistakes people make most when a number is read to a 181 operator.
Random digits (not a counter) keep references from revealing how many applications a service gets and
from being guessed; uniqueness is enforced by the database, and a clash is simply drawn again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from catalogue.digits import ascii_digits
from family_registry.verhoeff import check_digit, is_valid

__all__ = ["InvalidReference", "format_reference", "new_reference", "parse_reference"]

_SEPARATORS = re.compile(r"[\s\-./]")


class InvalidReference(ValueError):
    """Text that is not a seva reference number; the message says why, in English and Hindi."""

    def __init__(self, message: str, message_hi: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_hi = message_hi


def new_reference(today: dt.date) -> str:
    """A fresh reference (13 digits, no separators) for something made on ``today``."""
    body = f"{today.year % 100:02d}{today.month:02d}{secrets.randbelow(10**8):08d}"  # YYMM, not strftime
    return body + check_digit(body)


def format_reference(reference: str) -> str:
    """``2611482910375`` as ``2611-4829-1037-5``."""
    return f"{reference[:4]}-{reference[4:8]}-{reference[8:12]}-{reference[12:]}"


def parse_reference(text: str) -> str:
    """The 13 digits of a reference typed with or without separators; ``InvalidReference`` otherwise."""
    digits = _SEPARATORS.sub("", ascii_digits(text))
    if not digits.isascii() or not digits.isdigit() or len(digits) != 13:
        raise InvalidReference(
            "a reference number has 13 digits, like 2611-4829-1037-5",
            "संदर्भ संख्या में 13 अंक होते हैं, जैसे 2611-4829-1037-5",
        )
    if not is_valid(digits):
        raise InvalidReference(
            "this reference number has a mistyped digit (its check digit does not match)",
            "इस संदर्भ संख्या में कोई अंक गलत लिखा गया है (जाँच अंक मेल नहीं खाता)",
        )
    return digits
