"""``/api/v1/demo/inbox``: the text messages seva sent, in demo mode only (the page at ``/demo/inbox`` is
the web capability's)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.notifications.policy import POLICY
from gateway.notifications.service import Notifications
from gateway.platform.problems import NotFound
from schemas.identity_api import DemoMessage

__all__ = ["demo_inbox_json"]

Mobile = Annotated[
    str | None, Parameter(pattern=r"^[6-9][0-9]{9}$", description="only messages to this number")
]


@get(
    "/api/v1/demo/inbox",
    tags=["demo"],
    summary="Messages the demo sent (demo mode only)",
    **POLICY.route("demo_inbox", NotFound),
)
async def demo_inbox_json(
    notifications: NamedDependency[Notifications], mobile: Mobile = None
) -> list[DemoMessage]:
    return await notifications.demo_inbox(mobile)
