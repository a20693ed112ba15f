"""The audit trail: every change of state and every read of personal data, chained by hash.

``AuditTrail.append`` writes an entry, unchained, inside the caller's transaction, so a change and its
record commit together; the sealer (``gateway.audit.sealer``) chains committed entries in batches and
publishes each head outside the database; ``verify_chain`` names every entry edited, removed, reordered
or rewritten. Database triggers (``gateway.audit.triggers``) refuse any change to the trail but the
sealing. The trail belongs to the platform (every capability records to it); ``gateway.audit.capability``
adds the auditor's routes and runs the sealer. Code that writes entries with statements of its own (the
delivery worker's, compiled for the driver) uses ``AuditEntry``, ``COLUMNS`` and ``AuditTrail.rows``.
"""

from gateway.audit.chain import Break, ChainVerdict
from gateway.audit.tables import AuditEntry
from gateway.audit.trail import COLUMNS, Actor, AuditTrail, HeadMissing, Pending, TrailUnavailable

__all__ = [
    "COLUMNS",
    "Actor",
    "AuditEntry",
    "AuditTrail",
    "Break",
    "ChainVerdict",
    "HeadMissing",
    "Pending",
    "TrailUnavailable",
]
