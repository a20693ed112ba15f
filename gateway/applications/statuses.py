"""The statuses a citizen sees, and the message of each in English and Hindi.

``submitted``: accepted, waiting for its turn to be handed over; ``delayed_at_department``: the department
did not answer and the gateway keeps trying (nothing is lost); ``received``, ``in_progress``,
``approved``, ``rejected``, ``issued``: what the department says; ``failed``: the department refused the
hand-over itself, and a person must look at it.

Every text the gateway writes into a timeline is here, in English and in Hindi that is Hindi throughout;
a department's own words are kept as they were sent, introduced in Hindi as the department's message.
"""

from __future__ import annotations

import re
from typing import Literal

from catalogue.models import Text

__all__ = [
    "FINAL",
    "LABELS",
    "MESSAGES",
    "PUBLIC_STATUSES",
    "PublicStatus",
    "department_says",
    "received_as",
    "refused_by_department",
    "status_label",
    "status_message",
]

PublicStatus = Literal[
    "submitted",
    "delayed_at_department",
    "received",
    "in_progress",
    "approved",
    "rejected",
    "issued",
    "failed",
    "returned",
    "field_verification",
]
PUBLIC_STATUSES: tuple[PublicStatus, ...] = (
    "submitted", "delayed_at_department", "received", "in_progress",
    "approved", "rejected", "issued", "failed", "returned", "field_verification",
)  # fmt: skip
FINAL = frozenset({"approved", "rejected", "issued", "failed"})
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")

MESSAGES: dict[str, Text] = {
    "submitted": Text(
        en="Application submitted; it is being sent to the department.",
        hi="आवेदन जमा हुआ; विभाग को भेजा जा रहा है।",
    ),
    "delayed_at_department": Text(
        en="Delayed at the department: its system is not answering. Your application is safe and will be "
        "sent automatically.",
        hi="विभाग में विलंब: विभाग की प्रणाली उत्तर नहीं दे रही है। आपका आवेदन सुरक्षित है और स्वतः भेजा जाएगा।",
    ),
    "failed": Text(
        en="The department could not accept the application; an officer will contact you.",
        hi="विभाग आवेदन स्वीकार नहीं कर सका; एक अधिकारी आपसे संपर्क करेंगे।",
    ),
}

# A short name of every status in both languages, for screens and for 181 operators reading it out.
LABELS: dict[str, Text] = {
    "submitted": Text(en="Submitted", hi="जमा किया गया"),
    "delayed_at_department": Text(en="Delayed at the department", hi="विभाग में विलंबित"),
    "received": Text(en="Received by the department", hi="विभाग द्वारा प्राप्त"),
    "in_progress": Text(en="Being examined", hi="जाँच जारी"),
    "approved": Text(en="Approved", hi="स्वीकृत"),
    "rejected": Text(en="Rejected", hi="अस्वीकृत"),
    "issued": Text(en="Issued", hi="जारी किया गया"),
    "failed": Text(en="Not accepted by the department", hi="विभाग द्वारा स्वीकार नहीं"),
    # The officer's desk (gateway.desk): waiting on the citizen (the guarantee's clock is stopped), and
    # a field officer checking on the ground.
    "returned": Text(en="Returned to you: something is missing", hi="आपको लौटाया गया: कुछ कमी है"),
    "field_verification": Text(en="Being verified in the field", hi="मौके पर सत्यापन जारी"),
}


def status_label(status: str) -> Text:
    """The label of ``status``; an unknown one (a newer worker's) is shown as it is."""
    return LABELS.get(status) or Text(en=status, hi=status)


def status_message(status: str) -> Text:
    """What the timeline says of a change to ``status`` when nobody said more: its message, or its label."""
    return MESSAGES.get(status) or status_label(status)


def received_as(department_reference: str) -> Text:
    return Text(
        en=f"Received by the department as {department_reference}.",
        hi=f"विभाग ने आवेदन प्राप्त किया; विभाग की संदर्भ संख्या {department_reference} है।",
    )


def refused_by_department(reason: str) -> Text:
    """The department refused the hand-over; ``reason`` is its own words."""
    return Text(
        en=f"The department could not accept the application: {reason}",
        hi=f"विभाग आवेदन स्वीकार नहीं कर सका। विभाग का कारण: {reason}",
    )


def department_says(words: str) -> Text:
    """A department's own message, kept as sent; in Hindi it is introduced as the department's message
    unless the department wrote it in Hindi."""
    if _DEVANAGARI.search(words):
        return Text(en=words, hi=words)
    return Text(en=words, hi=f"विभाग का संदेश: {words}")
