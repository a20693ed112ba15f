"""One grievance per outside number: ``(external_ref, channel)`` unique on ``grievance``, replacing the
plain index on ``external_ref``, so that two imports of the same CPGRAMS file at once cannot both file a
row (the second finds the first's grievance).

Revision ID: 0010_grievance_external_unique
Revises: 0009_grievance_exchange
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_grievance_external_unique"
down_revision: str | Sequence[str] | None = "0009_grievance_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ux_grievance_external", "grievance", ["external_ref", "channel"], unique=True)
    op.drop_index("ix_grievance_external", table_name="grievance")


def downgrade() -> None:
    op.create_index("ix_grievance_external", "grievance", ["external_ref"])
    op.drop_index("ux_grievance_external", table_name="grievance")
