"""Staff who sign in as people: officers, CM Helpline agents, Lok Seva Kendra operators; and the subject a
sign-in code was sent for, so one code table serves citizens and staff.

Revision ID: 0005_staff
Revises: 0004_document_grants
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_staff"
down_revision: str | Sequence[str] | None = "0004_document_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_member",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mobile", sa.String(10), nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("designation", sa.String(80), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("tehsil", sa.String(80), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("centre", sa.String(80), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_staff_member_mobile", "staff_member", ["mobile"])
    with op.batch_alter_table("otp_challenge") as batch:
        batch.add_column(sa.Column("subject", sa.String(80), nullable=True))
        # Which sign-in a code belongs to ("" citizens, "staff", "assist"): a code is checked only there.
        batch.add_column(sa.Column("purpose", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("otp_challenge") as batch:
        batch.drop_column("purpose")
        batch.drop_column("subject")
    op.drop_index("ix_staff_member_mobile", table_name="staff_member")
    op.drop_table("staff_member")
