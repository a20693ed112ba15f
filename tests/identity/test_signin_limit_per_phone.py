"""The sign-in code limits count per phone: a member ID and the mobile number of the same phone share one
resend interval and one hourly limit, so member-ID logins cannot multiply the texts one phone gets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.platform.clock import MovableClock
from tests.conftest import InProcessServer, build_in_process
from tests.identity.support import SmsProvider, running_sms_provider, seed_families, sms_env

ASHA_MOBILE, ASHA_ID = "9876500001", "100000011"  # tests/identity/support.py:seed_families
MEENA_MOBILE = "9876500002"


@pytest.fixture
def sms() -> Iterator[SmsProvider]:
    with running_sms_provider() as provider:
        yield provider


@pytest.fixture
def server(db_url: str, tmp_path: Path, sms: SmsProvider) -> InProcessServer:
    seed_families(db_url)
    env = sms_env(
        db_url, sms, SEVA_DATA_DIR=str(tmp_path / "data"), SEVA_OTP_PER_HOUR="3",
        SEVA_OTP_RESEND_SECONDS="30", SEVA_SIGNIN_PER_MINUTE="1000",
    )  # fmt: skip
    # A minute into an hour, so that the test's few minutes never cross into the next hour's window.
    return build_in_process(env, MovableClock(time.time() // 3600 * 3600 + 60))


def test_a_member_id_and_its_mobile_share_the_hourly_limit(server: InProcessServer, sms: SmsProvider) -> None:
    """Three codes an hour to Asha's phone, whichever way she (or someone) asks; the fourth is refused."""
    with server.client() as client:
        statuses = []
        for login in (ASHA_MOBILE, ASHA_ID, f"+91 {ASHA_MOBILE}", ASHA_ID, ASHA_MOBILE):
            statuses.append(client.post("/api/v1/auth/otp", json={"login": login}).status_code)
            server.clock.advance(31)
        other = client.post("/api/v1/auth/otp", json={"login": MEENA_MOBILE}).status_code
    assert statuses == [202, 202, 202, 429, 429]
    assert [m["to"] for m in sms.received].count(f"+91{ASHA_MOBILE}") == 3
    assert other == 202  # another phone has its own limit


def test_a_member_id_right_after_the_mobile_waits_for_the_resend_interval(
    server: InProcessServer, sms: SmsProvider
) -> None:
    with server.client() as client:
        first = client.post("/api/v1/auth/otp", json={"login": ASHA_MOBILE})
        again = client.post("/api/v1/auth/otp", json={"login": ASHA_ID})
        server.clock.advance(31)
        later = client.post("/api/v1/auth/otp", json={"login": ASHA_ID})
    assert (first.status_code, again.status_code, later.status_code) == (202, 429, 202)
    assert 1 <= int(again.headers["retry-after"]) <= 30
