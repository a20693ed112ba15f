"""What the registry holds for the rules beyond Samagra's first columns: ration card type, tehsil, janpad
and kind of local body, land in hectares, income-tax payers and government employees or pensioners; read
from CSV (older files without these columns still import), written back, and made into facts."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.csv_format import COLUMNS, OPTIONAL_COLUMNS, RowError, parse_row
from family_registry.exporter import export_csv
from family_registry.facts import family_facts
from family_registry.importer import import_csv
from family_registry.store import Registry
from gateway.applications.applicant import load_applicant
from tests.registry.support import TODAY, family_rows, hasher, member_row, write_csv


def parse(**changes: str) -> Any:
    return parse_row(member_row(**changes), hasher(), TODAY, 1.0)


class TestColumns:
    """Each new column is checked, with a reason that says what to write."""

    def test_a_full_row(self) -> None:
        """The values come back typed: hectares as a number, flags as booleans."""
        parsed = parse(
            ration_card_type="AAY", land_hectares="2.25", income_tax_payer="yes",
            government_service="Pensioner", janpad="",
        )  # fmt: skip
        assert parsed.family["ration_card_type"] == "aay"
        assert parsed.family["land_hectares"] == 2.25
        assert (parsed.family["tehsil"], parsed.family["local_body_kind"]) == ("Huzur", "nagar_nigam")
        assert parsed.member["income_tax_payer"] is True
        assert parsed.member["government_service"] == "pensioner"

    def test_defaults(self) -> None:
        """Empty columns: no ration card type, no land, no tax, no government service; a rural family is
        under a gram panchayat."""
        parsed = parse(
            ration_card_type="", land_hectares="", income_tax_payer="", government_service="",
            local_body_kind="", area="rural", local_body="Gram Panchayat Ratua", tehsil="",
        )  # fmt: skip
        family, member = parsed.family, parsed.member
        assert (family["ration_card_type"], family["land_hectares"], family["tehsil"]) == ("none", 0.0, None)
        assert family["local_body_kind"] == "gram_panchayat"
        assert (member["income_tax_payer"], member["government_service"]) == (False, "none")

    def test_a_tehsil_of_the_district_in_any_case(self) -> None:
        """A tehsil is matched whatever its case and spacing, and stored as listed."""
        assert parse(tehsil="  berasia ").family["tehsil"] == "Berasia"

    @pytest.mark.parametrize(
        ("changes", "column", "words"),
        [
            ({"tehsil": "Mhow"}, "tehsil",
             "'Mhow' is not a tehsil of bhopal; its tehsils are: Berasia, Huzur, Kolar"),
            ({"ration_card_type": "apl"}, "ration_card_type", "not one of: aay, priority, none"),
            ({"land_hectares": "5 acres"}, "land_hectares", "such as 1.25"),
            ({"land_hectares": "-1"}, "land_hectares", "from 0 to 100000"),
            ({"land_hectares": "1.23456"}, "land_hectares", "at most 4 decimals"),
            ({"government_service": "teacher"}, "government_service",
             "not one of: none, employee, pensioner"),
            ({"income_tax_payer": "sometimes"}, "income_tax_payer", "true or false"),
            ({"local_body_kind": "gram_panchayat"}, "local_body_kind",
             "'gram_panchayat' does not fit an urban family; write nagar_nigam, nagar_palika or "
             "nagar_parishad"),
            ({"local_body_kind": "mahanagar"}, "local_body_kind", "not one of"),
        ],
    )  # fmt: skip
    def test_each_bad_value_is_named(self, changes: dict[str, str], column: str, words: str) -> None:
        """The reason names the column and the values there are."""
        with pytest.raises(RowError) as caught:
            parse(**changes)
        assert caught.value.column == column
        assert words in str(caught.value)


async def test_an_older_file_without_the_new_columns_imports(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """A file in the first format (no optional column) imports, taking the defaults."""
    older = [c for c in COLUMNS if c not in OPTIONAL_COLUMNS]
    path = tmp_path / "older.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(older)
        for row in family_rows():
            writer.writerow([row[c] for c in older])
    report = await import_csv(db_engine, path, hasher(), today=TODAY)
    assert report.rejected == 0
    family = await Registry(db_engine, hasher()).family("20000001")
    assert (family.ration_card_type, family.land_hectares, family.tehsil) == ("none", 0.0, None)
    assert family.members[0].government_service == "none"


async def test_export_and_reimport_change_nothing(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """The new columns go out and come back the same: a second import updates nothing."""
    rows = family_rows()
    for row in rows:  # the family's columns, repeated on each of its rows
        row.update(ration_card_type="aay", land_hectares="3.5")
    rows[1].update(income_tax_payer="true", government_service="employee")
    await import_csv(db_engine, write_csv(tmp_path / "in.csv", rows), hasher(), today=TODAY)
    await export_csv(db_engine, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8") as out:
        exported = list(csv.DictReader(out))
    assert exported[0]["land_hectares"] == "3.5" and exported[0]["ration_card_type"] == "aay"
    assert exported[1]["government_service"] == "employee"
    again = await import_csv(db_engine, tmp_path / "out.csv", hasher(), today=TODAY)
    assert again.counts.members_unchanged == len(rows) and again.counts.families_updated == 0


class TestFacts:
    """The rules' facts: the family's land, card and body, and whether anyone pays tax or serves a
    government, counted over its members; the same from the registry and from one applicant's query."""

    @pytest.fixture
    async def imported(self, db_engine: AsyncEngine, tmp_path: Path) -> AsyncEngine:
        rows = family_rows()
        for row in rows:
            row.update(ration_card_type="aay", land_hectares="8.09")
        rows[1].update(government_service="pensioner")
        rows[2].update(income_tax_payer="true")
        report = await import_csv(db_engine, write_csv(tmp_path / "f.csv", rows), hasher(), today=TODAY)
        assert report.rejected == 0
        return db_engine

    async def test_family_facts(self, imported: AsyncEngine) -> None:
        """Family facts hold for every member; member facts are each member's own."""
        family = await Registry(imported, hasher()).family("20000001")
        facts = family_facts(family, TODAY)
        for member in facts.values():
            assert member["family.ration_card_type"] == "aay"
            assert member["family.land_hectares"] == 8.09
            assert member["family.local_body_kind"] == "nagar_nigam"
            assert member["family.income_tax_payer"] is True
            assert member["family.government_employee_or_pensioner"] is True
        assert facts["200000011"]["member.income_tax_payer"] is False
        assert facts["200000013"]["member.income_tax_payer"] is True
        assert facts["200000012"]["member.government_service"] == "pensioner"

    async def test_one_applicant_has_the_same_facts(self, imported: AsyncEngine) -> None:
        """An application's one-statement read of the applicant gives the registry's own facts."""
        family = await Registry(imported, hasher()).family("20000001")
        expected = family_facts(family, TODAY)["200000011"]
        async with imported.connect() as conn:
            applicant = await load_applicant(conn, "200000011", TODAY)
        assert applicant is not None and applicant.facts == expected

    async def test_nobody_paying_tax(self, db_engine: AsyncEngine, tmp_path: Path) -> None:
        """A family where nobody pays tax or serves a government has both family facts false."""
        await import_csv(db_engine, write_csv(tmp_path / "f.csv", family_rows()), hasher(), today=TODAY)
        family = await Registry(db_engine, hasher()).family("20000001")
        facts = family_facts(family, dt.date(2026, 11, 23))["200000011"]
        assert facts["family.income_tax_payer"] is False
        assert facts["family.government_employee_or_pensioner"] is False
