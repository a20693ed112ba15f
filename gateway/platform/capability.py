"""``Capability``: what one folder of the gateway adds to the application, as one object.

Each capability folder has a ``capability.py`` whose builder takes the ``Platform`` (and the public
services of the capabilities it needs) and returns its services together with one ``Capability``;
``gateway.app.create_app`` composes them, and the CLI and the tests call the same builders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from gateway.platform.policy import Policy
from gateway.platform.problems import ErrorMapper, SevaError

__all__ = ["Capability", "Lifespan", "provide"]

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def provide(value: object) -> Provide:
    """A dependency that is always ``value`` (a service built once per application)."""
    return Provide(lambda: value, use_cache=True, sync_to_thread=False)


@dataclass(slots=True)
class Capability:
    """Routes, dependencies, errors, error mappers, lifespans and policy of one capability.

    ``errors``: every ``SevaError`` it raises, so the composed application knows every code it can send;
    ``mappers``: how errors of packages that know nothing of HTTP (``catalogue``, ``family_registry``,
    ``adapters``) become ``SevaError``s; ``lifespans``: background work that runs while the server runs.
    """

    name: str
    route_handlers: Sequence[ControllerRouterHandler] = ()
    dependencies: dict[str, Provide] = field(default_factory=dict)
    errors: Sequence[type[SevaError]] = ()
    mappers: dict[type[Exception], ErrorMapper] = field(default_factory=dict)
    lifespans: Sequence[Lifespan] = ()
    policy: Policy | None = None
    state: dict[str, Any] = field(default_factory=dict)
