"""Decoding errors rewritten to say what to write.

msgspec reports a wrong value in its own terms (``Expected `int`, got `str```, ``Invalid enum value
'fax'``). A catalogue author needs the same facts in the catalogue's terms: what kind of value goes
there, with an example, and for a fixed list of values, the values. ``explain`` rewrites one message,
finding the allowed values of an enumeration from the struct's own type annotations.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import msgspec

__all__ = ["allowed_values", "explain"]

_TYPES = {
    "int": "a whole number, such as 15",
    "float": "a number, such as 20 or 2.5",
    "str": "text (put it in quotes if it holds a colon or starts with a bracket)",
    "bool": "true or false",
    "object": "a mapping (`key: value` lines, or `{key: value}`)",
    "array": "a list (lines starting with `- `, or `[a, b]`)",
    "null": "nothing (null)",
}
_GOT = {
    "int": "a whole number",
    "float": "a number",
    "str": "text",
    "bool": "true/false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}
_NUMBERS = {"int": "a whole number", "float": "a number"}
_PATTERNS = {
    "^[a-z][a-z0-9_]*$": "a code of lower-case letters, digits and '_', starting with a letter, such as "
    "old_age_pension",
    "^[a-z][a-z0-9-]*$": "a code of lower-case letters, digits and '-', starting with a letter, such as "
    "sj-old-age-pension",
}
_EXPECTED_GOT = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$")
_BOUND = re.compile(r"^Expected `(int|float)` (>=|<=|>|<) (-?[\d.]+)$")
_LENGTH = re.compile(r"^Expected `(str|array)` of length (>=|<=) (\d+)$")
_REGEX = re.compile(r"^Expected `str` matching regex '(.*)'$")
_ENUM = re.compile(r"^Invalid enum value '(.*)'$")
_MISSING = re.compile(r"^Object missing required field `(.*)`$")
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _kind(names: str) -> str:
    parts = [p.strip() for p in names.split("|") if p.strip() != "null"]
    described = [_TYPES.get(p, p) for p in parts] or [_TYPES["null"]]
    return " or ".join(described)


def _bound(kind: str, op: str, number: str) -> str:
    value = float(number)
    shown = f"{value:g}"
    words = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}[op]
    return f"must be {_NUMBERS[kind]} {words} {shown}"


def allowed_values(root: Any, path: str) -> tuple[Any, ...] | None:
    """The values a ``Literal`` at ``path`` (``.channels[1]``) inside the type ``root`` allows, or None."""
    info: Any = msgspec.inspect.type_info(root)
    for name, _index in _PATH_PART.findall(path):
        while isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)), None)
        if name:
            if not isinstance(info, msgspec.inspect.StructType):
                return None
            field = next((f for f in info.fields if f.encode_name == name), None)
            if field is None:
                return None
            info = field.type
        else:
            if not isinstance(info, msgspec.inspect.CollectionType):
                return None
            info = info.item_type
    while isinstance(info, msgspec.inspect.UnionType):
        info = next((t for t in info.types if isinstance(t, msgspec.inspect.LiteralType)), info.types[0])
    return tuple(info.values) if isinstance(info, msgspec.inspect.LiteralType) else None


def explain(message: str, root: Any = None, path: str = "") -> str:
    """``message`` (a msgspec validation message, without its `` - at `$...``` suffix) in the
    catalogue's words; ``root`` and ``path`` locate the value for enumerations."""
    if match := _EXPECTED_GOT.match(message):
        expected, got = match.groups()
        return f"must be {_kind(expected)}, not {_GOT.get(got, got)}"
    if match := _BOUND.match(message):
        return _bound(*match.groups())
    if match := _LENGTH.match(message):
        kind, op, number = match.groups()
        if kind == "str" and op == ">=" and number == "1":
            return "must not be empty"
        noun = "characters" if kind == "str" else "items"
        return f"must have {'at least' if op == '>=' else 'at most'} {number} {noun}"
    if match := _REGEX.match(message):
        pattern = match.group(1)
        return f"must be {_PATTERNS.get(pattern, f'text matching {pattern}')}"
    if match := _ENUM.match(message):
        value = match.group(1)
        allowed = allowed_values(root, path) if root is not None else None
        if not allowed:
            return f"'{value}' is not an allowed value"
        text = f"'{value}' is not one of: {', '.join(map(str, allowed))}"
        near = difflib.get_close_matches(value, [str(a) for a in allowed], n=1, cutoff=0.6)
        return f"{text}; did you mean '{near[0]}'?" if near else text
    if match := _MISSING.match(message):
        return f"missing required field '{match.group(1)}'"
    return message
