"""``/api/v1/documents``: upload a document once, list a family's documents, read and fetch one.

Who may reach which document is the documents policy (``policy.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.status_codes import HTTP_201_CREATED

from gateway.documents.download import content_disposition
from gateway.documents.errors import (
    DocumentNotFound,
    DocumentQuotaExceeded,
    DocumentTooLarge,
    InvalidDocumentField,
    UnknownDocumentType,
    UnsupportedDocument,
)
from gateway.documents.policy import POLICY
from gateway.documents.service import DocumentStore, NewDocument
from gateway.families import UnknownMember
from gateway.platform.guard import Caller
from schemas.documents_api import DocumentOut
from schemas.identifiers import DOCUMENT_ID, FAMILY_ID, MEMBER_ID

__all__ = ["DocumentController", "UploadForm"]

DocumentId = Annotated[
    str, Parameter(description="32 hexadecimal characters", schema_extra={"pattern": DOCUMENT_ID})
]


@dataclass
class UploadForm:
    """The multipart form of an upload; ``member_id`` defaults to the signed-in citizen."""

    doc_type: str
    file: UploadFile
    member_id: str | None = None
    issuer: str | None = None
    valid_until: str | None = None


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ("documents",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Upload a document (PDF, JPEG or PNG) for a member of your family",
        **POLICY.route(
            "upload",
            UnknownMember,
            DocumentTooLarge,
            DocumentQuotaExceeded,
            UnsupportedDocument,
            UnknownDocumentType,
            InvalidDocumentField,
        ),
    )
    async def upload(
        self,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        documents: NamedDependency[DocumentStore],
        caller: NamedDependency[Caller],
    ) -> DocumentOut:
        content = await data.file.read(documents.max_bytes + 1)
        await data.file.close()
        new = NewDocument(
            member_id=data.member_id or "",
            doc_type=data.doc_type,
            filename=data.file.filename or "",
            issuer=data.issuer or None,
            valid_until=data.valid_until or None,
        )
        return await documents.upload_for(caller, new, content)

    @get(
        "/",
        summary="Documents of your family (or of a family, for administrators and auditors)",
        **POLICY.route("list"),
    )
    async def list_documents(
        self,
        documents: NamedDependency[DocumentStore],
        caller: NamedDependency[Caller],
        member_id: Annotated[str | None, Parameter(schema_extra={"pattern": MEMBER_ID})] = None,
        family_id: Annotated[str | None, Parameter(schema_extra={"pattern": FAMILY_ID})] = None,
    ) -> list[DocumentOut]:
        return await documents.list_for(caller, family_id, member_id)

    @get("/{document_id:str}", summary="One document's details", **POLICY.route("read", DocumentNotFound))
    async def get_document(
        self,
        document_id: DocumentId,
        documents: NamedDependency[DocumentStore],
        caller: NamedDependency[Caller],
    ) -> DocumentOut:
        return await documents.read(caller, document_id)

    @get(
        "/{document_id:str}/content",
        summary="The document's bytes, as uploaded",
        media_type="application/octet-stream",
        **POLICY.route("fetch", DocumentNotFound),
    )
    async def content(
        self,
        document_id: DocumentId,
        documents: NamedDependency[DocumentStore],
        caller: NamedDependency[Caller],
    ) -> Response[bytes]:
        document, data = await documents.fetch(caller, document_id)
        headers = {
            "X-Content-SHA256": document.sha256,
            "Content-Disposition": content_disposition(document.filename, document.content_type),
        }
        return Response(data, media_type=document.content_type, headers=headers)
