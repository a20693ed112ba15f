"""The REST adapter against a real department on loopback: success, slowness, failures and recovery."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.base import DepartmentAdapter, StatusQuery
from adapters.config import AdapterConfig, BearerToken, MutualTLS, Secret, Timeouts
from adapters.errors import (
    AdapterConfigError,
    DepartmentError,
    DepartmentThrottled,
    DepartmentTimeout,
    DepartmentUnavailable,
    DepartmentUnreachable,
    MalformedAnswer,
    Permanent,
    RequestRefused,
    Retryable,
    SchemaViolation,
)
from adapters.http import build_client
from adapters.registry import default_registry
from tests.adapters.certs import Pki
from tests.adapters.conftest import LOOPBACK, rest_config, submission
from tests.adapters.mounts import Department, DepartmentHost

TOKEN = "s3cret-token-value"


def secrets(ref: str) -> Secret:
    return Secret({"SEVA_TOKEN_TRANSPORT": TOKEN}[ref])


async def _adapter(config: AdapterConfig) -> AsyncIterator[DepartmentAdapter]:
    async with build_client(config, egress=LOOPBACK) as client:
        yield default_registry(secrets=secrets).create(config, client=client)


# Timeouts no loaded machine reaches, and a read timeout a department holding the call always passes.
ROOMY = Timeouts(connect=10, read=10, write=10, pool=10)
SHORT_READ = Timeouts(connect=10, read=0.2, write=10, pool=10)


@pytest.fixture
async def rest(department: Department, transport: str) -> AsyncIterator[DepartmentAdapter]:
    """A REST adapter to the loopback department."""
    async for adapter in _adapter(rest_config(department.url, timeouts=ROOMY, transport=transport)):
        yield adapter


class TestSuccess:
    async def test_submission_body_follows_the_contract(
        self, rest: DepartmentAdapter, department: Department
    ) -> None:
        """The department receives JSON with the applicant, form and documents, and no idempotency key."""
        await rest.submit(submission())
        request = department.app.requests[-1]
        assert (request.method, request.path) == ("POST", "/rest/applications")
        assert request.headers["content-type"] == "application/json"
        assert b'"member_id":"123456789"' in request.body
        assert b'"load_kw":2' in request.body
        assert b"idempotency_key" not in request.body

    async def test_bearer_token_is_sent_and_never_shown(self, department: Department, transport: str) -> None:
        """A configured bearer token authenticates, and appears in no repr of the configuration or adapter."""
        department.app.token = TOKEN
        config = rest_config(
            department.url, auth=BearerToken(token_ref="SEVA_TOKEN_TRANSPORT"), transport=transport
        )
        async for adapter in _adapter(config):
            await adapter.submit(submission())
            assert TOKEN not in repr(config) + repr(adapter) + repr(vars(adapter))
        assert department.app.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"

    async def test_wrong_token_is_refused_permanently(
        self, rest: DepartmentAdapter, department: Department
    ) -> None:
        """A 401 is a permanent refusal that keeps the department's words and never echoes a token."""
        department.app.token = "another"
        with pytest.raises(RequestRefused) as caught:
            await rest.submit(submission())
        assert caught.value.status_code == 401
        assert caught.value.department_message == "missing or wrong bearer token"


class TestRetryable:
    async def test_slow_department_times_out(self, department: Department, transport: str) -> None:
        """A department that has not answered within the read timeout is a retryable timeout. It holds the
        call until the test ends, so the read timeout (not the call's deadline) fires however loaded the
        machine is."""
        department.app.hold()
        async for adapter in _adapter(rest_config(department.url, timeouts=SHORT_READ, transport=transport)):
            with pytest.raises(DepartmentTimeout, match=r"no answer in time \(ReadTimeout\)") as caught:
                await adapter.submit(submission())
        assert caught.value.retryable
        assert department.app.in_flight == 1  # the call did reach the department, which still holds it

    async def test_a_trickling_answer_is_cut_off_at_the_call_deadline(
        self, department: Department, transport: str
    ) -> None:
        """Each byte comes well within the read timeout, but the whole answer never does (the department
        trickles spaces after it until the test ends): the call is cut off at the sum of the timeouts (3 s
        here), which is the longest a call may take (a delivery's lease outlasts it)."""
        state = b'{"department_reference":"X-1","status":"received","message":"ok"}'
        department.app.fail(1, status=202, body=state, trickle=0.05, endless=True)
        timeouts = Timeouts(connect=1, read=1, write=0.5, pool=0.5)
        async for adapter in _adapter(rest_config(department.url, timeouts=timeouts, transport=transport)):
            # Only a test already failing (no deadline, so the answer never ends) reaches this bound.
            async with asyncio.timeout(60):
                with pytest.raises(DepartmentTimeout, match="no whole answer within 3 s"):
                    await adapter.submit(submission())

    async def test_slow_but_in_time_succeeds(self, rest: DepartmentAdapter, department: Department) -> None:
        """A department that holds the call for a while and answers within the timeout is simply slow."""
        department.app.hold()
        call = asyncio.create_task(rest.submit(submission()))
        await department.app.until_in_flight(1)
        assert not call.done()  # the department has the call and has not answered yet
        department.app.release()
        assert (await call).department_reference

    async def test_500s_then_recovery(self, rest: DepartmentAdapter, department: Department) -> None:
        """Two 500s are retryable with the department's message; the third try succeeds under the same key."""
        department.app.fail(times=2, status=500, body=b'{"title":"database down"}')
        errors = []
        for _ in range(2):
            with pytest.raises(DepartmentUnavailable) as caught:
                await rest.submit(submission(key="same"))
            errors.append(caught.value)
        result = await rest.submit(submission(key="same"))
        assert [(e.status_code, e.department_message, e.retryable) for e in errors] == [
            (500, "database down", True)
        ] * 2
        assert result.status in {"received", "approved"}
        assert [h.idempotency_key for h in department.app.department.received] == ["same"]

    async def test_503_keeps_retry_after(self, rest: DepartmentAdapter, department: Department) -> None:
        """A 503 with Retry-After tells the worker how long to wait."""
        department.app.fail(
            status=503, body=b"maintenance", content_type=b"text/plain", headers={"Retry-After": "120"}
        )
        with pytest.raises(DepartmentUnavailable) as caught:
            await rest.status(StatusQuery(reference_number="MP-1"))
        assert caught.value.retry_after == 120.0
        assert caught.value.department_message == "maintenance"

    async def test_429_is_throttling(self, rest: DepartmentAdapter, department: Department) -> None:
        """A 429 is retryable throttling, not a refusal."""
        department.app.fail(status=429, body=b'{"detail":"slow down"}', headers={"Retry-After": "3"})
        with pytest.raises(DepartmentThrottled) as caught:
            await rest.submit(submission())
        assert (caught.value.retryable, caught.value.retry_after, caught.value.department_message) == (
            True, 3.0, "slow down",
        )  # fmt: skip

    async def test_connection_refused_is_retryable(self, transport: str) -> None:
        """A port with nothing listening is a retryable unreachable department."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        async for adapter in _adapter(rest_config(f"http://127.0.0.1:{port}", transport=transport)):
            with pytest.raises(DepartmentUnreachable) as caught:
                await adapter.submit(submission())
        assert isinstance(caught.value, Retryable)
        assert "rest_transport" in str(caught.value)


class TestPermanent:
    @pytest.mark.parametrize("status", [400, 422])
    async def test_4xx_is_permanent_with_the_department_message(
        self, rest: DepartmentAdapter, department: Department, status: int
    ) -> None:
        """A 400 or 422 is a permanent refusal keeping the problem's detail and the status."""
        body = b'{"title":"invalid","detail":"form field load_kw must be at most 50","status":%d}' % status
        department.app.fail(status=status, body=body, content_type=b"application/problem+json")
        with pytest.raises(RequestRefused) as caught:
            await rest.submit(submission())
        assert (caught.value.status_code, caught.value.retryable) == (status, False)
        assert caught.value.department_message == "form field load_kw must be at most 50"
        assert "form field load_kw must be at most 50" in str(caught.value)

    async def test_malformed_json_is_refused(self, rest: DepartmentAdapter, department: Department) -> None:
        """An answer that is not JSON is a permanent error naming the cause."""
        department.app.fail(body=b'{"department_reference": "X-1", "status": ')
        with pytest.raises(MalformedAnswer, match="not valid JSON"):
            await rest.submit(submission())

    async def test_json_of_the_wrong_shape_is_a_schema_violation(
        self, rest: DepartmentAdapter, department: Department
    ) -> None:
        """Well-formed JSON that breaks the contract names the field at fault."""
        department.app.fail(body=b'{"department_reference": "X-1", "status": "done"}')
        with pytest.raises(SchemaViolation, match=r"\$\.status"):
            await rest.submit(submission())

    async def test_oversized_answer_is_refused(self, department: Department, transport: str) -> None:
        """An answer larger than the configured limit is refused before it is read whole."""
        department.app.fail(body=b'{"message": "' + b"x" * 5000 + b'"}')
        async for adapter in _adapter(
            rest_config(department.url, max_response_bytes=2048, transport=transport)
        ):
            with pytest.raises(MalformedAnswer, match="larger than"):
                await adapter.submit(submission())

    async def test_redirect_is_not_followed(self, rest: DepartmentAdapter, department: Department) -> None:
        """A department that answers with a redirect must be reconfigured, not followed."""
        department.app.fail(status=302, headers={"Location": "http://elsewhere.test/"})
        with pytest.raises(Permanent, match=r"elsewhere\.test"):
            await rest.submit(submission())


class TestConcurrency:
    async def test_calls_in_flight_are_bounded(
        self, department: Department, department_host: DepartmentHost, transport: str
    ) -> None:
        """No more than ``max_concurrency`` calls reach a department at once: while it holds the first two
        of six calls, the other four wait in the client; once it answers, they follow, two at a time."""
        department.app.hold()
        config = rest_config(department.url, max_concurrency=2, transport=transport)
        async for adapter in _adapter(config):
            calls = [asyncio.create_task(adapter.submit(submission(key=f"k{n}"))) for n in range(6)]
            await department.app.until_in_flight(2)
            # A request to another department of the same server, sent only now, comes after whatever the
            # six calls had sent: had a third gone out, it would be in the department by the time this is
            # answered.
            with department_host.mounted() as other:
                async with httpx.AsyncClient(trust_env=False) as probe:
                    assert (await probe.get(f"{other.url}/rest/health")).status_code == 200
            assert (department.app.in_flight, len(department.app.requests)) == (2, 2)
            department.app.release()
            await asyncio.gather(*calls)
        assert department.app.most_in_flight == 2
        assert len(department.app.department.received) == 6


class TestMutualTLS:
    def mtls_config(self, server: Department, pki: Pki, **changes: object) -> AdapterConfig:
        auth = MutualTLS(cert=str(pki.client_cert), key=str(pki.client_key))
        return rest_config(server.url, auth=auth, ca_bundle=str(pki.ca), **changes)

    async def test_client_certificate_authenticates(
        self, mtls_server: Department, pki: Pki, transport: str
    ) -> None:
        """With mTLS configured, ``build_client`` presents our certificate and trusts the department's CA."""
        async for adapter in _adapter(self.mtls_config(mtls_server, pki, transport=transport)):
            assert (await adapter.submit(submission())).department_reference

    async def test_without_client_certificate_the_call_fails(
        self, mtls_server: Department, pki: Pki, transport: str
    ) -> None:
        """A department that requires a client certificate refuses a client without one."""
        async for adapter in _adapter(
            rest_config(mtls_server.url, ca_bundle=str(pki.ca), transport=transport)
        ):
            with pytest.raises(DepartmentError):
                await adapter.submit(submission())

    def test_mtls_needs_https(self, pki: Pki) -> None:
        """Mutual TLS over plain HTTP is a configuration error."""
        config = rest_config("http://127.0.0.1:1", auth=MutualTLS(cert=str(pki.client_cert), key="k"))
        with pytest.raises(AdapterConfigError, match="https"):
            build_client(config, egress=LOOPBACK)

    def test_missing_certificate_files_are_named(self, pki: Pki) -> None:
        """A certificate path that cannot be read is a configuration error naming the adapter."""
        config = rest_config(
            "https://127.0.0.1:1", auth=MutualTLS(cert="/nonexistent.pem", key="/nonexistent.key")
        )
        with pytest.raises(AdapterConfigError, match="rest_transport"):
            build_client(config, egress=LOOPBACK)
