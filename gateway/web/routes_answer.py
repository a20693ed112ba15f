"""The citizen's answer to an officer who returned an application for something missing: what the officer
asked, an upload for each document wanted (a phone photo made smaller as on the form), and a note. The
time limit stands still until the answer; the desk's service (the one the JSON API calls) takes it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Response

from gateway.platform.guard import current_caller
from gateway.platform.problems import SevaError
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY
from gateway.web.routes_appeal import Reference
from gateway.web.routes_apply import store_uploads
from schemas.guarantee_api import AnswerBody

__all__ = ["ANSWER_HANDLERS"]

_CHOOSE = N_("Choose the file for %(document)s.")
_LONGEST = 1000


async def _draw(
    request: Request[Any, Any, Any], web: Pages, reference: str, *, status: int = 200, note: str = "",
    problems: list[Problem] | None = None,
) -> Response[Any]:  # fmt: skip
    caller = current_caller(request)
    application = await web.applications.read(caller, reference)  # another family's: not found
    asked = await web.desk.asked(caller, reference)
    if asked is None:
        return Redirect(path=f"/applications/{reference}", status_code=303)
    return web.site.page(
        request, "answer.html", status=status, application=application, asked=asked, note=note,
        problems=problems or [], longest=_LONGEST,
    )  # fmt: skip


@get("/applications/{reference:str}/answer", name="answer", **POLICY.route("answer"))
async def answer_page(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _draw(request, web, reference)


@post("/applications/{reference:str}/answer", name="send-answer", status_code=303, **POLICY.route("answer"))
async def send_answer(
    request: Request[Any, Any, Any], reference: Reference, web: NamedDependency[Pages]
) -> Response[Any]:
    caller = current_caller(request)
    language = language_of(request)
    asked = await web.desk.asked(caller, reference)
    if asked is None:
        return Redirect(path=f"/applications/{reference}", status_code=303)
    form = await request.form()
    note = str(form.get("note", "")).strip()[:_LONGEST]

    def translate(message: str) -> str:
        return web.catalogues.gettext(language, message)

    problems = await store_uploads(web, caller, asked.member_id, asked.documents, form, translate, language)
    if not problems:
        try:
            await web.desk.answer(caller, reference, AnswerBody(note=note))
        except SevaError as exc:  # a document still missing, or the case moved on meanwhile
            still = [
                e.field.removeprefix("documents.") for e in exc.errors if e.field.startswith("documents.")
            ]
            catalogue = web.services.current
            for doc_type in still:
                kind = catalogue.document_types.get(doc_type)
                name = (kind.name.hi if language == "hi" else kind.name.en) if kind else doc_type
                problems.append(Problem(f"d-{doc_type}", translate(_CHOOSE) % {"document": name}))
            if not still:
                text = exc.explanation.hi if language == "hi" else exc.explanation.en
                problems.append(Problem("note", text))
    if problems:
        return await _draw(request, web, reference, status=400, note=note, problems=problems)
    return Redirect(path=f"/applications/{reference}?answered", status_code=303)


ANSWER_HANDLERS = [answer_page, send_answer]
