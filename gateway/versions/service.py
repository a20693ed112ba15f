"""Keeping every catalogue version seva serves, and reading the history back for auditors.

``record`` writes a catalogue (the file's bytes, and each service's definition) once per digest: the server
records the catalogue it starts with and each one a reload swaps in, and a submission makes sure the
catalogue it was judged under is recorded before its judgement is written. Every insert skips a row that is
already there (``ON CONFLICT DO NOTHING``), so processes recording the same catalogue at once agree, and the
earliest time any of them recorded stays as ``first_served_at``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import zlib
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue import Catalogue
from catalogue.changes import ServiceChange, definitions, service_changes
from catalogue.models import Text
from gateway.audit import AuditTrail
from gateway.platform.clock import Clock
from gateway.platform.guard import Caller
from gateway.versions.errors import ServiceNotInVersion, UnknownCatalogueVersion
from gateway.versions.policy import POLICY
from gateway.versions.tables import CatalogueVersion, CatalogueVersionService, ServiceDefinition
from schemas.versions_api import (
    CatalogueVersionOut,
    CatalogueVersionPage,
    ServiceChanges,
    ServiceVersionOut,
    ServiceVersionPage,
)

__all__ = ["COMPRESS_FROM", "CatalogueVersions", "document_names", "file_bytes"]

log = logging.getLogger("seva.catalogue")

VERSIONS = CatalogueVersion.__table__  # type: ignore[attr-defined]
DEFINITIONS = ServiceDefinition.__table__  # type: ignore[attr-defined]
HELD = CatalogueVersionService.__table__  # type: ignore[attr-defined]

COMPRESS_FROM = 16 * 1024  # bytes of a file from which it is kept compressed
_ROWS = 500  # rows per insert statement
_PREFIX = re.compile(r"[0-9a-f]{8,64}")


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def file_bytes(encoding: str, content: bytes) -> bytes:
    """The file's own bytes from what the table holds."""
    return zlib.decompress(content) if encoding == "zlib" else bytes(content)


def _version_row(catalogue: Catalogue, now: float) -> dict[str, Any]:
    text = catalogue.text
    big = len(text) >= COMPRESS_FROM
    return {
        "digest": catalogue.digest,
        "first_served_at": now,
        "size_bytes": len(text),
        "services": len(catalogue.services),
        "encoding": "zlib" if big else "plain",
        "content": zlib.compress(text, 6) if big else text,
    }


async def _insert_new(conn: AsyncConnection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping those whose key is already there."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), _ROWS):
        await conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows[start : start + _ROWS])


class CatalogueVersions:
    """The catalogue's history: recording versions, and the auditors' reads of it."""

    def __init__(self, engine: AsyncEngine, current: Any, audit: AuditTrail, clock: Clock) -> None:
        """``current``: a callable giving the catalogue served now."""
        self.engine = engine
        self.current = current
        self.audit = audit
        self.clock = clock
        self._recorded: set[str] = set()
        self._lock = asyncio.Lock()
        # Recordings of reloaded catalogues still under way (a test waits for them instead of sleeping).
        self.pending: set[Future[None]] = set()

    async def ensure(self, catalogue: Catalogue) -> None:
        """Make sure ``catalogue`` is recorded; costs nothing once this process has recorded it."""
        if catalogue.digest not in self._recorded:
            await self.record(catalogue)

    async def record(self, catalogue: Catalogue) -> None:
        """Record ``catalogue`` (its file and every service's definition) unless it already is."""
        async with self._lock:
            if catalogue.digest in self._recorded:
                return
            async with self.engine.connect() as conn:
                known = (
                    await conn.execute(select(VERSIONS.c.digest).where(VERSIONS.c.digest == catalogue.digest))
                ).first()
            if known is None:
                await self._write(catalogue)
            self._recorded.add(catalogue.digest)

    async def _write(self, catalogue: Catalogue) -> None:
        defined = await asyncio.to_thread(definitions, catalogue)
        version = await asyncio.to_thread(_version_row, catalogue, self.clock.time())
        definition_rows = [
            {"digest": d.digest, "service_code": code, "definition": d.json.decode()}
            for code, d in defined.items()
        ]
        held_rows = [
            {"catalogue_digest": catalogue.digest, "service_code": code, "definition_digest": d.digest}
            for code, d in defined.items()
        ]
        async with self.engine.begin() as conn:
            await _insert_new(conn, DEFINITIONS, definition_rows)
            await _insert_new(conn, HELD, held_rows)
            # The version row last: a version that is there has all its services.
            await _insert_new(conn, VERSIONS, [version])
        log.info("catalogue version %s recorded (%d services)", catalogue.digest[:12], len(defined))

    async def _digest(self, conn: AsyncConnection, prefix: str) -> str:
        """The one recorded digest starting with ``prefix``; ``UnknownCatalogueVersion`` otherwise."""
        if not _PREFIX.fullmatch(prefix):
            raise UnknownCatalogueVersion(prefix[:64])
        found = (
            await conn.execute(
                select(VERSIONS.c.digest)
                .where(VERSIONS.c.digest.startswith(prefix, autoescape=True))
                .limit(2)
            )
        ).all()
        if len(found) != 1:
            raise UnknownCatalogueVersion(prefix, several=len(found) > 1)
        return str(found[0].digest)

    async def versions(self, caller: Caller) -> CatalogueVersionPage:
        """Every catalogue version served, oldest first."""
        POLICY.versions.scope(caller.signed_in)
        served = self.current().digest
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(
                        VERSIONS.c.digest,
                        VERSIONS.c.first_served_at,
                        VERSIONS.c.size_bytes,
                        VERSIONS.c.services,
                    ).order_by(VERSIONS.c.first_served_at, VERSIONS.c.digest)
                )
            ).all()
        await self.audit.record(caller.actor, POLICY.versions.action, "catalogue", {"count": len(rows)})
        return CatalogueVersionPage(
            items=[
                CatalogueVersionOut(
                    digest=row.digest,
                    first_served_at=_iso(row.first_served_at),
                    size_bytes=row.size_bytes,
                    services=row.services,
                    served=row.digest == served,
                )
                for row in rows
            ]
        )

    async def file(self, caller: Caller, prefix: str) -> tuple[str, bytes]:
        """The digest and the file's own bytes of the version ``prefix`` names."""
        POLICY.file.scope(caller.signed_in)
        async with self.engine.connect() as conn:
            digest = await self._digest(conn, prefix)
            row = (
                await conn.execute(
                    select(VERSIONS.c.encoding, VERSIONS.c.content).where(VERSIONS.c.digest == digest)
                )
            ).one()
        await self.audit.record(caller.actor, POLICY.file.action, f"catalogue:{digest}")
        return digest, file_bytes(row.encoding, row.content)

    async def service_versions(self, caller: Caller, code: str) -> ServiceVersionPage:
        """The versions holding service ``code``, oldest first, each saying whether the service changed."""
        POLICY.service.scope(caller.signed_in)
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(VERSIONS.c.digest, VERSIONS.c.first_served_at, HELD.c.definition_digest)
                    .join(HELD, HELD.c.catalogue_digest == VERSIONS.c.digest)
                    .where(HELD.c.service_code == code)
                    .order_by(VERSIONS.c.first_served_at, VERSIONS.c.digest)
                )
            ).all()
        if not rows:
            raise ServiceNotInVersion(code)
        await self.audit.record(caller.actor, POLICY.service.action, f"service:{code}", {"count": len(rows)})
        items = []
        previous = None
        for row in rows:
            items.append(
                ServiceVersionOut(
                    catalogue_digest=row.digest,
                    first_served_at=_iso(row.first_served_at),
                    definition_digest=row.definition_digest,
                    changed=row.definition_digest != previous,
                )
            )
            previous = row.definition_digest
        return ServiceVersionPage(service_code=code, items=items)

    async def history(self, code: str) -> list[tuple[ServiceVersionOut, list[ServiceChange]]]:
        """The versions in which service ``code`` changed, newest first, each with what changed from the
        one before it (nothing for the first): the public page of a service's history. The catalogue is
        public, and so is what it said before; ``ServiceNotInVersion`` when no version held the service."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(
                        VERSIONS.c.digest,
                        VERSIONS.c.first_served_at,
                        HELD.c.definition_digest,
                        DEFINITIONS.c.definition,
                    )
                    .join(HELD, HELD.c.catalogue_digest == VERSIONS.c.digest)
                    .join(DEFINITIONS, DEFINITIONS.c.digest == HELD.c.definition_digest)
                    .where(HELD.c.service_code == code)
                    .order_by(VERSIONS.c.first_served_at, VERSIONS.c.digest)
                )
            ).all()
        if not rows:
            raise ServiceNotInVersion(code)
        names = document_names(self.current())
        found: list[tuple[ServiceVersionOut, list[ServiceChange]]] = []
        previous: dict[str, Any] | None = None
        last = None
        for row in rows:
            if row.definition_digest == last:
                continue
            defined = msgspec.json.decode(row.definition)
            version = ServiceVersionOut(
                catalogue_digest=row.digest,
                first_served_at=_iso(row.first_served_at),
                definition_digest=row.definition_digest,
                changed=True,
            )
            found.append((version, service_changes(previous, defined, names) if previous is not None else []))
            previous, last = defined, row.definition_digest
        return found[::-1]

    async def definition(self, digest: str) -> dict[str, Any]:
        """The definition kept under ``digest`` (a judgement names the one it was judged against)."""
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(select(DEFINITIONS.c.definition).where(DEFINITIONS.c.digest == digest))
            ).first()
        if found is None:
            raise LookupError(f"no service definition {digest}")  # never: written before any judgement
        return msgspec.json.decode(found.definition)

    async def _definition(self, conn: AsyncConnection, digest: str, code: str) -> dict[str, Any]:
        found = (
            await conn.execute(
                select(DEFINITIONS.c.definition)
                .join(HELD, HELD.c.definition_digest == DEFINITIONS.c.digest)
                .where(HELD.c.catalogue_digest == digest, HELD.c.service_code == code)
            )
        ).first()
        if found is None:
            raise ServiceNotInVersion(code, digest)
        return msgspec.json.decode(found.definition)

    async def changes(self, caller: Caller, code: str, before: str, after: str | None) -> ServiceChanges:
        """What changed in service ``code`` from the version ``before`` to ``after`` (default: the one
        served now). Digests may be given by a prefix of 8 or more characters."""
        POLICY.changes.scope(caller.signed_in)
        catalogue = self.current()
        await self.ensure(catalogue)
        async with self.engine.connect() as conn:
            old_digest = await self._digest(conn, before)
            new_digest = await self._digest(conn, after) if after else catalogue.digest
            old = await self._definition(conn, old_digest, code)
            new = await self._definition(conn, new_digest, code)
        await self.audit.record(
            caller.actor, POLICY.changes.action, f"service:{code}", {"from": old_digest, "to": new_digest}
        )
        return ServiceChanges(
            service_code=code,
            from_digest=old_digest,
            to_digest=new_digest,
            changes=service_changes(old, new, document_names(catalogue)),
        )


def document_names(catalogue: Catalogue) -> Mapping[str, Text]:
    """The document types' names, by code, to name documents in a list of changes."""
    return {code: kind.name for code, kind in catalogue.document_types.items()}
