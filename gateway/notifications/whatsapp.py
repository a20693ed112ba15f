"""A WhatsApp provider over HTTP, as a second notifier: the message is posted as JSON in the shape of
WhatsApp's Cloud API (``messaging_product``, ``to``, ``type: text``) with a bearer token.

Its client connects only where the operator's egress allow-list lets it (``SEVA_EGRESS_ALLOW``, checked on
every connection, as a department's is); a refused address, a provider that is down or one that answers
with an error all raise ``NotificationFailed``, so the outbox keeps the message for the next try.
"""

from __future__ import annotations

import logging

import httpx

from adapters import AdapterConfig, AdapterError, EgressPolicy, build_client
from adapters.config import Timeouts
from gateway.notifications.errors import NotificationFailed
from gateway.notifications.notifier import TextMessage
from gateway.platform.masking import mask_mobile

__all__ = ["WhatsAppNotifier", "whatsapp_client"]

log = logging.getLogger("seva.notifier")


def whatsapp_client(url: str, egress: EgressPolicy, timeout: float) -> httpx.AsyncClient:
    """A client that reaches the provider only through the egress allow-list."""
    config = AdapterConfig(
        code="whatsapp",
        kind="rest",
        endpoint=url,
        transport="httpx",
        timeouts=Timeouts(connect=timeout, read=timeout, write=timeout, pool=timeout),
    )
    return build_client(config, egress=egress)


class WhatsAppNotifier:
    def __init__(self, client: httpx.AsyncClient, *, url: str, token: str) -> None:
        self.client = client
        self.url = url
        self.token = token

    async def send(self, message: TextMessage) -> None:
        masked = mask_mobile(message.mobile)
        body = {
            "messaging_product": "whatsapp",
            "to": f"91{message.mobile}",
            "type": "text",
            "text": {"body": message.text},
        }
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = await self.client.post(self.url, json=body, headers=headers)
        except (httpx.HTTPError, AdapterError) as exc:
            log.warning("WhatsApp message to %s not sent: %s", masked, type(exc).__name__)
            raise NotificationFailed(
                f"the WhatsApp provider could not be reached ({type(exc).__name__})"
            ) from None
        if response.status_code >= 300:
            log.warning("WhatsApp message to %s refused: HTTP %d", masked, response.status_code)
            raise NotificationFailed(f"the WhatsApp provider answered HTTP {response.status_code}")
        log.info("WhatsApp message to %s (%s) accepted by the provider", masked, message.purpose)
