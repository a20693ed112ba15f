"""Typed refusals of the identity capability; ``gateway.identity.problems`` turns them into documents."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "ClientRefused",
    "IdentityError",
    "NotificationFailed",
    "RefreshRefused",
    "SignInRefused",
    "TokenRefused",
]


class IdentityError(Exception):
    """Root of every identity error."""


SignInReason = Literal["wrong_code", "expired", "used", "locked", "superseded", "unknown"]


class SignInRefused(IdentityError):
    """A one-time password was not accepted; ``attempts_left`` is set after a wrong code."""

    def __init__(self, reason: SignInReason, attempts_left: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts_left = attempts_left


TokenReason = Literal[
    "missing", "malformed_header", "malformed", "algorithm", "unknown_key", "signature", "expired", "claims"
]


class TokenRefused(IdentityError):
    """An access token (or the ``Authorization`` header carrying it) was not accepted."""

    def __init__(self, reason: TokenReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


RefreshReason = Literal["unknown", "expired", "revoked", "reused", "member_gone"]


class RefreshRefused(IdentityError):
    """A refresh token was not accepted. ``reused`` means it had been used before: the chain is revoked."""

    def __init__(self, reason: RefreshReason) -> None:
        super().__init__(reason)
        self.reason = reason


class ClientRefused(IdentityError):
    """The client ID and secret do not match a client that is not revoked."""


class NotificationFailed(IdentityError):
    """The notifier could not hand the message over; the message says why, without the number."""
