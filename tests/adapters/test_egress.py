"""The egress allow-list: which addresses a department's endpoint may have, checked on every connection.

Real sockets to the loopback department; names are resolved by the system (``localhost``) or by a
mapping handed to the policy as its resolver, standing in for a DNS server the test controls.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from adapters.egress import EgressPolicy, address_kind
from adapters.errors import AdapterConfigError, DepartmentUnreachable, DestinationRefused
from adapters.http import build_client
from adapters.registry import default_registry
from tests.adapters.conftest import LOOPBACK, rest_config, submission
from tests.adapters.mounts import Department

REFUSED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "169.254.169.254": "cloud metadata",
    "169.254.1.1": "link-local",
    "fe80::1": "link-local",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "fd00:ec2::254": "cloud metadata",
    "168.63.129.16": "cloud metadata",
    "100.100.100.200": "cloud metadata",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",  # noqa: S104 - an address to refuse, not one to bind
    "::": "unspecified",
    "::ffff:127.0.0.1": "loopback",
    "64:ff9b::a00:1": "private",
    "2002:7f00:1::": "loopback",
    "100.64.0.1": "non-public",
}


class Mapping:
    """A resolver answering from a table the test changes, as a DNS server under an attacker's control."""

    def __init__(self, **names: list[str]) -> None:
        self.names = {name.replace("_", "."): addresses for name, addresses in names.items()}
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"no such name {host}")
        return self.names[host]


class TestAddresses:
    @pytest.mark.parametrize(("address", "kind"), REFUSED.items())
    def test_special_addresses_are_named(self, address: str, kind: str) -> None:
        assert address_kind(ipaddress.ip_address(address)) == kind

    @pytest.mark.parametrize("address", ["8.8.8.8", "203.0.114.7", "2001:4860:4860::8888"])
    def test_public_addresses_are_not_special(self, address: str) -> None:
        assert address_kind(ipaddress.ip_address(address)) is None

    @pytest.mark.parametrize("address", REFUSED)
    def test_special_addresses_are_refused_even_for_any_host_and_allowed_when_named(
        self, address: str
    ) -> None:
        """``*`` never reaches a special address; a network entry that holds it does."""
        ip = ipaddress.ip_address(address)
        assert EgressPolicy().refusal("dept.example", ip)
        assert EgressPolicy.parse("*").refusal("dept.example", ip)
        assert EgressPolicy.parse("dept.example").refusal("dept.example", ip)
        assert EgressPolicy.parse(f"{address}").refusal("dept.example", ip) is None

    def test_host_names_and_wildcards(self) -> None:
        policy = EgressPolicy.parse("transport.mp.gov.in, *.energy.mp.gov.in")
        public = ipaddress.ip_address("8.8.8.8")
        assert policy.refusal("transport.mp.gov.in", public) is None
        assert policy.refusal("TRANSPORT.mp.gov.in.", public) is None
        assert policy.refusal("billing.energy.mp.gov.in", public) is None
        assert policy.refusal("energy.mp.gov.in", public)  # the wildcard is for subdomains
        assert policy.refusal("evil-transport.mp.gov.in", public)
        assert policy.refusal("8.8.8.8", public)  # an address literal needs a network entry (or *)
        assert EgressPolicy.parse("*").refusal("8.8.8.8", public) is None

    def test_an_empty_policy_allows_nothing(self) -> None:
        assert not EgressPolicy()
        assert EgressPolicy().refusal("dept.example", ipaddress.ip_address("8.8.8.8"))

    @pytest.mark.parametrize("entry", ["0.0.0.0/0", "::/0", "not a host!", "http://dept.example", "*.*"])
    def test_bad_entries_are_refused_when_read(self, entry: str) -> None:
        with pytest.raises(ValueError, match=r"allow|network"):
            EgressPolicy.parse(entry)


class TestEndpoints:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9911/admin#",
            "http://127.0.0.1:9911/admin?x=1",
            "http://user:secret@127.0.0.1:9911/",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
        ],
    )
    async def test_urls_that_could_change_the_path_or_carry_secrets_are_refused(self, url: str) -> None:
        with pytest.raises(AdapterConfigError, match="endpoint"):
            await LOOPBACK.check_url(url, adapter="rest_transport")

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9911/rest",
            "http://[::1]:9911/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.8/",
            "http://192.168.0.1/",
            "http://[fc00::1]/",
            "http://localhost:9911/",
        ],
    )
    async def test_internal_endpoints_are_refused_without_an_allow_list(self, url: str) -> None:
        with pytest.raises(DestinationRefused):
            await EgressPolicy.parse("*").check_url(url, adapter="rest_transport")

    @pytest.mark.parametrize(
        ("url", "allow"),
        [
            ("http://127.0.0.1:9911/rest", "127.0.0.0/8"),
            ("http://[::1]:9911/", "::1"),
            ("http://169.254.169.254/", "169.254.169.254/32"),
            ("http://10.0.0.8/", "10.0.0.0/8"),
            ("http://192.168.0.1/", "192.168.0.0/16"),
            ("http://[fc00::1]/", "fc00::/7"),
            ("http://localhost:9911/", "127.0.0.1"),
        ],
    )
    async def test_internal_endpoints_are_accepted_when_allowed(self, url: str, allow: str) -> None:
        await EgressPolicy.parse(allow).check_url(url, adapter="rest_transport")

    async def test_a_name_that_does_not_resolve_is_unreachable_not_refused(self) -> None:
        policy = EgressPolicy.parse("*", resolve=Mapping())
        with pytest.raises(DepartmentUnreachable):
            await policy.check_url("https://nowhere.example/", adapter="rest_transport")


@pytest.fixture
def quiet(department: Department) -> Iterator[Department]:
    yield department
    assert department.app.in_flight == 0


class TestConnections:
    """The check runs where connections are made, on both transports, not only at registration."""

    async def test_a_name_resolving_to_loopback_is_refused_when_connecting(
        self, quiet: Department, transport: str
    ) -> None:
        """``localhost`` is an allowed host name, but it resolves to 127.0.0.1: nothing is sent."""
        config = rest_config(quiet.url.replace("127.0.0.1", "localhost"), transport=transport)
        async with build_client(config, egress=EgressPolicy.parse("localhost")) as client:
            adapter = default_registry().create(config, client=client)
            with pytest.raises(DestinationRefused, match="loopback"):
                await adapter.submit(submission())
            with pytest.raises(DestinationRefused):
                await client.get(f"{quiet.url}/rest/health")
        assert list(quiet.app.requests) == []

    async def test_a_name_that_moves_to_a_refused_address_is_refused_on_its_next_connection(
        self, quiet: Department, transport: str
    ) -> None:
        """DNS rebinding: the name first resolves to the allowed department, then to the metadata service;
        the next connection is refused before it is made, through the same client."""
        dns = Mapping(transport_mp_test=["10.9.9.9", "127.0.0.1"])  # the refused address is skipped
        policy = EgressPolicy.parse("127.0.0.1 transport.mp.test", resolve=dns)
        config = rest_config(quiet.url.replace("127.0.0.1", "transport.mp.test"), transport=transport)
        await policy.check_url(config.endpoint or "", adapter=config.code)
        async with build_client(config, egress=policy) as client:
            adapter = default_registry().create(config, client=client)
            quiet.app.fail(1, status=200, body=b'{"status":"ok"}', headers={"connection": "close"})
            await adapter.health()
            assert [r.headers["host"] for r in quiet.app.requests] == [f"transport.mp.test:{quiet.port}"]
            dns.names["transport.mp.test"] = ["169.254.169.254"]
            with pytest.raises(DestinationRefused, match="metadata"):
                await adapter.health()
        assert len(quiet.app.requests) == 1
        assert dns.asked.count("transport.mp.test") >= 3  # registration, then each connection

    async def test_an_allowed_loopback_department_is_reached(self, quiet: Department, transport: str) -> None:
        config = rest_config(quiet.url, transport=transport)
        async with build_client(config, egress=LOOPBACK) as client:
            adapter = default_registry().create(config, client=client)
            assert (await adapter.submit(submission())).department_reference
        async with build_client(config, egress=EgressPolicy()) as client:
            adapter = default_registry().create(config, client=client)
            with pytest.raises(DestinationRefused):
                await adapter.submit(submission())
        assert len(quiet.app.requests) == 1
