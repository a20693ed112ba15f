"""Family registry: families, members and the registry's own facts.

Revision ID: 0001_family_registry
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_family_registry"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "families",
        sa.Column("family_id", sa.String(8), primary_key=True),
        sa.Column("head_member_id", sa.String(9), nullable=True),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("local_body", sa.String(200), nullable=False),
        sa.Column("ward", sa.String(32), nullable=True),
        sa.Column("village_or_town", sa.String(200), nullable=False),
        sa.Column("area", sa.String(8), nullable=False),
        sa.Column("social_category", sa.String(16), nullable=False),
        sa.Column("bpl", sa.Boolean(), nullable=False),
        sa.Column("ration_card", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("member_id", sa.String(9), primary_key=True),
        sa.Column(
            "family_id",
            sa.String(8),
            sa.ForeignKey("families.family_id", name="fk_members_family_id"),
            nullable=False,
        ),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("name_hi", sa.String(200), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("relation", sa.String(24), nullable=False),
        sa.Column("marital_status", sa.String(16), nullable=False),
        sa.Column("social_category", sa.String(16), nullable=False),
        sa.Column("tribe", sa.String(16), nullable=False),
        sa.Column("disability_percent", sa.Integer(), nullable=False),
        sa.Column("occupation", sa.String(32), nullable=False),
        sa.Column("annual_income", sa.BigInteger(), nullable=False),
        sa.Column("residence_years", sa.Integer(), nullable=True),
        sa.Column("mobile", sa.String(10), nullable=True),
        sa.Column("aadhaar_hash", sa.String(64), nullable=True),
        sa.Column("aadhaar_last4", sa.String(4), nullable=True),
        sa.Column("ekyc_done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_members_family_id", "members", ["family_id"])
    op.create_index("ix_members_mobile", "members", ["mobile"])
    op.create_index("ix_members_aadhaar_hash", "members", ["aadhaar_hash"], unique=True)
    op.create_table(
        "registry_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_meta")
    op.drop_index("ix_members_aadhaar_hash", table_name="members")
    op.drop_index("ix_members_mobile", table_name="members")
    op.drop_index("ix_members_family_id", table_name="members")
    op.drop_table("members")
    op.drop_table("families")
