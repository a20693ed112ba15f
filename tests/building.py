"""Building seva for a test through the same root the application uses (``gateway.bootstrap.build``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import Catalogue, load_catalogue
from gateway.bootstrap import Seva, build
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.clock import Clock
from gateway.settings import Settings
from tests.conftest import CATALOGUE


def test_settings(data_dir: Path, database_url: str, **values: Any) -> Settings:
    """Settings for a test: its own data folder and database, the shipped catalogue, no file watching."""
    defaults: dict[str, Any] = {
        "data_dir": str(data_dir),
        "database_url": database_url,
        "catalogue": str(CATALOGUE),
        "catalogue_watch_seconds": 0,
    }
    return Settings.from_env({}, **{**defaults, **values})


_SHIPPED: list[Catalogue] = []


def shipped_catalogue() -> Catalogue:
    """The repository's catalogue, loaded once per test session."""
    if not _SHIPPED:
        _SHIPPED.append(load_catalogue(CATALOGUE))
    return _SHIPPED[0]


def build_seva(
    data_dir: Path,
    database_url: str,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock | None = None,
    catalogue: Catalogue | None = None,
    **values: Any,
) -> Seva:
    """Every capability over ``database_url``; ``values`` are settings, the keywords parts to use."""
    settings = test_settings(data_dir, database_url, **values)
    holder = CatalogueHolder(settings.catalogue, catalogue or shipped_catalogue(), clock=clock)
    return build(settings, engine=engine, clock=clock, catalogue=holder, inprocess_workers=False)
