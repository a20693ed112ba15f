"""Fixtures of the adapter tests: a real department on loopback for each test, a clock moved by hand,
requests."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.base import Applicant, DocumentRef, SubmissionRequest
from adapters.config import AdapterConfig, Timeouts
from adapters.egress import EgressPolicy
from tests.adapters.certs import Pki, make_pki
from tests.adapters.mounts import Department, DepartmentHost

MEMBER_ID = "123456789"
REFERENCE = "MP-2026-000123-7"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# The test departments listen on loopback, which the gateway refuses unless the operator allows it.
LOOPBACK = EgressPolicy.parse("127.0.0.0/8 ::1")


class FakeClock:
    """Seconds since the epoch that move only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def submission(reference: str = REFERENCE, key: str = "key-1", **changes: object) -> SubmissionRequest:
    """A typical application for a new electricity connection."""
    fields: dict[str, object] = {
        "reference_number": reference,
        "service_code": "new-electricity-connection",
        "operation": "new_connection",
        "applicant": Applicant(
            member_id=MEMBER_ID,
            name="Sunita Devi",
            mobile_masked="******3210",
            district="bhopal",
            facts={"member.age": 42, "member.bpl": True},
        ),
        "idempotency_key": key,
        "form": {"load_kw": 2, "connection_type": "domestic", "three_phase": False},
        "documents": (DocumentRef(type="identity_proof", sha256=SHA, url="https://docs.seva.test/d/1"),),
        "callback_url": "https://seva.test/callbacks/departments/soap_energy",
    }
    fields.update(changes)
    return SubmissionRequest(**fields)  # type: ignore[arg-type]


def rest_config(url: str, **changes: object) -> AdapterConfig:
    """The configuration of a REST department at ``url``/rest, with timeouts no loaded machine reaches."""
    fields: dict[str, object] = {
        "code": "rest_transport",
        "kind": "rest",
        "endpoint": f"{url}/rest",
        "service": "IN/GOV/MP-TRANSPORT/licences",
        "timeouts": Timeouts(connect=10, read=10, write=10, pool=10),
    }
    fields.update(changes)
    return AdapterConfig(**fields)  # type: ignore[arg-type]


def soap_config(url: str, **changes: object) -> AdapterConfig:
    """The configuration of the SOAP energy department at ``url``/soap."""
    fields: dict[str, object] = {
        "code": "soap_energy",
        "kind": "soap",
        "endpoint": f"{url}/soap",
        "service": "IN/GOV/MP-ENERGY/connections",
        "xsd": "energy_connection.xsd",
        "timeouts": Timeouts(connect=10, read=10, write=10, pool=10),
    }
    fields.update(changes)
    return AdapterConfig(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def department_host() -> Iterator[DepartmentHost]:
    """One loopback server for the whole session, on which each test mounts its department."""
    host = DepartmentHost().start()
    yield host
    host.stop()


@pytest.fixture
def department(department_host: DepartmentHost) -> Iterator[Department]:
    """A department of this test's own: requests another test gave up on never reach it."""
    with department_host.mounted() as department:
        yield department


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA, a server certificate and a client certificate."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def mtls_host(pki: Pki) -> Iterator[DepartmentHost]:
    """A loopback server on HTTPS that requires a client certificate signed by the test CA."""
    host = DepartmentHost(
        ssl_certfile=str(pki.server_cert),
        ssl_keyfile=str(pki.server_key),
        ssl_ca_certs=str(pki.ca),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    ).start()
    yield host
    host.stop()


@pytest.fixture
def mtls_server(mtls_host: DepartmentHost) -> Iterator[Department]:
    """A department of this test's own behind mutual TLS."""
    with mtls_host.mounted() as department:
        yield department


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> str:
    """Each transport ``build_client`` can put under httpx's API."""
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    """A clock moved by hand."""
    return FakeClock()


def root() -> Path:
    return Path(__file__).resolve().parents[2]
