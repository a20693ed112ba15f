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
from gateway.audit.trail import Actor, AuditTrail, Pending

__all__ = ["APPLICATIONS", "EVENTS", "Change", "record_changes"]

APPLICATIONS = Application.__table__  # type: ignore[attr-defined]
EVENTS = ApplicationEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Change:
    """A change of an application's status: the timeline event's kind, the new status, its message."""

    reference: str
    kind: str
    status: str
    message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def record_changes(
    conn: AsyncConnection, audit: AuditTrail, actor: Actor, changes: list[Change]
) -> None:
    """Set each application's status, add the events to their timelines and the audit trail, in the
    caller's transaction: one executemany update per shape of change, one insert of all the events and one
    audit append."""
    now = time.time()
    events: list[dict[str, Any]] = []
    entries: list[Pending] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        text = change.message if change.message is not None else MESSAGES.get(change.status, ("", ""))[0]
        values = {"b_reference": change.reference, "b_status": change.status, "b_message": text[:1000]}
        values.update({f"b_{name}": value for name, value in change.extra.items()})
        updates.setdefault(tuple(sorted(change.extra)), []).append(values)
        events.append({"reference": change.reference, "at": now, "kind": change.kind, "status": change.status,
                       "message": text[:1000], "actor": actor.subject[:80]})  # fmt: skip
        entries.append((actor, f"application.{change.kind}", f"application:{change.reference}",
                        {"status": change.status}))  # fmt: skip
    for names, rows in updates.items():
        statement = (
            update(APPLICATIONS)
            .where(APPLICATIONS.c.reference == bindparam("b_reference"))
            .values(
                status=bindparam("b_status"),
                status_message=bindparam("b_message"),
                updated_at=now,
                **{name: bindparam(f"b_{name}") for name in names},
            )
        )
        await conn.execute(statement, rows)
    if events:
        await conn.execute(insert(EVENTS), events)
        await audit.append_many(conn, entries)
