"""Sign-in by one-time password: send a code to the mobile number in the registry, then check it.

Every rule is enforced by the database, so it holds across gateway processes: a code is checked by a
conditional ``UPDATE`` that counts the attempt (at most ``attempts``), a code is used once (the second
``UPDATE`` to ``used`` matches one row at most), a newer code supersedes the older ones of the same login,
and resending is throttled by the exact rate limiter.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue.digits import ascii_digits
from gateway.audit import Actor, AuditTrail
from gateway.identity.directory import MemberDirectory, RegisteredMember
from gateway.identity.errors import SignInReason, SignInRefused
from gateway.identity.login import Login
from gateway.identity.tables import OtpChallenge
from gateway.notifications import NotificationFailed, Notifier, TextMessage
from gateway.platform.hashing import keyed_hash, same
from gateway.platform.masking import mask_id, mask_mobile
from gateway.ratelimit import ExactLimiter, Limit

__all__ = ["ChallengeSent", "OtpPolicy", "OtpService"]

log = logging.getLogger("seva.identity")
_TABLE = OtpChallenge.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OtpPolicy:
    lifetime: int = 300
    attempts: int = 3
    resend_seconds: int = 30
    per_hour: int = 5


@dataclass(frozen=True, slots=True)
class ChallengeSent:
    challenge_id: str
    expires_in: int
    resend_in: int


def _code_text(code: str, minutes: int) -> str:
    return (
        f"seva: your sign-in code is {code}. It expires in {minutes} minutes. Never share it. / "
        f"seva: आपका साइन-इन कोड {code} है। यह {minutes} मिनट में समाप्त होगा। इसे किसी को न बताएं।"
    )


_AMBIGUOUS_TEXT = (
    "seva: this number is registered with more than one family. Sign in with your 9-digit member ID. / "
    "seva: यह नंबर एक से अधिक परिवारों में दर्ज है। अपनी 9 अंकों की सदस्य आईडी से साइन-इन करें।"
)


class OtpService:
    def __init__(
        self,
        engine: AsyncEngine,
        directory: MemberDirectory,
        notifier: Notifier,
        secret: bytes,
        audit: AuditTrail,
        limiter: ExactLimiter,
        policy: OtpPolicy,
        clock: Callable[[], float] = time.time,
        *,
        namespace: str = "",
    ) -> None:
        self.engine = engine
        self.directory = directory
        self.notifier = notifier
        self.secret = secret
        self.audit = audit
        self.limiter = limiter
        self.policy = policy
        self.clock = clock
        # Citizens' and staff's codes never supersede or throttle each other, even for one phone.
        self.namespace = namespace
        self._resend = Limit("otp-resend", 1, policy.resend_seconds)
        self._hourly = Limit("otp-hour", policy.per_hour, 3600)

    async def _resolve(self, login: Login) -> tuple[RegisteredMember | None, str | None, str | None]:
        """The member to sign in, the number to text and what to text when no code can be used."""
        if login.kind == "member_id":
            member = await self.directory.by_member_id(login.value)
            if member is None or not member.mobile:
                return None, None, None
            return member, member.mobile, None
        found = await self.directory.by_mobile(login.value)
        if not found:
            return None, None, None
        if len({m.family_id for m in found}) > 1:
            return None, login.value, _AMBIGUOUS_TEXT
        chosen = min(found, key=lambda m: (not m.is_head, m.member_id))
        return chosen, login.value, None

    async def start(
        self, login: Login, actor: Actor, *, wording: Callable[[str, int], str] | None = None
    ) -> ChallengeSent:
        """Send a code for ``login``. An unregistered login gets the same answer and a challenge that can
        never succeed, so the answer does not tell who is in the registry. ``wording(code, minutes)``
        makes the message (a sign-in code by default)."""
        space = [self.namespace] if self.namespace else []
        login_hash = keyed_hash(self.secret, "login", *space, login.kind, login.value)
        member, mobile, other_text = await self._resolve(login)
        # Codes are limited per phone, not per login typed: a member ID and the mobile number of the same
        # phone share one limit (or a family's member IDs would multiply it). A login that reaches no phone
        # is limited by itself.
        phone = mobile or (login.value if login.kind == "mobile" else None)
        throttle = keyed_hash(self.secret, "login", *space, "mobile", phone) if phone else login_hash
        await self.limiter.hit([(self._resend, throttle), (self._hourly, throttle)])
        challenge_id = secrets.token_hex(16)
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self.clock()
        shown = mask_mobile(login.value) if login.kind == "mobile" else mask_id(login.value)
        async with self.engine.begin() as conn:
            await conn.execute(
                update(_TABLE)
                .where(_TABLE.c.login_hash == login_hash, _TABLE.c.state == "open")
                .values(state="superseded", closed_at=now)
            )
            await conn.execute(
                insert(_TABLE).values(
                    id=challenge_id,
                    login_hash=login_hash,
                    member_id=(member.member_id or None) if member and not other_text else None,
                    family_id=(member.family_id or None) if member and not other_text else None,
                    subject=member.subject if member and not other_text else None,
                    purpose=self.namespace,
                    code_hash=keyed_hash(self.secret, "otp", challenge_id, code),
                    state="open",
                    attempts=0,
                    max_attempts=self.policy.attempts,
                    created_at=now,
                    expires_at=now + self.policy.lifetime,
                )
            )
            target = (member.subject or f"member:{member.member_id}") if member else "login:unregistered"
            await self.audit.append(
                conn, actor, "signin.code_sent", target, {"challenge": challenge_id[:8], "login": shown}
            )
        if mobile is not None:
            text = other_text or (wording or _code_text)(code, max(1, self.policy.lifetime // 60))
            try:
                await self.notifier.send(TextMessage(mobile=mobile, text=text, purpose="otp"))
            except NotificationFailed:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(_TABLE)
                        .where(_TABLE.c.id == challenge_id)
                        .values(state="failed", closed_at=now)
                    )
                raise
        return ChallengeSent(challenge_id, self.policy.lifetime, self.policy.resend_seconds)

    async def verify(self, challenge_id: str, code: str, actor: Actor) -> RegisteredMember:
        """The member the code was sent for, or ``SignInRefused`` saying why not."""
        code = ascii_digits(code)
        now = self.clock()
        refusal: SignInRefused | None = None
        async with self.engine.begin() as conn:
            counted = await conn.execute(
                update(_TABLE)
                .where(
                    _TABLE.c.id == challenge_id,
                    _TABLE.c.purpose == self.namespace,
                    _TABLE.c.state == "open",
                    _TABLE.c.expires_at > now,
                    _TABLE.c.attempts < _TABLE.c.max_attempts,
                )
                .values(attempts=_TABLE.c.attempts + 1)
                .returning(
                    _TABLE.c.code_hash,
                    _TABLE.c.attempts,
                    _TABLE.c.max_attempts,
                    _TABLE.c.member_id,
                    _TABLE.c.family_id,
                    _TABLE.c.subject,
                )
            )
            row = counted.first()
            if row is None:
                reason = await self._why_closed(conn, challenge_id, now)
                refusal = SignInRefused.of(reason)
                if reason != "unknown":
                    await self._record(conn, actor, "signin.refused", challenge_id, {"reason": reason})
            else:
                code_hash, attempts, max_attempts, member_id, family_id, subject = row
                right = same(keyed_hash(self.secret, "otp", challenge_id, code), code_hash)
                if right and (member_id is not None or subject is not None):
                    used = await conn.execute(
                        update(_TABLE)
                        .where(_TABLE.c.id == challenge_id, _TABLE.c.state == "open")
                        .values(state="used", closed_at=now)
                    )
                    if used.rowcount == 1:
                        await self._record(
                            conn, actor, "signin.succeeded", challenge_id, {"member": member_id or subject}
                        )
                        return RegisteredMember(
                            member_id=member_id or "", family_id=family_id or "", mobile=None, subject=subject
                        )
                    refusal = SignInRefused.of("used")
                elif attempts >= max_attempts:
                    await conn.execute(
                        update(_TABLE)
                        .where(_TABLE.c.id == challenge_id)
                        .values(state="locked", closed_at=now)
                    )
                    refusal = SignInRefused.of("locked", 0)
                    await self._record(conn, actor, "signin.locked", challenge_id, {"attempts": attempts})
                else:
                    refusal = SignInRefused.of("wrong_code", max_attempts - attempts)
                    await self._record(conn, actor, "signin.wrong_code", challenge_id, {"attempts": attempts})
        log.warning(
            "sign-in refused (%s) for challenge %s… from %s",
            refusal.reason,
            challenge_id[:8],
            actor.client_ip,
        )
        raise refusal

    async def _record(
        self, conn: AsyncConnection, actor: Actor, action: str, challenge_id: str, details: dict[str, Any]
    ) -> None:
        await self.audit.append(conn, actor, action, f"challenge:{challenge_id[:8]}", details)

    async def _why_closed(self, conn: AsyncConnection, challenge_id: str, now: float) -> SignInReason:
        found = await conn.execute(
            select(_TABLE.c.state, _TABLE.c.expires_at, _TABLE.c.attempts, _TABLE.c.max_attempts).where(
                _TABLE.c.id == challenge_id, _TABLE.c.purpose == self.namespace
            )
        )
        row = found.first()
        if row is None or row.state == "failed":
            return "unknown"
        if row.state == "used":
            return "used"
        if row.state == "locked" or row.attempts >= row.max_attempts:
            return "locked"
        if row.state == "superseded":
            return "superseded"
        return "expired"
