"""``Identity``: every identity, rate-limit and audit service of one process, built once from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit.trail import AuditTrail
from gateway.identity.clients import ClientService
from gateway.identity.directory import MemberDirectory
from gateway.identity.housekeeping import sweep
from gateway.identity.keys import KeyRing
from gateway.identity.notifier import Notifier, NotifierDeps, build_notifier
from gateway.identity.otp import OtpPolicy, OtpService
from gateway.identity.refresh import RefreshService
from gateway.identity.server_secret import load_server_secret
from gateway.identity.tokens import TokenService
from gateway.ratelimit.counter import Limit
from gateway.ratelimit.limiters import BatchedLimiter, ExactLimiter
from gateway.settings import Settings

__all__ = ["Identity"]

log = logging.getLogger("seva.identity")
_SWEEP_SECONDS = 600.0


@dataclass(slots=True)
class Identity:
    settings: Settings
    engine: AsyncEngine
    keys: KeyRing
    tokens: TokenService
    otp: OtpService
    refresh: RefreshService
    clients: ClientService
    audit: AuditTrail
    notifier: Notifier
    exact: ExactLimiter
    api_limiter: BatchedLimiter
    signin_limit: Limit
    http: httpx.AsyncClient
    secret: bytes
    departments: Callable[[], Collection[str]]  # department codes of the catalogue being served

    @classmethod
    def build(
        cls,
        settings: Settings,
        engine: AsyncEngine,
        directory: MemberDirectory,
        departments: Callable[[], Collection[str]],
    ) -> Identity:
        secret = load_server_secret(settings)
        keys = KeyRing.open(settings.keys_path)
        audit = AuditTrail(engine)
        exact = ExactLimiter(engine)
        # The notifier's client; made here so that it is closed with everything else.
        http = httpx.AsyncClient(timeout=settings.sms_timeout_seconds)
        notifier = build_notifier(settings.notifier, NotifierDeps(settings, engine, secret, http))
        if settings.notifier == "database" and not settings.demo:
            log.warning(
                "sign-in codes go to the outbox table only (SEVA_NOTIFIER=database outside demo mode): "
                "no citizen will receive one; set SEVA_NOTIFIER=sms and SEVA_SMS_URL"
            )
        policy = OtpPolicy(
            lifetime=settings.otp_seconds,
            attempts=settings.otp_attempts,
            resend_seconds=settings.otp_resend_seconds,
            per_hour=settings.otp_per_hour,
        )
        return cls(
            settings=settings,
            engine=engine,
            keys=keys,
            tokens=TokenService(
                keys,
                issuer=settings.token_issuer,
                audience=settings.token_audience,
                lifetime=settings.access_token_seconds,
            ),
            otp=OtpService(engine, directory, notifier, secret, audit, exact, policy),
            refresh=RefreshService(engine, directory, audit, settings.refresh_token_seconds),
            clients=ClientService(engine, audit),
            audit=audit,
            notifier=notifier,
            exact=exact,
            api_limiter=BatchedLimiter(
                engine, Limit("api", settings.api_per_minute, 60), settings.ratelimit_sync_seconds
            ),
            signin_limit=Limit("signin", settings.signin_per_minute, 60),
            http=http,
            secret=secret,
            departments=departments,
        )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the background work (rate-limit syncing, sweeping old rows) while the server runs."""
        tasks = [asyncio.create_task(self.api_limiter.run()), asyncio.create_task(self._sweep_forever())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            with contextlib.suppress(Exception):
                await self.api_limiter.sync()
            await self.http.aclose()

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await sweep(self.engine)
            except Exception as exc:  # the next sweep will do it
                log.warning("sweeping expired sign-in rows failed: %s", type(exc).__name__)
            await asyncio.sleep(_SWEEP_SECONDS)
