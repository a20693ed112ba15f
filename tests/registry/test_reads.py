"""The registry's reads on the driver under the engine (family_registry/reads.py), on SQLite and PostgreSQL:
the same records SQLAlchemy's own execution gives, typed the same way, and errors as before."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from family_registry.errors import UnknownFamily, UnknownMember
from family_registry.importer import import_csv
from family_registry.reads import Reads
from family_registry.records import FamilyRecord, MemberRecord
from family_registry.store import MEMBERS, Registry
from tests.registry.support import TODAY, family_rows, hasher, write_csv

_MEMBER_FIELDS = MemberRecord.__struct_fields__


async def _imported(engine: AsyncEngine, tmp_path: Path) -> Registry:
    path = write_csv(tmp_path / "registry.csv", family_rows("20000001") + family_rows("20000002"))
    report = await import_csv(engine, path, hasher(), today=TODAY)
    assert report.rejected == 0
    return Registry(engine, hasher())


async def _through_sqlalchemy(engine: AsyncEngine, member_id: str) -> MemberRecord:
    statement = select(*(MEMBERS.c[name] for name in _MEMBER_FIELDS)).where(MEMBERS.c.member_id == member_id)
    async with engine.connect() as conn:
        row = (await conn.execute(statement)).one()
    return MemberRecord(**dict(row._mapping))


class TestRegistryReads:
    async def test_a_member_is_what_sqlalchemy_reads_with_its_types(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        registry = await _imported(db_engine, tmp_path)
        family = await registry.family("20000001")
        for member in family.members:
            fast = await registry.member(member.member_id)
            assert fast == await _through_sqlalchemy(db_engine, member.member_id)
            assert isinstance(fast.date_of_birth, dt.date)
            assert isinstance(fast.income_tax_payer, bool) and isinstance(fast.ekyc_done, bool)
            assert isinstance(fast.annual_income, int)

    async def test_a_family_comes_whole_head_first_and_typed(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        registry = await _imported(db_engine, tmp_path)
        family = await registry.family("20000002")
        assert isinstance(family, FamilyRecord)
        assert family.family_id == "20000002" and len(family.members) == 4
        assert family.members[0].relation == "head"
        assert {m.family_id for m in family.members} == {"20000002"}
        births = [m.date_of_birth for m in family.members[1:]]
        assert births == sorted(births)
        assert family.bpl is True and isinstance(family.land_hectares, float)
        assert isinstance(family.version, int)

    async def test_unknown_ids_are_refused_as_before(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        registry = await _imported(db_engine, tmp_path)
        with pytest.raises(UnknownFamily):
            await registry.family("29999999")
        with pytest.raises(UnknownMember):
            await registry.member("299999999")

    async def test_a_change_written_through_the_engine_is_read_at_once(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """The reads keep their own connections (SQLite): none may hold an old snapshot."""
        registry = await _imported(db_engine, tmp_path)
        member = (await registry.family("20000001")).members[0]
        await registry.member(member.member_id)
        async with db_engine.begin() as conn:
            await conn.execute(
                MEMBERS.update().where(MEMBERS.c.member_id == member.member_id).values(annual_income=123)
            )
        assert (await registry.member(member.member_id)).annual_income == 123


class TestReads:
    async def test_several_statements_in_one_call_each_with_its_rows(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        await _imported(db_engine, tmp_path)
        reads = Reads(db_engine)
        by_family = select(MEMBERS.c.member_id).where(MEMBERS.c.family_id == bindparam("family_id"))
        one, other, none = await reads.several(
            [
                (by_family, {"family_id": "20000001"}),
                (by_family, {"family_id": "20000002"}),
                (by_family, {"family_id": "29999999"}),
            ]
        )
        assert len(one) == len(other) == 4 and none == []
        assert not {row[0] for row in one} & {row[0] for row in other}

    async def test_grouped_reads_of_callers_at_once_each_get_their_own_rows_or_error(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Reads asked at once leave together (on SQLite), and each caller gets its own rows, typed, or
        its own error; the others are not failed by it."""
        await _imported(db_engine, tmp_path)
        reads = Reads(db_engine, grouped=True)
        by_family = select(MEMBERS.c.member_id, MEMBERS.c.date_of_birth).where(
            MEMBERS.c.family_id == bindparam("family_id")
        )
        families = ["20000001", "20000002", "29999999"] * 4
        asked = [reads.several([(by_family, {"family_id": family})]) for family in families]
        unbindable = reads.all(by_family, {"family_id": object()})  # the driver refuses the value
        *rows, failed = await asyncio.gather(*asked, unbindable, return_exceptions=True)
        assert isinstance(failed, Exception)
        for family, (members,) in zip(families, rows, strict=True):  # type: ignore[misc]
            assert len(members) == (0 if family == "29999999" else 4)
            assert all(isinstance(born, dt.date) for _, born in members)
        assert rows[0] == rows[3] and rows[1] == rows[4] and rows[0] != rows[1]

    async def test_an_in_memory_database_is_read_through_the_engine(self) -> None:
        engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        try:
            async with engine.begin() as conn:
                await conn.run_sync(MEMBERS.metadata.create_all, tables=[MEMBERS])
                await conn.execute(
                    MEMBERS.insert().values(
                        member_id="100000011", family_id="10000001", name_en="A", name_hi="अ", gender="F",
                        date_of_birth=dt.date(1990, 1, 2), relation="head", marital_status="married",
                        social_category="general", tribe="", disability_percent=0, occupation="",
                        annual_income=1, residence_years=None, income_tax_payer=False,
                        government_service="none", mobile=None, aadhaar_last4=None, ekyc_done=True,
                        updated_at=0.0,
                    )
                )  # fmt: skip
            # A pool of one connection here (the database lives in it): Reads must use that one.
            reads = Reads(engine)
            statement = select(MEMBERS.c.date_of_birth, MEMBERS.c.ekyc_done).where(
                MEMBERS.c.member_id == bindparam("member_id")
            )
            assert await reads.all(statement, {"member_id": "100000011"}) == [(dt.date(1990, 1, 2), True)]
        finally:
            await engine.dispose()
