"""Wire formats of the document store: ``/api/v1/documents``."""

from __future__ import annotations

import msgspec

__all__ = ["DocumentOut"]


class DocumentOut(msgspec.Struct, kw_only=True, frozen=True):
    """One stored document. ``content_type`` is what its bytes are, whatever the uploaded name said."""

    id: str
    member_id: str
    doc_type: str
    sha256: str
    content_type: str
    size: int
    filename: str
    issuer: str | None
    valid_until: str | None
    uploaded_at: str
