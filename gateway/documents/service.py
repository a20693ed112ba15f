"""The document store: upload once, attach to every later application that needs the same type.

Bytes go to a ``DocumentStorage`` (content-addressed, so the same scan is kept once); the row saying
whose they are goes to the ``documents`` table, with its audit entry, in one transaction. Who may reach
which document is the documents policy (``policy.py``); a department's access is its ``document_grant``
rows, written with each application that carries the document.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue.digits import ascii_digits
from family_registry.tables import Member
from gateway.audit import Actor, AuditTrail
from gateway.documents.errors import (
    DocumentNotFound,
    DocumentQuotaExceeded,
    DocumentTooLarge,
    InvalidDocumentField,
    UnknownDocumentType,
    UnsupportedDocument,
)
from gateway.documents.policy import POLICY
from gateway.documents.sniff import UnsupportedContent, sniff_content_type
from gateway.documents.storage import DocumentStorage, StoredBlobMissing
from gateway.documents.tables import Document, DocumentGrant
from gateway.families import UnknownMember
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_aadhaar_numbers, mask_id, mask_text
from gateway.platform.policy import Rule, Scope
from gateway.transactions import insert_many
from schemas.documents_api import DocumentOut

__all__ = ["DocumentStore", "NewDocument", "document_out"]

_DOCS = Document.__table__  # type: ignore[attr-defined]
_GRANTS = DocumentGrant.__table__  # type: ignore[attr-defined]
_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_QUOTA_LOCK = 0x5E7A_0D0C  # the first key of the advisory lock on a family's uploads (PostgreSQL)
log = logging.getLogger("seva.documents")


class NewDocument:
    """What an upload carries besides its bytes."""

    __slots__ = ("doc_type", "filename", "issuer", "member_id", "valid_until")

    def __init__(
        self, *, member_id: str, doc_type: str, filename: str = "", issuer: str | None = None,
        valid_until: str | None = None,
    ) -> None:  # fmt: skip
        self.member_id = member_id
        self.doc_type = doc_type
        self.filename = filename
        self.issuer = issuer
        self.valid_until = valid_until


def document_out(row: dict[str, object]) -> DocumentOut:
    uploaded = dt.datetime.fromtimestamp(float(row["uploaded_at"]), dt.UTC)  # type: ignore[arg-type]
    return DocumentOut(
        id=str(row["id"]),
        member_id=str(row["member_id"]),
        doc_type=str(row["doc_type"]),
        sha256=str(row["sha256"]),
        content_type=str(row["content_type"]),
        size=int(row["size"]),  # type: ignore[call-overload]
        filename=str(row["filename"]),
        issuer=row["issuer"],  # type: ignore[arg-type]
        valid_until=row["valid_until"],  # type: ignore[arg-type]
        uploaded_at=uploaded.isoformat(timespec="seconds"),
    )


def _valid_until(value: str | None, today: dt.date) -> str | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidDocumentField(
            "valid_until", "must be a date written YYYY-MM-DD", "तिथि YYYY-MM-DD रूप में होनी चाहिए"
        ) from None
    if day < today:
        raise InvalidDocumentField(
            "valid_until", "the document has already expired", "दस्तावेज़ की वैधता समाप्त हो चुकी है"
        )
    return day.isoformat()


class DocumentStore:
    """Documents of citizens: ``upload``, ``list_family``, ``get``, ``content`` and ``attachable``."""

    def __init__(
        self,
        engine: AsyncEngine,
        storage: DocumentStorage,
        audit: AuditTrail,
        *,
        max_bytes: int,
        document_types: Callable[[], Collection[str]],
        quota_bytes: int | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.engine = engine
        self.storage = storage
        self.audit = audit
        self.max_bytes = max_bytes
        self.quota_bytes = quota_bytes
        self.document_types = document_types

    async def upload(self, family_id: str, new: NewDocument, data: bytes, actor: Actor) -> DocumentOut:
        """Check and keep one document; refuses a wrong size, type or format before storing anything."""
        if len(data) > self.max_bytes:
            raise DocumentTooLarge(len(data), self.max_bytes)
        if new.doc_type not in self.document_types():
            raise UnknownDocumentType(new.doc_type)
        try:
            content_type = sniff_content_type(data[:1024])
        except UnsupportedContent as exc:
            raise UnsupportedDocument(str(exc)) from None
        if new.issuer is not None and len(new.issuer) > 200:
            raise InvalidDocumentField("issuer", "must be at most 200 characters", "अधिकतम 200 अक्षर हो सकते हैं")
        valid_until = _valid_until(new.valid_until, self.clock.today())
        # Free text is kept, but never an Aadhaar number typed into it.
        issuer = mask_aadhaar_numbers(new.issuer) if new.issuer is not None else None
        filename = mask_aadhaar_numbers(new.filename[-200:])
        async with self.engine.connect() as conn:
            await self._check_quota(conn, family_id, len(data))  # before any bytes are stored
        # Bytes first: a row must never point at bytes that are not there. Bytes without a row are
        # harmless (and shared by content address), so a failed insert leaves nothing a citizen can see.
        sha256 = await asyncio.to_thread(self.storage.put, data)
        row = {
            "id": secrets.token_hex(16),
            "family_id": family_id,
            "member_id": new.member_id,
            "doc_type": new.doc_type,
            "sha256": sha256,
            "content_type": content_type,
            "size": len(data),
            "filename": filename,
            "issuer": issuer,
            "valid_until": valid_until,
            "uploaded_at": self.clock.time(),
            "uploaded_by": actor.subject[:80],
        }
        async with self.engine.begin() as conn:
            await self._check_quota(conn, family_id, len(data), lock=True)
            await conn.execute(insert(_DOCS).values(**row))
            await self.audit.append(
                conn, actor, "document.upload", f"document:{row['id']}",
                {"member_id": new.member_id, "doc_type": new.doc_type, "sha256": sha256, "size": len(data)},
            )  # fmt: skip
        return document_out(row)

    async def _check_quota(
        self, conn: AsyncConnection, family_id: str, size: int, *, lock: bool = False
    ) -> None:
        """``DocumentQuotaExceeded`` if the family's documents and ``size`` more bytes pass the quota. With
        ``lock``, in the transaction that inserts: PostgreSQL serialises a family's uploads on an advisory
        lock (SQLite has one writer), so two uploads at once cannot both squeeze under the quota."""
        if self.quota_bytes is None:
            return
        if lock and conn.dialect.name == "postgresql":
            await conn.execute(select(func.pg_advisory_xact_lock(_QUOTA_LOCK, int(family_id))))
        used = (
            await conn.execute(
                select(func.coalesce(func.sum(_DOCS.c.size), 0)).where(_DOCS.c.family_id == family_id)
            )
        ).scalar_one()
        if int(used) + size > self.quota_bytes:
            raise DocumentQuotaExceeded(int(used), size, self.quota_bytes)

    async def keep_issued(
        self,
        conn: AsyncConnection,
        *,
        family_id: str,
        new: NewDocument,
        data: bytes,
        content_type: str,
        actor: Actor,
    ) -> DocumentOut:
        """Keep a document seva itself issued (a signed certificate) in the holder's store, in the caller's
        transaction, so it commits with the decision. Its bytes are seva's own, so they are not judged
        as an upload's are; the type and validity make later applications attach it like any other."""
        sha256 = await asyncio.to_thread(self.storage.put, data)
        row = {
            "id": secrets.token_hex(16), "family_id": family_id, "member_id": new.member_id,
            "doc_type": new.doc_type, "sha256": sha256, "content_type": content_type[:32], "size": len(data),
            "filename": new.filename[-200:], "issuer": new.issuer, "valid_until": new.valid_until,
            "uploaded_at": self.clock.time(), "uploaded_by": actor.subject[:80],
        }  # fmt: skip
        await conn.execute(insert(_DOCS).values(**row))
        await self.audit.append(
            conn, actor, "document.issued", f"document:{row['id']}",
            {"member_id": new.member_id, "doc_type": new.doc_type, "sha256": sha256, "size": len(data)},
        )  # fmt: skip
        return document_out(row)

    async def list_family(self, family_id: str | None, member_id: str | None = None) -> list[DocumentOut]:
        """Documents of a family (or of everyone, for ``None``), newest first; optionally one member's."""
        query = select(_DOCS).order_by(_DOCS.c.uploaded_at.desc()).limit(500)
        if family_id is not None:
            query = query.where(_DOCS.c.family_id == family_id)
        if member_id is not None:
            query = query.where(_DOCS.c.member_id == member_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [document_out(dict(row)) for row in rows]

    async def get(self, document_id: str) -> tuple[DocumentOut, str]:
        """The document and the family it belongs to; ``DocumentNotFound`` otherwise."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_DOCS).where(_DOCS.c.id == document_id))).mappings().first()
        if row is None:
            raise DocumentNotFound(document_id)
        return document_out(dict(row)), str(row["family_id"])

    async def content(self, document: DocumentOut) -> bytes:
        """The stored bytes, checked against the digest recorded at upload."""
        try:
            data = await asyncio.to_thread(self.storage.get, document.sha256)
        except StoredBlobMissing:
            log.error("document %s: its bytes (%s) are missing from storage", document.id, document.sha256)
            raise DocumentNotFound(document.id) from None
        if hashlib.sha256(data).hexdigest() != document.sha256:
            log.error("document %s: the stored bytes do not match their digest", document.id)
            raise DocumentNotFound(document.id)  # a damaged file is never served as if it were the upload
        return data

    @staticmethod
    async def attachable(
        conn: AsyncConnection, member_id: str, types: Iterable[str], today: dt.date
    ) -> dict[str, DocumentOut]:
        """For each wanted type, the member's newest document that is still valid on ``today``."""
        wanted = list(dict.fromkeys(types))
        if not wanted:
            return {}
        rows = (
            await conn.execute(
                select(_DOCS)
                .where(_DOCS.c.member_id == member_id, _DOCS.c.doc_type.in_(wanted))
                .order_by(_DOCS.c.uploaded_at.desc())
            )
        ).mappings()
        return DocumentStore.newest_valid(rows, wanted, today)

    OF_MEMBER = (
        select(_DOCS).where(_DOCS.c.member_id == bindparam("member_id")).order_by(_DOCS.c.uploaded_at.desc())
    )
    """A member's documents, newest first (parameter ``member_id``): for ``newest_valid``."""

    @staticmethod
    def newest_valid(
        rows: Iterable[Mapping[Any, Any]], types: Iterable[str], today: dt.date
    ) -> dict[str, DocumentOut]:
        """For each of ``types``, the newest of ``rows`` (newest first) still valid on ``today``."""
        wanted = set(types)
        found: dict[str, DocumentOut] = {}
        for row in rows:
            if row["doc_type"] in found or row["doc_type"] not in wanted:
                continue
            if row["valid_until"] is not None and row["valid_until"] < today.isoformat():
                continue
            found[row["doc_type"]] = document_out(dict(row))
        return found

    # ---- under the documents policy -------------------------------------------------------------

    async def _family_of(self, member_id: str) -> str | None:
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(select(_MEMBERS.c.family_id).where(_MEMBERS.c.member_id == member_id))
            ).first()
        return str(found[0]) if found else None

    async def upload_for(self, caller: Caller, new: NewDocument, data: bytes) -> DocumentOut:
        """Upload for a member of the caller's own family (the signed-in member when none is named)."""
        scope = POLICY.upload.scope(caller.principal)
        member_id = ascii_digits(
            new.member_id or (caller.principal.member_id if caller.principal else None) or ""
        )
        family_id = await self._family_of(member_id)
        if family_id is None or not scope.admits(family_id=family_id):
            raise UnknownMember(member_id, field="member_id")
        new.member_id = member_id
        return await self.upload(family_id, new, data, caller.actor)

    def _shown(self, rule: Rule, caller: Caller, document: DocumentOut) -> DocumentOut:
        """An auditor sees the member ID shortened and the file name and issuer withheld."""
        if not rule.masks(caller.principal):
            return document
        return msgspec.structs.replace(
            document,
            member_id=mask_id(document.member_id),
            filename=mask_text(document.filename),
            issuer=mask_text(document.issuer) if document.issuer else None,
        )

    async def list_for(
        self, caller: Caller, family_id: str | None, member_id: str | None
    ) -> list[DocumentOut]:
        """A family's documents (a citizen's own always); every family's for those who may see all."""
        rule = POLICY.list
        scope = rule.scope(caller.principal)
        if not scope.everything:
            family_id = scope.family_id
        found = await self.list_family(family_id, member_id)
        await self.audit.record(
            caller.actor, rule.action, f"family:{family_id or '*'}", {"count": len(found)}
        )
        return [self._shown(rule, caller, document) for document in found]

    async def _granted(self, document_id: str, department: str) -> bool:
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(_GRANTS.c.reference)
                .where(_GRANTS.c.document_id == document_id, _GRANTS.c.department == department)
                .limit(1)
            )
            return found.first() is not None

    async def _visible(self, scope: Scope, document_id: str) -> DocumentOut:
        document, family_id = await self.get(document_id)
        if scope.kind == "own_department":
            allowed = scope.department is not None and await self._granted(document_id, scope.department)
        else:
            allowed = scope.admits(family_id=family_id)
        if not allowed:
            raise DocumentNotFound(document_id)
        return document

    async def read(self, caller: Caller, document_id: str) -> DocumentOut:
        rule = POLICY.read
        document = await self._visible(rule.scope(caller.principal), document_id)
        await self.audit.record(caller.actor, rule.action, f"document:{document_id}")
        return self._shown(rule, caller, document)

    async def fetch(self, caller: Caller, document_id: str) -> tuple[DocumentOut, bytes]:
        rule = POLICY.fetch
        document = await self._visible(rule.scope(caller.principal), document_id)
        data = await self.content(document)
        await self.audit.record(caller.actor, rule.action, f"document:{document_id}")
        return document, data

    @staticmethod
    async def grant(conn: AsyncConnection, grants: list[dict[str, object]]) -> None:
        """Let departments fetch documents: rows of ``document_id``, ``department``, ``reference`` and
        ``granted_at``, written in the caller's transaction (the application that carries them)."""
        await insert_many(conn, _GRANTS, grants)
