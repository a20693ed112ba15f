"""Who registers and lists department adapters: a department its own, administrators any, auditors read."""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, Policy, Rule

__all__ = ["POLICY"]

POLICY = Policy(
    "endpoints",
    register=Rule(
        "department_endpoint.register",
        "register a department adapter",
        grants={"department": OWN_DEPARTMENT, "administrator": ALL},
    ),
    list=Rule(
        "department_endpoint.list",
        "list department adapters",
        grants={"department": OWN_DEPARTMENT, "auditor": ALL, "administrator": ALL},
    ),
)
