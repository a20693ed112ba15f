"""Who reads the family registry, and what they see.

Citizens their own family only (another family, or a member of one, is "not found", so an answer never
tells a citizen who else is registered). A department only families that have applied for one of its
services: it needs the applicant's record to decide. Administrators any family; auditors any family with
names masked, IDs shortened and no dates of birth. Every answer is written to the audit trail.
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
_MASKED: frozenset[Role] = frozenset({"auditor"})


def _reader(action: str, purpose: str) -> Rule:
    return Rule(action, purpose, grants=_READERS, personal=True, masked=_MASKED)


POLICY = Policy(
    "families",
    read_family=_reader("family.read", "read a family"),
    read_member=_reader("member.read", "read a member"),
    lookup=_reader("registry.lookup", "look a family up"),
    eligibility=_reader("family.eligibility", "check a family's eligibility"),
)
