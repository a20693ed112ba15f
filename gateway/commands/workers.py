"""``seva workers``: deliver applications to departments, on their own, without serving HTTP.

Run as many as needed, on one machine or several sharing one PostgreSQL: rows are claimed with
``SKIP LOCKED`` and leases, so no two workers deliver the same application. SIGTERM or Ctrl-C stops a
worker once its calls in flight have ended and been recorded; a worker killed outright loses nothing
(its leases expire).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click
from prometheus_client import start_http_server

from catalogue import CatalogueInvalid
from gateway.audit.capability import build_sealer, sealing
from gateway.bootstrap import Extensions
from gateway.database import upgrade
from gateway.delivery.capability import build_delivery
from gateway.platform.logs import configure_logging
from gateway.platform.root import build_platform
from gateway.settings import Settings

__all__ = ["workers"]


async def _run(settings: Settings, once: bool, metrics_port: int | None = None) -> int:
    try:
        platform = build_platform(settings)
    except CatalogueInvalid as exc:
        click.echo(f"The catalogue is invalid; no worker started.\n{exc}", err=True)
        raise SystemExit(1) from None
    delivery = build_delivery(platform, Extensions().adapters, inprocess=False)
    if metrics_port is not None:
        # Deliveries by department and outcome, and breaker states, are this process's to tell; on loopback
        # only, for a Prometheus (or an agent) on the same machine. The queue is reported by the gateways.
        start_http_server(metrics_port, addr="127.0.0.1", registry=platform.metrics.registry)
    try:
        await upgrade(platform.engine)
        if once:
            return await delivery.worker.run_once()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        watcher = asyncio.create_task(platform.catalogue.watch(settings.catalogue_watch_seconds or 3600))
        # The audit sealer runs beside the deliveries (one at a time per database, whatever runs how many).
        chaining = sealing(build_sealer(platform)) if settings.audit_sealer else contextlib.nullcontext()
        try:
            async with chaining:
                await delivery.worker.run(stop)
        finally:
            watcher.cancel()
        return 0
    finally:
        await delivery.resolver.aclose()
        await platform.engine.dispose()


@click.command("workers")
@click.option("--once", is_flag=True, help="Claim what is due once, make those calls and polls, and exit.")
@click.option(
    "--metrics-port",
    type=click.IntRange(1, 65535),
    help="Serve this worker's Prometheus metrics on 127.0.0.1:PORT/metrics.",
)
def workers(once: bool, metrics_port: int | None) -> None:
    """Deliver submitted applications to departments until stopped (SIGTERM or Ctrl-C)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    handled = asyncio.run(_run(settings, once, metrics_port))
    if once:
        click.echo(f"handled {handled} deliveries and status checks")


if __name__ == "__main__":
    workers()
