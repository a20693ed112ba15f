"""The web pages in process, on a demo-mode application over a registry of two households."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import InProcessServer
from tests.web.support import seed_households


@pytest.fixture
def web(app_factory: Callable[..., InProcessServer]) -> InProcessServer:
    return app_factory({"SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0", "SEVA_CATALOGUE_WATCH_SECONDS": "0"})


@pytest.fixture
def browser_client(web: InProcessServer) -> Iterator[httpx.Client]:
    """A client that asks for pages as a browser does, over a seeded registry."""
    with web.client() as client:
        client.headers["accept"] = "text/html"
        seed_households(web.app.state.settings.database_url)
        yield client
