"""Tables of the web page: people's sessions and the applications they are filling in.

A session row is what makes a session cookie valid: every gateway process reads the same row, so signing
out (or the session running out) ends it everywhere at once. The cookie's value is kept only as its
SHA-256. Times are epoch seconds (float), as in the other capabilities' tables.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

__all__ = ["WebDraft", "WebSession"]


class WebSession(SQLModel, table=True):
    """A signed-in person: a citizen (``member_id`` and ``family_id``) or a member of staff (``staff_id``),
    never both. It ends at ``expires_at``, after ``SEVA_SESSION_IDLE_SECONDS`` without a
    request (``seen_at``), or when ``revoked_at`` is set by signing out."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's value
    member_id: str | None = Field(default=None, max_length=9)
    family_id: str | None = Field(default=None, max_length=8)
    staff_id: str | None = Field(default=None, max_length=40)
    created_at: float
    seen_at: float
    expires_at: float = Field(index=True)
    revoked_at: float | None = None


class WebDraft(SQLModel, table=True):
    """The answers of an application being filled in, between the form and the check page, with the
    idempotency key its submission will carry (so a second tap or a reload files it once), and the
    reference once it is filed."""

    __tablename__ = "web_draft"

    session_id: str = Field(primary_key=True, max_length=64)
    service_code: str = Field(primary_key=True, max_length=80)
    member_id: str = Field(primary_key=True, max_length=9)
    form: str = Field(sa_type=Text)  # JSON
    idempotency_key: str = Field(max_length=64)
    reference: str | None = Field(default=None, max_length=13)
    updated_at: float = Field(index=True)
