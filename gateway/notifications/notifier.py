"""The notifier port: how a text message reaches a citizen's mobile, and the two implementations.

- ``DatabaseNotifier`` (``SEVA_NOTIFIER=database``, the default) keeps each message in ``outbox_message``
  and logs it with the number masked; the demo inbox shows them when demo mode is on.
- ``HttpSmsNotifier`` (``SEVA_NOTIFIER=sms``) posts each message to an SMS provider over HTTP.

Implementations are found by name in a ``NotifierKinds`` that the application's root builds (``database``
and ``sms`` built in); a deployment adds its own with ``register`` before ``create_app``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.notifications.errors import NotificationFailed
from gateway.notifications.tables import OutboxMessage
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.hashing import keyed_hash
from gateway.platform.masking import mask_mobile
from gateway.settings import Settings

__all__ = [
    "DatabaseNotifier",
    "HttpSmsNotifier",
    "Notifier",
    "NotifierDeps",
    "NotifierFactory",
    "NotifierKinds",
    "TextMessage",
    "UnknownNotifier",
]

log = logging.getLogger("seva.notifier")


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A message for one mobile number; ``purpose`` (``otp``...) is kept for the record."""

    mobile: str
    text: str
    purpose: str


class Notifier(Protocol):
    """Sends text messages. Raises ``NotificationFailed`` when the message was not handed over."""

    async def send(self, message: TextMessage) -> None: ...


class DatabaseNotifier:
    """Writes messages to the ``outbox_message`` table and the log, never with the whole number.

    The text is stored only when ``keep_text`` (demo mode): a one-time code must not lie in a table.
    """

    def __init__(
        self, engine: AsyncEngine, secret: bytes, *, keep_text: bool, clock: Clock | None = None
    ) -> None:
        self.engine = engine
        self.secret = secret
        self.keep_text = keep_text
        self.clock = clock or SystemClock()

    async def send(self, message: TextMessage) -> None:
        masked = mask_mobile(message.mobile)
        row = {
            "created_at": self.clock.time(),
            "mobile_masked": masked,
            "mobile_hash": keyed_hash(self.secret, "mobile", message.mobile),
            "purpose": message.purpose,
            "text": message.text if self.keep_text else None,
        }
        async with self.engine.begin() as conn:
            await conn.execute(insert(OutboxMessage.__table__), row)  # type: ignore[attr-defined]
        log.info(
            "message to %s (%s, %d characters) written to the outbox",
            masked,
            message.purpose,
            len(message.text),
        )


class HttpSmsNotifier:
    """Posts ``{"to", "from", "text"}`` as JSON to an SMS provider with a bearer token.

    The ``httpx.AsyncClient`` is given, not made, so the application owns its lifecycle and tests can
    point it at a provider on loopback.
    """

    def __init__(
        self, client: httpx.AsyncClient, *, url: str, token: str, sender: str, timeout: float
    ) -> None:
        self.client = client
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    async def send(self, message: TextMessage) -> None:
        masked = mask_mobile(message.mobile)
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"to": f"+91{message.mobile}", "from": self.sender, "text": message.text}
        try:
            response = await self.client.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            log.warning("SMS to %s not sent: %s", masked, type(exc).__name__)
            raise NotificationFailed(
                f"the SMS provider could not be reached ({type(exc).__name__})"
            ) from None
        if response.status_code >= 300:
            log.warning("SMS to %s refused by the provider: HTTP %d", masked, response.status_code)
            raise NotificationFailed(f"the SMS provider answered HTTP {response.status_code}")
        log.info("SMS to %s (%s) accepted by the provider", masked, message.purpose)


@dataclass(frozen=True, slots=True)
class NotifierDeps:
    """What a notifier may need; the application builds these once."""

    settings: Settings
    engine: AsyncEngine
    secret: bytes
    http: httpx.AsyncClient
    clock: Clock


NotifierFactory = Callable[[NotifierDeps], Notifier]


def _database(deps: NotifierDeps) -> Notifier:
    return DatabaseNotifier(deps.engine, deps.secret, keep_text=deps.settings.demo, clock=deps.clock)


def _sms(deps: NotifierDeps) -> Notifier:
    s = deps.settings
    return HttpSmsNotifier(
        deps.http, url=s.sms_url, token=s.sms_token, sender=s.sms_sender, timeout=s.sms_timeout_seconds
    )


class UnknownNotifier(LookupError):
    """``SEVA_NOTIFIER`` names no registered notifier."""


class NotifierKinds:
    """Notifier factories by name: ``database`` and ``sms`` built in, more through ``register``."""

    def __init__(self) -> None:
        self._factories: dict[str, NotifierFactory] = {"database": _database, "sms": _sms}

    def register(self, name: str, factory: NotifierFactory, *, replace: bool = False) -> None:
        if name in self._factories and not replace:
            raise ValueError(f"a notifier named {name!r} is already registered")
        self._factories[name] = factory

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._factories))

    def build(self, name: str, deps: NotifierDeps) -> Notifier:
        try:
            factory = self._factories[name]
        except KeyError:
            raise UnknownNotifier(f"no notifier named {name!r}; known: {', '.join(self.names())}") from None
        return factory(deps)
