"""Pages anyone may open: home, search, a service, the language switch, tracking by reference, the auditor's
view of the catalogue and, in demo mode, the demo inbox."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Template

from catalogue import evaluate_all
from gateway.applications import ApplicationService
from gateway.notifications import Notifications
from gateway.platform.problems import NotFound, SevaError
from gateway.services import CatalogueService
from gateway.web.forms import Problem
from gateway.web.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, Catalogues, language_of
from gateway.web.policy import POLICY
from gateway.web.render import Site, safe_next
from gateway.web.words import LIFE_EVENTS, rule_in_words

__all__ = ["PUBLIC_HANDLERS"]

_PER_PAGE = 20
_NOT_A_REFERENCE = N_("Enter the 13-digit reference number, as it is on the receipt")
_NO_SUCH_REFERENCE = N_("No application has this reference number. Check each digit.")
Text200 = Annotated[str | None, Parameter(max_length=200)]
Code = Annotated[str | None, Parameter(max_length=64)]
ServiceCode = Annotated[str, Parameter(max_length=80)]
Next = Annotated[str | None, Parameter(max_length=500)]


@get("/", name="home", **POLICY.route("page"))
async def home(
    request: Request[Any, Any, Any], site: NamedDependency[Site], services: NamedDependency[CatalogueService]
) -> Template:
    catalogue = services.current
    known = catalogue.by_code
    events = [(event, sum(1 for code in event.services if code in known)) for event in LIFE_EVENTS]
    return site.page(
        request,
        "home.html",
        departments=services.departments(),
        events=events,
        signed_out="signed-out" in request.query_params,
    )


@get("/services", name="services", **POLICY.route("page"))
async def service_list(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    services: NamedDependency[CatalogueService],
    q: Text200 = None,
    department: Code = None,
    event: Code = None,
    page: Annotated[int, Parameter(ge=1, le=1000)] = 1,
) -> Template:
    catalogue = services.current
    chosen_event = next((e for e in LIFE_EVENTS if e.code == event), None)
    if department is not None and department not in catalogue.departments:
        department = None
    if chosen_event is not None:
        found = [catalogue.by_code[code] for code in chosen_event.services if code in catalogue.by_code]
        total, items = len(found), found
    else:
        result = services.search(q, department, None, page, _PER_PAGE)
        total = result.total
        items = [catalogue.by_code[item.code] for item in result.items]
    return site.page(
        request,
        "services.html",
        q=q or "",
        department=catalogue.departments.get(department or ""),
        event=chosen_event,
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // _PER_PAGE)),
        departments=catalogue.departments,
    )


@get("/services/{code:str}", name="service", **POLICY.route("page"))
async def service_page(
    request: Request[Any, Any, Any],
    code: ServiceCode,
    site: NamedDependency[Site],
    services: NamedDependency[CatalogueService],
    catalogues: NamedDependency[Catalogues],
) -> Template:
    service = services.service(code)  # UnknownService: the not-found page
    catalogue = services.current
    language = language_of(request)
    return site.page(
        request,
        "service.html",
        service=service,
        department=catalogue.departments[service.department],
        documents=[(need, catalogue.document_types.get(need.type)) for need in service.documents],
        conditions=[rule.get("reason") for rule in service.eligibility],
        rules=[
            rule_in_words(rule, lambda m: catalogues.gettext(language, m), catalogue.districts, language)
            for rule in service.eligibility
        ],
    )


@get("/language/{code:str}", name="language", **POLICY.route("page"))
async def choose_language(code: Annotated[str, Parameter(max_length=8)], next: Next = None) -> Redirect:
    """Remember the language chosen (a year) and go back to the page it was chosen on."""
    response = Redirect(path=safe_next(next, "/"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@get("/track", name="track", **POLICY.route("track"))
async def track(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    applications: NamedDependency[ApplicationService],
    services: NamedDependency[CatalogueService],
    catalogues: NamedDependency[Catalogues],
    reference: Annotated[str | None, Parameter(max_length=40)] = None,
) -> Template:
    """Status only, for anyone holding a reference: nothing about who applied."""
    if not reference or not reference.strip():
        return site.page(request, "track.html", reference="", found=None, service=None, problems=[])
    try:
        status = await applications.public_status(reference)
    except SevaError as exc:  # not a reference number, or none like it
        if exc.status not in (400, 404):
            raise
        language = language_of(request)
        why = catalogues.gettext(language, _NOT_A_REFERENCE if exc.status == 400 else _NO_SUCH_REFERENCE)
        return site.page(
            request, "track.html", status=exc.status, reference=reference, found=None, service=None,
            problems=[Problem("reference", why)],
        )  # fmt: skip
    service = services.current.by_code.get(status.service_code)
    return site.page(request, "track.html", reference=reference, found=status, service=service, problems=[])


@get("/audit", name="audit", **POLICY.route("page"))
async def audit_catalogue(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    services: NamedDependency[CatalogueService],
    department: Code = None,
    district: Code = None,
) -> Template:
    """Every service with what auditors review; a district keeps the services its people may get."""
    catalogue = services.current
    items = list(catalogue.services)
    if department in catalogue.departments:
        items = [s for s in items if s.department == department]
    else:
        department = None
    if district in catalogue.districts:
        place = {"member.district": district, "family.district": district}
        open_here = {v.service for v in evaluate_all(catalogue, place) if v.status != "not_eligible"}
        items = [s for s in items if s.code in open_here]
    else:
        district = None
    return site.page(
        request,
        "audit.html",
        items=items,
        departments=catalogue.departments,
        districts=catalogue.districts,
        department=department,
        district=district,
    )


@get("/audit/services/{code:str}", name="audit-service", **POLICY.route("page"))
async def audit_service(
    request: Request[Any, Any, Any],
    code: ServiceCode,
    site: NamedDependency[Site],
    services: NamedDependency[CatalogueService],
    catalogues: NamedDependency[Catalogues],
) -> Template:
    service = services.service(code)
    catalogue = services.current
    language = language_of(request)
    return site.page(
        request,
        "audit_service.html",
        service=service,
        department=catalogue.departments[service.department],
        documents=[(need, catalogue.document_types.get(need.type)) for need in service.documents],
        rules=[
            (rule.get("reason"), rule_in_words(rule, lambda m: catalogues.gettext(language, m),
                                              catalogue.districts, language))
            for rule in service.eligibility
        ],
        adapter=catalogue.adapters.get(service.delivery.adapter),
    )  # fmt: skip


@get("/demo/inbox", name="demo-inbox", **POLICY.route("page", NotFound))
async def demo_inbox(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    notifications: NamedDependency[Notifications],
    mobile: Annotated[str | None, Parameter(pattern=r"^[6-9][0-9]{9}$")] = None,
) -> Template:
    """The text messages seva sent, in demo mode only (a not-found page otherwise)."""
    messages = await notifications.demo_inbox(mobile)
    return site.page(request, "demo_inbox.html", messages=messages, mobile=mobile or "")


PUBLIC_HANDLERS = [
    home,
    service_list,
    service_page,
    choose_language,
    track,
    audit_catalogue,
    audit_service,
    demo_inbox,
]
