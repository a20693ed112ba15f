"""A JSON body that does not fit, put into words: what was wrong, and the fields the route expects.

Litestar refuses an empty body, a body that is not an object, and a missing, unknown or mistyped field
with msgspec's messages ("Object missing required field `member_id`", "Expected `str`, got `int`"),
which speak of types in Python's words and in English only. ``refusal`` says each in English and Hindi
(a field's name, the JSON key, stays as it is, in quotes);
``expected_fields`` lists the fields of the route's body struct, with their kinds and whether each is
required, so a caller who sent nothing learns what to send.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from msgspec import inspect

from schemas.problem import Message

__all__ = ["expected_fields", "refusal"]

_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`")
_EXPECTED = re.compile(r"^Expected `(?P<wanted>[^`]+)`(?:, got `(?P<got>[^`]+)`)?(?P<rest>.*)$")
_BOUND = re.compile(r"^ (?P<length>of length )?(?P<op>>=|<=|>|<) (?P<number>-?[\d.]+)")

# msgspec's names of JSON types, in words.
_TYPES = {
    "str": ("text", "पाठ"),
    "int": ("a whole number", "पूर्ण संख्या"),
    "float": ("a number", "संख्या"),
    "bool": ("true or false", "true या false"),
    "object": ("an object", "ऑब्जेक्ट"),
    "array": ("a list", "सूची"),
    "null": ("null", "null"),
}


def _type_words(names: str) -> tuple[str, str]:
    words = [_TYPES.get(name.strip(), ("a value", "मान")) for name in names.split("|")]
    en = list(dict.fromkeys(w[0] for w in words))
    hi = list(dict.fromkeys(w[1] for w in words))
    return " or ".join(en), " या ".join(hi)


def _bound(rest: str) -> tuple[str, str]:
    """A bound such as "of length >= 1" in words ("of at least 1 character"); a pattern is never shown."""
    found = _BOUND.match(rest)
    if found is None:
        return ("", "") if not rest.strip() else (" in the right form", " सही रूप में")
    number = found["number"]
    least_en, least_hi = ("at least", "कम से कम") if found["op"] in (">=", ">") else ("at most", "अधिकतम")
    if found["length"]:
        unit = "character" if number == "1" else "characters"
        return f" of {least_en} {number} {unit}", f" ({least_hi} {number} अक्षर)"
    return f" of {least_en} {number}", f" ({least_hi} {number})"


def refusal(field: str, message: str) -> Message:
    """One of Litestar's refusals of a body, in both languages; ``field`` is the key it names."""
    if message in ("", "'data'") or (field == "data" and message.startswith("'")):
        return Message(en="The request has no body.", hi="अनुरोध में कोई मुख्य भाग नहीं है।")
    if found := _MISSING.match(message):
        name = found["name"]
        return Message(en=f"The field '{name}' is missing.", hi=f"'{name}' क्षेत्र नहीं दिया गया है।")
    if found := _UNKNOWN.match(message):
        name = found["name"]
        return Message(en=f"There is no field '{name}'.", hi=f"'{name}' नाम का कोई क्षेत्र नहीं है।")
    where_en = "body" if field in ("", "data") else f"'{field}'"
    where_hi = "मुख्य भाग" if field in ("", "data") else f"'{field}'"
    if found := _EXPECTED.match(message):
        wanted_en, wanted_hi = _type_words(found["wanted"])
        bound_en, bound_hi = _bound(found["rest"])
        if found["got"]:
            got_en, got_hi = _type_words(found["got"])
            return Message(
                en=f"{where_en}: expected {wanted_en}{bound_en}, got {got_en}.",
                hi=f"{where_hi}: {wanted_hi}{bound_hi} होना चाहिए (भेजा गया मान: {got_hi})।",
            )
        return Message(
            en=f"{where_en}: expected {wanted_en}{bound_en}.",
            hi=f"{where_hi}: {wanted_hi}{bound_hi} होना चाहिए।",
        )
    return Message(en=f"{where_en}: {message}", hi=f"{where_hi}: मान मान्य नहीं है।")


def _kind(info: inspect.Type) -> tuple[str, str]:
    if isinstance(info, inspect.UnionType):
        kinds = [_kind(t) for t in info.types if not isinstance(t, inspect.NoneType)]
        en, hi = dict.fromkeys(k[0] for k in kinds), dict.fromkeys(k[1] for k in kinds)
        return " or ".join(en), " या ".join(hi)
    if isinstance(info, inspect.Metadata):
        return _kind(info.type)
    if isinstance(info, inspect.StrType):
        return "text", "पाठ"
    if isinstance(info, inspect.IntType | inspect.FloatType):
        return "number", "संख्या"
    if isinstance(info, inspect.BoolType):
        return "true or false", "true या false"
    if isinstance(info, inspect.LiteralType):
        values = ", ".join(str(v) for v in info.values)
        return f"one of {values}", f"इनमें से एक: {values}"
    if isinstance(
        info, inspect.DictType | inspect.StructType | inspect.TypedDictType | inspect.DataclassType
    ):
        return "object", "ऑब्जेक्ट"
    if isinstance(info, inspect.ListType | inspect.TupleType | inspect.VarTupleType | inspect.SetType):
        return "list", "सूची"
    return "value", "मान"


def expected_fields(body_type: Any) -> Message | None:
    """The fields a body of ``body_type`` (a msgspec struct) has, in words; None for other bodies."""
    if not (isinstance(body_type, type) and issubclass(body_type, msgspec.Struct)):
        return None
    info = inspect.type_info(body_type)
    assert isinstance(info, inspect.StructType)
    en: list[str] = []
    hi: list[str] = []
    for field in info.fields:
        kind_en, kind_hi = _kind(field.type)
        en.append(f"'{field.encode_name}' ({kind_en}, {'required' if field.required else 'optional'})")
        hi.append(f"'{field.encode_name}' ({kind_hi}, {'आवश्यक' if field.required else 'वैकल्पिक'})")
    return Message(
        en="Send a JSON object with these fields: " + "; ".join(en) + ".",
        hi="इन क्षेत्रों वाला JSON ऑब्जेक्ट भेजें: " + "; ".join(hi) + "।",
    )
