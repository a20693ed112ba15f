"""Verdicts: which services a member, or every member of a family, may get, and why not.

A verdict is ``eligible``, ``not_eligible`` with the reason of every rule that failed, or
``undetermined`` with the facts that are missing and what to ask for each (a form field's label for
a ``form.*`` fact, unknown until the citizen fills the form). When one member is checked against the
whole catalogue, each distinct rule is evaluated once: services share many rules (age 60 or over, BPL),
so a catalogue of thousands of services costs far fewer rule evaluations than it has rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import msgspec

from catalogue.compiled import Catalogue
from catalogue.models import Text
from catalogue.rules import CompiledRule

__all__ = [
    "FamilyVerdicts",
    "ServiceVerdict",
    "Status",
    "evaluate_all",
    "evaluate_family",
    "evaluate_service",
]

Status = Literal["eligible", "not_eligible", "undetermined"]
Facts = Mapping[str, Any]


class ServiceVerdict(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """The verdict for one service: every failing reason, and every fact that was missing.

    ``ask`` says, for each missing fact in the same order, what to ask the citizen ("tell us ...").
    """

    service: str
    status: Status
    reasons: list[Text]
    missing_facts: list[str]
    ask: list[Text] = msgspec.field(default_factory=list)


class FamilyVerdicts(msgspec.Struct, kw_only=True, frozen=True):
    """Verdicts for each member of a family, keyed by member ID."""

    members: dict[str, list[ServiceVerdict]]


def _verdict(
    code: str, rules: tuple[CompiledRule, ...], facts: Facts, memo: dict[str, bool | None]
) -> ServiceVerdict:
    reasons: list[Text] = []
    missing: list[str] = []
    ask: list[Text] = []
    for rule in rules:
        key = rule.key
        if key in memo:
            result = memo[key]
        else:
            result = memo[key] = rule.evaluate(facts)
        if result is False:
            assert rule.reason is not None  # top-level rules always carry one
            reasons.append(rule.reason)
        elif result is None:
            for name, question in rule.missing_with_questions(facts):
                if name not in missing:
                    missing.append(name)
                    ask.append(question)
    status: Status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
    return ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing, ask=ask)


def evaluate_service(catalogue: Catalogue, code: str, facts: Facts) -> ServiceVerdict:
    """The verdict of one service for one member's facts; ``UnknownService`` for a wrong code."""
    service = catalogue.service(code)
    return _verdict(service.code, catalogue.rules[service.code], facts, {})


def evaluate_all(
    catalogue: Catalogue, facts: Facts, codes: Iterable[str] | None = None
) -> list[ServiceVerdict]:
    """Verdicts of every service (or of ``codes``) for one member's facts, in catalogue order."""
    memo: dict[str, bool | None] = {}
    rules = catalogue.rules
    if codes is None:
        return [_verdict(code, rules[code], facts, memo) for code in rules]
    return [_verdict(catalogue.service(code).code, rules[code], facts, memo) for code in codes]


def evaluate_family(catalogue: Catalogue, members: Mapping[str, Facts]) -> FamilyVerdicts:
    """Verdicts of every service for every member; ``members`` maps member ID to that member's facts."""
    return FamilyVerdicts(
        members={member_id: evaluate_all(catalogue, facts) for member_id, facts in members.items()}
    )
