"""Every catalogue served is kept, and every application keeps the judgement it was accepted under, on
SQLite and PostgreSQL: an application judged under one catalogue, read back after a reload that changed its
service's rules, still shows the old rules and the facts they read."""

from __future__ import annotations

import asyncio
import zlib
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from gateway.applications import FormInvalid
from gateway.applications.tables import ApplicationJudgement
from gateway.audit import Actor
from gateway.platform.clock import MovableClock
from gateway.platform.guard import Caller
from gateway.platform.principal import Principal
from gateway.versions import CatalogueVersions
from gateway.versions.errors import ServiceNotInVersion, UnknownCatalogueVersion
from gateway.versions.tables import CatalogueVersion, CatalogueVersionService, ServiceDefinition
from schemas.applications_api import ApplicationCreate
from tests.applications.support import count, learner_form
from tests.versions.conftest import DRIVING, LEARNER, History

AUDITOR = Caller(
    Principal.client("audit-office", "auditor", None),
    Actor(subject="client:audit-office", role="auditor", client_ip="127.0.0.1", reason="test"),
)
ADMIN = Caller(
    Principal.client("admin", "administrator", None),
    Actor(subject="client:admin", role="administrator", client_ip="127.0.0.1", reason="test"),
)
TABLES = {
    CatalogueVersion.__tablename__,
    ServiceDefinition.__tablename__,
    CatalogueVersionService.__tablename__,
    ApplicationJudgement.__tablename__,
}


async def test_an_application_read_after_a_reload_shows_the_rules_and_facts_it_was_judged_on(
    history: History,
) -> None:
    first = history.holder.current.digest
    before = await history.apply("before")
    clock = history.seva.platform.clock
    assert isinstance(clock, MovableClock)
    clock.advance(3600)
    second = history.reload_changed()
    after = await history.apply("after")
    assert first != second

    judged = await history.seva.applications.service.judgement(AUDITOR, before)
    assert judged.catalogue_digest == first and judged.current_digest == second
    assert judged.verdict == "eligible"
    (rule,) = judged.rules
    assert rule.rule["fact"] == "member.age" and rule.rule["value"] == 16 and rule.outcome == "passed"
    age = judged.facts["member.age"]
    assert isinstance(age, int) and age >= 16 and rule.facts == {"member.age": age}
    assert judged.service["fee"]["amount_inr"] == 200
    assert judged.service["eligibility"][0]["value"] == 16
    assert judged.member_id == "******011"  # the auditor's view: the member ID shortened
    changed = {c.aspect: c for c in judged.changed_since}
    assert set(changed) == {"fee", "rules"}
    assert changed["rules"].before is not None and changed["rules"].before.en.startswith("member.age >= 16")
    assert changed["rules"].after is not None and changed["rules"].after.hi.startswith("member.age >= 18")
    assert changed["fee"].after is not None and changed["fee"].after.hi.startswith("₹250")

    now = await history.seva.applications.service.judgement(ADMIN, after)
    assert now.catalogue_digest == second and now.rules[0].rule["value"] == 18
    assert now.changed_since == [] and now.member_id == history.people.asha.member_id
    assert await count(history.engine, "application_judgement") == 2


async def test_every_catalogue_served_is_kept_with_its_file(history: History) -> None:
    original = history.file.read_bytes()
    first = history.holder.current.digest
    await history.versions.record(history.holder.current)
    second = history.reload_changed()
    await history.versions.record(history.holder.current)
    async with history.engine.connect() as conn:
        rows = (await conn.execute(select(CatalogueVersion.__table__))).all()  # type: ignore[attr-defined]
    kept = {row.digest: row for row in rows}
    assert set(kept) == {first, second}
    assert kept[first].encoding == "zlib" and len(kept[first].content) < len(original) / 3
    assert zlib.decompress(kept[first].content) == original
    assert kept[first].size_bytes == len(original) and kept[first].services == len(
        history.holder.current.services
    )

    page = await history.versions.versions(AUDITOR)
    assert [(v.digest, v.served) for v in page.items] == [(first, False), (second, True)]
    digest, content = await history.versions.file(AUDITOR, first[:12])
    assert (digest, content) == (first, original)
    # A service that changed in no version keeps one definition for both.
    assert await count(history.engine, "service_definition") == len(history.holder.current.services) + 1


async def test_a_services_versions_and_what_changed_between_them(history: History) -> None:
    first = history.holder.current.digest
    await history.versions.record(history.holder.current)
    second = history.reload_changed()
    await history.versions.record(history.holder.current)
    learner = await history.versions.service_versions(AUDITOR, LEARNER)
    assert [(v.catalogue_digest, v.changed) for v in learner.items] == [(first, True), (second, True)]
    driving = await history.versions.service_versions(AUDITOR, DRIVING)
    assert [v.changed for v in driving.items] == [True, False]
    assert driving.items[0].definition_digest == driving.items[1].definition_digest

    changes = await history.versions.changes(AUDITOR, LEARNER, first[:8], None)
    assert (changes.from_digest, changes.to_digest) == (first, second)
    assert [c.aspect for c in changes.changes] == ["fee", "rules"]
    back = await history.versions.changes(AUDITOR, LEARNER, second, first)
    assert back.changes[0].before is not None and back.changes[0].before.en.startswith("Rs 250")
    assert (await history.versions.changes(AUDITOR, DRIVING, first, second)).changes == []

    with pytest.raises(UnknownCatalogueVersion):
        await history.versions.changes(AUDITOR, LEARNER, "0123456789abcdef", None)
    with pytest.raises(ServiceNotInVersion):
        await history.versions.changes(AUDITOR, "no-such-service", first, None)
    with pytest.raises(ServiceNotInVersion):
        await history.versions.service_versions(AUDITOR, "no-such-service")


async def test_processes_recording_the_same_catalogue_at_once_keep_one_version(history: History) -> None:
    """Two processes (two services over one database) record the same catalogue together: one row each,
    and neither fails."""
    other = CatalogueVersions(
        history.engine,
        lambda: history.holder.current,
        history.seva.platform.audit,
        history.seva.platform.clock,
    )
    await asyncio.gather(
        history.versions.record(history.holder.current), other.record(history.holder.current)
    )
    await other.record(history.holder.current)  # and again: nothing to add
    assert await count(history.engine, "catalogue_version") == 1
    services = len(history.holder.current.services)
    assert await count(history.engine, "catalogue_version_service") == services


async def test_a_judgement_is_written_with_its_application_or_not_at_all(history: History) -> None:
    """A refused submission leaves no judgement; each accepted one leaves exactly one."""
    asha = history.people.asha
    body = ApplicationCreate(
        service_code=LEARNER, member_id=asha.member_id, form=learner_form(vehicle_class="?")
    )
    with pytest.raises(FormInvalid):
        await history.seva.applications.service.submit(asha.caller, body, "bad")
    assert await count(history.engine, "application_judgement") == 0
    reference = await history.apply("good")
    async with history.engine.connect() as conn:
        row = (
            await conn.execute(
                select(ApplicationJudgement.__table__).where(  # type: ignore[attr-defined]
                    ApplicationJudgement.__table__.c.reference == reference  # type: ignore[attr-defined]
                )
            )
        ).one()
    assert row.catalogue_digest == history.holder.current.digest and row.service_code == LEARNER
    # The definition is kept once, with the catalogue, not copied into every judgement.
    definitions = await count(history.engine, "service_definition")
    await history.apply("another")
    assert (
        definitions
        == await count(history.engine, "service_definition")
        == len(history.holder.current.services)
    )


def _ours(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = item if kind == "table" else getattr(item, "table", None)
    return getattr(table, "name", name) in TABLES


async def test_the_history_tables_match_their_models(db_engine: AsyncEngine) -> None:
    """``alembic revision --autogenerate`` would find nothing to do for these tables."""

    def differences(sync: Any) -> list[Any]:
        context = MigrationContext.configure(sync, opts={"compare_type": True, "include_object": _ours})
        return compare_metadata(context, SQLModel.metadata)

    async with db_engine.connect() as conn:
        assert await conn.run_sync(differences) == []


def test_a_service_gone_from_the_catalogue_is_named_as_gone() -> None:
    """An application of a service the catalogue served now no longer holds says so, in both languages."""
    from gateway.applications.service import _changed_since
    from tests.building import shipped_catalogue

    (gone,) = _changed_since(shipped_catalogue(), "a-service-since-removed", "0" * 64, {})
    assert gone.aspect == "other" and gone.title.en == "The service is no longer in the catalogue"
    assert gone.title.hi == "यह सेवा अब सूची में नहीं है"
