"""Writing an application's status and its timeline together, in the caller's transaction.

Used by submission and by the delivery worker, so every change of status leaves an event and an audit entry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from catalogue.models import Text
from gateway.applications.statuses import department_says, status_message
from gateway.applications.tables import Application, ApplicationEvent
from gateway.audit import Actor, AuditTrail, Pending

__all__ = ["APPLICATIONS", "EVENTS", "Change", "record_changes"]

APPLICATIONS = Application.__table__  # type: ignore[attr-defined]
EVENTS = ApplicationEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Change:
    """A change of an application's status: the timeline event's kind, the new status, its message.

    ``message`` is the gateway's own text in both languages, or a department's words as it sent them;
    without one the status's own message is written.
    """

    reference: str
    kind: str
    status: str
    message: Text | str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def text(self) -> Text:
        if isinstance(self.message, Text):
            return self.message
        if self.message:
            return department_says(self.message)
        return status_message(self.status)


_STATUS_UPDATES: dict[tuple[str, ...], Any] = {}


def _status_update(names: tuple[str, ...]) -> Any:
    """The update of an application's status and of the columns ``names``, built once per set of names
    (building it cost more than running it)."""
    statement = _STATUS_UPDATES.get(names)
    if statement is None:
        statement = _STATUS_UPDATES[names] = (
            update(APPLICATIONS)
            .where(APPLICATIONS.c.reference == bindparam("b_reference"))
            .values(
                status=bindparam("b_status"),
                status_message=bindparam("b_message"),
                status_message_hi=bindparam("b_message_hi"),
                updated_at=bindparam("b_now"),
                **{name: bindparam(f"b_{name}") for name in names},
            )
        )
    return statement


async def record_changes(
    conn: AsyncConnection, audit: AuditTrail, actor: Actor, changes: list[Change], at: float | None = None
) -> None:
    """Set each application's status, add the events to their timelines and the audit trail, in the
    caller's transaction: one executemany update per shape of change, one insert of all the events and one
    audit append. ``at`` is the time of the change (the caller's clock); now by default."""
    now = time.time() if at is None else at
    events: list[dict[str, Any]] = []
    entries: list[Pending] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        text = change.text()
        en, hi = text.en[:1000], text.hi[:1000]
        values = {
            "b_reference": change.reference,
            "b_status": change.status,
            "b_message": en,
            "b_message_hi": hi,
        }
        values.update({f"b_{name}": value for name, value in change.extra.items()})
        updates.setdefault(tuple(sorted(change.extra)), []).append(values)
        events.append({"reference": change.reference, "at": now, "kind": change.kind, "status": change.status,
                       "message": en, "message_hi": hi, "actor": actor.subject[:80]})  # fmt: skip
        entries.append((actor, f"application.{change.kind}", f"application:{change.reference}",
                        {"status": change.status}))  # fmt: skip
    for names, rows in updates.items():
        for row in rows:
            row["b_now"] = now
        await conn.execute(_status_update(names), rows)
    if events:
        await conn.execute(insert(EVENTS), events)
        await audit.append_many(conn, entries)
