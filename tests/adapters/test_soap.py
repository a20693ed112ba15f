"""The SOAP adapter against a real SOAP department on loopback, with its XSD, and hostile answers."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest

from adapters.base import DepartmentAdapter, StatusQuery
from adapters.config import Timeouts
from adapters.errors import (
    AdapterConfigError,
    DepartmentTimeout,
    DepartmentUnavailable,
    MalformedAnswer,
    RequestRefused,
    Retryable,
    SchemaViolation,
    UnsafeXML,
)
from adapters.http import build_client
from adapters.local import LocalDepartment, RevenueOffice
from adapters.registry import default_registry
from adapters.soap import load_xsd
from tests.adapters.conftest import LOOPBACK, REFERENCE, FakeClock, soap_config, submission
from tests.adapters.departments import XML, soap_fault
from tests.adapters.mounts import Department

NS = "urn:in:gov:mp:energy:connection:v1"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
GOOD_BODY = (
    f'<ec:SubmitApplicationResponse xmlns:ec="{NS}"><ec:departmentReference>E-1</ec:departmentReference>'
    "<ec:status>received</ec:status><ec:message>ok</ec:message></ec:SubmitApplicationResponse>"
)


def soap(body: str, prologue: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    """A SOAP envelope around ``body``, after ``prologue``."""
    return (
        f'{prologue}<soap:Envelope xmlns:soap="{ENV}"><soap:Body>{body}</soap:Body></soap:Envelope>'.encode()
    )


XXE = soap(
    GOOD_BODY.replace("<ec:message>ok", "<ec:message>&xxe;"),
    '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
)
LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
)  # 10^9 "lol"s if expanded
BILLION_LAUGHS = soap(
    GOOD_BODY.replace("<ec:message>ok", "<ec:message>&lol9;"),
    f'<?xml version="1.0"?><!DOCTYPE lolz [{LAUGHS}]>',
)
EXTERNAL_DTD = soap(GOOD_BODY, '<?xml version="1.0"?><!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">')


# Timeouts no loaded machine reaches, and a read timeout a department holding the call always passes.
ROOMY = Timeouts(connect=10, read=10, write=10, pool=10)
SHORT_READ = Timeouts(connect=10, read=0.2, write=10, pool=10)


async def _energy(
    department: Department, transport: str, timeouts: Timeouts
) -> AsyncIterator[DepartmentAdapter]:
    config = soap_config(department.url, timeouts=timeouts, transport=transport)
    async with build_client(config, egress=LOOPBACK) as client:
        yield default_registry().create(config, client=client)


@pytest.fixture
async def energy(department: Department, transport: str) -> AsyncIterator[DepartmentAdapter]:
    """A SOAP adapter to the loopback energy department."""
    async for adapter in _energy(department, transport, ROOMY):
        yield adapter


class TestSuccess:
    async def test_request_is_a_valid_soap_envelope(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """The department receives a SOAP 1.1 envelope whose body validates against the XSD."""
        await energy.submit(submission())
        request = department.app.requests[-1]
        assert request.headers["content-type"] == "text/xml; charset=utf-8"
        assert request.headers["soapaction"] == f'"{NS}#SubmitApplication"'
        assert request.headers["x-road-issue"] == REFERENCE
        assert b"<ns1:value>false</ns1:value>" in request.body  # a boolean form value, as XSD text

    async def test_issued_certificate_is_decoded(
        self, energy: DepartmentAdapter, department: Department, clock: FakeClock
    ) -> None:
        """An issued status carries the certificate, with its dates and details, through the XSD."""
        department.app.reset(LocalDepartment(RevenueOffice(), review_after=0, decide_after=1, clock=clock))
        filed = await energy.submit(submission())
        clock.advance(2)
        result = await energy.status(
            StatusQuery(reference_number=REFERENCE, department_reference=filed.department_reference)
        )
        assert result.status == "issued"
        assert result.certificate is not None
        assert result.certificate.document_type == "new_connection"
        assert isinstance(result.certificate.issued_on, dt.date)
        assert result.certificate.details["name"] == "Sunita Devi"

    async def test_500s_then_recovery(self, energy: DepartmentAdapter, department: Department) -> None:
        """Server faults are retryable with the fault string kept; the next call succeeds."""
        department.app.fail(
            times=2, status=500, body=soap_fault("Server", "mainframe busy"), content_type=XML
        )
        for _ in range(2):
            with pytest.raises(DepartmentUnavailable) as caught:
                await energy.submit(submission())
            assert caught.value.department_message == "mainframe busy"
        assert (await energy.submit(submission())).department_reference


class TestHostileAnswers:
    @pytest.mark.parametrize(
        ("body", "cause"),
        [(XXE, "DOCTYPE foo"), (BILLION_LAUGHS, "DOCTYPE lolz"), (EXTERNAL_DTD, "DOCTYPE foo")],
        ids=["external-entity", "billion-laughs", "external-dtd"],
    )
    async def test_doctype_and_entities_are_refused(
        self, energy: DepartmentAdapter, department: Department, body: bytes, cause: str
    ) -> None:
        """An answer with a DOCTYPE, entities or an external DTD is refused as permanent, unexpanded."""
        department.app.fail(body=body, content_type=XML)
        started = time.perf_counter()
        with pytest.raises(UnsafeXML, match=cause) as caught:
            await energy.submit(submission())
        assert time.perf_counter() - started < 30  # a billion expanded "lol"s would take far longer
        assert not caught.value.retryable
        assert "root:" not in str(caught.value)  # nothing of /etc/passwd was read

    async def test_malformed_xml_is_refused_with_its_line(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """XML that is not well-formed is permanent, and the error names the problem and where."""
        department.app.fail(body=soap(GOOD_BODY).replace(b"</ec:status>", b"</ec:stat>"), content_type=XML)
        with pytest.raises(MalformedAnswer, match=r"mismatched tag at line 1, column \d+"):
            await energy.submit(submission())

    async def test_answer_breaking_the_xsd_is_refused(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """A status outside the XSD's enumeration is a schema violation naming the element."""
        department.app.fail(body=soap(GOOD_BODY.replace(">received<", ">done<")), content_type=XML)
        with pytest.raises(SchemaViolation, match=r"energy_connection\.xsd") as caught:
            await energy.submit(submission())
        assert "status" in str(caught.value)

    async def test_wrong_element_in_the_body_is_refused(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """An answer to another operation is a schema violation."""
        department.app.fail(
            body=soap(GOOD_BODY.replace("SubmitApplicationResponse", "GetStatusResponse")), content_type=XML
        )
        with pytest.raises(SchemaViolation, match="expected SubmitApplicationResponse"):
            await energy.submit(submission())

    async def test_not_an_envelope_is_refused(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """Bare XML without a SOAP envelope is a schema violation."""
        department.app.fail(body=GOOD_BODY.encode(), content_type=XML)
        with pytest.raises(SchemaViolation, match=r"not a SOAP 1\.1 envelope"):
            await energy.submit(submission())


class TestFaultsAndTimeouts:
    async def test_client_fault_is_permanent(self, energy: DepartmentAdapter, department: Department) -> None:
        """A fault blaming the client is a permanent refusal with the fault string."""
        department.app.fail(
            status=500, body=soap_fault("Client", "consumer number unknown"), content_type=XML
        )
        with pytest.raises(RequestRefused) as caught:
            await energy.submit(submission())
        assert (caught.value.department_message, caught.value.status_code) == ("consumer number unknown", 500)

    async def test_500_without_a_fault_is_retryable(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """A 500 with an HTML error page is retryable, whatever its body says."""
        department.app.fail(status=500, body=b"<html>Internal error</html>", content_type=b"text/html")
        with pytest.raises(DepartmentUnavailable):
            await energy.submit(submission())

    @pytest.mark.parametrize(
        ("status", "body", "content_type"),
        [
            (500, b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", b"text/html"),
            (503, b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", b"text/html"),
            (500, BILLION_LAUGHS, XML),
        ],
        ids=["500-html-doctype", "503-html-doctype", "500-billion-laughs"],
    )
    async def test_5xx_with_an_unsafe_body_is_retryable_and_unexpanded(
        self, energy: DepartmentAdapter, department: Department, status: int, body: bytes,
        content_type: bytes,
    ) -> None:  # fmt: skip
        """A proxy's HTML error page (with a DOCTYPE) or unsafe XML on a 5xx is no SOAP fault: the department
        is down, which delays an application and never fails it; nothing in the body is expanded."""
        department.app.fail(status=status, body=body, content_type=content_type)
        started = time.perf_counter()
        with pytest.raises(Retryable) as caught:
            await energy.submit(submission())
        assert time.perf_counter() - started < 30  # a billion expanded "lol"s would take far longer
        assert isinstance(caught.value, DepartmentUnavailable)
        assert caught.value.status_code == status and f"HTTP {status}" in str(caught.value)
        assert "lol" * 11 not in str(caught.value)

    async def test_slow_department_times_out(self, department: Department, transport: str) -> None:
        """A SOAP department that has not answered within the read timeout is a retryable timeout. It
        holds the call until the test ends, so the read timeout fires however loaded the machine is."""
        department.app.hold()
        async for adapter in _energy(department, transport, SHORT_READ):
            with pytest.raises(DepartmentTimeout, match=r"no answer in time \(ReadTimeout\)") as caught:
                await adapter.status(StatusQuery(reference_number=REFERENCE))
        assert caught.value.retryable
        assert department.app.in_flight == 1  # the call did reach the department, which still holds it


class TestRequestAndSchema:
    async def test_request_breaking_the_xsd_never_leaves(
        self, energy: DepartmentAdapter, department: Department
    ) -> None:
        """A form field name longer than the XSD allows is refused before anything is sent."""
        with pytest.raises(SchemaViolation, match=r"request breaks energy_connection\.xsd"):
            await energy.submit(submission(form={"x" * 200: "1"}))
        assert not department.app.requests

    def test_xsd_names_are_plain_file_names(self) -> None:
        """An XSD name with a path is refused, so configuration cannot read files elsewhere."""
        with pytest.raises(AdapterConfigError, match="file name"):
            load_xsd("../../etc/passwd.xsd")

    def test_missing_xsd_is_named(self) -> None:
        """An XSD that does not exist is a configuration error naming it."""
        with pytest.raises(AdapterConfigError, match=r"nothing\.xsd"):
            load_xsd("nothing.xsd")

    async def test_soap_needs_an_xsd(self, department: Department) -> None:
        """A SOAP adapter without an XSD cannot be built."""
        config = soap_config(department.url, xsd=None)
        async with build_client(config, egress=LOOPBACK) as client:
            with pytest.raises(AdapterConfigError, match="xsd"):
                default_registry().create(config, client=client)
