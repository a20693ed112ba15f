"""Does a registry lookup by mobile number take longer when the number is registered to a family the caller
may not see? It must not: the time would tell a department (or a citizen) who is registered.

On a synthetic registry in a SQLite file (``--families``, 2,000 by default), a department that no family
has applied to looks up, one at a time and interleaved, registered mobile numbers and numbers nobody holds,
through ``FamilyService.lookup`` as the API calls it. The baseline, in the same run, is the way lookups
worked before (``Registry.find_by_mobile`` reads every holding family whole, then the department is asked
about each): its two medians differed by the cost of reading a family. The figure to watch is the gap
between registered and unregistered, which should be within noise.

    .venv/bin/python bench/lookup_privacy.py [--families 2000] [--lookups 400]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.figures import record  # noqa: E402
from family_registry.errors import NoMatch  # noqa: E402
from gateway.audit import Actor  # noqa: E402
from gateway.database import upgrade  # noqa: E402
from gateway.platform.guard import Caller  # noqa: E402
from gateway.platform.principal import Principal  # noqa: E402
from tests.building import build_seva  # noqa: E402


async def once(call: Callable[[str], Awaitable[object]], number: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(NoMatch):
        await call(number)
    return (time.perf_counter() - start) * 1000


async def alternating(
    call: Callable[[str], Awaitable[object]], registered: list[str], nobody: list[str]
) -> tuple[list[float], list[float]]:
    """Registered and unregistered numbers one after the other, so the machine's load falls on both alike."""
    first, second = [], []
    for a, b in zip(registered, nobody, strict=True):
        first.append(await once(call, a))
        second.append(await once(call, b))
    return first, second


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="seva-bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'seva.db'}"
    seva = build_seva(folder / "data", url)
    await upgrade(seva.platform.engine)
    synth = [sys.executable, "-m", "gateway.cli", "registry", "synth", "--families", str(args.families)]
    subprocess.run(  # noqa: ASYNC221 - set-up, not timed
        [*synth, "--seed", "5"],
        cwd=ROOT, env={"SEVA_DATABASE_URL": url, "SEVA_DATA_DIR": str(folder / "data"), "PATH": ""},
        check=True, capture_output=True,
    )  # fmt: skip
    async with seva.platform.engine.connect() as conn:
        found = await conn.execute(text("SELECT DISTINCT mobile FROM members WHERE mobile IS NOT NULL"))
        mobiles = [row[0] for row in found.all()]
    rng = random.Random(7)
    taken = set(mobiles)
    registered = rng.sample(mobiles, min(args.lookups, len(mobiles)))
    nobody: list[str] = []
    while len(nobody) < len(registered):
        number = str(rng.randint(6_000_000_000, 9_999_999_999))
        if number not in taken:
            nobody.append(number)
    department = Principal.client("bench", "department", "revenue")
    actor = Actor(subject=department.subject, role="department", client_ip="127.0.0.1", reason="bench")
    caller = Caller(department, actor)
    service = seva.families.service
    registry = seva.families.registry

    async def now(number: str) -> object:
        return await service.lookup(caller, mobile=number, aadhaar=None, family_id=None)

    async def before(number: str) -> object:
        # The way it was: every holding family read whole, then the department asked about each.
        matches = await registry.find_by_mobile(number)
        return [m for m in matches if await service.applied(m.family.family_id, "revenue")]

    results: dict[str, list[float]] = {}
    for _ in range(3):  # rounds of each way in turn
        for label, call in (("before", before), ("now", now)):
            on, off = await alternating(call, registered, nobody)
            results.setdefault(f"{label} registered", []).extend(on)
            results.setdefault(f"{label} nobody", []).extend(off)
    print(f"{args.families} families, {len(registered)} numbers of each kind, 3 rounds, SQLite")
    for label, spent in results.items():
        p90 = statistics.quantiles(spent, n=10)[-1]
        print(f"  {label:<20} median {statistics.median(spent):6.3f} ms   p90 {p90:6.3f} ms")
    gap_before = statistics.median(results["before registered"]) - statistics.median(results["before nobody"])
    gap_now = statistics.median(results["now registered"]) - statistics.median(results["now nobody"])
    print(f"  registered minus nobody, medians: before {gap_before:+.3f} ms, now {gap_now:+.3f} ms")
    record(
        "lookup by mobile: registered minus nobody, medians",
        gap_now,
        gap_before,
        unit="ms",
        better="lower",
        source="bench/lookup_privacy.py",
    )
    await seva.delivery.resolver.aclose()
    await seva.platform.engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
