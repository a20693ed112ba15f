"""The port every department adapter implements: submit an application, ask where it stands.

Modelled on httpx's transports: a base class that owns its lifecycle (``async with adapter:`` calls
``aclose()``) and a small set of async methods. An adapter is handed whatever it talks through (an
``httpx.AsyncClient``, a clock); it never builds its own, so tests and benchmarks can hand it a real
client to a loopback server. Every failure is a ``adapters.errors.DepartmentError``.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

import msgspec

from adapters.exchange import DEFAULT_CLIENT, ExchangeHeaders
from schemas.department_api import (
    Applicant,
    ApplicationState,
    ApplicationSubmission,
    Certificate,
    DocumentRef,
    FormValue,
    Status,
)

__all__ = [
    "Applicant",
    "Certificate",
    "DepartmentAdapter",
    "DocumentRef",
    "StatusQuery",
    "StatusResult",
    "SubmissionRequest",
    "SubmitResult",
]


class SubmissionRequest(msgspec.Struct, kw_only=True, frozen=True):
    """One application handed to a department, as the delivery worker holds it.

    ``idempotency_key`` is the same on every retry of this submission, so a department that already has
    it answers with the same reference instead of opening a second file. ``callback_url`` is where the
    department may report its decision; without one, the gateway polls ``status``.
    """

    reference_number: str
    service_code: str
    operation: str
    applicant: Applicant
    idempotency_key: str
    form: dict[str, FormValue] = msgspec.field(default_factory=dict)
    documents: tuple[DocumentRef, ...] = ()
    callback_url: str | None = None

    def wire(self) -> ApplicationSubmission:
        """The body a department receives (the idempotency key travels as a header)."""
        return ApplicationSubmission(
            reference_number=self.reference_number,
            service_code=self.service_code,
            operation=self.operation,
            applicant=self.applicant,
            form=self.form,
            documents=self.documents,
            callback_url=self.callback_url,
        )


class StatusQuery(msgspec.Struct, kw_only=True, frozen=True):
    """Which application to ask about: by the department's reference when known, else by ours.

    ``member_id`` names the citizen asking, for the masked ``X-Road-UserId``; a worker polling on its own
    leaves it out.
    """

    reference_number: str
    department_reference: str | None = None
    member_id: str | None = None


class _Answer(msgspec.Struct, kw_only=True, frozen=True):
    department_reference: str
    status: Status
    message: str = ""
    certificate: Certificate | None = None

    @classmethod
    def from_state(cls, state: ApplicationState) -> Self:
        return cls(
            department_reference=state.department_reference,
            status=state.status,
            message=state.message,
            certificate=state.certificate,
        )


class SubmitResult(_Answer):
    """The department accepted the application: its own reference and the first status."""


class StatusResult(_Answer):
    """Where the application stands; ``certificate`` is set when the status is ``issued``."""


class DepartmentAdapter(abc.ABC):
    """How the gateway talks to one department.

    ``code`` is the adapter's code in the catalogue (``rest_transport``); ``service`` is the X-Road
    service ID the operations are named under, and ``client_id`` names the gateway in ``X-Road-Client``.
    ``health`` is called when a department registers a new adapter; the default trusts that it is ready.
    """

    def __init__(self, code: str, *, service: str | None = None, client_id: str = DEFAULT_CLIENT) -> None:
        self.code = code
        self.service = service or f"IN/GOV/SEVA/{code}"
        self.client_id = client_id

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release what the adapter holds itself; an injected client belongs to whoever built it."""
        return None

    @abc.abstractmethod
    async def submit(self, request: SubmissionRequest) -> SubmitResult:
        """Hand one application to the department."""

    @abc.abstractmethod
    async def status(self, query: StatusQuery) -> StatusResult:
        """Ask the department where an application stands."""

    async def health(self) -> None:
        """Raise a ``DepartmentError`` unless the department is ready to receive applications."""
        return None

    def exchange(
        self,
        operation: str,
        issue: str,
        *,
        member_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> ExchangeHeaders:
        """The exchange headers of a new message to this department."""
        return ExchangeHeaders.new(
            client=self.client_id,
            service=f"{self.service}/{operation}",
            issue=issue,
            member_id=member_id,
            idempotency_key=idempotency_key,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"
