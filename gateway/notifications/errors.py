"""Why a message was not sent."""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import Message

__all__ = ["NotificationFailed"]


class NotificationFailed(SevaError):
    """The notifier could not hand the message over; ``reason`` says why, without the number."""

    code, status = "notification_failed", 503
    title = Message(en="The message could not be sent", hi="संदेश नहीं भेजा जा सका")

    def __init__(self, reason: str) -> None:
        super().__init__(
            Message(
                en=f"The code could not be sent: {reason}. Try again shortly.",
                hi="कोड नहीं भेजा जा सका। थोड़ी देर बाद फिर प्रयास करें।",
            ),
            headers={"retry-after": "30"},
        )
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
