"""Staff who sign in as people: officers of departments, appellate authorities, CM Helpline agents, Lok Seva
Kendra operators and auditors.

An administrator makes each account (``POST /api/v1/admin/staff`` or ``seva staff create``) with the
mobile number the one-time codes go to; sign-in codes for staff are kept apart from citizens' (a phone
may be both). An account is live until revoked; tokens of a revoked account stop working within
``LIVE_SECONDS`` in every process, as API clients' do.
"""

from __future__ import annotations

import builtins
import datetime as dt
import secrets
import time
from collections.abc import Callable, Collection
from typing import Any

from cachetools import TTLCache
from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.errors import InvalidMobile
from family_registry.mobile import check_mobile
from gateway.audit import Actor, AuditTrail
from gateway.identity.directory import RegisteredMember
from gateway.identity.errors import StaffInvalid
from gateway.identity.tables import StaffMember
from gateway.platform.masking import mask_mobile
from gateway.platform.principal import Principal
from schemas.identity_api import StaffCreate, StaffOut

__all__ = ["LIVE_SECONDS", "StaffDirectory", "StaffService"]

_TABLE = StaffMember.__table__  # type: ignore[attr-defined]
LIVE_SECONDS = 30.0


def _iso(epoch: float | None) -> str | None:
    return (
        dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds") if epoch is not None else None
    )


def _out(row: Any) -> StaffOut:
    return StaffOut(
        staff_id=row["id"],
        role=row["role"],
        name=row["name"],
        mobile=mask_mobile(row["mobile"]),
        department=row["department"],
        designation=row["designation"],
        district=row["district"],
        tehsil=row["tehsil"],
        level=row["level"],
        centre=row["centre"],
        created_at=_iso(row["created_at"]) or "",
        revoked_at=_iso(row["revoked_at"]),
    )


def principal_of(row: Any) -> Principal:
    """The principal a member of staff signs in as."""
    return Principal(
        role=row["role"],
        subject=f"staff:{row['id']}",
        staff_id=row["id"],
        department=row["department"],
        designation=row["designation"],
        district=row["district"],
        tehsil=row["tehsil"],
        level=row["level"],
        centre=row["centre"],
    )


class StaffService:
    """Staff accounts: ``create``, ``list``, ``revoke``, ``principal`` and ``is_live``."""

    def __init__(
        self,
        engine: AsyncEngine,
        audit: AuditTrail,
        *,
        departments: Callable[[], Collection[str]],
        districts: Callable[[], Collection[str]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.departments = departments
        self.districts = districts
        self.clock = clock
        self._live: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=LIVE_SECONDS)

    def _check(self, new: StaffCreate) -> str:
        """The mobile number in its ten digits; ``StaffInvalid`` naming what is wrong or missing."""
        try:
            mobile = check_mobile(new.mobile)
        except InvalidMobile:
            raise StaffInvalid("mobile", "not a mobile number", "मोबाइल नंबर नहीं है") from None
        needs = {
            "officer": ("department", "designation", "district"),
            "appellate": ("designation", "district", "level"),
            "agent": (),
            "operator": ("centre", "district"),
            "auditor": (),
        }[new.role]
        for field in needs:
            if getattr(new, field) is None:
                raise StaffInvalid(field, f"an {new.role} needs a {field}", f"{field} आवश्यक है")
        if new.role == "appellate" and new.level not in (1, 2):
            raise StaffInvalid("level", "an appellate authority is level 1 or 2", "अपीलीय स्तर 1 या 2 होता है")
        if new.role not in ("officer", "appellate") and (new.department or new.designation or new.tehsil):
            raise StaffInvalid(
                "department", "only an officer has a department", "विभाग केवल अधिकारी का होता है"
            )
        if new.role != "operator" and new.centre is not None:
            raise StaffInvalid("centre", "only an operator has a centre", "केंद्र केवल ऑपरेटर का होता है")
        if new.role == "auditor" and (new.district is not None or new.level is not None):
            # The rules grant an auditor every district and level: a narrower account would only mislead.
            field = "district" if new.district is not None else "level"
            raise StaffInvalid(
                field,
                "an auditor reads the whole state: no district or level",
                "लेखापरीक्षक का ज़िला या स्तर नहीं होता",
            )
        if new.department is not None and new.department not in self.departments():
            raise StaffInvalid("department", f"unknown department '{new.department}'", "अज्ञात विभाग")
        if new.district is not None and new.district not in self.districts():
            raise StaffInvalid("district", f"unknown district '{new.district}'", "अज्ञात ज़िला")
        return mobile

    async def create(self, new: StaffCreate, actor: Actor) -> StaffOut:
        mobile = self._check(new)
        staff_id = f"{new.role[:3]}-{secrets.token_hex(5)}"
        row = {
            "id": staff_id, "role": new.role, "name": new.name.strip(), "mobile": mobile,
            "department": new.department, "designation": new.designation, "district": new.district,
            "tehsil": new.tehsil, "level": new.level, "centre": new.centre, "created_at": self.clock(),
            "created_by": actor.subject[:80], "revoked_at": None,
        }  # fmt: skip
        async with self.engine.begin() as conn:
            taken = await conn.execute(
                select(_TABLE.c.id).where(_TABLE.c.mobile == mobile, _TABLE.c.revoked_at.is_(None)).limit(1)
            )
            if taken.first() is not None:
                # One live account per phone: a code sent to it must name one person.
                raise StaffInvalid(
                    "mobile", "another live staff account has this number", "यह नंबर दूसरे खाते का है"
                )
            await conn.execute(insert(_TABLE).values(**row))
            details = {k: v for k, v in row.items() if k not in ("id", "mobile", "created_at", "created_by")}
            await self.audit.append(conn, actor, "staff.created", f"staff:{staff_id}", details)
        return _out(row)

    async def list(self) -> list[StaffOut]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(_TABLE).order_by(_TABLE.c.created_at))).mappings().all()
        return [_out(row) for row in rows]

    async def revoke(self, staff_id: str, actor: Actor) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id == staff_id, _TABLE.c.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
            if result.rowcount != 1:
                return False
            await self.audit.append(conn, actor, "staff.revoked", f"staff:{staff_id}")
        self._live.pop(staff_id, None)
        return True

    async def principal(self, staff_id: str) -> Principal | None:
        """The principal of a live account, or None."""
        async with self.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(_TABLE).where(_TABLE.c.id == staff_id, _TABLE.c.revoked_at.is_(None))
                    )
                )
                .mappings()
                .first()
            )
        return principal_of(row) if row is not None else None

    async def officers_of(
        self, department: str, district: str, tehsil: str | None
    ) -> builtins.list[tuple[str, str]]:
        """Live officers (ID, mobile) of a department in a district, and of the tehsil where it is known
        (an officer without a tehsil serves the whole district): whom a deadline reminder goes to."""
        query = select(_TABLE.c.id, _TABLE.c.mobile).where(
            _TABLE.c.role == "officer",
            _TABLE.c.revoked_at.is_(None),
            _TABLE.c.department == department,
            _TABLE.c.district == district,
        )
        if tehsil is not None:
            query = query.where(or_(_TABLE.c.tehsil.is_(None), _TABLE.c.tehsil == tehsil))
        async with self.engine.connect() as conn:
            return [(str(r[0]), str(r[1])) for r in (await conn.execute(query)).all()]

    async def colleagues(self, department: str, district: str) -> builtins.list[tuple[str, str, str | None]]:
        """Live officers of a department in a district (ID, name, designation), by name: whom an officer
        may send an application to for field verification."""
        query = (
            select(_TABLE.c.id, _TABLE.c.name, _TABLE.c.designation)
            .where(
                _TABLE.c.role == "officer",
                _TABLE.c.revoked_at.is_(None),
                _TABLE.c.department == department,
                _TABLE.c.district == district,
            )
            .order_by(_TABLE.c.name)
        )
        async with self.engine.connect() as conn:
            return [(str(r[0]), str(r[1]), r[2]) for r in (await conn.execute(query)).all()]

    async def mobile_of(self, staff_id: str) -> str | None:
        """The mobile of a live account, for a text about its work; None when revoked or unknown."""
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(_TABLE.c.mobile).where(_TABLE.c.id == staff_id, _TABLE.c.revoked_at.is_(None))
            )
            row = found.first()
        return str(row[0]) if row is not None else None

    async def is_live(self, staff_id: str) -> bool:
        """Whether the account exists and is not revoked; remembered for ``LIVE_SECONDS``."""
        known = self._live.get(staff_id)
        if known is None:
            async with self.engine.connect() as conn:
                found = await conn.execute(select(_TABLE.c.revoked_at).where(_TABLE.c.id == staff_id))
                row = found.first()
            known = self._live[staff_id] = row is not None and row[0] is None
        return known


class StaffDirectory:
    """The sign-in directory of staff: by mobile number only, live accounts only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def by_member_id(self, member_id: str) -> RegisteredMember | None:
        return None

    async def by_mobile(self, mobile: str) -> list[RegisteredMember]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_TABLE.c.id).where(_TABLE.c.mobile == mobile, _TABLE.c.revoked_at.is_(None))
                )
            ).all()
        return [
            RegisteredMember(member_id="", family_id="", mobile=mobile, subject=f"staff:{r[0]}") for r in rows
        ]
