"""Who may see an application's guarantee, appeal, hear appeals and read the reports.

The applicant's family sees its own applications' clocks and appeals and files appeals (only the
applicant, or whoever applied for them, may: ``NotTheApplicant``); an officer sees the clocks of their
department's applications in their district (and tehsil); an appellate authority the appeals at its
level in its district (and tehsil, and department where it has one); auditors everything, IDs shortened;
administrators everything. Reports hold figures, no personal data.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Policy, Rule
from gateway.platform.principal import Role

__all__ = ["POLICY"]

_AUDITOR: frozenset[Role] = frozenset({"auditor"})

POLICY = Policy(
    "deadlines",
    guarantee=Rule(
        "guarantee.read",
        "read an application's time limit, appeals and compensation",
        grants={
            "citizen": OWN_FAMILY,
            "officer": OWN_DEPARTMENT,
            "appellate": ALL,
            "department": OWN_DEPARTMENT,
            "auditor": ALL,
            "administrator": ALL,
        },
        personal=True,
        masked=_AUDITOR,
    ),
    appeal=Rule(
        "appeal.file", "appeal under the guarantee Act", grants={"citizen": OWN_FAMILY}, personal=True
    ),
    appeals=Rule(
        "appeal.list",
        "list appeals to decide",
        grants={"appellate": ALL, "auditor": ALL, "administrator": ALL},
        personal=True,
        masked=_AUDITOR,
    ),
    decide=Rule("appeal.decide", "decide an appeal", grants={"appellate": ALL}, personal=True),
    report=Rule(
        "guarantee.report",
        "report on the guarantee's time limits",
        grants={"auditor": ALL, "administrator": ALL},
    ),
)
