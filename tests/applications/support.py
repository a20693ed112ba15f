"""Helpers shared by the application, document and delivery tests: a catalogue, a migrated database
with two families, signed-in principals, real document bytes and a REST department on loopback.

Each test folder's ``conftest.py`` imports the fixtures it needs from here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import Catalogue, load_catalogue
from family_registry.tables import Family, Member
from gateway.applications.service import ApplicationService
from gateway.audit import Actor, AuditTrail
from gateway.bootstrap import Seva
from gateway.database import create_engine
from gateway.documents.service import DocumentStore, NewDocument
from gateway.endpoints.service import EndpointService
from gateway.platform.guard import Caller
from gateway.platform.principal import Principal
from schemas.applications_api import ApplicationCreate
from schemas.endpoints_api import EndpointRegistration
from tests.adapters.mounts import Department, DepartmentHost
from tests.building import build_seva
from tests.conftest import CATALOGUE

# The smallest files each format's signature check accepts, padded so they look like real uploads.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b" " * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200

LEARNER = "tr-learner-licence"  # REST (transport): aadhaar, age_proof, address_proof, photo; age >= 16
DRIVING = "tr-driving-licence"  # REST (transport): learner_licence, aadhaar, address_proof, photo
LEARNER_DOCS = ("aadhaar", "age_proof", "address_proof", "photo")
ADMIN = Principal(role="administrator", subject="client:test-admin", client_id="test-admin")
ADMIN_CALLER = Caller(ADMIN, Actor.system("test", "register"))


def learner_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "vehicle_class": "lmv",
        "preferred_test_date": "2026-12-15",
        "mobile": "9876500001",
    }
    form.update(changes)
    return form


@dataclass(frozen=True)
class Person:
    member_id: str
    family_id: str

    @property
    def principal(self) -> Principal:
        return Principal.citizen(self.member_id, self.family_id)

    @property
    def actor(self) -> Actor:
        return Actor(subject=f"member:{self.member_id}", role="citizen", client_ip="127.0.0.1", reason="test")

    @property
    def caller(self) -> Caller:
        return Caller(self.principal, self.actor)


@dataclass(frozen=True)
class People:
    asha: Person  # head of family 20000001, born 1980
    kiran: Person  # Asha's son, born 2016: too young for a driving licence
    meena: Person  # head of family 20000002


async def seed_people(engine: AsyncEngine) -> People:
    now = time.time()
    families = [("20000001", "200000011"), ("20000002", "200000021")]
    members = [
        ("200000011", "20000001", "head", dt.date(1980, 1, 1), "9876500001"),
        ("200000012", "20000001", "son", dt.date(2016, 6, 1), None),
        ("200000021", "20000002", "head", dt.date(1975, 5, 5), "9876500002"),
    ]
    async with engine.begin() as conn:
        for family_id, head in families:
            await conn.execute(
                insert(Family.__table__).values(  # type: ignore[attr-defined]
                    family_id=family_id, head_member_id=head, district="bhopal", local_body="Bhopal",
                    ward="12", village_or_town="Bhopal", area="urban", social_category="general", bpl=False,
                    version=1, updated_at=now,
                )
            )  # fmt: skip
        for member_id, family_id, relation, born, mobile in members:
            await conn.execute(
                insert(Member.__table__).values(  # type: ignore[attr-defined]
                    member_id=member_id, family_id=family_id, name_en=f"Member {member_id}",
                    name_hi=f"सदस्य {member_id}", gender="female", date_of_birth=born, relation=relation,
                    marital_status="married", social_category="general", tribe="none", disability_percent=0,
                    occupation="farmer", annual_income=50_000, mobile=mobile, ekyc_done=True, updated_at=now,
                )
            )  # fmt: skip
    return People(
        asha=Person("200000011", "20000001"),
        kiran=Person("200000012", "20000001"),
        meena=Person("200000021", "20000002"),
    )


async def count(engine: AsyncEngine, table: str) -> int:
    from sqlalchemy import table as sql_table

    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(sql_table(table)))).scalar_one())


@dataclass
class World:
    """Services over one migrated, seeded database."""

    seva: Seva
    engine: AsyncEngine
    catalogue: Catalogue
    people: People
    audit: AuditTrail
    documents: DocumentStore
    applications: ApplicationService
    endpoints: EndpointService

    async def upload(self, person: Person, doc_type: str, data: bytes = PDF) -> str:
        new = NewDocument(member_id=person.member_id, doc_type=doc_type, filename=f"{doc_type}.pdf")
        return (await self.documents.upload(person.family_id, new, data, person.actor)).id

    async def apply(self, person: Person, service: str = LEARNER, key: str = "k-1", **form: object) -> str:
        body = ApplicationCreate(service_code=service, member_id=person.member_id, form=learner_form(**form))
        application, _ = await self.applications.submit(person.caller, body, key)
        return application.reference

    async def register_rest(
        self, url: str, adapter: str = "rest_transport", timeout_seconds: float = 10
    ) -> None:
        body = EndpointRegistration(kind="rest", endpoint=f"{url}/rest", timeout_seconds=timeout_seconds)
        await self.endpoints.register(ADMIN_CALLER, adapter, body)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


@pytest.fixture
async def world(db_url: str, catalogue: Catalogue, tmp_path: Path) -> AsyncIterator[World]:
    """A migrated database (SQLite, and PostgreSQL when configured) with two families, and the services."""
    engine = create_engine(db_url)
    # Documents under tmp_path/data, where a server started by a test looks.
    seva = build_seva(
        tmp_path / "data",
        db_url,
        engine=engine,
        catalogue=catalogue,
        max_upload_bytes=64 * 1024,
        # The departments of these tests listen on loopback, which the operators must allow explicitly.
        egress_allow="127.0.0.0/8 ::1",
    )
    yield World(
        seva=seva,
        engine=engine,
        catalogue=catalogue,
        people=await seed_people(engine),
        audit=seva.platform.audit,
        documents=seva.documents.store,
        applications=seva.applications.service,
        endpoints=seva.endpoints.service,
    )
    await seva.delivery.resolver.aclose()
    await engine.dispose()


@pytest.fixture(scope="session")
def department_host() -> Iterator[DepartmentHost]:
    """A loopback server for the session on which each test mounts a REST (and SOAP) department."""
    host = DepartmentHost().start()
    yield host
    host.stop()


@pytest.fixture
def department(department_host: DepartmentHost) -> Iterator[Department]:
    """A department of this test's own, behaving well and with an empty filing cabinet."""
    with department_host.mounted() as department:
        yield department
