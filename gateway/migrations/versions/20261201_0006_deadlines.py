"""Guaranteed deadlines: a clock per application, appeals, penalties and the texts that tell of them; the
officer's desk with field verifications and the receipts of signed department callbacks; signed
certificates.

Revision ID: 0006_deadlines
Revises: 0005_staff
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_deadlines"
down_revision: str | Sequence[str] | None = "0005_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadline_clock",
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("tehsil", sa.String(80), nullable=True),
        sa.Column("position", sa.String(240), nullable=False),
        sa.Column("designated_officer", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("paused_on", sa.String(10), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_check_at", sa.Float(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("reminded_on", sa.String(10), nullable=True),
        sa.Column("breached_on", sa.String(10), nullable=True),
        sa.Column("decided_on", sa.String(10), nullable=True),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("officer", sa.String(80), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_deadline_clock_next_check", "deadline_clock", ["next_check_at"])
    op.create_index("ix_deadline_clock_desk", "deadline_clock", ["department", "district", "due_on"])
    op.create_table(
        "guarantee_appeal",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(13), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("grounds", sa.String(2000), nullable=False, server_default=""),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("filed_by", sa.String(80), nullable=False),
        sa.Column("filed_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("order_en", sa.String(2000), nullable=False, server_default=""),
        sa.Column("order_hi", sa.String(2000), nullable=False, server_default=""),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_on", sa.String(10), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("reference", "level", name="uq_guarantee_appeal_level"),
    )
    op.create_index("ix_guarantee_appeal_open", "guarantee_appeal", ["state", "level", "due_on"])
    op.create_table(
        "guarantee_penalty",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(13), nullable=False, unique=True),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(240), nullable=False),
        sa.Column("officer", sa.String(80), nullable=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("amount_inr", sa.Integer(), nullable=False),
        sa.Column("imposed_by", sa.String(80), nullable=False),
        sa.Column("imposed_on", sa.String(10), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "guarantee_notice",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(13), nullable=False),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("send_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sent_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_guarantee_notice_due", "guarantee_notice", ["sent_at", "send_at"])
    op.create_table(
        "desk_case",
        sa.Column("reference", sa.String(13), primary_key=True),
        sa.Column("service_code", sa.String(80), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("tehsil", sa.String(80), nullable=True),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("returned_en", sa.String(1000), nullable=False, server_default=""),
        sa.Column("returned_hi", sa.String(1000), nullable=False, server_default=""),
        sa.Column("missing", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_desk_case_position", "desk_case", ["department", "district", "state"])
    op.create_table(
        "field_verification",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(13), nullable=False),
        sa.Column("field_officer", sa.String(80), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("instructions", sa.String(1000), nullable=False, server_default=""),
        sa.Column("requested_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("finding", sa.String(16), nullable=True),
        sa.Column("report", sa.String(2000), nullable=False, server_default=""),
        sa.Column("reported_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_field_verification_officer", "field_verification", ["field_officer", "state"])
    op.create_table(
        "callback_receipt",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("adapter", sa.String(64), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_callback_receipt_received_at", "callback_receipt", ["received_at"])
    op.create_table(
        "certificate",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("reference", sa.String(13), nullable=False),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("doc_type", sa.String(64), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.Float(), nullable=False),
        sa.Column("issued_on", sa.String(10), nullable=False),
        sa.Column("valid_until", sa.String(10), nullable=True),
        sa.Column("issuer", sa.String(200), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=True),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.Column("revoked_by", sa.String(80), nullable=True),
        sa.Column("revoke_reason", sa.String(1000), nullable=False, server_default=""),
    )
    op.create_index("ix_certificate_reference", "certificate", ["reference"])


def downgrade() -> None:
    for table in (
        "certificate", "callback_receipt", "field_verification", "desk_case", "guarantee_notice",
        "guarantee_penalty", "guarantee_appeal", "deadline_clock",
    ):  # fmt: skip
        op.drop_table(table)
