"""Verdicts: which services a member, or every member of a family, may get, and why not.

A verdict is ``eligible``, ``not_eligible`` with the reason of every rule that failed, or
``undetermined`` with the facts that are missing and what to ask for each (a form field's label for
a ``form.*`` fact, unknown until the citizen fills the form). When one member is checked against the
whole catalogue, each distinct rule is evaluated once: services share many rules (age 60 or over, BPL),
so a catalogue of thousands of services costs far fewer rule evaluations than it has rules.

A verdict depends only on how each of its service's rules came out (true, false, or unknown for want of
some facts), so each service keeps the verdicts it has given, keyed on those outcomes, and gives the same
object again when they recur, as they do for most services and most members. Judging a member then
allocates almost nothing, which keeps the garbage collector, and so the slowest requests, out of the way.
Verdicts are therefore shared and must not be changed (they are frozen; their lists are not to be
appended to).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from catalogue.compiled import Catalogue
from catalogue.models import Text
from catalogue.rules import CompiledRule, Evaluator

__all__ = [
    "FamilyVerdicts",
    "RuleOutcome",
    "ServiceVerdict",
    "Status",
    "evaluate_all",
    "evaluate_family",
    "evaluate_service",
    "rule_outcomes",
]

Status = Literal["eligible", "not_eligible", "undetermined"]
Facts = Mapping[str, Any]


class ServiceVerdict(msgspec.Struct, kw_only=True, frozen=True, gc=False, omit_defaults=True):
    """The verdict for one service: every failing reason, and every fact that was missing.

    ``ask`` says, for each missing fact in the same order, what to ask the citizen ("tell us ...").
    Kept out of the garbage collector's sight (``gc=False``): verdicts are kept for the catalogue's
    lifetime, and hold only text and lists of text, which can never form a cycle."""

    service: str
    status: Status
    reasons: list[Text]
    missing_facts: list[str]
    ask: list[Text] = msgspec.field(default_factory=list)


class FamilyVerdicts(msgspec.Struct, kw_only=True, frozen=True):
    """Verdicts for each member of a family, keyed by member ID."""

    members: dict[str, list[ServiceVerdict]]


# How one rule came out for one member: True, False, or the facts it missed (a tuple) when unknown.
Outcome = bool | tuple[str, ...]

# Verdicts a service keeps, at most, one per distinct set of outcomes (so a few per service in practice).
_KEPT_PER_SERVICE = 64


@dataclass(eq=False, slots=True)
class _Service:
    """One service as the evaluator sees it: which distinct rules it has, with its reasons, and the
    verdicts it has given so far by the outcomes of those rules."""

    code: str
    rules: tuple[int, ...]
    reasons: tuple[Text | None, ...]
    asks: dict[str, Text]  # what to ask for each fact its rules read, in this service's words
    given: dict[Any, ServiceVerdict] = field(default_factory=dict)

    def verdict(self, outcomes: list[Outcome]) -> ServiceVerdict:
        rules = self.rules
        key: Any = outcomes[rules[0]] if len(rules) == 1 else tuple([outcomes[i] for i in rules])
        found = self.given.get(key)
        if found is None:
            found = self.judge([outcomes[i] for i in rules])
            if len(self.given) < _KEPT_PER_SERVICE:
                self.given[key] = found
        return found

    def judge(self, outcomes: list[Outcome]) -> ServiceVerdict:
        reasons: list[Text] = []
        missing: list[str] = []
        for reason, outcome in zip(self.reasons, outcomes, strict=True):
            if outcome is False:
                assert reason is not None  # top-level rules always carry one
                reasons.append(reason)
            elif outcome is not True:
                missing.extend(name for name in outcome if name not in missing)
        status: Status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
        ask = [self.asks[name] for name in missing if name in self.asks]
        return ServiceVerdict(
            service=self.code, status=status, reasons=reasons, missing_facts=missing, ask=ask
        )


class _Plan:
    """The catalogue's rules laid out for evaluation: each distinct rule once, each service by index."""

    def __init__(self, catalogue: Catalogue) -> None:
        distinct: dict[str, int] = {}
        rules: list[CompiledRule] = []
        self.services: dict[str, _Service] = {}
        for code, compiled in catalogue.rules.items():
            indices = []
            for rule in compiled:
                if rule.key not in distinct:
                    distinct[rule.key] = len(rules)
                    rules.append(rule)
                indices.append(distinct[rule.key])
            asks = {name: ask for rule in compiled for name, ask in zip(rule.facts, rule.asks, strict=False)}
            self.services[code] = _Service(
                code, tuple(indices), tuple(rule.reason for rule in compiled), asks
            )
        self.in_order = tuple(self.services.values())
        self.evaluators: tuple[Evaluator, ...] = tuple(rule.evaluate for rule in rules)
        self.facts: tuple[tuple[str, ...], ...] = tuple(rule.facts for rule in rules)

    def outcomes(self, facts: Facts, wanted: Iterable[int] | None = None) -> list[Outcome]:
        """How each distinct rule (or each ``wanted`` one, the rest left True) comes out for ``facts``."""
        if wanted is None:
            results: list[Any] = [evaluate(facts) for evaluate in self.evaluators]
        else:
            results = [True] * len(self.evaluators)
            for i in wanted:
                results[i] = self.evaluators[i](facts)
        for i, result in enumerate(results):
            if result is None:
                results[i] = tuple([name for name in self.facts[i] if facts.get(name) is None])
            elif result is not False:
                results[i] = True
        return results


_plans: weakref.WeakKeyDictionary[Catalogue, _Plan] = weakref.WeakKeyDictionary()
_plans_lock = threading.Lock()


def _plan(catalogue: Catalogue) -> _Plan:
    plan = _plans.get(catalogue)
    if plan is None:
        with _plans_lock:
            plan = _plans.get(catalogue)
            if plan is None:
                plan = _plans[catalogue] = _Plan(catalogue)
    return plan


def evaluate_service(catalogue: Catalogue, code: str, facts: Facts) -> ServiceVerdict:
    """The verdict of one service for one member's facts; ``UnknownService`` for a wrong code."""
    code = catalogue.service(code).code
    plan = _plan(catalogue)
    service = plan.services[code]
    return service.verdict(plan.outcomes(facts, service.rules))


def evaluate_all(
    catalogue: Catalogue, facts: Facts, codes: Iterable[str] | None = None
) -> list[ServiceVerdict]:
    """Verdicts of every service (or of ``codes``) for one member's facts, in catalogue order."""
    plan = _plan(catalogue)
    if codes is None:
        outcomes = plan.outcomes(facts)
        verdicts = []
        for service in plan.in_order:  # service.verdict(), inlined: this loop runs for every service
            rules = service.rules
            key: Any = outcomes[rules[0]] if len(rules) == 1 else tuple([outcomes[i] for i in rules])
            found = service.given.get(key)
            verdicts.append(found if found is not None else service.verdict(outcomes))
        return verdicts
    wanted = [plan.services[catalogue.service(code).code] for code in codes]
    outcomes = plan.outcomes(facts, {i for service in wanted for i in service.rules})
    return [service.verdict(outcomes) for service in wanted]


def evaluate_family(catalogue: Catalogue, members: Mapping[str, Facts]) -> FamilyVerdicts:
    """Verdicts of every service for every member; ``members`` maps member ID to that member's facts."""
    return FamilyVerdicts(
        members={member_id: evaluate_all(catalogue, facts) for member_id, facts in members.items()}
    )


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """How one of a service's rules came out for one member: the rule as written, its reason, the facts it
    read (with their values; None where missing) and ``passed``, ``failed`` or ``unknown``."""

    rule: Mapping[str, Any]
    reason: Text | None
    facts: dict[str, Any]
    outcome: Literal["passed", "failed", "unknown"]


def rule_outcomes(catalogue: Catalogue, code: str, facts: Facts) -> list[RuleOutcome]:
    """Each rule of the service, judged on ``facts``: what an auditor reads to see why a verdict was given."""
    service = catalogue.service(code)
    outcomes = []
    for raw, rule in zip(service.eligibility, catalogue.rules[service.code], strict=True):
        result = rule.evaluate(facts)
        outcome: Literal["passed", "failed", "unknown"] = (
            "unknown" if result is None else "failed" if result is False else "passed"
        )
        read = {name: facts.get(name) for name in rule.facts}
        outcomes.append(RuleOutcome(raw, rule.reason, read, outcome))
    return outcomes
