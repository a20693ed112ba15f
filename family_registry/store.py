"""Reading the registry: a family with all its members in one query, a member, and lookups by mobile or
Aadhaar number. Core statements built once, as the hot paths of the API (see PERFORMANCE.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.aadhaar import AadhaarHasher, check_aadhaar, mask_aadhaar
from family_registry.errors import NoMatch, UnknownFamily, UnknownMember
from family_registry.ids import check_family_id, check_member_id
from family_registry.mobile import check_mobile, mask_mobile
from family_registry.reads import Reads
from family_registry.records import FamilyRecord, MemberRecord
from family_registry.tables import Family, Member

__all__ = ["Match", "Registry"]

FAMILIES: Table = Family.__table__  # type: ignore[attr-defined]
MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]

_FAMILY_FIELDS = tuple(name for name in FamilyRecord.__struct_fields__ if name != "members")
_MEMBER_FIELDS = MemberRecord.__struct_fields__
_MEMBER_COLUMNS = [MEMBERS.c[name].label(f"m_{name}") for name in _MEMBER_FIELDS]
_FAMILY_WIDTH = len(_FAMILY_FIELDS)

# One family and its members in one round trip; a family without members still comes back.
_FAMILY = (
    select(*(FAMILIES.c[name] for name in _FAMILY_FIELDS), *_MEMBER_COLUMNS)
    .select_from(FAMILIES.outerjoin(MEMBERS, MEMBERS.c.family_id == FAMILIES.c.family_id))
    .where(FAMILIES.c.family_id == bindparam("family_id"))
)
_MEMBER = select(*(MEMBERS.c[name] for name in _MEMBER_FIELDS)).where(
    MEMBERS.c.member_id == bindparam("member_id")
)
_BY_MOBILE = (
    select(MEMBERS.c.family_id, MEMBERS.c.member_id)
    .where(MEMBERS.c.mobile == bindparam("mobile"))
    .order_by(MEMBERS.c.family_id, MEMBERS.c.member_id)
)
_BY_AADHAAR = select(MEMBERS.c.family_id, MEMBERS.c.member_id).where(
    MEMBERS.c.aadhaar_hash == bindparam("digest")
)
_COUNTS = select(select(func.count()).select_from(FAMILIES).scalar_subquery(), func.count()).select_from(
    MEMBERS
)
# A mobile number shared by more families than this is a data problem, not a household.
_MAX_FAMILIES_PER_MOBILE = 20


@dataclass(frozen=True, slots=True)
class Match:
    """A family found by a lookup, and which of its members carry the number looked up."""

    family: FamilyRecord
    member_ids: tuple[str, ...]


def _by_family(found: Iterable[Any]) -> list[tuple[str, tuple[str, ...]]]:
    by_family: dict[str, list[str]] = {}
    for family_id, member_id in found:
        by_family.setdefault(family_id, []).append(member_id)
    return [
        (family_id, tuple(members))
        for family_id, members in list(by_family.items())[:_MAX_FAMILIES_PER_MOBILE]
    ]


def _member_of(row: tuple[Any, ...]) -> MemberRecord:
    return MemberRecord(**dict(zip(_MEMBER_FIELDS, row, strict=True)))


def _order(member: MemberRecord) -> tuple[bool, Any, str]:
    return (member.relation != "head", member.date_of_birth, member.member_id)


class Registry:
    """The registry as the gateway reads it. IDs and numbers are checked before any query is made."""

    def __init__(self, engine: AsyncEngine, hasher: AadhaarHasher) -> None:
        self.engine = engine
        self.hasher = hasher
        # Reads need no transaction. On PostgreSQL, autocommit saves the BEGIN and ROLLBACK round trips
        # SQLAlchemy would wrap around each query: p99 of a member lookup 5 ms -> 0.5 ms
        # (bench/registry.py). SQLite's driver begins no transaction for a read anyway.
        postgres = engine.dialect.name == "postgresql"
        self._reads = engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else engine
        # A family and a member, the reads of every request that names one, skip SQLAlchemy's layers.
        self._fast = Reads(engine)

    async def family(self, family_id: str) -> FamilyRecord:
        """The family and its members; ``InvalidId`` or ``UnknownFamily``."""
        family_id = check_family_id(family_id)
        rows = await self._fast.all(_FAMILY, {"family_id": family_id})
        if not rows:
            raise UnknownFamily(family_id)
        members = [_member_of(row[_FAMILY_WIDTH:]) for row in rows if row[_FAMILY_WIDTH] is not None]
        members.sort(key=_order)
        fields = dict(zip(_FAMILY_FIELDS, rows[0][:_FAMILY_WIDTH], strict=True))
        return FamilyRecord(**fields, members=tuple(members))

    async def member(self, member_id: str) -> MemberRecord:
        """One member; ``InvalidId`` or ``UnknownMember``."""
        member_id = check_member_id(member_id)
        rows = await self._fast.all(_MEMBER, {"member_id": member_id})
        if not rows:
            raise UnknownMember(member_id)
        return _member_of(rows[0])

    async def _families(self, found: list[Any]) -> list[Match]:
        return [Match(await self.family(family_id), members) for family_id, members in _by_family(found)]

    async def holders_of_mobile(self, mobile: str) -> list[tuple[str, tuple[str, ...]]]:
        """The families (and their members) registered with this mobile number, in one statement, without
        reading the families: ``[(family_id, member_ids)]``, empty when nobody holds it; ``InvalidMobile``.

        A caller that must not learn whether a number is registered decides what it may see from these
        IDs, and reads whole families only for what it may see; a number of a family it may not see and a
        number nobody holds then cost the same statements."""
        digits = check_mobile(mobile)
        async with self._reads.connect() as conn:
            return _by_family((await conn.execute(_BY_MOBILE, {"mobile": digits})).all())

    async def holders_of_aadhaar(self, aadhaar: str) -> list[tuple[str, tuple[str, ...]]]:
        """As ``holders_of_mobile``, for an Aadhaar number (by its keyed hash); ``InvalidAadhaar``."""
        digits = check_aadhaar(aadhaar)
        async with self._reads.connect() as conn:
            return _by_family((await conn.execute(_BY_AADHAAR, {"digest": self.hasher.digest(digits)})).all())

    async def find_by_mobile(self, mobile: str) -> list[Match]:
        """Families with a member registered with this mobile number; ``InvalidMobile`` or ``NoMatch``."""
        digits = check_mobile(mobile)
        async with self._reads.connect() as conn:
            found = (await conn.execute(_BY_MOBILE, {"mobile": digits})).all()
        if not found:
            raise NoMatch("mobile", mask_mobile(digits))
        return await self._families(list(found))

    async def find_by_aadhaar(self, aadhaar: str) -> list[Match]:
        """The family of the member linked to this Aadhaar number; ``InvalidAadhaar`` or ``NoMatch``."""
        digits = check_aadhaar(aadhaar)
        async with self._reads.connect() as conn:
            found = (await conn.execute(_BY_AADHAAR, {"digest": self.hasher.digest(digits)})).all()
        if not found:
            raise NoMatch("Aadhaar", mask_aadhaar(digits[-4:]))
        return await self._families(list(found))

    async def counts(self) -> tuple[int, int]:
        """(families, members) in the registry."""
        async with self._reads.connect() as conn:
            families, members = (await conn.execute(_COUNTS)).one()
        return int(families), int(members)
