"""The working-day calendar: Sundays, second and fourth Saturdays, gazetted and state-notified holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.deadlines.calendar import WorkingCalendar
from gateway.deadlines.guarantee import DEFAULT_FILE, GuaranteeFileInvalid, load_guarantee

CALENDAR = WorkingCalendar(load_guarantee().calendar)
D = dt.date


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (D(2026, 3, 1), False, "a Sunday"),
        (D(2026, 3, 7), True, "the first Saturday"),
        (D(2026, 3, 14), False, "the second Saturday"),
        (D(2026, 4, 18), True, "the third Saturday"),
        (D(2026, 3, 21), False, "Eid al-Fitr, gazetted, on a third Saturday"),
        (D(2026, 3, 28), False, "the fourth Saturday"),
        (D(2026, 1, 26), False, "Republic Day, gazetted (holidays package, India)"),
        (D(2026, 3, 20), False, "Veerangana Avantibai's Martyrdom Day, the package's Madhya Pradesh holiday"),
        (D(2026, 3, 19), False, "Gudi Padwa, in the state's notification only"),
        (D(2026, 3, 3), False, "Holi, on the day the state notified"),
        (D(2026, 3, 4), True, "the day the package has Holi on, which the state moved"),
        (D(2026, 3, 2), True, "an ordinary Monday"),
    ],
)
def test_which_days_count(day: dt.date, working: bool, why: str) -> None:
    assert CALENDAR.is_working_day(day) is working, why


def test_counting_working_days_skips_holidays_and_saturdays() -> None:
    """From Monday 2 March 2026, five working days: not 3 (Holi), 7 is the first Saturday (works),
    8 Sunday; so 4, 5, 6, 7, 9."""
    assert CALENDAR.add(D(2026, 3, 2), 5) == D(2026, 3, 9)
    assert CALENDAR.between(D(2026, 3, 2), D(2026, 3, 9)) == 5
    # Across the second Saturday (14th), the Sunday and Gudi Padwa (19th) and the martyrdom day (20th).
    assert CALENDAR.add(D(2026, 3, 12), 4) == D(2026, 3, 18) and CALENDAR.add(D(2026, 3, 18), 1) == D(
        2026, 3, 23
    )
    assert CALENDAR.back(D(2026, 3, 23), 1) == D(2026, 3, 18)
    assert CALENDAR.between(D(2026, 3, 23), D(2026, 3, 18)) == -1


def test_units() -> None:
    assert CALENDAR.add(D(2026, 3, 2), 3, "same_day") == D(2026, 3, 2)
    assert CALENDAR.add(D(2026, 3, 2), 3, "calendar_days") == D(2026, 3, 5)
    assert CALENDAR.holiday_name(D(2026, 3, 19)) == "Gudi Padwa"


def test_a_broken_guarantee_file_is_refused_naming_the_figure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "g.yaml"
    broken.write_text(DEFAULT_FILE.read_text().replace("penalty_cap_inr: 5000", "penalty_cap_inr: -1"))
    with pytest.raises(GuaranteeFileInvalid, match="penalty_cap_inr"):
        load_guarantee(broken)
