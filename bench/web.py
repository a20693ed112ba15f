"""What the citizen's pages cost, beside the JSON API serving the same data, in one run.

A real ``seva serve`` (one worker, SQLite, demo mode, rate limits raised) over the Dindori family of six
(``tests/web/support.py``) and the whole catalogue. Two pairs, each page against the JSON endpoint that
serves its data, measured in interleaved rounds (median of the rounds):

- the family page (``/family``, signed in with a session cookie: every member, every service's verdict)
  against ``GET /api/v1/families/{id}/eligibility`` with a bearer token;
- a service's page (``/services/{code}``) against ``GET /api/v1/services/{code}``.

For each: the time the server takes (one request at a time on a kept-alive connection: the median and
the 99th percentile) and requests per second with ``--concurrency`` connections at once (aiohttp's
client; target: a page at least half the rate of its JSON endpoint). Then the weight of every page as a
phone downloads it the first time: the HTML, the stylesheet and the script, compressed (target: under
50 KB), and what the first view waits for (the HTML and the stylesheet; the script is deferred).

    .venv/bin/python bench/web.py [--seconds 5] [--rounds 3] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import record  # noqa: E402
from tests.web.support import DHURVE, seed_households, sign_in  # noqa: E402

SERVICE = "sj-widow-pension"
WEIGHT_TARGET_KB = 50.0
RATE_TARGET = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ, "SEVA_DATA_DIR": str(data), "SEVA_PORT": str(port), "SEVA_DEMO": "1",
        "SEVA_INPROCESS_WORKERS": "0", "SEVA_LOG_LEVEL": "WARNING", "SEVA_API_PER_MINUTE": "100000000",
        "SEVA_SIGNIN_PER_MINUTE": "1000", "SEVA_OTP_RESEND_SECONDS": "1", "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    env.pop("SEVA_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"seva serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("seva serve did not start")


@dataclass
class Target:
    label: str
    path: str
    headers: dict[str, str]
    cookies: dict[str, str]


@dataclass
class Figures:
    p50_ms: float
    p99_ms: float
    rps: float


async def one_at_a_time(session: aiohttp.ClientSession, url: str, target: Target, n: int) -> list[float]:
    samples: list[float] = []
    for i in range(n + 20):
        start = time.perf_counter()
        async with session.get(url + target.path, headers=target.headers) as answer:
            await answer.read()
            assert answer.status == 200, (target.path, answer.status)
        if i >= 20:  # the first ones warm the caches
            samples.append(time.perf_counter() - start)
    return samples


async def flood(
    session: aiohttp.ClientSession, url: str, target: Target, seconds: float, concurrency: int
) -> float:
    done = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            async with session.get(url + target.path, headers=target.headers) as answer:
                await answer.read()
                assert answer.status == 200, (target.path, answer.status)
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.perf_counter() - start)


async def measure(url: str, target: Target, args: argparse.Namespace) -> Figures:
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector, cookies=target.cookies) as session:
        samples = await one_at_a_time(session, url, target, args.requests)
        rps = await flood(session, url, target, args.seconds, args.concurrency)
    ordered = sorted(samples)
    return Figures(
        statistics.median(samples) * 1e3, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3, rps
    )


def page_weights(url: str, cookies: httpx.Cookies) -> list[tuple[str, int, int, int]]:
    """(page, compressed HTML, stylesheet, script) for every page a citizen reads."""
    pages = [
        "/", "/services?q=pension", f"/services/{SERVICE}", "/services?event=old-age", "/track", "/sign-in",
        "/audit", f"/audit/services/{SERVICE}", "/demo/inbox", "/family",
        f"/apply/sj-old-age-pension/{DHURVE.head}", "/applications", "/documents", "/sign-out",
        "/no-such-page",
    ]  # fmt: skip
    rows = []
    with httpx.Client(base_url=url, cookies=cookies, headers={"accept": "text/html"}) as client:
        for path in pages:
            # Count the bytes on the wire: ask for gzip and read the body undecoded.
            with client.stream("GET", path, headers={"accept-encoding": "gzip"}) as answer:
                html = b"".join(answer.iter_raw())
            text = client.get(path).text
            assets = []
            for pattern in (r'href="(/static/seva\.css\?v=\w+)"', r'src="(/static/seva\.js\?v=\w+)"'):
                found = re.search(pattern, text)
                assert found, f"{path} does not link its {pattern}"
                with client.stream("GET", found.group(1), headers={"accept-encoding": "gzip"}) as asset:
                    assets.append(len(b"".join(asset.iter_raw())))
            rows.append((path, len(html), assets[0], assets[1]))
    return rows


def credentials(url: str) -> tuple[httpx.Cookies, str]:
    """A person's session (signed in on the pages) and a program's bearer token, for the same citizen."""
    with httpx.Client(base_url=url, headers={"accept": "text/html"}, timeout=10) as person:
        family = sign_in(person, DHURVE.mobile, DHURVE.mobile)
        assert "Sukhiya" in family.text
        cookies = person.cookies
    time.sleep(1.1)  # codes for one number are at least a second apart in this setup
    with httpx.Client(base_url=url, timeout=10) as program:
        sent = program.post("/api/v1/auth/otp", json={"login": DHURVE.mobile}).json()
        messages = program.get("/api/v1/demo/inbox", params={"mobile": DHURVE.mobile}).json()
        code = re.findall(r"\b(\d{6})\b", messages[0]["text"])[0]
        answer = program.post(
            "/api/v1/auth/otp/verify", json={"challenge_id": sent["challenge_id"], "code": code}
        )
    return cookies, str(answer.json()["access_token"])


async def main_async(args: argparse.Namespace, url: str, cookies: httpx.Cookies, token: str) -> None:
    session_cookie = cookies.get("seva_session") or ""
    gzip = {"accept-encoding": "gzip", "accept": "text/html"}
    pairs = [
        (
            Target("family page  /family", "/family", gzip, {"seva_session": session_cookie}),
            Target(
                "JSON  /api/v1/families/{id}/eligibility",
                f"/api/v1/families/{DHURVE.family_id}/eligibility",
                {"authorization": f"Bearer {token}", "accept-encoding": "gzip"},
                {},
            ),
        ),
        (
            Target(f"service page  /services/{SERVICE}", f"/services/{SERVICE}", gzip, {}),
            Target(
                f"JSON  /api/v1/services/{SERVICE}",
                f"/api/v1/services/{SERVICE}",
                {"accept-encoding": "gzip"},
                {},
            ),
        ),
    ]
    print(
        f"seva serve, 1 worker, SQLite; {args.rounds} interleaved rounds; {args.requests} requests one at a "
        f"time, then {args.concurrency} at once for {args.seconds:g} s"
    )
    for page, json in pairs:
        runs: dict[str, list[Figures]] = {page.label: [], json.label: []}
        for _ in range(args.rounds):
            for target in (page, json):
                runs[target.label].append(await measure(url, target, args))
        figures = {
            label: Figures(
                statistics.median(f.p50_ms for f in found),
                statistics.median(f.p99_ms for f in found),
                statistics.median(f.rps for f in found),
            )
            for label, found in runs.items()
        }
        print()
        for label, shown in figures.items():
            times = f"p50 {shown.p50_ms:6.2f} ms   p99 {shown.p99_ms:6.2f} ms"
            print(f"   {label:<46} {times}   {shown.rps:7.0f} req/s")
        ratio = figures[page.label].rps / figures[json.label].rps
        verdict = "ok" if ratio >= RATE_TARGET else "below target"
        record(
            f"{page.label.split()[0]} page / its JSON, {args.concurrency} at once",
            figures[page.label].rps,
            figures[json.label].rps,
            unit="req/s",
            goal=RATE_TARGET,
            source="bench/web.py",
        )
        print(f"   page / JSON, requests per second: {ratio:.2f} (target >= {RATE_TARGET}: {verdict})")
    print("\nPage weight, compressed, as a phone downloads it the first time (target: under 50 KB)")
    print(f"   {'page':<44} {'HTML':>8} {'CSS':>7} {'JS':>7} {'total':>8}")
    worst = 0.0
    for path, html, css, js in page_weights(url, cookies):
        total = (html + css + js) / 1024
        worst = max(worst, total)
        print(f"   {path[:44]:<44} {html / 1024:7.1f}K {css / 1024:6.1f}K {js / 1024:6.1f}K {total:7.1f}K")
    verdict = "ok" if worst < WEIGHT_TARGET_KB else "over target"
    record(
        "heaviest page, compressed, first view",
        worst,
        unit="KB",
        goal=WEIGHT_TARGET_KB,
        better="lower",
        on="seva",
        source="bench/web.py",
    )
    print(f"   heaviest page: {worst:.1f} KB ({verdict}); a first view waits for the HTML and the stylesheet")
    print("   (the script is deferred; no font and no image is fetched)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300, help="one at a time, per target and round")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data"
        process, url = start_server(data)
        try:
            seed_households(f"sqlite+aiosqlite:///{data / 'seva.db'}")
            cookies, token = credentials(url)
            asyncio.run(main_async(args, url, cookies, token))
        finally:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
