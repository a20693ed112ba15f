"""``seva staff create|list|revoke``: officers, CM Helpline agents and Lok Seva Kendra operators."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
import msgspec
from rich.console import Console
from rich.table import Table

from catalogue import CatalogueInvalid
from gateway.audit import Actor
from gateway.database import upgrade
from gateway.identity.errors import StaffInvalid
from gateway.identity.staff import StaffService
from gateway.platform.principal import STAFF_ROLES
from gateway.platform.root import Platform, build_platform
from gateway.settings import Settings
from schemas.identity_api import StaffCreate

__all__ = ["staff_group"]

T = TypeVar("T")


def _actor(reason: str) -> Actor:
    """The CLI acts as ``system:cli``, naming the operating-system user who ran it."""
    return Actor(subject=f"system:cli:{getpass.getuser()}", role="system", client_ip="local", reason=reason)


def _run(work: Callable[[StaffService], Awaitable[T]]) -> T:
    try:
        platform: Platform = build_platform(Settings.from_env())
    except CatalogueInvalid as exc:
        click.echo(
            f"The catalogue is invalid, so departments and districts cannot be checked.\n{exc}", err=True
        )
        sys.exit(1)
    catalogue = platform.catalogue

    async def go() -> T:
        try:
            await upgrade(platform.engine)
            service = StaffService(
                platform.engine,
                platform.audit,
                departments=lambda: catalogue.current.departments,
                districts=lambda: catalogue.current.district_codes(),
                clock=platform.clock.time,
            )
            return await work(service)
        finally:
            await platform.engine.dispose()

    return asyncio.run(go())


@click.group("staff")
def staff_group() -> None:
    """Officers, appellate authorities, agents, operators and auditors: people who sign in with a code sent
    to their own mobile."""


@staff_group.command("create")
@click.option("--role", required=True, type=click.Choice(list(STAFF_ROLES)))
@click.option("--name", required=True, help="The person's name.")
@click.option("--mobile", required=True, help="Their own mobile number: sign-in codes go there.")
@click.option("--department", help="Officers: the department code.")
@click.option("--designation", help="Officers: e.g. Tehsildar, SDO, Block Officer.")
@click.option("--district", help="Officers and operators: the district code.")
@click.option("--tehsil", help="Officers: the tehsil, where their jurisdiction is one.")
@click.option(
    "--level", type=click.IntRange(1, 4), help="Grievance level (1 to 4); appellate: 1 first, 2 second."
)
@click.option("--centre", help="Operators: the Lok Seva Kendra.")
@click.option(
    "--reason", default="created from the command line", show_default=True, help="For the audit trail."
)
def create_staff(reason: str, **values: object) -> None:
    """Create an account; it can sign in at once with a code sent to MOBILE."""
    new = msgspec.convert({k: v for k, v in values.items() if v is not None}, StaffCreate)
    try:
        made = _run(lambda service: service.create(new, _actor(reason)))
    except StaffInvalid as exc:
        click.echo(f"Not created: {exc.explanation.en}", err=True)
        sys.exit(1)
    click.echo(f"staff_id: {made.staff_id} ({made.role}, {made.mobile})")


@staff_group.command("list")
def list_staff() -> None:
    """List accounts, revoked ones included (mobile numbers masked)."""
    table = Table(title="Staff")
    for column in (
        "staff_id",
        "role",
        "name",
        "mobile",
        "department",
        "designation",
        "district",
        "level",
        "revoked",
    ):
        table.add_column(column)
    for s in _run(lambda service: service.list()):
        table.add_row(
            s.staff_id, s.role, s.name, s.mobile, s.department or "", s.designation or "", s.district or "",
            str(s.level or ""), s.revoked_at or "",
        )  # fmt: skip
    Console(width=160).print(table)


@staff_group.command("revoke")
@click.argument("staff_id")
@click.option(
    "--reason", default="revoked from the command line", show_default=True, help="For the audit trail."
)
def revoke_staff(staff_id: str, reason: str) -> None:
    """Revoke STAFF_ID: no new sign-in, and its tokens stop working within 30 seconds."""
    if not _run(lambda service: service.revoke(staff_id, _actor(reason))):
        click.echo(f"No live staff account has the ID {staff_id}.", err=True)
        sys.exit(1)
    click.echo(f"Revoked {staff_id}.")
