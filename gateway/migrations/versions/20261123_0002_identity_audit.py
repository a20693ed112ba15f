"""Identity, rate limits and the audit trail: codes, refresh tokens, API clients, the outbox, counters,
and the append-only audit trail with the triggers that keep it so.

Revision ID: 0002_identity_audit
Revises: 0001_family_registry
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_identity_audit"
down_revision: str | Sequence[str] | None = "0001_family_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The triggers that keep the audit trail append-only, frozen as they were when this revision was written
# (a migration never imports live code: gateway/audit/triggers.py may change, this revision must not).
_CREATE_SQLITE = [
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN SELECT RAISE(ABORT, 'the audit "
    "trail is append-only: entries cannot be changed or removed'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN SELECT RAISE(ABORT, 'the audit "
    "trail is append-only: entries cannot be changed or removed'); END",
    "CREATE TRIGGER audit_entry_in_order BEFORE INSERT ON audit_entry WHEN NOT (NEW.seq <= (SELECT h.seq FROM "
    "audit_head h WHERE h.id = 1) AND NEW.seq > COALESCE((SELECT MAX(e.seq) FROM audit_entry e), 0)) BEGIN "
    "SELECT RAISE(ABORT, 'audit entries are appended in order, after the last one and within the head'); END",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'the audit head "
    "cannot be removed'); END",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NOT (NEW.id = OLD.id AND ((NEW.seq > "
    "OLD.seq AND NEW.hash = OLD.hash) OR (NEW.seq = OLD.seq AND NEW.hash = (SELECT e.hash FROM audit_entry e "
    "WHERE e.seq = NEW.seq)))) BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, and only to the "
    "hash of an entry'); END",
]
_DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_in_order",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward",
]
_CREATE_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
    "EXCEPTION 'the audit trail is append-only: entries cannot be changed or removed'; END $$",
    "CREATE OR REPLACE FUNCTION audit_refuse_head_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
    "EXCEPTION 'the audit head cannot be removed'; END $$",
    "CREATE OR REPLACE FUNCTION audit_check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT "
    "(NEW.seq <= (SELECT h.seq FROM audit_head h WHERE h.id = 1) AND NEW.seq > COALESCE((SELECT MAX(e.seq) FROM "
    "audit_entry e), 0)) THEN RAISE EXCEPTION 'audit entries are appended in order, after the last one and "
    "within the head'; END IF; RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION audit_check_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT (NEW.id "
    "= OLD.id AND ((NEW.seq > OLD.seq AND NEW.hash = OLD.hash) OR (NEW.seq = OLD.seq AND NEW.hash = (SELECT "
    "e.hash FROM audit_entry e WHERE e.seq = NEW.seq)))) THEN RAISE EXCEPTION 'the audit head only moves "
    "forward, and only to the hash of an entry'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry FOR EACH ROW EXECUTE FUNCTION "
    "audit_refuse_change()",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE "
    "FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_in_order BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION "
    "audit_check_order()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE "
    "FUNCTION audit_refuse_head_delete()",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION "
    "audit_check_head()",
]
_DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_in_order ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_forward ON audit_head",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
    "DROP FUNCTION IF EXISTS audit_refuse_head_delete()",
    "DROP FUNCTION IF EXISTS audit_check_order()",
    "DROP FUNCTION IF EXISTS audit_check_head()",
]
_CREATE = {"sqlite": _CREATE_SQLITE, "postgresql": _CREATE_POSTGRESQL}
_DROP = {"sqlite": _DROP_SQLITE, "postgresql": _DROP_POSTGRESQL}


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
    for statement in _CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
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
