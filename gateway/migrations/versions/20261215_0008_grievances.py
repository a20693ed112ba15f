"""Grievances: the grievance, its timeline, its attachments and the outbox of texts about it.

Revision ID: 0008_grievances
Revises: 0007_one_head
Create Date: 2026-12-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_grievances"
down_revision: str | Sequence[str] | None = "0007_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grievance",
        sa.Column("number", sa.String(15), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("service_code", sa.String(80), nullable=True),
        sa.Column("application_ref", sa.String(13), nullable=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("member_id", sa.String(16), nullable=True),
        sa.Column("family_id", sa.String(16), nullable=True),
        sa.Column("mobile", sa.String(10), nullable=True),
        sa.Column("language", sa.String(2), nullable=False, server_default="en"),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closure", sa.String(16), nullable=True),
        sa.Column("force_closed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("next_check_at", sa.Float(), nullable=True),
        sa.Column("transfers", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reopened", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("low_quality", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reminders", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_reminder_at", sa.Float(), nullable=True),
        sa.Column("linked_to", sa.String(15), nullable=True),
        sa.Column("filed_by", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_ref", sa.String(40), nullable=True),
        sa.Column("force_notice_at", sa.Float(), nullable=True),
        sa.Column("attended_at", sa.Float(), nullable=True),
        sa.Column("resolved_at", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("rating", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_grievance_next_check", "grievance", ["next_check_at"])
    op.create_index("ix_grievance_inbox", "grievance", ["department", "level", "district", "status"])
    op.create_index("ix_grievance_family", "grievance", ["family_id"])
    op.create_index("ix_grievance_external", "grievance", ["external_ref"])
    op.create_table(
        "grievance_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(15), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_grievance_event_number", "grievance_event", ["number", "id"])
    op.create_table(
        "grievance_attachment",
        sa.Column("number", sa.String(15), primary_key=True),
        sa.Column("document_id", sa.String(64), primary_key=True),
    )
    op.create_table(
        "grievance_notice",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(15), nullable=False),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False, server_default="sms"),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False, server_default=""),
        sa.Column("send_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sent_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_grievance_notice_due", "grievance_notice", ["sent_at", "send_at"])


def downgrade() -> None:
    op.drop_index("ix_grievance_notice_due", table_name="grievance_notice")
    op.drop_table("grievance_notice")
    op.drop_table("grievance_attachment")
    op.drop_index("ix_grievance_event_number", table_name="grievance_event")
    op.drop_table("grievance_event")
    for name in (
        "ix_grievance_external",
        "ix_grievance_family",
        "ix_grievance_inbox",
        "ix_grievance_next_check",
    ):
        op.drop_index(name, table_name="grievance")
    op.drop_table("grievance")
