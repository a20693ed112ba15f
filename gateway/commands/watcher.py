"""``seva watcher``: the deadline watcher on its own, without serving HTTP.

Run as many as needed against one PostgreSQL: clocks are claimed with ``SKIP LOCKED`` and acted on in the
claim's transaction, so no two watchers act on the same clock and a watcher killed outright leaves
nothing half done. SIGTERM or Ctrl-C stops it after the current round.
"""

from __future__ import annotations

import asyncio
import signal

import click

from catalogue import CatalogueInvalid
from gateway.app import configure_logging
from gateway.bootstrap import build
from gateway.database import upgrade
from gateway.settings import Settings

__all__ = ["watcher"]


async def _run(settings: Settings, once: bool) -> int:
    try:
        seva = build(settings, inprocess_workers=False, inprocess_watcher=False)
    except CatalogueInvalid as exc:
        click.echo(f"The catalogue is invalid; no watcher started.\n{exc}", err=True)
        raise SystemExit(1) from None
    platform = seva.platform
    watching = seva.deadlines.watcher
    try:
        await upgrade(platform.engine)
        if once:
            return await watching.sweep()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await watching.run(stop)
        return 0
    finally:
        await seva.delivery.resolver.aclose()
        await platform.engine.dispose()


@click.command("watcher")
@click.option("--once", is_flag=True, help="Act on every clock due now, then exit.")
def watcher(once: bool) -> None:
    """Watch the guarantee's deadlines until stopped (SIGTERM or Ctrl-C): reminders, breaches, appeals."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    handled = asyncio.run(_run(settings, once))
    if once:
        click.echo(f"acted on {handled} clocks")


if __name__ == "__main__":
    watcher()
