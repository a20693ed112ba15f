"""Which adapter delivers for an adapter code: the one a department registered, else the catalogue's.

A registered ``department_endpoints`` row wins. Without one, a catalogue adapter of kind ``local`` is the
in-process demo department; a ``rest`` or ``soap`` adapter with no registered endpoint cannot be called
yet, which is ``Retryable`` (the application waits, it is not failed). Registered rows are re-read every
``refresh_seconds``; an adapter whose row changed is rebuilt and the old one's client closed. Every
client connects only where the operator's ``EgressPolicy`` allows, checked again on each connection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import AdapterConfig, AdapterRegistry, DepartmentAdapter, EgressPolicy, Retryable, build_client
from adapters.local import demo_config
from catalogue import Catalogue
from family_registry.reads import Reads
from gateway.endpoints import registered_endpoints

__all__ = ["AdapterResolver", "NoEndpoint"]

log = logging.getLogger("seva.delivery")


class NoEndpoint(Retryable):
    """The adapter needs an endpoint that no department has registered yet."""


class _Built:
    __slots__ = ("adapter", "client", "version")

    def __init__(self, version: int, adapter: DepartmentAdapter, client: httpx.AsyncClient | None) -> None:
        self.version = version
        self.adapter = adapter
        self.client = client


class AdapterResolver:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: Callable[[], Catalogue],
        registry: AdapterRegistry,
        *,
        egress: EgressPolicy,
        refresh_seconds: float = 2.0,
        local_options: dict[str, object] | None = None,
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.registry = registry
        self.egress = egress
        self.refresh_seconds = refresh_seconds
        self.local_options = local_options or {}
        self._reads = Reads(engine)
        self._registered: dict[str, tuple[int, str]] = {}
        self._read_at = float("-inf")
        self._built: dict[str, _Built] = {}
        self._decoded: dict[str, tuple[int, AdapterConfig]] = {}
        self._local: tuple[Catalogue | None, dict[str, AdapterConfig]] = (None, {})

    async def _refresh(self) -> None:
        if time.monotonic() - self._read_at < self.refresh_seconds:
            return
        self._registered = await registered_endpoints(self._reads)
        self._read_at = time.monotonic()

    async def configs(self) -> dict[str, AdapterConfig]:
        """The configuration each adapter is (or would be) built from: registered ones over the catalogue's
        local ones. The worker sizes each department's lane and lease from it before claiming work."""
        await self._refresh()
        catalogue = self.catalogue()
        if self._local[0] is not catalogue:
            local = {
                code: demo_config(code, **self.local_options)
                for code, declared in catalogue.adapters.items()
                if declared.kind == "local"
            }
            self._local = (catalogue, local)
        configs = dict(self._local[1])
        for code, (version, text) in self._registered.items():
            decoded = self._decoded.get(code)
            if decoded is None or decoded[0] != version:
                try:
                    decoded = (version, msgspec.json.decode(text, type=AdapterConfig))
                except msgspec.DecodeError:
                    continue  # ``get`` reports it when the adapter is used
                self._decoded[code] = decoded
            configs[code] = decoded[1]
        return configs

    def forget(self) -> None:
        """Read the registered endpoints again at the next call (after a registration in this process)."""
        self._read_at = float("-inf")

    async def get(self, code: str) -> DepartmentAdapter:
        await self._refresh()
        registered = self._registered.get(code)
        version = registered[0] if registered else 0
        built = self._built.get(code)
        if built is not None and built.version == version:
            return built.adapter
        if registered:
            config = msgspec.json.decode(registered[1], type=AdapterConfig)
        else:
            declared = self.catalogue().adapters.get(code)
            if declared is None or declared.kind != "local":
                raise NoEndpoint(
                    "no endpoint is registered for this adapter yet; the department must register one",
                    adapter=code,
                )
            config = demo_config(code, **self.local_options)
        client = build_client(config, egress=self.egress) if config.kind != "local" else None
        adapter = self.registry.create(config, client=client)
        if built is not None:
            await self._close(built)
        self._built[code] = _Built(version, adapter, client)
        log.info("adapter %s ready (%s, version %d)", code, config.kind, version)
        return adapter

    @staticmethod
    async def _close(built: _Built) -> None:
        await built.adapter.aclose()
        if built.client is not None:
            await built.client.aclose()

    async def aclose(self) -> None:
        for built in self._built.values():
            await self._close(built)
        self._built.clear()
