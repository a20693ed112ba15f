"""Documents, applications and their timeline, the delivery queue and registered department endpoints.

Revision ID: 0003_applications
Revises: 0002_identity_audit
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_applications"
down_revision: str | Sequence[str] | None = "0002_identity_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("doc_type", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=True),
        sa.Column("valid_until", sa.String(10), nullable=True),
        sa.Column("uploaded_at", sa.Float(), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
    )
    op.create_index("ix_documents_family_id", "documents", ["family_id"])
    op.create_index("ix_documents_member_type", "documents", ["member_id", "doc_type"])

    op.create_table(
        "applications",
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("status_message", sa.String(1000), nullable=False),
        sa.Column("department_reference", sa.String(128), nullable=True),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("idempotency_scope", sa.String(80), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_applications_idempotency"),
    )
    op.create_index("ix_applications_family", "applications", ["family_id", "created_at"])
    op.create_index("ix_applications_department", "applications", ["department", "created_at"])

    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(13), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
    )
    op.create_index("ix_application_events_reference", "application_events", ["reference", "id"])

    op.create_table(
        "deliveries",
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("adapter", sa.String(64), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(1000), nullable=True),
        sa.Column("poll_at", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_deliveries_poll", "deliveries", ["poll_at"])

    op.create_table(
        "department_endpoints",
        sa.Column("adapter", sa.String(64), primary_key=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("endpoint", sa.String(500), nullable=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
    )
    op.create_index("ix_department_endpoints_department", "department_endpoints", ["department"])


def downgrade() -> None:
    for table in ("department_endpoints", "deliveries", "application_events", "applications", "documents"):
        op.drop_table(table)
