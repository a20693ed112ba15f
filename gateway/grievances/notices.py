"""Sending the texts that tell a citizen of each step: the outbox ``grievance_notice``, sent through the
notifier port after the step commits.

``flush`` claims waiting texts by moving ``send_at`` on by a lease (``SKIP LOCKED`` on PostgreSQL),
renders each from its registered template in the citizen's language, sends it (by SMS, and by WhatsApp
too when a second notifier is given) and marks it sent. A provider that is down leaves the text waiting:
it is tried again when its lease runs out, so none is lost; a sender that dies between sending and
marking sends it again (at least once). Numbers are looked up when sending, never kept in the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.tables import Member
from gateway.database import is_postgres
from gateway.grievances.messages import Templates
from gateway.grievances.reference import format_grievance
from gateway.grievances.service import GRIEVANCES, NOTICES
from gateway.notifications import NotificationFailed, Notifier, TextMessage
from gateway.platform.clock import Clock

__all__ = ["GrievanceNotices"]

log = logging.getLogger("seva.grievances")
_N = NOTICES.c
_G = GRIEVANCES.c
MEMBERS = Member.__table__  # type: ignore[attr-defined]
_M = MEMBERS.c
LEASE = 60.0
GIVE_UP = 50  # attempts: about fifty minutes of a provider down before a text is left for a person to see


class GrievanceNotices:
    def __init__(
        self,
        engine: AsyncEngine,
        notifier: Notifier,
        templates: Templates,
        clock: Clock,
        whatsapp: Notifier | None = None,
    ) -> None:
        self.engine = engine
        self.notifier = notifier
        self.whatsapp = whatsapp
        self.templates = templates
        self.clock = clock
        self.postgres = is_postgres(engine)

    async def flush(self, limit: int = 200) -> int:
        """Send waiting texts; return how many were sent."""
        sent = 0
        while True:
            claimed = await self._claim(limit)
            if not claimed:
                return sent
            done = [n.id for n in claimed if await self._send(n)]
            if done:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(NOTICES).where(_N.id.in_(done)).values(sent_at=self.clock.time())
                    )
            sent += len(done)
            if len(claimed) < limit or len(done) < len(claimed):
                return sent

    async def waiting(self) -> int:
        async with self.engine.connect() as conn:
            found = await conn.execute(select(func.count()).select_from(NOTICES).where(_N.sent_at.is_(None)))
            return int(found.scalar_one())

    async def _claim(self, limit: int) -> list[Any]:
        now = self.clock.time()
        candidates = (
            select(_N.id)
            .where(_N.sent_at.is_(None), _N.send_at <= now, _N.attempts < GIVE_UP)
            .order_by(_N.send_at)
            .limit(limit)
        )
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        claim = (
            update(NOTICES)
            .where(_N.id.in_(candidates.scalar_subquery()))
            .values(send_at=now + LEASE, attempts=_N.attempts + 1)
            .returning(_N.id, _N.number, _N.template, _N.level, _N.due_on)
        )
        async with self.engine.begin() as conn:
            claimed = list((await conn.execute(claim)).all())
            numbers = sorted({n.number for n in claimed})
            # The citizen's number: the one given at filing, else the member's in the registry, read in the
            # same query so a round of texts costs one look-up, not one per text.
            whom = {
                r.number: r
                for r in await conn.execute(
                    select(_G.number, _G.language, func.coalesce(_G.mobile, _M.mobile).label("mobile"))
                    .select_from(GRIEVANCES.outerjoin(MEMBERS, _M.member_id == _G.member_id))
                    .where(_G.number.in_(numbers))
                )
            }
        return [_Claimed(n, whom.get(n.number)) for n in claimed]

    async def _send(self, notice: _Claimed) -> bool:
        who = notice.whom
        if who is None:
            return True  # the grievance is gone: nothing to tell
        mobile = who.mobile
        if not mobile:
            return True
        template = self.templates[notice.template]
        body = template.render(who.language, format_grievance(notice.number), notice.level, notice.due_on)
        purpose = f"grievance.{notice.template}"[:32]
        try:
            await self.notifier.send(TextMessage(mobile=mobile, text=body, purpose=purpose))
            if self.whatsapp is not None:
                await self.whatsapp.send(TextMessage(mobile=mobile, text=body, purpose=purpose))
        except NotificationFailed as exc:
            log.warning("text %s on %s not sent yet: %s", notice.id, notice.number, exc)
            return False
        return True


class _Claimed:
    """A claimed text and who it goes to."""

    __slots__ = ("due_on", "id", "level", "number", "template", "whom")

    def __init__(self, row: Any, whom: Any) -> None:
        self.id = row.id
        self.number = row.number
        self.template = row.template
        self.level = row.level
        self.due_on = row.due_on
        self.whom = whom
