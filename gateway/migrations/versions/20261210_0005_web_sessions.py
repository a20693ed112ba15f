"""The web page's tables: people's sessions (kept in the database so that every gateway process sees a
sign-out at once) and the applications they are filling in.

Revision ID: 0005_web_sessions
Revises: 0004_document_grants
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_web_sessions"
down_revision: str | Sequence[str] | None = "0004_document_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    op.create_table(
        "web_draft",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("service_code", sa.String(80), primary_key=True),
        sa.Column("member_id", sa.String(9), primary_key=True),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(13), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_web_draft_updated_at", "web_draft", ["updated_at"])


def downgrade() -> None:
    op.drop_table("web_draft")
    op.drop_table("web_session")
