"""The audit trail in a real database: appends, the triggers that refuse changes, and verification."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.audit.chain import entry_hash
from tests.audit.tampering import tamper
from tests.conftest import ROOT

ACTOR = Actor(
    subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test", request_id="r1"
)


async def _fill(trail: AuditTrail, count: int) -> None:
    for n in range(count):
        await trail.record(ACTOR, "family.read", f"family:1000000{n % 10}", {"n": n, "मुद्दा": "हिंदी"})


class TestAppend:
    async def test_entries_are_numbered_and_chained(self, engine: AsyncEngine) -> None:
        """Each entry carries the previous entry's hash, and the whole trail verifies."""
        trail = AuditTrail(engine)
        await _fill(trail, 5)
        rows = await trail.entries()
        assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0]["prev_hash"] == "0" * 64
        assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
        verdict = await trail.verify()
        assert (
            verdict.ok
            and verdict.entries == 5
            and verdict.head_seq == 5
            and verdict.head_hash == rows[-1]["hash"]
        )

    async def test_an_append_rolls_back_with_its_transaction(self, engine: AsyncEngine) -> None:
        """An entry written inside a transaction that fails leaves no trace and no gap."""
        trail = AuditTrail(engine)
        await _fill(trail, 1)
        with pytest.raises(RuntimeError):
            async with engine.begin() as conn:
                await trail.append(conn, ACTOR, "family.updated", "family:10000001")
                raise RuntimeError("the change failed")
        await _fill(trail, 1)
        assert [r["seq"] for r in await trail.entries()] == [1, 2]
        assert (await trail.verify()).ok

    async def test_concurrent_appends_are_serialised(self, engine: AsyncEngine) -> None:
        """Forty appends at once get forty consecutive numbers and a valid chain."""
        trail = AuditTrail(engine)
        await asyncio.gather(*(trail.record(ACTOR, "member.read", f"member:{n}") for n in range(40)))
        verdict = await trail.verify()
        assert verdict.ok and verdict.entries == 40

    async def test_appends_from_several_processes_are_serialised(
        self, db_url: str, engine: AsyncEngine
    ) -> None:
        """Three processes appending at the same time leave one unbroken chain with every entry."""
        script = (
            "import asyncio, sys\n"
            "from gateway.audit import Actor, AuditTrail\n"
            "from gateway.database import create_engine\n"
            "async def main():\n"
            "    engine = create_engine(sys.argv[1])\n"
            "    trail = AuditTrail(engine)\n"
            "    actor = Actor.system('p', 'load')\n"
            "    await asyncio.gather(*(trail.record(actor, 'x', str(n)) for n in range(30)))\n"
            "    await engine.dispose()\n"
            "asyncio.run(main())\n"
        )
        processes = [
            await asyncio.create_subprocess_exec(sys.executable, "-c", script, db_url, cwd=ROOT)
            for _ in range(3)
        ]
        assert [await asyncio.wait_for(p.wait(), 120) for p in processes] == [0, 0, 0]
        verdict = await AuditTrail(engine).verify()
        assert verdict.ok and verdict.entries == 90


class TestNobodyCanChangeTheTrail:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_entry SET reason = 'nothing to see' WHERE seq = 2",
            "DELETE FROM audit_entry WHERE seq = 2",
            "DELETE FROM audit_entry",
            "DELETE FROM audit_head",
            "UPDATE audit_head SET seq = seq - 1",
            "UPDATE audit_head SET hash = 'forged'",
            "INSERT INTO audit_entry (seq, at, actor, role, action, target, client_ip, request_id, reason, "
            "details, prev_hash, hash) VALUES (7, '', '', '', '', '', '', '', '', '{}', '', '')",
            "INSERT INTO audit_entry (seq, at, actor, role, action, target, client_ip, request_id, reason, "
            "details, prev_hash, hash) VALUES (2, '', '', '', '', '', '', '', '', '{}', '', '')",
        ],
    )
    async def test_the_database_refuses_edits(self, engine: AsyncEngine, statement: str) -> None:
        """UPDATE and DELETE on the trail, and out-of-order inserts, fail in the database itself."""
        await _fill(AuditTrail(engine), 3)
        with pytest.raises(DBAPIError, match="audit"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))
        assert (await AuditTrail(engine).verify()).ok

    async def test_truncate_is_refused_on_postgresql(self, engine: AsyncEngine) -> None:
        """TRUNCATE, which skips row triggers, is refused too (SQLite has no TRUNCATE)."""
        await _fill(AuditTrail(engine), 2)
        if engine.dialect.name != "postgresql":
            statement = (
                "DELETE FROM audit_entry WHERE 1 = 1"  # SQLite's truncate optimisation is off with triggers
            )
        else:
            statement = "TRUNCATE audit_entry"
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))


class TestVerification:
    async def test_an_edited_entry_is_named(self, engine: AsyncEngine) -> None:
        """A reason changed directly in the database is found at that entry."""
        trail = AuditTrail(engine)
        await _fill(trail, 6)
        await tamper(engine, "UPDATE audit_entry SET reason = 'routine check' WHERE seq = 4")
        verdict = await trail.verify()
        assert not verdict.ok and verdict.first_broken == 4 and "changed" in (verdict.problem or "")

    async def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(self, engine: AsyncEngine) -> None:
        """Recomputing the edited entry's own hash is not enough: the next entry no longer follows it."""
        trail = AuditTrail(engine)
        await _fill(trail, 5)
        rows = {r["seq"]: r for r in await trail.entries()}

        forged = {**rows[2], "target": "family:99999999"}
        recomputed = entry_hash(forged["prev_hash"], forged)
        edit = f"UPDATE audit_entry SET target = 'family:99999999', hash = '{recomputed}' WHERE seq = 2"  # noqa: S608
        await tamper(engine, edit)
        verdict = await trail.verify()
        assert (
            not verdict.ok
            and verdict.first_broken == 3
            and "does not follow entry 2" in (verdict.problem or "")
        )

    async def test_a_deleted_entry_is_named(self, engine: AsyncEngine) -> None:
        """A row removed from the middle is named by its number."""
        trail = AuditTrail(engine)
        await _fill(trail, 6)
        await tamper(engine, "DELETE FROM audit_entry WHERE seq = 3")
        verdict = await trail.verify()
        assert not verdict.ok and verdict.first_broken == 3 and "removed" in (verdict.problem or "")

    async def test_a_deleted_last_entry_is_named(self, engine: AsyncEngine) -> None:
        """Removing the newest entry is found through the head, which still counts it."""
        trail = AuditTrail(engine)
        await _fill(trail, 4)
        await tamper(engine, "DELETE FROM audit_entry WHERE seq = 4")
        verdict = await trail.verify()
        assert not verdict.ok and verdict.first_broken == 4 and "end" in (verdict.problem or "")

    async def test_an_emptied_trail_is_named(self, engine: AsyncEngine) -> None:
        """Removing every entry is found: the head still records them."""
        trail = AuditTrail(engine)
        await _fill(trail, 3)
        await tamper(engine, "DELETE FROM audit_entry")
        verdict = await trail.verify()
        assert not verdict.ok and verdict.first_broken == 1


class TestCommand:
    def _verify(self, db_url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", "audit", "verify"],
            cwd=ROOT,
            env={**os.environ, "SEVA_DATABASE_URL": db_url},
            capture_output=True,
            text=True,
            timeout=60,
        )

    async def test_seva_audit_verify_passes_then_names_the_broken_entry(
        self, db_url: str, engine: AsyncEngine
    ) -> None:
        """The command exits 0 on an intact trail and 1 naming the first broken entry after an edit."""
        await _fill(AuditTrail(engine), 5)
        intact = await asyncio.to_thread(self._verify, db_url)
        await tamper(engine, "UPDATE audit_entry SET actor = 'member:000000000' WHERE seq = 2")
        broken = await asyncio.to_thread(self._verify, db_url)
        assert intact.returncode == 0 and intact.stdout.startswith("OK: 5 entries")
        assert broken.returncode == 1 and "BROKEN at entry 2" in broken.stderr
