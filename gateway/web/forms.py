"""A service's form on the page: input names, reading what was typed, and errors that link to their field.

Each field of the catalogue becomes one input named ``f-<name>`` (a date three: ``-day``, ``-month``,
``-year``, the GOV.UK way); each missing document a file input named ``d-<type>``. What a person typed is
read into the values the applications service checks (numbers as numbers, yes/no as true/false, a date
as YYYY-MM-DD), digits of Devanagari included; the service's own check then names each refused field, and
``Problem`` carries its message, in the reader's language, to the summary at the top and beside the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.models import FormField
from gateway.applications import FormProblem
from gateway.web.i18n import N_

__all__ = [
    "Problem",
    "answers_as_typed",
    "date_parts",
    "input_id",
    "problems_of",
    "read_answers",
    "typed_values",
]

Translate = Callable[[str], str]
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_ENTER = N_("Enter %(label)s")
_CHOOSE = N_("Choose %(label)s")
_REAL_DATE = N_("%(label)s must be a real date, for example 15 8 1990")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix: the id of the input it is about and what to do, in the reader's language."""

    anchor: str
    message: str


def input_id(spec: FormField) -> str:
    """The id of a field's (first) input, where the error summary links to."""
    return f"f-{spec.name}-day" if spec.type == "date" else f"f-{spec.name}"


def _digits(text: str) -> str:
    return text.translate(_DEVANAGARI_DIGITS).strip()


def _number(text: str) -> Any:
    cleaned = _digits(text).replace(",", "").replace(" ", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        return text.strip()  # the service says it must be a number


def date_parts(value: Any) -> tuple[str, str, str]:
    """Day, month and year of a stored ``YYYY-MM-DD`` for the three inputs."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return "", "", ""
    return str(day.day), str(day.month), str(day.year)


def _date(spec: FormField, form: Mapping[str, str]) -> tuple[str | None, bool]:
    """The date typed into the three inputs, and whether what was typed is no real date."""
    parts = [_digits(form.get(f"f-{spec.name}-{part}", "")) for part in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(part) for part in parts)
        if year < 1000:
            raise ValueError
        return dt.date(year, month, day).isoformat(), False
    except ValueError:
        return None, True


def read_answers(
    fields: Iterable[FormField], form: Mapping[str, str], language: str, translate: Translate
) -> tuple[dict[str, Any], list[Problem]]:
    """The answers to ``fields`` from a posted form, and the dates that are not real dates."""
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in fields:
        if spec.type == "date":
            value, unreal = _date(spec, form)
            if unreal:
                label = spec.label.hi if language == "hi" else spec.label.en
                problems.append(Problem(input_id(spec), translate(_REAL_DATE) % {"label": label}))
            elif value is not None:
                answers[spec.name] = value
            continue
        raw = form.get(f"f-{spec.name}", "")
        if not raw.strip():
            continue
        if spec.type == "number":
            answers[spec.name] = _number(raw)
        elif spec.type == "boolean":
            if raw in ("yes", "no"):
                answers[spec.name] = raw == "yes"
        elif spec.type == "mobile":
            answers[spec.name] = _digits(raw)
        else:
            answers[spec.name] = raw.strip()
    return answers, problems


def typed_values(fields: Iterable[FormField], form: Mapping[str, str]) -> dict[str, str]:
    """What was typed into each input, kept to show the form again exactly as it was."""
    names: list[str] = []
    for spec in fields:
        if spec.type == "date":
            names.extend(f"f-{spec.name}-{part}" for part in ("day", "month", "year"))
        else:
            names.append(f"f-{spec.name}")
    return {name: form.get(name, "") for name in names}


def answers_as_typed(fields: Iterable[FormField], answers: Mapping[str, Any]) -> dict[str, str]:
    """Answers kept in a draft, back in the inputs (when a person changes an answer from the check page)."""
    typed: dict[str, str] = {}
    for spec in fields:
        value = answers.get(spec.name)
        if value is None:
            continue
        if spec.type == "date":
            for part, text in zip(("day", "month", "year"), date_parts(value), strict=True):
                typed[f"f-{spec.name}-{part}"] = text
        elif spec.type == "boolean":
            typed[f"f-{spec.name}"] = "yes" if value else "no"
        else:
            typed[f"f-{spec.name}"] = str(value)
    return typed


def problems_of(
    problems: Iterable[FormProblem], fields: Iterable[FormField], language: str, translate: Translate
) -> list[Problem]:
    """The applications service's refusals as the page shows them: the field's label and what to do."""
    specs = {f"form.{spec.name}": spec for spec in fields}
    shown: list[Problem] = []
    for problem in problems:
        spec = specs.get(problem.field)
        why = problem.hi if language == "hi" else problem.en
        if spec is None:
            shown.append(Problem("main", why))
            continue
        label = spec.label.hi if language == "hi" else spec.label.en
        if problem.en == "is required":
            ask = _CHOOSE if spec.type in ("choice", "boolean") else _ENTER
            shown.append(Problem(input_id(spec), translate(ask) % {"label": label}))
        else:
            shown.append(Problem(input_id(spec), f"{label}: {why}"))
    return shown
