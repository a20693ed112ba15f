"""Applying: the form made from the service's fields, a check page, and submit.

The form asks only what the registry does not hold (``ApplicationService.prepare`` says which fields it
fills and which documents it stands in for); documents already stored are shown attached, each missing one
gets an upload with the size limit said before it, and a phone photo over the limit is made smaller on the
server (``photos.reduce_photo``) rather than refused. The answers wait in a draft kept with the session,
with the idempotency key the submission will carry: a second tap or a reload files one application.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from gateway.applications import FormInvalid, NotAnApplication, Preparation
from gateway.documents import NewDocument
from gateway.families import UnknownMember
from gateway.platform.guard import Caller, current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem, answers_as_typed, problems_of, read_answers, typed_values
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.photos import reduce_photo
from gateway.web.policy import POLICY, without_form
from gateway.web.sessions import SESSION_COOKIE
from schemas.applications_api import ApplicationCreate

__all__ = ["APPLY_HANDLERS"]

Code = Annotated[str, Parameter(max_length=80)]
MemberId = Annotated[str, Parameter(max_length=16)]
_UPLOAD = N_("Choose a file for: %(document)s")
_TOO_BIG = N_("%(document)s: the file is larger than %(mb)s MB. Send a smaller file or a photo.")


def _session(request: Request[Any, Any, Any]) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def _form_at(code: str, member_id: str) -> str:
    return f"/apply/{code}/{member_id}"


def _document_name(web: Pages, doc_type: str, language: str) -> str:
    declared = web.services.current.document_types.get(doc_type)
    if declared is None:
        return doc_type
    return declared.name.hi if language == "hi" else declared.name.en


def _form_page(
    request: Request[Any, Any, Any],
    web: Pages,
    prep: Preparation,
    typed: dict[str, str],
    problems: list[Problem],
    status: int = 200,
) -> Response[Any]:
    return web.site.page(request, "apply.html", status=status, prep=prep, typed=typed, problems=problems)


def _applying() -> dict[str, Any]:
    """The access rule and declared errors of every page on the way to an application."""
    return POLICY.route("apply", UnknownMember, NotAnApplication)


@get("/apply/{code:str}", name="apply-yourself", **without_form(POLICY.route("apply")))
async def apply_yourself(request: Request[Any, Any, Any], code: Code) -> Redirect:
    """From a service's page: the signed-in person applies for themselves (a signed-out one signs in
    first and comes back here)."""
    member_id = current_caller(request).signed_in.member_id or ""
    return Redirect(path=_form_at(code, member_id), status_code=303)


@get("/apply/{code:str}/{member_id:str}", name="apply", **_applying())
async def apply_form(
    request: Request[Any, Any, Any], code: Code, member_id: MemberId, web: NamedDependency[Pages]
) -> Response[Any]:
    prep = await web.applications.prepare(current_caller(request), code, member_id)
    session = _session(request)
    draft = await web.sessions.draft(session, code, member_id) if session else None
    typed = answers_as_typed(prep.asked, draft.form) if draft is not None and draft.reference is None else {}
    return _form_page(request, web, prep, typed, [])


async def _upload_missing(
    web: Pages,
    caller: Caller,
    prep: Preparation,
    form: Any,
    translate: Callable[[str], str],
    language: str,
) -> list[Problem]:
    """Store each file chosen for a missing document; what could not be stored, and why."""
    missing = [need.type for need in prep.documents if need.status == "missing"]
    return await store_uploads(web, caller, prep.member_id, missing, form, translate, language)


async def store_uploads(
    web: Pages,
    caller: Caller,
    member_id: str,
    doc_types: list[str],
    form: Any,
    translate: Callable[[str], str],
    language: str,
) -> list[Problem]:
    """Store the file chosen in the form's ``d-<type>`` input for each of ``doc_types`` (a phone photo over
    the limit made smaller first); what could not be stored, and why."""
    problems: list[Problem] = []
    largest = web.site.max_photo_bytes
    for doc_type in doc_types:
        upload = form.get(f"d-{doc_type}")
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        data = await upload.read(largest + 1)
        await upload.close()
        if not data:
            continue
        name = _document_name(web, doc_type, language)
        if len(data) > largest:
            message = translate(_TOO_BIG) % {"document": name, "mb": largest >> 20}
            problems.append(Problem(f"d-{doc_type}", message))
            continue
        data = await asyncio.to_thread(reduce_photo, data, web.documents.max_bytes)
        new = NewDocument(member_id=member_id, doc_type=doc_type, filename=upload.filename or "")
        try:
            await web.documents.upload_for(caller, new, data)
        except SevaError as exc:
            why = exc.explanation.hi if language == "hi" else exc.explanation.en
            problems.append(Problem(f"d-{doc_type}", f"{name}: {why}"))
    return problems


@post(
    "/apply/{code:str}/{member_id:str}",
    name="apply-answers",
    status_code=303,
    **_applying(),
)
async def apply_answers(
    request: Request[Any, Any, Any], code: Code, member_id: MemberId, web: NamedDependency[Pages]
) -> Response[Any]:
    form = await request.form()
    caller = current_caller(request)
    language = language_of(request)

    def translate(message: str) -> str:
        return web.translate(language, message)

    prep = await web.applications.prepare(caller, code, member_id)
    if prep.verdict.status != "eligible":
        return _form_page(request, web, prep, {}, [], status=422)
    problems = await _upload_missing(web, caller, prep, form, translate, language)
    answers, not_dates = read_answers(prep.asked, form, language, translate)
    problems.extend(not_dates)
    try:
        prep = await web.applications.prepare(caller, code, member_id, answers)
    except FormInvalid as exc:
        problems.extend(problems_of(exc.problems, prep.asked, language, translate))
        prep = await web.applications.prepare(caller, code, member_id)
    for doc_type in prep.missing_documents:
        if not any(p.anchor == f"d-{doc_type}" for p in problems):
            name = _document_name(web, doc_type, language)
            problems.append(Problem(f"d-{doc_type}", translate(_UPLOAD) % {"document": name}))
    if problems:
        return _form_page(request, web, prep, typed_values(prep.asked, form), problems, status=400)
    await web.sessions.save_draft(_session(request), code, member_id, answers)
    return Redirect(path=f"{_form_at(code, member_id)}/check", status_code=303)


@get("/apply/{code:str}/{member_id:str}/check", name="check", **_applying())
async def check_page(
    request: Request[Any, Any, Any], code: Code, member_id: MemberId, web: NamedDependency[Pages]
) -> Response[Any]:
    session = _session(request)
    draft = await web.sessions.draft(session, code, member_id) if session else None
    if draft is None:
        return Redirect(path=_form_at(code, member_id), status_code=303)
    if draft.reference is not None:
        return Redirect(path=f"/applications/{draft.reference}?submitted", status_code=303)
    try:
        prep = await web.applications.prepare(current_caller(request), code, member_id, draft.form)
    except FormInvalid:
        return Redirect(path=_form_at(code, member_id), status_code=303)  # the catalogue changed meanwhile
    return web.site.page(request, "check.html", prep=prep, answers=draft.form, problems=[])


@post(
    "/apply/{code:str}/{member_id:str}/check",
    name="submit",
    status_code=303,
    **_applying(),
)
async def submit(
    request: Request[Any, Any, Any], code: Code, member_id: MemberId, web: NamedDependency[Pages]
) -> Response[Any]:
    session = _session(request)
    draft = await web.sessions.draft(session, code, member_id) if session else None
    if draft is None:
        return Redirect(path=_form_at(code, member_id), status_code=303)
    if draft.reference is not None:  # a second tap, or a reload: the one application made
        return Redirect(path=f"/applications/{draft.reference}?submitted", status_code=303)
    caller = current_caller(request)
    body = ApplicationCreate(service_code=code, member_id=member_id, form=draft.form)
    try:
        application, _ = await web.applications.submit(caller, body, draft.idempotency_key)
    except FormInvalid:
        return Redirect(path=_form_at(code, member_id), status_code=303)  # the catalogue changed meanwhile
    except SevaError as exc:
        why = exc.explanation.hi if language_of(request) == "hi" else exc.explanation.en
        prep = await web.applications.prepare(caller, code, member_id)
        problems = [Problem("submit", why)]
        return web.site.page(
            request, "check.html", status=422, prep=prep, answers=draft.form, problems=problems
        )
    await web.sessions.filed(session, code, member_id, application.reference)
    return Redirect(path=f"/applications/{application.reference}?submitted", status_code=303)


APPLY_HANDLERS = [apply_yourself, apply_form, apply_answers, check_page, submit]
