"""Who may apply, and who reads which applications.

Citizens apply for members of their own family and see their own family's applications (another
family's reference is "not found"); departments see the applications for their own services;
auditors everything with member and family IDs shortened and the form's and certificate's texts withheld;
administrators everything. Auditors and administrators read the judgement an application was accepted
under (the facts its rules read are kept whole: they are what the verdict stands on). Every read is
written to the audit trail.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Grant, Policy, Rule
from gateway.platform.principal import Role

__all__ = ["POLICY"]

_READERS: dict[Role, Grant] = {
    "citizen": OWN_FAMILY,
    "department": OWN_DEPARTMENT,
    "auditor": ALL,
    "administrator": ALL,
}
_AUDITOR: frozenset[Role] = frozenset({"auditor"})

POLICY = Policy(
    "applications",
    submit=Rule("application.submit", "apply for a service", grants={"citizen": OWN_FAMILY}, personal=True),
    prepare=Rule(
        "application.prepare", "prepare an application", grants={"citizen": OWN_FAMILY}, personal=True
    ),
    read=Rule("application.read", "read an application", grants=_READERS, personal=True, masked=_AUDITOR),
    list=Rule("application.list", "list applications", grants=_READERS, personal=True, masked=_AUDITOR),
    # The rules and facts an application was accepted on: the auditors' evidence (member ID shortened).
    judgement=Rule(
        "application.judgement",
        "read the rules and facts an application was accepted on",
        grants={"auditor": ALL, "administrator": ALL},
        personal=True,
        masked=_AUDITOR,
    ),
)
