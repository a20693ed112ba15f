"""Hot-path reads in as few hops as the driver allows: SQLAlchemy Core statements, compiled once, run on
the driver underneath the engine.

Through SQLAlchemy's async engine on aiosqlite a single SELECT costs six or so round trips between the
event loop and the connection's thread (cursor, execute, fetch, close, reset on return), each a wake-up of
two threads under one GIL; at 64 requests at once the loop spent most of its time waiting on them. Here a
SQLite read is one job on a small pool of threads, each holding plain ``sqlite3`` connections in
autocommit (a single SELECT is its own consistent snapshot under WAL): one hop there and one back. On
PostgreSQL the statement goes to the asyncpg connection under the engine's pool, as a prepared statement
the driver caches, without SQLAlchemy's result machinery.

With ``grouped``, the SELECTs of concurrent callers on SQLite go to the threads together: while
``_IN_FLIGHT`` jobs of this ``Reads`` are out, what callers ask waits and leaves as one job when one comes
back (as the submissions' writes share a transaction, ``gateway/applications/writer.py``). Every hop
costs both threads a wake-up and the event loop a callback; 32 submissions at once made 32 of them.

Rows come back as plain tuples in the statement's column order, converted as SQLAlchemy would (dates and
booleans stored as text and integers in SQLite); ``keys`` names the columns. The registry and the
applications read through this; writes stay with the engine.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

__all__ = ["Reads", "Statement", "driver_connection", "write_connection", "write_executor"]

# Threads of SQLite reads in this process, shared by every engine: sqlite3 lets the GIL go while a
# statement runs, and more threads than cores only queue on the GIL.
_THREADS = 3
# Jobs of one grouped ``Reads`` out on the threads at once; callers meanwhile wait to go together.
_IN_FLIGHT = 2
# Files a thread keeps a connection to (a test run opens many databases; a server one).
_KEPT_PER_THREAD = 8
_pool: ThreadPoolExecutor | None = None
_write_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="seva-read")
        return _pool


def write_executor() -> ThreadPoolExecutor:
    """The process's one thread for SQLite writes (these inserts, and ``gateway.transactions``): a write may
    wait for SQLite's one write lock (the sealer's round) and must not hold a reader's thread while it
    does, and the process's writes taking turns on one thread never contend for that lock among
    themselves."""
    global _write_pool
    with _pool_lock:
        if _write_pool is None:
            _write_pool = ThreadPoolExecutor(1, thread_name_prefix="seva-write")
        return _write_pool


def _connection(path: str, writable: bool = False) -> sqlite3.Connection:
    kept: OrderedDict[tuple[str, bool], sqlite3.Connection] | None = getattr(_local, "kept", None)
    if kept is None:
        kept = _local.kept = OrderedDict()
    conn = kept.get((path, writable))
    if conn is not None:
        kept.move_to_end((path, writable))
        return conn
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # The engine's own connections are WAL with synchronous=NORMAL (gateway/database.py): so are the
    # writer's, or its commits would each wait for a sync the engine's do not.
    conn.execute("PRAGMA synchronous=NORMAL" if writable else "PRAGMA query_only=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    kept[(path, writable)] = conn
    while len(kept) > _KEPT_PER_THREAD:
        kept.popitem(last=False)[1].close()
    return conn


def write_connection(path: str) -> sqlite3.Connection:
    """The writing thread's plain ``sqlite3`` connection to the file at ``path`` (autocommit, seva's
    pragmas); only for jobs running on ``write_executor``."""
    return _connection(path, writable=True)


Convert = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Statement:
    """A SELECT compiled for one dialect: its SQL, the order of its parameters, its columns' names and
    converters."""

    sql: str
    params: tuple[str, ...]
    keys: tuple[str, ...]
    converters: tuple[Convert, ...]
    fixed: Mapping[str, Any]  # values bound in the statement itself (literals compared with)

    def arguments(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(values[name] if name in values else self.fixed[name] for name in self.params)

    def convert(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        converting = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        if not converting:
            return [tuple(row) for row in rows]
        # Only the columns that have a converter (a few of the applicant's forty), not every column
        converted = []
        for row in rows:
            values = list(row)
            for i, convert in converting:
                values[i] = convert(values[i])
            converted.append(tuple(values))
        return converted


def _is_server_error(exc: BaseException) -> bool:
    import asyncpg  # only ever reached on PostgreSQL

    return isinstance(exc, asyncpg.PostgresError)


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The asyncpg connection under one of the engine's pooled connections, for statements the caller
    runs on it (and transactions it opens and ends there), given back to the pool afterwards."""
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    except BaseException as exc:
        # A broken or cancelled connection must not go back to the pool (invalidating checks it in
        # closed); a statement the server refused leaves it sound (and its transaction rolled back).
        if not _is_server_error(exc):
            await greenlet_spawn(pooled.invalidate, exc if isinstance(exc, Exception) else None)
            raise
        await greenlet_spawn(pooled.close)
        raise
    await greenlet_spawn(pooled.close)


class Reads:
    """Run compiled SELECTs of one engine's database. ``compile`` once (at import or construction), then
    ``all`` or ``several`` per request."""

    def __init__(self, engine: AsyncEngine, *, grouped: bool = False) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._path = engine.url.database or ""
        # An in-memory database is private to the engine's own connection: read it through the engine.
        self._sqlite = self.dialect.name == "sqlite" and self._path not in ("", ":memory:")
        self._postgres = self.dialect.name == "postgresql"
        self._compiled: dict[int, tuple[Select[Any], Statement]] = {}
        self._grouped = grouped and self._sqlite
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight = 0
        self._queued: list[
            tuple[list[tuple[Statement, Mapping[str, Any]]], asyncio.Future[list[list[Any]]]]
        ] = []

    def compile(self, select: Select[Any]) -> Statement:
        found = self._compiled.get(id(select))
        if found is not None:
            return found[1]
        compiled = select.compile(dialect=self.dialect)
        positions = compiled.positiontup or []
        # asyncpg decodes dates, booleans and numbers itself; SQLite keeps them as text and integers, which
        # SQLAlchemy's own converters turn back into what the columns declare.
        converters = tuple(
            None if self._postgres else column.type._cached_result_processor(self.dialect, None)
            for column in select.selected_columns
        )
        statement = Statement(
            sql=str(compiled),
            params=tuple(positions),
            keys=tuple(select.selected_columns.keys()),
            converters=converters,
            fixed=compiled.params,
        )
        self._compiled[id(select)] = (select, statement)  # kept with it, so the id stays this select's
        return statement

    async def all(self, select: Select[Any], values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        (rows,) = await self.several([(select, values)])
        return rows

    async def several(
        self, queries: Sequence[tuple[Select[Any], Mapping[str, Any]]]
    ) -> list[list[tuple[Any, ...]]]:
        """Several SELECTs in one hop to the database's thread (SQLite) or on one connection."""
        statements = [(self.compile(select), statement_values) for select, statement_values in queries]
        if self._grouped:
            raw = await self._together(statements)
        elif self._sqlite:
            loop = asyncio.get_running_loop()
            raw = await loop.run_in_executor(_executor(), self._run_sqlite, statements)
        elif self._postgres:
            raw = await self._run_postgres(statements)
        else:
            raw = await self._run_engine(statements)
        return [statement.convert(rows) for (statement, _), rows in zip(statements, raw, strict=True)]

    def _together(
        self, statements: list[tuple[Statement, Mapping[str, Any]]]
    ) -> asyncio.Future[list[list[Any]]]:
        """``statements``' rows, read in one job with those of the callers waiting beside it."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): nothing of the last one is out
            self._loop, self._in_flight, self._queued = loop, 0, []
        done: asyncio.Future[list[list[Any]]] = loop.create_future()
        self._queued.append((statements, done))
        self._send(loop)
        return done

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._queued or self._in_flight >= _IN_FLIGHT:
            return
        batch, self._queued = self._queued, []
        try:
            job = loop.run_in_executor(
                _executor(), self._run_sqlite_many, [statements for statements, _ in batch]
            )
        except Exception as exc:  # the threads are gone (the process is ending): every caller learns it
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        self._in_flight += 1
        job.add_done_callback(lambda finished: self._settle(loop, batch, finished))

    def _settle(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[tuple[Any, asyncio.Future[list[list[Any]]]]],
        job: asyncio.Future[list[Any]],
    ) -> None:
        if loop is self._loop:
            self._in_flight -= 1
        failed = job.exception() if not job.cancelled() else asyncio.CancelledError()
        results = job.result() if failed is None else [failed] * len(batch)
        for (_, done), result in zip(batch, results, strict=True):
            if done.done():  # the caller went away
                continue
            if isinstance(result, BaseException):
                done.set_exception(result)
            else:
                done.set_result(result)
        if loop is self._loop:
            self._send(loop)

    def _run_sqlite_many(self, requests: list[list[tuple[Statement, Mapping[str, Any]]]]) -> list[Any]:
        """Each caller's statements, and each caller's own error if its statements fail."""
        results: list[Any] = []
        for statements in requests:
            try:
                results.append(self._run_sqlite(statements))
            except Exception as exc:
                results.append(exc)
        return results

    @property
    def direct(self) -> bool:
        """Whether this database is reached on the driver itself (a SQLite file, or PostgreSQL)."""
        return self._sqlite or self._postgres

    async def insert(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` in one statement, committed before this returns (only when ``direct``); the
        statement is atomic on its own, so it needs no transaction around it. SQLite: ``sql`` takes the
        rows as one parameter, a JSON array of arrays (an ``INSERT ... SELECT ... FROM json_each(?)``), run
        in one job on the writing thread: one step of SQLite's however many rows. PostgreSQL: ``sql`` is
        given the rows column by column (``$1`` the first column's values, and so on: an ``INSERT ...
        SELECT * FROM unnest(...)``), in one round trip."""
        if self._sqlite:
            loop = asyncio.get_running_loop()
            payload = msgspec.json.encode(rows).decode()
            await loop.run_in_executor(write_executor(), self._insert_sqlite, sql, payload)
            return
        arguments = [list(column) for column in zip(*rows, strict=True)]
        async with driver_connection(self.engine) as driver:
            await driver.execute(sql, *arguments)

    def _insert_sqlite(self, sql: str, payload: str) -> None:
        # In autocommit, one statement is its own transaction: it takes the write lock (waiting for it as
        # BEGIN IMMEDIATE would, with a fresh snapshot) and commits, or changes nothing.
        _connection(self._path, writable=True).execute(sql, (payload,))

    def _run_sqlite(self, statements: list[tuple[Statement, Mapping[str, Any]]]) -> list[list[Any]]:
        conn = _connection(self._path)
        return [conn.execute(s.sql, s.arguments(v)).fetchall() for s, v in statements]

    async def _run_postgres(self, statements: list[tuple[Statement, Mapping[str, Any]]]) -> list[list[Any]]:
        # The pool's connection itself: engine.connect() would add SQLAlchemy's Connection around it.
        pooled = await self.engine.raw_connection()
        try:
            driver: Any = pooled.driver_connection
            return [await driver.fetch(s.sql, *s.arguments(v)) for s, v in statements]
        finally:
            # Returning it may close it (an asyncpg close awaits): SQLAlchemy's pool must run in its greenlet.
            await greenlet_spawn(pooled.close)

    async def _run_engine(self, statements: list[tuple[Statement, Mapping[str, Any]]]) -> list[list[Any]]:
        async with self.engine.connect() as conn:
            return [list((await conn.exec_driver_sql(s.sql, s.arguments(v))).all()) for s, v in statements]
