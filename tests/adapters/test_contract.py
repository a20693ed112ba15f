"""One contract for every adapter: REST and SOAP against a real department on loopback, and local."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.base import DepartmentAdapter, StatusQuery
from adapters.errors import Permanent, RequestRefused
from adapters.exchange import ExchangeHeaders
from adapters.http import build_client
from adapters.local import DefaultOffice, LocalAdapter, LocalDepartment
from adapters.registry import default_registry
from tests.adapters.conftest import (
    LOOPBACK,
    MEMBER_ID,
    REFERENCE,
    FakeClock,
    rest_config,
    soap_config,
    submission,
)
from tests.adapters.mounts import Department


@dataclass
class Harness:
    """An adapter, the department behind it, and the clock that department reads."""

    adapter: DepartmentAdapter
    department: LocalDepartment
    clock: FakeClock
    operation_prefix: str

    def received(self) -> list[ExchangeHeaders]:
        return list(self.department.received)


@pytest.fixture(params=["rest", "soap", "local", "rest-httpx", "soap-httpx"])
async def harness(
    request: pytest.FixtureRequest, department: Department, clock: FakeClock
) -> AsyncIterator[Harness]:
    """Each adapter kind (HTTP ones over both transports) before an office deciding after 3 s."""
    office = LocalDepartment(DefaultOffice(), review_after=1, decide_after=3, clock=clock)
    kind, _, transport = str(request.param).partition("-")
    if kind == "local":
        adapter = LocalAdapter("local_default", office, service="IN/GOV/MP-DEMO/default")
        async with adapter:
            yield Harness(adapter, office, clock, "IN/GOV/MP-DEMO/default")
        return
    department.app.reset(office)
    config = (rest_config if kind == "rest" else soap_config)(
        department.url, transport=transport or "aiohttp"
    )
    async with (
        build_client(config, egress=LOOPBACK) as client,
        default_registry().create(config, client=client) as adapter,
    ):
        yield Harness(adapter, office, clock, config.service or "")


class TestSubmit:
    async def test_submit_returns_the_department_reference(self, harness: Harness) -> None:
        """A submission is filed and answered with the department's own reference, status received."""
        result = await harness.adapter.submit(submission())
        assert result.department_reference.startswith("MP-DEP-")
        assert result.status == "received"
        assert result.certificate is None

    async def test_same_idempotency_key_gives_the_same_reference(self, harness: Harness) -> None:
        """A retried submission with the same key is not filed twice."""
        first = await harness.adapter.submit(submission(key="retry-me"))
        second = await harness.adapter.submit(submission(key="retry-me"))
        other = await harness.adapter.submit(submission(reference="MP-2026-000124-5", key="another"))
        assert first.department_reference == second.department_reference
        assert other.department_reference != first.department_reference

    async def test_idempotency_key_is_sent(self, harness: Harness) -> None:
        """The department receives the idempotency key of the submission."""
        await harness.adapter.submit(submission(key="key-42"))
        assert harness.received()[-1].idempotency_key == "key-42"


class TestStatus:
    async def test_status_moves_from_received_to_decision(self, harness: Harness) -> None:
        """Status follows the department's timeline: received, in progress, approved."""
        reference = (await harness.adapter.submit(submission())).department_reference
        query = StatusQuery(reference_number=REFERENCE, department_reference=reference)
        seen = [(await harness.adapter.status(query)).status]
        harness.clock.advance(1.5)
        seen.append((await harness.adapter.status(query)).status)
        harness.clock.advance(2)
        final = await harness.adapter.status(query)
        seen.append(final.status)
        assert seen == ["received", "in_progress", "approved"]
        assert final.department_reference == reference
        assert final.message

    async def test_status_by_our_reference_alone(self, harness: Harness) -> None:
        """Before the department's reference is known, our reference number finds the application."""
        filed = await harness.adapter.submit(submission())
        found = await harness.adapter.status(StatusQuery(reference_number=REFERENCE))
        assert found.department_reference == filed.department_reference

    async def test_unknown_application_is_permanent(self, harness: Harness) -> None:
        """Asking about an application the department never received is a permanent error."""
        with pytest.raises(RequestRefused) as caught:
            await harness.adapter.status(StatusQuery(reference_number="MP-1", department_reference="X-1"))
        assert isinstance(caught.value, Permanent)
        assert caught.value.department_message and "X-1" in caught.value.department_message

    async def test_health_passes(self, harness: Harness) -> None:
        """A ready department passes the health check."""
        await harness.adapter.health()


class TestExchangeHeaders:
    async def test_submission_carries_the_exchange_headers(self, harness: Harness) -> None:
        """Message ID, client, service, masked user and the reference as issue reach the department."""
        await harness.adapter.submit(submission())
        headers = harness.received()[-1]
        uuid.UUID(headers.message_id)
        assert headers.client == "IN/GOV/SEVA/gateway"
        assert headers.service == f"{harness.operation_prefix}/new_connection"
        assert headers.user_id == "IN-MP-******789"
        assert MEMBER_ID not in headers.user_id
        assert headers.issue == REFERENCE

    async def test_status_names_the_issue_and_a_new_message(self, harness: Harness) -> None:
        """A status query names the reference as issue, and every message has its own ID."""
        await harness.adapter.submit(submission())
        await harness.adapter.status(StatusQuery(reference_number=REFERENCE, member_id=MEMBER_ID))
        submit, status = harness.received()[-2:]
        assert status.issue == REFERENCE
        assert status.service.endswith("/status")
        assert status.user_id == "IN-MP-******789"
        assert status.message_id != submit.message_id
        assert status.idempotency_key is None
