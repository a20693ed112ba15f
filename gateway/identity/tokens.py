"""Access tokens: JWTs signed with ES256 by python-jose, checked against a fixed algorithm and audience."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import msgspec
from cachetools import TTLCache
from jose import jwt
from jose.exceptions import JWTClaimsError, JWTError

from gateway.identity.keys import ALGORITHM, KeyRing
from gateway.platform.authentication import TokenExpired, TokenInvalid
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.principal import Principal, Role

__all__ = ["IssuedToken", "TokenService"]

_LEEWAY_SECONDS = 5  # clocks of several gateway machines differ a little
# Tokens already checked, for a short while: the signature check is most of the guard's cost, and a
# client sends the same token many times. Short, so a pruned key stops being honoured soon.
_CACHE_SECONDS = 30
_CACHE_SIZE = 20_000


# Claims beyond the registered ones, and the principal's attribute each carries.
_CLAIMS = (
    ("mem", "member_id"), ("fam", "family_id"), ("dept", "department"), ("cid", "client_id"),
    ("sid", "staff_id"), ("desig", "designation"), ("dist", "district"), ("teh", "tehsil"), ("lvl", "level"),
    ("ctr", "centre"), ("asst", "assisted_by"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int
    expires_at: float


class _Claims(msgspec.Struct, kw_only=True):
    sub: str
    role: Role
    exp: int
    iat: int
    nbf: int | None = None
    mem: str | None = None
    fam: str | None = None
    dept: str | None = None
    cid: str | None = None
    sid: str | None = None
    desig: str | None = None
    dist: str | None = None
    teh: str | None = None
    lvl: int | None = None
    ctr: str | None = None
    asst: str | None = None


class TokenService:
    """Issues and verifies access tokens with the keys of one ``KeyRing``."""

    def __init__(
        self, ring: KeyRing, *, issuer: str, audience: str, lifetime: int, clock: Clock | None = None
    ) -> None:
        self.ring = ring
        self.clock = clock or SystemClock()
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
        self._checked: TTLCache[str, tuple[Principal, float]] = TTLCache(_CACHE_SIZE, _CACHE_SECONDS)

    def issue(self, principal: Principal, lifetime: int | None = None) -> IssuedToken:
        """A token for ``principal``, valid ``lifetime`` seconds (the service's default when None)."""
        lifetime = lifetime or self.lifetime
        key = self.ring.current()
        now = int(self.clock.time())
        claims: dict[str, object] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.subject,
            "role": principal.role,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_urlsafe(12),
        }
        for claim, attribute in _CLAIMS:
            value = getattr(principal, attribute)
            if value is not None:
                claims[claim] = value
        token = jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})
        return IssuedToken(token, lifetime, now + lifetime)

    def verify(self, token: str) -> Principal:
        """The principal named by ``token``, or ``TokenRefused`` saying what is wrong with it."""
        cached = self._checked.get(token)
        if cached is not None and cached[1] > self.clock.time():
            return cached[0]
        principal, expires = self._verify(token)
        self._checked[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        if token.count(".") != 2:
            raise TokenInvalid("malformed", "a token has three parts separated by dots")
        try:
            header = jwt.get_unverified_header(token)
        except JWTError:
            raise TokenInvalid("malformed", "the token header cannot be read") from None
        if header.get("alg") != ALGORITHM:
            raise TokenInvalid("algorithm", f"only {ALGORITHM} is accepted")
        kid = header.get("kid")
        key = self.ring.find(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenInvalid("unknown_key", "the token names no key of this gateway")
        try:
            claims = jwt.decode(
                token,
                key.public,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                # Times are checked below against the gateway's clock, not the library's (python-jose turns
                # "require" into "verify", so the presence of exp and iat is checked by _Claims instead).
                options={"require_sub": True, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except JWTClaimsError as exc:
            raise TokenInvalid("claims", str(exc)) from None
        except JWTError:
            raise TokenInvalid("signature", "the signature does not match") from None
        try:
            parsed = msgspec.convert(claims, _Claims)
        except msgspec.ValidationError as exc:
            raise TokenInvalid("claims", str(exc)) from None
        now = self.clock.time()
        if parsed.exp + _LEEWAY_SECONDS <= now:
            raise TokenExpired()
        if parsed.nbf is not None and parsed.nbf - _LEEWAY_SECONDS > now:
            raise TokenInvalid("claims", "the token is not valid yet")
        principal = Principal(
            role=parsed.role,
            subject=parsed.sub,
            **{attribute: getattr(parsed, claim) for claim, attribute in _CLAIMS},
        )
        return principal, float(parsed.exp) + _LEEWAY_SECONDS
