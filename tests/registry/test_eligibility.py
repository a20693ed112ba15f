"""Eligibility from the registry: facts named exactly as the rules name them, ages on the day asked,
family aggregates, and a cache that a changed family or catalogue can never fool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import load_catalogue
from catalogue.facts import FACTS
from family_registry.eligibility import EligibilityCache, family_eligibility
from family_registry.facts import family_facts
from family_registry.importer import import_csv
from family_registry.records import FamilyRecord
from family_registry.store import Registry
from gateway.platform.catalogue import CatalogueHolder
from tests.registry.support import TODAY, family_rows, hasher, write_catalogue, write_csv


async def imported(engine: AsyncEngine, tmp_path: Path, rows: list[dict[str, str]], name: str = "f") -> None:
    report = await import_csv(engine, write_csv(tmp_path / f"{name}.csv", rows), hasher(), today=TODAY)
    assert report.rejected == 0


def statuses(result: object, member_id: str) -> dict[str, str]:
    member = next(m for m in result.members if m.member_id == member_id)  # type: ignore[attr-defined]
    return {v.service: v.status for v in member.verdicts}


async def test_facts_are_exactly_the_catalogue_names(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """Every fact a rule may read is filled for a complete member, and nothing else is."""
    await imported(db_engine, tmp_path, family_rows())
    family = await Registry(db_engine, hasher()).family("20000001")
    facts = family_facts(family, TODAY)
    assert set(facts["200000011"]) == set(FACTS)
    assert "member.residence_years" not in facts["200000012"]  # left empty in the file: undetermined
    head = facts["200000011"]
    assert head["member.age"] == 66 and head["member.bpl"] is True and head["member.district"] == "bhopal"
    assert head["family.size"] == 4 and head["family.members_under_18"] == 1
    assert head["family.annual_income"] == 60000 and head["family.has_ration_card"] is True
    assert head["family.area"] == "urban" and head["family.social_category"] == "obc"
    assert facts["200000014"]["member.disability_percent"] == 50


def test_age_is_counted_on_the_day_asked() -> None:
    """A birthday on 1 May: 65 the day before, 66 on the day; a birth on 29 February counts from 1 March."""
    from family_registry.records import MemberRecord

    def member(born: dt.date) -> MemberRecord:
        return MemberRecord(
            member_id="200000011", family_id="20000001", name_en="A B", name_hi="अ ब", gender="male",
            date_of_birth=born, relation="head", marital_status="married", social_category="obc",
            tribe="none", disability_percent=0, occupation="farmer", annual_income=0, residence_years=None,
            income_tax_payer=False, government_service="none", mobile=None, aadhaar_last4=None,
            ekyc_done=False,
        )  # fmt: skip

    def family(*members: MemberRecord) -> FamilyRecord:
        return FamilyRecord(
            family_id="20000001", head_member_id=None, district="bhopal", local_body="x", ward=None,
            village_or_town="x", area="rural", social_category="obc", bpl=False, ration_card=None,
            tehsil=None, janpad=None, local_body_kind=None, ration_card_type="none", land_hectares=0.0,
            version=1,
            members=members,
        )  # fmt: skip

    one = family(member(dt.date(1960, 5, 1)))
    assert family_facts(one, dt.date(2026, 4, 30))["200000011"]["member.age"] == 65
    assert family_facts(one, dt.date(2026, 5, 1))["200000011"]["member.age"] == 66
    leap = family(member(dt.date(2008, 2, 29)))
    assert family_facts(leap, dt.date(2026, 2, 28))["200000011"]["member.age"] == 17
    assert family_facts(leap, dt.date(2026, 3, 1))["200000011"]["member.age"] == 18
    assert family_facts(leap, dt.date(2026, 3, 1))["200000011"]["family.members_under_18"] == 0


async def test_verdicts_for_every_member(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """The known verdicts of the test catalogue, with reasons in both languages and missing facts named."""
    catalogue = load_catalogue(write_catalogue(tmp_path / "catalogue.yaml"))
    await imported(db_engine, tmp_path, family_rows())
    family = await Registry(db_engine, hasher()).family("20000001")
    result = family_eligibility(catalogue, family, TODAY)
    assert result.catalogue_digest == catalogue.digest and result.family_version == family.version
    assert [m.member_id for m in result.members] == ["200000011", "200000012", "200000013", "200000014"]
    head = statuses(result, "200000011")
    assert head["old-age-pension"] == "eligible" and head["st-scholarship"] == "not_eligible"
    assert head["domicile-certificate"] == "eligible" and head["large-family-aid"] == "not_eligible"
    wife = statuses(result, "200000012")
    assert wife["domicile-certificate"] == "undetermined" and wife["old-age-pension"] == "eligible"
    assert statuses(result, "200000014")["disability-pension"] == "eligible"
    wife_verdicts = next(m for m in result.members if m.member_id == "200000012").verdicts
    domicile = next(v for v in wife_verdicts if v.service == "domicile-certificate")
    assert domicile.missing_facts == ["member.residence_years"]
    daughter = next(m for m in result.members if m.member_id == "200000013")
    scholarship = next(v for v in daughter.verdicts if v.service == "st-scholarship")
    assert [r.en for r in scholarship.reasons] == ["Only for ST students."]
    assert scholarship.reasons[0].hi == "केवल अजजा विद्यार्थी।"
    assert daughter.eligible + daughter.not_eligible + daughter.undetermined == len(catalogue.services)


async def test_the_cache_follows_the_family_version(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """A re-import that changes a member bumps the version: the next answer is computed afresh."""
    catalogue = load_catalogue(write_catalogue(tmp_path / "catalogue.yaml"))
    registry, cache = Registry(db_engine, hasher()), EligibilityCache(families=10)
    await imported(db_engine, tmp_path, family_rows())
    first = cache.get(catalogue, await registry.family("20000001"), TODAY)
    assert cache.get(catalogue, await registry.family("20000001"), TODAY) is first
    assert (cache.hits, cache.misses) == (1, 1)
    await imported(db_engine, tmp_path, family_rows(bpl="false"), "again")
    changed = await registry.family("20000001")
    assert changed.version == first.family_version + 1
    second = cache.get(catalogue, changed, TODAY)
    assert second is not first and statuses(second, "200000011")["old-age-pension"] == "not_eligible"
    # Another day is another key: ages may have changed.
    assert cache.get(catalogue, changed, TODAY + dt.timedelta(days=1)) is not second


async def test_the_cache_follows_the_catalogue(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """A reloaded catalogue has another digest; the holder's listener empties the cache as well."""
    path = write_catalogue(tmp_path / "catalogue.yaml")
    holder = CatalogueHolder.load(path)
    cache = EligibilityCache()
    holder.on_change(cache.clear)
    await imported(db_engine, tmp_path, family_rows())
    family = await Registry(db_engine, hasher()).family("20000001")
    before = cache.get(holder.current, family, TODAY)
    assert statuses(before, "200000011")["old-age-pension"] == "eligible"
    write_catalogue(path, pension_age=70)
    assert holder.reload()
    assert len(cache) == 0
    after = cache.get(holder.current, family, TODAY)
    assert after.catalogue_digest != before.catalogue_digest
    assert statuses(after, "200000011")["old-age-pension"] == "not_eligible"
