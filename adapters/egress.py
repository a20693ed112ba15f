"""Which addresses the gateway may call: the operator's egress allow-list, checked at every connection.

A department registers its own endpoint, so the endpoint is untrusted input: without a check, a
department could point the gateway at ``http://127.0.0.1:9911/admin`` or the cloud metadata service and
read the answers back. ``EgressPolicy`` holds what the operator allows (``SEVA_EGRESS_ALLOW``):

- **networks** (``10.20.0.0/16``, ``203.0.113.7``): every address inside them may be called, special or not;
- **host names** (``transport.mp.gov.in``, ``*.mp.gov.in`` for its subdomains, ``*`` for any host): may
  be called, but only at public addresses.

Loopback, link-local, private, shared, multicast, unspecified, reserved and cloud metadata addresses are
refused unless a network entry names them. An empty policy allows nothing.

The check is on addresses, not names: ``addresses`` resolves the host and keeps only the addresses the
policy permits, and the HTTP transports (``adapters.http``) connect only to those, on every new
connection. A name that resolved to a public address at registration and to 127.0.0.1 later is refused
then. ``resolve`` is the one place names become addresses (the system resolver by default; a test may
give a mapping).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpx

from adapters.errors import AdapterConfigError, DepartmentUnreachable, DestinationRefused

__all__ = ["EgressPolicy", "Resolve", "address_kind", "address_literal", "system_resolve"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolve = Callable[[str, int], Awaitable[list[str]]]
"""Resolves a host name and port to the addresses to connect to."""

# Public addresses that answer as a cloud's instance metadata or host service; the link-local and
# private ones (169.254.169.254, fd00:ec2::254) are refused as such anyway.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST = re.compile(r"^(\*|(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$")
_EVERYTHING = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def address_kind(address: IPAddress) -> str | None:
    """Why an address is special (``loopback``, ``private``...), or None for a public address."""
    address = _embedded(address)
    if address in METADATA:
        return "cloud metadata"
    for kind, special in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if special:
            return kind
    return None if address.is_global else "non-public"


async def system_resolve(host: str, port: int) -> list[str]:
    """The system resolver (``getaddrinfo``, off the event loop), every address once, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_literal(host: str) -> IPAddress | None:
    """The address, if ``host`` is written as one (``10.0.0.5``, ``[::1]``), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    """Networks and host names the gateway may call; everything else is refused."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: tuple[str, ...] = ()
    resolve: Resolve = field(default=system_resolve, compare=False)

    @classmethod
    def parse(cls, text: str | Iterable[str], *, resolve: Resolve | None = None) -> EgressPolicy:
        """A policy from entries separated by commas or spaces; ``ValueError`` names a bad entry."""
        entries = text.replace(",", " ").split() if isinstance(text, str) else list(text)
        networks: list[IPNetwork] = []
        hosts: list[str] = []
        for entry in entries:
            try:
                network = ipaddress.ip_network(entry.strip("[]"), strict=False)
            except ValueError:
                host = entry.lower().rstrip(".")
                if not _HOST.match(host):
                    raise ValueError(f"{entry!r} is neither a network (10.0.0.0/8) nor a host name") from None
                hosts.append(host)
                continue
            if network in _EVERYTHING:
                raise ValueError(
                    f"{entry!r} would allow loopback and the metadata service; use '*' for any public host"
                )
            networks.append(network)
        return cls(tuple(networks), tuple(hosts), resolve or system_resolve)

    def __bool__(self) -> bool:
        return bool(self.networks or self.hosts)

    def describe(self) -> str:
        return ", ".join([*map(str, self.networks), *self.hosts]) or "nothing"

    def _host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        for allowed in self.hosts:
            if allowed == "*" or allowed == host:
                return True
            if allowed.startswith("*.") and host.endswith(allowed[1:]):
                return True
        return False

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """Why ``address`` (reached for ``host``) may not be called, or None if it may."""
        if any(address in network for network in self.networks if network.version == address.version):
            return None
        kind = address_kind(address)
        if kind is not None:
            return f"{address} is a {kind} address, which the egress allow-list does not name"
        if address_literal(host) is not None:
            if "*" in self.hosts:
                return None
            return f"{address} is in no network of the egress allow-list"
        if self._host_allowed(host):
            return None
        return f"host {host!r} is not in the egress allow-list"

    async def addresses(self, host: str, port: int, *, adapter: str) -> list[str]:
        """The addresses of ``host`` that may be called, in the resolver's order.

        ``DestinationRefused`` when none may; ``DepartmentUnreachable`` when the name does not resolve.
        """
        literal = address_literal(host)
        if literal is not None:
            found = [str(literal)]
        else:
            try:
                found = await self.resolve(host, port)
            except OSError as exc:
                raise DepartmentUnreachable(f"cannot resolve {host!r}: {exc}", adapter=adapter) from exc
        allowed: list[str] = []
        refusals: list[str] = []
        for text in found:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            reason = self.refusal(host, address)
            if reason is None:
                allowed.append(text)
            else:
                refusals.append(reason)
        if not allowed:
            raise DestinationRefused(
                refusals[0] if refusals else f"{host!r} resolves to no address", adapter=adapter
            )
        return allowed

    async def check_url(self, url: str, *, adapter: str) -> None:
        """An endpoint the gateway may call: http(s), no user, query or fragment, an allowed address.

        ``AdapterConfigError`` for a URL of the wrong shape (a fragment would cut off the paths the
        adapters add); ``DestinationRefused`` for an address the policy does not allow.
        """
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise AdapterConfigError(f"adapter {adapter!r}: the endpoint is not a URL: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise AdapterConfigError(f"adapter {adapter!r}: the endpoint must be an http:// or https:// URL")
        if parsed.userinfo or parsed.query or parsed.fragment or "#" in url or "?" in url:
            raise AdapterConfigError(
                f"adapter {adapter!r}: the endpoint may not hold a user name, a query or a fragment"
            )
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        await self.addresses(parsed.host, port, adapter=adapter)
