"""Citizen sign-in over HTTP, with a real SMS provider on loopback.

Most tests share one application per module and take citizens of their own (``shared.citizen()``); tests
that need other settings build their own, and tests of two processes sharing a database start two real
servers. Time passes by moving the application's clock.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import InProcessServer, LiveServer
from tests.identity.support import (
    SharedServer,
    SmsProvider,
    bearer,
    seed_families,
    sign_in,
    sms_env,
)


def _two_processes(
    shared: SharedServer, server_factory: Callable[..., LiveServer]
) -> tuple[LiveServer, LiveServer]:
    """Two servers on the shared database, keys and secret: two processes of one deployment."""
    return server_factory(shared.env()), server_factory(shared.env())


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


class TestSignIn:
    def test_code_by_sms_gives_tokens_naming_member_and_family(self, shared: SharedServer) -> None:
        """A code sent to the registered mobile is exchanged for tokens that name the member and family."""
        person = shared.citizen()
        with shared.client() as client:
            pair = sign_in(client, shared.sms, person.mobile or "")
            me = client.get("/api/v1/auth/me", headers=bearer(pair["access_token"]))
        assert pair["member_id"] == person.member_id and pair["family_id"] == person.family_id
        assert me.status_code == 200
        assert me.json() == {
            "role": "citizen",
            "subject": f"member:{person.member_id}",
            "member_id": person.member_id,
            "family_id": person.family_id,
        }
        assert shared.sms.authorizations[-1] == f"Bearer {shared.sms.token}"
        assert "आपका साइन-इन कोड" in shared.sms.received[-1]["text"]

    def test_member_id_login_sends_to_the_members_mobile(self, shared: SharedServer) -> None:
        """Signing in with the 9-digit member ID sends the code to the mobile the registry holds."""
        person = shared.citizen()
        with shared.client() as client:
            started = client.post("/api/v1/auth/otp", json={"login": person.member_id})
            code = shared.sms.last_code(person.mobile or "")
            verified = client.post(
                "/api/v1/auth/otp/verify", json={"challenge_id": started.json()["challenge_id"], "code": code}
            )
        assert verified.status_code == 200 and verified.json()["member_id"] == person.member_id

    def test_a_family_member_without_a_mobile_signs_in_through_the_head(
        self, db_url: str, sms_provider: SmsProvider, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """A mobile held by the head signs in the head; a member without a mobile gets no code at all."""
        people = seed_families(db_url)
        server = app_factory(sms_env(db_url, sms_provider))
        with server.client() as client:
            pair = sign_in(client, sms_provider, "9876500001")
            client.post("/api/v1/auth/otp", json={"login": people["ravi"].member_id})
        assert pair["member_id"] == people["asha"].member_id
        assert len(sms_provider.received) == 1

    def test_unregistered_login_gets_the_same_answer_and_no_message(self, shared: SharedServer) -> None:
        """An unregistered number gets the same 202 as a registered one, and no code can ever succeed."""
        person = shared.citizen()
        with shared.client() as client:
            known = client.post("/api/v1/auth/otp", json={"login": person.mobile})
            unknown = client.post("/api/v1/auth/otp", json={"login": "6999999999"})
            tries = [
                client.post(
                    "/api/v1/auth/otp/verify",
                    json={"challenge_id": unknown.json()["challenge_id"], "code": f"{n:06d}"},
                )
                for n in range(3)
            ]
        assert known.status_code == unknown.status_code == 202
        assert set(known.json()) == set(unknown.json())
        assert [t.json()["code"] for t in tries] == ["otp_wrong_code", "otp_wrong_code", "otp_locked"]
        assert all(m["to"] != "+916999999999" for m in shared.sms.received)

    def test_number_shared_by_two_families_is_told_to_use_member_id(self, shared: SharedServer) -> None:
        """A mobile held in two families gets a message asking for the member ID, and no usable code."""
        shared.citizen(mobile="6888888888")
        shared.citizen(mobile="6888888888")
        with shared.client() as client:
            started = client.post("/api/v1/auth/otp", json={"login": "6888888888"})
        assert started.status_code == 202
        assert "member ID" in shared.sms.received[-1]["text"]
        assert shared.sms.codes_for("6888888888") == []

    def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_chain(
        self, shared: SharedServer
    ) -> None:
        """A refresh token works once; presenting it again revokes its successor too."""
        person = shared.citizen()
        with shared.client() as client:
            pair = sign_in(client, shared.sms, person.mobile or "")
            renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
            replayed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
            successor = client.post(
                "/api/v1/auth/refresh", json={"refresh_token": renewed.json()["refresh_token"]}
            )
        assert renewed.status_code == 200 and renewed.json()["refresh_token"] != pair["refresh_token"]
        assert replayed.status_code == 401 and replayed.json()["code"] == "refresh_reused"
        assert successor.status_code == 401 and successor.json()["code"] == "refresh_invalid"

    def test_logout_revokes_the_refresh_token(self, shared: SharedServer) -> None:
        """After sign-out the refresh token is refused."""
        person = shared.citizen()
        with shared.client() as client:
            pair = sign_in(client, shared.sms, person.mobile or "")
            out = client.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
            after = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert out.status_code == 204
        assert after.status_code == 401 and after.json()["code"] == "refresh_invalid"


class TestRefusals:
    def test_three_wrong_codes_lock_the_challenge_even_for_the_right_code(self, shared: SharedServer) -> None:
        """After 3 wrong codes the challenge is locked, and the right code no longer works."""
        person = shared.citizen()
        with shared.client() as client:
            challenge = client.post("/api/v1/auth/otp", json={"login": person.mobile}).json()["challenge_id"]
            code = shared.sms.last_code(person.mobile or "")
            answers = [
                client.post("/api/v1/auth/otp/verify", json={"challenge_id": challenge, "code": c})
                for c in (_wrong(code), _wrong(code), _wrong(code), code)
            ]
        codes = [a.json()["code"] for a in answers]
        assert codes == ["otp_wrong_code", "otp_wrong_code", "otp_locked", "otp_locked"]
        assert "2 attempts left" in answers[0].json()["detail"]
        assert all(
            a.status_code == 400 and a.headers["content-type"] == "application/problem+json" for a in answers
        )

    def test_lockout_holds_across_two_server_processes(
        self, shared: SharedServer, server_factory: Callable[..., LiveServer]
    ) -> None:
        """Wrong codes counted by one process lock the challenge for the other."""
        person = shared.citizen()
        first, second = _two_processes(shared, server_factory)
        with first.client() as a, second.client() as b:
            challenge = a.post("/api/v1/auth/otp", json={"login": person.mobile}).json()["challenge_id"]
            code = shared.sms.last_code(person.mobile or "")
            for client in (a, b, a):
                client.post("/api/v1/auth/otp/verify", json={"challenge_id": challenge, "code": _wrong(code)})
            final = b.post("/api/v1/auth/otp/verify", json={"challenge_id": challenge, "code": code})
        assert final.json()["code"] == "otp_locked"

    def test_a_code_works_once(self, shared: SharedServer) -> None:
        """Replaying a used code is refused as used."""
        person = shared.citizen()
        with shared.client() as client:
            challenge = client.post("/api/v1/auth/otp", json={"login": person.mobile}).json()["challenge_id"]
            body = {"challenge_id": challenge, "code": shared.sms.last_code(person.mobile or "")}
            first = client.post("/api/v1/auth/otp/verify", json=body)
            again = client.post("/api/v1/auth/otp/verify", json=body)
        assert first.status_code == 200
        assert again.status_code == 400 and again.json()["code"] == "otp_used"

    def test_an_expired_code_is_refused(
        self, db_url: str, sms_provider: SmsProvider, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """A code checked after its lifetime is refused as expired."""
        seed_families(db_url)
        server = app_factory(sms_env(db_url, sms_provider))
        with server.client() as client:
            challenge = client.post("/api/v1/auth/otp", json={"login": "9876500001"}).json()["challenge_id"]
            code = sms_provider.last_code("9876500001")
            server.clock.advance(server.seva.platform.settings.otp_seconds + 1)
            late = client.post("/api/v1/auth/otp/verify", json={"challenge_id": challenge, "code": code})
        assert late.status_code == 400 and late.json()["code"] == "otp_expired"

    def test_a_newer_code_supersedes_the_older_one(
        self, db_url: str, sms_provider: SmsProvider, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Once a second code is sent, the first one is refused as superseded."""
        seed_families(db_url)
        server = app_factory(sms_env(db_url, sms_provider))
        with server.client() as client:
            first = client.post("/api/v1/auth/otp", json={"login": "9876500001"}).json()["challenge_id"]
            old_code = sms_provider.last_code("9876500001")
            server.clock.advance(server.seva.platform.settings.otp_resend_seconds + 1)
            resent = client.post("/api/v1/auth/otp", json={"login": "9876500001"})
            old = client.post("/api/v1/auth/otp/verify", json={"challenge_id": first, "code": old_code})
        assert resent.status_code == 202
        assert old.json()["code"] == "otp_superseded"

    def test_resending_too_soon_is_throttled_with_retry_after(
        self, shared: SharedServer, server_factory: Callable[..., LiveServer]
    ) -> None:
        """A second code within the resend interval is refused with 429 and Retry-After, on any process."""
        person = shared.citizen()
        first, second = _two_processes(shared, server_factory)
        with first.client() as a, second.client() as b:
            ok = a.post("/api/v1/auth/otp", json={"login": person.mobile})
            spaced = f"+91 {person.mobile[:5]} {person.mobile[5:]}"  # type: ignore[index]
            again = b.post("/api/v1/auth/otp", json={"login": spaced})
        assert ok.status_code == 202
        assert again.status_code == 429 and again.json()["code"] == "rate_limited"
        assert 1 <= int(again.headers["retry-after"]) <= 30
        assert [m["to"] for m in shared.sms.received].count(f"+91{person.mobile}") == 1

    def test_malformed_requests_are_problem_documents(self, shared: SharedServer) -> None:
        """A bad login, a code of the wrong shape and broken JSON each get a 400 problem, never a 500."""
        with shared.client() as client:
            login = client.post("/api/v1/auth/otp", json={"login": "12345678901"})
            shape = client.post("/api/v1/auth/otp/verify", json={"challenge_id": "0" * 32, "code": "12ab56"})
            unknown = client.post(
                "/api/v1/auth/otp/verify", json={"challenge_id": "0" * 32, "code": "123456"}
            )
            broken = client.post(
                "/api/v1/auth/otp", content=b"{not json", headers={"content-type": "application/json"}
            )
            extra = client.post("/api/v1/auth/otp", json={"login": "9876500001", "admin": True})
        assert login.status_code == 400 and login.json()["code"] == "invalid_login"
        assert shape.status_code == 400 and shape.json()["code"] == "invalid_request"
        assert unknown.status_code == 400 and unknown.json()["code"] == "otp_unknown"
        assert broken.status_code == 400 and broken.json()["code"] == "malformed_json"
        assert extra.status_code == 400 and extra.json()["code"] == "invalid_request"

    def test_a_provider_failure_is_a_503_problem_and_the_code_is_void(self, shared: SharedServer) -> None:
        """When the SMS provider refuses, the citizen gets 503 with Retry-After, not a 500."""
        person = shared.citizen()
        shared.sms.status = 500
        try:
            with shared.client() as client:
                answer = client.post("/api/v1/auth/otp", json={"login": person.mobile})
        finally:
            shared.sms.status = 200
        assert answer.status_code == 503 and answer.json()["code"] == "notification_failed"
        assert answer.headers["retry-after"] == "30"
