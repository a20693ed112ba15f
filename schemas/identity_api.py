"""Structs of the sign-in, token and API-client endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = [
    "AccessToken",
    "ClientCreate",
    "ClientCreatedOut",
    "ClientOut",
    "ClientToken",
    "CodeSent",
    "DemoMessage",
    "Jwks",
    "Me",
    "OtpStart",
    "OtpVerify",
    "RefreshRequest",
    "TokenPair",
]


class _In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Requests refuse unknown fields, so a misspelt field is an error rather than ignored."""


class OtpStart(_In):
    """``login``: the mobile number held in the registry, or the 9-digit member ID."""

    login: Annotated[str, msgspec.Meta(min_length=9, max_length=20, examples=["9876543210"])]


class CodeSent(msgspec.Struct, kw_only=True):
    """A code was sent if the login is registered; the answer is the same either way."""

    challenge_id: str
    expires_in: int
    resend_in: int


class OtpVerify(_In):
    challenge_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    # Devanagari digits are read as 0-9: a phone keyboard set to Hindi types them.
    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9०-९]{6}$", examples=["123456"])]


class TokenPair(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int
    refresh_token: str
    member_id: str
    family_id: str


class RefreshRequest(_In):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ClientToken(_In):
    client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    client_secret: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class AccessToken(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class Me(msgspec.Struct, kw_only=True, omit_defaults=True):
    role: str
    subject: str
    member_id: str | None = None
    family_id: str | None = None
    department: str | None = None
    client_id: str | None = None
    staff_id: str | None = None
    designation: str | None = None
    district: str | None = None
    tehsil: str | None = None
    level: int | None = None
    centre: str | None = None
    assisted_by: str | None = None


Mobile = Annotated[str, msgspec.Meta(min_length=10, max_length=20)]


class StaffOtpStart(_In):
    """A member of staff asks for a sign-in code to the mobile number their account holds."""

    mobile: Mobile


class StaffCreate(_In):
    """An officer names a department, a designation and a district (a tehsil, a grievance level from 1 to
    4, where they apply); an appellate authority a designation, a district and its level (1: first
    appeals, 2: second appeals), and a department and tehsil where its jurisdiction is that narrow; an
    agent may name a level; an operator names a centre and its district; an auditor names nothing more
    (the reports and the masked reads are state-wide)."""

    role: Literal["officer", "appellate", "agent", "operator", "auditor"]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    mobile: Mobile
    department: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)] | None = None
    designation: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    district: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)] | None = None
    tehsil: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    level: Annotated[int, msgspec.Meta(ge=1, le=4)] | None = None
    centre: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None


class StaffOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    staff_id: str
    role: str
    name: str
    mobile: str  # masked
    department: str | None = None
    designation: str | None = None
    district: str | None = None
    tehsil: str | None = None
    level: int | None = None
    centre: str | None = None
    created_at: str
    revoked_at: str | None = None


class StaffToken(msgspec.Struct, kw_only=True):
    """A member of staff's access token; there is no refresh token: sign in again when it expires."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int
    staff_id: str
    role: str


class AssistStart(_In):
    """The citizen's mobile number or member ID; the code goes to the mobile the registry holds."""

    login: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class AssistedToken(msgspec.Struct, kw_only=True):
    """A short token to act for the citizen who gave the code; every action records both people."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int
    member_id: str
    family_id: str
    assisted_by: str


class ClientCreate(_In):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Literal["department", "auditor", "administrator"]
    department: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)] | None = None


class ClientOut(msgspec.Struct, kw_only=True):
    client_id: str
    name: str
    role: str
    department: str | None
    created_at: str
    revoked_at: str | None = None


class ClientCreatedOut(ClientOut, kw_only=True):
    """``client_secret`` is shown in this answer only; seva keeps a scrypt hash of it."""

    client_secret: str


class Jwks(msgspec.Struct):
    """The public keys that verify seva's tokens (RFC 7517)."""

    keys: list[dict[str, str]]


class DemoMessage(msgspec.Struct, kw_only=True):
    at: str
    to: str
    purpose: str
    text: str | None
