"""People's sessions on the web page, kept in the database, and the applications they are filling in.

A session cookie holds 256 random bits; the database keeps only their SHA-256 with the member, the family
and the session's times, so every gateway process reads the same row and signing out ends the session
everywhere. ``SessionStore`` is the guard's ``SessionAuthenticator``: it answers the principal of a live
session, and None for one that is unknown, signed out, idle too long or too old. A process remembers a
live session for ``REMEMBER_SECONDS`` (2) before reading its row again, and forgets it at once when it
signs it out itself: a sign-out in another process is seen within those two seconds. It writes
``seen_at`` at most once a minute, so pages cost about one read every two seconds per person, no writes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from cachetools import TTLCache
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.platform.clock import Clock
from gateway.platform.principal import Principal
from gateway.web.tables import WebDraft, WebSession

__all__ = ["SESSION_COOKIE", "Draft", "SessionStore"]

SESSION_COOKIE = "seva_session"
REMEMBER_SECONDS = 2.0
_SESSIONS = WebSession.__table__  # type: ignore[attr-defined]
_DRAFTS = WebDraft.__table__  # type: ignore[attr-defined]
_SEEN_EVERY = 60.0  # seconds between writes of ``seen_at`` for one session
_DRAFT_DAYS = 7
StaffLookup = Callable[[str], Awaitable[Principal | None]]


async def _no_staff(staff_id: str) -> Principal | None:
    return None


def session_id(value: str) -> str:
    """The key a cookie's value is kept under."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class Draft:
    """An application being filled in: its answers, its idempotency key, and its reference once filed."""

    service_code: str
    member_id: str
    form: dict[str, Any]
    idempotency_key: str
    reference: str | None


class SessionStore:
    cookie = SESSION_COOKIE

    def __init__(
        self,
        engine: AsyncEngine,
        audit: AuditTrail,
        clock: Clock,
        *,
        idle_seconds: int,
        max_seconds: int,
        staff: StaffLookup = _no_staff,
    ) -> None:
        self.engine = engine
        self.staff = staff  # a live staff account's principal, None once revoked
        self.audit = audit
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._live: TTLCache[str, Principal] = TTLCache(
            maxsize=20_000, ttl=REMEMBER_SECONDS, timer=clock.time
        )

    async def create(self, member_id: str, family_id: str, actor: Actor) -> str:
        """A new session for the member; the value to set in the cookie."""
        return await self._start(actor, f"member:{member_id}", member_id=member_id, family_id=family_id)

    async def create_staff(self, staff_id: str, actor: Actor) -> str:
        """A new session for a member of staff; the value to set in the cookie."""
        return await self._start(actor, f"staff:{staff_id}", staff_id=staff_id)

    async def _start(self, actor: Actor, target: str, **who: str) -> str:
        value = secrets.token_urlsafe(32)
        now = self.clock.time()
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(_SESSIONS).values(
                    id=session_id(value), created_at=now, seen_at=now, expires_at=now + self.max_seconds,
                    revoked_at=None, **who,
                )
            )  # fmt: skip
            await self.audit.append(
                conn, actor, "web.session_started", target, {"session": session_id(value)[:8]}
            )
        return value

    async def authenticate(self, value: str) -> Principal | None:
        """The principal of a live session; None for any other cookie."""
        if len(value) > 100:
            return None
        key = session_id(value)
        remembered = self._live.get(key)
        if remembered is not None:
            return remembered
        now = self.clock.time()
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        _SESSIONS.c.member_id,
                        _SESSIONS.c.family_id,
                        _SESSIONS.c.staff_id,
                        _SESSIONS.c.seen_at,
                    ).where(
                        _SESSIONS.c.id == key,
                        _SESSIONS.c.revoked_at.is_(None),
                        _SESSIONS.c.expires_at > now,
                        _SESSIONS.c.seen_at > now - self.idle_seconds,
                    )
                )
            ).first()
        if row is None:
            return None
        principal: Principal | None
        if row.staff_id is not None:
            principal = await self.staff(row.staff_id)  # None once the account is revoked
        elif row.member_id is not None and row.family_id is not None:
            principal = Principal.citizen(row.member_id, row.family_id)
        else:
            principal = None
        if principal is None:
            return None
        if now - row.seen_at >= _SEEN_EVERY:
            async with self.engine.begin() as conn:
                await conn.execute(update(_SESSIONS).where(_SESSIONS.c.id == key).values(seen_at=now))
        self._live[key] = principal
        return principal

    async def revoke(self, value: str, actor: Actor) -> None:
        """Sign out: the session ends here at once, in every other process within ``REMEMBER_SECONDS``,
        and its drafts go with it."""
        key = session_id(value)
        self._live.pop(key, None)
        async with self.engine.begin() as conn:
            ended = await conn.execute(
                update(_SESSIONS)
                .where(_SESSIONS.c.id == key, _SESSIONS.c.revoked_at.is_(None))
                .values(revoked_at=self.clock.time())
                .returning(_SESSIONS.c.member_id, _SESSIONS.c.staff_id)
            )
            row = ended.first()
            await conn.execute(delete(_DRAFTS).where(_DRAFTS.c.session_id == key))
            if row is not None:
                target = f"staff:{row.staff_id}" if row.staff_id else f"member:{row.member_id}"
                await self.audit.append(conn, actor, "web.signout", target, {"session": key[:8]})

    async def sweep(self) -> int:
        """Remove ended sessions and old drafts; how many sessions went."""
        now = self.clock.time()
        async with self.engine.begin() as conn:
            gone = await conn.execute(
                delete(_SESSIONS).where(
                    or_(
                        _SESSIONS.c.expires_at < now,
                        _SESSIONS.c.revoked_at.is_not(None),
                        _SESSIONS.c.seen_at < now - self.idle_seconds,
                    )
                )
            )
            await conn.execute(delete(_DRAFTS).where(_DRAFTS.c.updated_at < now - _DRAFT_DAYS * 86400))
        return int(gone.rowcount or 0)

    # ---- drafts -----------------------------------------------------------------------------------

    async def draft(self, value: str, service_code: str, member_id: str) -> Draft | None:
        key = session_id(value)
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_DRAFTS).where(
                        _DRAFTS.c.session_id == key,
                        _DRAFTS.c.service_code == service_code,
                        _DRAFTS.c.member_id == member_id,
                    )
                )
            ).first()
        if row is None:
            return None
        return Draft(
            service_code, member_id, msgspec.json.decode(row.form), row.idempotency_key, row.reference
        )

    async def save_draft(self, value: str, service_code: str, member_id: str, form: dict[str, Any]) -> Draft:
        """Keep the answers; a draft already filed starts again with a new idempotency key."""
        key = session_id(value)
        earlier = await self.draft(value, service_code, member_id)
        idempotency_key = (
            earlier.idempotency_key
            if earlier is not None and earlier.reference is None
            else f"web-{secrets.token_hex(16)}"
        )
        where = (
            _DRAFTS.c.session_id == key,
            _DRAFTS.c.service_code == service_code,
            _DRAFTS.c.member_id == member_id,
        )
        values = {
            "form": msgspec.json.encode(form).decode(),
            "idempotency_key": idempotency_key,
            "reference": None,
            "updated_at": self.clock.time(),
        }
        async with self.engine.begin() as conn:
            changed = await conn.execute(update(_DRAFTS).where(*where).values(**values))
            if not changed.rowcount:
                await conn.execute(
                    insert(_DRAFTS).values(
                        session_id=key, service_code=service_code, member_id=member_id, **values
                    )
                )
        return Draft(service_code, member_id, form, idempotency_key, None)

    async def filed(self, value: str, service_code: str, member_id: str, reference: str) -> None:
        """Record that the draft was filed as ``reference``: a second tap shows that application."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(_DRAFTS)
                .where(
                    _DRAFTS.c.session_id == session_id(value),
                    _DRAFTS.c.service_code == service_code,
                    _DRAFTS.c.member_id == member_id,
                )
                .values(reference=reference, updated_at=self.clock.time())
            )
