"""The statuses a citizen sees, and the message of each in English and Hindi.

``submitted``: accepted, waiting for its turn to be handed over; ``delayed_at_department``: the department
did not answer and the gateway keeps trying (nothing is lost); ``received``, ``in_progress``,
``approved``, ``rejected``, ``issued``: what the department says; ``failed``: the department refused the
hand-over itself, and a person must look at it.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["FINAL", "MESSAGES", "PUBLIC_STATUSES", "PublicStatus"]

PublicStatus = Literal[
    "submitted",
    "delayed_at_department",
    "received",
    "in_progress",
    "approved",
    "rejected",
    "issued",
    "failed",
]
PUBLIC_STATUSES: tuple[PublicStatus, ...] = (
    "submitted", "delayed_at_department", "received", "in_progress",
    "approved", "rejected", "issued", "failed",
)  # fmt: skip
FINAL = frozenset({"approved", "rejected", "issued", "failed"})

MESSAGES: dict[str, tuple[str, str]] = {
    "submitted": (
        "Application submitted; it is being sent to the department.",
        "आवेदन जमा हुआ; विभाग को भेजा जा रहा है।",
    ),
    "delayed_at_department": (
        "Delayed at the department: its system is not answering. Your application is safe and will be sent "
        "automatically.",
        "विभाग में विलंब: विभाग की प्रणाली उत्तर नहीं दे रही है। आपका आवेदन सुरक्षित है और स्वतः भेजा जाएगा।",
    ),
    "failed": (
        "The department could not accept the application; an officer will contact you.",
        "विभाग आवेदन स्वीकार नहीं कर सका; एक अधिकारी आपसे संपर्क करेंगे।",
    ),
}
