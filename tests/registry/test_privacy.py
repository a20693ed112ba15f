"""No clear Aadhaar number reaches the database or any log, on SQLite and PostgreSQL; whole mobile
numbers stay out of seva's own logs. SQLAlchemy's statement logging is switched on, so every value sent
to the database is in the captured logs too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.aadhaar import AadhaarHasher
from family_registry.errors import AadhaarKeyMismatch, NoMatch
from family_registry.exporter import export_csv
from family_registry.importer import import_csv
from family_registry.keys_check import ensure_key_on
from family_registry.store import Registry
from tests.registry.support import AADHAAR, TODAY, aadhaar_for, family_rows, hasher, member_row, write_csv

NUMBERS = [aadhaar_for("20000001", k) for k in (1, 2, 3)] + [AADHAAR["valid"], AADHAAR["bad_checksum"]]
MOBILES = ["9826001001", "9826001002"]


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record, SQL statements with their parameters included."""
    engine_log = logging.getLogger("sqlalchemy.engine")
    level = engine_log.level
    engine_log.setLevel(logging.DEBUG)
    with caplog.at_level(logging.DEBUG):
        yield caplog
    engine_log.setLevel(level)


async def database_text(engine: AsyncEngine) -> str:
    """Everything the database holds: the raw files of SQLite, every row of every table of PostgreSQL."""
    if engine.dialect.name == "sqlite":
        await engine.dispose()  # let SQLite finish writing
        path = Path(make_url(str(engine.url)).database or "")
        files = [path, path.with_name(path.name + "-wal")]
        return "".join(f.read_bytes().decode("latin-1") for f in files if f.exists())
    parts = []
    async with engine.connect() as conn:
        tables = await conn.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        )
        for (name,) in tables.all():
            rows = await conn.execute(text(f'SELECT t::text FROM "{name}" t'))  # noqa: S608 - names from the catalog
            parts.extend(row[0] for row in rows.all())
    return "\n".join(parts)


async def test_aadhaar_numbers_never_reach_the_database_or_the_logs(
    db_engine: AsyncEngine, tmp_path: Path, everything_logged: pytest.LogCaptureFixture
) -> None:
    """Import (good and bad rows), export, and look up by Aadhaar: the digits appear nowhere."""
    rows = [
        *family_rows("20000001"),
        member_row(family_id="20000002", member_id="200000021", aadhaar=AADHAAR["valid"]),
    ]
    rows.append(member_row(family_id="20000003", member_id="200000031", aadhaar=AADHAAR["bad_checksum"]))
    report = await import_csv(db_engine, write_csv(tmp_path / "f.csv", rows), hasher(), today=TODAY)
    assert report.accepted == 5 and report.rejected == 1
    registry = Registry(db_engine, hasher())
    found = await registry.find_by_aadhaar(AADHAAR["valid"])
    assert found[0].family.family_id == "20000002"
    assert found[0].family.members[0].aadhaar_last4 == "2346"
    with pytest.raises(NoMatch) as missing:
        await registry.find_by_aadhaar(AADHAAR["uidai"][3])
    assert AADHAAR["uidai"][3] not in str(missing.value)
    await registry.find_by_mobile(MOBILES[0])
    exported = tmp_path / "export.csv"
    await export_csv(db_engine, exported)

    stored = await database_text(db_engine)
    logged = "\n".join(record.getMessage() for record in everything_logged.records)
    assert "members" in logged  # the statement log is on: parameters would show here
    for number in NUMBERS:
        assert number not in stored, "a clear Aadhaar number is in the database"
        assert number not in logged, "a clear Aadhaar number is in the logs"
        assert number not in report.rejects_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert number not in exported.read_text(encoding="utf-8")
    ours = "\n".join(r.getMessage() for r in everything_logged.records if r.name.startswith("seva"))
    for mobile in MOBILES:
        assert mobile not in ours, "a whole mobile number is in seva's logs"


async def test_a_changed_key_is_refused_once_hashes_exist(db_engine: AsyncEngine, tmp_path: Path) -> None:
    """The key's fingerprint is recorded; another key may replace it only while nothing was hashed."""
    other = AadhaarHasher(b"a-different-key-" + b"z" * 32)
    await ensure_key_on(db_engine, other)  # an empty registry: recorded
    await ensure_key_on(db_engine, hasher())  # still nothing hashed: the new key takes its place
    await import_csv(db_engine, write_csv(tmp_path / "f.csv", family_rows()), hasher(), today=TODAY)
    with pytest.raises(AadhaarKeyMismatch) as caught:
        await ensure_key_on(db_engine, other)
    assert "SEVA_AADHAAR_KEY" in str(caught.value)
    with pytest.raises(AadhaarKeyMismatch):
        await import_csv(db_engine, write_csv(tmp_path / "g.csv", family_rows()), other, today=TODAY)
