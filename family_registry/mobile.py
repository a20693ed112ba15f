"""Indian mobile numbers: 10 digits starting with 6, 7, 8 or 9, optionally written with +91, 91 or 0."""

from __future__ import annotations

import re

from catalogue.digits import ascii_digits
from family_registry.errors import InvalidMobile

__all__ = ["check_mobile", "mask_mobile"]

_SEPARATORS = re.compile(r"[ \-()]")


def check_mobile(value: str) -> str:
    """The 10 digits of ``value``, or ``InvalidMobile``. The reason never repeats the number."""
    digits = _SEPARATORS.sub("", ascii_digits(value))
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit() or digits[0] not in "6789":
        raise InvalidMobile(
            "mobile",
            "not an Indian mobile number (10 digits starting with 6, 7, 8 or 9)",
            "भारतीय मोबाइल नंबर नहीं है (6, 7, 8 या 9 से शुरू होने वाले 10 अंक)",
        )
    return digits


def mask_mobile(digits: str) -> str:
    """How a mobile number appears in logs and answers: ``******1234``."""
    return f"******{digits[-4:]}"
