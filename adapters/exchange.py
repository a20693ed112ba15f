"""Exchange headers in the style of X-Road's message protocol for REST, sent with every call to a department.

X-Road (the data exchange layer of Estonia and Finland) names each party and message in headers, so a
call can be traced end to end and signed logs on both sides agree. seva sends the same headers now, over
plain HTTPS, so departments can log them and the calls can later be routed through an X-Road security
server without changing the departments.

| header          | holds                                                                 |
|-----------------|-----------------------------------------------------------------------|
| X-Road-Id       | a new UUID for every message (a retry is a new message)               |
| X-Road-Client   | who calls: ``IN/GOV/SEVA/gateway`` (instance/class/member/subsystem)  |
| X-Road-Service  | what is called: the adapter's service ID and the operation            |
| X-Road-UserId   | the end user, masked: ``IN-MP-******789``                             |
| X-Road-Issue    | the application's reference number                                    |
| Idempotency-Key | the same key on every retry of one submission                         |
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import msgspec

__all__ = [
    "DEFAULT_CLIENT",
    "ExchangeHeaders",
    "mask_identifier",
    "masked_user_id",
]

DEFAULT_CLIENT = "IN/GOV/SEVA/gateway"
USER_PREFIX = "IN-MP-"
VISIBLE_DIGITS = 3


def mask_identifier(value: str, visible: int = VISIBLE_DIGITS) -> str:
    """Replace all but the last ``visible`` characters with ``*`` (``123456789`` → ``******789``)."""
    if len(value) <= visible:
        return "*" * len(value)
    return "*" * (len(value) - visible) + value[-visible:]


def masked_user_id(member_id: str) -> str:
    """The X-Road user ID of a citizen: the state prefix and the masked member ID."""
    return USER_PREFIX + mask_identifier(member_id)


class ExchangeHeaders(msgspec.Struct, kw_only=True, frozen=True):
    """The exchange headers of one message, as sent and as a department recorded them."""

    message_id: str
    client: str
    service: str
    issue: str
    user_id: str | None = None
    idempotency_key: str | None = None

    @classmethod
    def new(
        cls,
        *,
        client: str,
        service: str,
        issue: str,
        member_id: str | None = None,
        idempotency_key: str | None = None,
        new_id: Callable[[], uuid.UUID] = uuid.uuid4,
    ) -> ExchangeHeaders:
        """Headers of a new message; the member ID is masked here, so the clear one is never sent."""
        return cls(
            message_id=str(new_id()),
            client=client,
            service=service,
            issue=issue,
            user_id=masked_user_id(member_id) if member_id else None,
            idempotency_key=idempotency_key,
        )

    def as_http(self) -> dict[str, str]:
        """The headers as HTTP header names and values."""
        headers = {
            "X-Road-Id": self.message_id,
            "X-Road-Client": self.client,
            "X-Road-Service": self.service,
            "X-Road-Issue": self.issue,
        }
        if self.user_id:
            headers["X-Road-UserId"] = self.user_id
        if self.idempotency_key:
            headers["Idempotency-Key"] = self.idempotency_key
        return headers

    @classmethod
    def from_http(cls, headers: dict[str, str]) -> ExchangeHeaders:
        """Read the headers back, as a department (or a test) receiving them does; names are case-blind."""
        lower = {name.lower(): value for name, value in headers.items()}
        return cls(
            message_id=lower.get("x-road-id", ""),
            client=lower.get("x-road-client", ""),
            service=lower.get("x-road-service", ""),
            issue=lower.get("x-road-issue", ""),
            user_id=lower.get("x-road-userid"),
            idempotency_key=lower.get("idempotency-key"),
        )
