"""The REST contract a department system implements to receive applications from seva.

These structs are the JSON bodies on the wire, version 1; ``docs/adapters.md`` describes the paths,
status codes and headers around them. The same nested records (applicant, documents, certificate) are
used inside seva, so what a department receives is exactly what the gateway holds, minus nothing and
plus nothing. Unknown fields in a department's answer are ignored, so a department can add its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

__all__ = [
    "STATUSES",
    "Applicant",
    "ApplicationState",
    "ApplicationSubmission",
    "Certificate",
    "DepartmentHealth",
    "DepartmentProblem",
    "DocumentRef",
    "FormValue",
    "Status",
]

Status = Literal["received", "in_progress", "approved", "rejected", "issued"]
STATUSES: tuple[Status, ...] = ("received", "in_progress", "approved", "rejected", "issued")

Token = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
FormValue = str | int | float | bool | None


class Applicant(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """The citizen who applies, with no more personal data than the department needs.

    ``member_id`` is the Samagra member ID. The name is sent in full because a certificate carries it;
    the mobile number is masked (``******3210``) and Aadhaar never leaves the gateway. ``facts`` are the
    registry facts a department's own rules may check (``{"member.age": 67, "member.bpl": true}``).
    """

    member_id: Token
    name: str
    mobile_masked: str | None = None
    district: str | None = None
    facts: dict[str, Any] = msgspec.field(default_factory=dict)


class DocumentRef(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A document attached to an application: its type, its digest, and where to fetch it.

    The department fetches it by ``url`` (or asks for it by ``id``) and checks ``sha256`` before trusting it.
    """

    type: Token
    sha256: Sha256
    url: str | None = None
    id: Token | None = None


class ApplicationSubmission(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Body of ``POST /applications``: one application for one service of the department."""

    reference_number: Token
    service_code: Token
    operation: Token
    applicant: Applicant
    form: dict[str, FormValue] = msgspec.field(default_factory=dict)
    documents: tuple[DocumentRef, ...] = ()
    callback_url: str | None = None


class Certificate(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """What a department issued: the gateway signs it and files it with the citizen's documents."""

    number: Token
    document_type: Token
    issued_on: dt.date
    valid_until: dt.date | None = None
    details: dict[str, str] = msgspec.field(default_factory=dict)


class ApplicationState(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Answer to ``POST /applications`` and ``GET /applications/...``: where the application stands."""

    department_reference: Token
    status: Status
    message: str = ""
    certificate: Certificate | None = None


class DepartmentProblem(msgspec.Struct, kw_only=True, frozen=True):
    """An error body (RFC 9457 style); seva keeps ``detail``, else ``title``, as the department's message."""

    title: str | None = None
    detail: str | None = None
    status: int | None = None
    type: str | None = None


class DepartmentHealth(msgspec.Struct, kw_only=True, frozen=True):
    """Body of ``GET /health``: anything but ``"ok"`` means the department is not ready."""

    status: str
