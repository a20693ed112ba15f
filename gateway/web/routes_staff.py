"""Staff sign in on the web page: a one-time code to the mobile of their staff account, through the same
identity service (and the same limits) as ``/api/v1/auth/staff/otp``. A right code starts a session that
carries the staff principal, never a family; signing out is the citizen's sign-out. Any staff page (the
desk, appeals, the auditors' reports) declares its rule with ``staff_route`` (gateway/web/policy.py) and gets
the member of staff from the guard, as the citizen's pages get theirs (``current_caller(request)``).
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
from gateway.platform.guard import current_actor
from gateway.platform.principal import Principal
from gateway.platform.problems import TooManyRequests
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import POLICY
from gateway.web.render import safe_next
from gateway.web.sessions import SESSION_COOKIE

__all__ = ["STAFF_SIGNIN_COOKIE", "STAFF_SIGNIN_HANDLERS", "staff_home"]

STAFF_SIGNIN_COOKIE = "seva_staff_signin"
_PATH = "/staff/sign-in"
Next = Annotated[str | None, Parameter(max_length=500)]
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_ENTER_MOBILE = N_("Enter the 10-digit mobile number of your staff account")
_ENTER_CODE = N_("Enter the 6-digit code from the text message")
_WAIT = N_("Wait %(seconds)s seconds, then ask for a new code")
_NOT_SENT = N_("We could not send the text message just now. Try again in a few minutes.")
_START_AGAIN = N_("This sign-in has ended. Ask for a new code.")


def staff_home(principal: Principal) -> str:
    """Where a member of staff starts: an officer's desk, an appellate authority's appeals, an auditor's
    report on the guarantee's time limits."""
    return {"officer": "/desk", "appellate": "/appeals", "auditor": "/reports/guarantee"}.get(
        principal.role, "/"
    )


def _mobile(text: str) -> str:
    return text.translate(_DIGITS).replace(" ", "").strip()[:20]


def _pending(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    challenge, _, mobile = request.cookies.get(STAFF_SIGNIN_COOKIE, "").partition(".")
    if len(challenge) != 32 or not mobile:
        return None
    return challenge, unquote(mobile)


def _shown(mobile: str) -> str:
    digits = mobile.removeprefix("+91").lstrip("0")
    return mask_mobile(digits) if len(digits) == 10 and digits.isdigit() else "…"


@get(_PATH, name="staff-sign-in", **POLICY.route("page"))
async def staff_sign_in_page(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], next: Next = None
) -> Response[Any]:
    return web.site.page(
        request, "staff_sign_in.html", next=safe_next(next, ""), mobile="", problems=[],
        ended="ended" in request.query_params,
    )  # fmt: skip


@post(_PATH, name="staff-send-code", status_code=303, **POLICY.route("signin"))
async def staff_send_code(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    form = await request.form()
    mobile = _mobile(str(form.get("mobile", "")))
    goto = safe_next(str(form.get("next", "")), "")
    resend = form.get("resend") == "1"
    language = language_of(request)

    def again(message: str, status: int) -> Response[Any]:
        text = web.translate(language, message)
        if resend:
            return web.site.page(
                request, "staff_sign_in_code.html", status=status, next=goto, mobile=mobile,
                shown=_shown(mobile), problems=[Problem("code", text)], locked=False,
            )  # fmt: skip
        return web.site.page(
            request, "staff_sign_in.html", status=status, next=goto, mobile=mobile,
            problems=[Problem("mobile", text)], ended=False,
        )  # fmt: skip

    if not mobile:
        return again(_ENTER_MOBILE, 400)
    try:
        sent = await web.identity.send_staff_code(mobile, current_actor(request))
    except LoginInvalid:
        return again(_ENTER_MOBILE, 400)
    except TooManyRequests as exc:
        return again(web.translate(language, _WAIT) % {"seconds": exc.headers.get("retry-after", "30")}, 429)
    except NotificationFailed:
        return again(_NOT_SENT, 503)
    redirect = Redirect(path=f"{_PATH}/code?next={quote(goto, safe='')}", status_code=303)
    redirect.set_cookie(
        STAFF_SIGNIN_COOKIE, f"{sent.challenge_id}.{quote(mobile, safe='')}", max_age=sent.expires_in,
        path=_PATH, httponly=True, samesite="lax", secure=web.site.https,
    )  # fmt: skip
    return redirect


@get(f"{_PATH}/code", name="staff-code", **POLICY.route("page"))
async def staff_code_page(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], next: Next = None
) -> Response[Any]:
    pending = _pending(request)
    goto = safe_next(next, "")
    if pending is None:
        return Redirect(path=f"{_PATH}?next={quote(goto, safe='')}", status_code=303)
    return web.site.page(
        request, "staff_sign_in_code.html", next=goto, mobile=pending[1], shown=_shown(pending[1]),
        problems=[], locked=False,
    )  # fmt: skip


@post(f"{_PATH}/code", name="staff-check-code", status_code=303, **POLICY.route("signin"))
async def staff_check_code(request: Request[Any, Any, Any], web: NamedDependency[Pages]) -> Response[Any]:
    form = await request.form()
    goto = safe_next(str(form.get("next", "")), "")
    code = str(form.get("code", "")).translate(_DIGITS).replace(" ", "").strip()[:12]
    language = language_of(request)
    pending = _pending(request)
    if pending is None:
        problem = Problem("mobile", web.translate(language, _START_AGAIN))
        return web.site.page(
            request, "staff_sign_in.html", status=400, next=goto, mobile="", problems=[problem], ended=False
        )
    challenge, mobile = pending

    def again(message: str, locked: bool = False) -> Response[Any]:
        return web.site.page(
            request, "staff_sign_in_code.html", status=400, next=goto, mobile=mobile, shown=_shown(mobile),
            problems=[Problem("code", message)], locked=locked,
        )  # fmt: skip

    if not code.isdigit():
        return again(web.translate(language, _ENTER_CODE))
    try:
        principal = await web.identity.confirm_staff_code(challenge, code, current_actor(request))
    except SignInRefused as exc:
        text = exc.explanation.hi if language == "hi" else exc.explanation.en
        return again(text, locked=isinstance(exc, OtpLocked) or exc.code != "otp_wrong_code")
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:  # a citizen's session on the same browser ends: one person per session
        await web.sessions.revoke(earlier, current_actor(request))
    value = await web.sessions.create_staff(str(principal.staff_id), current_actor(request))
    redirect = Redirect(path=goto or staff_home(principal), status_code=303)
    redirect.set_cookie(SESSION_COOKIE, value, path="/", httponly=True, samesite="lax", secure=web.site.https)
    redirect.delete_cookie(STAFF_SIGNIN_COOKIE, path=_PATH)
    return redirect


STAFF_SIGNIN_HANDLERS = [staff_sign_in_page, staff_send_code, staff_code_page, staff_check_code]
