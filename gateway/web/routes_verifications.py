"""A field officer's verifications on the web page: the ones assigned to them and still open (the nearest
report date first, with working days left and what the designated officer asked), each with a form to
report what was found, confirmed or not, and how.

Both call the desk service the JSON API calls (``DeskService.verifications`` and ``report``), which admits
only the field officer a verification was assigned to (anyone else's is "not found") and takes a report
once. A report goes back to the designated officer's desk; the citizen is told by text message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Response

from gateway.desk import VerificationNotFound
from gateway.platform.guard import current_caller
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import staff_route
from gateway.web.routes_desk import step
from schemas.guarantee_api import FieldReportBody

__all__ = ["VERIFICATION_HANDLERS"]

VerificationId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
_LONGEST = 2000  # as the API's report (schemas.guarantee_api.FieldReportBody)
_FINDINGS = ("confirmed", "not_confirmed")
_CHOOSE_FINDING = N_("Choose whether what you were asked to verify is confirmed.")
_SAY_WHAT = N_("Write what you found.")
_TOO_LONG = N_("Write at most %(count)s characters.")


async def _draw(
    request: Request[Any, Any, Any], web: Pages, *, status: int = 200, problems: list[Problem] | None = None,
    typed: Mapping[str, Any] | None = None, reported: bool = False,
) -> Response[Any]:  # fmt: skip
    assigned = await web.desk.verifications(current_caller(request))
    return web.site.page(
        request, "verifications.html", status=status, assigned=assigned, problems=problems or [],
        typed=dict(typed or {}), reported=reported, longest=_LONGEST,
    )  # fmt: skip


@get("/field-verifications", name="field-verifications", **staff_route("field_verifications"))
async def verifications_page(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    done: Annotated[str | None, Parameter(max_length=20)] = None,
) -> Response[Any]:
    return await _draw(request, web, reported=done == "reported")


@post(
    "/field-verifications/{verification_id:int}/report",
    name="field-verification-report",
    status_code=303,
    **staff_route("field_verifications", VerificationNotFound),
)
async def report(
    request: Request[Any, Any, Any], verification_id: VerificationId, web: NamedDependency[Pages]
) -> Response[Any]:
    form = dict(await request.form())
    language = language_of(request)
    finding = str(form.get("finding", ""))
    text = str(form.get("report", "")).strip()
    problems = []
    if finding not in _FINDINGS:
        problems.append(Problem(f"finding-{verification_id}", web.translate(language, _CHOOSE_FINDING)))
    if not text:
        problems.append(Problem(f"report-{verification_id}", web.translate(language, _SAY_WHAT)))
    elif len(text) > _LONGEST:
        too_long = web.translate(language, _TOO_LONG) % {"count": _LONGEST}
        problems.append(Problem(f"report-{verification_id}", too_long))
    caller = current_caller(request)
    typed = {**form, "id": verification_id}

    async def redraw(problems: list[Problem]) -> Response[Any]:
        return await _draw(request, web, status=400, problems=problems, typed=typed)

    return await step(
        request, problems, f"report-{verification_id}",
        lambda: web.desk.report(caller, verification_id, FieldReportBody(finding=finding, report=text)),  # type: ignore[arg-type]
        redraw, "/field-verifications?done=reported",
    )  # fmt: skip


VERIFICATION_HANDLERS = [verifications_page, report]
