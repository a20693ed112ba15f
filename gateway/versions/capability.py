"""The catalogue versions capability: every catalogue seva serves is kept, and auditors read the history.

While the server runs, the catalogue it starts with is recorded before it answers, and each catalogue a
reload swaps in is recorded as soon as it is served (the reload runs in a worker thread; the recording is
handed to the server's event loop). Submissions make sure of it again before writing a judgement, so a
process that only submits (or a failed recording) never leaves a judgement without its catalogue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import Future
from dataclasses import dataclass

from litestar import Litestar

from catalogue import Catalogue
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform
from gateway.versions.errors import ServiceNotInVersion, UnknownCatalogueVersion
from gateway.versions.policy import POLICY
from gateway.versions.routes import ServiceHistoryController, VersionController
from gateway.versions.service import CatalogueVersions

__all__ = ["VersionsBuilt", "build_versions"]

log = logging.getLogger("seva.catalogue")


@dataclass(slots=True)
class VersionsBuilt:
    service: CatalogueVersions
    capability: Capability


def build_versions(platform: Platform) -> VersionsBuilt:
    holder = platform.catalogue
    service = CatalogueVersions(platform.engine, lambda: holder.current, platform.audit, platform.clock)

    @contextlib.asynccontextmanager
    async def recording(app: Litestar) -> AsyncIterator[None]:
        await service.record(holder.current)
        loop = asyncio.get_running_loop()
        pending = service.pending
        serving = True

        def on_change(catalogue: Catalogue) -> None:
            if not serving:
                return
            future = asyncio.run_coroutine_threadsafe(service.record(catalogue), loop)
            pending.add(future)
            future.add_done_callback(lambda done: _settled(done, pending))

        holder.on_change(on_change)
        try:
            yield
        finally:
            serving = False
            for future in list(pending):
                with contextlib.suppress(Exception):
                    await asyncio.wrap_future(future)

    capability = Capability(
        "versions",
        route_handlers=[VersionController, ServiceHistoryController],
        dependencies={"versions": provide(service)},
        errors=[ServiceNotInVersion, UnknownCatalogueVersion],
        lifespans=[recording],
        policy=POLICY,
    )
    return VersionsBuilt(service, capability)


def _settled(done: Future[None], pending: set[Future[None]]) -> None:
    pending.discard(done)
    error = None if done.cancelled() else done.exception()
    if error is not None:
        log.error("catalogue version not recorded (a submission will record it): %s", error)
