"""Sessions and drafts in the database, on SQLite and PostgreSQL: what every gateway process reads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.platform.clock import MovableClock
from gateway.platform.principal import Principal
from gateway.web.sessions import REMEMBER_SECONDS, SessionStore, session_id
from gateway.web.tables import WebSession

ACTOR = Actor(
    subject="member:200001011", role="citizen", client_ip="127.0.0.1", reason="test", request_id="r"
)


def _store(engine: AsyncEngine, clock: MovableClock) -> SessionStore:
    return SessionStore(
        engine, AuditTrail(engine, clock=clock), clock, idle_seconds=1800, max_seconds=12 * 3600
    )


class TestSessions:
    async def test_a_session_names_its_citizen_until_it_ends(self, db_engine: AsyncEngine) -> None:
        clock = MovableClock()
        store = _store(db_engine, clock)
        value = await store.create("200001011", "20000101", ACTOR)
        assert await store.authenticate(value) == Principal.citizen("200001011", "20000101")
        assert await store.authenticate(value + "x") is None
        assert await store.authenticate("") is None

    async def test_only_the_hash_of_the_cookie_is_kept(self, db_engine: AsyncEngine) -> None:
        store = _store(db_engine, MovableClock())
        value = await store.create("200001011", "20000101", ACTOR)
        async with db_engine.connect() as conn:
            ids = (await conn.execute(select(WebSession.__table__.c.id))).scalars().all()  # type: ignore[attr-defined]
        assert ids == [session_id(value)] and value not in ids

    async def test_idle_for_too_long_or_too_old(self, db_engine: AsyncEngine) -> None:
        """Thirty idle minutes end it; so do twelve hours, however busy."""
        clock = MovableClock()
        store = _store(db_engine, clock)
        idle = await store.create("200001011", "20000101", ACTOR)
        assert await store.authenticate(idle) is not None
        clock.advance(1799)
        assert await store.authenticate(idle) is not None  # seen now: the idle time starts again
        clock.advance(1799)
        assert await store.authenticate(idle) is not None
        clock.advance(1801)
        assert await store.authenticate(idle) is None
        busy = await store.create("200001011", "20000101", ACTOR)
        for _ in range(26):
            clock.advance(1700)
            await store.authenticate(busy)
        assert await store.authenticate(busy) is None  # more than 12 hours after sign-in

    async def test_signing_out_is_seen_by_another_process_within_two_seconds(
        self, db_engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Two stores on one database stand for two gateway processes: the one that signs out forgets the
        session at once, the other when its two seconds of remembering are over."""
        clock = MovableClock()
        here, there = _store(db_engine, clock), _store(db_engine, clock)
        value = await here.create("200001011", "20000101", ACTOR)
        assert await here.authenticate(value) is not None
        assert await there.authenticate(value) is not None
        await here.revoke(value, ACTOR)
        assert await here.authenticate(value) is None
        clock.advance(REMEMBER_SECONDS + 0.1)
        assert await there.authenticate(value) is None

    async def test_the_sweep_removes_ended_sessions_and_old_drafts(self, db_engine: AsyncEngine) -> None:
        clock = MovableClock()
        store = _store(db_engine, clock)
        live = await store.create("200001011", "20000101", ACTOR)
        ended = await store.create("200001012", "20000101", ACTOR)
        await store.save_draft(ended, "sj-old-age-pension", "200001011", {"ifsc": "SBIN0001234"})
        await store.revoke(ended, ACTOR)
        assert await store.sweep() == 1
        async with db_engine.connect() as conn:
            left = (await conn.execute(select(func.count()).select_from(WebSession.__table__))).scalar_one()  # type: ignore[attr-defined]
        assert left == 1 and await store.authenticate(live) is not None
        assert await store.draft(ended, "sj-old-age-pension", "200001011") is None


class TestDrafts:
    async def test_a_draft_keeps_its_key_until_it_is_filed(self, db_engine: AsyncEngine) -> None:
        """Changing answers keeps the idempotency key (one application); once filed, a new draft gets a
        new key (a second application of the same kind is a new application)."""
        store = _store(db_engine, MovableClock())
        value = await store.create("200001011", "20000101", ACTOR)
        first = await store.save_draft(value, "sj-old-age-pension", "200001011", {"ifsc": "A"})
        changed = await store.save_draft(value, "sj-old-age-pension", "200001011", {"ifsc": "B"})
        assert changed.idempotency_key == first.idempotency_key
        assert (await store.draft(value, "sj-old-age-pension", "200001011")).form == {"ifsc": "B"}  # type: ignore[union-attr]
        await store.filed(value, "sj-old-age-pension", "200001011", "2612000000011")
        assert (await store.draft(value, "sj-old-age-pension", "200001011")).reference == "2612000000011"  # type: ignore[union-attr]
        again = await store.save_draft(value, "sj-old-age-pension", "200001011", {"ifsc": "C"})
        assert again.idempotency_key != first.idempotency_key and again.reference is None

    async def test_drafts_belong_to_their_session(self, db_engine: AsyncEngine) -> None:
        store = _store(db_engine, MovableClock())
        mine = await store.create("200001011", "20000101", ACTOR)
        other = await store.create("200001012", "20000101", ACTOR)
        await store.save_draft(mine, "sj-old-age-pension", "200001011", {"ifsc": "A"})
        assert await store.draft(other, "sj-old-age-pension", "200001011") is None
