"""Staff on the web page: a session row names either a citizen (member and family) or a member of staff.

Revision ID: 0008_web_staff_sessions
Revises: 0007_one_head
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_web_staff_sessions"
down_revision: str | Sequence[str] | None = "0007_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("staff_id", sa.String(40), nullable=True))
        batch.alter_column("member_id", existing_type=sa.String(9), nullable=True)
        batch.alter_column("family_id", existing_type=sa.String(8), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM web_session WHERE staff_id IS NOT NULL")
    with op.batch_alter_table("web_session") as batch:
        batch.alter_column("family_id", existing_type=sa.String(8), nullable=False)
        batch.alter_column("member_id", existing_type=sa.String(9), nullable=False)
        batch.drop_column("staff_id")
