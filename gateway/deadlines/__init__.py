"""Guaranteed deadlines: the working-day calendar, a clock per application under the guarantee Act, the
watcher that reminds, breaches and escalates to the appellate authorities, appeals and penalties, and the
auditors' reports.

What other capabilities may use: ``Deadlines`` (its ``clocks``: route, start, pause, resume, settle,
reopen, in the caller's transaction; its ``notices``), the clock ledger ``CLOCKS`` (read: the desk orders
its work by it), the working calendar ``WorkingCalendar``, ``Routed``, ``Notices``, ``texts``,
``in_jurisdiction`` and ``digits``; ``NoGuarantee`` (the web page shows an application's guarantee where it
has one).
"""

from gateway.deadlines.calendar import WorkingCalendar
from gateway.deadlines.clocks import CLOCKS, Routed
from gateway.deadlines.errors import NoGuarantee
from gateway.deadlines.messages import Said, texts
from gateway.deadlines.notices import Notices
from gateway.deadlines.routes import digits
from gateway.deadlines.service import Deadlines, in_jurisdiction

__all__ = [
    "CLOCKS",
    "Deadlines",
    "NoGuarantee",
    "Notices",
    "Routed",
    "Said",
    "WorkingCalendar",
    "digits",
    "in_jurisdiction",
    "texts",
]
