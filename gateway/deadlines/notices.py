"""Text messages about the guarantee: written in the transaction of the step they tell of, sent after it
commits, through the notifier port.

A step and its notice commit together, so no step goes untold and no notice tells of a step that rolled
back. ``flush`` claims waiting notices by moving ``send_at`` on by a lease (``SKIP LOCKED`` on
PostgreSQL), sends each and marks it sent; a sender that dies between sending and marking leaves the
notice to be sent again when the lease runs out (at least once, never lost). Numbers are looked up when
sending: a member's from the registry, an officer's from their staff account, never kept here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.tables import Member
from gateway.database import is_postgres
from gateway.deadlines.tables import NoticeRow
from gateway.notifications import NotificationFailed, Notifier, TextMessage
from gateway.platform.clock import Clock

__all__ = ["NOTICES", "Notices", "StaffContacts"]

NOTICES = NoticeRow.__table__  # type: ignore[attr-defined]
_N = NOTICES.c
_MEMBERS = Member.__table__  # type: ignore[attr-defined]
log = logging.getLogger("seva.deadlines")

StaffContacts = tuple[
    Callable[[str, str, str | None], Awaitable[list[tuple[str, str]]]],  # officers of a post: (id, mobile)
    Callable[[str], Awaitable[str | None]],  # one account's mobile
]
_LEASE = 60.0
_GIVE_UP = 20  # attempts; a notice that cannot be sent for so long is logged and left


class Notices:
    def __init__(
        self, engine: AsyncEngine, notifier: Notifier, clock: Clock, contacts: StaffContacts | None = None
    ) -> None:
        self.engine = engine
        self.notifier = notifier
        self.clock = clock
        self.contacts = contacts
        self.postgres = is_postgres(engine)

    @staticmethod
    async def add(conn: AsyncConnection, rows: list[dict[str, Any]], at: float) -> None:
        """Queue notices in the caller's transaction: each ``{reference, recipient, kind, text}``."""
        if rows:
            await conn.execute(
                insert(NOTICES), [{**r, "send_at": at, "attempts": 0, "sent_at": None} for r in rows]
            )

    async def flush(self, limit: int = 200) -> int:
        """Send waiting notices; return how many were sent."""
        sent = 0
        while True:
            claimed = await self._claim(limit)
            if not claimed:
                return sent
            done: list[int] = []
            for notice in claimed:
                if await self._send(notice):
                    done.append(notice.id)
            if done:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(NOTICES).where(_N.id.in_(done)).values(sent_at=self.clock.time())
                    )
            sent += len(done)
            if len(claimed) < limit or len(done) < len(claimed):
                return sent

    async def _claim(self, limit: int) -> list[Any]:
        now = self.clock.time()
        candidates = (
            select(_N.id)
            .where(_N.sent_at.is_(None), _N.send_at <= now, _N.attempts < _GIVE_UP)
            .order_by(_N.send_at)
            .limit(limit)
        )
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(NOTICES)
            .where(_N.id.in_(candidates.scalar_subquery()))
            .values(send_at=now + _LEASE, attempts=_N.attempts + 1)
            .returning(_N.id, _N.reference, _N.recipient, _N.kind, _N.text)
        )
        async with self.engine.begin() as conn:
            return list((await conn.execute(statement)).all())

    async def _numbers(self, recipient: str) -> list[str]:
        kind, _, name = recipient.partition(":")
        if kind == "member":
            async with self.engine.connect() as conn:
                found = await conn.execute(select(_MEMBERS.c.mobile).where(_MEMBERS.c.member_id == name))
                row = found.first()
            return [row[0]] if row is not None and row[0] else []
        if self.contacts is None:
            return []
        officers, mobile_of = self.contacts
        if kind == "staff":
            mobile = await mobile_of(name)
            return [mobile] if mobile else []
        if kind == "position":
            department, district, tehsil = name.split("/", 2)
            return [m for _, m in await officers(department, district, None if tehsil == "-" else tehsil)]
        return []

    async def _send(self, notice: Any) -> bool:
        try:
            for mobile in await self._numbers(notice.recipient):
                await self.notifier.send(TextMessage(mobile=mobile, text=notice.text, purpose=notice.kind))
        except NotificationFailed as exc:
            log.warning("notice %s for %s not sent yet: %s", notice.id, notice.reference, exc)
            return False
        return True
