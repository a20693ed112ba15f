"""Routes of grievances: the citizen's (``/api/v1/grievances``) and the officer's
(``/api/v1/grievance-inbox``). Each handler parses, calls one service method and returns."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, Parameter, QueryParameter

from gateway.grievances.errors import (
    ClosureNotAllowed,
    DistrictNotInState,
    FeedbackNotDue,
    GrievanceInvalid,
    GrievanceNotFound,
    GrievanceStateConflict,
    NotYourApplication,
    OutsideJurisdiction,
    RelayRefused,
    ReminderTooSoon,
    TransferCapReached,
    UnknownCategory,
)
from gateway.grievances.policy import POLICY
from gateway.grievances.reference import PATTERN, InvalidGrievanceNumber, parse_grievance
from gateway.grievances.service import Grievances
from gateway.identity import LoginInvalid, SignInRefused
from gateway.platform.guard import Caller
from gateway.platform.problems import TooManyRequests
from schemas.grievances_api import (
    ClosureBody,
    FeedbackBody,
    ForwardBody,
    GrievanceCreate,
    GrievanceOut,
    GrievancePage,
    GrievanceStatus,
    InboxPage,
    NoteBody,
    PhoneCodeBody,
    PhoneFilingBody,
    SmsReplyAck,
    SmsReplyBody,
)
from schemas.identity_api import CodeSent

__all__ = ["GrievanceController", "InboxController", "PhoneFilingController", "SmsReplyController"]

Number = Annotated[
    str,
    Parameter(
        description="G and 14 digits, grouped or not: G2612-34567-89012", schema_extra={"pattern": PATTERN}
    ),
]


def number_of(text: str) -> str:
    """The grievance number in ``text``; an unknown grievance when it is not one (no more is said)."""
    try:
        return parse_grievance(text)
    except InvalidGrievanceNumber:
        raise GrievanceNotFound(text[:24]) from None


_FILED = (GrievanceInvalid, UnknownCategory, DistrictNotInState, NotYourApplication)


class GrievanceController(Controller):
    path = "/api/v1/grievances"
    tags = ("grievances",)

    @post("/", status_code=201, summary="File a grievance", **POLICY.route("file", *_FILED))
    async def file(
        self,
        data: JSONBody[GrievanceCreate],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.file(caller, data, channel="api")

    @get("/", summary="Your family's grievances, newest first", **POLICY.route("mine"))
    async def mine(
        self, grievances: NamedDependency[Grievances], caller: NamedDependency[Caller]
    ) -> GrievancePage:
        return await grievances.mine(caller)

    @get("/{number:str}", summary="A grievance and its timeline", **POLICY.route("read", GrievanceNotFound))
    async def read(
        self, number: Number, grievances: NamedDependency[Grievances], caller: NamedDependency[Caller]
    ) -> GrievanceOut:
        return await grievances.get(caller, number_of(number))

    @get(
        "/{number:str}/status",
        summary="Where a grievance stands, for anyone holding its number",
        **POLICY.route("status", GrievanceNotFound),
    )
    async def status(self, number: Number, grievances: NamedDependency[Grievances]) -> GrievanceStatus:
        return await grievances.status(number_of(number))

    @post(
        "/{number:str}/reminders",
        status_code=200,
        summary="Remind the officer (throttled)",
        **POLICY.route("remind", GrievanceNotFound, ReminderTooSoon, GrievanceStateConflict),
    )
    async def remind(
        self, number: Number, grievances: NamedDependency[Grievances], caller: NamedDependency[Caller]
    ) -> GrievanceOut:
        return await grievances.remind(caller, number_of(number))

    @post(
        "/{number:str}/withdraw",
        status_code=200,
        summary="Withdraw a grievance",
        **POLICY.route("withdraw", GrievanceNotFound, GrievanceStateConflict),
    )
    async def withdraw(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.withdraw(caller, number_of(number), data)

    @post(
        "/{number:str}/answer",
        status_code=200,
        summary="Answer the officer's question",
        **POLICY.route("withdraw", GrievanceNotFound, GrievanceStateConflict),
    )
    async def answer(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.answer(caller, number_of(number), data)

    @post(
        "/{number:str}/feedback",
        status_code=200,
        summary="Your say on a resolution: satisfied closes it, not satisfied reopens it a level up",
        **POLICY.route(
            "feedback", GrievanceNotFound, FeedbackNotDue, GrievanceInvalid, GrievanceStateConflict
        ),
    )
    async def feedback(
        self,
        number: Number,
        data: JSONBody[FeedbackBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.feedback(caller, number_of(number), data)


class SmsReplyController(Controller):
    path = "/api/v1/grievance-sms-replies"
    tags = ("grievances",)

    @post(
        "/",
        status_code=200,
        summary="A citizen's reply to the 'resolved' text, relayed by the SMS provider with its token",
        **POLICY.route("sms_reply", RelayRefused, GrievanceInvalid, FeedbackNotDue, GrievanceStateConflict),
    )
    async def relay(
        self,
        data: JSONBody[SmsReplyBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
        token: Annotated[
            str | None, HeaderParameter(name="X-Seva-Relay-Token", required=False, max_length=200)
        ] = None,
    ) -> SmsReplyAck:
        if not grievances.relay_token_ok(token):
            raise RelayRefused()
        return await grievances.sms_reply(data, caller.actor)


class PhoneFilingController(Controller):
    path = "/api/v1/grievances-by-phone"
    tags = ("grievances",)

    @post(
        "/code",
        status_code=202,
        summary="A code to your phone, to file a grievance without signing in",
        **POLICY.route("file_by_mobile", LoginInvalid, TooManyRequests),
    )
    async def code(
        self,
        data: JSONBody[PhoneCodeBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> CodeSent:
        return await grievances.send_phone_code(data, caller.actor)

    @post(
        "/",
        status_code=201,
        summary="File a grievance with the code sent to your phone",
        **POLICY.route("file_by_mobile", *_FILED, SignInRefused),
    )
    async def file(
        self,
        data: JSONBody[PhoneFilingBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.file_by_phone(data, caller.actor)


_ACT = (GrievanceNotFound, OutsideJurisdiction, GrievanceStateConflict)


class InboxController(Controller):
    path = "/api/v1/grievance-inbox"
    tags = ("grievances",)

    @get("/", summary="Grievances at your level and in your area, nearest due first", **POLICY.route("inbox"))
    async def inbox(
        self,
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
        which: Annotated[
            Literal["open", "attended", "info_requested"] | None, QueryParameter(name="state")
        ] = None,
    ) -> InboxPage:
        return await grievances.inbox(caller, which)

    @post(
        "/{number:str}/attend", status_code=200, summary="Take the grievance up", **POLICY.route("act", *_ACT)
    )
    async def attend(
        self, number: Number, grievances: NamedDependency[Grievances], caller: NamedDependency[Caller]
    ) -> GrievanceOut:
        return await grievances.attend(caller, number_of(number))

    @post(
        "/{number:str}/reply", status_code=200, summary="Reply to the citizen", **POLICY.route("act", *_ACT)
    )
    async def reply(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.reply(caller, number_of(number), data)

    @post(
        "/{number:str}/ask",
        status_code=200,
        summary="Ask the citizen for information",
        **POLICY.route("act", *_ACT),
    )
    async def ask(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.ask_info(caller, number_of(number), data)

    @post(
        "/{number:str}/resolve",
        status_code=200,
        summary="Mark resolved with the action taken; the citizen is asked for their say",
        **POLICY.route("act", *_ACT),
    )
    async def resolve(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.resolve(caller, number_of(number), data)

    @post(
        "/{number:str}/forward",
        status_code=200,
        summary="Send to the right officer (transfers are counted and capped)",
        **POLICY.route("act", *_ACT, TransferCapReached, UnknownCategory, DistrictNotInState),
    )
    async def forward(
        self,
        number: Number,
        data: JSONBody[ForwardBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.forward(caller, number_of(number), data)

    @post(
        "/{number:str}/escalate",
        status_code=200,
        summary="Move up a level by hand",
        **POLICY.route("act", *_ACT),
    )
    async def escalate(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.escalate(caller, number_of(number), data)

    @post(
        "/{number:str}/send-back",
        status_code=200,
        summary="Send back to the level below (where the routing file allows)",
        **POLICY.route("act", *_ACT, ClosureNotAllowed),
    )
    async def send_back(
        self,
        number: Number,
        data: JSONBody[NoteBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.send_back(caller, number_of(number), data)

    @post(
        "/{number:str}/special-closure",
        status_code=200,
        summary="Propose or make a special closure with reasons, at the levels allowed",
        **POLICY.route("act", *_ACT, ClosureNotAllowed),
    )
    async def special_closure(
        self,
        number: Number,
        data: JSONBody[ClosureBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.special_closure(caller, number_of(number), data)

    @post(
        "/{number:str}/force-closure",
        status_code=200,
        summary="Close without the citizen's consent: the first call tells them, one after the notice closes",
        **POLICY.route("act", *_ACT, ClosureNotAllowed),
    )
    async def force_closure(
        self,
        number: Number,
        data: JSONBody[ClosureBody],
        grievances: NamedDependency[Grievances],
        caller: NamedDependency[Caller],
    ) -> GrievanceOut:
        return await grievances.force_closure(caller, number_of(number), data)
