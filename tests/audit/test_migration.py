"""Migration 0008 on a trail written before the sealer: the old entries keep their numbers and chain,
and new entries continue it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.audit import Actor, AuditTrail
from gateway.audit.chain import canonical_details, entry_hash
from gateway.audit.sealer import AuditSealer
from gateway.database import create_engine, upgrade
from tests.conftest import DATABASES, _new_database, _postgres_admin

_COLUMNS = "seq, at, actor, role, action, target, client_ip, request_id, reason, details, prev_hash, hash"
_OLD_INSERT = text(
    f"INSERT INTO audit_entry ({_COLUMNS}) VALUES ({', '.join(':' + c for c in _COLUMNS.split(', '))})"  # noqa: S608
)


@pytest.mark.parametrize("kind", DATABASES)
async def test_a_trail_from_before_the_sealer_is_kept_and_continued(kind: str, tmp_path: Path) -> None:
    url, schema = await _new_database(kind, tmp_path)
    engine = create_engine(url)
    try:
        await upgrade(engine, "0007_one_head")
        prev = "0" * 64
        async with engine.begin() as conn:  # appended as the old code did: head moved, entries, head hash
            await conn.execute(text("UPDATE audit_head SET seq = 3 WHERE id = 1"))
            for seq in (1, 2, 3):
                fields = {
                    "seq": seq,
                    "at": "2026-11-30T10:00:00.000000+00:00",
                    "actor": "system:cli:root",
                    "role": "system",
                    "action": "client.created",
                    "target": f"client:c{seq}",
                    "client_ip": "local",
                    "request_id": "",
                    "reason": "before the sealer",
                    "details": canonical_details({"n": seq}),
                }
                digest = entry_hash(prev, fields)
                await conn.execute(
                    _OLD_INSERT,
                    {**fields, "prev_hash": prev, "hash": digest},
                )
                prev = digest
            await conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
        await upgrade(engine)
        trail = AuditTrail(engine)
        before = await trail.verify()
        await trail.record(Actor.system("test", "after"), "client.revoked", "client:c1")
        await trail.record(Actor.system("test", "after"), "client.revoked", "client:c2")
        assert await AuditSealer(engine).seal_all() == 2
        after = await trail.verify()
        async with engine.connect() as conn:
            ids = (await conn.execute(text("SELECT id, seq FROM audit_entry ORDER BY seq"))).all()
    finally:
        await engine.dispose()
        if schema:
            await _postgres_admin(f"DROP SCHEMA {schema} CASCADE")
    assert before.ok and before.entries == 3 and before.head_hash == prev
    assert after.ok and after.entries == 5
    assert [tuple(row) for row in ids] == [(n, n) for n in range(1, 6)]
