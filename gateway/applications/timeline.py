"""Writing an application's status and its timeline together, in the caller's transaction.

Used by submission and by the delivery worker, so every change of status leaves an event and an audit entry.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.applications.statuses import MESSAGES
from gateway.applications.tables import Application, ApplicationEvent
from gateway.audit.trail import Actor, AuditTrail

__all__ = ["APPLICATIONS", "EVENTS", "add_event", "change_status"]

APPLICATIONS = Application.__table__  # type: ignore[attr-defined]
EVENTS = ApplicationEvent.__table__  # type: ignore[attr-defined]


async def add_event(
    conn: AsyncConnection, reference: str, kind: str, status: str, message: str, actor: str, at: float
) -> None:
    await conn.execute(
        insert(EVENTS).values(
            reference=reference, at=at, kind=kind, status=status, message=message[:1000], actor=actor[:80]
        )
    )


async def change_status(
    conn: AsyncConnection,
    audit: AuditTrail,
    actor: Actor,
    reference: str,
    *,
    kind: str,
    status: str,
    message: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Set the citizen-facing status, add it to the timeline and to the audit trail."""
    now = time.time()
    text = message if message is not None else MESSAGES.get(status, ("", ""))[0]
    values: dict[str, Any] = {
        "status": status,
        "status_message": text[:1000],
        "updated_at": now,
        **(extra or {}),
    }
    await conn.execute(update(APPLICATIONS).where(APPLICATIONS.c.reference == reference).values(**values))
    await add_event(conn, reference, kind, status, text, actor.subject, now)
    await audit.append(conn, actor, f"application.{kind}", f"application:{reference}", {"status": status})
