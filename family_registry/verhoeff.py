"""The Verhoeff check digit, which catches every single-digit error and every swap of neighbouring digits.

UIDAI puts one at the end of every Aadhaar number. The tables are those of the dihedral group D5: ``_D``
multiplies, ``_P`` permutes a digit by its position, ``_INV`` inverts.
"""

from __future__ import annotations

__all__ = ["check_digit", "checksum", "is_valid"]

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)
# One step of the checksum as one lookup: ``_STEP[position % 8][c * 10 + digit]`` is
# ``_D[c][_P[position % 8][digit]]`` (an import checks an Aadhaar number on most of its rows).
_STEP = tuple(tuple(_D[c][_P[p][d]] for c in range(10) for d in range(10)) for p in range(8))


def checksum(digits: str) -> int:
    """0 when ``digits`` (check digit included) is valid. ``ValueError`` for anything but ASCII digits."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("Verhoeff works on the digits 0-9 only")
    c = 0
    for position, code in enumerate(reversed(digits.encode("ascii"))):
        c = _STEP[position & 7][c * 10 + code - 48]
    return c


def check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole number passes."""
    return str(_INV[checksum(digits + "0")])


def is_valid(digits: str) -> bool:
    try:
        return checksum(digits) == 0
    except ValueError:
        return False
