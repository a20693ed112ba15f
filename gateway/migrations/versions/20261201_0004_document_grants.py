"""Document grants: a department may fetch a document because an application for one of its services
carries it. Filled for the applications already written from the documents each one lists.

Revision ID: 0004_document_grants
Revises: 0003_applications
Create Date: 2026-12-01
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_document_grants"
down_revision: str | Sequence[str] | None = "0003_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    grants = op.create_table(
        "document_grant",
        sa.Column("document_id", sa.String(32), primary_key=True),
        sa.Column("department", sa.String(64), primary_key=True),
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("granted_at", sa.Float(), nullable=False),
    )
    rows = op.get_bind().execute(
        sa.text("SELECT reference, department, documents, created_at FROM applications")
    )
    backfill = []
    for reference, department, documents, created_at in rows:
        for attached in json.loads(documents or "[]"):
            if attached.get("document_id"):
                backfill.append(
                    {
                        "document_id": attached["document_id"],
                        "department": department,
                        "reference": reference,
                        "granted_at": created_at,
                    }
                )
    if backfill:
        op.bulk_insert(grants, backfill)


def downgrade() -> None:
    op.drop_table("document_grant")
