"""Routes of the desk: the officer's list and steps, field verifications, the citizen's answer to a return,
and departments' signed callbacks."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, Parameter, QueryParameter

from gateway.deadlines import digits
from gateway.desk.errors import (
    AlreadyDecided,
    CallbackRefused,
    CallbackReplayed,
    CallbackStale,
    CaseNotFound,
    CaseStateConflict,
    DeskRefused,
    DocumentsStillMissing,
    VerificationNotFound,
)
from gateway.desk.policy import POLICY
from gateway.desk.service import DeskService
from gateway.platform.guard import Caller
from schemas.guarantee_api import (
    AnswerBody,
    CallbackBody,
    DeskCaseOut,
    DeskPage,
    FieldReportBody,
    IssueBody,
    RejectBody,
    ReturnBody,
    VerificationOut,
    VerifyFieldBody,
)
from schemas.identifiers import REFERENCE

__all__ = ["AnswerController", "CallbackController", "DeskController", "VerificationController"]

Reference = Annotated[
    str, Parameter(description="13 digits, grouped or not", schema_extra={"pattern": REFERENCE})
]


class Answered(msgspec.Struct, kw_only=True, frozen=True):
    reference: str
    status: str
    due_on: str | None = None


class CallbackAck(msgspec.Struct, kw_only=True, frozen=True):
    reference: str
    status: str


def _ref(reference: str) -> str:
    try:
        return digits(reference)
    except Exception:
        raise CaseNotFound(reference) from None


class DeskController(Controller):
    path = "/api/v1/desk"
    tags = ("desk",)

    @get("/", summary="What is due on your desk, the nearest deadline first", **POLICY.route("list"))
    async def list_due(
        self,
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
        which: Annotated[
            Literal["open", "returned", "verification"] | None, QueryParameter(name="state")
        ] = None,
    ) -> DeskPage:
        return await desk.list_due(caller, which)

    @get(
        "/{reference:str}",
        summary="Open an application: form, documents, registry facts, clock",
        **POLICY.route("open", CaseNotFound),
    )
    async def open_case(
        self, reference: Reference, desk: NamedDependency[DeskService], caller: NamedDependency[Caller]
    ) -> DeskCaseOut:
        return await desk.open(caller, _ref(reference))

    @post(
        "/{reference:str}/approve",
        status_code=200,
        summary="Approve and issue the signed certificate",
        **POLICY.route("decide", CaseNotFound, AlreadyDecided, CaseStateConflict),
    )
    async def approve(
        self,
        reference: Reference,
        data: JSONBody[IssueBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> DeskCaseOut:
        return await desk.approve(caller, _ref(reference), data)

    @post(
        "/{reference:str}/reject",
        status_code=200,
        summary="Reject, with the reason in English and Hindi",
        **POLICY.route("decide", CaseNotFound, AlreadyDecided, CaseStateConflict),
    )
    async def reject(
        self,
        reference: Reference,
        data: JSONBody[RejectBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> DeskCaseOut:
        return await desk.reject(caller, _ref(reference), data)

    @post(
        "/{reference:str}/return",
        status_code=200,
        summary="Return to the citizen for what is missing (the clock stops)",
        **POLICY.route("decide", CaseNotFound, AlreadyDecided, CaseStateConflict, DeskRefused),
    )
    async def return_case(
        self,
        reference: Reference,
        data: JSONBody[ReturnBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> DeskCaseOut:
        return await desk.return_to_citizen(caller, _ref(reference), data)

    @post(
        "/{reference:str}/field-verification",
        status_code=200,
        summary="Send for field verification to a field officer",
        **POLICY.route("decide", CaseNotFound, AlreadyDecided, CaseStateConflict, DeskRefused),
    )
    async def verify(
        self,
        reference: Reference,
        data: JSONBody[VerifyFieldBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> DeskCaseOut:
        return await desk.send_for_verification(caller, _ref(reference), data)


class VerificationController(Controller):
    path = "/api/v1/field-verifications"
    tags = ("desk",)

    @get("/", summary="Field verifications assigned to you", **POLICY.route("verifications"))
    async def assigned(
        self, desk: NamedDependency[DeskService], caller: NamedDependency[Caller]
    ) -> list[VerificationOut]:
        return await desk.verifications(caller)

    @post(
        "/{verification_id:int}/report",
        status_code=200,
        summary="Report what the field verification found",
        **POLICY.route("report", VerificationNotFound, CaseStateConflict, AlreadyDecided),
    )
    async def report(
        self,
        verification_id: Annotated[int, Parameter(ge=1, le=2**31 - 1)],
        data: JSONBody[FieldReportBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> VerificationOut:
        return await desk.report(caller, verification_id, data)


class AnswerController(Controller):
    path = "/api/v1/applications/{reference:str}/answer"
    tags = ("desk",)

    @post(
        "/",
        status_code=200,
        summary="Answer a return: the documents asked for are taken from your store",
        **POLICY.route("answer", CaseNotFound, CaseStateConflict, DocumentsStillMissing, AlreadyDecided),
    )
    async def answer(
        self,
        reference: Reference,
        data: JSONBody[AnswerBody],
        desk: NamedDependency[DeskService],
        caller: NamedDependency[Caller],
    ) -> Answered:
        return Answered(**await desk.answer(caller, _ref(reference), data))


class CallbackController(Controller):
    path = "/api/v1/departments/callbacks"
    tags = ("departments",)

    @post(
        "/{adapter:str}",
        status_code=200,
        summary="A department's decision, signed: HMAC-SHA256 of 'timestamp.body' with its callback secret",
        **POLICY.route(
            "callback",
            CallbackRefused,
            CallbackStale,
            CallbackReplayed,
            CaseNotFound,
            AlreadyDecided,
            CaseStateConflict,
        ),
    )
    async def receive(
        self,
        request: Request,
        adapter: Annotated[str, Parameter(schema_extra={"pattern": r"^[a-z][a-z0-9_]{0,63}$"})],
        desk: NamedDependency[DeskService],
        data: JSONBody[CallbackBody],
        timestamp: Annotated[
            str | None, HeaderParameter(name="X-Seva-Timestamp", required=False, max_length=20)
        ] = None,
        signature: Annotated[
            str | None, HeaderParameter(name="X-Seva-Signature", required=False, max_length=200)
        ] = None,
    ) -> CallbackAck:
        body = await request.body()
        return CallbackAck(**await desk.callback(adapter, timestamp, signature, body))
