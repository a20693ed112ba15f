"""``seva cpgrams check|import|export``: grievances exchanged with CPGRAMS through CSV files."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from gateway.audit import Actor
from gateway.cpgrams import CpgramsExchange, ImportRefused
from gateway.database import upgrade
from gateway.settings import Settings

__all__ = ["cpgrams_group"]

T = TypeVar("T")


def _run(work: Callable[[CpgramsExchange], Awaitable[T]]) -> T:
    from gateway.bootstrap import build  # the whole root: an import files through the grievances service

    seva = build(Settings.from_env(), inprocess_workers=False, inprocess_watcher=False)

    async def go() -> T:
        try:
            await upgrade(seva.platform.engine)
            return await work(seva.cpgrams.service)
        finally:
            await seva.platform.engine.dispose()

    return asyncio.run(go())


def _refused(exc: ImportRefused) -> None:
    click.echo(f"Refused: {len(exc.problems)} problem(s); nothing was imported.", err=True)
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.group("cpgrams")
def cpgrams_group() -> None:
    """Import grievances CPGRAMS forwarded, and export their disposal status for upload back."""


@cpgrams_group.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Check a file without importing it: every problem, with its line."""

    raw = file.read_bytes()

    async def work(cpgrams: CpgramsExchange) -> None:
        rows, problems = await cpgrams.check(raw)
        if problems:
            raise ImportRefused(problems)
        click.echo(f"{len(rows)} row(s), no problem.")

    try:
        _run(work)
    except ImportRefused as exc:
        _refused(exc)


@cpgrams_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reason", default="CPGRAMS forwarding imported", show_default=True, help="For the audit trail."
)
def import_file(file: Path, reason: str) -> None:
    """Import FILE: every row or none. Importing the same file again skips what is already in."""
    actor = Actor(subject=f"system:cli:{getpass.getuser()}", role="system", client_ip="local", reason=reason)
    try:
        done = _run(lambda cpgrams: cpgrams.import_file(file.read_bytes(), actor))
    except ImportRefused as exc:
        _refused(exc)
        return
    for registration, number in done.filed:
        click.echo(f"filed   {registration} -> {number}")
    for registration, number in done.appeals:
        click.echo(f"appeal  {registration} -> {number}")
    click.echo(
        f"{len(done.filed)} filed, {len(done.appeals)} appeal(s), {len(done.skipped)} imported before."
    )


@cpgrams_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only grievances CPGRAMS received from this day."
)
def export(file: Path, since: dt.datetime | None) -> None:
    """Write the disposal status of every imported grievance to FILE (CSV) for upload to CPGRAMS."""
    text = _run(lambda cpgrams: cpgrams.export(since.date() if since else None))
    file.write_text(text, encoding="utf-8")
    click.echo(f"{text.count(chr(10)) - 1} row(s) written to {file}")
