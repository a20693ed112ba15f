"""Routes of sign-in and tokens: ``/api/v1/auth/*``, ``/.well-known/jwks.json`` and the demo inbox."""

from __future__ import annotations

import datetime as dt
import html
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from gateway.audit.trail import Actor
from gateway.identity.access import allow, public
from gateway.identity.container import Identity
from gateway.identity.directory import RegisteredMember
from gateway.identity.guard import current_actor, current_principal
from gateway.identity.login import parse_login
from gateway.identity.outbox import recent_messages
from gateway.identity.principal import ROLES, Principal
from gateway.problems import Problem
from schemas.identity_api import (
    AccessToken,
    ClientToken,
    CodeSent,
    DemoMessage,
    Jwks,
    Me,
    OtpStart,
    OtpVerify,
    RefreshRequest,
    TokenPair,
)

__all__ = ["AuthController", "demo_inbox_json", "demo_inbox_page", "identity_dependencies", "jwks"]


def _identity(request: Request[Any, Any, Any]) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


def _actor(request: Request[Any, Any, Any]) -> Actor:
    return current_actor(request)


def _principal(request: Request[Any, Any, Any]) -> Principal:
    return current_principal(request)


def identity_dependencies() -> dict[str, Provide]:
    """``identity``, ``actor`` and ``principal`` for every handler that asks for them."""
    return {
        "identity": Provide(_identity, sync_to_thread=False),
        "actor": Provide(_actor, sync_to_thread=False),
        "principal": Provide(_principal, sync_to_thread=False),
    }


def _pair(identity: Identity, member: RegisteredMember, refresh_token: str) -> TokenPair:
    access = identity.tokens.issue(Principal.citizen(member.member_id, member.family_id))
    return TokenPair(
        access_token=access.token,
        expires_in=access.expires_in,
        refresh_token=refresh_token,
        member_id=member.member_id,
        family_id=member.family_id,
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ("identity",)

    @post(
        "/otp",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a one-time code to the registered mobile",
        **public("citizen sign-in: send a code", rate="signin"),
    )
    async def start(
        self, data: OtpStart, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> CodeSent:
        """The same answer whether or not the login is registered; a code arrives only if it is."""
        sent = await identity.otp.start(parse_login(data.login), actor)
        return CodeSent(challenge_id=sent.challenge_id, expires_in=sent.expires_in, resend_in=sent.resend_in)

    @post(
        "/otp/verify",
        status_code=200,
        summary="Exchange the code for an access and a refresh token",
        **public("citizen sign-in: check a code", rate="signin"),
    )
    async def verify(
        self, data: OtpVerify, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> TokenPair:
        member = await identity.otp.verify(data.challenge_id, data.code, actor)
        return _pair(identity, member, await identity.refresh.issue(member))

    @post(
        "/refresh",
        status_code=200,
        summary="Exchange a refresh token for new tokens",
        **public("renew a citizen's tokens", rate="signin"),
    )
    async def refresh(
        self, data: RefreshRequest, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> TokenPair:
        """The refresh token is replaced by a new one; presenting a used one revokes them all."""
        member, successor = await identity.refresh.rotate(data.refresh_token, actor)
        return _pair(identity, member, successor)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a refresh token and its successors",
        **public("citizen sign-out", rate="signin"),
    )
    async def logout(
        self, data: RefreshRequest, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> None:
        await identity.refresh.revoke(data.refresh_token, actor)

    @post(
        "/token",
        status_code=200,
        summary="Client credentials: a token for a department, auditor or administrator",
        **public("API client sign-in", rate="signin"),
    )
    async def client_token(self, data: ClientToken, identity: NamedDependency[Identity]) -> AccessToken:
        principal = await identity.clients.authenticate(data.client_id, data.client_secret)
        issued = identity.tokens.issue(principal)
        return AccessToken(access_token=issued.token, expires_in=issued.expires_in)

    @get("/me", summary="Who the token says you are", **allow(*ROLES, purpose="show the caller's identity"))
    async def me(self, principal: NamedDependency[Principal]) -> Me:
        return Me(
            role=principal.role,
            subject=principal.subject,
            member_id=principal.member_id,
            family_id=principal.family_id,
            department=principal.department,
            client_id=principal.client_id,
        )


@get(
    "/.well-known/jwks.json",
    tags=["identity"],
    summary="Public keys that verify seva's tokens",
    **public("publish token keys"),
)
async def jwks(identity: NamedDependency[Identity]) -> Response[Jwks]:
    # Short caching: a rotated key must reach verifiers before the tokens it signs do.
    return Response(Jwks(keys=identity.keys.jwks()["keys"]), headers={"cache-control": "public, max-age=60"})


def _demo_only(identity: Identity) -> None:
    if not identity.settings.demo:
        raise Problem("not_found")


Mobile = Annotated[
    str | None, Parameter(pattern=r"^[6-9][0-9]{9}$", description="only messages to this number")
]


async def _messages(identity: Identity, mobile: str | None) -> list[DemoMessage]:
    found = await recent_messages(identity.engine, identity.secret, mobile)
    return [
        DemoMessage(
            at=dt.datetime.fromtimestamp(m.created_at, dt.UTC).isoformat(timespec="seconds"),
            to=m.to,
            purpose=m.purpose,
            text=m.text,
        )
        for m in found
    ]


@get(
    "/api/v1/demo/inbox",
    tags=["demo"],
    summary="Messages the demo sent (demo mode only)",
    **public("demo inbox"),
)
async def demo_inbox_json(identity: NamedDependency[Identity], mobile: Mobile = None) -> list[DemoMessage]:
    _demo_only(identity)
    return await _messages(identity, mobile)


@get(
    "/demo/inbox",
    tags=["demo"],
    summary="The demo inbox as a page (demo mode only)",
    media_type="text/html",
    **public("demo inbox"),
    include_in_schema=False,
)
async def demo_inbox_page(identity: NamedDependency[Identity], mobile: Mobile = None) -> str:
    _demo_only(identity)
    rows = "".join(
        f"<tr><td>{html.escape(m.at)}</td><td>{html.escape(m.to)}</td><td>{html.escape(m.purpose)}</td>"
        f"<td>{html.escape(m.text or '')}</td></tr>"
        for m in await _messages(identity, mobile)
    )
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>seva demo inbox</title>"
        "<h1>Demo inbox / डेमो इनबॉक्स</h1><p>Text messages seva would have sent. Demo mode only.</p>"
        "<table><thead><tr><th>sent</th><th>to</th><th>purpose</th><th>text</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></html>"
    )
