"""``seva audit verify``: check the hash chain of the audit trail and name the first broken entry."""

from __future__ import annotations

import asyncio
import sys

import click

from gateway.audit import AuditTrail, ChainVerdict, HeadMissing
from gateway.database import create_engine
from gateway.settings import Settings

__all__ = ["audit_group"]


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
def verify() -> None:
    """Check every entry against its hash and its predecessor. Exit 0 when intact, 1 naming the first
    broken entry. Reads only: it can run against a read replica."""
    settings = Settings.from_env()

    async def run() -> ChainVerdict:
        engine = create_engine(settings.database_url)
        try:
            return await AuditTrail(engine).verify()
        finally:
            await engine.dispose()

    try:
        verdict = asyncio.run(run())
    except HeadMissing as exc:
        click.echo(f"Cannot verify: {exc}.", err=True)
        sys.exit(2)
    if verdict.ok:
        click.echo(
            f"OK: {verdict.entries} entries, chain intact; head {verdict.head_seq} {verdict.head_hash}"
        )
        return
    click.echo(f"BROKEN at entry {verdict.first_broken}: {verdict.problem}", err=True)
    click.echo(
        f"{verdict.entries} entries checked before it; head {verdict.head_seq} {verdict.head_hash}", err=True
    )
    sys.exit(1)
