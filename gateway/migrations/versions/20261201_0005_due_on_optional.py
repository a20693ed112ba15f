"""An application of a service the guarantee Act does not cover has no guaranteed date: ``due_on`` may be
empty.

Revision ID: 0005_due_on_optional
Revises: 0004_registry_facts
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_due_on_optional"
down_revision: str | Sequence[str] | None = "0004_registry_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite changes a column by rebuilding the table (batch mode); PostgreSQL drops the constraint.
    with op.batch_alter_table("applications") as applications:
        applications.alter_column("due_on", existing_type=sa.String(10), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE applications SET due_on = '' WHERE due_on IS NULL")
    with op.batch_alter_table("applications") as applications:
        applications.alter_column("due_on", existing_type=sa.String(10), nullable=False)
