"""An application's status and timeline read in Hindi as well as English, whoever wrote the step."""

from __future__ import annotations

from sqlalchemy import update

from gateway.applications.statuses import MESSAGES, received_as
from gateway.applications.timeline import EVENTS, Change, record_changes
from gateway.audit import Actor
from tests.applications.support import LEARNER_DOCS, World


async def _applied(world: World) -> str:
    for doc_type in LEARNER_DOCS:
        await world.upload(world.people.asha, doc_type)
    return await world.apply(world.people.asha)


async def _record(world: World, change: Change) -> None:
    async with world.engine.begin() as conn:
        await record_changes(conn, world.audit, Actor.system("test", "timeline"), [change])


class TestHindiTimeline:
    async def test_submission_in_both_languages(self, world: World) -> None:
        """The first status and timeline step are written in English and Hindi."""
        application = await world.applications.get(await _applied(world))
        assert (application.status_message, application.status_message_hi) == (
            MESSAGES["submitted"].en, MESSAGES["submitted"].hi
        )  # fmt: skip
        assert application.timeline[0].message_hi == MESSAGES["submitted"].hi

    async def test_gateway_and_department_texts(self, world: World) -> None:
        """The gateway's own texts are in Hindi; a department's English words are introduced in Hindi."""
        reference = await _applied(world)
        await _record(world, Change(reference, "delivered", "received", received_as("TR/2026/77")))
        await _record(world, Change(reference, "status", "in_progress", "File sent to the RTO"))
        await _record(world, Change(reference, "status", "approved"))
        application = await world.applications.get(reference)
        assert [e.message_hi for e in application.timeline[1:]] == [
            "विभाग ने आवेदन प्राप्त किया; विभाग की संदर्भ संख्या TR/2026/77 है।",
            "विभाग का संदेश: File sent to the RTO",
            "स्वीकृत",
        ]
        assert application.status_message_hi == "स्वीकृत"

    async def test_steps_written_before_hindi_was_kept(self, world: World) -> None:
        """A step stored without Hindi (before the migration) reads in Hindi from its status."""
        reference = await _applied(world)
        async with world.engine.begin() as conn:
            await conn.execute(update(EVENTS).where(EVENTS.c.reference == reference).values(message_hi=""))
        application = await world.applications.get(reference)
        assert application.timeline[0].message_hi == MESSAGES["submitted"].hi
