"""The ports through which sign-in finds who a login belongs to: a citizen in the family registry, or a
member of staff (officer, call-centre agent, service-centre operator) in the staff directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["MemberDirectory", "RegisteredMember"]


@dataclass(frozen=True, slots=True)
class RegisteredMember:
    """What sign-in needs of a registry member: who, which family, which mobile number.

    A member of staff signs in through the same codes: ``subject`` (``staff:<id>``) names them, and
    ``member_id`` and ``family_id`` are empty."""

    member_id: str
    family_id: str
    mobile: str | None
    is_head: bool = False
    subject: str | None = None


class AnyMobile:
    """Every valid mobile number is someone: for codes that prove a phone, not a registry member (a
    grievance filed without signing in). ``subject`` names the number; there is no member or family."""

    async def by_member_id(self, member_id: str) -> RegisteredMember | None:
        return None

    async def by_mobile(self, mobile: str) -> list[RegisteredMember]:
        return [RegisteredMember(member_id="", family_id="", mobile=mobile, subject=f"mobile:{mobile}")]


class MemberDirectory(Protocol):
    """Finds members by member ID or by the mobile number held in the registry."""

    async def by_member_id(self, member_id: str) -> RegisteredMember | None: ...

    async def by_mobile(self, mobile: str) -> list[RegisteredMember]: ...
