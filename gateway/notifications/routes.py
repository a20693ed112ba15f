"""``/api/v1/demo/inbox`` and ``/demo/inbox``: the text messages seva sent, in demo mode only."""

from __future__ import annotations

import html
from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.notifications.policy import POLICY
from gateway.notifications.service import Notifications
from gateway.platform.problems import NotFound
from schemas.identity_api import DemoMessage

__all__ = ["demo_inbox_json", "demo_inbox_page"]

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


@get(
    "/demo/inbox",
    tags=["demo"],
    summary="The demo inbox as a page (demo mode only)",
    media_type="text/html",
    include_in_schema=False,
    **POLICY.route("demo_inbox", NotFound),
)
async def demo_inbox_page(notifications: NamedDependency[Notifications], mobile: Mobile = None) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(m.at)}</td><td>{html.escape(m.to)}</td><td>{html.escape(m.purpose)}</td>"
        f"<td>{html.escape(m.text or '')}</td></tr>"
        for m in await notifications.demo_inbox(mobile)
    )
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>seva demo inbox</title>"
        "<h1>Demo inbox / डेमो इनबॉक्स</h1><p>Text messages seva would have sent. Demo mode only.</p>"
        "<table><thead><tr><th>sent</th><th>to</th><th>purpose</th><th>text</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></html>"
    )
