"""Samagra family IDs (8 digits) and member IDs (9 digits): checked where they enter, unique when made.

No check digit or structure of these IDs is published, so only the shape is checked. IDs are kept as
text: a leading zero is part of the ID.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection

from catalogue.digits import ascii_digits
from family_registry.errors import InvalidId

__all__ = ["FAMILY_ID_LENGTH", "MEMBER_ID_LENGTH", "check_family_id", "check_member_id", "new_id"]

FAMILY_ID_LENGTH = 8
MEMBER_ID_LENGTH = 9


def _check(value: str, length: int, field: str, what: str, what_hi: str) -> str:
    value = ascii_digits(value)
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise InvalidId(field, f"a {what} has exactly {length} digits", f"{what_hi} में ठीक {length} अंक होते हैं")
    return value


def check_family_id(value: str, field: str = "family_id") -> str:
    """``value`` (in 0-9) when it is a well-formed family ID, else ``InvalidId``."""
    return _check(value, FAMILY_ID_LENGTH, field, "family ID", "परिवार आईडी")


def check_member_id(value: str, field: str = "member_id") -> str:
    """``value`` (in 0-9) when it is a well-formed member ID, else ``InvalidId``."""
    return _check(value, MEMBER_ID_LENGTH, field, "member ID", "सदस्य आईडी")


def new_id(
    length: int, rng: random.Random, taken: Collection[str] | Callable[[str], bool], attempts: int = 1000
) -> str:
    """A fresh ID of ``length`` digits that ``taken`` does not hold.

    The first digit is never 0, so a spreadsheet that reads the ID as a number cannot shorten it.
    ``taken`` is a collection or a predicate (for example one that asks the database).
    """
    is_taken = taken if callable(taken) else taken.__contains__
    low, high = 10 ** (length - 1), 10**length - 1
    for _ in range(attempts):
        candidate = str(rng.randint(low, high))
        if not is_taken(candidate):
            return candidate
    raise RuntimeError(f"no free {length}-digit ID found in {attempts} attempts; the ID space is nearly full")
