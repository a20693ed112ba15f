"""``seva audit verify``: check the hash chain of the audit trail and name every broken entry;
``seva audit seal``: chain the entries waiting for the sealer now."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from gateway.audit import AuditTrail, ChainVerdict, HeadMissing
from gateway.audit.sealer import AuditSealer, HeadFile, read_published
from gateway.database import create_engine
from gateway.settings import Settings

__all__ = ["audit_group"]


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
@click.option(
    "--published",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file of published heads (or a shipped JSON log holding them) to hold the trail against; "
    "default: $SEVA_AUDIT_HEAD_FILE (audit-heads.jsonl in the data folder) when it exists.",
)
def verify(published: Path | None) -> None:
    """Check every sealed entry against its hash and its predecessor, the head, and the heads published
    outside the database. Exit 0 when intact, 1 naming every broken entry. Reads only: it can run
    against a read replica."""
    settings = Settings.from_env()
    if published is None and settings.audit_head_path.exists():
        published = settings.audit_head_path
    if published is not None and not published.exists():
        click.echo(f"Cannot verify: no file {published}.", err=True)
        sys.exit(2)
    # Read the published heads before the database's head: each was sealed before it.
    heads = read_published(published) if published is not None else {}

    async def run() -> tuple[ChainVerdict, int]:
        engine = create_engine(settings.database_url)
        try:
            trail = AuditTrail(engine)
            verdict = await trail.verify(published=heads)
            return verdict, (await trail.count())[1]
        finally:
            await engine.dispose()

    try:
        verdict, unsealed = asyncio.run(run())
    except HeadMissing as exc:
        click.echo(f"Cannot verify: {exc}.", err=True)
        sys.exit(2)
    against = f"; {verdict.published_checked} published heads matched" if published is not None else ""
    waiting = f"; {unsealed} entries waiting for the sealer" if unsealed else ""
    if verdict.ok:
        click.echo(
            f"OK: {verdict.entries} entries, chain intact; head {verdict.head_seq} {verdict.head_hash}"
            f"{against}{waiting}"
        )
        return
    for found in verdict.breaks:
        click.echo(f"BROKEN at entry {found.seq}: {found.problem}", err=True)
    click.echo(
        f"{len(verdict.breaks)} breaks in {verdict.entries} entries; "
        f"head {verdict.head_seq} {verdict.head_hash}",
        err=True,
    )
    sys.exit(1)


@audit_group.command("seal")
def seal() -> None:
    """Chain every entry waiting for the sealer now (the servers and workers do it every second), and
    publish the new head. Safe beside running sealers: it waits for theirs to finish."""
    settings = Settings.from_env()

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            sealer = AuditSealer(
                engine, batch=settings.audit_seal_batch, heads=HeadFile(settings.audit_head_path)
            )
            return await sealer.seal_all(wait=True)
        finally:
            await engine.dispose()

    try:
        sealed = asyncio.run(run())
    except HeadMissing as exc:
        click.echo(f"Cannot seal: {exc}.", err=True)
        sys.exit(2)
    click.echo(f"sealed {sealed} entries")
