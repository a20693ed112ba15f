"""What a form field's pattern asks for, in words a citizen reads.

A pattern is a regular expression, which a citizen must never be shown. Patterns that only bound the
length (``^.{2,100}$``) or count digits (``^[0-9]{9,18}$``) are put into words here; any other pattern
needs a ``hint`` in the catalogue, and the loader says so.
"""

from __future__ import annotations

import re

from catalogue.models import Text

__all__ = ["describe_pattern"]

_SHAPE = re.compile(
    r"^\^(?P<what>\.|\[0-9\]|\\d)(?:\{(?P<low>\d+)(?P<comma>,)?(?P<high>\d*)\}|(?P<plus>\+))\$$"
)


def describe_pattern(pattern: str) -> Text | None:
    """An instruction for a pattern of a plain length or digit count; None for any other pattern."""
    found = _SHAPE.match(pattern)
    if found is None:
        return None
    digits = found["what"] != "."
    unit_en, unit_hi = ("digits", "अंक") if digits else ("characters", "अक्षर")
    if found["plus"]:
        return Text(en="write digits only", hi="केवल अंक लिखें") if digits else None
    low, high = int(found["low"]), found["high"]
    if not found["comma"]:
        return Text(en=f"write exactly {low} {unit_en}", hi=f"ठीक {low} {unit_hi} लिखें")
    if not high:
        return Text(en=f"write at least {low} {unit_en}", hi=f"कम से कम {low} {unit_hi} लिखें")
    return Text(en=f"write {low} to {high} {unit_en}", hi=f"{low} से {high} {unit_hi} लिखें")
