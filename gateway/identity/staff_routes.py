"""Routes of staff: sign-in by code (``/api/v1/auth/staff/*``), acting for a citizen who confirms with a
code (``/api/v1/auth/assist/*``), and administrators' management of accounts (``/api/v1/admin/staff``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from gateway.identity.errors import LoginInvalid, SignInRefused, StaffInvalid
from gateway.identity.policy import POLICY
from gateway.identity.service import IdentityService
from gateway.notifications import NotificationFailed
from gateway.platform.guard import Caller
from gateway.platform.problems import NotFound
from schemas.identity_api import (
    AssistedToken,
    AssistStart,
    CodeSent,
    OtpVerify,
    StaffCreate,
    StaffOtpStart,
    StaffOut,
    StaffToken,
)

__all__ = ["AssistController", "StaffAdminController", "StaffAuthController"]

_CODE_REFUSALS = tuple(SignInRefused.__subclasses__())


class StaffAuthController(Controller):
    path = "/api/v1/auth/staff"
    tags = ("identity",)

    @post(
        "/otp",
        status_code=HTTP_202_ACCEPTED,
        summary="Staff: send a one-time code to the mobile of your account",
        **POLICY.route("staff_send_code", LoginInvalid, NotificationFailed),
    )
    async def start(
        self,
        data: JSONBody[StaffOtpStart],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> CodeSent:
        """The same answer whether or not a live account holds the number."""
        return await identity.send_staff_code(data.mobile, caller.actor)

    @post(
        "/otp/verify",
        status_code=200,
        summary="Staff: exchange the code for an access token (no refresh token: sign in again)",
        **POLICY.route("staff_check_code", *_CODE_REFUSALS),
    )
    async def verify(
        self,
        data: JSONBody[OtpVerify],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> StaffToken:
        return await identity.check_staff_code(data.challenge_id, data.code, caller.actor)


class AssistController(Controller):
    path = "/api/v1/auth/assist"
    tags = ("identity",)

    @post(
        "/",
        status_code=HTTP_202_ACCEPTED,
        summary="Agents and operators: send a citizen a code to confirm you act for them",
        **POLICY.route("assist_send_code", LoginInvalid, NotificationFailed),
    )
    async def start(
        self,
        data: JSONBody[AssistStart],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> CodeSent:
        """The code goes to the mobile the registry holds, saying who asks; the citizen reads it to you."""
        return await identity.send_assist_code(caller.signed_in, data.login, caller.actor)

    @post(
        "/verify",
        status_code=200,
        summary="Agents and operators: exchange the citizen's code for a token to act for them",
        **POLICY.route("assist_check_code", *_CODE_REFUSALS),
    )
    async def verify(
        self,
        data: JSONBody[OtpVerify],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> AssistedToken:
        """Every action with the token is audited as the citizen's, naming the member of staff too."""
        return await identity.check_assist_code(caller.signed_in, data.challenge_id, data.code, caller.actor)


class StaffAdminController(Controller):
    path = "/api/v1/admin/staff"
    tags = ("administration",)

    @get(
        "/",
        summary="Staff accounts, revoked ones included (mobile numbers masked)",
        **POLICY.route("list_staff"),
    )
    async def list_staff(self, identity: NamedDependency[IdentityService]) -> list[StaffOut]:
        return await identity.list_staff()

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create an officer, agent or operator account",
        **POLICY.route("create_staff", StaffInvalid),
    )
    async def create_staff(
        self,
        data: JSONBody[StaffCreate],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> StaffOut:
        return await identity.create_staff(data, caller.actor)

    @delete(
        "/{staff_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a staff account: its tokens stop working within 30 seconds",
        **POLICY.route("revoke_staff", NotFound),
    )
    async def revoke_staff(
        self,
        staff_id: Annotated[str, Parameter(max_length=40)],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> None:
        await identity.revoke_staff(staff_id, caller.actor)
