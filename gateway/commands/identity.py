"""``seva clients ...`` (API clients of departments, auditors, administrators) and ``seva keys ...``."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sys

import click
from rich.console import Console
from rich.table import Table

from catalogue import CatalogueInvalid, load_catalogue
from gateway.audit import Actor, AuditTrail
from gateway.database import create_engine, upgrade
from gateway.identity.clients import CLIENT_ROLES, ClientCreated, ClientService, ClientView
from gateway.identity.errors import ClientInvalid
from gateway.identity.keys import KeyRing
from gateway.settings import Settings

__all__ = ["clients_group", "keys_group"]


def _actor(reason: str) -> Actor:
    """The CLI acts as ``system:cli``, naming the operating-system user who ran it."""
    return Actor(subject=f"system:cli:{getpass.getuser()}", role="system", client_ip="local", reason=reason)


def _when(epoch: float | None) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M") if epoch is not None else ""


@click.group("clients")
def clients_group() -> None:
    """API clients: departments, auditors and administrators sign in with a client ID and secret."""


@clients_group.command("create")
@click.option("--role", required=True, type=click.Choice(CLIENT_ROLES), help="What the client may do.")
@click.option("--department", help="The department code (department clients only).")
@click.option("--name", required=True, help="Who the client is, e.g. 'Revenue department portal'.")
@click.option(
    "--reason", default="created from the command line", show_default=True, help="For the audit trail."
)
def create_client(role: str, department: str | None, name: str, reason: str) -> None:
    """Create a client and print its secret, once: seva keeps only a scrypt hash of it."""
    settings = Settings.from_env()
    if department is not None:
        try:
            known = load_catalogue(settings.catalogue).departments
        except CatalogueInvalid:
            click.echo(f"{settings.catalogue} is invalid; cannot check the department.", err=True)
            sys.exit(1)
        if department not in known:
            click.echo(f"Unknown department '{department}'. Known: {', '.join(sorted(known))}", err=True)
            sys.exit(1)

    async def run() -> ClientCreated:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await ClientService(engine, AuditTrail(engine)).create(
                name, role, department, _actor(reason)
            )
        finally:
            await engine.dispose()

    try:
        made = asyncio.run(run())
    except ClientInvalid as exc:
        click.echo(f"Not created: {exc}.", err=True)
        sys.exit(1)
    click.echo(f"client_id:     {made.client_id}")
    click.echo(f"client_secret: {made.secret}")
    click.echo("Keep the secret now: it is not stored and cannot be shown again.", err=True)


@clients_group.command("list")
def list_clients() -> None:
    """List clients, revoked ones included (secrets are never shown)."""
    settings = Settings.from_env()

    async def run() -> list[ClientView]:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await ClientService(engine, AuditTrail(engine)).list()
        finally:
            await engine.dispose()

    table = Table(title="API clients")
    for column in ("client_id", "role", "department", "name", "created", "revoked"):
        table.add_column(column)
    for view in asyncio.run(run()):
        table.add_row(
            view.client_id,
            view.role,
            view.department or "",
            view.name,
            _when(view.created_at),
            _when(view.revoked_at),
        )
    Console(width=140).print(table)


@clients_group.command("revoke")
@click.argument("client_id")
@click.option(
    "--reason", default="revoked from the command line", show_default=True, help="For the audit trail."
)
def revoke_client(client_id: str, reason: str) -> None:
    """Revoke CLIENT_ID: it gets no new tokens; tokens it holds expire within their lifetime."""
    settings = Settings.from_env()

    async def run() -> bool:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await ClientService(engine, AuditTrail(engine)).revoke(client_id, _actor(reason))
        finally:
            await engine.dispose()

    if not asyncio.run(run()):
        click.echo(f"No live client has the ID {client_id}.", err=True)
        sys.exit(1)
    click.echo(f"Revoked {client_id}.")


@click.group("keys")
def keys_group() -> None:
    """The ES256 keys that sign access tokens ($SEVA_KEYS_DIR, or keys/ in the data folder)."""


def _record_key_change(settings: Settings, action: str, details: dict[str, object], reason: str) -> None:
    """Write a key change to the audit trail. The change stands even if the database is away (a key
    may need rotating in an incident), but the operator is told to record it by hand."""

    async def run() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            await AuditTrail(engine).record(_actor(reason), action, "signing_keys", details)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except Exception as exc:  # any failure to reach the database is reported the same way
        click.echo(
            f"WARNING: not written to the audit trail ({type(exc).__name__}); record it by hand.", err=True
        )


@keys_group.command("rotate")
@click.option(
    "--reason", default="rotated from the command line", show_default=True, help="For the audit trail."
)
def rotate_keys(reason: str) -> None:
    """Make a new signing key; running servers use it within seconds, older keys keep verifying."""
    settings = Settings.from_env()
    key = KeyRing(settings.keys_path).rotate()  # the first key, when there is none
    click.echo(f"New signing key {key.number:04d}, kid {key.kid}")
    _record_key_change(settings, "keys.rotated", {"kid": key.kid, "number": key.number}, reason)


@keys_group.command("list")
def list_keys() -> None:
    """List the keys; the newest signs, all of them verify."""
    ring = KeyRing(Settings.from_env().keys_path)
    keys = ring.all()
    if not keys:
        click.echo("No signing key yet: the server makes one on its first start, or run `seva keys rotate`.")
    for key in keys:
        mark = "signing" if key is keys[-1] else "verifying"
        click.echo(f"{key.number:04d}  {key.kid}  {_when(key.created)}  {mark}")


@keys_group.command("prune")
@click.option(
    "--older-than",
    type=click.IntRange(0),
    help="Seconds since a key stopped signing (default: twice the longest token lifetime).",
)
def prune_keys(older_than: int | None) -> None:
    """Remove keys that stopped signing long enough ago that no token they signed is still valid."""
    settings = Settings.from_env()
    longest = max(settings.access_token_seconds, settings.staff_token_seconds)
    limit = older_than if older_than is not None else 2 * longest
    removed = KeyRing(settings.keys_path).prune(limit)
    if removed:
        kids = [k.kid for k in removed]
        _record_key_change(
            settings, "keys.pruned", {"kids": kids}, "retired keys removed from the command line"
        )
    click.echo(
        f"Removed {len(removed)} key{'s' if len(removed) != 1 else ''}"
        + "".join(f"\n  {k.number:04d}  {k.kid}" for k in removed)
    )
