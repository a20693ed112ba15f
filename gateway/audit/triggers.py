"""Database triggers that make the trail append-only, for SQLite and PostgreSQL.

With them in place no statement can change or remove an entry, remove the head, move the head backwards
or point it at a hash that no entry has. Someone with the database owner's rights can still drop a
trigger, which is why the chain exists: ``seva audit verify`` finds what was done after that.
"""

from __future__ import annotations

__all__ = ["TRIGGER_NAMES", "create_statements", "drop_statements"]

_REFUSE_ENTRY = "the audit trail is append-only: entries cannot be changed or removed"
_REFUSE_HEAD_DELETE = "the audit head cannot be removed"
_REFUSE_ORDER = "audit entries are appended in order, after the last one and within the head"
_REFUSE_HEAD_MOVE = "the audit head only moves forward, and only to the hash of an entry"

# The head may move forward keeping its hash (step 1 of an append: numbers reserved) or take the hash of
# the entry it names (step 4); nothing else.
_HEAD_OK = (
    "(NEW.id = OLD.id AND ((NEW.seq > OLD.seq AND NEW.hash = OLD.hash) OR "
    "(NEW.seq = OLD.seq AND NEW.hash = (SELECT e.hash FROM audit_entry e WHERE e.seq = NEW.seq))))"
)
# An entry goes after every entry there is, within the numbers the head has reserved.
_ORDER_OK = (
    "NEW.seq <= (SELECT h.seq FROM audit_head h WHERE h.id = 1) AND "
    "NEW.seq > COALESCE((SELECT MAX(e.seq) FROM audit_entry e), 0)"
)

TRIGGER_NAMES = (
    "audit_entry_no_update",
    "audit_entry_no_delete",
    "audit_entry_in_order",
    "audit_head_no_delete",
    "audit_head_forward",
)

_SQLITE = [
    f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_ENTRY}'); END",
    f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_ENTRY}'); END",
    f"CREATE TRIGGER audit_entry_in_order BEFORE INSERT ON audit_entry WHEN NOT ({_ORDER_OK}) "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_ORDER}'); END",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_HEAD_DELETE}'); END",
    f"CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NOT {_HEAD_OK} "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_HEAD_MOVE}'); END",
]


def _pg_function(name: str, body: str) -> str:
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$"


_POSTGRES = [
    _pg_function("audit_refuse_change", f"RAISE EXCEPTION '{_REFUSE_ENTRY}';"),
    _pg_function("audit_refuse_head_delete", f"RAISE EXCEPTION '{_REFUSE_HEAD_DELETE}';"),
    _pg_function(
        "audit_check_order",
        f"IF NOT ({_ORDER_OK}) THEN RAISE EXCEPTION '{_REFUSE_ORDER}'; END IF; RETURN NEW;",
    ),
    _pg_function(
        "audit_check_head",
        f"IF NOT {_HEAD_OK} THEN RAISE EXCEPTION '{_REFUSE_HEAD_MOVE}'; END IF; RETURN NEW;",
    ),
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    # TRUNCATE skips row triggers, so it gets a statement trigger of its own.
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE OR TRUNCATE ON audit_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_in_order BEFORE INSERT ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_check_order()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_head_delete()",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_check_head()",
]


def create_statements(dialect: str) -> list[str]:
    """The statements that install the triggers on ``dialect`` (``sqlite`` or ``postgresql``)."""
    if dialect == "sqlite":
        return list(_SQLITE)
    if dialect == "postgresql":
        return list(_POSTGRES)
    raise ValueError(f"no audit triggers for the {dialect} dialect")


def drop_statements(dialect: str) -> list[str]:
    """The statements that remove them (for a migration's downgrade, never for the application)."""
    table = {
        "audit_entry_no_update": "audit_entry",
        "audit_entry_no_delete": "audit_entry",
        "audit_entry_in_order": "audit_entry",
        "audit_head_no_delete": "audit_head",
        "audit_head_forward": "audit_head",
    }
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES]
    functions = ("audit_refuse_change", "audit_refuse_head_delete", "audit_check_order", "audit_check_head")
    return [f"DROP TRIGGER IF EXISTS {name} ON {table[name]}" for name in TRIGGER_NAMES] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name in functions
    ]
