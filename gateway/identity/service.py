"""``IdentityService``: every operation of the identity routes, one method each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from gateway.audit import Actor
from gateway.identity.clients import ClientService, ClientView
from gateway.identity.directory import RegisteredMember
from gateway.identity.keys import KeyRing
from gateway.identity.login import parse_login
from gateway.identity.otp import OtpService
from gateway.identity.refresh import RefreshService
from gateway.identity.tokens import TokenService
from gateway.platform.authentication import TokenInvalid
from gateway.platform.clock import Clock
from gateway.platform.principal import Principal
from gateway.platform.problems import InvalidRequest, NotFound
from schemas.identity_api import AccessToken, ClientCreatedOut, ClientOut, CodeSent, Jwks, Me, TokenPair
from schemas.problem import Message

__all__ = ["IdentityService", "TokenAuthenticator"]


def _iso(epoch: float | None) -> str | None:
    return (
        dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds") if epoch is not None else None
    )


def _client_out(view: ClientView) -> ClientOut:
    return ClientOut(
        client_id=view.client_id,
        name=view.name,
        role=view.role,
        department=view.department,
        created_at=_iso(view.created_at) or "",
        revoked_at=_iso(view.revoked_at),
    )


class TokenAuthenticator:
    """The platform's ``Authenticator``: seva's own tokens, refused once their API client is revoked."""

    def __init__(self, tokens: TokenService, clients: ClientService) -> None:
        self.tokens = tokens
        self.clients = clients

    async def authenticate(self, token: str) -> Principal:
        principal = self.tokens.verify(token)
        if principal.client_id and not await self.clients.is_live(principal.client_id):
            raise TokenInvalid("claims", "the client was revoked")
        return principal


class IdentityService:
    def __init__(
        self,
        *,
        keys: KeyRing,
        tokens: TokenService,
        otp: OtpService,
        refresh: RefreshService,
        clients: ClientService,
        clock: Clock,
        departments: Callable[[], Collection[str]],
    ) -> None:
        self.keys = keys
        self.tokens = tokens
        self.otp = otp
        self.refresh = refresh
        self.clients = clients
        self.clock = clock
        self.departments = departments

    def _pair(self, member: RegisteredMember, refresh_token: str) -> TokenPair:
        access = self.tokens.issue(Principal.citizen(member.member_id, member.family_id))
        return TokenPair(
            access_token=access.token,
            expires_in=access.expires_in,
            refresh_token=refresh_token,
            member_id=member.member_id,
            family_id=member.family_id,
        )

    async def send_code(self, login: str, actor: Actor) -> CodeSent:
        """The same answer whether or not the login is registered; a code arrives only if it is."""
        sent = await self.otp.start(parse_login(login), actor)
        return CodeSent(challenge_id=sent.challenge_id, expires_in=sent.expires_in, resend_in=sent.resend_in)

    async def confirm_code(self, challenge_id: str, code: str, actor: Actor) -> RegisteredMember:
        """The member a right code was sent for, without tokens (the web page keeps a session instead);
        ``SignInRefused`` otherwise."""
        return await self.otp.verify(challenge_id, code, actor)

    async def check_code(self, challenge_id: str, code: str, actor: Actor) -> TokenPair:
        member = await self.otp.verify(challenge_id, code, actor)
        return self._pair(member, await self.refresh.issue(member))

    async def renew(self, refresh_token: str, actor: Actor) -> TokenPair:
        member, successor = await self.refresh.rotate(refresh_token, actor)
        return self._pair(member, successor)

    async def logout(self, refresh_token: str, actor: Actor) -> None:
        await self.refresh.revoke(refresh_token, actor)

    async def client_token(self, client_id: str, client_secret: str) -> AccessToken:
        principal = await self.clients.authenticate(client_id, client_secret)
        issued = self.tokens.issue(principal)
        return AccessToken(access_token=issued.token, expires_in=issued.expires_in)

    @staticmethod
    def me(principal: Principal) -> Me:
        return Me(
            role=principal.role,
            subject=principal.subject,
            member_id=principal.member_id,
            family_id=principal.family_id,
            department=principal.department,
            client_id=principal.client_id,
        )

    def jwks(self) -> Jwks:
        return Jwks(keys=self.keys.jwks()["keys"])

    async def list_clients(self) -> list[ClientOut]:
        return [_client_out(view) for view in await self.clients.list()]

    async def create_client(
        self, name: str, role: str, department: str | None, actor: Actor
    ) -> ClientCreatedOut:
        if department is not None and department not in self.departments():
            raise InvalidRequest(
                Message(en=f"Unknown department '{department}'.", hi=f"अज्ञात विभाग '{department}'।")
            )
        made = await self.clients.create(name, role, department, actor)
        return ClientCreatedOut(
            client_id=made.client_id,
            name=made.name,
            role=made.role,
            department=made.department,
            created_at=_iso(self.clock.time()) or "",
            client_secret=made.secret,
        )

    async def revoke_client(self, client_id: str, actor: Actor) -> None:
        if not await self.clients.revoke(client_id, actor):
            raise NotFound(
                Message(
                    en=f"No live client has the ID '{client_id}'.",
                    hi=f"'{client_id}' आईडी का कोई सक्रिय क्लाइंट नहीं है।",
                )
            )
