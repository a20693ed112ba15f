"""``/api/v1/documents``: upload a document once, list a family's documents, fetch one.

Citizens see their own family's documents; administrators and auditors may list any; a department may
fetch a document attached to an application for one of its services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy import select

from catalogue.digits import ascii_digits
from family_registry.tables import Member
from gateway.applications.errors import UnknownMember
from gateway.applications.timeline import APPLICATIONS
from gateway.audit.trail import Actor
from gateway.documents.errors import DocumentNotFound
from gateway.documents.service import DocumentStore, NewDocument
from gateway.identity.access import allow
from gateway.identity.masking import mask_id, mask_text
from gateway.identity.principal import Principal
from schemas.documents_api import DocumentOut

__all__ = ["DocumentController", "UploadForm"]

_MEMBERS = Member.__table__  # type: ignore[attr-defined]


@dataclass
class UploadForm:
    """The multipart form of an upload; ``member_id`` defaults to the signed-in citizen."""

    doc_type: str
    file: UploadFile
    member_id: str | None = None
    issuer: str | None = None
    valid_until: str | None = None


async def _family_of(store: DocumentStore, member_id: str) -> str | None:
    async with store.engine.connect() as conn:
        found = (
            await conn.execute(select(_MEMBERS.c.family_id).where(_MEMBERS.c.member_id == member_id))
        ).first()
    return str(found[0]) if found else None


async def _attached_to_department(store: DocumentStore, document_id: str, department: str | None) -> bool:
    """Whether an application of ``department`` carries the document (its ID is in the stored list)."""
    if department is None:
        return False
    async with store.engine.connect() as conn:
        found = (
            await conn.execute(
                select(APPLICATIONS.c.reference)
                .where(
                    APPLICATIONS.c.department == department,
                    APPLICATIONS.c.documents.contains(f'"document_id":"{document_id}"'),
                )
                .limit(1)
            )
        ).first()
    return found is not None


def _for(principal: Principal, document: DocumentOut) -> DocumentOut:
    """An auditor sees the member ID shortened and the file name and issuer withheld."""
    if principal.role != "auditor":
        return document
    return msgspec.structs.replace(
        document,
        member_id=mask_id(document.member_id),
        filename=mask_text(document.filename),
        issuer=mask_text(document.issuer) if document.issuer else None,
    )


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ("documents",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Upload a document (PDF, JPEG or PNG) for a member of your family",
        **allow("citizen", purpose="upload a document", personal=True),
    )
    async def upload(
        self,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        documents: DocumentStore,
        principal: Principal,
        actor: Actor,
    ) -> DocumentOut:
        member_id = ascii_digits(data.member_id or principal.member_id or "")
        family_id = await _family_of(documents, member_id)
        if family_id is None or family_id != principal.family_id:
            raise UnknownMember(member_id)
        content = await data.file.read(documents.max_bytes + 1)
        await data.file.close()
        new = NewDocument(
            member_id=member_id,
            doc_type=data.doc_type,
            filename=data.file.filename or "",
            issuer=data.issuer or None,
            valid_until=data.valid_until or None,
        )
        return await documents.upload(family_id, new, content, actor)

    @get(
        "/",
        summary="Documents of your family (or of a family, for administrators and auditors)",
        **allow("citizen", "auditor", "administrator", purpose="list documents", personal=True),
    )
    async def list_documents(
        self,
        documents: DocumentStore,
        principal: Principal,
        actor: Actor,
        member_id: str | None = None,
        family_id: str | None = None,
    ) -> list[DocumentOut]:
        if principal.role == "citizen":
            family_id = principal.family_id
        found = await documents.list_family(family_id, member_id)
        await documents.audit.record(
            actor, "document.list", f"family:{family_id or '*'}", {"count": len(found)}
        )
        return [_for(principal, document) for document in found]

    @get(
        "/{document_id:str}",
        summary="One document's details",
        **allow(
            "citizen", "department", "auditor", "administrator", purpose="read a document", personal=True
        ),
    )
    async def get_document(
        self, document_id: str, documents: DocumentStore, principal: Principal, actor: Actor
    ) -> DocumentOut:
        document = await self._visible(document_id, documents, principal)
        await documents.audit.record(actor, "document.read", f"document:{document_id}")
        return _for(principal, document)

    @get(
        "/{document_id:str}/content",
        summary="The document's bytes, as uploaded",
        media_type="application/octet-stream",
        **allow("citizen", "department", "administrator", purpose="fetch a document", personal=True),
    )
    async def content(
        self, document_id: str, documents: DocumentStore, principal: Principal, actor: Actor
    ) -> Response[bytes]:
        document = await self._visible(document_id, documents, principal)
        data = await documents.content(document)
        await documents.audit.record(actor, "document.fetch", f"document:{document_id}")
        headers = {"X-Content-SHA256": document.sha256, "X-Content-Type-Options": "nosniff"}
        return Response(data, media_type=document.content_type, headers=headers)

    @staticmethod
    async def _visible(document_id: str, documents: DocumentStore, principal: Principal) -> DocumentOut:
        document, family_id = await documents.get(document_id)
        allowed: Any
        if principal.role == "citizen":
            allowed = family_id == principal.family_id
        elif principal.role == "department":
            allowed = await _attached_to_department(documents, document_id, principal.department)
        else:
            allowed = True
        if not allowed:
            raise DocumentNotFound(
                document_id
            )  # another family's document does not exist, as far as you know
        return document
