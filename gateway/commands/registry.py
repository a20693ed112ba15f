"""``seva registry import|export|synth|demo``: fill the family registry, and read it back out."""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import CatalogueInvalid, load_catalogue
from family_registry.aadhaar import AadhaarHasher
from family_registry.csv_format import COLUMNS
from family_registry.demo_fit import demo_fit
from family_registry.errors import AadhaarKeyMismatch, ImportFileError
from family_registry.exporter import export_csv
from family_registry.importer import ImportReport, import_csv, import_rows
from family_registry.keys import load_or_create_key
from family_registry.store import Registry
from family_registry.synth import Synthesizer
from gateway.database import create_engine, upgrade
from gateway.settings import Settings

__all__ = ["registry_group"]

T = TypeVar("T")
# Progress bars go to stderr, so the summary on stdout stays clean for scripts.
_PROGRESS = Console(stderr=True)
DEMO_FAMILIES = 1000
DEMO_SEED = 2026


def _run(work: Callable[[AsyncEngine, AadhaarHasher], Awaitable[T]]) -> T:
    """Run ``work`` against the migrated database of the settings, with the registry's Aadhaar key."""
    settings = Settings.from_env()
    hasher = AadhaarHasher(load_or_create_key(settings.aadhaar_key, settings.data_dir))

    async def go() -> T:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await work(engine, hasher)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except (ImportFileError, AadhaarKeyMismatch) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _report(report: ImportReport) -> None:
    click.echo(report.summary())
    if report.rejects_path is not None:
        click.echo(f"{report.rejected:,} rejected rows, each with its line and reason: {report.rejects_path}")


@click.group("registry")
def registry_group() -> None:
    """Import, export and generate the family registry."""


@registry_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Default: FILE.rejects.csv")
@click.option(
    "--batch",
    default=10_000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows per transaction.",
)
def import_command(file: Path, rejects: Path | None, batch: int) -> None:
    """Import families and members from FILE (CSV, one row per member; docs/registry.md).

    Importing a file again updates what changed and duplicates nothing. Exit 0 when every row was
    accepted, 1 when some were rejected (listed in the rejects file), 2 when the file cannot be imported.
    """
    size = file.stat().st_size
    columns = [
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=_PROGRESS, transient=True) as bar:
        task = bar.add_task("import", total=size)

        async def work(engine: AsyncEngine, hasher: AadhaarHasher) -> ImportReport:
            return await import_csv(
                engine,
                file,
                hasher,
                rejects,
                batch_size=batch,
                progress=lambda done, _total: bar.update(task, completed=done),
            )

        report = _run(work)
    _report(report)
    sys.exit(1 if report.rejected else 0)


@registry_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path) -> None:
    """Write the whole registry to FILE in the import format (Aadhaar numbers masked)."""

    async def work(engine: AsyncEngine, hasher: AadhaarHasher) -> int:
        _, members = await Registry(engine, hasher).counts()
        columns = [TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=_PROGRESS, transient=True) as bar:
            task = bar.add_task("export", total=members)
            return await export_csv(engine, file, progress=lambda done: bar.update(task, completed=done))

    count = _run(work)
    click.echo(f"{count:,} members written to {file}")


def _numbered(rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str], None]]:
    for line, row in enumerate(rows, start=2):  # line 1 would be the header
        yield line, row, None


async def _load_synthetic(
    engine: AsyncEngine, hasher: AadhaarHasher, families: int, seed: int
) -> ImportReport | None:
    existing, _ = await Registry(engine, hasher).counts()
    if existing:
        click.echo(
            f"The registry already holds {existing:,} families; synthetic families go only into an empty one."
        )
        return None
    columns = [
        TextColumn("loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("members"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=_PROGRESS, transient=True) as bar:
        task = bar.add_task("synth", total=None)
        rejected: list[str] = []
        report = await import_rows(
            engine,
            list(COLUMNS),
            _numbered(Synthesizer(seed).rows(families)),
            hasher,
            lambda r: rejected.append(f"{r.line}: {r.reason}"),
            progress=lambda rows: bar.update(task, completed=rows),
        )
    for reason in rejected[:10]:
        click.echo(f"rejected synthetic row {reason}", err=True)
    return report


@registry_group.command("synth")
@click.option("--families", required=True, type=click.IntRange(1, 10_000_000), help="How many families.")
@click.option("--seed", required=True, type=int, help="The same seed always makes the same registry.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write CSV here instead of loading."
)
def synth_command(families: int, seed: int, out: Path | None) -> None:
    """Make a realistic synthetic registry of Madhya Pradesh: write it to --out, or load it into an empty
    registry."""
    if out is None:
        report = _run(lambda engine, hasher: _load_synthetic(engine, hasher, families, seed))
        if report is None:
            sys.exit(1)
        _report(report)
        return
    columns = [
        TextColumn("writing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("families"),
        TimeElapsedColumn(),
    ]
    rows = 0
    progress = Progress(*columns, console=_PROGRESS, transient=True)
    with out.open("w", encoding="utf-8", newline="") as handle, progress as bar:
        task = bar.add_task("synth", total=families)
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        last_family = None
        done = 0
        for row in Synthesizer(seed).rows(families):
            writer.writerow(row)
            rows += 1
            if row[0] != last_family:
                last_family = row[0]
                done += 1
                if done % 1000 == 0:
                    bar.update(task, completed=done)
    click.echo(f"{families:,} families, {rows:,} members written to {out}")


def _check_demo_fits_the_catalogue(force: bool) -> None:
    """Refuse (exit 2) when the catalogue is of another state than the demo families, unless ``force``;
    warn when some of their districts are missing from it."""
    path = Settings.from_env().catalogue
    try:
        catalogue = load_catalogue(path)
    except CatalogueInvalid as exc:
        count = len(exc.problems)
        click.echo(
            f"error: the catalogue {path} does not load ({count} problem{'s' if count != 1 else ''}); "
            f"see them with `seva catalogue check {path}`, fix them, then run `seva registry demo` again.",
            err=True,
        )
        sys.exit(2)
    fit = demo_fit(catalogue)
    if fit.refusal is not None and not force:
        click.echo(f"error: {fit.refusal}", err=True)
        sys.exit(2)
    if fit.refusal is not None:
        click.echo(f"warning (--force): {fit.refusal}", err=True)
    for warning in fit.warnings:
        click.echo(f"warning: {warning}", err=True)


@registry_group.command("demo")
@click.option("--families", default=DEMO_FAMILIES, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=DEMO_SEED, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Load the demo families even beside another state's catalogue.")
def demo_command(families: int, seed: int, force: bool) -> None:
    """Load a synthetic demo registry of Madhya Pradesh, only if the registry is empty (so `make run` may
    run it every time), and only beside a catalogue of the same state (``--force`` to load it anyway)."""
    _check_demo_fits_the_catalogue(force)
    report = _run(lambda engine, hasher: _load_synthetic(engine, hasher, families, seed))
    if report is not None:
        _report(report)
