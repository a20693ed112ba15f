"""The officer's desk on the web page: what is due (the nearest deadline first, with working days left), an
application with its documents and the registry's facts, and the four steps: approve (issue), reject with
a reason in both languages, return to the citizen for a document or a fact, send for field verification.

Every page and step calls the desk service the JSON API calls, which checks the officer's department and
jurisdiction on each application (another's is "not found") and guards each step against a decision made
meanwhile. A step's form posts to its own address and is answered by a redirect to the application's page
(or, when something must be fixed, the page again with an error summary that links to the fields).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from gateway.platform.guard import Caller, current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import staff_route
from schemas.guarantee_api import IssueBody, Reason, RejectBody, ReturnBody, VerifyFieldBody

__all__ = ["DESK_HANDLERS", "both_languages", "step"]

Reference = Annotated[str, Parameter(pattern=r"^[0-9]{13}$")]
_LONGEST = 1000
_DONE = ("approved", "rejected", "returned", "verification")
_IN_ENGLISH = N_("Write it in English.")
_IN_HINDI = N_("Write it in Hindi.")
_TOO_LONG = N_("Write at most %(count)s characters.")
_CHOOSE_OFFICER = N_("Choose the field officer.")
_SAY_WHAT = N_("Say what to verify.")
_DAYS = N_("Give the days as a whole number from 1 to 60, or leave it empty.")


def both_languages(
    form: Mapping[str, Any], name: str, language: str, web: Pages
) -> tuple[Reason | None, list[Problem]]:
    """A text the citizen reads in their language, typed in both (``<name>-en``, ``<name>-hi``)."""
    problems = []
    texts = {}
    for lang, missing in (("en", _IN_ENGLISH), ("hi", _IN_HINDI)):
        anchor = f"{name}-{lang}"
        text = texts[lang] = str(form.get(anchor, "")).strip()
        if not text:
            problems.append(Problem(anchor, web.translate(language, missing)))
        elif len(text) > _LONGEST:
            problems.append(Problem(anchor, web.translate(language, _TOO_LONG) % {"count": _LONGEST}))
    return (None if problems else Reason(en=texts["en"], hi=texts["hi"])), problems


async def _field_officers(web: Pages, caller: Caller) -> list[tuple[str, str]]:
    """Live officers of the officer's own department and district, themselves left out: (ID, name)."""
    me = caller.signed_in
    if me.department is None or me.district is None:
        return []
    return [
        (staff_id, f"{name} ({designation})" if designation else name)
        for staff_id, name, designation in await web.identity.staff.colleagues(me.department, me.district)
        if staff_id != me.staff_id
    ]


async def _draw(
    request: Request[Any, Any, Any], web: Pages, reference: str, *, status: int = 200,
    problems: list[Problem] | None = None, typed: Mapping[str, Any] | None = None, done: str | None = None,
) -> Response[Any]:  # fmt: skip
    caller = current_caller(request)
    case = await web.desk.open(caller, reference)
    catalogue = web.services.current
    service = catalogue.by_code.get(case.service_code)
    listed = {d.type for d in service.documents} if service else set()
    wanted = sorted(listed | {d.type for d in case.documents})
    officers = await _field_officers(web, caller)
    return web.site.page(
        request, "desk_case.html", status=status, case=case, service=service, wanted=wanted,
        officers=officers, officer_names=dict(officers), problems=problems or [], typed=dict(typed or {}),
        done=done if done in _DONE else None, longest=_LONGEST,
    )  # fmt: skip


@get("/desk", name="desk", **staff_route("desk"))
async def desk_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    due = await web.desk.list_due(current_caller(request), None)
    return web.site.page(request, "desk.html", items=due.items, catalogue=web.services.current)


@get("/desk/{reference:str}", name="desk-case", **staff_route("desk"))
async def desk_case_page(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages],
    done: Annotated[str | None, Parameter(max_length=20)] = None,
) -> Response[Any]:  # fmt: skip
    return await _draw(request, web, reference, done=done)


async def step(
    request: Request[Any, Any, Any], problems: list[Problem], anchor: str, act: Callable[[], Awaitable[Any]],
    redraw: Callable[[list[Problem]], Awaitable[Response[Any]]], goto: str,
) -> Response[Any]:  # fmt: skip
    """Take a step when its form is right and go to ``goto``; draw the page again, saying what to fix
    (beside ``anchor`` when the service refuses), when it is not."""
    if not problems:
        try:
            await act()
        except SevaError as exc:  # decided meanwhile, a step the case is past, a refused value
            if exc.status == 404:  # not this member of staff's: the error page, as for the page itself
                raise
            text = exc.explanation.hi if language_of(request) == "hi" else exc.explanation.en
            problems = [Problem(anchor, text)]
    if problems:
        return await redraw(problems)
    return Redirect(path=goto, status_code=303)


def _again(
    request: Request[Any, Any, Any], web: Pages, reference: str, form: Mapping[str, Any]
) -> Callable[[list[Problem]], Awaitable[Response[Any]]]:
    async def redraw(problems: list[Problem]) -> Response[Any]:
        return await _draw(request, web, reference, status=400, problems=problems, typed=form)

    return redraw


@post("/desk/{reference:str}/approve", name="desk-approve", status_code=303, **staff_route("desk"))
async def approve(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    form = dict(await request.form())
    remarks = str(form.get("remarks", "")).strip()
    problems = []
    if len(remarks) > 500:
        problems.append(Problem("remarks", web.translate(language_of(request), _TOO_LONG) % {"count": 500}))
    body = IssueBody(remarks=remarks or None)
    caller = current_caller(request)
    return await step(
        request, problems, "remarks",
        lambda: web.desk.approve(caller, reference, body),
        _again(request, web, reference, form), f"/desk/{reference}?done=approved",
    )  # fmt: skip


@post("/desk/{reference:str}/reject", name="desk-reject", status_code=303, **staff_route("desk"))
async def reject(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    form = dict(await request.form())
    reason, problems = both_languages(form, "reason", language_of(request), web)
    caller = current_caller(request)
    return await step(
        request, problems, "reason-en",
        lambda: web.desk.reject(caller, reference, RejectBody(reason=reason)),  # type: ignore[arg-type]
        _again(request, web, reference, form), f"/desk/{reference}?done=rejected",
    )  # fmt: skip


@post("/desk/{reference:str}/return", name="desk-return", status_code=303, **staff_route("desk"))
async def return_case(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    raw = await request.form()
    form = dict(raw)
    documents = sorted({str(d) for d in raw.getall("documents", []) if str(d)})[:20]
    form["documents"] = documents
    message, problems = both_languages(form, "message", language_of(request), web)
    caller = current_caller(request)
    return await step(
        request, problems, "message-en",
        lambda: web.desk.return_to_citizen(
            caller, reference, ReturnBody(message=message, documents=documents)  # type: ignore[arg-type]
        ),
        _again(request, web, reference, form), f"/desk/{reference}?done=returned",
    )  # fmt: skip


@post("/desk/{reference:str}/field-verification", name="desk-verify", status_code=303, **staff_route("desk"))
async def send_for_verification(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    form = dict(await request.form())
    language = language_of(request)
    caller = current_caller(request)
    officer = str(form.get("field-officer", ""))
    instructions = str(form.get("instructions", "")).strip()
    days_typed = str(form.get("days", "")).strip()
    problems = []
    if officer not in {staff_id for staff_id, _ in await _field_officers(web, caller)}:
        problems.append(Problem("field-officer", web.translate(language, _CHOOSE_OFFICER)))
    if not instructions:
        problems.append(Problem("instructions", web.translate(language, _SAY_WHAT)))
    elif len(instructions) > _LONGEST:
        problems.append(Problem("instructions", web.translate(language, _TOO_LONG) % {"count": _LONGEST}))
    days = int(days_typed) if days_typed.isdigit() and 1 <= int(days_typed) <= 60 else None
    if days_typed and days is None:
        problems.append(Problem("days", web.translate(language, _DAYS)))
    return await step(
        request, problems, "field-officer",
        lambda: web.desk.send_for_verification(
            caller, reference, VerifyFieldBody(field_officer=officer, instructions=instructions, days=days)
        ),
        _again(request, web, reference, form), f"/desk/{reference}?done=verification",
    )  # fmt: skip


DESK_HANDLERS = [desk_page, desk_case_page, approve, reject, return_case, send_for_verification]
