"""An appellate authority's appeals on the web page: those open at their level in their district, the
nearest limit first with working days left, and the order (allowed or dismissed, in both languages; at the
second appeal, the penalty on the designated officer). Both call the deadlines service the JSON API calls,
which decides whose appeals an authority hears and refuses a second order."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Response

from gateway.platform.guard import Caller, current_caller
from gateway.platform.problems import NotFound
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import staff_route
from gateway.web.routes_desk import both_languages, step
from schemas.guarantee_api import AppealDecisionBody, AppealOut
from schemas.problem import Message

__all__ = ["APPEALS_HANDLERS"]

AppealId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
_CHOOSE_OUTCOME = N_("Choose whether the appeal is allowed or dismissed.")
_WITHIN = N_("Give the working days as a whole number from 1 to 90, or leave it empty.")
_AMOUNT = N_("Give the penalty in whole rupees, or leave it empty for the rate the Act sets.")


async def _open_appeal(web: Pages, caller: Caller, appeal_id: int) -> AppealOut:
    """The open appeal this authority hears; "not found" for any other."""
    for appeal in await web.deadlines.list_appeals(caller, "open"):
        if appeal.id == appeal_id:
            return appeal
    raise NotFound(
        Message(en=f"No open appeal {appeal_id} is before you.", hi=f"अपील {appeal_id} आपके समक्ष खुली नहीं है।")
    )


@get("/appeals", name="appeals", **staff_route("appeals"))
async def appeals_page(
    request: Request[Any, Any, Any], web: NamedDependency[Pages],
    decided: Annotated[int | None, Parameter(ge=1, le=2**31 - 1)] = None,
) -> Response[Any]:  # fmt: skip
    caller = current_caller(request)
    appeals = await web.deadlines.list_appeals(caller, "open")
    return web.site.page(
        request, "appeals.html", appeals=appeals, decided=decided, level=caller.signed_in.level
    )


async def _draw(
    request: Request[Any, Any, Any], web: Pages, appeal_id: int, *, status: int = 200,
    problems: list[Problem] | None = None, typed: dict[str, Any] | None = None,
) -> Response[Any]:  # fmt: skip
    caller = current_caller(request)
    appeal = await _open_appeal(web, caller, appeal_id)
    guarantee = await web.deadlines.view(caller, appeal.reference)
    return web.site.page(
        request, "appeal_order.html", status=status, appeal=appeal, guarantee=guarantee,
        problems=problems or [], typed=typed or {},
    )  # fmt: skip


@get("/appeals/{appeal_id:int}", name="appeal-order", **staff_route("appeals"))
async def appeal_page(
    request: Request[Any, Any, Any], appeal_id: AppealId, web: NamedDependency[Pages]
) -> Response[Any]:
    return await _draw(request, web, appeal_id)


@post("/appeals/{appeal_id:int}", name="decide-appeal", status_code=303, **staff_route("appeals"))
async def decide(
    request: Request[Any, Any, Any], appeal_id: AppealId, web: NamedDependency[Pages]
) -> Response[Any]:
    form = dict(await request.form())
    language = language_of(request)
    caller = current_caller(request)
    outcome = str(form.get("outcome", ""))
    order, problems = both_languages(form, "order", language, web)
    if outcome not in ("allowed", "dismissed"):
        problems.insert(0, Problem("outcome-allowed", web.translate(language, _CHOOSE_OUTCOME)))
    within_typed = str(form.get("within-days", "")).strip()
    within = int(within_typed) if within_typed.isdigit() and 1 <= int(within_typed) <= 90 else None
    if within_typed and within is None:
        problems.append(Problem("within-days", web.translate(language, _WITHIN)))
    penalty = form.get("penalty") == "yes"
    amount_typed = str(form.get("amount", "")).strip()
    amount = int(amount_typed) if amount_typed.isdigit() and 1 <= int(amount_typed) <= 10_000_000 else None
    if penalty and amount_typed and amount is None:
        problems.append(Problem("amount", web.translate(language, _AMOUNT)))

    async def act() -> None:
        body = AppealDecisionBody(
            outcome=outcome,  # type: ignore[arg-type]
            order=order,  # type: ignore[arg-type]
            within_days=within if outcome == "allowed" else None,
            penalty=penalty,
            amount_inr=amount if penalty else None,
        )
        await web.deadlines.decide_appeal(caller, appeal_id, body)

    async def redraw(shown: list[Problem]) -> Response[Any]:
        return await _draw(request, web, appeal_id, status=400, problems=shown, typed=form)

    return await step(request, problems, "order-en", act, redraw, f"/appeals?decided={appeal_id}")


APPEALS_HANDLERS = [appeals_page, appeal_page, decide]
