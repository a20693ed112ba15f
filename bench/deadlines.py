"""What the guarantee costs: the deadline watcher's sweep over many open applications, and signing and
verifying certificates beside python-jose's own sign and verify of the same payload.

The sweep: N open applications with their clocks (made in the database with one INSERT ... SELECT each),
their next steps spread evenly over 60 days, half due a reminder and half a breach. Measured:

- an idle round (nothing due): the index probe every round of a quiet day costs;
- a day's sweep: the clock moved half a day, so one application in 60 is due; every one is reminded or
  breached with its first appeal opened, its timeline event, its audit entry and its text queued, in
  rounds of ``--batch`` (the texts' sending is timed apart: it waits on the SMS provider in production);
- the auditors' report over all N clocks, grouped by department, in the database.

Run on SQLite (a file) and on PostgreSQL when ``SEVA_BENCH_POSTGRES_URL`` or ``SEVA_TEST_POSTGRES_URL``
is set (a schema of its own, dropped after).

    .venv/bin/python bench/deadlines.py [--sizes 100000,1000000] [--batch 500] [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import record  # noqa: E402
from gateway.bootstrap import build  # noqa: E402
from gateway.database import create_engine, upgrade  # noqa: E402
from gateway.deadlines.reports import report_rows  # noqa: E402
from gateway.platform.clock import INDIA, MovableClock  # noqa: E402
from gateway.settings import Settings  # noqa: E402

BASE = dt.datetime(2026, 3, 2, 0, 0, tzinfo=INDIA)
DAY = 86400


def line(label: str, value: float, unit: str, note: str = "") -> None:
    print(f"   {label:<62} {value:12.3f} {unit:<4} {note}".rstrip())


def _seed_sql(postgres: bool, n: int) -> list[str]:
    base = BASE.timestamp()
    if postgres:
        series, ref, district = f"generate_series(0, {n - 1}) AS s(i)", "lpad(i::text, 13, '0')", "i % 5"
        prefix = ""
    else:
        prefix = f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1}) "
        series, ref, district = "s", "printf('%013d', i)", "i % 5"
    districts = "CASE {d} WHEN 0 THEN 'bhopal' WHEN 1 THEN 'indore' WHEN 2 THEN 'jabalpur' WHEN 3 THEN 'gwalior' ELSE 'rewa' END"
    apps = (
        f"{prefix}INSERT INTO applications (reference, service_code, department, member_id, family_id, applicant, "
        "form, documents, status, status_message, department_reference, certificate, idempotency_scope, "
        "idempotency_key, request_hash, created_by, created_at, updated_at, due_on) "
        f"SELECT {ref}, 'rev-demarcation', 'revenue', '200000011', '20000001', '{{}}', '{{}}', '[]', 'received', '', "
        f"NULL, NULL, 'bench', {ref}, 'x', 'bench', {base}, {base}, '2026-04-15' FROM {series}"
    )
    clocks = (
        f"{prefix}INSERT INTO deadline_clock (reference, service_code, department, district, tehsil, position, "
        "designated_officer, unit, limit_days, started_on, due_on, state, stage, paused_days, next_check_at, "
        "created_at, updated_at) "
        f"SELECT {ref}, 'rev-demarcation', 'revenue', {districts.format(d=district)}, NULL, 'revenue/bhopal/-', "
        "'Tahsildar', 'working_days', 30, '2026-03-02', '2026-04-15', 'running', "
        f"CASE WHEN i % 2 = 0 THEN 'remind' ELSE 'breach' END, 0, {base} + (i % 60) * {DAY} + 3600, {base}, {base} "
        f"FROM {series}"
    )
    return [apps, clocks]


async def sweep_figures(url: str, n: int, batch: int, data_dir: Path) -> dict[str, float]:
    postgres = url.startswith("postgresql")
    engine = create_engine(url, pool_size=5, max_overflow=5)
    await upgrade(engine)
    started = time.perf_counter()
    async with engine.begin() as conn:
        for statement in _seed_sql(postgres, n):
            await conn.execute(text(statement))
    if postgres:
        async with engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE deadline_clock"))
            await conn.execute(text("ANALYZE applications"))
    seeded = time.perf_counter() - started
    clock = MovableClock(BASE + dt.timedelta(minutes=30))
    settings = Settings.from_env(
        {},
        data_dir=str(data_dir),
        database_url=url,
        catalogue=str(ROOT / "catalogue.yaml"),
        catalogue_watch_seconds=0,
        watcher_batch=batch,
    )
    seva = build(settings, clock=clock, engine=engine, inprocess_workers=False, inprocess_watcher=False)
    watcher = seva.deadlines.watcher
    watcher.send_after_round = False
    probes = []
    for _ in range(20):
        begin = time.perf_counter()
        assert await watcher.run_once() == 0
        probes.append(time.perf_counter() - begin)
    clock.set(BASE + dt.timedelta(hours=12))  # one application in 60 is due
    begin = time.perf_counter()
    acted = await watcher.sweep()
    swept = time.perf_counter() - begin
    begin = time.perf_counter()
    sent = await seva.deadlines.service.notices.flush(limit=1000)
    sending = time.perf_counter() - begin
    begin = time.perf_counter()
    rows = await report_rows(engine, "department", clock.today())
    reported = time.perf_counter() - begin
    assert sum(r.applications for r in rows) == n
    await seva.delivery.resolver.aclose()
    await engine.dispose()
    return {
        "seed": seeded,
        "idle": sorted(probes)[len(probes) // 2],
        "acted": acted,
        "sweep": swept,
        "sent": sent,
        "sending": sending,
        "report": reported,
    }


async def databases(sizes: list[int], batch: int, only: str) -> None:
    pg = os.environ.get("SEVA_BENCH_POSTGRES_URL") or os.environ.get("SEVA_TEST_POSTGRES_URL")
    kinds = [k for k in ["sqlite"] + (["postgres"] if pg else []) if k in only.split(",")]
    for kind in kinds:
        print(f"\n== the watcher's sweep on {kind} (batch {batch})")
        for n in sizes:
            with tempfile.TemporaryDirectory() as folder:
                if kind == "postgres":
                    assert pg is not None
                    schema = f"bench_{secrets.token_hex(4)}"
                    admin = create_engine(pg)
                    async with admin.begin() as conn:
                        await conn.execute(text(f"CREATE SCHEMA {schema}"))
                    url = f"{pg}?search_path={schema}"
                else:
                    url = f"sqlite+aiosqlite:///{folder}/bench.db"
                try:
                    f = await sweep_figures(url, n, batch, Path(folder) / "data")
                finally:
                    if kind == "postgres":
                        async with admin.begin() as conn:
                            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                        await admin.dispose()
            print(f"  {n:,} open applications (made in {f['seed']:.1f} s)")
            line("idle round, nothing due (median of 20)", f["idle"] * 1000, "ms")
            line(
                f"a day's sweep: {int(f['acted']):,} due, reminded or breached + appeal",
                f["sweep"],
                "s",
                f"{f['acted'] / f['sweep']:,.0f} clocks/s",
            )
            line(f"  texts handed to the notifier ({int(f['sent']):,}, database outbox)", f["sending"], "s")
            line("report by department over every clock", f["report"] * 1000, "ms")
            record(
                f"{kind}, {n:,} open applications: a day's sweep, clocks acted on per second",
                f["acted"] / f["sweep"],
                unit="/s",
                source="bench/deadlines.py",
            )


def certificates(seconds: float) -> None:
    from jose import jws

    from gateway.certificates.signing import TYPE, CertificateSigner
    from gateway.identity import KeyRing

    with tempfile.TemporaryDirectory() as folder:
        signer = CertificateSigner(KeyRing.open(Path(folder)))
        key = signer.ring.current()
        claims = {
            "iss": "seva",
            "jti": "0" * 32,
            "iat": 1772400000,
            "exp": 1867000000,
            "cert": {
                "number": "SEVA-2026-0A1B2C3D4E",
                "type": "income_certificate",
                "holder": {"member_id": "200000011", "name_en": "Asha Devi", "name_hi": "आशा देवी"},
                "facts": {
                    "declared_annual_income": 90000,
                    "income_source": "wages",
                    "purpose": "scholarship",
                },
                "issued_on": "2026-03-02",
                "valid_until": "2029-03-01",
                "issuer": {"designation": "Tehsildar", "district": "bhopal"},
            },
        }
        payload = json.dumps(claims, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        headers = {"kid": key.kid, "typ": TYPE}

        def rate(call: object) -> float:
            count, end = 0, time.perf_counter() + seconds
            while time.perf_counter() < end:
                call()  # type: ignore[operator]
                count += 1
            return count / seconds

        token, _ = signer.sign(claims)
        print("\n== certificates (ES256), per second, one core (best of 3 alternating runs)")
        figures: dict[str, list[float]] = {"bs": [], "os": [], "bv": [], "ov": []}
        for _ in range(3):  # alternate, so a busy moment of a shared machine does not fall on one side only
            figures["bs"].append(
                rate(lambda: jws.sign(payload, key.private, headers=headers, algorithm="ES256"))
            )
            figures["os"].append(rate(lambda: signer.sign(claims)))
            figures["bv"].append(rate(lambda: jws.verify(token, key.public, algorithms=["ES256"])))
            figures["ov"].append(rate(lambda: signer.check(token)))
        base_sign, ours_sign, base_verify, ours_verify = (max(figures[k]) for k in ("bs", "os", "bv", "ov"))
        line("python-jose jws.sign of the same payload (baseline)", base_sign, "/s")
        line("seva: canonical JSON + sign", ours_sign, "/s", f"{ours_sign / base_sign:.2f}x the baseline")
        line("python-jose jws.verify of the same token (baseline)", base_verify, "/s")
        record(
            "certificate signing (canonical JSON + ES256) / python-jose's sign",
            ours_sign,
            base_sign,
            unit="/s",
            source="bench/deadlines.py",
        )
        record(
            "certificate check / python-jose's verify",
            ours_verify,
            base_verify,
            unit="/s",
            source="bench/deadlines.py",
        )
        line(
            "seva: header checks + key by kid + verify + claims",
            ours_verify,
            "/s",
            f"{ours_verify / base_verify:.2f}x the baseline",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-certificates", action="store_true")
    args = parser.parse_args()
    if not args.no_certificates:
        certificates(args.seconds)
    asyncio.run(databases([int(s) for s in args.sizes.split(",")], args.batch, args.databases))


if __name__ == "__main__":
    main()
