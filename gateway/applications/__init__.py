"""Applications: submission (form, eligibility and documents checked), reference numbers with a check digit,
the status and timeline of each application.

What other capabilities may use: ``ApplicationService``, and the ledger through which the delivery
pipeline (and any later watcher of deadlines) records what happens to an application: ``APPLICATIONS``
(read), ``EVENTS`` (the timeline, for statements compiled of their own), ``Change``, ``record_changes``,
``FINAL``, and the words for what a department said (``received_as``, ``refused_by_department``); reading
reference numbers (``parse_reference``, ``InvalidReference``) and ``ApplicationNotFound``; inside the
transaction writing new applications, ``writing()`` gives them (``NewApplication``) to the steps that
start with them (the deadlines' clocks), so that those need not read them back.
"""

from gateway.applications.errors import ApplicationNotFound, NotAnApplication
from gateway.applications.form import FormInvalid, FormProblem
from gateway.applications.prefill import FilledField, Preparation, PreparedDocument
from gateway.applications.reference import InvalidReference, parse_reference
from gateway.applications.service import ApplicationService
from gateway.applications.statuses import FINAL, LABELS, MESSAGES, received_as, refused_by_department
from gateway.applications.timeline import APPLICATIONS, EVENTS, Change, record_changes
from gateway.applications.writer import NewApplication, writing

__all__ = [
    "APPLICATIONS",
    "EVENTS",
    "FINAL",
    "LABELS",
    "MESSAGES",
    "ApplicationNotFound",
    "ApplicationService",
    "Change",
    "FilledField",
    "FormInvalid",
    "FormProblem",
    "InvalidReference",
    "NewApplication",
    "NotAnApplication",
    "Preparation",
    "PreparedDocument",
    "parse_reference",
    "received_as",
    "record_changes",
    "refused_by_department",
    "writing",
]
