"""The sealer: entries chained in the order they were written, in batches; never twice, whatever runs
beside it; nothing lost or doubled when a sealer is killed in the middle of a batch."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.audit.sealer import AuditSealer, HeadFile, read_published
from gateway.database import create_engine
from gateway.transactions import Transactions
from tests.conftest import DATABASES, ROOT

ACTOR = Actor(subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test")


async def _append(trail: AuditTrail, targets: list[str]) -> None:
    """One transaction per entry, as separate actions would write them."""
    for target in targets:
        async with trail.engine.begin() as conn:
            await trail.append(conn, ACTOR, "family.updated", target)


async def _sealed(engine: AsyncEngine) -> list[tuple[int, int, str]]:
    async with engine.connect() as conn:
        found = await conn.execute(text("SELECT id, seq, target FROM audit_entry ORDER BY seq"))
        return [tuple(row) for row in found.all()]  # type: ignore[misc]


async def test_entries_are_chained_in_the_order_they_were_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Seven entries sealed three at a time: numbered in the order written, one head published a round."""
    trail = AuditTrail(engine)
    targets = [f"family:1000000{n}" for n in range(7)]
    await _append(trail, targets)
    heads = HeadFile(tmp_path / "heads.jsonl")
    sealer = AuditSealer(engine, batch=3, heads=heads)
    assert await sealer.seal_once() == 3
    assert await sealer.seal_all() == 4
    rows = await _sealed(engine)
    assert [seq for _, seq, _ in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [target for _, _, target in rows] == targets
    assert [row_id for row_id, _, _ in rows] == sorted(row_id for row_id, _, _ in rows)
    published = read_published(heads.path)
    assert sorted(published) == [3, 6, 7] and published[7] == (await trail.head())[1]
    assert (await trail.verify(published=published)).ok
    assert await sealer.seal_once() == 0  # nothing left: no round, no head


async def test_rounds_beside_write_transactions_seal_every_entry_once(engine: AsyncEngine) -> None:
    """Rounds sealing while sixty write transactions append (on SQLite both are jobs of the one writing
    thread, ``gateway.transactions``): every entry sealed exactly once, in the order written, one chain."""
    trail = AuditTrail(engine)
    transactions = Transactions(engine)
    sealer = AuditSealer(engine, batch=7)
    targets = [f"family:{10000000 + n}" for n in range(60)]

    async def write(target: str) -> None:
        await transactions.run(lambda conn: trail.append(conn, ACTOR, "family.updated", target))

    async def seal() -> None:
        for _ in range(12):
            await sealer.seal_once()

    await asyncio.gather(*(write(target) for target in targets), seal())
    await sealer.seal_all()
    rows = await _sealed(engine)
    assert [seq for _, seq, _ in rows] == list(range(1, 61))
    assert sorted(target for _, _, target in rows) == targets
    assert [row_id for row_id, _, _ in rows] == sorted(row_id for row_id, _, _ in rows)
    assert (await trail.verify()).ok


# The advisory lock is PostgreSQL's (SQLite has none): this test is made only for PostgreSQL, and only when
# one is configured, as every other PostgreSQL variant is.
_POSTGRES = [param for param in DATABASES if param.id == "postgres"]
if _POSTGRES:

    @pytest.mark.parametrize("db_url", _POSTGRES, indirect=True)
    async def test_a_second_sealer_on_postgresql_leaves_a_held_batch_alone(
        db_url: str, engine: AsyncEngine
    ) -> None:
        """While one sealer holds a batch open, another finds the lock taken and chains nothing; told to
        wait, it chains only what the first left."""
        trail = AuditTrail(engine)
        await _append(trail, [f"member:{n}" for n in range(5)])
        holding, release = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            holding.set()
            await release.wait()

        first = AuditSealer(engine, batch=3)
        first.before_commit = hold
        other_engine = create_engine(db_url)
        try:
            second = AuditSealer(other_engine, batch=100)
            held = asyncio.create_task(first.seal_once())
            await holding.wait()
            assert await second.seal_once() == 0
            waiting = asyncio.create_task(second.seal_once(wait=True))
            release.set()
            assert await held == 3 and await waiting == 2
        finally:
            await other_engine.dispose()
        assert [seq for _, seq, _ in await _sealed(engine)] == [1, 2, 3, 4, 5]
        assert (await trail.verify()).ok


_BUSY = """
import asyncio, sys
from gateway.audit import Actor, AuditTrail
from gateway.audit.sealer import AuditSealer
from gateway.database import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    trail, sealer = AuditTrail(engine), AuditSealer(engine, batch=7)
    actor = Actor.system(sys.argv[2], "load")
    done = asyncio.Event()

    async def append():
        for n in range(60):
            async with engine.begin() as conn:
                await trail.append(conn, actor, "x", str(n))
        done.set()

    async def seal():
        while not done.is_set():
            await sealer.seal_once()
            await asyncio.sleep(0)
        await sealer.seal_all()

    await asyncio.gather(append(), seal())
    await engine.dispose()

asyncio.run(main())
"""


async def test_sealers_in_three_processes_never_chain_twice(db_url: str, engine: AsyncEngine) -> None:
    """Three processes each appending and sealing at once leave every entry sealed exactly once, in one
    unbroken chain (the database would refuse a second sealing; the lock keeps them from trying)."""
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", _BUSY, db_url, f"p{n}", cwd=ROOT)
        for n in range(3)
    ]
    assert [await asyncio.wait_for(p.wait(), 180) for p in processes] == [0, 0, 0]
    trail = AuditTrail(engine)
    assert await trail.count() == (180, 0)
    rows = await _sealed(engine)
    assert [seq for _, seq, _ in rows] == list(range(1, 181))
    assert len({row_id for row_id, _, _ in rows}) == 180
    verdict = await trail.verify()
    assert verdict.ok and verdict.entries == 180


_HOLDING = """
import asyncio, sys
from pathlib import Path
from gateway.audit.sealer import AuditSealer, HeadFile
from gateway.database import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    sealer = AuditSealer(engine, batch=20, heads=HeadFile(Path(sys.argv[2])))

    async def hold():
        print("holding", flush=True)
        await asyncio.Event().wait()

    sealer.before_commit = hold
    await sealer.seal_once()

asyncio.run(main())
"""


async def test_a_sealer_killed_mid_batch_loses_and_doubles_nothing(
    db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    """kill -9 of a sealer holding a batch chained and not committed: the restart chains all 30 exactly
    once, and only heads that were committed were ever published."""
    trail = AuditTrail(engine)
    await _append(trail, [f"family:{10000000 + n}" for n in range(30)])
    heads = tmp_path / "heads.jsonl"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDING, db_url, str(heads), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 60) == b"holding\n"
    os.kill(process.pid, signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGKILL
    assert not heads.exists()
    assert await trail.count() == (0, 30)
    restarted = AuditSealer(engine, batch=20, heads=HeadFile(heads))
    assert await asyncio.wait_for(restarted.seal_all(wait=True), 60) == 30
    rows = await _sealed(engine)
    assert [seq for _, seq, _ in rows] == list(range(1, 31))
    assert [target for _, _, target in rows] == [f"family:{10000000 + n}" for n in range(30)]
    published = read_published(heads)
    assert sorted(published) == [20, 30]
    assert (await trail.verify(published=published)).ok


@pytest.mark.parametrize("db_url", [param for param in DATABASES if param.id == "sqlite"], indirect=True)
async def test_a_sqlite_round_seals_its_entries_in_order_in_one_statement(db_url: str) -> None:
    """On a SQLite file one ``UPDATE ... FROM json_each`` seals the batch: SQLite walks the array (the
    numbers' order) and finds each entry by its rowid, so entries are sealed in order, as the trigger
    that refuses any other sealing requires."""
    from gateway.audit.sealer import _SQLITE_SEAL

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            plan = (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {_SQLITE_SEAL}", ("[]",))).all()
    finally:
        await engine.dispose()
    steps = [str(row[3]) for row in plan]
    assert steps[0].startswith("SCAN s VIRTUAL TABLE"), steps
    assert steps[1].startswith("SEARCH audit_entry USING INTEGER PRIMARY KEY"), steps


async def test_reads_recorded_while_the_sealer_runs_are_committed_and_chained_as_written(
    engine: AsyncEngine,
) -> None:
    """Reads recorded at once while a sealer seals beside them (on SQLite, both on the one writing
    thread): each entry is committed when its read returns, every entry is sealed once in the order it
    was written, and text that JSON must escape is hashed as stored (verify recomputes the same)."""
    trail = AuditTrail(engine)
    sealer = AuditSealer(engine, batch=40)
    odd = 'quote " backslash \\ newline \n tab \t हिंदी ✓'
    seen: list[int] = []

    async def read(n: int) -> None:
        await trail.record(ACTOR, "member.read", f"member:{n}", {"n": n, "text": odd})
        async with engine.connect() as conn:
            found = await conn.execute(
                text("SELECT count(*) FROM audit_entry WHERE target = :t"), {"t": f"member:{n}"}
            )
            seen.append(found.scalar_one())

    stop = asyncio.Event()
    sealing = asyncio.create_task(sealer.run(stop))
    try:
        for start in range(0, 200, 50):
            await asyncio.gather(*(read(n) for n in range(start, start + 50)))
            await sealer.seal_once(wait=True)
    finally:
        stop.set()
        await sealing
    assert seen == [1] * 200
    assert await sealer.seal_all() == 0
    assert await trail.count() == (200, 0)
    rows = await _sealed(engine)
    assert [seq for _, seq, _ in rows] == list(range(1, 201))
    assert [row_id for row_id, _, _ in rows] == sorted(row_id for row_id, _, _ in rows)
    assert sorted(target for _, _, target in rows) == sorted(f"member:{n}" for n in range(200))
    verdict = await trail.verify()
    assert verdict.ok and verdict.entries == 200
    async with engine.connect() as conn:
        details = await conn.execute(text("SELECT details FROM audit_entry ORDER BY seq"))
        assert {json.loads(found)["text"] for found in details.scalars()} == {odd}
