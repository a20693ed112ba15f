"""Who is calling, as the gateway knows it once a token has been checked."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["ROLES", "Principal", "Role"]

Role = Literal["citizen", "department", "auditor", "administrator"]
ROLES: tuple[Role, ...] = ("citizen", "department", "auditor", "administrator")


class Principal(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A signed-in caller.

    A citizen carries ``member_id`` and ``family_id``; a department client carries ``department``; every
    API client carries ``client_id``. ``subject`` is what the audit trail records as the actor.
    """

    role: Role
    subject: str
    member_id: str | None = None
    family_id: str | None = None
    department: str | None = None
    client_id: str | None = None

    @classmethod
    def citizen(cls, member_id: str, family_id: str) -> Principal:
        return cls(role="citizen", subject=f"member:{member_id}", member_id=member_id, family_id=family_id)

    @classmethod
    def client(cls, client_id: str, role: Role, department: str | None) -> Principal:
        return cls(role=role, subject=f"client:{client_id}", client_id=client_id, department=department)
