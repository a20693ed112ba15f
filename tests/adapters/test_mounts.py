"""Each test's department is its own: a request given up on in one test never reaches the next one's."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.config import Timeouts
from adapters.errors import DepartmentTimeout
from adapters.http import build_client
from adapters.registry import default_registry
from tests.adapters.conftest import LOOPBACK, rest_config, submission
from tests.adapters.mounts import DepartmentHost


async def test_a_request_given_up_on_is_answered_by_its_own_department_only(
    department_host: DepartmentHost,
) -> None:
    """A submission that timed out while the first test's department held it is filed there when the
    department lets it go, while the second test's department is mounted, which sees nothing of it."""
    with department_host.mounted() as first:
        first.app.hold()  # until the second department is there: the timeout fires whatever the load
        config = rest_config(first.url, timeouts=Timeouts(connect=10, read=0.2, write=10, pool=10))
        async with build_client(config, egress=LOOPBACK) as client:
            with pytest.raises(DepartmentTimeout):
                await default_registry().create(config, client=client).submit(submission())
        with department_host.mounted() as second:
            assert first.app.in_flight == 1  # the department still holds the request given up on
            first.app.release()
            deadline = time.monotonic() + 60  # only a test already failing waits this long
            while first.app.in_flight or not first.app.department.received:
                assert time.monotonic() < deadline, "the first department never answered"
                await asyncio.sleep(0.01)
            assert [r.path for r in first.app.requests] == ["/rest/applications"]
            assert len(first.app.department.received) == 1
            assert list(second.app.requests) == [] and list(second.app.department.received) == []
            assert second.app.in_flight == 0
