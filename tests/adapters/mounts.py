"""One loopback server on which every test mounts a department of its own.

A test that gives up on a slow request leaves it running in the department it sent it to. With one
department shared by every test, that request was answered later by the next test's department: filed
there, counted in its requests and in flight, given the answer the next test had scripted. Here each test
mounts a fresh ``DepartmentApp`` under a path of its own (``/t17``), so whatever arrives late reaches only
the department of the test that sent it, and a prefix no longer mounted is answered 404.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.adapters.departments import DepartmentApp, Receive, Scope, Send, ServerThread

__all__ = ["Department", "DepartmentHost"]


@dataclass(frozen=True)
class Department:
    """One test's department: the app (to script, reset and inspect) and the address it is served at."""

    app: DepartmentApp
    url: str

    @property
    def port(self) -> int:
        """The port of the loopback server the department is mounted on."""
        port = httpx.URL(self.url).port
        assert port is not None
        return port


class _Mounts:
    """Passes ``/<prefix>/rest/...`` to the app mounted at ``/<prefix>``, as ``/rest/...``."""

    def __init__(self) -> None:
        self.apps: dict[str, DepartmentApp] = {}
        self._numbers = itertools.count(1)

    def mount(self, app: DepartmentApp) -> str:
        prefix = f"/t{next(self._numbers)}"
        self.apps[prefix] = app
        return prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        prefix, slash, rest = scope["path"].partition("/")[2].partition("/")
        app = self.apps.get(f"/{prefix}")
        if app is None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b"no department is mounted here"})
            return
        path = slash + rest or "/"
        await app({**scope, "path": path, "raw_path": path.encode()}, receive, send)


class DepartmentHost:
    """uvicorn on loopback (``ssl`` as for ``ServerThread``) serving the departments tests mount."""

    def __init__(self, **ssl: Any) -> None:
        self._mounts = _Mounts()
        self.server = ServerThread(self._mounts, **ssl)  # type: ignore[arg-type]  # any ASGI app will do

    def start(self) -> DepartmentHost:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @contextlib.contextmanager
    def mounted(self, app: DepartmentApp | None = None) -> Iterator[Department]:
        """A department of its own (a fresh ``DepartmentApp`` unless given) for the block."""
        app = app or DepartmentApp()
        prefix = self._mounts.mount(app)
        try:
            yield Department(app, f"{self.server.url}{prefix}")
        finally:
            del self._mounts.apps[prefix]
            app.release()  # nothing the test held waits past it
