"""The notifications capability: the notifier every capability sends text messages with, and the
demo inbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from gateway.notifications.errors import NotificationFailed
from gateway.notifications.notifier import NotifierDeps, NotifierKinds
from gateway.notifications.policy import POLICY
from gateway.notifications.routes import demo_inbox_json
from gateway.notifications.service import Notifications
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["NotificationsBuilt", "build_notifications"]

log = logging.getLogger("seva.notifier")


@dataclass(slots=True)
class NotificationsBuilt:
    notifications: Notifications
    capability: Capability


def build_notifications(platform: Platform, kinds: NotifierKinds) -> NotificationsBuilt:
    settings = platform.settings
    # The provider's client; made here so that it is closed with everything else.
    http = httpx.AsyncClient(timeout=settings.sms_timeout_seconds)
    notifier = kinds.build(
        settings.notifier, NotifierDeps(settings, platform.engine, platform.secret, http, platform.clock)
    )
    if settings.notifier == "database" and not settings.demo:
        log.warning(
            "sign-in codes go to the outbox table only (SEVA_NOTIFIER=database outside demo mode): "
            "no citizen will receive one; set SEVA_NOTIFIER=sms and SEVA_SMS_URL"
        )
    notifications = Notifications(
        notifier, platform.engine, platform.secret, platform.clock, http, demo=settings.demo
    )
    capability = Capability(
        "notifications",
        route_handlers=[demo_inbox_json],
        dependencies={"notifications": provide(notifications)},
        errors=[NotificationFailed],
        lifespans=[notifications.running],
        policy=POLICY,
    )
    return NotificationsBuilt(notifications, capability)
