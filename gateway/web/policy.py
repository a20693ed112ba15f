"""Who may open which page.

The catalogue's pages, the public tracking page, sign-in and the auditor's view of the catalogue are open
to anyone; a family's own pages to a signed-in citizen, for their own family only (the services the pages
call apply the same rules as the API: another family's application, document or member is "not found").
Every page with personal data is audited by the service it calls and never cached.
"""

from __future__ import annotations

from typing import Any

from gateway.platform.policy import OWN_FAMILY, Policy, Rule, public

__all__ = ["POLICY", "WEB", "without_form"]

WEB = "web"  # the key, in a route's ``opt``, of the routes that answer people with pages


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
)


def without_form(route: dict[str, Any]) -> dict[str, Any]:
    """Route keywords of a page that shows no form needing a CSRF token and changes nothing: Litestar's CSRF
    middleware is left out of its way (it sets the token's cookie on the pages that show such a form, and
    checks every form sent)."""
    return {**route, "opt": {**route["opt"], "exclude_from_csrf": True}}
