"""The statuses a citizen sees, and the message of each in English and Hindi.

``submitted``: accepted, waiting for its turn to be handed over; ``delayed_at_department``: the department
did not answer and the gateway keeps trying (nothing is lost); ``received``, ``in_progress``,
``approved``, ``rejected``, ``issued``: what the department says; ``failed``: the department refused the
hand-over itself, and a person must look at it.
"""

from __future__ import annotations

from typing import Literal

from catalogue.models import Text

__all__ = ["FINAL", "LABELS", "MESSAGES", "PUBLIC_STATUSES", "PublicStatus", "status_label"]

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
