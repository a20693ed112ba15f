"""``seva workers``: deliver applications to departments, on their own, without serving HTTP.

Run as many as needed, on one machine or several sharing one PostgreSQL: rows are claimed with
``SKIP LOCKED`` and leases, so no two workers deliver the same application. SIGTERM or Ctrl-C stops a
worker once its calls in flight have ended and been recorded; a worker killed outright loses nothing
(its leases expire).
"""

from __future__ import annotations

import asyncio
import signal

import click

from catalogue import CatalogueInvalid
from gateway.app import configure_logging
from gateway.applications.wiring import build_worker
from gateway.audit.trail import AuditTrail
from gateway.database import create_engine, upgrade
from gateway.services.holder import CatalogueHolder
from gateway.settings import Settings

__all__ = ["workers"]


async def _run(settings: Settings, holder: CatalogueHolder, once: bool) -> int:
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        worker, resolver = build_worker(settings, engine, lambda: holder.current, AuditTrail(engine))
        if once:
            handled = await worker.run_once()
            await resolver.aclose()
            return handled
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        watcher = asyncio.create_task(holder.watch(settings.catalogue_watch_seconds or 3600))
        try:
            await worker.run(stop)
        finally:
            watcher.cancel()
        return 0
    finally:
        await engine.dispose()


@click.command("workers")
@click.option("--once", is_flag=True, help="Claim what is due once, make those calls and polls, and exit.")
def workers(once: bool) -> None:
    """Deliver submitted applications to departments until stopped (SIGTERM or Ctrl-C)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    try:
        holder = CatalogueHolder.load(settings.catalogue)
    except CatalogueInvalid as exc:
        click.echo(f"The catalogue is invalid; no worker started.\n{exc}", err=True)
        raise SystemExit(1) from None
    handled = asyncio.run(_run(settings, holder, once))
    if once:
        click.echo(f"handled {handled} deliveries and status checks")


if __name__ == "__main__":
    workers()
