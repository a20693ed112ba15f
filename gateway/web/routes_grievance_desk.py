"""The officer's grievance inbox on the web page: the grievances with the officer now (their department,
level and position, their district unless the level is state-wide), the nearest limit first with the days
left or overdue, and one grievance with its timeline and a form for each step the routing file allows at
its level: attend, reply, ask the citizen, resolve with an action note, forward, escalate, send back,
special closure (propose or make) and force closure (the first tells the citizen, a later one closes).

Every page and step calls the grievance service the JSON API calls. The page of a grievance that is not
with the officer is "not found" (it shows nothing); a step on one (it moved up meanwhile, or never was
theirs) brings the inbox with the service's refusal in words; a step the service refuses otherwise (the
transfer cap reached, a force closure before the notice has run, a step the grievance is past) is drawn
beside its form. All in the page's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import Redirect, Response

from catalogue.grievance_routing import Level
from gateway.grievances.errors import OutsideJurisdiction
from gateway.grievances.service import ACTIVE
from gateway.platform.guard import Caller, current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import staff_route
from gateway.web.routes_grievances import KINDS, grievance_number, grievance_topics
from schemas.grievances_api import ClosureBody, ForwardBody, GrievanceOut, NoteBody

__all__ = ["EVENTS", "GRIEVANCE_DESK_HANDLERS", "STATUSES"]

Number = Annotated[str, Parameter(max_length=24)]
_LONGEST = 2000
STATUSES = {
    "open": N_("Open"),
    "attended": N_("Attended"),
    "info_requested": N_("Waiting for the citizen"),
    "resolved": N_("Resolved: waiting for the citizen's say"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"),
}
EVENTS = {
    "filed": N_("Filed"),
    "attended": N_("Attended"),
    "replied": N_("Officer replied"),
    "info_requested": N_("Citizen asked for information"),
    "answered": N_("Citizen answered"),
    "reminded": N_("Citizen sent a reminder"),
    "resolved": N_("Resolved"),
    "forwarded": N_("Forwarded"),
    "escalated": N_("Moved up a level"),
    "lapsed": N_("Moved up: the time limit passed"),
    "sent_back": N_("Sent back a level"),
    "special_closure_proposed": N_("Special closure proposed"),
    "special_closed": N_("Closed by special closure"),
    "force_notice": N_("Citizen told of a closure without consent"),
    "force_closed": N_("Closed without the citizen's consent"),
    "satisfied": N_("Citizen satisfied"),
    "not_satisfied": N_("Citizen not satisfied: reopened"),
    "withdrawn": N_("Withdrawn by the citizen"),
}
_WRITE = N_("Write it, in at most %(count)s characters.")
_TOPIC = N_("Choose the department and category to forward to.")
_DISTRICT = N_("Choose the district.")
_NO_LONGER = N_("This grievance is not with you now.")


@dataclass(frozen=True, slots=True)
class _Action:
    """One step's form: its note field (none for attend) and the service call it makes."""

    field: str | None
    call: Callable[[Pages, Caller, str, str, Mapping[str, str]], Awaitable[Any]]


def _note(name: str) -> Callable[[Pages, Caller, str, str, Mapping[str, str]], Awaitable[Any]]:
    async def call(web: Pages, caller: Caller, number: str, note: str, form: Mapping[str, str]) -> Any:
        return await getattr(web.grievances, name)(caller, number, NoteBody(note=note))

    return call


async def _attend(web: Pages, caller: Caller, number: str, note: str, form: Mapping[str, str]) -> Any:
    return await web.grievances.attend(caller, number)


async def _forward(web: Pages, caller: Caller, number: str, note: str, form: Mapping[str, str]) -> Any:
    department, _, category = form["topic"].partition("/")
    body = ForwardBody(note=note, department=department, category=category, district=form["district"])
    return await web.grievances.forward(caller, number, body)


async def _special(web: Pages, caller: Caller, number: str, note: str, form: Mapping[str, str]) -> Any:
    propose = form.get("mode") != "make"  # the page says which its level allows; the service decides
    return await web.grievances.special_closure(caller, number, ClosureBody(reasons=note, propose=propose))


async def _force(web: Pages, caller: Caller, number: str, note: str, form: Mapping[str, str]) -> Any:
    return await web.grievances.force_closure(caller, number, ClosureBody(reasons=note))


_ACTIONS = {
    "attend": _Action(None, _attend),
    "reply": _Action("reply-note", _note("reply")),
    "ask": _Action("ask-note", _note("ask_info")),
    "resolve": _Action("resolve-note", _note("resolve")),
    "forward": _Action("forward-note", _forward),
    "escalate": _Action("escalate-note", _note("escalate")),
    "send-back": _Action("send-back-note", _note("send_back")),
    "special-closure": _Action("special-closure-note", _special),
    "force-closure": _Action("force-closure-note", _force),
}


def allowed(grievance: GrievanceOut, level: Level | None, top: int) -> list[str]:
    """The steps whose forms the page shows: those the grievance's status and its level's rules allow."""
    if grievance.status not in ACTIVE:
        return []
    steps = ["reply", "resolve", "forward"]
    if grievance.status == "open":
        steps.insert(0, "attend")
    if grievance.status in ("open", "attended"):
        steps.append("ask")
    if grievance.level < top:
        steps.append("escalate")
    if level is not None and level.send_back:
        steps.append("send-back")
    if level is not None and level.special_closure in ("propose", "make"):
        steps.append("special-closure")
    if level is not None and level.force_closure:
        steps.append("force-closure")
    return steps


def _told(grievance: GrievanceOut) -> bool:
    """Whether the citizen was told of a force closure at this level (a level change clears the notice)."""
    for event in reversed(grievance.timeline):
        if event.kind == "force_notice":
            return event.level == grievance.level
        if event.kind in ("escalated", "lapsed", "sent_back", "not_satisfied", "forwarded"):
            return False
    return False


async def _draw(
    request: Request[Any, Any, Any], web: Pages, number: str, *, status: int = 200,
    problems: list[Problem] | None = None, typed: Mapping[str, Any] | None = None, done: str | None = None,
) -> Response[Any]:  # fmt: skip
    grievance, level = await web.grievances.at_desk(current_caller(request), number)
    route = web.grievances.routing.department(grievance.department)
    top = route.top if route is not None else grievance.level
    kept = {"topic": f"{grievance.department}/{grievance.category}", "district": grievance.district}
    steps = allowed(grievance, level, top)
    shown = {f for step in steps for f in (f"{step}-note", f"{step}-button")} | (
        {"topic", "district"} if "forward" in steps else set()
    )
    # A refusal of a step whose form is gone (decided meanwhile) is said above the steps left.
    problems = [p if p.anchor in shown else Problem("steps", p.message) for p in problems or []]
    return web.site.page(
        request, "grievance_desk_case.html", status=status, grievance=grievance, level=level,
        route=route, steps=steps, told=_told(grievance), kinds=KINDS,
        statuses=STATUSES, events=EVENTS, topics=grievance_topics(web),
        districts=web.services.current.districts, problems=problems, typed=kept | dict(typed or {}),
        done=done if done in _ACTIONS else None, longest=_LONGEST,
        department=web.services.current.departments.get(grievance.department),
    )  # fmt: skip


@get("/grievance-inbox", name="grievance-inbox", **staff_route("grievance_desk"))
async def inbox_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    page = await web.grievances.inbox(current_caller(request))
    return _inbox(request, web, page.items, page.level)


def _inbox(
    request: Request[Any, Any, Any], web: Pages, items: list[Any], level: int,
    problems: list[Problem] | None = None, status: int = 200,
) -> Response[Any]:  # fmt: skip
    return web.site.page(
        request, "grievance_inbox.html", status=status, items=items, level=level, kinds=KINDS,
        statuses=STATUSES, routing=web.grievances.routing, departments=web.services.current.departments,
        problems=problems or [],
    )  # fmt: skip


@get("/grievance-inbox/{number:str}", name="grievance-desk-case", **staff_route("grievance_desk"))
async def grievance_case_page(
    request: Request[Any, Any, Any], number: Number, web: NamedDependency[Pages],
    done: Annotated[str | None, Parameter(max_length=20)] = None,
) -> Response[Any]:  # fmt: skip
    return await _draw(request, web, grievance_number(number), done=done)


@post(
    "/grievance-inbox/{number:str}/{action:str}",
    name="grievance-desk-step",
    status_code=303,
    **staff_route("grievance_desk"),
)
async def grievance_step(
    request: Request[Any, Any, Any],
    number: Number,
    action: Annotated[str, Parameter(max_length=20)],
    web: NamedDependency[Pages],
) -> Response[Any]:
    number = grievance_number(number)
    caller = current_caller(request)
    chosen = _ACTIONS.get(action)
    if chosen is None:
        raise NotFoundException()
    raw = await request.form()
    form = {k: str(v).strip() for k, v in raw.items() if isinstance(v, str)}
    language = language_of(request)
    problems = []
    note = form.get(chosen.field, "") if chosen.field else ""
    if chosen.field and not 1 <= len(note) <= _LONGEST:
        problems.append(Problem(chosen.field, web.translate(language, _WRITE) % {"count": _LONGEST}))
    if action == "forward":
        topics = {value for _, choices in grievance_topics(web) for value, _ in choices}
        if form.get("topic") not in topics:
            problems.append(Problem("topic", web.translate(language, _TOPIC)))
        if form.get("district") not in web.services.current.districts:
            problems.append(Problem("district", web.translate(language, _DISTRICT)))
    anchor = chosen.field or f"{action}-button"
    status = 400
    if not problems:
        try:
            await chosen.call(web, caller, number, note, form)
        except OutsideJurisdiction as exc:  # not with this officer (moved on meanwhile, or never was): the
            # service's words on the inbox, and nothing of the grievance
            page = await web.grievances.inbox(caller)
            why = exc.explanation.hi if language == "hi" else exc.explanation.en
            words = Problem("inbox", f"{web.translate(language, _NO_LONGER)} ({why})")
            return _inbox(request, web, page.items, page.level, [words], status=403)
        except SevaError as exc:
            if exc.status == 404 or exc.status >= 500:
                raise
            text = exc.explanation.hi if language == "hi" else exc.explanation.en
            problems, status = [Problem(anchor, text)], exc.status
    if problems:
        return await _draw(request, web, number, status=status, problems=problems, typed=form)
    return Redirect(path=f"/grievance-inbox/{number}?done={action}", status_code=303)


GRIEVANCE_DESK_HANDLERS = [inbox_page, grievance_case_page, grievance_step]
