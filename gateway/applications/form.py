"""Checks an application form against the service's fields; every refused field is named, in both languages.

A field's value is checked by its ``type`` (text, number, date, choice, boolean, mobile, email), then by
its ``pattern`` (the whole value must match), ``min``/``max`` and ``choices``. Fields the service does not
ask for are refused too: a typo must not be silently dropped.

Each refusal reads as a citizen would want it: the field's label in English and in Hindi, then what is
expected, in words ("Bank account number: write 9 to 18 digits"), never a regular expression or an
internal name. Input is read the way citizens type it: Devanagari (and other Indian) digits wherever
digits are expected, numbers sent as text ("१२,०००"), dates as day/month/year or year-month-day,
yes/no (हाँ/नहीं) for a boolean, a choice by its value or by its label in either language, and an IFSC
code in small letters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalogue.digits import ascii_digits
from catalogue.models import FormField, Text
from catalogue.patterns import describe_pattern
from family_registry.errors import InvalidMobile
from family_registry.mobile import check_mobile
from gateway.platform.masking import mask_aadhaar_numbers

__all__ = ["FormInvalid", "FormProblem", "check_form", "fits"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YES = frozenset({"yes", "true", "हाँ", "हां", "हा"})
_NO = frozenset({"no", "false", "नहीं", "नही"})
_MAX_TEXT = 2000

# Why a value is refused: what the citizen should write instead, in both languages.
FILL_IN = Text(en="fill this in", hi="यह भरना आवश्यक है")
YES_OR_NO = Text(en="answer yes or no", hi="हाँ या नहीं में उत्तर दें")
A_NUMBER = Text(en="write a number, such as 42", hi="संख्या लिखें, जैसे 42")
A_TEXT = Text(en="write this as text", hi="इसे शब्दों में लिखें")
A_DATE = Text(
    en="write a date as day/month/year, such as 31/01/2024",
    hi="तारीख दिन/महीना/वर्ष के रूप में लिखें, जैसे 31/01/2024",
)
NO_SUCH_DATE = Text(
    en="there is no such date; check the day and the month", hi="ऐसी कोई तारीख नहीं है; दिन और महीना जाँचें"
)
A_MOBILE = Text(
    en="write a 10-digit mobile number starting with 6, 7, 8 or 9",
    hi="6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर लिखें",
)
AN_EMAIL = Text(
    en="write an e-mail address, such as name@example.com", hi="ई-मेल पता लिखें, जैसे name@example.com"
)
TOO_LONG = Text(en=f"write at most {_MAX_TEXT} characters", hi=f"अधिकतम {_MAX_TEXT} अक्षर लिखें")


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One refused field: where it stands in the request (``form.<name>``, for programs) and the message
    a citizen reads, led by the field's label, in English and Hindi."""

    field: str
    en: str
    hi: str


class FormInvalid(ValueError):
    """The form has at least one refused field; ``problems`` lists every one."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _finite(value: float) -> bool:
    # JSON integers are unbounded; one too large for a float is not a number any form asks for.
    try:
        return math.isfinite(value) and abs(value) < 1e15
    except OverflowError:
        return False


def _shown(number: float) -> str:
    """A limit as a citizen writes it: 60, 2.5, 100000 (never 1e+05)."""
    return str(int(number)) if float(number).is_integer() else f"{number:f}".rstrip("0")


def _number(spec: FormField, value: Any) -> tuple[Any, Text | None]:
    if isinstance(value, str):
        written = ascii_digits(value).strip().replace(",", "")
        if not _NUMBER.match(written):
            return value, A_NUMBER
        value = float(written) if "." in written else int(written)
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
        return value, A_NUMBER
    if spec.min is not None and value < spec.min:
        low = _shown(spec.min)
        return value, Text(en=f"write {low} or more", hi=f"{low} या उससे अधिक लिखें")
    if spec.max is not None and value > spec.max:
        high = _shown(spec.max)
        return value, Text(en=f"write {high} or less", hi=f"{high} या उससे कम लिखें")
    return value, None


def _date(value: str) -> tuple[str, Text | None]:
    written = ascii_digits(value)
    shape = _DAY_MONTH_YEAR.match(written)
    if shape:
        day, month, year = (int(part) for part in shape.groups())
    elif shape := _YEAR_MONTH_DAY.match(written):
        year, month, day = (int(part) for part in shape.groups())
    else:
        return value, A_DATE
    try:
        return dt.date(year, month, day).isoformat(), None
    except ValueError:
        return value, NO_SUCH_DATE


def _boolean(value: Any) -> tuple[Any, Text | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str):
        answer = value.strip().casefold()
        if answer in _YES or answer in _NO:
            return answer in _YES, None
    return value, YES_OR_NO


def _choice(spec: FormField, value: str) -> tuple[str, Text | None]:
    choices = spec.choices or ()
    wanted = value.casefold()
    for choice in choices:
        if wanted in (choice.value.casefold(), choice.label.en.casefold(), choice.label.hi.casefold()):
            return choice.value, None
    return value, Text(
        en="choose one of: " + ", ".join(c.label.en for c in choices),
        hi="इनमें से एक चुनें: " + ", ".join(c.label.hi for c in choices),
    )


def _patterned(spec: FormField, value: str) -> tuple[str, Text | None]:
    """The value as the pattern accepts it: as typed, with its digits in 0-9, or also in capitals."""
    assert spec.pattern is not None
    pattern = _compiled(spec.pattern)
    digits = ascii_digits(value)
    for candidate in (value, digits, digits.upper()):
        if pattern.fullmatch(candidate):
            return candidate, None
    # The loader makes sure a pattern it cannot put into words has a hint.
    return value, spec.hint or describe_pattern(spec.pattern) or Text(
        en="write this as the form asks", hi="इसे फ़ॉर्म में बताए अनुसार लिखें"
    )


def _check(spec: FormField, value: Any) -> tuple[Any, Text | None]:
    """The cleaned value, or what the citizen should write instead."""
    kind = spec.type
    if kind == "boolean":
        return _boolean(value)
    if kind == "number":
        return _number(spec, value)
    if not isinstance(value, str):
        return value, A_TEXT
    value = value.strip()
    if len(value) > _MAX_TEXT:
        return value, TOO_LONG
    if kind == "date":
        return _date(value)
    if kind == "mobile":
        try:
            return check_mobile(value), None
        except InvalidMobile:
            return value, A_MOBILE
    if kind == "email":
        return value, None if _EMAIL.match(value) else AN_EMAIL
    if kind == "choice":
        return _choice(spec, value)
    if spec.pattern:
        value, reason = _patterned(spec, value)
        if reason is not None:
            return value, reason
    # An Aadhaar number is never stored in clear, whatever free-text field it was typed into.
    return mask_aadhaar_numbers(value), None


def _problem(spec: FormField, reason: Text) -> FormProblem:
    return FormProblem(f"form.{spec.name}", f"{spec.label.en}: {reason.en}", f"{spec.label.hi}: {reason.hi}")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fits(spec: FormField, value: Any) -> bool:
    """Whether ``value`` is one the field accepts (a value from the registry fills a field only then)."""
    return value is not None and value != "" and _check(spec, value)[1] is None


def check_form(fields: tuple[FormField, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned form, or ``FormInvalid`` naming every refused field."""
    problems: list[FormProblem] = []
    clean: dict[str, Any] = {}
    known = {spec.name for spec in fields}
    for name in values:
        if name not in known:
            problems.append(
                FormProblem(
                    f"form.{name}",
                    f"this service's form has no field '{name}'",
                    f"इस सेवा के फ़ॉर्म में '{name}' नाम का कोई खाना नहीं है",
                )
            )
    for spec in fields:
        value = values.get(spec.name)
        if _empty(value):
            if spec.required:
                problems.append(_problem(spec, FILL_IN))
            continue
        cleaned, reason = _check(spec, value)
        if reason:
            problems.append(_problem(spec, reason))
        else:
            clean[spec.name] = cleaned
    if problems:
        raise FormInvalid(problems)
    return clean
