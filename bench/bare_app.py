"""The baselines of bench/http_load.py: bare Litestar on the same server as seva, with nothing of seva's.

- ``GET /hello``: a msgspec struct, the ceiling of the HTTP stack;
- ``GET /members/{id}`` and ``GET /families/{id}``: the same rows seva reads, on the raw driver (a few
  aiosqlite connections, or an asyncpg pool), as JSON. No policy, no audit, no masking.

The database comes from ``BARE_DATABASE_URL`` (seva's URL form: ``sqlite+aiosqlite:///file`` or
``postgresql+asyncpg://...?search_path=schema``); without it, only ``/hello`` answers.

    granian --interface asgi --factory bench.bare_app:create_app   (or uvicorn ... --factory)
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar, get
from litestar.exceptions import NotFoundException

__all__ = ["create_app"]

MEMBER = "SELECT * FROM members WHERE member_id = {}"
APPLICATION = "SELECT * FROM applications WHERE reference = {}"
EVENTS = "SELECT * FROM application_events WHERE reference = {} ORDER BY id"
FAMILY = "SELECT * FROM families f JOIN members m ON m.family_id = f.family_id WHERE f.family_id = {}"


class Hello(msgspec.Struct):
    message: str


Fetch = Callable[[str, str], Awaitable[list[dict[str, Any]]]]


@asynccontextmanager
async def _sqlite(path: str, connections: int = 5) -> AsyncIterator[Fetch]:
    import aiosqlite

    pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
    opened = [await aiosqlite.connect(path) for _ in range(connections)]
    for conn in opened:
        conn.row_factory = aiosqlite.Row
        pool.put_nowait(conn)

    async def fetch(sql: str, key: str) -> list[dict[str, Any]]:
        conn = await pool.get()
        try:
            async with conn.execute(sql.format("?"), (key,)) as cursor:
                return [dict(row) for row in await cursor.fetchall()]
        finally:
            pool.put_nowait(conn)

    try:
        yield fetch
    finally:
        for conn in opened:
            await conn.close()


@asynccontextmanager
async def _postgres(url: str, connections: int = 10) -> AsyncIterator[Fetch]:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    schema = parsed.query.get("search_path")
    plain = parsed.difference_update_query(["search_path"]).set(drivername="postgresql")
    settings = {"search_path": str(schema)} if schema else {}
    pool = await asyncpg.create_pool(
        plain.render_as_string(hide_password=False),
        min_size=connections,
        max_size=connections,
        server_settings=settings,
    )

    async def fetch(sql: str, key: str) -> list[dict[str, Any]]:
        return [dict(row) for row in await pool.fetch(sql.format("$1"), key)]

    try:
        yield fetch
    finally:
        await pool.close()


def create_app() -> Litestar:
    url = os.environ.get("BARE_DATABASE_URL", "")
    state: dict[str, Fetch] = {}

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        if not url:
            yield
            return
        opener = _sqlite(url.split("///", 1)[1]) if url.startswith("sqlite") else _postgres(url)
        async with opener as fetch:
            state["fetch"] = fetch
            yield

    @get("/hello", sync_to_thread=False)
    def hello() -> Hello:
        return Hello(message="hello")

    @get("/members/{member_id:str}")
    async def member(member_id: str) -> dict[str, Any]:
        rows = await state["fetch"](MEMBER, member_id)
        if not rows:
            raise NotFoundException()
        return rows[0]

    @get("/families/{family_id:str}")
    async def family(family_id: str) -> list[dict[str, Any]]:
        rows = await state["fetch"](FAMILY, family_id)
        if not rows:
            raise NotFoundException()
        return rows

    @get("/applications/{reference:str}")
    async def application(reference: str) -> dict[str, Any]:
        rows = await state["fetch"](APPLICATION, reference)
        if not rows:
            raise NotFoundException()
        return {**rows[0], "timeline": await state["fetch"](EVENTS, reference)}

    return Litestar([hello, member, family, application], lifespan=[database], logging_config=None)
