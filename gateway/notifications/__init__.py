"""Text messages to citizens: the notifier port, its database (outbox) and SMS implementations, and the
demo inbox. Every capability that tells a citizen something sends through ``Notifications.notifier``."""

from gateway.notifications.errors import NotificationFailed
from gateway.notifications.notifier import Notifier, NotifierDeps, NotifierKinds, TextMessage
from gateway.notifications.service import Notifications
from gateway.notifications.whatsapp import WhatsAppNotifier, whatsapp_client

__all__ = [
    "NotificationFailed",
    "Notifications",
    "Notifier",
    "NotifierDeps",
    "NotifierKinds",
    "TextMessage",
    "WhatsAppNotifier",
    "whatsapp_client",
]
