"""Hindi beside English for the status message of an application and the message of each timeline event.

Revision ID: 0004_hindi_messages
Revises: 0003_applications
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_hindi_messages"
down_revision: str | Sequence[str] | None = "0003_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this revision get an empty Hindi text; readers fall back to the status's message.
    op.add_column(
        "applications", sa.Column("status_message_hi", sa.String(1000), nullable=False, server_default="")
    )
    op.add_column(
        "application_events", sa.Column("message_hi", sa.String(1000), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("application_events") as table:
        table.drop_column("message_hi")
    with op.batch_alter_table("applications") as table:
        table.drop_column("status_message_hi")
