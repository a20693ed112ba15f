"""Tables of the identity capability. Times are epoch seconds (float), compared the same way everywhere.

Nothing here holds a code, token, secret or whole mobile number in the clear: see ``hashing``.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

__all__ = ["ApiClient", "OtpChallenge", "RefreshToken", "StaffMember"]


class OtpChallenge(SQLModel, table=True):
    """One one-time code sent (or, for an unknown login, pretended to be sent).

    ``state``: ``open`` until it is ``used``, ``locked`` after the last wrong attempt, or ``superseded``
    by a newer code for the same login. ``member_id`` is empty for an unknown login: such a challenge
    behaves like any other but can never succeed, so the answer does not reveal who is registered.
    """

    __tablename__ = "otp_challenge"

    id: str = Field(primary_key=True, max_length=32)
    login_hash: str = Field(index=True, max_length=64)
    member_id: str | None = Field(default=None, max_length=9)
    family_id: str | None = Field(default=None, max_length=8)
    subject: str | None = Field(default=None, max_length=80)  # staff:<id> for a member of staff
    purpose: str = Field(default="", max_length=16)  # the sign-in it belongs to: "", "staff", "assist"
    code_hash: str = Field(max_length=64)
    state: str = Field(default="open", max_length=12)
    attempts: int = 0
    max_attempts: int
    created_at: float
    expires_at: float = Field(index=True)
    closed_at: float | None = None


class RefreshToken(SQLModel, table=True):
    """A refresh token, stored as the SHA-256 of its secret part. Each use replaces it by a new one in
    the same ``chain_id``; using one twice revokes the whole chain."""

    __tablename__ = "refresh_token"

    id: str = Field(primary_key=True, max_length=32)
    chain_id: str = Field(index=True, max_length=32)
    secret_hash: str = Field(max_length=64)
    member_id: str = Field(max_length=9)
    family_id: str = Field(max_length=8)
    created_at: float
    expires_at: float
    used_at: float | None = None
    revoked_at: float | None = None


class ApiClient(SQLModel, table=True):
    """A department, auditor or administrator system, signing in with a client ID and secret (scrypt)."""

    __tablename__ = "api_client"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    department: str | None = Field(default=None, max_length=64)
    secret_hash: str = Field(max_length=200)
    created_at: float
    revoked_at: float | None = None


class StaffMember(SQLModel, table=True):
    """A person who works for the state in seva: an officer of a department (with a designation, a
    jurisdiction and, for grievances, a level), a CM Helpline agent, or a Lok Seva Kendra operator (bound
    to a centre). Made by an administrator; signs in with a one-time code sent to ``mobile``."""

    __tablename__ = "staff_member"

    id: str = Field(primary_key=True, max_length=40)
    role: str = Field(max_length=16)
    name: str = Field(max_length=200)
    mobile: str = Field(max_length=10, index=True)
    department: str | None = Field(default=None, max_length=64)
    designation: str | None = Field(default=None, max_length=80)
    district: str | None = Field(default=None, max_length=64)
    tehsil: str | None = Field(default=None, max_length=80)
    level: int | None = None
    centre: str | None = Field(default=None, max_length=80)
    created_at: float
    created_by: str = Field(max_length=80)
    revoked_at: float | None = None
