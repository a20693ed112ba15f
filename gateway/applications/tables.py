"""The ``applications`` table and its timeline, ``application_events``.

``form`` and ``documents`` are canonical JSON text, so the row reads the same on SQLite and PostgreSQL.
``idempotency_scope`` is the caller's subject: a key only ever matches the same caller's earlier request,
and ``request_hash`` (SHA-256 of the canonical body) tells a true retry from a different request.
"""

from __future__ import annotations

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["Application", "ApplicationEvent", "ApplicationJudgement"]


class Application(SQLModel, table=True):
    """One application for one service by one member. ``status`` is what the citizen is shown."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_applications_idempotency"),
        Index("ix_applications_family", "family_id", "created_at"),
        Index("ix_applications_department", "department", "created_at"),
    )

    reference: str = Field(primary_key=True, max_length=13)
    service_code: str = Field(max_length=80)
    department: str = Field(max_length=64)
    member_id: str = Field(max_length=9)
    family_id: str = Field(max_length=8)
    applicant: str = Field(sa_type=Text)  # what the department receives about the member, as applied
    form: str = Field(sa_type=Text)
    documents: str = Field(sa_type=Text)
    status: str = Field(max_length=32)
    status_message: str = Field(default="", max_length=1000)
    status_message_hi: str = Field(default="", max_length=1000)
    department_reference: str | None = Field(default=None, max_length=128)
    certificate: str | None = Field(default=None, sa_type=Text)
    idempotency_scope: str = Field(max_length=80)
    idempotency_key: str = Field(max_length=128)
    request_hash: str = Field(max_length=64)
    created_by: str = Field(max_length=80)
    created_at: float
    updated_at: float
    # ISO date promised under the Public Service Guarantee Act; None for a service the Act does not cover.
    due_on: str | None = Field(default=None, max_length=10)


class ApplicationEvent(SQLModel, table=True):
    """One step of an application's timeline, in order of ``id``."""

    __tablename__ = "application_events"
    __table_args__ = (Index("ix_application_events_reference", "reference", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=13)
    at: float
    kind: str = Field(max_length=32)
    status: str = Field(max_length=32)
    message: str = Field(default="", max_length=1000)
    message_hi: str = Field(default="", max_length=1000)
    actor: str = Field(max_length=80)


class ApplicationJudgement(SQLModel, table=True):
    """Why an application was accepted, kept as it was at submission: the catalogue it was judged under,
    the service's definition then (by the SHA-256 of its canonical JSON: the catalogue versions keep each
    definition once, and it is kept before any judgement names it), the facts the rules read, the verdict
    and each rule's outcome with the facts it read (JSON, in the definition's order of rules). Written in the
    submission's transaction, never changed."""

    __tablename__ = "application_judgement"

    reference: str = Field(primary_key=True, max_length=13)
    judged_at: float
    catalogue_digest: str = Field(max_length=64)
    service_code: str = Field(max_length=80)
    definition_digest: str = Field(max_length=64)
    facts: str = Field(sa_type=Text)
    verdict: str = Field(max_length=16)
    rules: str = Field(sa_type=Text)
