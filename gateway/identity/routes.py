"""Routes of sign-in and tokens: ``/api/v1/auth/*`` and ``/.well-known/jwks.json``."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from gateway.identity.errors import ClientRefused, LoginInvalid, RefreshRefused, RefreshReused, SignInRefused
from gateway.identity.policy import POLICY
from gateway.identity.service import IdentityService
from gateway.notifications import NotificationFailed
from gateway.platform.guard import Caller
from schemas.identity_api import (
    AccessToken,
    ClientToken,
    CodeSent,
    Jwks,
    Me,
    OtpStart,
    OtpVerify,
    RefreshRequest,
    TokenPair,
)

__all__ = ["AuthController", "jwks"]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ("identity",)

    @post(
        "/otp",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a one-time code to the registered mobile",
        **POLICY.route("send_code", LoginInvalid, NotificationFailed),
    )
    async def start(
        self,
        data: JSONBody[OtpStart],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> CodeSent:
        """The same answer whether or not the login is registered; a code arrives only if it is."""
        return await identity.send_code(data.login, caller.actor)

    @post(
        "/otp/verify",
        status_code=200,
        summary="Exchange the code for an access and a refresh token",
        **POLICY.route("check_code", *SignInRefused.__subclasses__()),
    )
    async def verify(
        self,
        data: JSONBody[OtpVerify],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> TokenPair:
        return await identity.check_code(data.challenge_id, data.code, caller.actor)

    @post(
        "/refresh",
        status_code=200,
        summary="Exchange a refresh token for new tokens",
        **POLICY.route("refresh", RefreshRefused, RefreshReused),
    )
    async def refresh(
        self,
        data: JSONBody[RefreshRequest],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> TokenPair:
        """The refresh token is replaced by a new one; presenting a used one revokes them all."""
        return await identity.renew(data.refresh_token, caller.actor)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a refresh token and its successors",
        **POLICY.route("logout", RefreshRefused),
    )
    async def logout(
        self,
        data: JSONBody[RefreshRequest],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> None:
        await identity.logout(data.refresh_token, caller.actor)

    @post(
        "/token",
        status_code=200,
        summary="Client credentials: a token for a department, auditor or administrator",
        **POLICY.route("client_token", ClientRefused),
    )
    async def client_token(
        self, data: JSONBody[ClientToken], identity: NamedDependency[IdentityService]
    ) -> AccessToken:
        return await identity.client_token(data.client_id, data.client_secret)

    @get("/me", summary="Who the token says you are", **POLICY.route("me"))
    async def me(self, identity: NamedDependency[IdentityService], caller: NamedDependency[Caller]) -> Me:
        return identity.me(caller.signed_in)


@get(
    "/.well-known/jwks.json",
    tags=["identity"],
    summary="Public keys that verify seva's tokens",
    **POLICY.route("jwks"),
)
async def jwks(identity: NamedDependency[IdentityService]) -> Response[Jwks]:
    # Short caching: a rotated key must reach verifiers before the tokens it signs do.
    return Response(identity.jwks(), headers={"cache-control": "public, max-age=60"})
