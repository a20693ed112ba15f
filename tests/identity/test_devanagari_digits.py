"""Signing in with a phone keyboard set to Hindi: the mobile number and the code typed in ०-९."""

from __future__ import annotations

from tests.identity.support import SharedServer

DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def test_mobile_and_code_in_devanagari_digits(shared: SharedServer) -> None:
    """A mobile number and a one-time code written in Devanagari digits sign the citizen in."""
    person = shared.citizen()
    mobile = (person.mobile or "").translate(DEVANAGARI)
    with shared.client() as client:
        started = client.post("/api/v1/auth/otp", json={"login": mobile})
        assert started.status_code == 202, started.text
        code = shared.sms.last_code(person.mobile or "").translate(DEVANAGARI)
        verified = client.post(
            "/api/v1/auth/otp/verify", json={"challenge_id": started.json()["challenge_id"], "code": code}
        )
    assert verified.status_code == 200, verified.text
    assert verified.json()["member_id"] == person.member_id
