"""A seeded seva on a moved clock for the guarantee's tests: families, staff (officers, a field officer,
appellate authorities) and helpers to apply, act at the desk and read what happened."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.tables import Family, Member
from gateway.audit import Actor
from gateway.bootstrap import Seva
from gateway.database import create_engine
from gateway.platform.clock import INDIA, MovableClock
from gateway.platform.guard import Caller
from gateway.platform.principal import Principal
from schemas.applications_api import ApplicationCreate
from schemas.identity_api import StaffCreate
from tests.applications.support import PDF, People, Person, seed_people
from tests.building import build_seva

# Monday 2 March 2026, 10:00 in India: Holi is on Tuesday 3 March by the state's notification.
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=INDIA)
INCOME = "gad-income-certificate"  # general_administration, local_default: decided at the desk, 1 working day
DEMARCATION = "rev-demarcation"  # revenue, local_revenue: 30 working days, the form names the tehsil
SCHOLARSHIP = "ta-post-matric-scholarship"  # needs an income certificate
ADMIN = Caller(
    Principal(role="administrator", subject="client:admin", client_id="admin"), Actor.system("t", "t")
)


def income_form(**changes: object) -> dict[str, object]:
    return {
        "purpose": "scholarship",
        "declared_annual_income": 90000,
        "income_source": "wages",
        "mobile": "9876500001",
        **changes,
    }


def demarcation_form() -> dict[str, object]:
    return {
        "village": "Bairagarh",
        "tehsil": "Huzur",
        "khasra_number": "120/2",
        "area_hectare": 1.5,
        "mobile": "9876500001",
    }


@dataclass
class Staff:
    officer: Caller  # general administration, Bhopal (the whole district)
    revenue: Caller  # revenue, Bhopal, tehsil Huzur
    revenue_elsewhere: Caller  # revenue, Bhopal, tehsil Berasia
    field: Caller  # general administration field officer, Bhopal
    other_district: Caller  # general administration, Indore
    first: Caller  # appellate level 1, Bhopal
    second: Caller  # appellate level 2, Bhopal


@dataclass
class Guarantee:
    seva: Seva
    engine: AsyncEngine
    clock: MovableClock
    people: People
    student: Person
    staff: Staff

    async def upload(self, person: Person, doc_type: str) -> str:
        from gateway.documents import NewDocument

        new = NewDocument(member_id=person.member_id, doc_type=doc_type, filename=f"{doc_type}.pdf")
        return (await self.seva.documents.store.upload(person.family_id, new, PDF, person.actor)).id

    async def apply(self, person: Person, service: str, form: dict[str, object], key: str) -> str:
        body = ApplicationCreate(service_code=service, member_id=person.member_id, form=form)
        application, _ = await self.seva.applications.service.submit(person.caller, body, key)
        return application.reference

    async def apply_income(self, person: Person | None = None, key: str = "inc-1") -> str:
        person = person or self.people.asha
        for doc_type in ("self_declaration", "aadhaar", "samagra_id"):
            await self.upload(person, doc_type)
        return await self.apply(person, INCOME, income_form(), key)

    async def apply_demarcation(self, key: str = "dem-1") -> str:
        await self.upload(self.people.asha, "aadhaar")
        return await self.apply(self.people.asha, DEMARCATION, demarcation_form(), key)

    def at(self, day: dt.date, hour: int = 10) -> None:
        self.clock.set(dt.datetime.combine(day, dt.time(hour), INDIA))

    async def timeline(self, reference: str) -> list[str]:
        return [e.kind for e in (await self.seva.applications.service.get(reference)).timeline]

    async def count(self, table: str, **where: Any) -> int:
        from sqlalchemy import column
        from sqlalchemy import table as sql_table

        query = select(func.count()).select_from(sql_table(table))
        for name, value in where.items():
            query = query.where(column(name) == value)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def texts_to(self, mobile_last4: str) -> int:
        return await self.count("outbox_message", mobile_masked=f"******{mobile_last4}")

    async def audit_actions(self, reference: str) -> list[str]:
        from sqlalchemy import column
        from sqlalchemy import table as sql_table

        entries = sql_table("audit_entry", column("action"), column("target"), column("id"))
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(entries.c.action)
                .where(entries.c.target == f"application:{reference}")
                .order_by(entries.c.id)
            )
            return [r[0] for r in rows]


async def _staff(seva: Seva, **values: Any) -> Caller:
    made = await seva.identity.service.staff.create(StaffCreate(**values), Actor.system("test", "staff"))
    principal = await seva.identity.service.staff.principal(made.staff_id)
    assert principal is not None
    return Caller(principal, Actor(subject=principal.subject, role=principal.role, client_ip="127.0.0.1"))


async def seed_student(engine: AsyncEngine) -> Person:
    """A Scheduled Tribe student of 19 in Bhopal: eligible for the post-matric scholarship."""
    now = time.time()
    async with engine.begin() as conn:
        await conn.execute(
            insert(Family.__table__).values(  # type: ignore[attr-defined]
                family_id="20000003",
                head_member_id="200000031",
                district="bhopal",
                local_body="Bhopal",
                ward="3",
                village_or_town="Bhopal",
                area="urban",
                social_category="st",
                bpl=True,
                version=1,
                updated_at=now,
            )
        )
        await conn.execute(
            insert(Member.__table__).values(  # type: ignore[attr-defined]
                member_id="200000031",
                family_id="20000003",
                name_en="Sunita Bhuria",
                name_hi="सुनीता भूरिया",
                gender="female",
                date_of_birth=dt.date(2007, 1, 10),
                relation="head",
                marital_status="unmarried",
                social_category="st",
                tribe="bhil",
                disability_percent=0,
                occupation="student",
                annual_income=0,
                mobile="9876500003",
                ekyc_done=True,
                updated_at=now,
            )
        )
    return Person("200000031", "20000003")


@pytest.fixture
async def guarantee(db_url: str, tmp_path: Path) -> AsyncIterator[Guarantee]:
    engine = create_engine(db_url)
    clock = MovableClock(START)
    seva = build_seva(tmp_path / "data", db_url, engine=engine, clock=clock)
    people = await seed_people(engine)
    student = await seed_student(engine)
    officer = dict(
        role="officer", department="general_administration", designation="Tehsildar", district="bhopal"
    )
    staff = Staff(
        officer=await _staff(seva, name="Rekha Verma", mobile="9000000001", **officer),
        revenue=await _staff(
            seva,
            name="Amit Rai",
            mobile="9000000002",
            role="officer",
            department="revenue",
            designation="Tehsildar",
            district="bhopal",
            tehsil="Huzur",
        ),
        revenue_elsewhere=await _staff(
            seva,
            name="Om Joshi",
            mobile="9000000003",
            role="officer",
            department="revenue",
            designation="Tehsildar",
            district="bhopal",
            tehsil="Berasia",
        ),
        field=await _staff(
            seva,
            name="Lal Singh",
            mobile="9000000004",
            role="officer",
            department="general_administration",
            designation="Patwari",
            district="bhopal",
        ),
        other_district=await _staff(
            seva,
            name="Nina Rao",
            mobile="9000000005",
            role="officer",
            department="general_administration",
            designation="Tehsildar",
            district="indore",
        ),
        first=await _staff(
            seva,
            name="S. Khan",
            mobile="9000000006",
            role="appellate",
            designation="SDO (Revenue)",
            district="bhopal",
            level=1,
        ),
        second=await _staff(
            seva,
            name="P. Das",
            mobile="9000000007",
            role="appellate",
            designation="Collector",
            district="bhopal",
            level=2,
        ),
    )
    yield Guarantee(seva, engine, clock, people, student, staff)
    await seva.delivery.resolver.aclose()
    await engine.dispose()
