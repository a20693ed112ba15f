"""Database triggers that keep the trail append-only, for SQLite and PostgreSQL (as installed by the
migration ``0008_audit_sealer``, which holds its own frozen copy of these statements).

With them in place no statement can remove an entry, write one already chained, change one in any way
but sealing it once (setting its number and hashes, nothing else, after the last sealed one and within
the head), remove the head, move it backwards or point it at a hash that no entry has. Someone with the
database owner's rights can still drop a trigger, which is why the chain exists: ``seva audit verify``
finds what was done after that.
"""

from __future__ import annotations

__all__ = ["TRIGGER_NAMES", "create_statements", "drop_statements"]

_REFUSE_DELETE = "the audit trail is append-only: entries cannot be changed or removed"
_REFUSE_CHAINED = "audit entries are written unchained: only the sealer numbers and chains them"
_REFUSE_CHANGE = "the audit trail is append-only: an entry is only sealed, once, in order"
_REFUSE_HEAD_DELETE = "the audit head cannot be removed"
_REFUSE_HEAD_MOVE = "the audit head only moves forward, and only to the hash of an entry"

_CONTENT = ("id", "at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")

# Sealing: an unsealed entry gets a number after every sealed one and within what the head reserved, and
# both hashes; its content stays as written.
_SAME_CONTENT = " AND ".join(f"NEW.{c} = OLD.{c}" for c in _CONTENT)
_SEAL_OK = (
    "(OLD.seq IS NULL AND NEW.seq IS NOT NULL AND "  # noqa: S608 - constants only
    "NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND "
    f"{_SAME_CONTENT} AND NEW.seq <= (SELECT h.seq FROM audit_head h WHERE h.id = 1) AND "
    "NEW.seq > COALESCE((SELECT MAX(e.seq) FROM audit_entry e), 0))"
)
_UNCHAINED = "(NEW.seq IS NULL AND NEW.prev_hash IS NULL AND NEW.hash IS NULL)"
# The head may move forward keeping its hash (numbers reserved by the sealer) or take the hash of the
# entry it names (the batch sealed); nothing else.
_HEAD_OK = (
    "(NEW.id = OLD.id AND ((NEW.seq > OLD.seq AND NEW.hash = OLD.hash) OR "
    "(NEW.seq = OLD.seq AND NEW.hash = (SELECT e.hash FROM audit_entry e WHERE e.seq = NEW.seq))))"
)

TRIGGER_NAMES = (
    "audit_entry_sealed_once",
    "audit_entry_no_delete",
    "audit_entry_unchained",
    "audit_head_no_delete",
    "audit_head_forward",
)
_TABLE = {
    "audit_entry_sealed_once": "audit_entry",
    "audit_entry_no_delete": "audit_entry",
    "audit_entry_unchained": "audit_entry",
    "audit_head_no_delete": "audit_head",
    "audit_head_forward": "audit_head",
}

_SQLITE = [
    f"CREATE TRIGGER audit_entry_sealed_once BEFORE UPDATE ON audit_entry WHEN NOT {_SEAL_OK} "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_CHANGE}'); END",
    f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_DELETE}'); END",
    f"CREATE TRIGGER audit_entry_unchained BEFORE INSERT ON audit_entry WHEN NOT {_UNCHAINED} "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_CHAINED}'); END",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_HEAD_DELETE}'); END",
    f"CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NOT {_HEAD_OK} "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_HEAD_MOVE}'); END",
]


def _pg_function(name: str, body: str) -> str:
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$"


def _pg_check(name: str, condition: str, refusal: str) -> str:
    return _pg_function(name, f"IF NOT {condition} THEN RAISE EXCEPTION '{refusal}'; END IF; RETURN NEW;")


_POSTGRES = [
    _pg_function("audit_refuse_change", f"RAISE EXCEPTION '{_REFUSE_DELETE}';"),
    _pg_function("audit_refuse_head_delete", f"RAISE EXCEPTION '{_REFUSE_HEAD_DELETE}';"),
    _pg_check("audit_check_unchained", _UNCHAINED, _REFUSE_CHAINED),
    _pg_check("audit_check_seal", _SEAL_OK, _REFUSE_CHANGE),
    _pg_check("audit_check_head", _HEAD_OK, _REFUSE_HEAD_MOVE),
    "CREATE TRIGGER audit_entry_sealed_once BEFORE UPDATE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_check_seal()",
    # TRUNCATE skips row triggers, so it gets a statement trigger of its own.
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE OR TRUNCATE ON audit_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_unchained BEFORE INSERT ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_check_unchained()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_head_delete()",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_check_head()",
]
_PG_FUNCTIONS = (
    "audit_refuse_change",
    "audit_refuse_head_delete",
    "audit_check_unchained",
    "audit_check_seal",
    "audit_check_head",
)


def create_statements(dialect: str) -> list[str]:
    """The statements that install the triggers on ``dialect`` (``sqlite`` or ``postgresql``)."""
    if dialect == "sqlite":
        return list(_SQLITE)
    if dialect == "postgresql":
        return list(_POSTGRES)
    raise ValueError(f"no audit triggers for the {dialect} dialect")


def drop_statements(dialect: str) -> list[str]:
    """The statements that remove them (for a migration's downgrade, never for the application)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES]
    return [f"DROP TRIGGER IF EXISTS {name} ON {_TABLE[name]}" for name in TRIGGER_NAMES] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name in _PG_FUNCTIONS
    ]
