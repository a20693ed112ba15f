"""Dependencies resolved in turn, not in a task group.

Litestar resolves the dependencies of one level together in an anyio task group, even when every one
of them is a plain function: a task group, a task and a cancel scope per dependency, for values that are
ready at once. seva's dependencies are all of that kind (services built at start-up, the caller read
from the request's state), so a handler taking two of them paid about an eighth of a registry read's CPU
for nothing (bench/http_load.py). Batches holding only synchronous dependencies are split into batches
of one, which Litestar resolves by a plain call; a batch with any asynchronous dependency keeps its
concurrency.
"""

from __future__ import annotations

from typing import Any

from litestar._kwargs import kwargs_model

__all__ = ["resolve_plain_dependencies_in_turn"]

_batches = kwargs_model.create_dependency_batches


def _in_turn(expected: set[Any]) -> list[set[Any]]:
    batches: list[set[Any]] = []
    for batch in _batches(expected):
        if all(dependency.provide.has_sync_callable for dependency in batch):
            batches.extend({dependency} for dependency in batch)
        else:
            batches.append(batch)
    return batches


def resolve_plain_dependencies_in_turn() -> None:
    """Applies to every application built afterwards in this process (idempotent)."""
    kwargs_model.create_dependency_batches = _in_turn  # type: ignore[assignment]
