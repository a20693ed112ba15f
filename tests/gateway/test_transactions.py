"""Write transactions in one hop: committed when the body returns, rolled back when it raises."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.database import is_postgres
from gateway.transactions import Suspended, Transactions


async def _table(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE hop (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        await conn.execute(text("INSERT INTO hop (id, n) VALUES (1, 0)"))


async def _n(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT n FROM hop WHERE id = 1"))).scalar_one())


async def _add(conn: AsyncConnection, by: int) -> int:
    changed = await conn.execute(text("UPDATE hop SET n = n + :by WHERE id = 1"), {"by": by})
    assert changed.rowcount == 1
    return int((await conn.execute(text("SELECT n FROM hop WHERE id = 1"))).scalar_one())


async def _half(conn: AsyncConnection) -> None:
    await _add(conn, 7)
    raise LookupError("stop here")


async def test_a_body_is_committed_and_its_value_returned(db_engine: AsyncEngine) -> None:
    await _table(db_engine)
    transactions = Transactions(db_engine)
    assert await transactions.run(lambda conn: _add(conn, 2)) == 2
    assert await transactions.run(lambda conn: _add(conn, 3)) == 5  # it saw the first one's commit
    assert await _n(db_engine) == 5  # and so does the engine's own connection


async def test_a_body_that_raises_is_rolled_back(db_engine: AsyncEngine) -> None:
    await _table(db_engine)
    transactions = Transactions(db_engine)

    with pytest.raises(LookupError):
        await transactions.run(_half)
    assert await _n(db_engine) == 0


async def test_many_bodies_at_once_all_count(db_engine: AsyncEngine) -> None:
    """Concurrent transactions queue on the writing thread; none is lost or applied twice."""
    await _table(db_engine)
    transactions = Transactions(db_engine)
    await asyncio.gather(*(transactions.run(lambda conn: _add(conn, 1)) for _ in range(50)))
    assert await _n(db_engine) == 50


async def test_a_body_that_awaits_something_else_is_refused_on_sqlite(db_engine: AsyncEngine) -> None:
    """In one hop a body may await only its statements; one that waits on the loop is rolled back and
    refused rather than run half on the writing thread. Through the engine (PostgreSQL) it just runs."""
    await _table(db_engine)
    transactions = Transactions(db_engine)

    async def waits(conn: AsyncConnection) -> int:
        await _add(conn, 1)
        await asyncio.sleep(0)
        return await _add(conn, 1)

    if is_postgres(db_engine):
        assert await transactions.run(waits) == 2
        return
    with pytest.raises(Suspended):
        await transactions.run(waits)
    assert await _n(db_engine) == 0


async def test_the_kept_connection_serves_after_a_rollback_and_after_the_driver_lost_it(
    db_engine: AsyncEngine,
) -> None:
    """On SQLite the writing thread keeps its connection between transactions: a body rolled back leaves
    nothing open on it, and a connection the driver gave up (invalidated) is replaced by a new one."""
    await _table(db_engine)
    transactions = Transactions(db_engine)

    with pytest.raises(LookupError):
        await transactions.run(_half)
    assert await transactions.run(lambda conn: _add(conn, 1)) == 1

    async def lose(conn: AsyncConnection) -> None:
        await _add(conn, 5)
        conn.sync_connection.invalidate()  # type: ignore[union-attr]  # as the driver does on a lost connection
        raise ConnectionError("lost")

    with pytest.raises(ConnectionError):
        await transactions.run(lose)
    assert await transactions.run(lambda conn: _add(conn, 1)) == 2
    assert await _n(db_engine) == 2
