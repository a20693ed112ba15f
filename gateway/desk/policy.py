"""Who works the desk.

Officers work the applications of their department routed to their district (and tehsil, when both know
one): list, open, approve, reject, return to the citizen, send for field verification; a field officer
reports on the verifications assigned to them. The citizen answers a return for their own family's
application. Departments with their own system post signed callbacks: the route is open at the door and
the signature is the credential (checked by the service). Administrators may see every desk.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Grant, Policy, Rule, public
from gateway.platform.principal import Role

__all__ = ["POLICY"]

_OFFICER: dict[Role, Grant] = {"officer": OWN_DEPARTMENT}

POLICY = Policy(
    "desk",
    list=Rule(
        "desk.list",
        "list the applications due on a desk",
        grants={**_OFFICER, "administrator": ALL},
        personal=True,
    ),
    open=Rule(
        "desk.open",
        "open an application at the desk",
        grants={**_OFFICER, "administrator": ALL},
        personal=True,
    ),
    decide=Rule("desk.decide", "decide an application", grants=_OFFICER, personal=True),
    verifications=Rule(
        "desk.verifications", "list field verifications assigned", grants=_OFFICER, personal=True
    ),
    report=Rule("desk.verification_report", "report on a field verification", grants=_OFFICER, personal=True),
    answer=Rule(
        "desk.answer", "answer a return with what was missing", grants={"citizen": OWN_FAMILY}, personal=True
    ),
    callback=public("desk.callback", "a department's signed decision"),
)
