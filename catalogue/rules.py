"""The eligibility rule language: declarative, typed, compiled once, never ``eval``.

A rule is a mapping in ``catalogue.yaml``:

- a comparison ``{fact: member.age, op: ">=", value: 60}``, with ``op`` one of
  ``== != < <= > >= in "not in" between``;
- a combination ``{all: [rule, ...]}``, ``{any: [rule, ...]}`` or ``{not: rule}``.

Every top-level rule of a service carries ``reason: {en, hi}``. Rules are compiled into closures over
plain values; evaluation uses three-valued logic: ``True``, ``False``, or ``None`` when a fact it needs
is unknown, so a missing income gives "undetermined" rather than a wrong "not eligible".
See ``docs/eligibility.md`` for the language and why it was chosen over CEL.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from catalogue.facts import FACTS, Fact, check_value
from catalogue.models import Text

__all__ = ["OPERATORS", "CompiledRule", "RuleProblem", "compile_rule"]

Facts = Mapping[str, Any]
Evaluator = Callable[[Facts], bool | None]

_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_EQUALITY = {"==": operator.eq, "!=": operator.ne}
OPERATORS = (*_EQUALITY, *_ORDERING, "in", "not in", "between")


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """Something wrong with a rule as written: ``path`` is relative to the rule (``.any[1].op``)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to evaluate, with the facts it reads and its reason (top-level rules only)."""

    key: str
    facts: tuple[str, ...]
    evaluate: Evaluator
    reason: Text | None

    def missing(self, facts: Facts) -> list[str]:
        return [name for name in self.facts if facts.get(name) is None]


class _Invalid(Exception):
    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems


def compile_rule(
    raw: Any, districts: frozenset[str], *, top_level: bool = True
) -> tuple[CompiledRule | None, list[RuleProblem]]:
    """Compile one rule; return it, or None with every problem found in it."""
    problems: list[RuleProblem] = []
    rule = _compile(raw, "", districts, problems, top_level)
    return (rule if not problems else None), problems


def _compile(
    raw: Any, path: str, districts: frozenset[str], problems: list[RuleProblem], top_level: bool
) -> CompiledRule | None:
    if not isinstance(raw, dict):
        problems.append(RuleProblem(path, "a rule must be a mapping"))
        return None
    reason = _reason(raw, path, problems, top_level)
    kinds = [k for k in ("fact", "all", "any", "not") if k in raw]
    if len(kinds) != 1:
        problems.append(RuleProblem(path, "a rule needs exactly one of: fact, all, any, not"))
        return None
    kind = kinds[0]
    allowed = {"fact", "op", "value", "reason"} if kind == "fact" else {kind, "reason"}
    for extra in sorted(set(raw) - allowed):
        problems.append(RuleProblem(f"{path}.{extra}", f"unknown field '{extra}'"))
    if kind == "fact":
        return _comparison(raw, path, districts, problems, reason)
    if kind == "not":
        inner = _compile(raw["not"], f"{path}.not", districts, problems, False)
        if inner is None:
            return None
        ev = inner.evaluate

        def negate(facts: Facts) -> bool | None:
            result = ev(facts)
            return None if result is None else not result

        return CompiledRule(f"not({inner.key})", inner.facts, negate, reason)
    items = raw[kind]
    if not isinstance(items, list) or not items:
        problems.append(RuleProblem(f"{path}.{kind}", "must be a non-empty list of rules"))
        return None
    parts = [
        _compile(item, f"{path}.{kind}[{i}]", districts, problems, False) for i, item in enumerate(items)
    ]
    if any(part is None for part in parts):
        return None
    compiled = [part for part in parts if part is not None]
    evaluators = tuple(part.evaluate for part in compiled)
    facts = tuple(dict.fromkeys(name for part in compiled for name in part.facts))
    key = f"{kind}({','.join(part.key for part in compiled)})"
    return CompiledRule(key, facts, _all(evaluators) if kind == "all" else _any(evaluators), reason)


def _reason(raw: dict[str, Any], path: str, problems: list[RuleProblem], top_level: bool) -> Text | None:
    if "reason" not in raw:
        if top_level:
            problems.append(RuleProblem(f"{path}.reason", "a top-level rule needs a reason in en and hi"))
        return None
    try:
        return msgspec.convert(raw["reason"], Text)
    except msgspec.ValidationError as exc:
        problems.append(RuleProblem(f"{path}.reason", str(exc)))
        return None


def _all(evaluators: tuple[Evaluator, ...]) -> Evaluator:
    def evaluate(facts: Facts) -> bool | None:
        unknown = False
        for ev in evaluators:
            result = ev(facts)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return evaluate


def _any(evaluators: tuple[Evaluator, ...]) -> Evaluator:
    def evaluate(facts: Facts) -> bool | None:
        unknown = False
        for ev in evaluators:
            result = ev(facts)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return evaluate


def _comparison(
    raw: dict[str, Any],
    path: str,
    districts: frozenset[str],
    problems: list[RuleProblem],
    reason: Text | None,
) -> CompiledRule | None:
    name = raw["fact"]
    fact = FACTS.get(name) if isinstance(name, str) else None
    if fact is None:
        problems.append(RuleProblem(f"{path}.fact", f"unknown fact '{name}'"))
        return None
    op = raw.get("op")
    if op not in OPERATORS:
        allowed = ", ".join(OPERATORS)
        problems.append(RuleProblem(f"{path}.op", f"unknown operator '{op}'; use one of: {allowed}"))
        return None
    if "value" not in raw:
        problems.append(RuleProblem(f"{path}.value", "missing value"))
        return None
    value = raw["value"]
    try:
        evaluate = _comparator(fact, op, value, districts)
    except _Invalid as exc:
        problems.extend(RuleProblem(f"{path}.value{p.path}", p.message) for p in exc.problems)
        return None
    except ValueError as exc:
        problems.append(RuleProblem(f"{path}.op", str(exc)))
        return None
    return CompiledRule(f"{name}{op}{value!r}", (name,), evaluate, reason)


def _checked(fact: Fact, value: Any, districts: frozenset[str], path: str = "") -> Any:
    problem = check_value(fact, value, districts)
    if problem:
        raise _Invalid([RuleProblem(path, f"{problem[0]} (fact {fact.name})")])
    return value


def _comparator(fact: Fact, op: str, value: Any, districts: frozenset[str]) -> Evaluator:
    name = fact.name
    if (op in _ORDERING or op == "between") and fact.kind != "int":
        raise ValueError(f"'{op}' compares numbers, but {name} is a {fact.kind}")
    if op in ("in", "not in"):
        if fact.kind not in ("enum", "district"):
            raise ValueError(f"'{op}' needs a fact with named values, but {name} is a {fact.kind}")
        if not isinstance(value, list) or not value:
            raise _Invalid([RuleProblem("", "must be a non-empty list")])
        allowed = frozenset(_checked(fact, v, districts, f"[{i}]") for i, v in enumerate(value))
        inside = op == "in"

        def member_of(facts: Facts) -> bool | None:
            actual = facts.get(name)
            return None if actual is None else (actual in allowed) is inside

        return member_of
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise _Invalid([RuleProblem("", "must be a list [low, high]")])
        low, high = (_checked(fact, v, districts, f"[{i}]") for i, v in enumerate(value))
        if low > high:
            raise _Invalid([RuleProblem("", f"low {low} is above high {high}")])

        def within(facts: Facts) -> bool | None:
            actual = facts.get(name)
            return None if actual is None else low <= actual <= high

        return within
    expected = _checked(fact, value, districts)
    compare = _ORDERING.get(op) or _EQUALITY[op]

    def compared(facts: Facts) -> bool | None:
        actual = facts.get(name)
        return None if actual is None else compare(actual, expected)

    return compared
