"""The ``documents`` table: what a citizen uploaded once, by type, so later applications can fetch it.

The bytes live in a ``DocumentStorage`` under their SHA-256; a row says whose they are, what they are
and until when they are valid. Times are epoch seconds (float), as in the other capabilities' tables.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["Document", "DocumentGrant"]


class Document(SQLModel, table=True):
    """One uploaded document of one member. The newest valid row of a type is the one an application uses."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_member_type", "member_id", "doc_type"),)

    id: str = Field(primary_key=True, max_length=32)
    family_id: str = Field(max_length=8, index=True)
    member_id: str = Field(max_length=9)
    doc_type: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    content_type: str = Field(max_length=32)
    size: int
    filename: str = Field(default="", max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    valid_until: str | None = Field(default=None, max_length=10)  # ISO date; None: no expiry
    uploaded_at: float
    uploaded_by: str = Field(max_length=80)


class DocumentGrant(SQLModel, table=True):
    """A department may fetch a document because an application for one of its services carries it.

    Written with the application, in its transaction; a department's access is a lookup by
    ``(document_id, department)``, never a search through the applications' JSON.
    """

    __tablename__ = "document_grant"

    document_id: str = Field(primary_key=True, max_length=32)
    department: str = Field(primary_key=True, max_length=64)
    reference: str = Field(primary_key=True, max_length=13)
    granted_at: float
