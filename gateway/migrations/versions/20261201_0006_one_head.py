"""One head again: the document grants and staff, the registry's new facts, and the Hindi messages were
written side by side; this revision joins them so later revisions have one parent.

Revision ID: 0006_one_head
Revises: 0005_staff, 0005_due_on_optional, 0004_hindi_messages
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0006_one_head"
down_revision: str | Sequence[str] | None = ("0005_staff", "0005_due_on_optional", "0004_hindi_messages")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
