"""The audit sealer: entries are written unchained in the transaction of their action and chained later,
in batches, by one sealer at a time; nothing updates one shared row on every request any more.

``audit_entry`` gets ``id`` (the order entries were written) as its key; ``seq``, ``prev_hash`` and
``hash`` stay empty until the sealer fills them, once. The triggers change with it: an entry is inserted
unchained, and the only update allowed is its sealing. Existing entries keep their numbers (``id = seq``).

Revision ID: 0008_audit_sealer
Revises: 0007_one_head
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_audit_sealer"
down_revision: str | Sequence[str] | None = "0007_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen as written (a migration never imports live code; gateway/audit/triggers.py may change later).
_OLD_TRIGGERS = {
    "audit_entry_no_update": "audit_entry",
    "audit_entry_no_delete": "audit_entry",
    "audit_entry_in_order": "audit_entry",
    "audit_head_no_delete": "audit_head",
    "audit_head_forward": "audit_head",
}
_NEW_TRIGGERS = {
    "audit_entry_sealed_once": "audit_entry",
    "audit_entry_no_delete": "audit_entry",
    "audit_entry_unchained": "audit_entry",
    "audit_head_no_delete": "audit_head",
    "audit_head_forward": "audit_head",
}
_CREATE_SQLITE = [
    "CREATE TRIGGER audit_entry_sealed_once BEFORE UPDATE ON audit_entry WHEN NOT (OLD.seq IS NULL AND NEW.seq "
    "IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.id = OLD.id AND NEW.at = OLD.at "
    "AND NEW.actor = OLD.actor AND NEW.role = OLD.role AND NEW.action = OLD.action AND NEW.target = OLD.target "
    "AND NEW.client_ip = OLD.client_ip AND NEW.request_id = OLD.request_id AND NEW.reason = OLD.reason AND "
    "NEW.details = OLD.details AND NEW.seq <= (SELECT h.seq FROM audit_head h WHERE h.id = 1) AND NEW.seq > "
    "COALESCE((SELECT MAX(e.seq) FROM audit_entry e), 0)) BEGIN SELECT RAISE(ABORT, 'the audit trail is "
    "append-only: an entry is only sealed, once, in order'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN SELECT RAISE(ABORT, 'the audit "
    "trail is append-only: entries cannot be changed or removed'); END",
    "CREATE TRIGGER audit_entry_unchained BEFORE INSERT ON audit_entry WHEN NOT (NEW.seq IS NULL AND "
    "NEW.prev_hash IS NULL AND NEW.hash IS NULL) BEGIN SELECT RAISE(ABORT, 'audit entries are written "
    "unchained: only the sealer numbers and chains them'); END",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'the audit head "
    "cannot be removed'); END",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NOT (NEW.id = OLD.id AND ((NEW.seq > "
    "OLD.seq AND NEW.hash = OLD.hash) OR (NEW.seq = OLD.seq AND NEW.hash = (SELECT e.hash FROM audit_entry e "
    "WHERE e.seq = NEW.seq)))) BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, and only to the "
    "hash of an entry'); END",
]
_CREATE_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
    "EXCEPTION 'the audit trail is append-only: entries cannot be changed or removed'; END $$",
    "CREATE OR REPLACE FUNCTION audit_refuse_head_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
    "EXCEPTION 'the audit head cannot be removed'; END $$",
    "CREATE OR REPLACE FUNCTION audit_check_unchained() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT "
    "(NEW.seq IS NULL AND NEW.prev_hash IS NULL AND NEW.hash IS NULL) THEN RAISE EXCEPTION 'audit entries are "
    "written unchained: only the sealer numbers and chains them'; END IF; RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION audit_check_seal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT (OLD.seq "
    "IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.id = OLD.id "
    "AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.role = OLD.role AND NEW.action = OLD.action AND "
    "NEW.target = OLD.target AND NEW.client_ip = OLD.client_ip AND NEW.request_id = OLD.request_id AND "
    "NEW.reason = OLD.reason AND NEW.details = OLD.details AND NEW.seq <= (SELECT h.seq FROM audit_head h WHERE "
    "h.id = 1) AND NEW.seq > COALESCE((SELECT MAX(e.seq) FROM audit_entry e), 0)) THEN RAISE EXCEPTION 'the "
    "audit trail is append-only: an entry is only sealed, once, in order'; END IF; RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION audit_check_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT (NEW.id "
    "= OLD.id AND ((NEW.seq > OLD.seq AND NEW.hash = OLD.hash) OR (NEW.seq = OLD.seq AND NEW.hash = (SELECT "
    "e.hash FROM audit_entry e WHERE e.seq = NEW.seq)))) THEN RAISE EXCEPTION 'the audit head only moves "
    "forward, and only to the hash of an entry'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER audit_entry_sealed_once BEFORE UPDATE ON audit_entry FOR EACH ROW EXECUTE FUNCTION "
    "audit_check_seal()",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE "
    "FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_unchained BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION "
    "audit_check_unchained()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE "
    "FUNCTION audit_refuse_head_delete()",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION "
    "audit_check_head()",
]

_COLUMNS = "at, actor, role, action, target, client_ip, request_id, reason, details, prev_hash, hash"
_SQLITE_TABLE = (
    "CREATE TABLE audit_entry_new (id INTEGER NOT NULL PRIMARY KEY, seq INTEGER, at VARCHAR(32) NOT NULL, "
    "actor VARCHAR(80) NOT NULL, role VARCHAR(16) NOT NULL, action VARCHAR(64) NOT NULL, "
    "target VARCHAR(120) NOT NULL, client_ip VARCHAR(64) NOT NULL, request_id VARCHAR(64) NOT NULL, "
    "reason VARCHAR(300) NOT NULL, details TEXT NOT NULL, prev_hash VARCHAR(64), hash VARCHAR(64), "
    "CONSTRAINT uq_audit_entry_seq UNIQUE (seq))"
)
_SQLITE_OLD_TABLE = (
    "CREATE TABLE audit_entry_new (seq INTEGER NOT NULL PRIMARY KEY, at VARCHAR(32) NOT NULL, "
    "actor VARCHAR(80) NOT NULL, role VARCHAR(16) NOT NULL, action VARCHAR(64) NOT NULL, "
    "target VARCHAR(120) NOT NULL, client_ip VARCHAR(64) NOT NULL, request_id VARCHAR(64) NOT NULL, "
    "reason VARCHAR(300) NOT NULL, details TEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL, "
    "hash VARCHAR(64) NOT NULL)"
)
_INDEXES = [
    "CREATE INDEX ix_audit_entry_at ON audit_entry (at)",
    "CREATE INDEX ix_audit_entry_actor ON audit_entry (actor)",
    "CREATE INDEX ix_audit_entry_action ON audit_entry (action)",
]
_UNSEALED_INDEX = "CREATE INDEX ix_audit_entry_unsealed ON audit_entry (id) WHERE seq IS NULL"

_UPGRADE_POSTGRESQL = [
    "ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_pkey",
    "ALTER TABLE audit_entry ADD COLUMN id BIGINT",
    "UPDATE audit_entry SET id = seq",
    "ALTER TABLE audit_entry ALTER COLUMN id SET NOT NULL",
    "ALTER TABLE audit_entry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY",
    "SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), "
    "COALESCE((SELECT MAX(id) FROM audit_entry), 0) + 1, false)",
    "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_pkey PRIMARY KEY (id)",
    "ALTER TABLE audit_entry ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL, "
    "ALTER COLUMN hash DROP NOT NULL",
    "ALTER TABLE audit_entry ADD CONSTRAINT uq_audit_entry_seq UNIQUE (seq)",
    _UNSEALED_INDEX,
    "DROP FUNCTION IF EXISTS audit_check_order()",
]
_DOWNGRADE_POSTGRESQL = [
    "DROP INDEX IF EXISTS ix_audit_entry_unsealed",
    "ALTER TABLE audit_entry DROP CONSTRAINT uq_audit_entry_seq",
    "ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_pkey",
    "ALTER TABLE audit_entry DROP COLUMN id",
    "ALTER TABLE audit_entry ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, "
    "ALTER COLUMN hash SET NOT NULL",
    "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_pkey PRIMARY KEY (seq)",
    "DROP FUNCTION IF EXISTS audit_check_unchained()",
    "DROP FUNCTION IF EXISTS audit_check_seal()",
    "CREATE OR REPLACE FUNCTION audit_check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT "
    "(NEW.seq <= (SELECT h.seq FROM audit_head h WHERE h.id = 1) AND NEW.seq > COALESCE((SELECT MAX(e.seq) "
    "FROM audit_entry e), 0)) THEN RAISE EXCEPTION 'audit entries are appended in order, after the last one "
    "and within the head'; END IF; RETURN NEW; END $$",
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
_OLD_SQLITE_TRIGGERS = [
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


def _drop_triggers(dialect: str, triggers: dict[str, str]) -> None:
    for name, table in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect, _OLD_TRIGGERS)
    if dialect == "postgresql":
        for statement in _UPGRADE_POSTGRESQL:
            op.execute(statement)
        create = _CREATE_POSTGRESQL
    else:
        op.execute(_SQLITE_TABLE)
        op.execute(
            f"INSERT INTO audit_entry_new (id, seq, {_COLUMNS}) SELECT seq, seq, {_COLUMNS} FROM audit_entry"  # noqa: S608
        )
        op.execute("DROP TABLE audit_entry")
        op.execute("ALTER TABLE audit_entry_new RENAME TO audit_entry")
        for statement in [*_INDEXES, _UNSEALED_INDEX]:
            op.execute(statement)
        create = _CREATE_SQLITE
    for statement in create:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    unsealed = op.get_bind().exec_driver_sql("SELECT COUNT(*) FROM audit_entry WHERE seq IS NULL").scalar()
    if unsealed:
        raise RuntimeError(f"{unsealed} audit entries are not sealed yet: run `seva audit seal` first")
    _drop_triggers(dialect, _NEW_TRIGGERS)
    if dialect == "postgresql":
        for statement in _DOWNGRADE_POSTGRESQL:
            op.execute(statement)
        return
    op.execute(_SQLITE_OLD_TABLE)
    op.execute(f"INSERT INTO audit_entry_new (seq, {_COLUMNS}) SELECT seq, {_COLUMNS} FROM audit_entry")  # noqa: S608
    op.execute("DROP TABLE audit_entry")
    op.execute("ALTER TABLE audit_entry_new RENAME TO audit_entry")
    for statement in [*_INDEXES, *_OLD_SQLITE_TRIGGERS]:
        op.execute(statement)
