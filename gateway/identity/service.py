"""``IdentityService``: every operation of the identity routes, one method each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import msgspec

from family_registry.errors import InvalidMobile
from family_registry.mobile import check_mobile
from gateway.audit import Actor
from gateway.identity.clients import ClientService, ClientView
from gateway.identity.directory import RegisteredMember
from gateway.identity.errors import LoginInvalid, SignInRefused
from gateway.identity.keys import KeyRing
from gateway.identity.login import Login, parse_login
from gateway.identity.otp import OtpService
from gateway.identity.refresh import RefreshService
from gateway.identity.staff import StaffService
from gateway.identity.tokens import TokenService
from gateway.platform.authentication import TokenInvalid
from gateway.platform.clock import Clock
from gateway.platform.principal import Principal
from gateway.platform.problems import InvalidRequest, NotFound
from schemas.identity_api import (
    AccessToken,
    AssistedToken,
    ClientCreatedOut,
    ClientOut,
    CodeSent,
    Jwks,
    Me,
    StaffCreate,
    StaffOut,
    StaffToken,
    TokenPair,
)
from schemas.problem import Message

__all__ = ["IdentityService", "TokenAuthenticator"]


def _mobile(text: str) -> str:
    try:
        return check_mobile(text)
    except InvalidMobile:
        raise LoginInvalid() from None


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
    """The platform's ``Authenticator``: seva's own tokens, refused once their API client or staff account
    (or the staff account that acts for a citizen) is revoked."""

    def __init__(self, tokens: TokenService, clients: ClientService, staff: StaffService) -> None:
        self.tokens = tokens
        self.clients = clients
        self.staff = staff

    async def authenticate(self, token: str) -> Principal:
        principal = self.tokens.verify(token)
        if principal.client_id and not await self.clients.is_live(principal.client_id):
            raise TokenInvalid("claims", "the client was revoked")
        if principal.staff_id and not await self.staff.is_live(principal.staff_id):
            raise TokenInvalid("claims", "the staff account was revoked")
        helper = principal.assisted_by
        if helper and not await self.staff.is_live(helper.removeprefix("staff:")):
            raise TokenInvalid("claims", "the staff account acting for the citizen was revoked")
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
        staff: StaffService,
        staff_otp: OtpService,
        assist_otp: OtpService,
        staff_token_seconds: int,
        phone_otp: OtpService | None = None,
        also_published: Callable[[], list[dict[str, str]]] | None = None,
    ) -> None:
        self.also_published = also_published
        self.keys = keys
        self.tokens = tokens
        self.otp = otp
        self.refresh = refresh
        self.clients = clients
        self.clock = clock
        self.departments = departments
        self.staff = staff
        self.staff_otp = staff_otp
        self.assist_otp = assist_otp
        self.phone_otp = phone_otp
        self.staff_token_seconds = staff_token_seconds

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
        return msgspec.convert(msgspec.to_builtins(principal), Me)

    # ---- staff ---------------------------------------------------------------------------------------

    async def send_staff_code(self, mobile: str, actor: Actor) -> CodeSent:
        """A code to a live staff account's mobile; the same answer for a number no account holds."""
        sent = await self.staff_otp.start(Login("mobile", _mobile(mobile)), actor)
        return CodeSent(challenge_id=sent.challenge_id, expires_in=sent.expires_in, resend_in=sent.resend_in)

    async def confirm_staff_code(self, challenge_id: str, code: str, actor: Actor) -> Principal:
        """The live staff account a right code was sent for, without a token (the web page keeps a
        session instead); ``SignInRefused`` otherwise."""
        signed = await self.staff_otp.verify(challenge_id, code, actor)
        principal = await self.staff.principal((signed.subject or "").removeprefix("staff:"))
        if principal is None or principal.staff_id is None:  # revoked between the code and its use
            raise SignInRefused.of("unknown")
        return principal

    async def check_staff_code(self, challenge_id: str, code: str, actor: Actor) -> StaffToken:
        principal = await self.confirm_staff_code(challenge_id, code, actor)
        issued = self.tokens.issue(principal, self.staff_token_seconds)
        return StaffToken(
            access_token=issued.token,
            expires_in=issued.expires_in,
            staff_id=str(principal.staff_id),
            role=principal.role,
        )

    async def send_assist_code(self, helper: Principal, login: str, actor: Actor) -> CodeSent:
        """A code to the citizen's own phone, saying who asks to act for them."""
        who = helper.centre or "CM Helpline 181"

        def wording(code: str, minutes: int) -> str:
            return (
                f"seva: {who} asks to act for you. Code {code}, valid {minutes} minutes. Give it only to the "
                f"person helping you now. / seva: {who} आपकी ओर से काम करना चाहता है। कोड {code}, "
                f"{minutes} मिनट तक मान्य। यह कोड केवल अभी आपकी सहायता कर रहे व्यक्ति को दें।"
            )

        sent = await self.assist_otp.start(parse_login(login), actor, wording=wording)
        return CodeSent(challenge_id=sent.challenge_id, expires_in=sent.expires_in, resend_in=sent.resend_in)

    async def check_assist_code(
        self, helper: Principal, challenge_id: str, code: str, actor: Actor
    ) -> AssistedToken:
        member = await self.assist_otp.verify(challenge_id, code, actor)
        principal = Principal.citizen(member.member_id, member.family_id, assisted_by=helper.subject)
        issued = self.tokens.issue(principal)
        return AssistedToken(
            access_token=issued.token,
            expires_in=issued.expires_in,
            member_id=member.member_id,
            family_id=member.family_id,
            assisted_by=helper.subject,
        )

    async def send_phone_code(self, mobile: str, actor: Actor, purpose: str) -> CodeSent:
        """A code that proves the caller holds ``mobile``, registered or not (``purpose`` says what for,
        in the text); codes of this kind open nothing else."""
        assert self.phone_otp is not None

        def wording(code: str, minutes: int) -> str:
            return (
                f"seva: code {code} to {purpose}, valid {minutes} minutes. Do not share it. / "
                f"seva: कोड {code}, {minutes} मिनट तक मान्य। इसे किसी को न बताएं।"
            )

        sent = await self.phone_otp.start(Login("mobile", _mobile(mobile)), actor, wording=wording)
        return CodeSent(challenge_id=sent.challenge_id, expires_in=sent.expires_in, resend_in=sent.resend_in)

    async def check_phone_code(self, challenge_id: str, code: str, actor: Actor) -> str:
        """The mobile number the code was sent to; ``SignInRefused`` saying why not."""
        assert self.phone_otp is not None
        proven = await self.phone_otp.verify(challenge_id, code, actor)
        return (proven.subject or "").removeprefix("mobile:")

    async def list_staff(self) -> list[StaffOut]:
        return await self.staff.list()

    async def create_staff(self, new: StaffCreate, actor: Actor) -> StaffOut:
        return await self.staff.create(new, actor)

    async def revoke_staff(self, staff_id: str, actor: Actor) -> None:
        if not await self.staff.revoke(staff_id, actor):
            raise NotFound(
                Message(
                    en=f"No live staff account has the ID '{staff_id}'.",
                    hi=f"'{staff_id}' आईडी का कोई सक्रिय कर्मचारी खाता नहीं है।",
                )
            )

    def jwks(self) -> Jwks:
        # Other keys seva signs with (certificates) are published beside the token keys; verifying a token
        # looks only at the token ring, so a certificate key can never pass for a token key.
        extra = self.also_published() if self.also_published else []
        return Jwks(keys=self.keys.jwks()["keys"] + extra)

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
