"""The eligibility rule language: declarative, typed, compiled once, never ``eval``.

A rule is a mapping in ``catalogue.yaml``:

- a comparison ``{fact: member.age, op: ">=", value: 60}``, with ``op`` one of
  ``== != < <= > >= in "not in" between``; the fact is one of ``catalogue.facts.FACTS`` or a
  ``form.<field>`` answer of the service's own form, typed by the field;
- a combination ``{all: [rule, ...]}``, ``{any: [rule, ...]}`` or ``{not: rule}``.

Every top-level rule of a service carries ``reason: {en, hi}``. Rules are compiled into closures over
plain values; evaluation uses three-valued logic: ``True``, ``False``, or ``None`` when a fact it needs
is unknown, so a missing income gives "undetermined" rather than a wrong "not eligible".
See ``docs/eligibility.md`` for the language and why it was chosen over CEL.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from catalogue.facts import FACTS, Fact, check_value, form_facts, nearest_facts
from catalogue.models import FormField, Text

__all__ = ["OPERATORS", "CompiledRule", "FactScope", "RuleProblem", "compile_rule"]

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
    """A rule ready to evaluate, with the facts it reads and its reason (top-level rules only).

    ``asks`` holds, for each fact it reads, what to ask a citizen when the fact is missing: the fact's
    own description, or the form field's label for a ``form.*`` fact.
    """

    key: str
    facts: tuple[str, ...]
    evaluate: Evaluator
    reason: Text | None
    asks: tuple[Text, ...] = ()

    def missing(self, facts: Facts) -> list[str]:
        return [name for name in self.facts if facts.get(name) is None]

    def missing_with_questions(self, facts: Facts) -> list[tuple[str, Text]]:
        """(fact, what to ask) of every fact this rule reads that ``facts`` lacks."""
        return [(n, ask) for n, ask in zip(self.facts, self.asks, strict=True) if facts.get(n) is None]


class FactScope:
    """The facts one service's rules may read: every registry fact, and the ``form.*`` facts of its form.

    ``districts`` are the declared district codes; ``form`` the service's form fields (the fields rules
    cannot read, such as text, are kept to say why a rule naming one is refused).
    """

    __slots__ = ("districts", "facts", "unreadable")

    def __init__(self, districts: frozenset[str], form: Iterable[FormField] = ()) -> None:
        fields = list(form)
        self.districts = districts
        self.facts: dict[str, Fact] = {**FACTS, **form_facts(fields)}
        self.unreadable = {f"form.{f.name}": f.type for f in fields if f"form.{f.name}" not in self.facts}

    def unknown(self, name: Any) -> str:
        """Why ``name`` is not a fact here, and what to write instead."""
        if isinstance(name, str) and name in self.unreadable:
            return (
                f"unknown fact '{name}': rules read number, choice and yes/no (boolean) fields, and this "
                f"field is a {self.unreadable[name]} field"
            )
        if isinstance(name, str) and name.startswith("form."):
            readable = sorted(n for n in self.facts if n.startswith("form."))
            fields = ", ".join(readable) if readable else "none"
            return (
                f"unknown fact '{name}': the service's form has no such field that rules can read "
                f"(facts of its form: {fields})"
            )
        near = nearest_facts(str(name), self.facts)
        if near:
            return f"unknown fact '{name}'; did you mean {' or '.join(near)}?"
        scope = str(name).partition(".")[0]
        same = (
            sorted(n for n in self.facts if n.startswith(f"{scope}."))
            if scope in ("member", "family")
            else []
        )
        listed = ", ".join(same) if same else "member.*, family.* and form.* facts (docs/eligibility.md)"
        return f"unknown fact '{name}'; the facts are: {listed}"


def _ask(fact: Fact) -> Text:
    return Text(en=fact.en, hi=fact.hi)


class _Invalid(Exception):
    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems


def compile_rule(
    raw: Any, districts: frozenset[str] | FactScope, *, top_level: bool = True
) -> tuple[CompiledRule | None, list[RuleProblem]]:
    """Compile one rule; return it, or None with every problem found in it.

    ``districts`` is a ``FactScope`` for a service with a form, or just the declared districts.
    """
    scope = districts if isinstance(districts, FactScope) else FactScope(districts)
    problems: list[RuleProblem] = []
    rule = _compile(raw, "", scope, problems, top_level)
    return (rule if not problems else None), problems


def _compile(
    raw: Any, path: str, scope: FactScope, problems: list[RuleProblem], top_level: bool
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
        return _comparison(raw, path, scope, problems, reason)
    if kind == "not":
        inner = _compile(raw["not"], f"{path}.not", scope, problems, False)
        if inner is None:
            return None
        ev = inner.evaluate

        def negate(facts: Facts) -> bool | None:
            result = ev(facts)
            return None if result is None else not result

        return CompiledRule(f"not({inner.key})", inner.facts, negate, reason, inner.asks)
    items = raw[kind]
    if not isinstance(items, list) or not items:
        problems.append(RuleProblem(f"{path}.{kind}", "must be a non-empty list of rules"))
        return None
    parts = [_compile(item, f"{path}.{kind}[{i}]", scope, problems, False) for i, item in enumerate(items)]
    if any(part is None for part in parts):
        return None
    compiled = [part for part in parts if part is not None]
    evaluators = tuple(part.evaluate for part in compiled)
    asked = dict(pair for part in compiled for pair in zip(part.facts, part.asks, strict=True))
    facts = tuple(asked)
    key = f"{kind}({','.join(part.key for part in compiled)})"
    evaluate = _all(evaluators) if kind == "all" else _any(evaluators)
    return CompiledRule(key, facts, evaluate, reason, tuple(asked.values()))


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
    scope: FactScope,
    problems: list[RuleProblem],
    reason: Text | None,
) -> CompiledRule | None:
    name = raw["fact"]
    fact = scope.facts.get(name) if isinstance(name, str) else None
    if fact is None:
        problems.append(RuleProblem(f"{path}.fact", scope.unknown(name)))
        return None
    districts = scope.districts
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
    return CompiledRule(f"{name}{op}{value!r}", (name,), evaluate, reason, (_ask(fact),))


# What to write for a value of each kind of fact, added to a refusal.
_WRITE = {
    "int": "write a whole number, such as 60",
    "number": "write a number, such as 2.5",
    "bool": "write true or false",
}
_KIND_NAMES = {
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "enum": "one of named values",
    "district": "a district",
}


def _checked(fact: Fact, value: Any, districts: frozenset[str], path: str = "") -> Any:
    problem = check_value(fact, value, districts)
    if problem:
        message = f"{problem[0]} (fact {fact.name})"
        if fact.kind in _WRITE:
            message += f"; {_WRITE[fact.kind]}"
        elif isinstance(value, str):
            choices = fact.values if fact.kind == "enum" else tuple(sorted(districts))
            near = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
            if near:
                message += f"; did you mean '{near[0]}'?"
        raise _Invalid([RuleProblem(path, message)])
    return value


def _operators_for(fact: Fact) -> str:
    if fact.kind in ("int", "number"):
        return "==, !=, <, <=, >, >= or between"
    if fact.kind == "bool":
        return "== or !="
    return "==, !=, in or not in"


def _comparator(fact: Fact, op: str, value: Any, districts: frozenset[str]) -> Evaluator:
    name = fact.name
    kind = _KIND_NAMES[fact.kind]
    if (op in _ORDERING or op == "between") and fact.kind not in ("int", "number"):
        raise ValueError(f"'{op}' compares numbers, but {name} is {kind}; use {_operators_for(fact)}")
    if op in ("in", "not in"):
        if fact.kind not in ("enum", "district"):
            raise ValueError(
                f"'{op}' needs a fact with named values, but {name} is {kind}; use {_operators_for(fact)}"
            )
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
