"""Grievance numbers: ``G`` and 14 digits, never to be taken for an application's 13.

The digits are the year and month (``YYMM``), nine random digits and a Verhoeff check digit, shown as
``G2612-34567-89012``. Verhoeff catches a single wrong digit and a swap of neighbours, the mistakes made
when a number is read out to 181. An application reference (13 digits, no letter) is refused by name, so a
citizen who quotes one is told what they quoted; an application's parser refuses these for their length.
Nine random digits leave room for the 1.8 million grievances a month CM Helpline takes (60,000 calls a
day) with few redraws; the database's uniqueness catches a clash, and the number is drawn again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from catalogue.digits import ascii_digits
from family_registry.verhoeff import check_digit, is_valid

__all__ = ["InvalidGrievanceNumber", "format_grievance", "new_grievance_number", "parse_grievance"]

_SEPARATORS = re.compile(r"[\s\-./]")
PATTERN = r"^[Gg][\s\-./]?[0-9][0-9\s\-./]{13,20}$"


class InvalidGrievanceNumber(ValueError):
    """Text that is not a grievance number; the message says why, in English and Hindi."""

    def __init__(self, message: str, message_hi: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_hi = message_hi


def new_grievance_number(today: dt.date) -> str:
    """A fresh number (``G`` and 14 digits, no separators)."""
    body = f"{today:%y%m}{secrets.randbelow(10**9):09d}"
    return "G" + body + check_digit(body)


def format_grievance(number: str) -> str:
    """``G26123456789012`` as ``G2612-34567-89012``."""
    return f"{number[:5]}-{number[5:10]}-{number[10:]}"


def parse_grievance(text: str) -> str:
    """The number typed with or without separators (``g`` or ``G``); ``InvalidGrievanceNumber`` otherwise."""
    cleaned = _SEPARATORS.sub("", ascii_digits(text.strip()))
    digits = cleaned[1:] if cleaned[:1] in ("G", "g") else cleaned
    if digits.isascii() and digits.isdigit() and len(digits) == 13 and cleaned == digits:
        raise InvalidGrievanceNumber(
            "this is an application reference (13 digits); a grievance number is G and 14 digits",
            "यह आवेदन की संदर्भ संख्या (13 अंक) है; शिकायत संख्या G से शुरू होती है और उसमें 14 अंक होते हैं",
        )
    if not digits.isascii() or not digits.isdigit() or len(digits) != 14:
        raise InvalidGrievanceNumber(
            "a grievance number is G and 14 digits, like G2612-34567-89012",
            "शिकायत संख्या G और 14 अंकों की होती है, जैसे G2612-34567-89012",
        )
    if not is_valid(digits):
        raise InvalidGrievanceNumber(
            "this grievance number has a mistyped digit (its check digit does not match)",
            "इस शिकायत संख्या में कोई अंक गलत लिखा गया है (जाँच अंक मेल नहीं खाता)",
        )
    return "G" + digits
