"""Who may do what with grievances.

A citizen files, reads, reminds, withdraws, answers and gives feedback on their own family's grievances
(an agent of 181 or a Lok Seva Kendra operator does the same for a citizen who confirmed with a code sent
to their phone: the token is the citizen's, ``assisted_by`` names the helper). An officer sees the inbox
of their department, level, position and district, and acts only there (the service checks each
grievance: ``OutsideJurisdiction``). An agent records the feedback a citizen gives on a call. The status by
number, filing by a mobile confirmed with a code, and the SMS provider's relay of replies are open at the
door: the number, the code and the relay's token are the credentials. Administrators may read any.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Policy, Rule, public

__all__ = ["POLICY"]

POLICY = Policy(
    "grievances",
    file=Rule("grievance.file", "file a grievance", grants={"citizen": OWN_FAMILY}, personal=True),
    read=Rule(
        "grievance.read",
        "read a grievance and its timeline",
        grants={"citizen": OWN_FAMILY, "officer": OWN_DEPARTMENT, "agent": ALL, "administrator": ALL},
        personal=True,
    ),
    mine=Rule(
        "grievance.list", "list your family's grievances", grants={"citizen": OWN_FAMILY}, personal=True
    ),
    remind=Rule("grievance.remind", "send a reminder", grants={"citizen": OWN_FAMILY}, personal=True),
    withdraw=Rule(
        "grievance.withdraw", "withdraw or answer a grievance", grants={"citizen": OWN_FAMILY}, personal=True
    ),
    feedback=Rule(
        "grievance.feedback",
        "give feedback on a resolution",
        grants={"citizen": OWN_FAMILY, "agent": ALL},
        personal=True,
    ),
    inbox=Rule(
        "grievance.inbox",
        "list the grievances at your level",
        grants={"officer": OWN_DEPARTMENT},
        personal=True,
    ),
    act=Rule(
        "grievance.act", "act on a grievance at your level", grants={"officer": OWN_DEPARTMENT}, personal=True
    ),
    status=public("grievance.status", "where a grievance stands, by its number"),
    file_by_mobile=public(
        "grievance.file_by_mobile", "file with a mobile number confirmed by a code", rate="signin"
    ),
    sms_reply=public("grievance.sms_reply", "a citizen's reply to a text, relayed by the SMS provider"),
)
