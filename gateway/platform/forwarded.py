"""Who is really calling: the client's address and scheme, taken from forwarded headers only when the
direct peer is a proxy the operator trusts (``SEVA_TRUSTED_PROXIES``).

uvicorn's own proxy handling is switched off (``seva serve`` passes ``proxy_headers=False``): it trusts
127.0.0.1 by default, so anything on the same host that passes a client's ``X-Forwarded-For`` through
unchanged would let that client choose the address its rate limits and audit entries are kept under.
Here, with no trusted proxy (the default), the address is the peer's, whatever the headers say. With
one, ``X-Forwarded-For`` is read from the right, skipping trusted proxies, and the first address not
trusted is the client: what a client wrote at the left end of the header itself is never believed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from litestar.types import Scope

__all__ = ["STATE_KEY", "ProxyTrust", "parse_networks"]

STATE_KEY = "proxy_trust"  # where the application's state holds its ``ProxyTrust``

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_STATE_KEY = "client_address"


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.5, 192.168.0.0/16, ::1"`` as networks; ``ValueError`` naming an entry that is none."""
    networks: list[Network] = []
    for entry in (part.strip() for part in text.replace(";", ",").split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (such as 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:  # 203.0.113.7:5000
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # ::ffff:10.0.0.5 is 10.0.0.5
    return found


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", ()) if key.lower() == name]
    return ",".join(values)


@dataclass(frozen=True, slots=True)
class ProxyTrust:
    """The proxies whose forwarded headers are believed."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> ProxyTrust:
        return cls(parse_networks(text))

    def trusts(self, address: str | ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        found = _address(address) if isinstance(address, str) else address
        return found is not None and any(found in network for network in self.networks)

    @staticmethod
    def peer(scope: Scope) -> str:
        client: Any = scope.get("client")
        return str(client[0]) if client else "unknown"

    def client(self, scope: Scope) -> str:
        """The client's address: the peer's, unless the peer is trusted and forwarded one (kept in the
        request's state, so it is worked out once)."""
        state = scope.setdefault("state", {})
        if _STATE_KEY not in state:
            state[_STATE_KEY] = self._client(scope)
        return str(state[_STATE_KEY])

    def _client(self, scope: Scope) -> str:
        peer = self.peer(scope)
        if not self.networks or not self.trusts(peer):
            return peer
        hops = [hop for hop in _header(scope, b"x-forwarded-for").split(",") if hop.strip()]
        found = peer
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # garbage in the chain: believe nothing left of it
            found = str(address)
            if not self.trusts(address):
                break
        return found

    def scheme(self, scope: Scope) -> str:
        """``https`` or ``http``: the connection's, or what a trusted proxy says it received."""
        own = str(scope.get("scheme", "http"))
        if self.networks and self.trusts(self.peer(scope)):
            said = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
            if said in ("http", "https"):
                return said
        return own
