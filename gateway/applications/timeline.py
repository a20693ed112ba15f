"""Writing an application's status and its timeline together, in the caller's transaction.

Used by submission and by the delivery worker, so every change of status leaves an event and an audit entry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.applications.statuses import MESSAGES
from gateway.applications.tables import Application, ApplicationEvent
from gateway.audit import Actor, AuditTrail, Pending

__all__ = ["APPLICATIONS", "EVENTS", "Change", "record_changes"]

APPLICATIONS = Application.__table__  # type: ignore[attr-defined]
EVENTS = ApplicationEvent.__table__  # type: ignore[attr-defined]
_PLAIN = (
    update(APPLICATIONS)
    .where(APPLICATIONS.c.reference == bindparam("b_reference"))
    .values(status=bindparam("b_status"), status_message=bindparam("b_message"))
)


@dataclass(frozen=True, slots=True)
class Change:
    """A change of an application's status: the timeline event's kind, the new status, its message."""

    reference: str
    kind: str
    status: str
    message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def record_changes(
    conn: AsyncConnection, audit: AuditTrail, actor: Actor, changes: list[Change], at: float | None = None
) -> None:
    """Set each application's status, add the events to their timelines and the audit trail: one update
    per application, then one insert of all the events and one audit append, in the caller's transaction.
    ``at`` is the time of the change (the caller's clock); now by default."""
    now = time.time() if at is None else at
    events: list[dict[str, Any]] = []
    entries: list[Pending] = []
    plain: list[dict[str, Any]] = []  # changes of status and message only: one executemany for all of them
    for change in changes:
        text = change.message if change.message is not None else MESSAGES.get(change.status, ("", ""))[0]
        if change.extra:
            await conn.execute(
                update(APPLICATIONS)
                .where(APPLICATIONS.c.reference == change.reference)
                .values(status=change.status, status_message=text[:1000], updated_at=now, **change.extra)
            )
        else:
            plain.append(
                {"b_reference": change.reference, "b_status": change.status, "b_message": text[:1000]}
            )
        events.append({"reference": change.reference, "at": now, "kind": change.kind, "status": change.status,
                       "message": text[:1000], "actor": actor.subject[:80]})  # fmt: skip
        entries.append((actor, f"application.{change.kind}", f"application:{change.reference}",
                        {"status": change.status}))  # fmt: skip
    if plain:
        await conn.execute(_PLAIN.values(updated_at=now), plain)
    if events:
        await conn.execute(insert(EVENTS), events)
        await audit.append_many(conn, entries)
