"""The one clock of the gateway: every "now" and every "today" comes from here.

A day in seva is a day in India (UTC+05:30, no daylight saving): eligibility ages, due dates, document
validity and reference prefixes all turn over at midnight IST, whatever the server's own time zone.
Services receive a ``Clock``; tests pass a ``MovableClock`` and move it instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

__all__ = ["INDIA", "Clock", "MovableClock", "SystemClock", "india_date"]

INDIA = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")


def india_date(moment: dt.datetime) -> dt.date:
    """The calendar date in India at an aware ``moment``."""
    return moment.astimezone(INDIA).date()


class Clock(Protocol):
    """Tells the time: ``now`` aware (UTC), ``time`` seconds since the epoch, ``today`` India's date."""

    def now(self) -> dt.datetime: ...

    def time(self) -> float: ...

    def today(self) -> dt.date: ...


class SystemClock:
    """The machine's clock."""

    __slots__ = ()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def time(self) -> float:
        return time.time()

    def today(self) -> dt.date:
        return india_date(self.now())

    def __repr__(self) -> str:
        return "SystemClock()"


class MovableClock:
    """A clock that stands still until moved: for tests, benchmarks and replays."""

    __slots__ = ("_at",)

    def __init__(self, start: dt.datetime | float | None = None) -> None:
        if start is None:
            start = time.time()
        self._at = start.timestamp() if isinstance(start, dt.datetime) else float(start)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._at, dt.UTC)

    def time(self) -> float:
        return self._at

    def today(self) -> dt.date:
        return india_date(self.now())

    def set(self, when: dt.datetime | float) -> None:
        self._at = when.timestamp() if isinstance(when, dt.datetime) else float(when)

    def advance(self, seconds: float = 0.0, *, days: float = 0.0) -> None:
        self._at += seconds + days * 86400.0

    def __repr__(self) -> str:
        return f"MovableClock({self.now().isoformat()})"
