"""Who is calling, as the gateway knows it once a token (or a session) has been checked."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["ROLES", "STAFF_ROLES", "Principal", "Role"]

Role = Literal[
    "citizen", "officer", "appellate", "agent", "operator", "department", "auditor", "administrator"
]
ROLES: tuple[Role, ...] = (
    "citizen",
    "officer",
    "appellate",
    "agent",
    "operator",
    "department",
    "auditor",
    "administrator",
)
# People who work for the state and sign in as people (a one-time code to their own mobile):
# officers of departments, appellate authorities under the guarantee Act (level 1 hears first appeals,
# level 2 second appeals), CM Helpline call-centre agents, Lok Seva Kendra operators, and auditors (who read
# the reports and see personal data masked, as an auditor's API client does: the rules grant by role).
STAFF_ROLES: tuple[Role, ...] = ("officer", "appellate", "agent", "operator", "auditor")


class Principal(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A signed-in caller.

    A citizen carries ``member_id`` and ``family_id``; when an agent or an operator acts for them (the
    citizen having confirmed with a code sent to their own phone), ``assisted_by`` names that member of
    staff and ``subject`` names both. A member of staff carries ``staff_id`` and, as their role needs,
    ``department``, ``designation``, ``district``, ``tehsil``, ``level`` (of grievances) or ``centre``. A
    department client carries ``department``; every API client ``client_id``. ``subject`` is what the audit
    trail records as the actor.
    """

    role: Role
    subject: str
    member_id: str | None = None
    family_id: str | None = None
    department: str | None = None
    client_id: str | None = None
    staff_id: str | None = None
    designation: str | None = None
    district: str | None = None
    tehsil: str | None = None
    level: int | None = None
    centre: str | None = None
    assisted_by: str | None = None

    @classmethod
    def citizen(cls, member_id: str, family_id: str, *, assisted_by: str | None = None) -> Principal:
        subject = f"member:{member_id}" + (f" via {assisted_by}" if assisted_by else "")
        return cls(
            role="citizen", subject=subject, member_id=member_id, family_id=family_id, assisted_by=assisted_by
        )

    @classmethod
    def client(cls, client_id: str, role: Role, department: str | None) -> Principal:
        return cls(role=role, subject=f"client:{client_id}", client_id=client_id, department=department)
