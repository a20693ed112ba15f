"""Who is calling: sign-in by one-time code, access and refresh tokens and their keys, API clients.

Errors are in ``gateway.identity.errors`` (each declares its code); the routes' rules in
``gateway.identity.policy``; ``gateway.identity.capability.build_identity`` wires it all.
"""

from gateway.identity.directory import RegisteredMember
from gateway.identity.errors import LoginInvalid, OtpLocked, SignInRefused
from gateway.identity.keys import ALGORITHM, KeyRing
from gateway.identity.service import IdentityService

__all__ = [
    "ALGORITHM",
    "IdentityService",
    "KeyRing",
    "LoginInvalid",
    "OtpLocked",
    "RegisteredMember",
    "SignInRefused",
]
