"""Who may read the grievance reports: auditors and administrators. They hold counts, no personal data."""

from __future__ import annotations

from gateway.platform.policy import ALL, Policy, Rule

__all__ = ["POLICY"]

POLICY = Policy(
    "grievance_reports",
    report=Rule(
        "grievance.report",
        "report on grievances: pending, disposal within limits, satisfaction, closures, grading",
        grants={"auditor": ALL, "administrator": ALL},
    ),
)
