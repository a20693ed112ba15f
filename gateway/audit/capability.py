"""The audit capability: the auditor's routes over the platform's trail, and the sealer that chains it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar

from gateway.audit.policy import POLICY
from gateway.audit.routes import AuditController
from gateway.audit.sealer import AuditSealer, HeadFile
from gateway.audit.service import AuditReader
from gateway.audit.trail import HeadMissing, TrailUnavailable
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["build_audit", "build_sealer", "sealing"]


def build_sealer(platform: Platform) -> AuditSealer:
    """The sealer of this process, as the settings say (`seva serve`, `seva workers`, `seva audit seal`)."""
    settings = platform.settings
    return AuditSealer(
        platform.engine,
        batch=settings.audit_seal_batch,
        idle_seconds=settings.audit_seal_seconds,
        heads=HeadFile(settings.audit_head_path),
        now=platform.clock.now,
    )


@contextlib.asynccontextmanager
async def sealing(sealer: AuditSealer) -> AsyncIterator[None]:
    """Run ``sealer`` for the duration of the block; at the end, it seals what is left and stops."""
    stop = asyncio.Event()
    task = asyncio.create_task(sealer.run(stop))
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)


def build_audit(platform: Platform) -> Capability:
    settings = platform.settings
    sealer = build_sealer(platform)
    reader = AuditReader(platform.audit, settings.audit_head_path)

    def running(app: Litestar) -> contextlib.AbstractAsyncContextManager[None]:
        return sealing(sealer) if settings.audit_sealer else contextlib.nullcontext()

    return Capability(
        "audit",
        route_handlers=[AuditController],
        dependencies={"audit_reader": provide(reader)},
        errors=[HeadMissing, TrailUnavailable],
        lifespans=[running],
        policy=POLICY,
        state={"sealer": sealer},
    )
