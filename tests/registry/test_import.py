"""Importing CSV into the registry, on SQLite and PostgreSQL: good rows kept, every bad row in the rejects
file with its line and reason, and a second import updating rather than duplicating."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.csv_format import COLUMNS
from family_registry.errors import ImportFileError
from family_registry.exporter import export_csv
from family_registry.importer import ImportReport, import_csv
from family_registry.store import Registry
from family_registry.tables import Family, Member
from tests.registry.support import AADHAAR, TODAY, aadhaar_for, family_rows, hasher, member_row, write_csv


async def run(engine: AsyncEngine, path: Path, batch_size: int = 1000) -> ImportReport:
    return await import_csv(engine, path, hasher(), batch_size=batch_size, today=TODAY)


def rejects(report: ImportReport) -> list[dict[str, str]]:
    if report.rejects_path is None:
        return []
    # The rejects file keeps a row's bytes as they were, even those that are not UTF-8.
    with report.rejects_path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return list(csv.DictReader(handle))


async def counts(engine: AsyncEngine) -> tuple[int, int]:
    return await Registry(engine, hasher()).counts()


async def versions(engine: AsyncEngine) -> dict[str, int]:
    table = Family.__table__  # type: ignore[attr-defined]
    async with engine.connect() as conn:
        return dict((await conn.execute(select(table.c.family_id, table.c.version))).all())


async def refuse_member(engine: AsyncEngine, member_id: str) -> None:
    """A refusal the importer's checks cannot foresee: a trigger that refuses to store one member."""
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            await conn.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE INSERT ON members WHEN NEW.member_id = '{member_id}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
        else:
            await conn.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.member_id = '{member_id}' THEN "
                "RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; "
                "END IF; RETURN NEW; END $$"
            )
            await conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON members FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


class TestGoodFiles:
    async def test_families_and_members_arrive_whole(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """Two families of four: everything stored, the head recorded, no rejects file."""
        path = write_csv(tmp_path / "f.csv", family_rows("20000001") + family_rows("20000002", "indore"))
        report = await run(db_engine, path)
        assert (report.rows, report.accepted, report.rejected) == (8, 8, 0)
        assert report.counts.members_added == 8 and report.counts.families_added == 2
        assert report.rejects_path is None and not (tmp_path / "f.csv.rejects.csv").exists()
        family = await Registry(db_engine, hasher()).family("20000002")
        assert family.district == "indore" and family.head_member_id == "200000021"
        assert [m.relation for m in family.members] == ["head", "spouse", "daughter", "grandson"]
        assert family.members[0].aadhaar_last4 == aadhaar_for("20000002", 1)[-4:]
        assert family.members[1].residence_years is None and family.members[3].disability_percent == 50

    async def test_the_family_columns_may_be_given_once(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """Rows after the first may leave the family's columns empty."""
        rows = family_rows()
        for row in rows[1:]:
            row.update({c: "" for c in ("district", "local_body", "ward", "village_or_town", "area",
                                        "family_category", "bpl", "ration_card", "ration_card_type", "tehsil",
                                        "janpad", "local_body_kind", "land_hectares")})  # fmt: skip
        report = await run(db_engine, write_csv(tmp_path / "f.csv", rows))
        assert report.rejected == 0 and await counts(db_engine) == (1, 4)

    async def test_batches_split_anywhere(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """Batches of one row give the same registry as one batch."""
        path = write_csv(tmp_path / "f.csv", family_rows("20000001") + family_rows("20000002"))
        report = await run(db_engine, path, batch_size=1)
        assert report.accepted == 8 and await counts(db_engine) == (2, 8)


class TestReimport:
    async def test_the_same_file_twice_changes_nothing(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """No duplicates, no version bumped: cached verdicts stay valid."""
        path = write_csv(tmp_path / "f.csv", family_rows("20000001") + family_rows("20000002"))
        await run(db_engine, path)
        before = await versions(db_engine)
        again = await run(db_engine, path)
        assert again.accepted == 8 and again.counts.members_unchanged == 8
        assert (
            again.counts.members_added == again.counts.members_updated == again.counts.families_updated == 0
        )
        assert await counts(db_engine) == (2, 8)
        assert await versions(db_engine) == before

    async def test_a_changed_member_is_updated_and_bumps_only_its_family(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        first = family_rows("20000001") + family_rows("20000002")
        await run(db_engine, write_csv(tmp_path / "a.csv", first))
        before = await versions(db_engine)
        changed = family_rows("20000001") + family_rows("20000002")
        changed[5]["annual_income"] = "12000"  # the wife in the second family
        report = await run(db_engine, write_csv(tmp_path / "b.csv", changed))
        assert report.counts.members_updated == 1 and report.counts.members_unchanged == 7
        after = await versions(db_engine)
        assert after["20000001"] == before["20000001"]
        assert after["20000002"] == before["20000002"] + 1
        family = await Registry(db_engine, hasher()).family("20000002")
        assert family.member("200000022").annual_income == 12000  # type: ignore[union-attr]

    async def test_a_changed_family_column_is_updated(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        await run(db_engine, write_csv(tmp_path / "a.csv", family_rows()))
        report = await run(db_engine, write_csv(tmp_path / "b.csv", family_rows(bpl="false")))
        assert report.counts.families_updated == 1
        assert (await Registry(db_engine, hasher()).family("20000001")).bpl is False

    async def test_an_export_imports_back_unchanged(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """The export's masked Aadhaar column keeps every stored link, and nothing changes."""
        await run(db_engine, write_csv(tmp_path / "a.csv", family_rows("20000001") + family_rows("20000002")))
        before = await versions(db_engine)
        exported = tmp_path / "export.csv"
        assert await export_csv(db_engine, exported) == 8
        text_ = exported.read_text(encoding="utf-8")
        assert text_.splitlines()[0] == ",".join(COLUMNS)
        assert aadhaar_for("20000001", 1) not in text_ and "********" in text_
        report = await run(db_engine, exported)
        assert report.counts.members_unchanged == 8 and await versions(db_engine) == before
        registry = Registry(db_engine, hasher())
        assert (await registry.find_by_aadhaar(aadhaar_for("20000001", 1)))[0].family.family_id == "20000001"

    async def test_a_member_moving_family_bumps_both(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        await run(db_engine, write_csv(tmp_path / "a.csv", family_rows("20000001") + family_rows("20000002")))
        before = await versions(db_engine)
        moved = member_row(
            {"family_id": "20000002"}, member_id="200000013", name_en="Priya Yadav", name_hi="प्रिया यादव",
            gender="female", date_of_birth="2005-01-20", relation="daughter_in_law", marital_status="married",
            occupation="homemaker", annual_income="0", residence_years="20", mobile="",
        )  # fmt: skip
        report = await run(db_engine, write_csv(tmp_path / "b.csv", [moved]))
        assert report.counts.members_updated == 1
        after = await versions(db_engine)
        assert after["20000001"] == before["20000001"] + 1 and after["20000002"] == before["20000002"] + 1
        registry = Registry(db_engine, hasher())
        assert len((await registry.family("20000001")).members) == 3
        assert len((await registry.family("20000002")).members) == 5


class TestBadRows:
    async def test_every_bad_row_is_rejected_with_line_and_reason(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Each kind of bad input is refused row by row, and every other row is kept."""
        good = family_rows("20000001")
        rows: list[dict[str, str] | list[str]] = [
            *good,  # lines 2-5
            member_row(member_id="20000001", family_id="20000003"),  # 6: 8-digit member ID
            member_row(family_id="2000004", member_id="200000041"),  # 7: 7-digit family ID
            member_row(family_id="20000005", member_id="200000051", aadhaar=AADHAAR["bad_checksum"]),  # 8
            member_row(family_id="20000006", member_id="200000061", date_of_birth="1980-02-30"),  # 9
            member_row({"family_id": "20000099"}, member_id="200000991"),  # 10: unknown family
            member_row({"family_id": "20000001"}, member_id="200000012", relation="son"),  # 11: duplicate ID
            ["20000007", "bhopal", "only three"],  # 12: malformed
            member_row(family_id="20000008", member_id="200000081", aadhaar=aadhaar_for("20000001", 1)),  # 13
            member_row({"family_id": "20000001"}, member_id="200000015", relation="head", mobile=""),  # 14
            member_row(family_id="20000009", member_id="200000091", date_of_birth="2030-01-01"),  # 15
            member_row(family_id="20000010", member_id="200000101"),  # 16: good, a family of one
        ]
        report = await run(db_engine, write_csv(tmp_path / "bad.csv", rows))
        assert (report.rows, report.accepted, report.rejected) == (15, 5, 10)
        got = {int(r["line"]): r["reason"] for r in rejects(report)}
        assert sorted(got) == list(range(6, 16))
        expected = {
            6: "member_id: a member ID has exactly 9 digits",
            7: "family_id: a family ID has exactly 8 digits",
            8: "Verhoeff checksum",
            9: "1980-02-30 is not a date of the calendar",
            10: "family 20000099 is not in the registry",
            11: "member ID 200000012 appears again (line 3)",
            12: "has 3 fields, the header has 32",
            13: "Aadhaar number is given for member 200000011 on line 2",
            14: "already has a head (member 200000011)",
            15: "in the future",
        }
        for line, words in expected.items():
            assert words in got[line], (line, got[line])
        assert await counts(db_engine) == (2, 5)

    async def test_the_rejects_file_keeps_the_row_as_read_with_the_aadhaar_masked(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        rows = [member_row(member_id="20000001", aadhaar=AADHAAR["valid"], name_en='Kamla Bai, "Amma"')]
        report = await run(db_engine, write_csv(tmp_path / "bad.csv", rows))
        (reject,) = rejects(report)
        assert reject["line"] == "2" and reject["name_en"] == 'Kamla Bai, "Amma"'
        assert reject["aadhaar"] == "********2346"
        assert AADHAAR["valid"] not in report.rejects_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert list(reject)[:2] == ["line", "reason"] and list(reject)[2:] == list(COLUMNS)

    async def test_broken_bytes_and_quotes_spoil_only_their_rows(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """A row that is not UTF-8 and a row with an unclosed quote are rejected; the rest is kept."""
        path = write_csv(tmp_path / "f.csv", family_rows("20000001"))
        good_line = path.read_bytes().splitlines()[1]
        with path.open("ab") as out:
            out.write(
                good_line.replace(b"20000001,", b"20000002,").replace(b"Ramesh", b"Ram\xffesh") + b"\r\n"
            )
            out.write(
                good_line.replace(b"200000011", b"200000019").replace(b"Ramesh Yadav", b'"Ramesh') + b"\r\n"
            )
        report = await run(db_engine, path)
        got = {int(r["line"]): r["reason"] for r in rejects(report)}
        assert report.accepted == 4
        assert "not valid UTF-8" in got[6]
        assert "spans lines" in got[7] or "fields" in got[7]
        assert await counts(db_engine) == (1, 4)

    async def test_an_aadhaar_number_linked_before_is_refused(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        await run(db_engine, write_csv(tmp_path / "a.csv", family_rows()))
        taken = member_row(family_id="20000002", member_id="200000021", aadhaar=aadhaar_for("20000001", 2))
        report = await run(db_engine, write_csv(tmp_path / "b.csv", [taken]))
        (reject,) = rejects(report)
        assert reject["reason"] == "this Aadhaar number is already linked to member 200000012"

    async def test_rows_the_database_refuses_are_rejected_alone(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """A refusal the checks cannot foresee (here a trigger) costs its own row only, not its batch."""
        refuse = "200000023"
        await refuse_member(db_engine, refuse)
        rows = family_rows("20000001") + family_rows("20000002") + family_rows("20000003")
        report = await run(db_engine, write_csv(tmp_path / "f.csv", rows), batch_size=100)
        (reject,) = rejects(report)
        assert reject["member_id"] == refuse and "database refused the row" in reject["reason"]
        assert report.accepted == 11 and await counts(db_engine) == (3, 11)

    async def test_a_wrong_header_imports_nothing(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        header = [c for c in COLUMNS if c != "gender"] + ["caste"]
        path = write_csv(tmp_path / "f.csv", [], header=header)
        with pytest.raises(ImportFileError) as caught:
            await run(db_engine, path)
        assert "unknown columns: caste" in str(caught.value) and "missing columns: gender" in str(
            caught.value
        )
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        with pytest.raises(ImportFileError):
            await run(db_engine, empty)

    async def test_nothing_is_left_behind_by_an_import(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """The temporary table that finds repeated member IDs goes with the import."""
        await run(db_engine, write_csv(tmp_path / "f.csv", family_rows()))
        async with db_engine.connect() as conn:
            if db_engine.dialect.name == "sqlite":
                found = await conn.execute(
                    text("SELECT name FROM sqlite_temp_master WHERE name LIKE 'seva_import%'")
                )
                assert found.all() == []


async def stored(engine: AsyncEngine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every family and member as stored, but for ``updated_at`` (the time of the import)."""
    families, members = Family.__table__, Member.__table__  # type: ignore[attr-defined]
    async with engine.connect() as conn:
        tables = []
        for table, key in ((families, families.c.family_id), (members, members.c.member_id)):
            rows = (await conn.execute(select(table).order_by(key))).mappings().all()
            tables.append([tuple(v for k, v in row.items() if k != "updated_at") for row in rows])
    return tables[0], tables[1]


class TestBulkPaths:
    async def test_copy_stores_exactly_what_the_upserts_store(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """On PostgreSQL new rows go in by COPY; the registry is the one the row-by-row upserts make."""
        rows = family_rows("20000001") + family_rows("20000002", "indore") + family_rows("20000003")
        rows[6]["aadhaar"] = ""  # no hash: NULL columns go through COPY too
        rows[9]["land_hectares"] = "2.5"
        path = write_csv(tmp_path / "f.csv", rows)
        by_rows = await import_csv(db_engine, path, hasher(), batch_size=5, today=TODAY, copy=False)
        upserted = await stored(db_engine)
        async with db_engine.begin() as conn:
            await conn.exec_driver_sql("DELETE FROM members")
            await conn.exec_driver_sql("DELETE FROM families")
        by_copy = await import_csv(db_engine, path, hasher(), batch_size=5, today=TODAY)
        assert (by_copy.accepted, by_copy.counts) == (by_rows.accepted, by_rows.counts)
        assert by_copy.counts.members_added == 12 and by_copy.counts.families_added == 3
        assert await stored(db_engine) == upserted
        assert len(upserted[1]) == 12 and upserted[0][0][1] == "200000011"  # the head, set in the batch

    async def test_a_refused_row_leaves_nothing_of_itself_and_costs_no_other_row(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """A member the database refuses in a copied batch is rejected with its line; its family, new in the
        same row, is not left behind without it, and every other row of the batch is stored."""
        refuse = "200000051"
        await refuse_member(db_engine, refuse)
        alone = member_row(
            family_id="20000005", member_id=refuse, mobile="", aadhaar=aadhaar_for("20000005", 1)
        )
        rows = [*family_rows("20000001"), alone, *family_rows("20000002")]
        report = await run(db_engine, write_csv(tmp_path / "f.csv", rows), batch_size=100)
        (reject,) = rejects(report)
        assert reject["line"] == "6" and "database refused the row" in reject["reason"]
        if db_engine.dialect.name == "postgresql":
            assert "CheckViolationError" in reject["reason"]  # asyncpg's own error: the row went by COPY
        assert report.accepted == 8 and await counts(db_engine) == (2, 8)
        assert "20000005" not in await versions(db_engine)

    async def test_a_member_repeated_in_a_later_batch_is_refused_with_its_first_line(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        rows = family_rows("20000001") + family_rows("20000002")
        rows.append(member_row({"family_id": "20000002"}, member_id="200000013", mobile=""))
        report = await run(db_engine, write_csv(tmp_path / "f.csv", rows), batch_size=2)
        (reject,) = rejects(report)
        assert (reject["line"], reject["reason"]) == ("10", "member ID 200000013 appears again (line 4)")
        assert report.accepted == 8 and await counts(db_engine) == (2, 8)
