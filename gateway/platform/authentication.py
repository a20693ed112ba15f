"""How the guard learns who is calling: the ``Authenticator`` port and the refusals of a bearer token.

The identity capability provides the authenticator (it checks seva's own tokens); the guard, below every
capability, only parses the header and asks it. Every refusal is a 401 with a ``WWW-Authenticate``
header (RFC 6750) and never repeats the token.
"""

from __future__ import annotations

from typing import Protocol

from gateway.platform.principal import Principal
from gateway.platform.problems import SevaError
from schemas.problem import Message

__all__ = [
    "SESSION",
    "Authenticator",
    "AuthorizationMalformed",
    "SessionAuthenticator",
    "TokenExpired",
    "TokenInvalid",
    "TokenMissing",
    "TokenRefused",
]


def _bearer(error: str, description: str) -> dict[str, str]:
    description = description.replace('"', "'")
    return {"www-authenticate": f'Bearer realm="seva", error="{error}", error_description="{description}"'}


class TokenRefused(SevaError):
    """Root of the refusals of a bearer token; ``reason`` says which check failed (for logs)."""

    code, status = "token_invalid", 401
    title = Message(en="The access token is not valid", hi="एक्सेस टोकन मान्य नहीं है")
    bearer_error = "invalid_token"

    def __init__(self, reason: str, detail: Message | None = None) -> None:
        message = detail or self.title
        super().__init__(message, headers=_bearer(self.bearer_error, message.en))
        self.reason = reason


class TokenMissing(TokenRefused):
    """A route that needs sign-in was called without a token."""

    code = "unauthorized"
    bearer_error = "invalid_request"
    title = Message(en="Sign-in is required", hi="साइन-इन आवश्यक है")

    def __init__(self) -> None:
        super().__init__(
            "missing",
            Message(
                en="Sign in and send 'Authorization: Bearer <token>'.",
                hi="साइन-इन करें और 'Authorization: Bearer <token>' भेजें।",
            ),
        )


class AuthorizationMalformed(TokenRefused):
    """The ``Authorization`` header is not ``Bearer <token>``."""

    code = "authorization_malformed"
    bearer_error = "invalid_request"
    title = Message(en="The Authorization header is malformed", hi="Authorization हेडर गलत है")

    def __init__(self, why: str) -> None:
        super().__init__(
            "malformed_header",
            Message(
                en=f"Send 'Authorization: Bearer <token>' ({why}).", hi="'Authorization: Bearer <token>' भेजें।"
            ),
        )


class TokenExpired(TokenRefused):
    code = "token_expired"
    title = Message(en="The access token has expired", hi="एक्सेस टोकन की समय-सीमा समाप्त हो गई है")

    def __init__(self) -> None:
        super().__init__(
            "expired",
            Message(
                en="The access token has expired; refresh it or sign in again.",
                hi="एक्सेस टोकन की समय-सीमा समाप्त हो गई है; उसे रिफ्रेश करें या फिर से साइन-इन करें।",
            ),
        )


class TokenInvalid(TokenRefused):
    """The token cannot be read, is not signed by a key of this gateway, or names claims it may not."""

    def __init__(self, reason: str, detail: str = "") -> None:
        text = detail or reason
        super().__init__(
            reason,
            Message(en=f"The access token is not valid: {text}.", hi=f"एक्सेस टोकन मान्य नहीं है: {text}।"),
        )
        self.detail_text = detail


class Authenticator(Protocol):
    """Turns a bearer token into the principal it names, or raises a ``TokenRefused``."""

    async def authenticate(self, token: str) -> Principal: ...


SESSION = "session"
"""The key, in a route's ``opt``, of the routes that accept a person's session cookie (the web pages)."""


class SessionAuthenticator(Protocol):
    """Turns the value of a session cookie (named ``cookie``) into the principal whose session it is, or
    None for a session that is unknown, expired or signed out. Consulted only on routes that declare
    ``SESSION`` and only when no ``Authorization`` header came, so the JSON API keeps bearer tokens alone."""

    cookie: str

    async def authenticate(self, value: str) -> Principal | None: ...
