"""One head again: the deadlines and the web sessions were written beside the earlier join; this revision
joins them so the grievances, the audit sealer and the catalogue versions have one parent.

Revision ID: 0007_one_head
Revises: 0006_deadlines, 0006_one_head, 0005_web_sessions
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0007_one_head"
down_revision: str | Sequence[str] | None = ("0006_deadlines", "0006_one_head", "0005_web_sessions")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
