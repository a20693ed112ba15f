"""Access tokens: what is signed, and every way a token is refused, directly and over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwt

from gateway.identity.keys import RESCAN_SECONDS, KeyRing
from gateway.identity.tokens import TokenService
from gateway.platform.authentication import TokenRefused
from gateway.platform.clock import MovableClock
from gateway.platform.principal import Principal
from tests.conftest import InProcessServer
from tests.identity.support import SharedServer, SmsProvider, bearer, seed_families, sign_in, sms_env

CITIZEN = Principal.citizen("100000011", "10000001")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(now: float, **changes: object) -> dict[str, object]:
    now = int(now)
    claims: dict[str, object] = {
        "iss": "seva",
        "aud": "seva-api",
        "sub": "member:100000011",
        "role": "citizen",
        "mem": "100000011",
        "fam": "10000001",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _hs256(claims: dict[str, object], secret: bytes, kid: str) -> str:
    """The classic confusion attack: HMAC over the token with the public key as the secret."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


FORGERIES = [
    "alg none",
    "HS256 keyed with the public key",
    "signed by another key under our kid",
    "payload changed after signing",
    "signature cut off",
    "unknown kid",
    "no kid",
    "wrong audience",
    "wrong issuer",
    "expired",
    "no expiry",
    "unknown role",
    "not a JWT",
]


def forged_tokens(ring: KeyRing, now: float | None = None) -> dict[str, tuple[str, str]]:
    """Tokens that must each be refused at ``now`` (the verifier's time): name -> (token, expected code)."""
    now = time.time() if now is None else now
    key = ring.current()
    good = jwt.encode(_claims(now), key.private, algorithm="ES256", headers={"kid": key.kid})
    header, payload, signature = good.split(".")
    other = ec.generate_private_key(ec.SECP256R1())
    other_pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public.to_pem()
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": key.kid}).encode())
    promoted = _b64(
        json.dumps({**json.loads(base64.urlsafe_b64decode(payload + "==")), "role": "administrator"}).encode()
    )
    return {
        "alg none": (f"{none_header}.{payload}.", "token_invalid"),
        "HS256 keyed with the public key": (_hs256(_claims(now), public_pem, key.kid), "token_invalid"),
        "signed by another key under our kid": (
            jwt.encode(_claims(now), other_pem.decode(), algorithm="ES256", headers={"kid": key.kid}),
            "token_invalid",
        ),
        "payload changed after signing": (f"{header}.{promoted}.{signature}", "token_invalid"),
        "signature cut off": (f"{header}.{payload}.", "token_invalid"),
        "unknown kid": (
            jwt.encode(_claims(now), key.private, algorithm="ES256", headers={"kid": "nope"}),
            "token_invalid",
        ),
        "no kid": (jwt.encode(_claims(now), key.private, algorithm="ES256"), "token_invalid"),
        "wrong audience": (
            jwt.encode(
                _claims(now, aud="another-api"), key.private, algorithm="ES256", headers={"kid": key.kid}
            ),
            "token_invalid",
        ),
        "wrong issuer": (
            jwt.encode(_claims(now, iss="evil"), key.private, algorithm="ES256", headers={"kid": key.kid}),
            "token_invalid",
        ),
        "expired": (
            jwt.encode(
                _claims(now, exp=int(now) - 60), key.private, algorithm="ES256", headers={"kid": key.kid}
            ),
            "token_expired",
        ),
        "no expiry": (
            jwt.encode(_claims(now, exp=None), key.private, algorithm="ES256", headers={"kid": key.kid}),
            "token_invalid",
        ),
        "unknown role": (
            jwt.encode(
                _claims(now, role="superuser"), key.private, algorithm="ES256", headers={"kid": key.kid}
            ),
            "token_invalid",
        ),
        "not a JWT": ("abc.def.ghi", "token_invalid"),
    }


@pytest.fixture
def ring(tmp_path: Path) -> KeyRing:
    return KeyRing.open(tmp_path / "keys")


class TestTokenService:
    def test_a_token_names_the_principal_and_the_key(self, ring: KeyRing) -> None:
        """An issued token verifies to the same principal and carries the current key's ID."""
        service = TokenService(ring, issuer="seva", audience="seva-api", lifetime=900)
        issued = service.issue(CITIZEN)
        assert service.verify(issued.token) == CITIZEN
        assert jwt.get_unverified_header(issued.token) == {
            "alg": "ES256",
            "kid": ring.current().kid,
            "typ": "JWT",
        }
        assert issued.expires_in == 900

    @pytest.mark.parametrize("case", FORGERIES)
    def test_forged_and_broken_tokens_are_refused(self, ring: KeyRing, case: str) -> None:
        """Each forged, tampered, expired or mis-addressed token is refused with its reason."""
        service = TokenService(ring, issuer="seva", audience="seva-api", lifetime=900)
        forged = forged_tokens(ring)
        assert list(forged) == FORGERIES
        token, code = forged[case]
        with pytest.raises(TokenRefused) as refused:
            service.verify(token)
        assert (refused.value.reason == "expired") == (code == "token_expired")
        assert refused.value.code == code

    def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(self, ring: KeyRing) -> None:
        """After rotation new tokens carry the new key ID, and tokens of the old key still verify."""
        service = TokenService(ring, issuer="seva", audience="seva-api", lifetime=900)
        old = service.issue(CITIZEN).token
        new_key = ring.rotate()
        new = service.issue(CITIZEN).token
        assert jwt.get_unverified_header(new)["kid"] == new_key.kid != jwt.get_unverified_header(old)["kid"]
        assert service.verify(old) == service.verify(new) == CITIZEN
        assert [k["kid"] for k in ring.jwks()["keys"]] == [new_key.kid, jwt.get_unverified_header(old)["kid"]]

    def test_another_process_rotation_is_seen_when_its_kid_arrives(self, tmp_path: Path) -> None:
        """A token signed with a key made by another process verifies here once the kid is seen."""
        clock = MovableClock()
        here = KeyRing.open(tmp_path / "keys", clock)
        there = KeyRing.open(tmp_path / "keys")
        there.rotate()
        token = TokenService(there, issuer="seva", audience="seva-api", lifetime=60).issue(CITIZEN).token
        clock.advance(1.1)  # the rescan for an unknown kid is rate-limited to once a second
        verifier = TokenService(here, issuer="seva", audience="seva-api", lifetime=60, clock=clock)
        assert verifier.verify(token) == CITIZEN

    def test_pruning_removes_keys_retired_long_enough(self, tmp_path: Path) -> None:
        """Only keys whose successor is older than the limit are removed; the current key stays."""
        clock = MovableClock()
        ring = KeyRing.open(tmp_path / "keys", clock)
        first = ring.current()
        second = ring.rotate()
        assert ring.prune(older_than=3600) == []
        clock.advance(3600 + 60)
        assert [k.kid for k in ring.prune(older_than=3600)] == [first.kid]
        assert ring.find(first.kid) is None
        assert [k.kid for k in ring.all()] == [second.kid]

    def test_key_files_are_private(self, ring: KeyRing) -> None:
        """Private key files are readable by the owner only."""
        assert all((p.stat().st_mode & 0o777) == 0o600 for p in ring.directory.glob("*.pem"))


class TestOverHttp:
    def test_every_forged_token_gets_a_401_problem_with_www_authenticate(self, shared: SharedServer) -> None:
        """The application refuses each forged token with 401, a problem document and WWW-Authenticate."""
        ring = KeyRing(shared.data_dir / "keys")
        with shared.client() as client:
            for case, (token, code) in forged_tokens(ring, now=shared.clock.time()).items():
                answer = client.get("/api/v1/auth/me", headers=bearer(token))
                assert answer.status_code == 401, case
                assert answer.json()["code"] == code, case
                assert answer.headers["www-authenticate"].startswith(
                    'Bearer realm="seva", error="invalid_token"'
                ), case

    def test_malformed_authorization_headers_are_refused(self, shared: SharedServer) -> None:
        """Each header that is not 'Bearer <JWT>' is refused with 401 authorization_malformed, never 500."""
        headers = [
            "Basic dXNlcjpwYXNz",
            "Bearer",
            "Token abc.def.ghi",
            "Bearer a.b",
            "Bearer a.b.c d.e.f",
            "Bearer " + "a" * 5000 + ".b.c",
            "Bearer \xe4.b.c",
            "Bearer\ta.b.c",
        ]
        with shared.client() as client:
            for header in headers:
                answer = client.get("/api/v1/auth/me", headers={"authorization": header.encode("latin-1")})
                assert answer.status_code == 401, header[:20]
                assert answer.json()["code"] == "authorization_malformed", header[:20]

    def test_a_missing_header_asks_for_sign_in(self, shared: SharedServer) -> None:
        """A signed-in route called without a token answers 401 unauthorized with a Bearer challenge."""
        with shared.client() as client:
            answer = client.get("/api/v1/auth/me")
        assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"
        assert answer.headers["www-authenticate"].startswith("Bearer")

    def test_a_bad_token_on_a_public_route_is_refused_too(self, shared: SharedServer) -> None:
        """A token that is sent must be valid, even where none is needed."""
        with shared.client() as client:
            answer = client.get("/api/v1/services", headers=bearer("abc.def.ghi"))
        assert answer.status_code == 401 and answer.json()["code"] == "token_invalid"

    def test_jwks_verifies_a_real_token_and_follows_rotation(
        self,
        tmp_path: Path,
        db_url: str,
        sms_provider: SmsProvider,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """The published JWKS verifies a token the server issued; after rotation both keys are listed."""
        seed_families(db_url)
        server = app_factory(sms_env(db_url, sms_provider))
        with server.client() as client:
            pair = sign_in(client, sms_provider, "9876500001")
            keys = client.get("/.well-known/jwks.json").json()
            claims = jwt.decode(pair["access_token"], keys, algorithms=["ES256"], audience="seva-api")
            KeyRing.open(tmp_path / "data" / "keys").rotate()
            server.clock.advance(RESCAN_SECONDS + 1)  # a running server looks for new key files this often
            rotated = client.get("/.well-known/jwks.json").json()
            still = client.get("/api/v1/auth/me", headers=bearer(pair["access_token"]))
        assert claims["sub"] == "member:100000011" and claims["role"] == "citizen"
        # The JWKS also publishes the certificate keys (docs/certificates.md); the token keys are the others.
        certificates = {key.kid for key in KeyRing.open(tmp_path / "data" / "certificate-keys").all()}
        tokens_before = [k for k in keys["keys"] if k["kid"] not in certificates]
        tokens_after = [k for k in rotated["keys"] if k["kid"] not in certificates]
        assert len(certificates) == 1 and len(rotated["keys"]) == 3
        assert len(tokens_after) == 2 and tokens_after[1] == tokens_before[0]
        assert still.status_code == 200
