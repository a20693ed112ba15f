"""Who reads the audit trail: auditors (client addresses masked) and administrators."""

from __future__ import annotations

from gateway.platform.policy import ALL, Policy, Rule

__all__ = ["POLICY"]

POLICY = Policy(
    "audit",
    read=Rule(
        "audit.read",
        "read the audit trail",
        grants={"auditor": ALL, "administrator": ALL},
        masked=frozenset({"auditor"}),
    ),
    verify=Rule("audit.verified", "verify the audit trail", grants={"auditor": ALL, "administrator": ALL}),
)
