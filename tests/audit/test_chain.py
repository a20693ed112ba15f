"""The audit trail in a real database: appends, the triggers that refuse changes, and verification of
every break (with and without heads published outside the database)."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.audit.chain import entry_hash
from gateway.audit.sealer import AuditSealer, HeadFile, read_published
from tests.audit.tampering import rewrite_from, tamper
from tests.conftest import PATIENCE, ROOT

ACTOR = Actor(
    subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test", request_id="r1"
)


async def _fill(trail: AuditTrail, count: int, sealer: AuditSealer | None = None) -> None:
    """``count`` entries, then sealed (by ``sealer`` when given, to publish its heads)."""
    for n in range(count):
        await trail.record(ACTOR, "family.read", f"family:1000000{n % 10}", {"n": n, "मुद्दा": "हिंदी"})
    await (sealer or AuditSealer(trail.engine)).seal_all()


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
        assert await trail.count() == (2, 0)
        assert (await trail.verify()).ok

    async def test_an_entry_is_committed_with_its_action_before_any_sealer(self, engine: AsyncEngine) -> None:
        """The action's row and its entry are visible together at commit, unchained; the sealer chains it."""
        trail = AuditTrail(engine)
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO rate_counter (bucket, \"window\", count, expires_at) VALUES ('x', 1, 1, 0)")
            )
            await trail.append(conn, ACTOR, "family.updated", "family:10000001", {"field": "ward"})
        async with engine.connect() as conn:
            counters = (await conn.execute(text("SELECT COUNT(*) FROM rate_counter"))).scalar_one()
            entry = (await conn.execute(text("SELECT seq, hash, action FROM audit_entry"))).one()
        assert counters == 1 and tuple(entry) == (None, None, "family.updated")
        assert await trail.count() == (0, 1)
        assert await AuditSealer(engine).seal_all() == 1
        assert await trail.count() == (1, 0) and (await trail.verify()).ok

    async def test_concurrent_appends_are_serialised(self, engine: AsyncEngine) -> None:
        """Forty appends at once get forty consecutive numbers and a valid chain."""
        trail = AuditTrail(engine)
        await asyncio.gather(*(trail.record(ACTOR, "member.read", f"member:{n}") for n in range(40)))
        assert await trail.count() == (0, 40)
        await AuditSealer(engine).seal_all()
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
        await AuditSealer(engine).seal_all()
        verdict = await AuditTrail(engine).verify()
        assert verdict.ok and verdict.entries == 90


class TestNobodyCanChangeTheTrail:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_entry SET reason = 'nothing to see' WHERE seq = 2",
            "UPDATE audit_entry SET reason = 'nothing to see' WHERE seq IS NULL",
            "UPDATE audit_entry SET seq = 9, prev_hash = 'x', hash = 'y' WHERE seq IS NULL",
            "UPDATE audit_entry SET seq = 1, prev_hash = 'x', hash = 'y' WHERE seq IS NULL",
            "UPDATE audit_entry SET hash = 'forged' WHERE seq = 3",
            "DELETE FROM audit_entry WHERE seq = 2",
            "DELETE FROM audit_entry WHERE seq IS NULL",
            "DELETE FROM audit_entry",
            "DELETE FROM audit_head",
            "UPDATE audit_head SET seq = seq - 1",
            "UPDATE audit_head SET hash = 'forged'",
            "INSERT INTO audit_entry (seq, at, actor, role, action, target, client_ip, request_id, reason, "
            "details, prev_hash, hash) VALUES (7, '', '', '', '', '', '', '', '', '{}', '', '')",
            "INSERT INTO audit_entry (seq, at, actor, role, action, target, client_ip, request_id, reason, "
            "details, prev_hash, hash) VALUES (2, '', '', '', '', '', '', '', '', '{}', '', '')",
            "INSERT INTO audit_entry (at, actor, role, action, target, client_ip, request_id, reason, "
            "details, prev_hash, hash) VALUES ('', '', '', '', '', '', '', '', '{}', 'x', 'y')",
        ],
    )
    async def test_the_database_refuses_edits(self, engine: AsyncEngine, statement: str) -> None:
        """UPDATE and DELETE on the trail, chained inserts and any change to an entry waiting for the
        sealer but its sealing fail in the database itself."""
        trail = AuditTrail(engine)
        await _fill(trail, 3)
        await trail.record(ACTOR, "family.read", "family:10000009")  # one left for the sealer
        with pytest.raises(DBAPIError, match="audit"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))
        assert await trail.count() == (3, 1)
        await AuditSealer(engine).seal_all()
        assert (await trail.verify()).ok

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

    async def test_every_edited_and_removed_entry_is_named(self, engine: AsyncEngine) -> None:
        """Two edits and a removal are all named, in order, not only the first."""
        trail = AuditTrail(engine)
        await _fill(trail, 9)
        await tamper(
            engine,
            [
                "UPDATE audit_entry SET reason = 'routine' WHERE seq = 2",
                "UPDATE audit_entry SET actor = 'member:000000000' WHERE seq = 5",
                "DELETE FROM audit_entry WHERE seq = 7",
            ],
        )
        verdict = await trail.verify()
        assert [b.seq for b in verdict.breaks] == [2, 5, 7]
        assert ["changed" in b.problem for b in verdict.breaks] == [True, True, False]
        assert "entry 7 removed" in verdict.breaks[2].problem and verdict.first_broken == 2

    async def test_a_reordering_is_named(self, engine: AsyncEngine) -> None:
        """Two entries swapped (their numbers exchanged) break both and the link after them."""
        trail = AuditTrail(engine)
        await _fill(trail, 5)
        await tamper(
            engine,
            [
                "UPDATE audit_entry SET seq = -2 WHERE seq = 2",
                "UPDATE audit_entry SET seq = 2 WHERE seq = 3",
                "UPDATE audit_entry SET seq = 3 WHERE seq = -2",
            ],
        )
        verdict = await trail.verify()
        assert [b.seq for b in verdict.breaks] == [2, 3, 4]
        assert "does not follow entry 3" in verdict.breaks[2].problem

    async def test_a_rewritten_tail_passes_alone_and_fails_against_a_published_head(
        self, engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Entries 4 to 6 rewritten, rechained and the head moved: the chain alone is consistent again, but
        the head the sealer published when it sealed entry 6 names the rewrite."""
        heads = HeadFile(tmp_path / "heads.jsonl")
        trail = AuditTrail(engine)
        await _fill(trail, 6, AuditSealer(engine, heads=heads))
        published = read_published(heads.path)
        await rewrite_from(engine, 4)
        assert (await trail.verify()).ok
        verdict = await trail.verify(published=published)
        assert not verdict.ok and [b.seq for b in verdict.breaks] == [6]
        assert "published" in verdict.breaks[0].problem and verdict.published_checked == 1

    async def test_a_cut_and_rewritten_tail_fails_against_a_published_head(
        self, engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Entries removed from the end and the head moved back to the last one kept: the published head
        beyond the end names it."""
        heads = HeadFile(tmp_path / "heads.jsonl")
        trail = AuditTrail(engine)
        sealer = AuditSealer(engine, heads=heads)
        await _fill(trail, 3, sealer)
        await _fill(trail, 3, sealer)
        published = read_published(heads.path)
        assert sorted(published) == [3, 6]
        await rewrite_from(engine, 5, last=5)
        assert (await trail.verify()).ok
        verdict = await trail.verify(published=published)
        assert [b.seq for b in verdict.breaks] == [6] and "trail ends at 5" in verdict.breaks[0].problem
        assert verdict.published_checked == 1  # the head at 3 still matches


class TestCommand:
    def _verify(self, db_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", "audit", "verify", *args],
            cwd=ROOT,
            env={**os.environ, "SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(data_dir)},
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )

    async def test_seva_audit_verify_passes_then_names_the_broken_entry(
        self, db_url: str, engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """The command exits 0 on an intact trail and 1 naming the first broken entry after an edit."""
        await _fill(AuditTrail(engine), 5)
        intact = await asyncio.to_thread(self._verify, db_url, tmp_path)
        await tamper(engine, "UPDATE audit_entry SET actor = 'member:000000000' WHERE seq = 2")
        broken = await asyncio.to_thread(self._verify, db_url, tmp_path)
        assert intact.returncode == 0 and intact.stdout.startswith("OK: 5 entries")
        assert broken.returncode == 1 and "BROKEN at entry 2" in broken.stderr

    async def test_seva_audit_verify_names_every_break_and_a_rewrite_against_published_heads(
        self, db_url: str, engine: AsyncEngine, tmp_path: Path
    ) -> None:
        """Every break gets its own line; with --published, a rewritten tail the chain cannot see fails."""
        heads = HeadFile(tmp_path / "heads.jsonl")
        await _fill(AuditTrail(engine), 6, AuditSealer(engine, heads=heads))
        (tmp_path / "empty.jsonl").touch()
        intact = await asyncio.to_thread(self._verify, db_url, tmp_path, "--published", str(heads.path))
        await rewrite_from(engine, 3)
        alone = await asyncio.to_thread(
            self._verify, db_url, tmp_path, "--published", str(tmp_path / "empty.jsonl")
        )
        missing = await asyncio.to_thread(self._verify, db_url, tmp_path, "--published", str(tmp_path / "no"))
        against = await asyncio.to_thread(self._verify, db_url, tmp_path, "--published", str(heads.path))
        await tamper(
            engine,
            ["UPDATE audit_entry SET reason = 'x' WHERE seq = 1", "DELETE FROM audit_entry WHERE seq = 2"],
        )
        several = await asyncio.to_thread(self._verify, db_url, tmp_path, "--published", str(heads.path))
        assert intact.returncode == 0 and "1 published heads matched" in intact.stdout
        assert alone.returncode == 0 and missing.returncode == 2
        assert (
            against.returncode == 1
            and "BROKEN at entry 6" in against.stderr
            and "published" in against.stderr
        )
        lines = [line for line in several.stderr.splitlines() if line.startswith("BROKEN")]
        assert several.returncode == 1 and [line.split(":")[0] for line in lines] == [
            "BROKEN at entry 1",
            "BROKEN at entry 2",
            "BROKEN at entry 6",
        ]
