"""Signing in with a one-time code, and signing out.

The code goes to the mobile number the registry holds (asked for by mobile number or member ID) through
the identity service the API uses; which sign-in is under way is kept in a short-lived cookie on the
person's own phone (the challenge and what they typed, for sending a new code), never in a URL. A right
code starts a session kept in the database; signing out ends it in every gateway process.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, unquote

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Response

from family_registry.mobile import mask_mobile
from gateway.identity import LoginInvalid, OtpLocked, SignInRefused
from gateway.notifications import NotificationFailed
from gateway.platform.guard import current_actor, optional_principal
from gateway.platform.masking import mask_id
from gateway.platform.problems import TooManyRequests
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY
from gateway.web.render import safe_next
from gateway.web.sessions import SESSION_COOKIE

__all__ = ["SIGNIN_COOKIE", "SIGNIN_HANDLERS"]

SIGNIN_COOKIE = "seva_signin"
Next = Annotated[str | None, Parameter(max_length=500)]
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_ENTER_LOGIN = N_("Enter your mobile number (10 digits) or your member ID (9 digits)")
_ENTER_CODE = N_("Enter the 6-digit code from the text message")
_WAIT = N_("Wait %(seconds)s seconds, then ask for a new code")
_NOT_SENT = N_("We could not send the text message just now. Try again in a few minutes.")
_START_AGAIN = N_("This sign-in has ended. Ask for a new code.")


def _shown_login(login: str) -> str:
    digits = login.translate(_DIGITS).replace(" ", "").removeprefix("+91").lstrip("0")
    if len(digits) == 10:
        return mask_mobile(digits)
    return mask_id(digits) if digits.isdigit() else "…"


def _pending(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    """The challenge under way and the login it was asked for, from the sign-in cookie."""
    value = request.cookies.get(SIGNIN_COOKIE, "")
    challenge, _, login = value.partition(".")
    if len(challenge) != 32 or not login:
        return None
    return challenge, unquote(login)


def _wait(error: TooManyRequests) -> str:
    return error.headers.get("retry-after", "30")


@get("/sign-in", name="sign-in", **POLICY.route("page"))
async def sign_in_page(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], next: Next = None
) -> Response[Any]:
    ended = "ended" in request.query_params  # sent here because a session ran out
    return web.site.page(
        request, "sign_in.html", next=safe_next(next), login="", problems=[], ended=ended,
        demo_login=await web.demo_login(),
    )  # fmt: skip


@post("/sign-in", name="send-code", status_code=303, **POLICY.route("signin"))
async def send_code(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
) -> Response[Any]:
    form = await request.form()
    login = str(form.get("login", "")).strip()[:40]
    goto = safe_next(str(form.get("next", "")))
    resend = form.get("resend") == "1"
    language = language_of(request)

    def t(message: str) -> str:
        return web.catalogues.gettext(language, message)

    def again(text: str, status: int) -> Response[Any]:
        problem = Problem("login" if not resend else "code", text)
        if resend:
            return web.site.page(
                request, "sign_in_code.html", status=status, next=goto, login=login,
                shown=_shown_login(login), problems=[problem], locked=False,
            )  # fmt: skip
        return web.site.page(
            request, "sign_in.html", status=status, next=goto, login=login, problems=[problem]
        )

    if not login:
        return again(t(_ENTER_LOGIN), 400)
    try:
        sent = await web.identity.send_code(login, current_actor(request))
    except LoginInvalid:
        return again(t(_ENTER_LOGIN), 400)
    except TooManyRequests as exc:
        return again(t(_WAIT) % {"seconds": _wait(exc)}, 429)
    except NotificationFailed:
        return again(t(_NOT_SENT), 503)
    redirect = Redirect(path=f"/sign-in/code?next={quote(goto, safe='')}", status_code=303)
    redirect.set_cookie(
        SIGNIN_COOKIE, f"{sent.challenge_id}.{quote(login, safe='')}", max_age=sent.expires_in,
        path="/sign-in", httponly=True, samesite="lax", secure=web.site.https,
    )  # fmt: skip
    return redirect


@get("/sign-in/code", name="code", **POLICY.route("page"))
async def code_page(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], next: Next = None
) -> Response[Any]:
    pending = _pending(request)
    goto = safe_next(next)
    if pending is None:
        return Redirect(path=f"/sign-in?next={quote(goto, safe='')}", status_code=303)
    return web.site.page(
        request, "sign_in_code.html", next=goto, login=pending[1], shown=_shown_login(pending[1]),
        problems=[], locked=False,
    )  # fmt: skip


@post("/sign-in/code", name="check-code", status_code=303, **POLICY.route("signin"))
async def check_code(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
) -> Response[Any]:
    form = await request.form()
    goto = safe_next(str(form.get("next", "")))
    code = str(form.get("code", "")).translate(_DIGITS).replace(" ", "").strip()[:12]
    language = language_of(request)
    pending = _pending(request)
    if pending is None:
        problem = Problem("code", web.catalogues.gettext(language, _START_AGAIN))
        return web.site.page(request, "sign_in.html", status=400, next=goto, login="", problems=[problem])
    challenge, login = pending

    def again(message: str, locked: bool = False) -> Response[Any]:
        return web.site.page(
            request, "sign_in_code.html", status=400, next=goto, login=login, shown=_shown_login(login),
            problems=[Problem("code", message)], locked=locked,
        )  # fmt: skip

    if not code.isdigit():
        return again(web.catalogues.gettext(language, _ENTER_CODE))
    try:
        member = await web.identity.confirm_code(challenge, code, current_actor(request))
    except SignInRefused as exc:
        text = exc.explanation.hi if language == "hi" else exc.explanation.en
        return again(text, locked=isinstance(exc, OtpLocked) or exc.code != "otp_wrong_code")
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:
        await web.sessions.revoke(
            earlier, current_actor(request)
        )  # a new session, never one chosen before sign-in
    value = await web.sessions.create(member.member_id, member.family_id, current_actor(request))
    redirect = Redirect(path=goto, status_code=303)
    redirect.set_cookie(SESSION_COOKIE, value, path="/", httponly=True, samesite="lax", secure=web.site.https)
    redirect.delete_cookie(SIGNIN_COOKIE, path="/sign-in")
    return redirect


@get("/sign-out", name="sign-out-page", **POLICY.route("page"))
async def sign_out_page(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    """The sign-out button, on a page of its own: no other page then carries a CSRF token, so a page
    drawn once can be kept (``Site.page``)."""
    if optional_principal(request) is None:
        return Redirect(path="/", status_code=303)
    return web.site.page(request, "sign_out.html")


@post("/sign-out", name="sign-out", status_code=303, **POLICY.route("signout"))
async def sign_out(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
) -> Redirect:
    value = request.cookies.get(SESSION_COOKIE)
    if value:
        await web.sessions.revoke(value, current_actor(request))
    redirect = Redirect(path="/?signed-out", status_code=303)
    redirect.delete_cookie(SESSION_COOKIE, path="/")
    return redirect


SIGNIN_HANDLERS = [sign_in_page, send_code, code_page, check_code, sign_out_page, sign_out]
