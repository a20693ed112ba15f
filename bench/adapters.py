"""REST adapter benchmark: the cost of the adapter over a bare httpx call, and httpx's transport vs aiohttp's.

A loopback department (``tests.adapters.departments``, uvicorn in its own process) answers
``POST /rest/applications``. In the same run, at concurrency 1, 8 and 64, this measures:

- ``httpx direct``: ``client.post`` of the same JSON body and headers, the body read: the baseline;
- ``adapter``: ``RestAdapter.submit`` through the same kind of client (encode the struct, exchange
  headers, concurrency bound, streamed and capped read, decode into the contract's struct);
- both again with ``httpx-aiohttp``'s transport behind the same httpx API (``transport: aiohttp``).

Each figure is the median of ``--rounds`` interleaved runs of ``--seconds`` after a short warm-up: requests
per second, and the median and 99th percentile latency of one call. No target: the figures decide which
transport ``build_client`` uses by default (see ``docs/adapters.md``).

    .venv/bin/python bench/adapters.py [--seconds 3] [--rounds 3] [--concurrency 1 8 64]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the `adapters`
# package; put the project root there instead.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402
import msgspec  # noqa: E402

from adapters import AdapterConfig, EgressPolicy, build_client, default_registry  # noqa: E402
from adapters.base import Applicant, SubmissionRequest  # noqa: E402
from adapters.config import Timeouts  # noqa: E402

REQUEST = SubmissionRequest(
    reference_number="MP-2026-000123-7",
    service_code="new-electricity-connection",
    operation="new_connection",
    applicant=Applicant(
        member_id="123456789", name="Sunita Devi", facts={"member.age": 42, "member.bpl": True}
    ),
    idempotency_key="bench",  # one key: the department answers from its file, and holds no more per call
    form={"load_kw": 2, "connection_type": "domestic", "three_phase": False},
)


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_department(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.adapters.departments", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/rest/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the loopback department did not start")


async def load(call: Callable[[], Awaitable[object]], concurrency: int, seconds: float) -> Figures:
    """Keep ``concurrency`` calls in flight for ``seconds``; the latency of every call is kept."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        while (started := time.perf_counter()) < stop:
            await call()
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return Figures(
        rps=len(latencies) / elapsed,
        p50_ms=latencies[len(latencies) // 2] * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


async def measure(variant: str, url: str, concurrency: int, seconds: float) -> Figures:
    transport = "aiohttp" if "aiohttp" in variant else "httpx"
    config = AdapterConfig(
        code="rest_bench",
        kind="rest",
        endpoint=f"{url}/rest",
        timeouts=Timeouts(connect=5, read=30, write=30, pool=30),
        max_concurrency=max(concurrency, 1),
        transport=transport,
    )
    async with build_client(config, egress=EgressPolicy.parse("127.0.0.1")) as client:
        adapter = default_registry().create(config, client=client)
        body = msgspec.json.encode(REQUEST.wire())
        headers = {
            **adapter.exchange(
                REQUEST.operation, REQUEST.reference_number, idempotency_key="bench"
            ).as_http(),
            "Content-Type": "application/json",
        }

        async def direct() -> None:
            response = await client.post(f"{url}/rest/applications", content=body, headers=headers)
            response.raise_for_status()

        async def through_adapter() -> None:
            await adapter.submit(REQUEST)

        call = through_adapter if variant.startswith("adapter") else direct
        await load(call, concurrency, min(0.5, seconds))  # warm-up: connections opened, code paths hot
        return await load(call, concurrency, seconds)


VARIANTS = ("httpx direct", "adapter", "httpx direct, aiohttp transport", "adapter, aiohttp transport")


async def main_async(args: argparse.Namespace, url: str) -> None:
    results: dict[tuple[int, str], list[Figures]] = {}
    for round_number in range(args.rounds):
        for concurrency in args.concurrency:
            for variant in VARIANTS:  # interleaved, so a drift of the machine touches every variant alike
                figures = await measure(variant, url, concurrency, args.seconds)
                results.setdefault((concurrency, variant), []).append(figures)
        print(f"round {round_number + 1} of {args.rounds} done", file=sys.stderr)

    print(f"\nREST adapter vs direct httpx, loopback department in its own process, {os.cpu_count()} CPUs")
    print(f"median of {args.rounds} interleaved runs of {args.seconds:g} s; event loop: {loop_name()}")
    print(f"load average before and after: {args.load_before:.2f}, {os.getloadavg()[0]:.2f}")
    print(f"{'conc':>4}  {'variant':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  vs httpx direct")
    for concurrency in args.concurrency:
        base = median(results, concurrency, "httpx direct").rps
        for variant in VARIANTS:
            f = median(results, concurrency, variant)
            ratio = f.rps / base
            print(
                f"{concurrency:>4}  {variant:<34} {f.rps:8.0f} {f.p50_ms:8.2f} {f.p99_ms:8.2f}  x{ratio:.2f}"
            )
    print("\nadapter's own cost: its median latency less a direct call's, same transport, lowest concurrency")
    for direct, adapter in zip(VARIANTS[::2], VARIANTS[1::2], strict=True):
        first = args.concurrency[0]
        cost = median(results, first, adapter).p50_ms - median(results, first, direct).p50_ms
        print(f"   {adapter:<34} {cost * 1000:6.0f} µs per call")


def median(results: dict[tuple[int, str], list[Figures]], concurrency: int, variant: str) -> Figures:
    runs = results[(concurrency, variant)]
    return Figures(
        rps=statistics.median(f.rps for f in runs),
        p50_ms=statistics.median(f.p50_ms for f in runs),
        p99_ms=statistics.median(f.p99_ms for f in runs),
    )


def loop_name() -> str:
    loop = type(asyncio.get_running_loop())
    return f"{loop.__module__}.{loop.__qualname__}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--uvloop", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    port = free_port()
    department = start_department(port)
    try:
        if args.uvloop:
            import uvloop

            uvloop.run(main_async(args, f"http://127.0.0.1:{port}"))
        else:
            asyncio.run(main_async(args, f"http://127.0.0.1:{port}"))
    finally:
        department.terminate()
        department.wait(timeout=10)


if __name__ == "__main__":
    main()
