"""What the Act promises for one service: whether it covers it, the time limit and its unit, and the two
appellate authorities with the days each has to decide.

The catalogue holds these facts. A catalogue that states them in a ``guarantee`` block (covered, the
limit's days and unit) and appeals with ``decide_days`` is read as it says; the older form, a
``time_limit_days`` counted in working days and appeals with ``days``, is read as covered in working days.
Either way, the days an appellate authority has come from the Act's data when the catalogue has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from catalogue.models import Text
from gateway.deadlines.calendar import TimeUnit
from gateway.deadlines.guarantee import Act

__all__ = ["AppealStep", "Promise", "promise_of"]


@dataclass(frozen=True, slots=True)
class AppealStep:
    officer: Text
    decide_days: int
    file_within_days: int


@dataclass(frozen=True, slots=True)
class Promise:
    covered: bool
    days: int
    unit: TimeUnit
    designated_officer: Text
    first_appeal: AppealStep
    second_appeal: AppealStep


def _step(appeal: Any, decide_default: int, within: int, fallback: Text) -> AppealStep:
    if appeal is None:
        return AppealStep(fallback, decide_default, within)
    decide = getattr(appeal, "decide_days", None) or getattr(appeal, "days", None) or decide_default
    within = getattr(appeal, "file_within_days", None) or within
    return AppealStep(appeal.officer, int(decide), int(within))


def promise_of(service: Any, act: Act) -> Promise:
    """The promise of a catalogue ``Service``."""
    guarantee = getattr(service, "guarantee", None)
    if guarantee is not None:
        limit = guarantee.time_limit
        covered = bool(guarantee.covered) and limit is not None
        days, unit = (int(limit.days), limit.unit) if limit is not None else (0, "same_day")
    else:
        covered, days, unit = True, int(service.time_limit_days), "working_days"
    if unit == "working_days" and days == 0:
        unit = "same_day"
    unit = cast(TimeUnit, unit)
    officer = service.designated_officer
    return Promise(
        covered=covered,
        days=days,
        unit=unit,
        designated_officer=officer,
        first_appeal=_step(
            service.first_appeal, act.first_appeal_decide_days, act.first_appeal_within_days, officer
        ),
        second_appeal=_step(
            service.second_appeal, act.second_appeal_decide_days, act.second_appeal_within_days, officer
        ),
    )
