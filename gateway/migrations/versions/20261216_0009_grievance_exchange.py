"""Grievances exchanged with others: the Open311 client applications, and
the grievances imported from CPGRAMS with their registration numbers.

Revision ID: 0009_grievance_exchange
Revises: 0008_grievances
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_grievance_exchange"
down_revision: str | Sequence[str] | None = "0008_grievances"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open311_app",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )
    op.create_index("ux_open311_app_key", "open311_app", ["key_hash"], unique=True)
    op.create_table(
        "cpgrams_grievance",
        sa.Column("registration_no", sa.String(40), primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("received_on", sa.String(10), nullable=False),
        sa.Column("batch", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.Float(), nullable=False),
        sa.Column("appeal_of", sa.String(40), nullable=True),
        sa.Column("disposed_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_cpgrams_grievance_reference", "cpgrams_grievance", ["reference"])


def downgrade() -> None:
    op.drop_table("cpgrams_grievance")
    op.drop_table("open311_app")
