"""How one department adapter is configured, and how its secrets are looked up.

The catalogue names an adapter and its kind (``rest_transport``, ``rest``); the deployment says where
the department is and how to authenticate with an ``AdapterConfig``. Tokens are never written in a
configuration: ``token_ref`` names a secret that a ``SecretResolver`` looks up (by default an
environment variable), and the value is held in a ``Secret`` that prints as ``***``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated, Any, Literal

import msgspec

from adapters.errors import AdapterConfigError

__all__ = [
    "AdapterConfig",
    "Auth",
    "BearerToken",
    "MutualTLS",
    "Secret",
    "SecretResolver",
    "Timeouts",
    "env_secret",
]

Seconds = Annotated[float, msgspec.Meta(gt=0, le=600)]


class _Config(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Keyword-only, immutable, and a misspelt key is an error."""


class Timeouts(_Config):
    """Seconds allowed to connect, to read an answer, to send a request, and to wait for a free connection."""

    connect: Seconds = 3.0
    read: Seconds = 15.0
    write: Seconds = 15.0
    pool: Seconds = 5.0

    @property
    def longest(self) -> float:
        """The most one call may take: waiting for a connection, connecting, sending and reading.

        ``HttpDepartmentAdapter.send`` cuts a call off there, so a department that trickles its answer
        cannot hold it longer, and a delivery's lease can be made to outlast it.
        """
        return self.pool + self.connect + self.write + self.read


class BearerToken(_Config, tag="bearer", tag_field="type"):
    """Send ``Authorization: Bearer <token>``; ``token_ref`` names the secret holding the token."""

    token_ref: Annotated[str, msgspec.Meta(min_length=1)]


class MutualTLS(_Config, tag="mtls", tag_field="type"):
    """Present a client certificate; the paths are read when the client is built (``build_client``)."""

    cert: str
    key: str


Auth = BearerToken | MutualTLS


class AdapterConfig(_Config):
    """Everything needed to build one adapter.

    ``endpoint`` is the department's base URL (REST) or SOAP endpoint; ``service`` the X-Road service ID
    its operations are named under (``IN/GOV/MP-ENERGY/connections``); ``ca_bundle`` a CA file to trust
    instead of the system's; ``xsd`` a file in ``schemas/xsd``; ``max_concurrency`` how many calls may be
    in flight to this department at once; ``transport`` the connection layer under httpx's API
    (``aiohttp``, from ``httpx-aiohttp``, or httpx's own); ``options`` what a kind needs beyond these (the
    local kind's office and delays).
    """

    code: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    kind: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    endpoint: str | None = None
    service: str | None = None
    auth: Auth | None = None
    ca_bundle: str | None = None
    xsd: str | None = None
    timeouts: Timeouts = Timeouts()
    max_concurrency: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 16
    max_response_bytes: Annotated[int, msgspec.Meta(ge=1024)] = 1 << 20
    transport: Literal["aiohttp", "httpx"] = "aiohttp"  # measured: docs/adapters.md, bench/adapters.py
    options: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def call_deadline(self) -> float:
        """Seconds after which a call to this department is given up (``Timeouts.longest``)."""
        return self.timeouts.longest

    def require_endpoint(self) -> str:
        if not self.endpoint:
            raise AdapterConfigError(f"adapter {self.code!r} of kind {self.kind!r} needs an endpoint")
        return self.endpoint.rstrip("/")


class Secret:
    """A secret value that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


SecretResolver = Callable[[str], Secret]
"""Looks a secret up by its reference; raises ``AdapterConfigError`` naming the reference if it is missing."""


def env_secret(ref: str) -> Secret:
    """The default resolver: the secret is the environment variable named by ``ref``."""
    value = os.environ.get(ref)
    if not value:
        raise AdapterConfigError(f"secret {ref!r} is not set in the environment")
    return Secret(value)
