"""``MemberDirectory`` over the registry's tables: the two lookups sign-in needs, as Core statements."""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.tables import Family, Member
from gateway.identity.directory import RegisteredMember

__all__ = ["RegistryDirectory"]

_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_FAMILIES = Family.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    _MEMBERS.c.member_id,
    _MEMBERS.c.family_id,
    _MEMBERS.c.mobile,
    (_FAMILIES.c.head_member_id == _MEMBERS.c.member_id).label("is_head"),
)
_JOINED = _MEMBERS.join(_FAMILIES, _FAMILIES.c.family_id == _MEMBERS.c.family_id)


def _member(row: Row[str, str, str | None, bool]) -> RegisteredMember:
    return RegisteredMember(member_id=row[0], family_id=row[1], mobile=row[2], is_head=bool(row[3]))


class RegistryDirectory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def by_member_id(self, member_id: str) -> RegisteredMember | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(*_COLUMNS).select_from(_JOINED).where(_MEMBERS.c.member_id == member_id)
                )
            ).first()
        return _member(row) if row is not None else None

    async def by_mobile(self, mobile: str) -> list[RegisteredMember]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(select(*_COLUMNS).select_from(_JOINED).where(_MEMBERS.c.mobile == mobile))
            ).all()
        return [_member(row) for row in rows]
