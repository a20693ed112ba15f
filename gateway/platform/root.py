"""``Platform``: what every capability stands on, built once per process from settings.

The settings, the one clock, the database engine, the catalogue being served, the audit trail, the
server secret and the process's metrics. Capabilities receive it from their builders and never build any
of these themselves, so a test (or the CLI) that passes a ``MovableClock`` or another database gets
them everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import AuditTrail
from gateway.database import create_engine
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.files import private_folder
from gateway.platform.metrics import Metrics
from gateway.platform.server_secret import load_server_secret
from gateway.settings import Settings

__all__ = ["Platform", "build_platform"]


@dataclass(slots=True)
class Platform:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    catalogue: CatalogueHolder
    audit: AuditTrail
    secret: bytes = field(repr=False)
    metrics: Metrics = field(default_factory=Metrics, repr=False)


def build_platform(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    catalogue: CatalogueHolder | None = None,
) -> Platform:
    """The platform of one process. Raises ``CatalogueInvalid`` when the catalogue does not load."""
    clock = clock or SystemClock()
    private_folder(settings.data_dir)
    if engine is None:
        # With SQLAlchemy's default pool, concurrent requests queued for a connection (bench/applications.py:
        # 355 -> 555 submissions/s on SQLite at 20); a SQLite connection is only a thread of this process.
        # All forty kept, none overflowing: an overflow connection is opened and closed around one use,
        # which at 64 requests at once on PostgreSQL was most of a read's cost (bench/http_load.py).
        engine = create_engine(settings.database_url, pool_size=40, max_overflow=0)
    holder = catalogue or CatalogueHolder.load(settings.catalogue, clock=clock)
    return Platform(
        settings=settings,
        clock=clock,
        engine=engine,
        catalogue=holder,
        audit=AuditTrail(engine, clock=clock),
        secret=load_server_secret(settings),
    )
