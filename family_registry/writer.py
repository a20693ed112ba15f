"""Writes checked rows to the registry a batch at a time, each batch in one transaction.

A batch is read once (the stored members, families and Aadhaar hashes it touches), checked row by row
in file order against that and against the rows before it, and written with a few set-based statements:
an upsert of the new and changed families, an upsert of the new and changed members, and the bumps of
``version`` that keep cached verdicts honest. Rows are compared with what is stored before they are
sent, so re-importing a file writes nothing and bumps no version.

Rows that pass every check can still be refused by the database (another process wrote a conflicting
row meanwhile): the batch is then split in halves until the refused rows stand alone and are rejected,
so nothing else is lost.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from family_registry.bulk import BulkInsert
from family_registry.csv_format import ParsedRow
from family_registry.tables import Family, Member

__all__ = ["BatchWriter", "Pending", "Rejected", "WriteCounts"]

FAMILIES: Table = Family.__table__  # type: ignore[attr-defined]
MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]

# Member IDs accepted so far in this import, with their line: a second row for one member is a mistake
# in the file, and remembering them in the database keeps the importer's memory flat for any file size.
# The ID is kept as its number (nine digits, so no two IDs share one): on SQLite the table is then one
# B-tree keyed by rowid instead of a table and an index.
_SEEN = Table(
    "seva_import_seen",
    MetaData(),
    Column("member_id", Integer, primary_key=True, autoincrement=False),
    Column("line", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)

_FAMILY_DATA = (
    "district", "local_body", "ward", "village_or_town", "area", "social_category", "bpl", "ration_card",
    "tehsil", "janpad", "local_body_kind", "ration_card_type", "land_hectares", "head_member_id",
)  # fmt: skip
_MEMBER_DATA = (
    "family_id", "name_en", "name_hi", "gender", "date_of_birth", "relation", "marital_status",
    "social_category", "tribe", "disability_percent", "occupation", "annual_income", "residence_years",
    "income_tax_payer", "government_service", "mobile", "ekyc_done",
)  # fmt: skip


@dataclass(slots=True)
class Pending:
    """A row that passed its own checks, waiting to be checked against the registry and written."""

    line: int
    fields: list[str]
    row: ParsedRow


@dataclass(slots=True)
class Rejected:
    line: int
    fields: list[str]
    reason: str


@dataclass
class WriteCounts:
    members_added: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    families_added: int = 0
    families_updated: int = 0

    def add(self, other: WriteCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Batch:
    """What the database holds for the rows of one batch, and how the rows change it, in file order."""

    stored_members: dict[str, Any] = field(default_factory=dict)  # member -> stored row
    hash_owner: dict[str, str] = field(default_factory=dict)  # Aadhaar hash -> member, as stored
    stored_families: dict[str, Any] = field(default_factory=dict)  # family -> stored row
    heads: dict[str, str | None] = field(default_factory=dict)
    state: dict[str, tuple[str, str]] = field(default_factory=dict)  # member -> (family, relation) so far
    hash_in_batch: dict[str, tuple[str, int]] = field(default_factory=dict)
    families: dict[str, dict[str, Any]] = field(default_factory=dict)  # family values given in the batch

    def place(self, member_id: str) -> tuple[str, str] | None:
        """(family, relation) of a member as of the rows seen so far."""
        if member_id in self.state:
            return self.state[member_id]
        row = self.stored_members.get(member_id)
        return None if row is None else (row.family_id, row.relation)


# The stored values come back as (key, [aadhaar_hash,] *data), compared with the row's as one tuple.
_MEMBER_VALUES = itemgetter(*_MEMBER_DATA)
_FAMILY_VALUES = itemgetter(*_FAMILY_DATA)


def _member_changed(new: dict[str, Any], stored: Any) -> bool:
    if _MEMBER_VALUES(new) != tuple(stored[2:]):
        return True
    # No hash in the row (an empty or masked Aadhaar column) keeps the stored one.
    return new["aadhaar_hash"] is not None and new["aadhaar_hash"] != stored.aadhaar_hash


class BatchWriter:
    """Writes batches over one connection, which it holds for the whole import."""

    def __init__(self, conn: AsyncConnection, *, copy: bool = True) -> None:
        self.conn = conn
        self.is_sqlite = conn.dialect.name == "sqlite"
        # On PostgreSQL, rows the batch found absent go in by COPY; changed ones are upserted.
        self.copy = copy and not self.is_sqlite
        self._families_upsert = BulkInsert(conn.dialect, FAMILIES, self._upsert_families)
        self._members_upsert = BulkInsert(conn.dialect, MEMBERS, self._upsert_members)
        self._families_insert = BulkInsert(conn.dialect, FAMILIES)
        self._members_insert = BulkInsert(conn.dialect, MEMBERS)
        self._seen_insert = BulkInsert(conn.dialect, _SEEN)
        # The ``1`` is literal: a bound parameter there would be one the bulk insert does not fill.
        next_version = FAMILIES.c.version + literal_column("1")
        self._bump = (
            update(FAMILIES)
            .where(self._among(FAMILIES.c.family_id))
            .values(version=next_version, updated_at=bindparam("now"))
        )
        self._set_head = (
            update(FAMILIES)
            .where(FAMILIES.c.family_id == bindparam("f"))
            .values(head_member_id=bindparam("h"), version=next_version, updated_at=bindparam("now"))
        )
        members = select(MEMBERS.c.member_id, MEMBERS.c.aadhaar_hash, *(MEMBERS.c[n] for n in _MEMBER_DATA))
        self._stored_members = members.where(self._among(MEMBERS.c.member_id))
        self._hash_owners = select(MEMBERS.c.aadhaar_hash, MEMBERS.c.member_id).where(
            self._among(MEMBERS.c.aadhaar_hash)
        )
        self._stored_families = select(FAMILIES.c.family_id, *(FAMILIES.c[n] for n in _FAMILY_DATA)).where(
            self._among(FAMILIES.c.family_id)
        )
        self._seen = select(_SEEN.c.member_id, _SEEN.c.line).where(
            self._among(_SEEN.c.member_id, keys=Integer)
        )

    @staticmethod
    def _upsert_families(insert: Any) -> Any:
        changes = {name: insert.excluded[name] for name in (*_FAMILY_DATA, "updated_at")}
        changes["version"] = FAMILIES.c.version + literal_column("1")
        return insert.on_conflict_do_update(index_elements=[FAMILIES.c.family_id], set_=changes)

    @staticmethod
    def _upsert_members(insert: Any) -> Any:
        changes = {name: insert.excluded[name] for name in (*_MEMBER_DATA, "updated_at")}
        # An empty or masked Aadhaar column keeps the stored hash: an export holds no clear numbers.
        for name in ("aadhaar_hash", "aadhaar_last4"):
            changes[name] = func.coalesce(insert.excluded[name], MEMBERS.c[name])
        return insert.on_conflict_do_update(index_elements=[MEMBERS.c.member_id], set_=changes)

    def _among(self, column: Any, keys: type[Integer] | type[String] = String) -> ColumnElement[bool]:
        """``column`` is one of the keys bound as ``keys``: one parameter however many keys there are
        (a JSON array on SQLite, an array on PostgreSQL), so SQLAlchemy need not render thousands."""
        if self.is_sqlite:
            values = func.json_each(bindparam("keys")).table_valued("value")
            return column.in_(select(values.c.value))
        return column == any_(bindparam("keys", type_=postgresql.ARRAY(keys)))

    async def _rows(self, statement: Any, keys: Iterable[Any]) -> list[Any]:
        wanted = list(keys)
        if not wanted:
            return []
        value: Any = json.dumps(wanted) if self.is_sqlite else wanted
        return list((await self.conn.execute(statement, {"keys": value})).all())

    async def open(self) -> None:
        if self.is_sqlite:
            # For the import only: a bigger page cache (rows land all over the indexes) and fewer,
            # larger checkpoints of the write-ahead log.
            await self.conn.exec_driver_sql("PRAGMA cache_size=-65536")
            await self.conn.exec_driver_sql("PRAGMA wal_autocheckpoint=25000")
        await self.conn.run_sync(lambda sync: _SEEN.drop(sync, checkfirst=True))
        await self.conn.run_sync(lambda sync: _SEEN.create(sync))
        await self.conn.commit()

    async def close(self) -> None:
        await self.conn.run_sync(lambda sync: _SEEN.drop(sync, checkfirst=True))
        await self.conn.commit()
        if self.is_sqlite:
            for pragma in ("cache_size=-2000", "wal_autocheckpoint=1000", "wal_checkpoint(TRUNCATE)"):
                await self.conn.exec_driver_sql(f"PRAGMA {pragma}")
            await self.conn.commit()

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        if self.is_sqlite:
            # Take the write lock before reading, so the checks still hold when the rows are written.
            await self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self.conn.rollback()
            raise
        await self.conn.commit()

    async def write(self, batch: list[Pending], now: float) -> tuple[list[Rejected], WriteCounts]:
        """Check and write ``batch``; return the rejected rows and what changed."""
        if not batch:
            return [], WriteCounts()
        try:
            async with self._transaction():
                return await self._write(batch, now)
        except (IntegrityError, DataError) as exc:
            if len(batch) == 1:
                reason = (
                    f"the database refused the row ({type(exc.orig).__name__}); was it changed meanwhile?"
                )
                return [Rejected(batch[0].line, batch[0].fields, reason)], WriteCounts()
            middle = len(batch) // 2
            rejects, counts = await self.write(batch[:middle], now)
            more, other = await self.write(batch[middle:], now)
            counts.add(other)
            return rejects + more, counts

    async def _read(self, items: Sequence[Pending]) -> _Batch:
        b = _Batch()
        ids = [p.row.member_id for p in items]
        b.stored_members = {row.member_id: row for row in await self._rows(self._stored_members, ids)}
        hashes = {p.row.member["aadhaar_hash"] for p in items} - {None}
        b.hash_owner = {h: m for h, m in await self._rows(self._hash_owners, hashes)}
        family_ids = {p.row.family_id for p in items} | {row.family_id for row in b.stored_members.values()}
        stored = await self._rows(self._stored_families, family_ids)
        b.stored_families = {row.family_id: row for row in stored}
        b.heads = {row.family_id: row.head_member_id for row in stored}
        # Heads outside the batch: is each still the head, when a row names another one?
        outside = {h for h in b.heads.values() if h is not None and h not in b.stored_members}
        for row in await self._rows(self._stored_members, outside):
            b.stored_members[row.member_id] = row
        return b

    def _check(self, p: Pending, b: _Batch) -> str | None:
        """Why ``p`` cannot be written given the registry and the rows before it; None when it can."""
        row, member = p.row, p.row.member
        digest = member["aadhaar_hash"]
        if digest is not None:
            earlier = b.hash_in_batch.get(digest)
            if earlier is not None and earlier[0] != row.member_id:
                return f"the same Aadhaar number is given for member {earlier[0]} on line {earlier[1]}"
            owner = b.hash_owner.get(digest)
            if earlier is None and owner is not None and owner != row.member_id:
                return f"this Aadhaar number is already linked to member {owner}"
        if row.family is None and row.family_id not in b.stored_families and row.family_id not in b.families:
            return f"family {row.family_id} is not in the registry: give its columns here, or import it first"
        if member["relation"] == "head":
            current = b.heads.get(row.family_id)
            if (
                current is not None
                and current != row.member_id
                and b.place(current) == (row.family_id, "head")
            ):
                return (
                    f"family {row.family_id} already has a head (member {current}); "
                    "change that member's relation first"
                )
        return None

    def _apply(self, p: Pending, b: _Batch) -> None:
        row, member = p.row, p.row.member
        mid, fid = row.member_id, row.family_id
        if row.family is not None:
            b.families[fid] = row.family
            b.heads.setdefault(fid, None)
        if member["aadhaar_hash"] is not None:
            b.hash_in_batch[member["aadhaar_hash"]] = (mid, p.line)
        before = b.place(mid)
        if before is not None and before[0] != fid and b.heads.get(before[0]) == mid:
            b.heads[before[0]] = None  # the head moved to another family
        if member["relation"] == "head":
            b.heads[fid] = mid
        elif b.heads.get(fid) == mid:
            b.heads[fid] = None
        b.state[mid] = (fid, member["relation"])

    async def _unseen(self, batch: list[Pending]) -> tuple[list[Pending], list[Rejected]]:
        """The rows whose member has not been accepted yet in this import, and the repeats."""
        rejects: list[Rejected] = []
        first_line: dict[str, int] = {}
        items: list[Pending] = []
        for p in batch:
            earlier = first_line.get(p.row.member_id)
            if earlier is None:
                first_line[p.row.member_id] = p.line
                items.append(p)
            else:
                rejects.append(
                    Rejected(p.line, p.fields, f"member ID {p.row.member_id} appears again (line {earlier})")
                )
        seen = dict(await self._rows(self._seen, map(int, first_line)))
        if seen:
            again = {p.row.member_id: p for p in items if int(p.row.member_id) in seen}
            for member_id, p in again.items():
                reason = f"member ID {member_id} appears again (line {seen[int(member_id)]})"
                rejects.append(Rejected(p.line, p.fields, reason))
            items = [p for p in items if p.row.member_id not in again]
        return items, rejects

    async def _write(self, batch: list[Pending], now: float) -> tuple[list[Rejected], WriteCounts]:
        conn = self.conn
        items, rejects = await self._unseen(batch)
        b = await self._read(items)
        accepted: list[Pending] = []
        for p in items:
            reason = self._check(p, b)
            if reason is None:
                self._apply(p, b)
                accepted.append(p)
            else:
                rejects.append(Rejected(p.line, p.fields, reason))
        counts = WriteCounts()
        if not accepted:
            return rejects, counts

        # Families: the new ones, and those whose columns or head changed.
        new_families: list[dict[str, Any]] = []
        family_rows: list[dict[str, Any]] = []
        changed_families: set[str] = set()
        for fid, given in b.families.items():
            values = {**given, "head_member_id": b.heads.get(fid), "version": 1}
            stored = b.stored_families.get(fid)
            if stored is None:
                counts.families_added += 1
                (new_families if self.copy else family_rows).append(values)
            elif _FAMILY_VALUES(values) != tuple(stored[1:]):
                counts.families_updated += 1
                family_rows.append(values)
            else:
                continue
            changed_families.add(fid)
        await self._families_insert.copy(conn, new_families)
        await self._families_upsert.run(conn, family_rows)
        new_heads = [
            {"f": fid, "h": head, "now": now}
            for fid, head in b.heads.items()
            if fid not in b.families
            and fid in b.stored_families
            and head != b.stored_families[fid].head_member_id
        ]
        if new_heads:
            await conn.execute(self._set_head, new_heads)
            changed_families.update(str(item["f"]) for item in new_heads)

        # Members: the new ones, and those with any value changed.
        new_members: list[dict[str, Any]] = []
        member_rows: list[dict[str, Any]] = []
        touched: set[str] = set()
        for p in accepted:
            member = p.row.member
            stored = b.stored_members.get(p.row.member_id)
            if stored is None:
                counts.members_added += 1
                (new_members if self.copy else member_rows).append(member)
            elif _member_changed(member, stored):
                counts.members_updated += 1
                touched.add(stored.family_id)  # the family it may have left
                member_rows.append(member)
            else:
                counts.members_unchanged += 1
                continue
            touched.add(member["family_id"])
        await self._members_insert.copy(conn, new_members)
        await self._members_upsert.run(conn, member_rows)
        bump = touched - changed_families
        if bump:
            keys = json.dumps(sorted(bump)) if self.is_sqlite else sorted(bump)
            await conn.execute(self._bump, {"keys": keys, "now": now})
        seen = [{"member_id": int(p.row.member_id), "line": p.line} for p in accepted]
        await (self._seen_insert.copy if self.copy else self._seen_insert.run)(conn, seen)
        return rejects, counts
