"""The documents capability: a citizen's document store, uploaded once and attached to later applications."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Router

from gateway.documents.errors import (
    DocumentNotFound,
    DocumentQuotaExceeded,
    DocumentTooLarge,
    InvalidDocumentField,
    UnknownDocumentType,
    UnsupportedDocument,
)
from gateway.documents.policy import POLICY
from gateway.documents.routes import DocumentController
from gateway.documents.service import DocumentStore
from gateway.documents.storage import DiskStorage, DocumentStorage
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["DocumentsBuilt", "build_documents"]

_MULTIPART_OVERHEAD = 64 * 1024  # form fields and boundaries around the file


@dataclass(slots=True)
class DocumentsBuilt:
    store: DocumentStore
    capability: Capability


def build_documents(platform: Platform, storage: DocumentStorage | None = None) -> DocumentsBuilt:
    settings = platform.settings
    store = DocumentStore(
        platform.engine,
        storage or DiskStorage(settings.data_dir / "documents"),
        platform.audit,
        max_bytes=settings.max_upload_bytes,
        quota_bytes=settings.document_quota_bytes,
        document_types=lambda: platform.catalogue.current.document_types,
        clock=platform.clock,
    )
    # Litestar refuses a larger body before reading it; the store checks the file's own size exactly.
    uploads = Router(
        "/",
        route_handlers=[DocumentController],
        request_max_body_size=settings.max_upload_bytes + _MULTIPART_OVERHEAD,
    )
    capability = Capability(
        "documents",
        route_handlers=[uploads],
        dependencies={"documents": provide(store)},
        errors=[
            DocumentNotFound,
            DocumentTooLarge,
            DocumentQuotaExceeded,
            UnsupportedDocument,
            UnknownDocumentType,
            InvalidDocumentField,
        ],
        policy=POLICY,
    )
    return DocumentsBuilt(store, capability)
