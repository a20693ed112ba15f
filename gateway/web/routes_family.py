"""A signed-in family's pages: what each member can get, the family's applications, its web.documents.

Each page calls the service the JSON API calls for the same data, under the same policy, with the
family taken from the session, never from the address: a citizen can name no other family here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from catalogue import ServiceVerdict
from catalogue.models import Service
from gateway.documents import DocumentNotFound
from gateway.families import UnknownFamily
from gateway.platform.guard import current_caller
from gateway.web.pages import Pages
from gateway.web.policy import POLICY, without_form
from gateway.web.routes_appeal import guarantee_of

__all__ = ["FAMILY_HANDLERS", "MemberServices"]

Reference = Annotated[str, Parameter(max_length=40)]
DocumentId = Annotated[str, Parameter(pattern=r"^[0-9a-f]{32}$")]
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "application/jose": "jws"}


@dataclass(slots=True)
class MemberServices:
    """One member's services, sorted for the family page: what they can get now (schemes meant for some
    people; services open to anyone are listed once for the family), what one more fact would decide,
    and what they cannot get, with why."""

    member_id: str
    name_en: str
    name_hi: str
    age: int
    now: list[Service] = field(default_factory=list)
    undetermined: list[tuple[Service, ServiceVerdict]] = field(default_factory=list)
    not_eligible: list[tuple[Service, ServiceVerdict]] = field(default_factory=list)


@get("/family", name="family", **without_form(POLICY.route("family", UnknownFamily)))
async def family_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    caller = current_caller(request)
    principal = caller.signed_in
    eligibility = await web.families.eligibility(caller, principal.family_id or "", None)  # read: audited
    # The page follows from the verdicts, which follow from these: drawn once per change of any of them.
    kept_as = (eligibility.family_id, str(eligibility.family_version), eligibility.catalogue_digest,
               eligibility.on.isoformat())  # fmt: skip
    if (kept := web.site.kept_page(request, "family.html", kept_as)) is not None:
        return kept
    catalogue = web.services.current
    open_to_all = [s for s in catalogue.services if not catalogue.rules.get(s.code)]
    members = []
    for member in eligibility.members:
        sorted_services = MemberServices(member.member_id, member.name_en, member.name_hi, member.age)
        for verdict in member.verdicts:
            service = catalogue.by_code.get(verdict.service)
            if service is None or not catalogue.rules.get(service.code):
                continue
            if verdict.status == "eligible":
                sorted_services.now.append(service)
            elif verdict.status == "undetermined":
                sorted_services.undetermined.append((service, verdict))
            else:
                sorted_services.not_eligible.append((service, verdict))
        members.append(sorted_services)
    return web.site.page(
        request, "family.html", kept_as=kept_as, members=members, open_to_all=len(open_to_all),
        on=eligibility.on, me=principal.member_id,
    )  # fmt: skip


@get("/applications", name="applications", **without_form(POLICY.route("applications")))
async def applications_page(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
) -> Response[Any]:
    caller = current_caller(request)
    page = await web.applications.list_for(caller, None, 100)
    family = await web.families.family(caller, caller.signed_in.family_id or "")
    names = {m.member_id: (m.name_en, m.name_hi) for m in family.members}
    return web.site.page(
        request, "applications.html", items=page.items, names=names, catalogue=web.services.current
    )


@get("/applications/{reference:str}", name="application", **without_form(POLICY.route("applications")))
async def application_page(
    request: Request[Any, Any, Any],
    reference: Reference,
    web: NamedDependency[Pages],
) -> Response[Any]:
    caller = current_caller(request)
    application = await web.applications.read(caller, reference)  # another family's: not found
    catalogue = web.services.current
    return web.site.page(
        request, "application.html", application=application, catalogue=catalogue,
        service=catalogue.by_code.get(application.service_code),
        submitted="submitted" in request.query_params, appealed="appealed" in request.query_params,
        answered="answered" in request.query_params, guarantee=await guarantee_of(web, caller, reference),
        asked=await web.desk.asked(caller, reference) if application.status == "returned" else None,
    )  # fmt: skip


@get("/documents", name="documents", **without_form(POLICY.route("documents")))
async def documents_page(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
) -> Response[Any]:
    caller = current_caller(request)
    stored = await web.documents.list_for(caller, None, None)
    family = await web.families.family(caller, caller.signed_in.family_id or "")
    names = {m.member_id: (m.name_en, m.name_hi) for m in family.members}
    catalogue = web.services.current
    return web.site.page(
        request, "documents.html", items=stored, names=names, types=catalogue.document_types,
        departments=catalogue.departments,
    )  # fmt: skip


@get(
    "/documents/{document_id:str}/download",
    name="download",
    media_type="application/octet-stream",
    **without_form(POLICY.route("documents", DocumentNotFound)),
)
async def download(
    request: Request[Any, Any, Any], document_id: DocumentId, web: NamedDependency[Pages]
) -> Response[bytes]:
    caller = current_caller(request)
    document, data = await web.documents.fetch(caller, document_id)
    extension = _EXTENSIONS.get(document.content_type, "bin")
    headers = {
        "content-disposition": f'attachment; filename="{document.doc_type}-{document.id[:8]}.{extension}"',
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
    }
    return Response(data, media_type=document.content_type, headers=headers)


FAMILY_HANDLERS = [family_page, applications_page, application_page, documents_page, download]
