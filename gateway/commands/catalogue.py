"""``seva catalogue check`` and ``seva catalogue search``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from catalogue import Catalogue, CatalogueInvalid, load_catalogue
from gateway.settings import Settings

__all__ = ["catalogue_group"]


def _load_or_exit(path: Path) -> Catalogue:
    try:
        return load_catalogue(path)
    except CatalogueInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        plural = "s" if count != 1 else ""
        click.echo(f"{path}: {count} problem{plural}; the catalogue was not loaded.", err=True)
        sys.exit(1)


def _default_path() -> Path:
    return Settings.from_env().catalogue


@click.group("catalogue")
def catalogue_group() -> None:
    """Check and search the service catalogue."""


@catalogue_group.command("check")
@click.argument("file", required=False, type=click.Path(path_type=Path))
def check(file: Path | None) -> None:
    """Validate FILE (default: $SEVA_CATALOGUE or ./catalogue.yaml). Exit 1 listing every problem."""
    path = file or _default_path()
    catalogue = _load_or_exit(path)
    counts = catalogue.services_per_department()
    table = Table(title=f"{path}: {len(catalogue.services)} services in {len(counts)} departments")
    table.add_column("department")
    table.add_column("name")
    table.add_column("services", justify="right")
    for code, count in counts.items():
        table.add_row(code, catalogue.departments[code].name.en, str(count))
    Console(width=110).print(table)
    click.echo(f"OK: {len(catalogue.services)} services, digest {catalogue.digest[:12]}")


@catalogue_group.command("search")
@click.argument("text")
@click.option("--file", type=click.Path(path_type=Path), help="Catalogue file (default: $SEVA_CATALOGUE).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--hindi", is_flag=True, help="Show Hindi names.")
def search(text: str, file: Path | None, limit: int, hindi: bool) -> None:
    """Search services by TEXT in English or Hindi; best matches first. Exit 1 if nothing matches."""
    catalogue = _load_or_exit(file or _default_path())
    hits = catalogue.index.search(text)
    if not hits:
        click.echo(f"No service matches '{text}'.", err=True)
        sys.exit(1)
    for hit in hits[:limit]:
        service = hit.service
        name = service.name.hi if hindi else service.name.en
        click.echo(f"{hit.score:6.1f}  {service.code:<40} {name}  [{service.department}]")
    if len(hits) > limit:
        click.echo(f"... {len(hits) - limit} more")
