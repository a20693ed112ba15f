"""Exchange headers, masking, and the error tree's promises."""

from __future__ import annotations

import datetime as dt
import uuid

from adapters.errors import (
    DepartmentError,
    DepartmentThrottled,
    DepartmentUnavailable,
    MalformedAnswer,
    Permanent,
    RequestRefused,
    Retryable,
    SchemaViolation,
    UnsafeXML,
)
from adapters.exchange import ExchangeHeaders, mask_identifier, masked_user_id
from adapters.http import parse_retry_after


class TestMasking:
    def test_member_id_is_masked_but_the_last_three(self) -> None:
        """A Samagra member ID shows only its last three digits, under the state prefix."""
        assert masked_user_id("123456789") == "IN-MP-******789"

    def test_short_identifiers_are_masked_whole(self) -> None:
        """An identifier no longer than the visible part is hidden entirely."""
        assert mask_identifier("12") == "**"


class TestHeaders:
    def test_headers_round_trip_through_http(self) -> None:
        """The headers read back by a department are the ones sent."""
        headers = ExchangeHeaders.new(
            client="IN/GOV/SEVA/gateway",
            service="IN/GOV/MP-ENERGY/connections/new_connection",
            issue="MP-2026-000123-7",
            member_id="123456789",
            idempotency_key="k",
            new_id=lambda: uuid.UUID(int=1),
        )
        http = headers.as_http()
        assert http == {
            "X-Road-Id": "00000000-0000-0000-0000-000000000001",
            "X-Road-Client": "IN/GOV/SEVA/gateway",
            "X-Road-Service": "IN/GOV/MP-ENERGY/connections/new_connection",
            "X-Road-Issue": "MP-2026-000123-7",
            "X-Road-UserId": "IN-MP-******789",
            "Idempotency-Key": "k",
        }
        assert ExchangeHeaders.from_http({name.lower(): value for name, value in http.items()}) == headers

    def test_headers_without_user_or_key_leave_them_out(self) -> None:
        """A poll by a worker names no end user and no idempotency key."""
        http = ExchangeHeaders.new(client="c", service="s", issue="i").as_http()
        assert "X-Road-UserId" not in http and "Idempotency-Key" not in http


class TestErrors:
    def test_every_error_is_retryable_or_permanent(self) -> None:
        """The tree sorts errors by what a worker should do, and keeps the department's words."""
        assert issubclass(DepartmentUnavailable, Retryable) and issubclass(DepartmentThrottled, Retryable)
        for permanent in (RequestRefused, SchemaViolation, MalformedAnswer, UnsafeXML):
            assert issubclass(permanent, Permanent) and not permanent.retryable
        error = DepartmentUnavailable(
            "department failed", adapter="rest_transport", status_code=502, department_message="x" * 5000
        )
        assert isinstance(error, DepartmentError) and error.retryable
        assert len(error.department_message or "") == 1000
        assert str(error).startswith("rest_transport: department failed; HTTP 502; department said: xxx")

    def test_retry_after_reads_seconds_and_dates(self) -> None:
        """Retry-After is read as seconds or as an HTTP date; nonsense is ignored."""
        now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
        assert parse_retry_after("30") == 30.0
        assert parse_retry_after("Mon, 23 Nov 2026 12:01:00 GMT", now=lambda: now) == 60.0
        assert parse_retry_after("soon") is None
        assert parse_retry_after(None) is None
