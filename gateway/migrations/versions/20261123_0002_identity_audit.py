"""Identity, rate limits and the audit trail: codes, refresh tokens, API clients, the outbox, counters,
and the append-only audit trail with the triggers that keep it so.

Revision ID: 0002_identity_audit
Revises: 0001_family_registry
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.audit.triggers import create_statements, drop_statements

revision: str = "0002_identity_audit"
down_revision: str | Sequence[str] | None = "0001_family_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "otp_challenge",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("login_hash", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(9), nullable=True),
        sa.Column("family_id", sa.String(8), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_otp_challenge_login_hash", "otp_challenge", ["login_hash"])
    op.create_index("ix_otp_challenge_expires_at", "otp_challenge", ["expires_at"])
    op.create_table(
        "refresh_token",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("chain_id", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(9), nullable=False),
        sa.Column("family_id", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_refresh_token_chain_id", "refresh_token", ["chain_id"])
    op.create_table(
        "api_client",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("mobile_masked", sa.String(16), nullable=False),
        sa.Column("mobile_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("text", sa.String(500), nullable=True),
    )
    op.create_index("ix_outbox_message_created_at", "outbox_message", ["created_at"])
    op.create_table(
        "rate_counter",
        sa.Column("bucket", sa.String(120), primary_key=True),
        sa.Column("window", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_rate_counter_expires_at", "rate_counter", ["expires_at"])
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("client_ip", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for column in ("at", "actor", "action"):
        op.create_index(f"ix_audit_entry_{column}", "audit_entry", [column])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="audit_head_single_row"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("audit_head")
    for column in ("at", "actor", "action"):
        op.drop_index(f"ix_audit_entry_{column}", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index("ix_rate_counter_expires_at", table_name="rate_counter")
    op.drop_table("rate_counter")
    op.drop_index("ix_outbox_message_created_at", table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_table("api_client")
    op.drop_index("ix_refresh_token_chain_id", table_name="refresh_token")
    op.drop_table("refresh_token")
    op.drop_index("ix_otp_challenge_expires_at", table_name="otp_challenge")
    op.drop_index("ix_otp_challenge_login_hash", table_name="otp_challenge")
    op.drop_table("otp_challenge")
