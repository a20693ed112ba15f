"""A citizen's appeal under the guarantee Act, on the web page: the first appeal against a rejection, the
second against the first appellate order or its delay. The form has a page of its own (as the sign-out
button has), so the application's page carries no CSRF token and may be kept; both call the deadlines
service the JSON API calls, which decides whether an appeal may be filed and by whom."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from gateway.deadlines import NoGuarantee
from gateway.platform.guard import Caller, current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY
from schemas.guarantee_api import AppealFiled, GuaranteeOut

__all__ = ["APPEAL_HANDLERS", "Reference", "guarantee_of"]

Reference = Annotated[str, Parameter(pattern=r"^[0-9]{13}$")]
_SAY_WHY = N_("Say why you appeal.")
_LONGEST = 2000


async def guarantee_of(web: Pages, caller: Caller, reference: str) -> GuaranteeOut | None:
    """Where the application stands against the Act, or None when the Act promises it nothing."""
    try:
        found = await web.deadlines.view(caller, reference)
    except NoGuarantee:
        return None
    return found if found.covered else None


async def _draw(
    request: Request[Any, Any, Any], web: Pages, reference: str, *, status: int = 200, grounds: str = "",
    problems: list[Problem] | None = None,
) -> Response[Any]:  # fmt: skip
    caller = current_caller(request)
    application = await web.applications.read(caller, reference)  # another family's: not found
    guarantee = await guarantee_of(web, caller, reference)
    if guarantee is None or guarantee.may_appeal is None:
        return Redirect(path=f"/applications/{reference}", status_code=303)
    catalogue = web.services.current
    return web.site.page(
        request, "appeal.html", status=status, application=application, guarantee=guarantee,
        service=catalogue.by_code.get(application.service_code), grounds=grounds, problems=problems or [],
        longest=_LONGEST,
    )  # fmt: skip


@get("/applications/{reference:str}/appeal", name="appeal", **POLICY.route("appeal"))
async def appeal_page(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _draw(request, web, reference)


@post("/applications/{reference:str}/appeal", name="file-appeal", status_code=303, **POLICY.route("appeal"))
async def file_appeal(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    form = await request.form()
    grounds = str(form.get("grounds", "")).strip()[:_LONGEST]
    language = language_of(request)
    if not grounds:
        problem = Problem("grounds", web.catalogues.gettext(language, _SAY_WHY))
        return await _draw(request, web, reference, status=400, problems=[problem])
    try:
        await web.deadlines.file_appeal(current_caller(request), reference, AppealFiled(grounds=grounds))
    except NoGuarantee:
        raise
    except SevaError as exc:  # out of time, nothing to appeal, not the applicant: said beside the field
        text = exc.explanation.hi if language == "hi" else exc.explanation.en
        return await _draw(
            request, web, reference, status=exc.status, grounds=grounds, problems=[Problem("grounds", text)]
        )
    return Redirect(path=f"/applications/{reference}?appealed", status_code=303)


APPEAL_HANDLERS = [appeal_page, file_appeal]
