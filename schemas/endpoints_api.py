"""Wire formats of department registration: ``/api/v1/departments/adapters``."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ["EndpointOut", "EndpointRegistration"]

Seconds = Annotated[float, msgspec.Meta(gt=0, le=600)]


class EndpointRegistration(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Where a department's adapter is and how to reach it.

    ``token_ref`` names the secret holding the bearer token (an environment variable of the workers),
    never the token itself; ``xsd`` is a schema file in ``schemas/xsd`` for SOAP departments.
    """

    kind: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    endpoint: Annotated[str, msgspec.Meta(pattern=r"^https?://", max_length=500)]
    service: str | None = None
    token_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None = None
    xsd: str | None = None
    timeout_seconds: Seconds = 15.0
    max_concurrency: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 16


class EndpointOut(msgspec.Struct, kw_only=True, frozen=True):
    adapter: str
    department: str
    kind: str
    endpoint: str | None
    version: int
    updated_at: str
    updated_by: str
