"""The in-process demo departments: their timelines and their decisions, on a clock moved by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.base import Applicant, StatusQuery, SubmissionRequest
from adapters.config import AdapterConfig
from adapters.errors import AdapterConfigError
from adapters.local import LocalAdapter, demo_config
from adapters.registry import default_registry
from tests.adapters.conftest import REFERENCE, FakeClock, submission


def adapter_for(code: str, clock: FakeClock) -> LocalAdapter:
    """The catalogue's local adapter ``code``, deciding after 3 s of the given clock."""
    adapter = default_registry(clock=clock).create(demo_config(code, review_after=1, decide_after=3))
    assert isinstance(adapter, LocalAdapter)
    return adapter


def pension_request(operation: str = "old_age_pension", **facts: object) -> SubmissionRequest:
    """A pension application from a member with ``facts``."""
    applicant = Applicant(member_id="987654321", name="Ramesh Kumar", facts=facts)
    return submission(
        service_code="sj-" + operation.replace("_", "-"), operation=operation, applicant=applicant
    )


async def decided(adapter: LocalAdapter, request: SubmissionRequest, clock: FakeClock) -> tuple[str, str]:
    """Submit, wait past the decision, and return the status and message."""
    filed = await adapter.submit(request)
    clock.advance(3)
    result = await adapter.status(
        StatusQuery(
            reference_number=request.reference_number, department_reference=filed.department_reference
        )
    )
    return result.status, result.message


class TestRevenueOffice:
    async def test_certificate_is_issued_after_the_delay(self, clock: FakeClock) -> None:
        """The revenue office moves received, in progress, issued, and then holds the document asked for."""
        adapter = adapter_for("local_revenue", clock)
        request = submission(operation="income_certificate", form={"annual_income": 84000, "purpose": None})
        filed = await adapter.submit(request)
        query = StatusQuery(reference_number=REFERENCE, department_reference=filed.department_reference)
        statuses = [filed.status]
        for _ in range(2):
            clock.advance(1.5)
            statuses.append((await adapter.status(query)).status)
        result = await adapter.status(query)
        assert statuses == ["received", "in_progress", "issued"]
        assert result.certificate is not None
        assert result.certificate.document_type == "income_certificate"
        assert result.certificate.details == {
            "name": "Sunita Devi",
            "member_id": "******789",
            "district": "bhopal",
            "annual_income": "84000",
        }
        issued = result.certificate.issued_on
        assert result.certificate.valid_until == issued + dt.timedelta(days=365)
        assert result.certificate.number == f"MP-REV-{issued.year}-000001"

    async def test_certificate_is_the_same_on_every_query(self, clock: FakeClock) -> None:
        """Once issued, the certificate does not change between queries."""
        adapter = adapter_for("local_revenue", clock)
        filed = await adapter.submit(submission())
        clock.advance(10)
        query = StatusQuery(reference_number=REFERENCE, department_reference=filed.department_reference)
        assert (await adapter.status(query)).certificate == (await adapter.status(query)).certificate


class TestPensionOffice:
    @pytest.mark.parametrize(
        ("operation", "facts"),
        [
            ("old_age_pension", {"member.age": 67, "family.bpl": True}),
            ("widow_pension", {"member.age": 45, "member.bpl": True}),
            ("avivahita_pension", {"member.age": 52}),
        ],
    )
    async def test_eligible_applicant_is_approved(
        self, clock: FakeClock, operation: str, facts: dict[str, object]
    ) -> None:
        """A member whose facts pass the pension's own check gets it sanctioned."""
        status, _ = await decided(
            adapter_for("local_pension", clock), pension_request(operation, **facts), clock
        )
        assert status == "approved"

    @pytest.mark.parametrize(
        ("facts", "reason"),
        [
            ({"member.age": 58, "family.bpl": True}, "the applicant is 58; this pension starts at 60"),
            ({"member.age": 70, "family.bpl": False}, "not recorded as below the poverty line"),
            ({"family.bpl": True}, "age is not known"),
        ],
        ids=["too-young", "not-bpl", "age-unknown"],
    )
    async def test_ineligible_applicant_is_rejected_with_the_reason(
        self, clock: FakeClock, facts: dict[str, object], reason: str
    ) -> None:
        """An applicant whose facts fail the rule is rejected, and the message says why."""
        status, message = await decided(
            adapter_for("local_pension", clock), pension_request("old_age_pension", **facts), clock
        )
        assert status == "rejected"
        assert reason in message


class TestDefaultOffice:
    async def test_default_office_approves(self, clock: FakeClock) -> None:
        """The default office approves whatever it is sent."""
        status, _ = await decided(adapter_for("local_default", clock), submission(), clock)
        assert status == "approved"

    def test_unknown_local_code_gets_the_default_office(self) -> None:
        """A local adapter code that names no office gets the default one."""
        assert demo_config("local_something").options["office"] == "default"

    def test_bad_options_are_a_configuration_error(self) -> None:
        """An unknown office is refused when the adapter is built."""
        config = AdapterConfig(code="local_x", kind="local", options={"office": "treasury"})
        with pytest.raises(AdapterConfigError, match="treasury"):
            default_registry().create(config)

    async def test_closing_a_local_adapter_is_harmless(self, clock: FakeClock) -> None:
        """A local adapter is an async context manager like the others."""
        async with adapter_for("local_default", clock) as adapter:
            assert (await adapter.submit(submission())).status == "received"
