"""Plain dependencies are resolved by a plain call in the request's own task (no task group per request);
dependencies that await keep being resolved together."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.testing import TestClient

from gateway.platform.dependencies import resolve_plain_dependencies_in_turn


def _task() -> int:
    return id(asyncio.current_task())


def _app() -> Litestar:
    resolve_plain_dependencies_in_turn()
    running = {"now": 0, "most": 0}

    async def slow(name: str) -> int:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0)  # lets the other dependency of the batch start, if they run together
        running["now"] -= 1
        return _task()

    async def first() -> int:
        return await slow("first")

    async def second() -> int:
        return await slow("second")

    @get("/plain", sync_to_thread=False)
    def plain(one: NamedDependency[int], two: NamedDependency[int]) -> dict[str, Any]:
        return {"one": one, "two": two}

    @get("/plain-async")
    async def plain_async(one: NamedDependency[int], two: NamedDependency[int]) -> dict[str, Any]:
        return {"one": one, "two": two, "handler": _task()}

    @get("/awaiting")
    async def awaiting(first: NamedDependency[int], second: NamedDependency[int]) -> dict[str, Any]:
        return {"first": first, "second": second, "handler": _task(), "together": running["most"]}

    return Litestar(
        [plain, plain_async, awaiting],
        dependencies={
            "one": Provide(lambda: _task(), sync_to_thread=False),
            "two": Provide(lambda: _task(), sync_to_thread=False),
            "first": Provide(first),
            "second": Provide(second),
        },
    )


def test_plain_dependencies_run_in_the_handlers_task() -> None:
    with TestClient(_app()) as client:
        body = client.get("/plain-async").json()
        assert body["one"] == body["two"] == body["handler"]
        assert client.get("/plain").status_code == 200


def test_awaiting_dependencies_are_still_resolved_together() -> None:
    with TestClient(_app()) as client:
        body = client.get("/awaiting").json()
        assert body["first"] != body["handler"] and body["second"] != body["handler"]
        assert body["together"] == 2
