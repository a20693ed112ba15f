"""The officer's desk: where applications of departments without a system of their own are decided by
the designated officer (approve and issue, reject, return to the citizen, send for field verification),
and where departments with one post their decisions by signed callback.

What other capabilities may use: ``DeskService`` (the root composes its ``intake`` with the delivery queue;
the web page shows a citizen what an officer ``asked`` and takes the ``answer``) and ``Asked``.
"""

from gateway.desk.errors import VerificationNotFound
from gateway.desk.service import Asked, DeskService

__all__ = ["Asked", "DeskService", "VerificationNotFound"]
