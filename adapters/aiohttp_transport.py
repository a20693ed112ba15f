"""httpx-aiohttp's transport with the egress check on every connection, imported only when chosen.

aiohttp resolves host names through its connector's resolver, and connects to the addresses the resolver
returns: ``EgressResolver`` asks the ``EgressPolicy``, which refuses a name resolving to an address it
does not allow. aiohttp does not resolve an address written in the URL (``http://10.0.0.5/``), so the
transport checks such a host itself before each request. The DNS cache is off so that every new
connection resolves, and is checked, again.
"""

from __future__ import annotations

import socket
import ssl

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from httpx_aiohttp import AiohttpTransport

from adapters.egress import EgressPolicy, address_literal

__all__ = ["EgressResolver", "GuardedAiohttpTransport"]

_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class EgressResolver(AbstractResolver):
    """Resolves through the egress policy: only the addresses it allows reach aiohttp."""

    def __init__(self, egress: EgressPolicy, adapter: str) -> None:
        self._egress = egress
        self._adapter = adapter

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = []
        for address in await self._egress.addresses(host, port, adapter=self._adapter):
            kind = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family in (socket.AF_UNSPEC, kind):
                found.append(
                    ResolveResult(
                        hostname=host, host=address, port=port, family=kind, proto=0, flags=_NUMERIC
                    )
                )
        return found

    async def close(self) -> None:
        return None


class GuardedAiohttpTransport(AiohttpTransport):
    def __init__(
        self, egress: EgressPolicy, adapter: str, *, verify: ssl.SSLContext | bool, limits: httpx.Limits
    ) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self._egress = egress
        self._adapter = adapter

    def get_client(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            resolver=EgressResolver(self._egress, self._adapter),
            use_dns_cache=False,
            ssl=self.ssl_context,
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry,
        )
        return aiohttp.ClientSession(connector=connector, trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if address_literal(host) is not None:  # aiohttp connects to a written address without resolving it
            await self._egress.addresses(host, request.url.port or 0, adapter=self._adapter)
        return await super().handle_async_request(request)
