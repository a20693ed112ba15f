"""Who may open which page.

The catalogue's pages, the public tracking page, sign-in and the auditor's view of the catalogue are open
to anyone; a family's own pages to a signed-in citizen, for their own family only (the services the pages
call apply the same rules as the API: another family's application, document or member is "not found").
Every page with personal data is audited by the service it calls and never cached.

Staff sign in on pages of their own (a code to the staff account's mobile) and get a session that carries
their staff principal, never a family: an officer's desk pages admit officers of the application's
department and jurisdiction (the desk service checks each application), the grievance inbox only the
grievances with the officer now (department, level, position, district: the grievance service checks
each), an appellate authority's pages the appeals at their level in their district (the deadlines service
checks each), an auditor's (or an administrator's) the two reports: counts for the whole state, no
personal data. A staff page's route carries ``STAFF_PAGE`` in its ``opt``, so a signed-out visitor is sent
to the staff sign-in.
"""

from __future__ import annotations

from typing import Any

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Policy, Rule, public
from gateway.platform.problems import SevaError

__all__ = ["POLICY", "STAFF_PAGE", "WEB", "staff_route", "without_form"]

WEB = "web"  # the key, in a route's ``opt``, of the routes that answer people with pages
STAFF_PAGE = "staff_page"  # the key, in a route's ``opt``, of the pages for staff (sign-in goes to theirs)


def _citizen(action: str, purpose: str) -> Rule:
    return Rule(action, purpose, grants={"citizen": OWN_FAMILY}, personal=True)


POLICY = Policy(
    "web",
    page=public("web.page", "show a public page"),
    files=public("web.files", "the page's own files", rate="none"),
    signin=public("web.signin", "sign in on the web page", rate="signin"),
    signout=public("web.signout", "sign out on the web page", rate="signin"),
    track=public("web.track", "track an application by its reference"),
    # As the certificates API: not audited (the address travels on the paper), but never cached.
    certificate=public("web.certificate", "show an issued certificate"),
    verify=public("web.verify", "verify a certificate"),
    family=_citizen("web.family", "show a family what each member can get"),
    apply=_citizen("web.apply", "apply on the web page"),
    applications=_citizen("web.applications", "show a family's applications"),
    documents=_citizen("web.documents", "show a family's documents"),
    appeal=_citizen("web.appeal", "appeal a decision or its delay on the web page"),
    answer=_citizen("web.answer", "answer an officer who returned an application"),
    grievances=_citizen("web.grievances", "file and follow a family's grievances"),
    grievance_phone=public(
        "web.grievance_phone", "file a grievance with a code sent to the phone", rate="signin"
    ),
    grievance_form=Rule(
        "web.grievance_form", "show the form to file a grievance", grants={"citizen": OWN_FAMILY}
    ),
    desk=Rule(
        "web.desk",
        "work the officer's desk on the web page",
        grants={"officer": OWN_DEPARTMENT},
        personal=True,
    ),
    grievance_desk=Rule(
        "web.grievance_desk",
        "work the officer's grievance inbox on the web page",
        grants={"officer": OWN_DEPARTMENT},
        personal=True,
    ),
    field_verifications=Rule(
        "web.field_verifications",
        "report on field verifications on the web page",
        grants={"officer": OWN_DEPARTMENT},
        personal=True,
    ),
    appeals=Rule(
        "web.appeals",
        "hear appeals under the guarantee Act on the web page",
        grants={"appellate": ALL},
        personal=True,
    ),
    # Counts only, no personal data: not audited (as the JSON reports), but kept out of shared caches.
    reports=Rule(
        "web.reports",
        "read the auditors' reports on the guarantee's time limits and on grievances",
        grants={"auditor": ALL, "administrator": ALL},
    ),
)


def staff_route(name: str, *errors: type[SevaError]) -> dict[str, Any]:
    """Route keywords of a page for staff: the rule ``name`` with the errors the page may answer with
    (drawn as error pages), and the mark that sends a signed-out visitor to the staff sign-in."""
    route = POLICY.route(name, *errors)
    return {**route, "opt": {**route["opt"], STAFF_PAGE: True}}


def without_form(route: dict[str, Any]) -> dict[str, Any]:
    """Route keywords of a page that shows no form needing a CSRF token and changes nothing: Litestar's CSRF
    middleware is left out of its way (it sets the token's cookie on the pages that show such a form, and
    checks every form sent)."""
    return {**route, "opt": {**route["opt"], "exclude_from_csrf": True}}
