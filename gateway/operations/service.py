"""What the operations endpoints answer: readiness checks, and the metrics of this process.

``/ready`` checks, each bounded in time: the database answers ``SELECT 1``; its schema is at the heads of
this code's migrations (a process started before a newer one migrated, or against a database nobody
migrated, is not ready); a catalogue is loaded. A load balancer sends traffic only to a ready process;
``/health`` says only that the process is alive.

``/metrics`` is for the operators' monitoring, which scrapes it from the operations networks
(``SEVA_OPERATIONS_NETWORKS``, by default this machine only); the address is the client's after trusted
proxies (``SEVA_TRUSTED_PROXIES``), and a request forwarded by a proxy that is not trusted is refused
whatever its direct address, so a reverse proxy on the same machine does not open it to everyone.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import current_heads, expected_heads
from gateway.operations.errors import MetricsRefused, NotReady
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.forwarded import ProxyTrust, parse_networks
from gateway.platform.metrics import Metrics
from schemas.operations_api import Readiness

__all__ = ["Operations"]

_CHECK_SECONDS = 2.0


class Operations:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: CatalogueHolder,
        metrics: Metrics,
        *,
        proxies: ProxyTrust,
        operations_networks: str,
        heads: Callable[[], set[str]] = expected_heads,
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.metrics = metrics
        self.proxies = proxies
        self.networks = ProxyTrust(parse_networks(operations_networks))
        self._heads = heads
        self._expected: set[str] | None = None

    async def _check(self, work: Awaitable[str]) -> str:
        try:
            return await asyncio.wait_for(work, _CHECK_SECONDS)
        except TimeoutError:
            return f"no answer within {_CHECK_SECONDS:g} s"
        except Exception as exc:  # the reason goes to the operator; it names no personal data
            return f"{type(exc).__name__}: {str(exc)[:200]}"

    async def _database(self) -> str:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "ok"

    async def _migrations(self) -> str:
        if self._expected is None:
            self._expected = self._heads()
        found = await current_heads(self.engine)
        if found == self._expected:
            return "ok"
        return f"at {sorted(found) or 'nothing'}, expected {sorted(self._expected)}"

    async def _catalogue(self) -> str:
        return "ok" if self.catalogue.current.services else "no services loaded"

    async def ready(self) -> Readiness:
        """``Readiness`` when every check passes; ``NotReady`` naming the ones that failed."""
        database = await self._check(self._database())
        migrations = await self._check(self._migrations()) if database == "ok" else "database unreachable"
        catalogue = await self._check(self._catalogue())
        checks = {"database": database, "migrations": migrations, "catalogue": catalogue}
        failed = {name: why for name, why in checks.items() if why != "ok"}
        if failed:
            raise NotReady(failed)
        return Readiness(status="ready", **checks)

    def may_read_metrics(self, peer: str, client: str, forwarded: bool) -> bool:
        """Whether ``client`` (after trusted proxies) is in the operations networks, and no untrusted proxy
        stands between it and seva."""
        if forwarded and not self.proxies.trusts(peer):
            return False
        try:
            ipaddress.ip_address(client)
        except ValueError:
            return False
        return self.networks.trusts(client)

    async def metrics_text(self, peer: str, client: str, forwarded: bool) -> bytes:
        if not self.may_read_metrics(peer, client, forwarded):
            raise MetricsRefused()
        return await self.metrics.export()
