"""Fixtures of the catalogue history tests: a catalogue file of the test's own, which a test rewrites."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.bootstrap import Seva, build
from gateway.database import create_engine
from gateway.documents.service import NewDocument
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.clock import MovableClock
from gateway.versions import CatalogueVersions
from schemas.applications_api import ApplicationCreate
from tests.applications.support import LEARNER_DOCS, PDF, People, learner_form, seed_people
from tests.building import test_settings as settings_for
from tests.conftest import CATALOGUE

LEARNER = "tr-learner-licence"
DRIVING = "tr-driving-licence"


def changed_learner(text: str) -> str:
    """The catalogue with the learner's licence's age rule raised from 16 to 18 and its fee from Rs 200 to
    Rs 250; nothing else changed."""
    start = text.index(f"- code: {LEARNER}\n")
    end = text.index("\n  - code: ", start)
    block = text[start:end]
    changed = block.replace("value: 16\n", "value: 18\n", 1).replace(
        "amount_inr: 200\n", "amount_inr: 250\n", 1
    )
    assert changed.count("18\n") > block.count("18\n") and "amount_inr: 250" in changed
    return text[:start] + changed + text[end:]


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    """A copy of the shipped catalogue that the test may rewrite."""
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(CATALOGUE.read_bytes())
    return path


@dataclass
class History:
    seva: Seva
    engine: AsyncEngine
    holder: CatalogueHolder
    people: People
    file: Path

    @property
    def versions(self) -> CatalogueVersions:
        return self.seva.versions.service

    async def apply(self, key: str) -> str:
        asha = self.people.asha
        body = ApplicationCreate(service_code=LEARNER, member_id=asha.member_id, form=learner_form())
        application, created = await self.seva.applications.service.submit(asha.caller, body, key)
        assert created
        return application.reference

    def reload_changed(self) -> str:
        """Rewrite the file with the learner's licence changed and reload it; the new digest."""
        self.file.write_text(changed_learner(self.file.read_text(encoding="utf-8")), encoding="utf-8")
        assert self.holder.reload()
        return self.holder.current.digest


@pytest.fixture
async def history(db_url: str, catalogue_file: Path, tmp_path: Path) -> AsyncIterator[History]:
    engine = create_engine(db_url)
    clock = MovableClock()
    settings = settings_for(tmp_path / "data", db_url, catalogue=str(catalogue_file))
    holder = CatalogueHolder.load(catalogue_file, clock=clock)
    seva = build(settings, engine=engine, clock=clock, catalogue=holder, inprocess_workers=False)
    people = await seed_people(engine)
    asha = people.asha
    for doc_type in LEARNER_DOCS:
        new = NewDocument(member_id=asha.member_id, doc_type=doc_type, filename=f"{doc_type}.pdf")
        await seva.documents.store.upload(asha.family_id, new, PDF, asha.actor)
    yield History(seva, engine, holder, people, catalogue_file)
    await seva.delivery.resolver.aclose()
    await engine.dispose()
