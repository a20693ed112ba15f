"""The catalogue's history for auditors: every catalogue version served (the file's own bytes), each service
as a version defined it, and the judgement each application was accepted under.

Revision ID: 0008_catalogue_versions
Revises: 0007_one_head
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_catalogue_versions"
down_revision: str | Sequence[str] | None = "0007_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_version",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("first_served_at", sa.Float(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_catalogue_version_first_served_at", "catalogue_version", ["first_served_at"])
    op.create_table(
        "service_definition",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
    )
    op.create_table(
        "catalogue_version_service",
        sa.Column("catalogue_digest", sa.String(64), primary_key=True),
        sa.Column("service_code", sa.String(80), primary_key=True),
        sa.Column("definition_digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_catalogue_version_service_code", "catalogue_version_service", ["service_code"])
    op.create_table(
        "application_judgement",
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("judged_at", sa.Float(), nullable=False),
        sa.Column("catalogue_digest", sa.String(64), nullable=False),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("definition_digest", sa.String(64), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("application_judgement")
    op.drop_index("ix_catalogue_version_service_code", table_name="catalogue_version_service")
    op.drop_table("catalogue_version_service")
    op.drop_table("service_definition")
    op.drop_index("ix_catalogue_version_first_served_at", table_name="catalogue_version")
    op.drop_table("catalogue_version")
