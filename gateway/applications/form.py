"""Checks an application form against the service's fields; every refused field is named, in both languages.

A field's value is checked by its ``type`` (text, number, date, choice, boolean, mobile, email), then by
its ``pattern`` (the whole value must match), ``min``/``max`` and ``choices``. Fields the service does not
ask for are refused too: a typo must not be silently dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalogue.models import FormField
from family_registry.errors import InvalidMobile
from family_registry.mobile import check_mobile

__all__ = ["FormInvalid", "FormProblem", "check_form", "fits"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One refused field: its name and why, in English and Hindi."""

    field: str
    en: str
    hi: str


class FormInvalid(ValueError):
    """The form has at least one refused field; ``problems`` lists every one."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.en}" for p in problems))
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


def _check(spec: FormField, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """The cleaned value, or the reason it is refused."""
    kind = spec.type
    if kind == "boolean":
        return value, None if isinstance(value, bool) else (
            "must be true or false",
            "true या false होना चाहिए",
        )
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            return value, ("must be a number", "संख्या होनी चाहिए")
        if spec.min is not None and value < spec.min:
            return value, (f"must be at least {spec.min:g}", f"कम से कम {spec.min:g} होना चाहिए")
        if spec.max is not None and value > spec.max:
            return value, (f"must be at most {spec.max:g}", f"अधिकतम {spec.max:g} हो सकता है")
        return value, None
    if not isinstance(value, str):
        return value, ("must be text", "पाठ होना चाहिए")
    value = value.strip()
    if len(value) > _MAX_TEXT:
        return value, (f"must be at most {_MAX_TEXT} characters", f"अधिकतम {_MAX_TEXT} अक्षर हो सकते हैं")
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value, ("must be a date written YYYY-MM-DD", "तिथि YYYY-MM-DD रूप में होनी चाहिए")
        value = day.isoformat()
    elif kind == "mobile":
        try:
            value = check_mobile(value)
        except InvalidMobile as exc:
            return value, (exc.message, exc.message_hi)
    elif kind == "email" and not _EMAIL.match(value):
        return value, ("must be an e-mail address", "ई-मेल पता होना चाहिए")
    elif kind == "choice":
        allowed = [choice.value for choice in spec.choices or ()]
        if value not in allowed:
            return value, (
                f"must be one of: {', '.join(allowed)}",
                f"इनमें से एक होना चाहिए: {', '.join(allowed)}",
            )
    elif kind == "text" and not value and spec.required:
        return value, ("must not be empty", "खाली नहीं हो सकता")
    if spec.pattern and not _compiled(spec.pattern).fullmatch(value):
        return value, (f"does not match the pattern {spec.pattern}", f"प्रारूप {spec.pattern} से मेल नहीं खाता")
    return value, None


def fits(spec: FormField, value: Any) -> bool:
    """Whether ``value`` is one the field accepts (a value from the registry fills a field only then)."""
    return value is not None and value != "" and _check(spec, value)[1] is None


def check_form(fields: tuple[FormField, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned form, or ``FormInvalid`` naming every refused field (as ``form.<name>``)."""
    problems: list[FormProblem] = []
    clean: dict[str, Any] = {}
    known = {spec.name for spec in fields}
    for name in values:
        if name not in known:
            problems.append(
                FormProblem(f"form.{name}", "this service has no such field", "इस सेवा में ऐसा कोई क्षेत्र नहीं है")
            )
    for spec in fields:
        value = values.get(spec.name)
        if value is None or value == "":
            if spec.required:
                problems.append(FormProblem(f"form.{spec.name}", "is required", "आवश्यक है"))
            continue
        cleaned, reason = _check(spec, value)
        if reason:
            problems.append(FormProblem(f"form.{spec.name}", *reason))
        else:
            clean[spec.name] = cleaned
    if problems:
        raise FormInvalid(problems)
    return clean
