"""Which factory builds an adapter of each kind: an explicit registry, filled by calls, never by imports.

``default_registry()`` knows ``local``, ``rest`` and ``soap``; a deployment may ``register`` its own kind.
``create(config, client=...)`` builds an adapter, handing it the shared ``httpx.AsyncClient`` (or one
built with ``build_client(config)``); the adapter never owns it, so whoever built the client closes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import msgspec

from adapters.base import DepartmentAdapter
from adapters.config import AdapterConfig, BearerToken, Secret, SecretResolver, env_secret
from adapters.errors import AdapterConfigError, UnknownAdapterKind
from adapters.exchange import DEFAULT_CLIENT
from adapters.local import OFFICES, Clock, LocalAdapter, LocalDepartment, LocalOptions
from adapters.rest import RestAdapter
from adapters.soap import SoapAdapter

__all__ = [
    "AdapterConfig",
    "AdapterContext",
    "AdapterFactory",
    "AdapterRegistry",
    "UnknownAdapterKind",
    "default_registry",
    "local_factory",
    "rest_factory",
    "soap_factory",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """What a factory may hand the adapter it builds, besides its configuration."""

    client: httpx.AsyncClient | None
    secrets: SecretResolver
    client_id: str
    clock: Clock

    def require_client(self, config: AdapterConfig) -> httpx.AsyncClient:
        if self.client is None:
            raise AdapterConfigError(
                f"adapter {config.code!r} of kind {config.kind!r} needs an httpx.AsyncClient: "
                "pass client=build_client(config)"
            )
        return self.client

    def token(self, config: AdapterConfig) -> Secret | None:
        return self.secrets(config.auth.token_ref) if isinstance(config.auth, BearerToken) else None


AdapterFactory = Callable[[AdapterConfig, AdapterContext], DepartmentAdapter]
"""Builds one adapter; raises ``AdapterConfigError`` when the configuration does not fit the kind."""


def rest_factory(config: AdapterConfig, context: AdapterContext) -> DepartmentAdapter:
    return RestAdapter(
        config, context.require_client(config), token=context.token(config), client_id=context.client_id
    )


def soap_factory(config: AdapterConfig, context: AdapterContext) -> DepartmentAdapter:
    return SoapAdapter(
        config, context.require_client(config), token=context.token(config), client_id=context.client_id
    )


def local_factory(config: AdapterConfig, context: AdapterContext) -> DepartmentAdapter:
    try:
        options = msgspec.convert(config.options, LocalOptions)
    except msgspec.ValidationError as exc:
        raise AdapterConfigError(f"adapter {config.code!r}: bad local options: {exc}") from exc
    department = LocalDepartment(
        OFFICES[options.office](),
        review_after=options.review_after,
        decide_after=options.decide_after,
        clock=context.clock,
    )
    return LocalAdapter(config.code, department, service=config.service, client_id=context.client_id)


class AdapterRegistry:
    """Factories by kind. ``secrets`` resolves token references; ``client_id`` is our ``X-Road-Client``."""

    def __init__(
        self,
        *,
        secrets: SecretResolver = env_secret,
        client_id: str = DEFAULT_CLIENT,
        clock: Clock = time.time,
    ) -> None:
        self._factories: dict[str, AdapterFactory] = {}
        self._secrets = secrets
        self._client_id = client_id
        self._clock = clock

    def register(self, kind: str, factory: AdapterFactory, *, replace: bool = False) -> None:
        """Register ``factory`` for ``kind``; registering a kind twice is an error unless ``replace``."""
        if kind in self._factories and not replace:
            raise AdapterConfigError(f"adapter kind {kind!r} is already registered")
        self._factories[kind] = factory

    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._factories))

    def create(self, config: AdapterConfig, *, client: httpx.AsyncClient | None = None) -> DepartmentAdapter:
        """Build the adapter ``config`` describes; ``UnknownAdapterKind`` if no factory has its kind."""
        factory = self._factories.get(config.kind)
        if factory is None:
            raise UnknownAdapterKind(config.kind, self.kinds())
        context = AdapterContext(client, self._secrets, self._client_id, self._clock)
        adapter = factory(config, context)
        # The endpoint and kind only: a token never reaches a log line.
        log.debug("adapter %s (%s) built for %s", config.code, config.kind, config.endpoint or "in-process")
        return adapter


def default_registry(
    *, secrets: SecretResolver = env_secret, client_id: str = DEFAULT_CLIENT, clock: Clock = time.time
) -> AdapterRegistry:
    """A registry that knows the kinds seva ships: ``local``, ``rest`` and ``soap``."""
    registry = AdapterRegistry(secrets=secrets, client_id=client_id, clock=clock)
    registry.register("local", local_factory)
    registry.register("rest", rest_factory)
    registry.register("soap", soap_factory)
    return registry
