"""Reads of personal data commit their audit entries together (group commit), and never answer before
their own entry is committed: concurrent reads each find their entry in the database when their answer
arrives, a batch that fails fails every read in it, and a read alone is written at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail, TrailUnavailable
from gateway.audit.sealer import AuditSealer
from gateway.identity.keys import KeyRing
from gateway.identity.tokens import TokenService
from gateway.platform.principal import Principal
from tests.conftest import InProcessServer, LiveServer
from tests.identity.support import add_family

ACTOR = Actor(subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test")
LIMITS = {"SEVA_API_PER_MINUTE": "100000"}
REFUSED = "member:400000031"  # the entry the database is made to refuse


async def _refuse_one_target(engine: AsyncEngine) -> None:
    """A trigger that makes the database itself refuse any entry about ``REFUSED``: a commit that fails
    for real, not a stand-in for the database."""
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(
                text(
                    "CREATE FUNCTION test_refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF NEW.target = '{REFUSED}' THEN RAISE EXCEPTION 'refused for the test'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER test_refuse_entry BEFORE INSERT ON audit_entry FOR EACH ROW "
                    "EXECUTE FUNCTION test_refuse_entry()"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE TRIGGER test_refuse_entry BEFORE INSERT ON audit_entry "
                    f"WHEN NEW.target = '{REFUSED}' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
                )
            )


async def _entries(engine: AsyncEngine, where: str, **values: str) -> int:
    async with engine.connect() as conn:
        found = await conn.execute(text(f"SELECT COUNT(*) FROM audit_entry WHERE {where}"), values)  # noqa: S608
        return int(found.scalar_one())


def _citizen(keys: Path, member_id: str, family_id: str) -> dict[str, str]:
    """A citizen's bearer header, signed with the key the server made in its data folder."""
    tokens = TokenService(KeyRing.open(keys), issuer="seva", audience="seva-api", lifetime=900)
    return {"authorization": f"Bearer {tokens.issue(Principal.citizen(member_id, family_id)).token}"}


async def test_concurrent_reads_each_find_their_entry_committed_when_answered(
    engine: AsyncEngine, db_url: str, tmp_path: Path, server_factory: Callable[..., LiveServer]
) -> None:
    """Fifty reads at once to a real server while the trail is locked against writes: none is answered
    until the lock goes; then the moment each answer arrives, its own entry (found by its request ID) is
    already committed."""
    await add_family(engine, "40000001", [("400000011", None, "head"), ("400000012", None, "spouse")])
    server = server_factory({"SEVA_DATABASE_URL": db_url, **LIMITS})
    auth = _citizen(tmp_path / "data" / "keys", "400000011", "40000001")
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=server.url, headers=auth, limits=limits, timeout=60) as client:
        assert (await client.get("/api/v1/members/400000011")).status_code == 200

        async def read(n: int) -> tuple[int, int]:
            path = f"/api/v1/members/{'400000011' if n % 2 else '400000012'}"
            answer = await client.get(path, headers={"x-request-id": f"group-commit-{n}"})
            # Counted as soon as the answer is in: its entry was committed before it was sent.
            return answer.status_code, await _entries(engine, "request_id = :r", r=f"group-commit-{n}")

        async with engine.connect() as lock:
            # Writes to the trail wait behind this transaction; reads of the registry do not.
            if engine.dialect.name == "postgresql":
                await lock.begin()
                await lock.execute(text("LOCK TABLE audit_entry IN SHARE MODE"))
            else:
                await lock.exec_driver_sql("BEGIN IMMEDIATE")
            reads = [asyncio.create_task(read(n)) for n in range(50)]
            answered, _ = await asyncio.wait(reads, timeout=0.4)
            assert not answered, "answered before its audit entry could be committed"
            await lock.rollback()
        seen = await asyncio.gather(*reads)
    assert seen == [(200, 1)] * 50
    await AuditSealer(engine).seal_all()
    assert (await AuditTrail(engine).verify()).ok


async def test_a_batch_that_fails_fails_every_read_in_it(engine: AsyncEngine) -> None:
    """Entries waiting together are committed together: when the database refuses one, none is written
    and every caller in the batch gets ``TrailUnavailable``; the next batch is written as usual."""
    await _refuse_one_target(engine)
    trail = AuditTrail(engine, writers=1)
    targets = [f"member:40000001{n}" for n in range(9)] + [REFUSED]
    outcomes = await asyncio.gather(
        *(trail.record(ACTOR, "member.read", target) for target in targets), return_exceptions=True
    )
    assert all(isinstance(outcome, TrailUnavailable) for outcome in outcomes), outcomes
    assert await _entries(engine, "1 = 1") == 0
    await asyncio.gather(*(trail.record(ACTOR, "member.read", target) for target in targets[:9]))
    assert await _entries(engine, "1 = 1") == 9


async def test_a_read_whose_entry_is_refused_gets_a_problem_and_no_data(
    engine: AsyncEngine, db_url: str, app_factory: Callable[..., InProcessServer]
) -> None:
    """Over HTTP a read whose entry cannot be committed is answered 503 with a problem document (English
    and Hindi), and nothing of the member; the family's other member is read as usual."""
    (refused, other) = await add_family(
        engine, "40000003", [(REFUSED.split(":")[1], None, "head"), ("400000032", None, "spouse")]
    )
    await _refuse_one_target(engine)
    server = app_factory({"SEVA_DATABASE_URL": db_url, **LIMITS})
    async with server.async_client() as client:
        auth = _citizen(server.seva.platform.settings.keys_path, refused.member_id, refused.family_id)
        answer = await client.get(f"/api/v1/members/{refused.member_id}", headers=auth)
        fine = await client.get(f"/api/v1/members/{other.member_id}", headers=auth)
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "unavailable" and "audit" in problem["detail"]
    assert not {"name_en", "date_of_birth", "family_id"} & set(problem)
    assert fine.status_code == 200 and fine.json()["member_id"] == other.member_id


@pytest.mark.parametrize("writers", [1, 4])
async def test_a_read_alone_is_written_at_once(engine: AsyncEngine, writers: int) -> None:
    """A lone entry is handed to the database as soon as its writer runs, in a batch of its own: no timer
    holds it back for company. Twenty reads in turn each return with their entry committed."""
    trail = AuditTrail(engine, writers=writers)
    for n in range(20):
        recording = asyncio.create_task(trail.record(ACTOR, "member.read", f"member:{n}"))
        await asyncio.sleep(0)  # the record queues its entry and starts a writer
        await asyncio.sleep(0)  # the writer takes what is waiting: this entry alone
        assert trail._waiting == [] and not recording.done()
        await recording
        assert await _entries(engine, "target = :t", t=f"member:{n}") == 1
