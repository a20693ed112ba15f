"""The audit trail: every change of state and every read of personal data, chained by hash.

``AuditTrail.append`` writes an entry inside the caller's transaction, so a change and its record commit
together; ``verify_chain`` proves that no entry was edited or removed, naming the first broken one.
Database triggers (``gateway.audit.triggers``) refuse UPDATE and DELETE on the trail. The trail belongs
to the platform (every capability records to it); ``gateway.audit.capability`` adds the auditor's routes.
"""

from gateway.audit.chain import Break, ChainVerdict
from gateway.audit.trail import Actor, AuditTrail, HeadMissing, Pending

__all__ = ["Actor", "AuditTrail", "Break", "ChainVerdict", "HeadMissing", "Pending"]
