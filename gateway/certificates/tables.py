"""Certificates seva issued: the signed token (JWS), what it certifies, and whether it was revoked."""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

__all__ = ["CertificateRow"]


class CertificateRow(SQLModel, table=True):
    """One issued certificate. ``id`` is random (the verify page's address must not be guessable);
    ``token`` is the compact JWS, the certificate itself; ``document_id`` its copy in the holder's store."""

    __tablename__ = "certificate"
    __table_args__ = (Index("ix_certificate_reference", "reference"),)

    id: str = Field(primary_key=True, max_length=32)
    number: str = Field(max_length=40, unique=True)
    reference: str = Field(max_length=13)
    member_id: str = Field(max_length=9)
    family_id: str = Field(max_length=8)
    doc_type: str = Field(max_length=64)
    department: str = Field(max_length=64)
    kid: str = Field(max_length=64)
    token: str = Field(sa_type=Text)
    issued_at: float
    issued_on: str = Field(max_length=10)
    valid_until: str | None = Field(default=None, max_length=10)
    issuer: str = Field(max_length=200)
    document_id: str | None = Field(default=None, max_length=32)
    revoked_at: float | None = None
    revoked_by: str | None = Field(default=None, max_length=80)
    revoke_reason: str = Field(default="", max_length=1000)
