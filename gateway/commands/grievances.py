"""``seva grievance-watcher``: the escalation watcher and the sender of grievance texts, without HTTP.

Run as many as needed against one PostgreSQL: a round's batch is chosen with ``SKIP LOCKED`` and moved in
one statement, so no two watchers move the same grievance and one killed outright leaves nothing half
done. SIGTERM or Ctrl-C stops it after the current round.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from catalogue import CatalogueError
from gateway.app import configure_logging
from gateway.bootstrap import build
from gateway.database import upgrade
from gateway.platform.periodic import in_background, repeat
from gateway.settings import Settings

__all__ = ["grievance_watcher"]

log = logging.getLogger("seva.grievances")


async def _run(settings: Settings, once: bool) -> int:
    try:
        seva = build(settings, inprocess_workers=False, inprocess_watcher=False)
    except CatalogueError as exc:
        click.echo(
            f"The catalogue or the grievance routing file is invalid; nothing started.\n{exc}", err=True
        )
        raise SystemExit(1) from None
    platform = seva.platform
    built = seva.grievances
    try:
        await upgrade(platform.engine)
        if once:
            moved = await built.watcher.sweep()
            await built.notices.flush()
            return moved
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with in_background(repeat(built.notices.flush, 2.0, "sending grievance texts", log)):
            await built.watcher.run(stop)
        return 0
    finally:
        await seva.delivery.resolver.aclose()
        await platform.engine.dispose()


@click.command("grievance-watcher")
@click.option("--once", is_flag=True, help="Act on every grievance due now, send the texts, then exit.")
def grievance_watcher(once: bool) -> None:
    """Move up grievances whose level's time has lapsed, and send their texts, until stopped."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    handled = asyncio.run(_run(settings, once))
    if once:
        click.echo(f"acted on {handled} grievances")


if __name__ == "__main__":
    grievance_watcher()
