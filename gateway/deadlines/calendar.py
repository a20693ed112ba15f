"""The working-day calendar of the guarantee Act: which days count, and counting them.

A day is not a working day when it is a Sunday, a Saturday whose number in the month is listed
(the second and fourth by default), a gazetted holiday of the ``holidays`` package for the state, or a
day the state notified; a day the state moved a festival away from counts again. Each year's holidays are
worked out once and kept.

A time limit is counted in its unit: ``working_days`` (the days after the start that are working days),
``calendar_days``, or ``same_day`` (due on the day of application).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import holidays

from gateway.deadlines.guarantee import CalendarData

__all__ = ["TimeUnit", "WorkingCalendar"]

TimeUnit = Literal["working_days", "calendar_days", "same_day"]
_ONE = dt.timedelta(days=1)


class WorkingCalendar:
    def __init__(self, data: CalendarData) -> None:
        self.data = data
        self._years: dict[int, frozenset[dt.date]] = {}
        self._names: dict[dt.date, str] = {}

    def holidays_of(self, year: int) -> frozenset[dt.date]:
        """The holidays of ``year`` (gazetted and notified, less the days the state moved)."""
        found = self._years.get(year)
        if found is None:
            gazetted = holidays.country_holidays(self.data.country, subdiv=self.data.subdivision, years=year)
            days = set(gazetted)
            self._names.update(gazetted)
            for moved in self.data.not_holidays:
                if moved.date.year == year:
                    days.discard(moved.date)
            for notified in self.data.notified:
                if notified.date.year == year:
                    days.add(notified.date)
                    self._names[notified.date] = notified.name.en
            found = self._years[year] = frozenset(days)
        return found

    def holiday_name(self, day: dt.date) -> str | None:
        return self._names.get(day) if day in self.holidays_of(day.year) else None

    def is_working_day(self, day: dt.date) -> bool:
        weekday = day.weekday()
        if weekday == 6:
            return False
        if weekday == 5 and (day.day - 1) // 7 + 1 in self.data.saturdays_off:
            return False
        return day not in self.holidays_of(day.year)

    def add(self, start: dt.date, days: int, unit: TimeUnit = "working_days") -> dt.date:
        """The day ``days`` days of ``unit`` after ``start`` (``start`` itself for ``same_day``)."""
        if unit == "same_day" or days <= 0:
            return start
        if unit == "calendar_days":
            return start + dt.timedelta(days=days)
        day, left = start, days
        while left > 0:
            day += _ONE
            if self.is_working_day(day):
                left -= 1
        return day

    def back(self, end: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days before ``end`` (``end`` for 0)."""
        day, left = end, days
        while left > 0:
            day -= _ONE
            if self.is_working_day(day):
                left -= 1
        return day

    def between(self, start: dt.date, end: dt.date, unit: TimeUnit = "working_days") -> int:
        """Days of ``unit`` after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
        if end < start:
            return -self.between(end, start, unit)
        if unit != "working_days":
            return (end - start).days
        count, day = 0, start
        while day < end:
            day += _ONE
            if self.is_working_day(day):
                count += 1
        return count
