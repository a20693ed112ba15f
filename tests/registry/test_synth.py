"""Synthetic registries: the same seed gives the same rows, byte for byte, and the rows look like
Madhya Pradesh (districts, age pyramid, categories, BPL share, names in both scripts)."""

from __future__ import annotations

import collections
import datetime as dt
import re

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import load_catalogue
from family_registry.csv_format import COLUMNS, parse_row
from family_registry.districts import DISTRICTS
from family_registry.importer import import_rows
from family_registry.names import ST_SURNAMES, TRIBE_SURNAMES
from family_registry.store import Registry
from family_registry.synth import AS_OF, Synthesizer
from family_registry.tehsils import TEHSILS
from tests.conftest import CATALOGUE
from tests.registry.support import TODAY, hasher

COLUMN = {name: i for i, name in enumerate(COLUMNS)}


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return list(Synthesizer(11).rows(3000))


def age(row: list[str]) -> int:
    born = dt.date.fromisoformat(row[COLUMN["date_of_birth"]])
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


class TestDeterminism:
    def test_the_same_seed_gives_the_same_rows(self) -> None:
        assert list(Synthesizer(42).rows(300)) == list(Synthesizer(42).rows(300))

    def test_another_seed_gives_other_rows(self) -> None:
        one, other = list(Synthesizer(1).rows(50)), list(Synthesizer(2).rows(50))
        assert one != other

    def test_a_longer_run_begins_with_the_shorter_one(self) -> None:
        """Asking for more families does not change the first ones."""
        short, long = list(Synthesizer(7).rows(100)), list(Synthesizer(7).rows(200))
        assert long[: len(short)] == short


class TestRealism:
    def test_every_row_passes_the_import_checks(self, rows: list[list[str]]) -> None:
        for row in rows:
            parse_row(dict(zip(COLUMNS, row, strict=True)), hasher(), TODAY, 0.0)

    def test_ids_and_aadhaar_numbers_are_unique(self, rows: list[list[str]]) -> None:
        members = [r[COLUMN["member_id"]] for r in rows]
        aadhaar = [r[COLUMN["aadhaar"]] for r in rows if r[COLUMN["aadhaar"]]]
        assert len(set(members)) == len(members) and len(set(aadhaar)) == len(aadhaar)
        assert all(re.fullmatch(r"[1-9]\d{8}", m) for m in members)
        assert len({r[COLUMN["family_id"]] for r in rows}) == 3000

    def test_each_family_has_one_head_listed_first(self, rows: list[list[str]]) -> None:
        families: dict[str, list[str]] = collections.defaultdict(list)
        for r in rows:
            families[r[COLUMN["family_id"]]].append(r[COLUMN["relation"]])
        assert all(relations[0] == "head" and relations.count("head") == 1 for relations in families.values())
        size = len(rows) / len(families)
        assert 3.8 <= size <= 5.2  # NFHS-5: about 4.4 people per household in MP

    def test_districts_follow_population(self, rows: list[list[str]]) -> None:
        """All districts are codes of the shipped catalogue; the big ones hold more families."""
        districts = collections.Counter(
            r[COLUMN["district"]] for r in rows if r[COLUMN["relation"]] == "head"
        )
        assert set(districts) <= set(load_catalogue(CATALOGUE).districts) == {d.code for d in DISTRICTS}
        assert districts["indore"] > districts["niwari"]

    def test_age_pyramid(self, rows: list[list[str]]) -> None:
        """Close to the state's: about 30% under 15, under 10% aged 60 or more, nobody over 110."""
        ages = [age(r) for r in rows]
        under_15 = sum(a < 15 for a in ages) / len(ages)
        over_60 = sum(a >= 60 for a in ages) / len(ages)
        assert 0.24 <= under_15 <= 0.36 and 0.05 <= over_60 <= 0.12
        assert max(ages) <= 110 and min(ages) >= 0

    def test_shares_of_categories_bpl_and_area(self, rows: list[list[str]]) -> None:
        heads = [r for r in rows if r[COLUMN["relation"]] == "head"]

        def share(column: str, value: str) -> float:
            return sum(r[COLUMN[column]] == value for r in heads) / len(heads)

        assert 0.17 <= share("family_category", "st") <= 0.26  # Census 2011: 21%
        assert 0.12 <= share("family_category", "sc") <= 0.19  # 16%
        assert 0.25 <= share("bpl", "true") <= 0.45
        assert 0.65 <= share("area", "rural") <= 0.80  # 72%
        tribes = collections.Counter(
            r[COLUMN["tribe"]] for r in heads if r[COLUMN["family_category"]] == "st"
        )
        assert tribes["other"] > 0 and tribes["sahariya"] + tribes["baiga"] + tribes["bharia"] > 0
        assert all(r[COLUMN["tribe"]] == "none" for r in heads if r[COLUMN["family_category"]] != "st")

    def test_names_in_both_scripts_and_some_disabilities(self, rows: list[list[str]]) -> None:
        assert all(re.search(r"[\u0900-\u097F]", r[COLUMN["name_hi"]]) for r in rows)
        assert all(r[COLUMN["name_en"]].isascii() for r in rows)
        disabled = sum(r[COLUMN["disability_percent"]] != "0" for r in rows) / len(rows)
        assert 0.01 <= disabled <= 0.05  # Census 2011: 2.3% of the state


async def test_a_synthetic_registry_loads_the_same_on_every_backend(db_engine: AsyncEngine) -> None:
    """Loaded through the importer, every synthetic row is accepted."""
    records = ((line, row, None) for line, row in enumerate(Synthesizer(3).rows(200), start=2))
    rejected: list[object] = []
    report = await import_rows(db_engine, list(COLUMNS), records, hasher(), rejected.append, today=TODAY)
    assert rejected == [] and report.counts.families_added == 200
    families, members = await Registry(db_engine, hasher()).counts()
    assert families == 200 and members == report.accepted


class TestWhatTheRulesRead:
    """The columns added for the rules are filled plausibly."""

    def test_tehsils_belong_to_the_district(self, rows: list[list[str]]) -> None:
        """Every family's tehsil is one of its district's; rural families name their janpad panchayat."""
        for r in rows:
            assert r[COLUMN["tehsil"]] in TEHSILS[r[COLUMN["district"]]]
            rural = r[COLUMN["area"]] == "rural"
            assert (r[COLUMN["local_body_kind"]] == "gram_panchayat") == rural
            assert r[COLUMN["janpad"]].startswith("Janpad Panchayat ") == rural

    def test_tribal_surnames_follow_the_region(self, rows: list[list[str]]) -> None:
        """Tribal families of the Bhil districts carry Bhil and Bhilala names, those of Dindori and Mandla
        Gond or Baiga names, and never the other way round."""
        bhil = {name for name, _ in ST_SURNAMES["bhil"]}
        gond = {name for name, _ in ST_SURNAMES["gond"]} | {name for name, _ in TRIBE_SURNAMES["baiga"]}

        def surnames(*districts: str) -> set[str]:
            return {
                r[COLUMN["name_en"]].split()[-1]
                for r in rows
                if r[COLUMN["district"]] in districts and r[COLUMN["tribe"]] != "none"
            }

        west, east = surnames("jhabua", "alirajpur", "barwani"), surnames("dindori", "mandla")
        assert west and west <= bhil
        assert east and east <= gond

    def test_no_two_members_of_a_family_share_a_full_name(self, rows: list[list[str]]) -> None:
        """A name twice in one family would be one person twice, in either script."""
        names: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
        for r in rows:
            names[r[COLUMN["family_id"]]].append((r[COLUMN["name_en"]], r[COLUMN["name_hi"]]))
        for members in names.values():
            assert len({en for en, _ in members}) == len(members)
            assert len({hi for _, hi in members}) == len(members)

    def test_ration_cards_are_unique_across_districts(self) -> None:
        """Card numbers never collide, even between districts sharing their first letters."""
        heads = [r for r in Synthesizer(5).rows(20_000) if r[COLUMN["relation"]] == "head"]
        cards = [r[COLUMN["ration_card"]] for r in heads if r[COLUMN["ration_card"]]]
        assert len(cards) == len(set(cards)) > 10_000
        by_prefix = collections.defaultdict(set)
        for r in heads:
            if r[COLUMN["ration_card"]]:
                by_prefix[r[COLUMN["ration_card"]][:4]].add(r[COLUMN["district"]])
        assert all(len(districts) == 1 for districts in by_prefix.values())
        assert len(by_prefix) == len(DISTRICTS)

    def test_cards_land_tax_and_government_service(self, rows: list[list[str]]) -> None:
        """Antyodaya for every vulnerable tribal group's family and some BPL ones, a card type exactly where
        there is a card, land mostly where someone farms, a few tax payers and government servants."""
        heads = [r for r in rows if r[COLUMN["relation"]] == "head"]
        for r in heads:
            assert (r[COLUMN["ration_card_type"]] == "none") == (r[COLUMN["ration_card"]] == "")
            if r[COLUMN["tribe"]] in ("baiga", "bharia", "sahariya"):
                assert r[COLUMN["ration_card_type"]] == "aay"
        types = collections.Counter(r[COLUMN["ration_card_type"]] for r in heads)
        assert 0.05 <= types["aay"] / len(heads) <= 0.2
        farming = {r[COLUMN["family_id"]] for r in rows if r[COLUMN["occupation"]] == "farmer"}
        land = {r[COLUMN["family_id"]]: float(r[COLUMN["land_hectares"]]) for r in heads}
        assert all(hectares > 0 for family, hectares in land.items() if family in farming)
        assert sorted(land[f] for f in farming)[len(farming) // 2] < 2.0  # most holdings are small
        taxed = sum(r[COLUMN["income_tax_payer"]] == "true" for r in rows) / len(rows)
        servants = collections.Counter(r[COLUMN["government_service"]] for r in rows)
        assert 0.001 <= taxed <= 0.05
        assert servants["employee"] > 0 and servants["pensioner"] > 0
        assert (servants["employee"] + servants["pensioner"]) / len(rows) < 0.05
