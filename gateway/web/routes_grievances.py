"""Grievance pages: file one, see your family's, follow one (remind, withdraw, say whether the resolution
satisfied you), and, for anyone holding a number, where a grievance stands.

Each page calls the grievance service the JSON API calls, under the same policy, with the family taken
from the session: another family's grievance is "not found" here too.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from gateway.grievances import GrievanceNotFound, InvalidGrievanceNumber, parse_grievance
from gateway.platform.guard import current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY, without_form
from schemas.grievances_api import FeedbackBody, GrievanceCreate, NoteBody, PhoneCodeBody, PhoneFilingBody

__all__ = ["GRIEVANCE_HANDLERS", "KINDS", "grievance_number", "grievance_topics"]

Number = Annotated[str, Parameter(max_length=24)]
KINDS = {
    "complaint": N_("A complaint"),
    "demand": N_("A demand"),
    "suggestion": N_("A suggestion"),
    "information": N_("A request for information"),
    "corruption": N_("A bribe was asked for"),
    "service_delay": N_("A guaranteed service is late"),
}
_NO_SUCH = N_("No grievance has this number. Check each digit.")
_FIELDS = {"kind", "topic", "district", "place", "text", "application_reference"}


def grievance_number(text: str) -> str:
    try:
        return parse_grievance(text)
    except InvalidGrievanceNumber:
        raise GrievanceNotFound(text[:24]) from None


def grievance_topics(web: Pages) -> list[tuple[Any, list[tuple[str, Any]]]]:
    """(department, [(value, category name)]) for the form's grouped choice."""
    catalogue = web.services.current
    routing = web.grievances.routing
    return [
        (catalogue.departments[code].name, [(f"{code}/{c}", name) for c, name in route.categories.items()])
        for code, route in routing.departments.items()
        if code in catalogue.departments
    ]


def _form(
    request: Request[Any, Any, Any],
    web: Pages,
    typed: dict[str, str],
    problems: list[Problem],
    status: int = 200,
) -> Response[Any]:
    return web.site.page(
        request, "grievance_new.html", status=status, typed={k: "" for k in _FIELDS} | typed,
        problems=problems, kinds=KINDS,
        topics=grievance_topics(web), districts=web.services.current.districts,
    )  # fmt: skip


@get("/grievances", name="grievances", **without_form(POLICY.route("grievances")))
async def grievances_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    page = await web.grievances.mine(current_caller(request))
    return web.site.page(request, "grievances.html", items=page.items, kinds=KINDS)


@get("/grievances/new", name="grievance-new", **POLICY.route("grievance_form"))
async def new_grievance(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    return _form(request, web, {}, [])


@post("/grievances/new", name="grievance-file", status_code=303, **POLICY.route("grievances"))
async def file_grievance(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    form = await request.form()
    typed = {k: str(form.get(k, "")).strip() for k in _FIELDS}
    language = language_of(request)
    problems = []
    if typed["kind"] not in KINDS:
        problems.append(Problem("kind", web.translate(language, N_("Choose what kind of grievance it is"))))
    department, _, category = typed["topic"].partition("/")
    if not typed["application_reference"] and not category:
        problems.append(Problem("topic", web.translate(language, N_("Choose what it is about"))))
    if len(typed["place"]) < 1:
        problems.append(Problem("place", web.translate(language, N_("Write the village, ward or office"))))
    if not 10 <= len(typed["text"]) <= 4000:
        problems.append(
            Problem("text", web.translate(language, N_("Write what happened in 10 to 4000 letters")))
        )
    if problems:
        return _form(request, web, typed, problems, status=400)
    reference = typed["application_reference"] or None
    body = GrievanceCreate(
        kind=typed["kind"],  # type: ignore[arg-type]
        district=typed["district"] or "-",
        place=typed["place"][:200],
        text=typed["text"],
        application_reference=reference,
        department=None if reference else department,
        category=category or None,
        language="hi" if language == "hi" else "en",
    )
    try:
        filed = await web.grievances.file(current_caller(request), body, channel="web")
    except SevaError as exc:
        if exc.status >= 500:
            raise
        field = exc.errors[0].field if exc.errors else "text"
        anchor = {
            "department": "topic",
            "category": "topic",
            "application_reference": "application_reference",
        }.get(field, field)
        why = exc.explanation.hi if language == "hi" else exc.explanation.en
        return _form(request, web, typed, [Problem(anchor if anchor in _FIELDS else "text", why)], status=422)
    return Redirect(path=f"/grievances/{filed.number}?filed", status_code=303)


@get("/grievances/{number:str}", name="grievance", **POLICY.route("grievances", GrievanceNotFound))
async def grievance_page(
    request: Request[Any, Any, Any], number: Number, web: NamedDependency[Pages]
) -> Response[Any]:
    found = await web.grievances.get(current_caller(request), grievance_number(number))
    done = next(
        (k for k in ("filed", "reminded", "withdrawn", "feedback") if k in request.query_params), None
    )
    return web.site.page(
        request, "grievance.html", grievance=found, kinds=KINDS, done=done, problems=[],
        ratings=web.grievances.routing.ratings,
    )  # fmt: skip


async def _step(request: Request[Any, Any, Any], web: Pages, number: str, step: str) -> Response[Any]:
    caller = current_caller(request)
    number = grievance_number(number)
    form = await request.form()
    try:
        if step == "reminded":
            await web.grievances.remind(caller, number)
        elif step == "withdrawn":
            await web.grievances.withdraw(
                caller, number, NoteBody(note=str(form.get("note", "")).strip()[:2000] or "-")
            )
        else:
            await web.grievances.feedback(
                caller, number, FeedbackBody(rating=str(form.get("rating", ""))[:64] or "-")
            )
    except SevaError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        why = exc.explanation.hi if language_of(request) == "hi" else exc.explanation.en
        found = await web.grievances.get(caller, number)
        return web.site.page(
            request, "grievance.html", status=exc.status, grievance=found, kinds=KINDS, done=None,
            problems=[Problem(step, why)], ratings=web.grievances.routing.ratings,
        )  # fmt: skip
    return Redirect(path=f"/grievances/{number}?{step}", status_code=303)


@post(
    "/grievances/{number:str}/remind",
    name="grievance-remind",
    status_code=303,
    **POLICY.route("grievances", GrievanceNotFound),
)
async def remind(
    request: Request[Any, Any, Any], number: Number, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _step(request, web, number, "reminded")


@post(
    "/grievances/{number:str}/withdraw",
    name="grievance-withdraw",
    status_code=303,
    **POLICY.route("grievances", GrievanceNotFound),
)
async def withdraw(
    request: Request[Any, Any, Any], number: Number, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _step(request, web, number, "withdrawn")


@post(
    "/grievances/{number:str}/feedback",
    name="grievance-feedback",
    status_code=303,
    **POLICY.route("grievances", GrievanceNotFound),
)
async def feedback(
    request: Request[Any, Any, Any], number: Number, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _step(request, web, number, "feedback")


def _phone_form(
    request: Request[Any, Any, Any],
    web: Pages,
    typed: dict[str, str],
    problems: list[Problem],
    challenge: str = "",
    status: int = 200,
) -> Response[Any]:
    return web.site.page(
        request, "grievance_phone.html", status=status, typed={k: "" for k in (*_FIELDS, "mobile")} | typed,
        problems=problems, kinds=KINDS, topics=grievance_topics(web),
        districts=web.services.current.districts, challenge=challenge,
    )  # fmt: skip


@get("/grievances/by-phone", name="grievance-phone", **POLICY.route("grievance_phone"))
async def phone_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    """File without signing in: first the mobile number, for a code."""
    return _phone_form(request, web, {}, [])


@post("/grievances/by-phone", name="grievance-phone-file", status_code=303, **POLICY.route("grievance_phone"))
async def phone_file(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    """Without a challenge: send the code. With one: file the grievance with the code."""
    form = await request.form()
    typed = {k: str(form.get(k, "")).strip() for k in (*_FIELDS, "mobile", "code")}
    language = language_of(request)
    caller = current_caller(request)
    challenge = str(form.get("challenge", ""))[:64]
    try:
        if not challenge:
            sent = await web.grievances.send_phone_code(
                PhoneCodeBody(mobile=typed["mobile"][:16] or "-" * 10), caller.actor
            )
            return _phone_form(request, web, typed, [], challenge=sent.challenge_id)
        if not 10 <= len(typed["text"]) <= 4000:
            why = web.translate(language, N_("Write what happened in 10 to 4000 letters"))
            return _phone_form(request, web, typed, [Problem("text", why)], challenge=challenge, status=400)
        department, _, category = typed["topic"].partition("/")
        body = GrievanceCreate(
            kind=typed["kind"] if typed["kind"] in KINDS else "complaint",  # type: ignore[arg-type]
            district=typed["district"] or "-",
            place=typed["place"][:200] or "-",
            text=typed["text"],
            department=department or "-",
            category=category or None,
            language="hi" if language == "hi" else "en",
        )
        filed = await web.grievances.file_by_phone(
            PhoneFilingBody(challenge_id=challenge, code=typed["code"][:8].ljust(4), grievance=body),
            caller.actor,
        )
    except (SevaError, msgspec.ValidationError) as exc:
        if isinstance(exc, SevaError) and exc.status >= 500:
            raise
        if isinstance(exc, SevaError):
            why = exc.explanation.hi if language == "hi" else exc.explanation.en
        else:
            why = web.translate(language, N_("Check what you wrote"))
        anchor = (
            "mobile" if not challenge else ("code" if getattr(exc, "code", "").startswith("otp") else "text")
        )
        return _phone_form(request, web, typed, [Problem(anchor, why)], challenge=challenge, status=400)
    return Redirect(path=f"/track-grievance?number={filed.number}", status_code=303)


@get("/track-grievance", name="track-grievance", **without_form(POLICY.route("track")))
async def track_grievance(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    number: Annotated[str | None, Parameter(max_length=40)] = None,
) -> Response[Any]:
    """Where a grievance stands, for anyone holding its number: nothing about who filed it."""
    if not number or not number.strip():
        return web.site.page(request, "grievance_track.html", number="", found=None, problems=[])
    try:
        found = await web.grievances.status(parse_grievance(number))
    except (InvalidGrievanceNumber, GrievanceNotFound) as exc:
        language = language_of(request)
        why = (
            (exc.message_hi if language == "hi" else exc.message)
            if isinstance(exc, InvalidGrievanceNumber)
            else web.translate(language, _NO_SUCH)
        )
        return web.site.page(
            request, "grievance_track.html", status=404 if isinstance(exc, GrievanceNotFound) else 400,
            number=number, found=None, problems=[Problem("number", why)],
        )  # fmt: skip
    return web.site.page(request, "grievance_track.html", number=number, found=found, problems=[])


GRIEVANCE_HANDLERS = [
    grievances_page,
    new_grievance,
    file_grievance,
    grievance_page,
    remind,
    withdraw,
    feedback,
    track_grievance,
    phone_page,
    phone_file,
]
