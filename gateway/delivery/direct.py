"""A delivery's statements compiled once for the database's driver, run without SQLAlchemy's execution.

A lone delivery is two transactions: the claim, and the record of the department's answer (the row
``done``, the application's status, its timeline event and the audit entry). Through SQLAlchemy each
statement cost 0.05-0.2 ms of our own work, and on PostgreSQL each transaction a ``BEGIN`` and a
``COMMIT`` round trip besides its statements. Here each is compiled once (``compile_step``) and run on the
driver with positional arguments (``gateway.transactions.Transactions.fenced``):

- the claim alone is one statement, committed by itself (autocommit);
- a success is recorded fenced by its lease: on PostgreSQL in one statement whose data-modifying ``WITH``
  moves the delivery row on and, only if the lease was still ours, sets the application's status and
  adds the timeline event and the audit entry (one round trip, one commit); on SQLite as the same four
  statements in one ``BEGIN IMMEDIATE`` transaction, the last three skipped when the first finds the
  lease gone.

Both are committed before the worker goes on, with the database's own durability (nothing is turned off).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, String, Text, bindparam, func, insert, select, update
from sqlalchemy.engine import Dialect

from family_registry.reads import Statement
from gateway.applications import APPLICATIONS, EVENTS
from gateway.audit import COLUMNS as AUDIT_COLUMNS
from gateway.audit import AuditEntry
from gateway.delivery.queue import DONE_ONE
from gateway.transactions import Step, compile_step

__all__ = ["Success", "SuccessStatements"]

_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_A = APPLICATIONS.c


def _text(name: str) -> Any:
    return bindparam(name, type_=String())


# The application's new status and what the department said; the certificate only when it sent one.
_STATUS_VALUES = {
    "status": _text("b_status"),
    "status_message": _text("b_message"),
    "status_message_hi": _text("b_message_hi"),
    "department_reference": _text("b_department_reference"),
    "certificate": func.coalesce(bindparam("b_certificate", type_=Text()), _A.certificate),
    "updated_at": bindparam("q_now", type_=Float()),
}
_EVENT_VALUES = {
    "at": bindparam("q_now", type_=Float()),
    "kind": _text("e_kind"),
    "status": _text("b_status"),
    "message": _text("b_message"),
    "message_hi": _text("b_message_hi"),
    "actor": _text("e_actor"),
}
_AUDIT_VALUES = {column: _text(f"a_{column}") for column in AUDIT_COLUMNS}


def _sqlite_statements() -> tuple[Any, ...]:
    """The four statements, the first of which fences the rest."""
    status = update(APPLICATIONS).where(_A.reference == _text("q_references")).values(**_STATUS_VALUES)
    event = insert(EVENTS).values(reference=_text("q_references"), **_EVENT_VALUES)
    return DONE_ONE, status, event, insert(_ENTRY).values(**_AUDIT_VALUES)


def _postgres_statement() -> Any:
    """One statement: the delivery row moved on (fenced), and only from its returned row the status,
    the timeline event and the audit entry; it returns a row when the lease was still ours."""
    done = DONE_ONE.cte("done")
    ours = select(done.c.reference)
    status = update(APPLICATIONS).where(_A.reference.in_(ours)).values(**_STATUS_VALUES).cte("status")
    event = insert(EVENTS).from_select(
        ["reference", *_EVENT_VALUES], select(done.c.reference, *_EVENT_VALUES.values())
    )
    audit = insert(_ENTRY).from_select(list(_AUDIT_VALUES), select(*_AUDIT_VALUES.values()).select_from(done))
    return audit.returning(_ENTRY.c.target).add_cte(status, event.cte("event"))


@dataclass(frozen=True, slots=True)
class Success:
    """What recording one success writes (the texts already cut to their columns)."""

    reference: str
    owner: str
    poll_at: float | None
    status: str
    message: str
    message_hi: str
    department_reference: str
    certificate: str | None
    actor: str
    audit: tuple[str, ...]  # the audit entry's values, in the order of ``gateway.audit.trail.COLUMNS``


class SuccessStatements:
    """The statements recording a success, compiled for one database's driver."""

    def __init__(self, dialect: Dialect) -> None:
        self._statements: tuple[Statement, ...]
        if dialect.name == "postgresql":
            self._statements = (compile_step(_postgres_statement(), dialect),)
        else:
            self._statements = tuple(compile_step(s, dialect) for s in _sqlite_statements())

    def steps(self, success: Success, now: float) -> list[Step]:
        """The group of steps for ``Transactions.fenced``: its first returns a row if the lease was ours."""
        values: Mapping[str, Any] = {
            "q_references": success.reference,
            "q_owner": success.owner,
            "q_poll_at": success.poll_at,
            "q_now": now,
            "b_status": success.status,
            "b_message": success.message,
            "b_message_hi": success.message_hi,
            "b_department_reference": success.department_reference,
            "b_certificate": success.certificate,
            "e_kind": "delivered",
            "e_actor": success.actor,
            **{f"a_{column}": value for column, value in zip(AUDIT_COLUMNS, success.audit, strict=True)},
        }
        return [(statement.sql, statement.arguments(values)) for statement in self._statements]
