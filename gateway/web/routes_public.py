"""Pages anyone may open: home, search, a service, the language switch, tracking by reference, the auditor's
view of the catalogue (with each service's history of versions) and, in demo mode, the demo inbox."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from catalogue import evaluate_all
from gateway.platform.problems import NotFound, SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY, without_form
from gateway.web.render import safe_next
from gateway.web.words import LIFE_EVENTS, rule_in_words

__all__ = ["PUBLIC_HANDLERS"]

_PER_PAGE = 20
_NOT_A_REFERENCE = N_("Enter the 13-digit reference number, as it is on the receipt")
_NO_SUCH_REFERENCE = N_("No application has this reference number. Check each digit.")
Text200 = Annotated[str | None, Parameter(max_length=200)]
Code = Annotated[str | None, Parameter(max_length=64)]
ServiceCode = Annotated[str, Parameter(max_length=80)]
Next = Annotated[str | None, Parameter(max_length=500)]


@get("/", name="home", **without_form(POLICY.route("page")))
async def home(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    catalogue = web.services.current
    known = catalogue.by_code
    events = [(event, sum(1 for code in event.services if code in known)) for event in LIFE_EVENTS]
    return web.site.page(
        request,
        "home.html",
        kept_as=(catalogue.digest,),
        departments=web.services.departments(),
        events=events,
        signed_out="signed-out" in request.query_params,
    )


@get("/services", name="services", **without_form(POLICY.route("page")))
async def service_list(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    q: Text200 = None,
    department: Code = None,
    event: Code = None,
    page: Annotated[int, Parameter(ge=1, le=1000)] = 1,
) -> Response[Any]:
    catalogue = web.services.current
    chosen_event = next((e for e in LIFE_EVENTS if e.code == event), None)
    if department is not None and department not in catalogue.departments:
        department = None
    if chosen_event is not None:
        found = [catalogue.by_code[code] for code in chosen_event.services if code in catalogue.by_code]
        total, items = len(found), found
    else:
        result = web.services.search(q, department, None, page, _PER_PAGE)
        total = result.total
        items = [catalogue.by_code[item.code] for item in result.items]
    return web.site.page(
        request,
        "services.html",
        kept_as=(catalogue.digest,),
        q=q or "",
        department=catalogue.departments.get(department or ""),
        event=chosen_event,
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // _PER_PAGE)),
        departments=catalogue.departments,
    )


@get("/services/{code:str}", name="service", **without_form(POLICY.route("page")))
async def service_page(
    request: Request[Any, Any, Any],
    code: ServiceCode,
    web: NamedDependency[Pages],
) -> Response[Any]:
    service = web.services.service(code)  # UnknownService: the not-found page
    catalogue = web.services.current
    if (kept := web.site.kept_page(request, "service.html", (catalogue.digest,))) is not None:
        return kept
    language = language_of(request)
    return web.site.page(
        request,
        "service.html",
        kept_as=(catalogue.digest,),
        service=service,
        department=catalogue.departments[service.department],
        documents=[(need, catalogue.document_types.get(need.type)) for need in service.documents],
        conditions=[rule.get("reason") for rule in service.eligibility],
        rules=[
            rule_in_words(rule, lambda m: web.catalogues.gettext(language, m), catalogue.districts, language)
            for rule in service.eligibility
        ],
    )


@get("/language/{code:str}", name="language", **without_form(POLICY.route("page")))
async def choose_language(code: Annotated[str, Parameter(max_length=8)], next: Next = None) -> Redirect:
    """Remember the language chosen (a year) and go back to the page it was chosen on."""
    response = Redirect(path=safe_next(next, "/"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@get("/track", name="track", **without_form(POLICY.route("track")))
async def track(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    reference: Annotated[str | None, Parameter(max_length=40)] = None,
) -> Response[Any]:
    """Status only, for anyone holding a reference: nothing about who applied."""
    if not reference or not reference.strip():
        return web.site.page(request, "track.html", reference="", found=None, service=None, problems=[])
    try:
        status = await web.applications.public_status(reference)
    except SevaError as exc:  # not a reference number, or none like it
        if exc.status not in (400, 404):
            raise
        language = language_of(request)
        why = web.catalogues.gettext(language, _NOT_A_REFERENCE if exc.status == 400 else _NO_SUCH_REFERENCE)
        return web.site.page(
            request, "track.html", status=exc.status, reference=reference, found=None, service=None,
            problems=[Problem("reference", why)],
        )  # fmt: skip
    service = web.services.current.by_code.get(status.service_code)
    return web.site.page(
        request, "track.html", reference=reference, found=status, service=service, problems=[]
    )


@get("/audit", name="audit", **without_form(POLICY.route("page")))
async def audit_catalogue(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    department: Code = None,
    district: Code = None,
) -> Response[Any]:
    """Every service with what auditors review; a district keeps the services its people may get."""
    catalogue = web.services.current
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
    return web.site.page(
        request,
        "audit.html",
        kept_as=(catalogue.digest,),
        items=items,
        departments=catalogue.departments,
        districts=catalogue.districts,
        department=department,
        district=district,
    )


@get("/audit/services/{code:str}", name="audit-service", **without_form(POLICY.route("page")))
async def audit_service(
    request: Request[Any, Any, Any],
    code: ServiceCode,
    web: NamedDependency[Pages],
) -> Response[Any]:
    service = web.services.service(code)
    catalogue = web.services.current
    if (kept := web.site.kept_page(request, "audit_service.html", (catalogue.digest,))) is not None:
        return kept
    language = language_of(request)
    return web.site.page(
        request,
        "audit_service.html",
        kept_as=(catalogue.digest,),
        service=service,
        department=catalogue.departments[service.department],
        documents=[(need, catalogue.document_types.get(need.type)) for need in service.documents],
        rules=[
            (rule.get("reason"), rule_in_words(rule, lambda m: web.catalogues.gettext(language, m),
                                              catalogue.districts, language))
            for rule in service.eligibility
        ],
        adapter=catalogue.adapters.get(service.delivery.adapter) if service.delivery else None,
    )  # fmt: skip


@get("/audit/services/{code:str}/history", name="audit-history", **without_form(POLICY.route("page")))
async def audit_history(
    request: Request[Any, Any, Any],
    code: ServiceCode,
    web: NamedDependency[Pages],
) -> Response[Any]:
    """The versions of the catalogue in which a service changed, newest first, and what changed in each."""
    service = web.services.service(code)
    return web.site.page(
        request, "audit_history.html", service=service, history=await web.versions.history(service.code)
    )


@get("/demo/inbox", name="demo-inbox", **without_form(POLICY.route("page", NotFound)))
async def demo_inbox(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    mobile: Annotated[str | None, Parameter(pattern=r"^[6-9][0-9]{9}$")] = None,
) -> Response[Any]:
    """The text messages seva sent, in demo mode only (a not-found page otherwise)."""
    messages = await web.notifications.demo_inbox(mobile)
    return web.site.page(request, "demo_inbox.html", messages=messages, mobile=mobile or "")


PUBLIC_HANDLERS = [
    home,
    service_list,
    service_page,
    choose_language,
    track,
    audit_catalogue,
    audit_service,
    audit_history,
    demo_inbox,
]
