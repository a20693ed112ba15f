"""The deadlines capability: the guarantee's clocks, the watcher, appeals and penalties, the reports.

``build_deadlines`` is used by ``create_app`` (which runs the watcher inside the server when configured
to, as the delivery workers are) and by ``seva watcher`` (which runs it on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Litestar

from gateway.deadlines.clocks import Clocks
from gateway.deadlines.errors import (
    AppealDecided,
    AppealNotAllowed,
    AppealNotFound,
    AppealOutOfTime,
    AppealRefused,
    NoGuarantee,
    NotTheApplicant,
    ReportRefused,
)
from gateway.deadlines.guarantee import DEFAULT_FILE, load_guarantee
from gateway.deadlines.notices import Notices, StaffContacts
from gateway.deadlines.observed import escalations_reader
from gateway.deadlines.policy import POLICY
from gateway.deadlines.routes import AppealController, GuaranteeController, ReportController
from gateway.deadlines.service import Deadlines
from gateway.deadlines.watcher import DeadlineWatcher, WatcherOptions
from gateway.notifications import Notifier
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["DeadlinesBuilt", "build_deadlines"]


@dataclass(slots=True)
class DeadlinesBuilt:
    service: Deadlines
    watcher: DeadlineWatcher
    capability: Capability


def build_deadlines(
    platform: Platform, notifier: Notifier, contacts: StaffContacts | None = None, *, inprocess: bool = False
) -> DeadlinesBuilt:
    settings = platform.settings
    data = load_guarantee(settings.guarantee_file or DEFAULT_FILE)
    clocks = Clocks(lambda: platform.catalogue.current, platform.clock, data)
    notices = Notices(platform.engine, notifier, platform.clock, contacts)
    service = Deadlines(platform.engine, clocks, platform.audit, notices)
    options = WatcherOptions(
        batch=settings.watcher_batch,
        lease_seconds=settings.watcher_lease_seconds,
        idle_seconds=settings.watcher_idle_seconds,
    )
    watcher = DeadlineWatcher(platform.engine, clocks, platform.audit, notices, options)
    platform.metrics.read_before_export(escalations_reader(platform.engine))

    @contextlib.asynccontextmanager
    async def watching(app: Litestar) -> AsyncIterator[None]:
        if not inprocess:
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(watcher.run(stop))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)

    capability = Capability(
        "deadlines",
        route_handlers=[GuaranteeController, AppealController, ReportController],
        dependencies={"deadlines": provide(service)},
        errors=[
            AppealDecided,
            AppealNotAllowed,
            AppealNotFound,
            AppealOutOfTime,
            AppealRefused,
            NoGuarantee,
            NotTheApplicant,
            ReportRefused,
        ],
        lifespans=[watching],
        policy=POLICY,
    )
    return DeadlinesBuilt(service, watcher, capability)
