"""``seva open311 create-app|apps|revoke-app``: the client applications that may post Open311 requests."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from rich.console import Console
from rich.table import Table

from gateway.audit import Actor, AuditTrail
from gateway.database import create_engine, upgrade
from gateway.open311 import Open311Apps
from gateway.open311.errors import Open311AppNotFound
from gateway.platform.clock import SystemClock
from gateway.settings import Settings

__all__ = ["open311_group"]

T = TypeVar("T")


def _actor(reason: str) -> Actor:
    return Actor(subject=f"system:cli:{getpass.getuser()}", role="system", client_ip="local", reason=reason)


def _run(work: Callable[[Open311Apps], Awaitable[T]]) -> T:
    settings = Settings.from_env()

    async def go() -> T:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            clock = SystemClock()
            return await work(Open311Apps(engine, AuditTrail(engine, clock=clock), clock))
        finally:
            await engine.dispose()

    return asyncio.run(go())


@click.group("open311")
def open311_group() -> None:
    """Open311 client applications: each posts requests with an API key seva keeps only as a hash."""


@open311_group.command("create-app")
@click.option("--name", required=True, help="Who the application is, e.g. 'Bhopal Municipal app'.")
@click.option(
    "--reason", default="created from the command line", show_default=True, help="For the audit trail."
)
def create_app(name: str, reason: str) -> None:
    """Create a client application and print its API key, once."""
    if not name.strip():
        click.echo("Not created: an application needs a name.", err=True)
        sys.exit(1)
    made = _run(lambda apps: apps.create(name, _actor(reason)))
    click.echo(
        f"app_id: {made.app_id}\napi_key: {made.api_key}\nThe key is shown only now; seva keeps a hash."
    )


@open311_group.command("apps")
def list_apps() -> None:
    """List client applications, revoked ones included."""
    table = Table(title="Open311 client applications")
    for column in ("app_id", "name", "created_at", "revoked_at"):
        table.add_column(column)
    for app in _run(lambda apps: apps.list()):
        table.add_row(app.app_id, app.name, app.created_at, app.revoked_at or "")
    Console(width=160).print(table)


@open311_group.command("revoke-app")
@click.argument("app_id")
@click.option(
    "--reason", default="revoked from the command line", show_default=True, help="For the audit trail."
)
def revoke_app(app_id: str, reason: str) -> None:
    """Revoke a client application: its key is refused at once."""
    try:
        _run(lambda apps: apps.revoke(app_id, _actor(reason)))
    except Open311AppNotFound as exc:
        click.echo(exc.explanation.en, err=True)
        sys.exit(1)
    click.echo(f"revoked: {app_id}")
