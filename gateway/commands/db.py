"""``seva db upgrade``: bring the database to the newest schema (``seva serve`` also does it on start-up)."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.engine import make_url

from gateway.database import create_engine, current_heads, upgrade
from gateway.settings import Settings

__all__ = ["db_group"]


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True, help="Revision to migrate to.")
def upgrade_command(revision: str) -> None:
    """Apply every migration not yet applied to $SEVA_DATABASE_URL (idempotent)."""
    settings = Settings.from_env()

    async def run() -> tuple[set[str], set[str]]:
        engine = create_engine(settings.database_url)
        try:
            before = await current_heads(engine)
            await upgrade(engine, revision)
            return before, await current_heads(engine)
        finally:
            await engine.dispose()

    before, after = asyncio.run(run())
    where = _shown(settings.database_url)
    if before == after:
        click.echo(f"{where}: already at {', '.join(sorted(after)) or 'base'}")
    else:
        click.echo(f"{where}: upgraded {', '.join(sorted(before)) or 'base'} -> {', '.join(sorted(after))}")
