"""The identity capability: sign-in by one-time code, tokens and their keys, API clients.

It gives the platform's guard its ``Authenticator`` (``TokenAuthenticator``) and the rest of the gateway
nothing else: who is calling reaches other capabilities as a ``Principal`` on the request.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from litestar import Litestar

from gateway.identity.admin_routes import ClientAdminController
from gateway.identity.clients import ClientService
from gateway.identity.directory import AnyMobile, MemberDirectory
from gateway.identity.errors import (
    ClientInvalid,
    ClientRefused,
    LoginInvalid,
    OtpExpired,
    OtpLocked,
    OtpSuperseded,
    OtpUnknown,
    OtpUsed,
    OtpWrongCode,
    RefreshInvalid,
    RefreshReused,
    StaffInvalid,
)
from gateway.identity.housekeeping import sweep
from gateway.identity.keys import KeyRing
from gateway.identity.otp import OtpPolicy, OtpService
from gateway.identity.policy import POLICY
from gateway.identity.refresh import RefreshService
from gateway.identity.registry_directory import RegistryDirectory
from gateway.identity.routes import AuthController, jwks
from gateway.identity.service import IdentityService, TokenAuthenticator
from gateway.identity.staff import StaffDirectory, StaffService
from gateway.identity.staff_routes import AssistController, StaffAdminController, StaffAuthController
from gateway.identity.tokens import TokenService
from gateway.notifications import Notifier
from gateway.platform.authentication import AuthorizationMalformed, TokenExpired, TokenInvalid, TokenMissing
from gateway.platform.capability import Capability, provide
from gateway.platform.periodic import in_background, repeat
from gateway.platform.root import Platform
from gateway.ratelimit import ExactLimiter

__all__ = ["IdentityBuilt", "build_identity"]

log = logging.getLogger("seva.identity")
_SWEEP_SECONDS = 600.0


@dataclass(slots=True)
class IdentityBuilt:
    service: IdentityService
    authenticator: TokenAuthenticator
    capability: Capability


def build_identity(
    platform: Platform,
    notifier: Notifier,
    limiter: ExactLimiter,
    directory: MemberDirectory | None = None,
    also_published: Callable[[], list[dict[str, str]]] | None = None,
) -> IdentityBuilt:
    """``also_published``: public keys seva signs other things with (certificates), shown in the JWKS."""
    settings, clock, engine = platform.settings, platform.clock, platform.engine
    keys = KeyRing.open(settings.keys_path, clock)
    tokens = TokenService(
        keys,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        lifetime=settings.access_token_seconds,
        clock=clock,
    )
    directory = directory or RegistryDirectory(engine)
    policy = OtpPolicy(
        lifetime=settings.otp_seconds,
        attempts=settings.otp_attempts,
        resend_seconds=settings.otp_resend_seconds,
        per_hour=settings.otp_per_hour,
    )
    clients = ClientService(engine, platform.audit, clock=clock.time)
    catalogue = platform.catalogue
    staff = StaffService(
        engine,
        platform.audit,
        departments=lambda: catalogue.current.departments,
        districts=lambda: catalogue.current.district_codes(),
        clock=clock.time,
    )

    def codes(found: MemberDirectory, namespace: str) -> OtpService:
        return OtpService(
            engine,
            found,
            notifier,
            platform.secret,
            platform.audit,
            limiter,
            policy,
            clock.time,
            namespace=namespace,
        )

    service = IdentityService(
        keys=keys,
        tokens=tokens,
        otp=codes(directory, ""),
        refresh=RefreshService(engine, directory, platform.audit, settings.refresh_token_seconds, clock.time),
        clients=clients,
        clock=clock,
        departments=lambda: platform.catalogue.current.departments,
        staff=staff,
        staff_otp=codes(StaffDirectory(engine), "staff"),
        assist_otp=codes(directory, "assist"),
        phone_otp=codes(AnyMobile(), "phone"),
        staff_token_seconds=settings.staff_token_seconds,
        also_published=also_published,
    )

    def sweeping(app: Litestar) -> contextlib.AbstractAsyncContextManager[None]:
        """Remove expired codes and dead refresh tokens every ten minutes while the server runs."""
        return in_background(
            repeat(lambda: sweep(engine, clock.time()), _SWEEP_SECONDS, "sweeping expired sign-in rows", log)
        )

    capability = Capability(
        "identity",
        route_handlers=[
            AuthController,
            ClientAdminController,
            jwks,
            StaffAuthController,
            AssistController,
            StaffAdminController,
        ],
        dependencies={"identity": provide(service)},
        errors=[
            OtpWrongCode,
            OtpExpired,
            OtpUsed,
            OtpLocked,
            OtpSuperseded,
            OtpUnknown,
            RefreshInvalid,
            RefreshReused,
            ClientRefused,
            LoginInvalid,
            ClientInvalid,
            TokenMissing,
            AuthorizationMalformed,
            TokenExpired,
            TokenInvalid,
            StaffInvalid,
        ],
        lifespans=[sweeping],
        policy=POLICY,
    )
    return IdentityBuilt(service, TokenAuthenticator(tokens, clients, staff), capability)
