"""Verdicts: which services a member, or every member of a family, may get, and why not.

A verdict is ``eligible``, ``not_eligible`` with the reason of every rule that failed, or
``undetermined`` with the facts that are missing and what to ask for each (a form field's label for
a ``form.*`` fact, unknown until the citizen fills the form). When one member is checked against the
whole catalogue, each distinct rule is evaluated at most once: services share many rules (age 60 or over,
BPL), so a catalogue of thousands of services costs far fewer rule evaluations than it has rules.

Two things are kept, so that judging a member is mostly lookups and allocates almost nothing (which
keeps the garbage collector, and so the slowest requests, out of the way):

- a rule's outcome (true, false, or unknown for want of some facts) depends only on the values of the
  facts it reads, so the distinct rules are grouped by the facts they read and each group keeps its
  outcomes by those values: the next member of the same age, or the next member of the same family for
  the rules on family facts, is a lookup;
- a verdict depends only on how its service's rules came out, so the services are grouped by their
  rules and each group keeps the verdicts of all its services (and how many are of each status) by
  those outcomes, giving the same objects again when they recur, as they do for most services and most
  members. The lookups over the groups run in C (``map``), and one ``itemgetter`` puts the verdicts
  back in catalogue order.

Verdicts are therefore shared and must not be changed (they are frozen; their lists are not to be
appended to).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import call, itemgetter
from typing import Any, Literal

import msgspec

from catalogue.compiled import Catalogue
from catalogue.models import Text
from catalogue.rules import CompiledRule, Evaluator

__all__ = [
    "STATUSES",
    "FamilyVerdicts",
    "RuleOutcome",
    "ServiceVerdict",
    "Status",
    "evaluate_all",
    "evaluate_all_counted",
    "evaluate_family",
    "evaluate_service",
    "rule_outcomes",
]

Status = Literal["eligible", "not_eligible", "undetermined"]
STATUSES: tuple[Status, ...] = ("eligible", "not_eligible", "undetermined")
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

# Verdicts a group of services keeps, at most: one tuple per distinct set of outcomes (a few in practice).
_KEPT_PER_GROUP = 64
# Outcomes a set of facts keeps by their values, at most; past that it starts again (an income takes
# many values, an age a hundred or so, a yes/no fact three).
_KEPT_PER_READS = 1024


def _outcome(result: bool | None, names: tuple[str, ...], facts: Facts) -> Outcome:
    if result is None:
        return tuple([name for name in names if facts.get(name) is None])
    return result is not False


@dataclass(eq=False, slots=True)
class _Service:
    """One service as the evaluator sees it: the reasons of its rules, and what to ask for their facts."""

    code: str
    reasons: tuple[Text | None, ...]
    asks: dict[str, Text]  # what to ask for each fact its rules read, in this service's words

    def judge(self, outcomes: Sequence[Outcome]) -> ServiceVerdict:
        """The verdict, from how each of its rules came out (in rule order)."""
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


def _no_rules(outcomes: Sequence[Outcome]) -> tuple[()]:
    return ()


# A group's count of each status, packed into one int (``_COUNT_SHIFT`` bits per status, in the order of
# STATUSES) so that a member's counts are one ``sum`` over the groups, in C.
_COUNT_SHIFT = 32
_COUNT_MASK = (1 << _COUNT_SHIFT) - 1
_VERDICTS, _COUNTS = itemgetter(0), itemgetter(1)


class _Group:
    """Services with the same distinct rules. How those rules came out settles the verdicts of them all,
    so the group keeps them together, by those outcomes, with how many of them are of each status: one
    lookup gives every verdict of the group (a service without rules has one verdict for everyone, an age
    limit a few)."""

    __slots__ = ("given", "pick", "rules", "services")

    def __init__(self, rules: tuple[int, ...], services: list[_Service]) -> None:
        self.rules = rules
        # The key: the outcome of the one rule, or the tuple of the outcomes of several, picked in C.
        self.pick: Callable[[Sequence[Outcome]], Any] = itemgetter(*rules) if rules else _no_rules
        self.services = tuple(services)
        # By key: the verdicts of the services, in group order, and their packed count of each status.
        self.given: dict[Any, tuple[tuple[ServiceVerdict, ...], int]] = {}

    def verdicts(self, key: Any) -> tuple[tuple[ServiceVerdict, ...], int]:
        found = self.given.get(key)
        if found is None:
            outcomes = (key,) if len(self.rules) == 1 else key
            verdicts = tuple([service.judge(outcomes) for service in self.services])
            statuses = [verdict.status for verdict in verdicts]
            counts = sum(statuses.count(status) << (_COUNT_SHIFT * i) for i, status in enumerate(STATUSES))
            found = (verdicts, counts)
            if len(self.given) < _KEPT_PER_GROUP:
                self.given[key] = found
        return found


class _Reads:
    """The distinct rules that read one same set of facts. Their outcomes depend on those facts' values
    alone, so they are kept by those values: a member of 62 is judged against every age limit of the
    catalogue once, and every later member of 62 (and each member after the first for the rules on
    family facts) costs one lookup. Values equal under ``==`` (1 and 1.0) compare alike under every
    operator of the rule language, so they may share a key."""

    __slots__ = ("kept", "names", "rules", "single")

    def __init__(self, names: tuple[str, ...], rules: list[CompiledRule]) -> None:
        self.names = names
        self.single = names[0] if len(names) == 1 else None
        self.rules = tuple((rule.evaluate, rule.facts) for rule in rules)
        self.kept: dict[Any, tuple[Outcome, ...]] = {}  # cleared, never replaced: the plan holds it

    def judge(self, facts: Facts, key: Any) -> tuple[Outcome, ...]:
        """How each of these rules comes out for ``facts``, whose values of ``names`` are ``key``."""
        found = tuple([_outcome(evaluate(facts), names, facts) for evaluate, names in self.rules])
        if len(self.kept) >= _KEPT_PER_READS:
            self.kept.clear()
        self.kept[key] = found
        return found


class _Plan:
    """The catalogue's rules laid out for evaluation: the distinct rules, grouped by the facts they read
    (so that their outcomes line up, group after group, by index), and the services, grouped by the
    distinct rules they have."""

    def __init__(self, catalogue: Catalogue) -> None:
        distinct: dict[str, CompiledRule] = {}
        for compiled in catalogue.rules.values():
            for rule in compiled:
                distinct.setdefault(rule.key, rule)
        by_facts: dict[tuple[str, ...], list[CompiledRule]] = {}
        for rule in distinct.values():
            by_facts.setdefault(tuple(sorted(set(rule.facts))), []).append(rule)
        self.reads = tuple(_Reads(names, rules) for names, rules in by_facts.items())
        in_order = [rule for rules in by_facts.values() for rule in rules]
        index = {rule.key: i for i, rule in enumerate(in_order)}
        self.rules: tuple[tuple[Evaluator, tuple[str, ...]], ...] = tuple(
            (rule.evaluate, rule.facts) for rule in in_order
        )
        # What the loop over the reads needs, unpacked once.
        self.reading = tuple((reads.single, reads.names, reads.kept, reads) for reads in self.reads)

        by_rules: dict[tuple[int, ...], list[_Service]] = {}
        for code, compiled in catalogue.rules.items():
            asks = {name: ask for rule in compiled for name, ask in zip(rule.facts, rule.asks, strict=False)}
            service = _Service(code, tuple(rule.reason for rule in compiled), asks)
            by_rules.setdefault(tuple(index[rule.key] for rule in compiled), []).append(service)
        self.groups = tuple(_Group(rules, services) for rules, services in by_rules.items())
        # The lookups over the groups, done in C by ``map``: keys picked, verdicts and counts found.
        self.picks = tuple(group.pick for group in self.groups)
        self.given = tuple(group.given for group in self.groups)
        # Where each service's verdict is: its group and place there, and in the groups' verdicts laid
        # end to end; ``order`` takes those back to catalogue order (None when they are in it already).
        self.where: dict[str, tuple[_Group, int]] = {}
        flat: dict[str, int] = {}
        for group in self.groups:
            for place, service in enumerate(group.services):
                self.where[service.code] = (group, place)
                flat[service.code] = len(flat)
        positions = [flat[code] for code in catalogue.rules]
        self.order: Callable[[list[ServiceVerdict]], tuple[ServiceVerdict, ...]] | None = (
            itemgetter(*positions) if len(positions) > 1 and positions != sorted(positions) else None
        )

    def outcomes(self, facts: Facts, wanted: Iterable[int] | None = None) -> list[Outcome]:
        """How each distinct rule (or each ``wanted`` one, the rest left True) comes out for ``facts``,
        every rule evaluated, nothing kept."""
        if wanted is None:
            return [_outcome(evaluate(facts), names, facts) for evaluate, names in self.rules]
        results: list[Outcome] = [True] * len(self.rules)
        for i in wanted:
            evaluate, names = self.rules[i]
            results[i] = _outcome(evaluate(facts), names, facts)
        return results

    def kept_outcomes(self, facts: Facts) -> list[Outcome]:
        """``outcomes(facts)``, from the outcomes kept by the values of the facts each group reads."""
        get = facts.get
        outcomes: list[Outcome] = []
        try:
            for single, names, kept, reads in self.reading:
                key = get(single) if single is not None else tuple(map(get, names))
                found = kept.get(key)
                outcomes += found if found is not None else reads.judge(facts, key)
        except TypeError:  # a value that cannot be a key (a list, say): evaluated without keeping
            return self.outcomes(facts)
        return outcomes

    def keys(self, outcomes: Sequence[Outcome]) -> list[Any]:
        """Each group's key: how its rules came out."""
        return list(map(call, self.picks, repeat(outcomes)))

    def found(self, keys: list[Any]) -> list[tuple[tuple[ServiceVerdict, ...], int]]:
        """Each group's verdicts and packed counts for its key."""
        found: list[Any] = list(map(dict.get, self.given, keys))
        if not all(found):  # some group meets its key for the first time (or keeps no more)
            found = [v or group.verdicts(k) for v, group, k in zip(found, self.groups, keys, strict=True)]
        return found

    def verdicts(self, found: list[tuple[tuple[ServiceVerdict, ...], int]]) -> list[ServiceVerdict]:
        """Every service's verdict, in catalogue order."""
        verdicts = list(chain.from_iterable(map(_VERDICTS, found)))
        return list(self.order(verdicts)) if self.order is not None else verdicts

    @staticmethod
    def totals(found: list[tuple[tuple[ServiceVerdict, ...], int]]) -> dict[Status, int]:
        """How many verdicts are of each status, summed a group at a time."""
        packed = sum(map(_COUNTS, found))
        return {status: packed >> (_COUNT_SHIFT * i) & _COUNT_MASK for i, status in enumerate(STATUSES)}


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
    plan = _plan(catalogue)
    group, place = plan.where[catalogue.service(code).code]
    outcomes = plan.outcomes(facts, group.rules)
    return group.verdicts(group.pick(outcomes))[0][place]


def evaluate_all(
    catalogue: Catalogue, facts: Facts, codes: Iterable[str] | None = None
) -> list[ServiceVerdict]:
    """Verdicts of every service (or of ``codes``) for one member's facts, in catalogue order."""
    plan = _plan(catalogue)
    if codes is None:
        return plan.verdicts(plan.found(plan.keys(plan.kept_outcomes(facts))))
    wanted = [plan.where[catalogue.service(code).code] for code in codes]
    outcomes = plan.outcomes(facts, {i for group, _ in wanted for i in group.rules})
    return [group.verdicts(group.pick(outcomes))[0][place] for group, place in wanted]


def evaluate_all_counted(
    catalogue: Catalogue, facts: Facts
) -> tuple[list[ServiceVerdict], dict[Status, int]]:
    """``evaluate_all`` for every service, with how many verdicts are of each status (counted a group of
    services at a time, not verdict by verdict)."""
    plan = _plan(catalogue)
    found = plan.found(plan.keys(plan.kept_outcomes(facts)))
    return plan.verdicts(found), plan.totals(found)


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
