"""Wire formats of the auditors' grievance reports (``/api/v1/reports/grievances``)."""

from __future__ import annotations

import msgspec

__all__ = ["GradeRow", "GradingPage", "PendingRow", "SummaryPage", "SummaryRow"]


class SummaryRow(msgspec.Struct, kw_only=True, frozen=True):
    key: str
    filed: int
    pending: int
    disposed_within: int
    disposed_late: int
    closed_satisfied: int
    special_closures: int
    force_closures: int
    low_quality: int
    reopened: int
    withdrawn: int


class PendingRow(msgspec.Struct, kw_only=True, frozen=True):
    key: str
    level: int
    age: str  # days since filing: 0-7, 8-15, 16-30, 31-50, over 50
    pending: int


class SummaryPage(msgspec.Struct, kw_only=True, frozen=True):
    by: str
    as_of: str
    rows: list[SummaryRow]
    pending: list[PendingRow]


class GradeRow(msgspec.Struct, kw_only=True):
    """One department's or district's month in CM Helpline's grading: the counts, the four parts of the
    score (60, 20, 10 and 10 at best), the total, the grade and the rank."""

    key: str
    month: str
    received: int
    closed: int
    closed_satisfied: int
    old: int
    old_disposed: int
    low_quality: int
    not_attended: int
    score_satisfied: float
    score_old_disposed: float
    score_low_quality: float
    score_not_attended: float
    score: float
    grade: str
    rank: int = 0


class GradingPage(msgspec.Struct, kw_only=True, frozen=True):
    by: str
    month: str
    rows: list[GradeRow]
