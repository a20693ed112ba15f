"""Identity, rate-limit and audit errors as problem documents: the only place they meet HTTP."""

from __future__ import annotations

from gateway.audit.trail import HeadMissing
from gateway.identity.clients import ClientInvalid
from gateway.identity.errors import (
    ClientRefused,
    NotificationFailed,
    RefreshRefused,
    SignInRefused,
    TokenRefused,
)
from gateway.identity.login import LoginInvalid
from gateway.problems import Problem, ProblemMapper
from gateway.ratelimit.counter import RateLimited
from schemas.problem import FieldError, Message

__all__ = ["problem_mappers"]

_SIGN_IN = {
    "wrong_code": ("otp_wrong_code", "The code is not correct.", "कोड सही नहीं है।"),
    "expired": (
        "otp_expired",
        "The code has expired; ask for a new one.",
        "कोड की समय-सीमा समाप्त हो गई है; नया कोड मांगें।",
    ),
    "used": (
        "otp_used",
        "This code was used already; ask for a new one.",
        "यह कोड पहले ही उपयोग हो चुका है; नया कोड मांगें।",
    ),
    "locked": (
        "otp_locked",
        "Three wrong codes: this code is locked. Ask for a new one.",
        "तीन बार गलत कोड: यह कोड बंद कर दिया गया है। नया कोड मांगें।",
    ),
    "superseded": (
        "otp_superseded",
        "A newer code was sent; use the newest one.",
        "एक नया कोड भेजा गया है; सबसे नया कोड उपयोग करें।",
    ),
    "unknown": (
        "otp_unknown",
        "No sign-in with this challenge is under way; ask for a new code.",
        "इस चुनौती से कोई साइन-इन जारी नहीं है; नया कोड मांगें।",
    ),
}

_TOKEN = {
    "missing": (
        "unauthorized",
        "Sign in and send 'Authorization: Bearer <token>'.",
        "साइन-इन करें और 'Authorization: Bearer <token>' भेजें।",
    ),
    "malformed_header": (
        "authorization_malformed",
        "Send 'Authorization: Bearer <token>'.",
        "'Authorization: Bearer <token>' भेजें।",
    ),
    "expired": (
        "token_expired",
        "The access token has expired; refresh it or sign in again.",
        "एक्सेस टोकन की समय-सीमा समाप्त हो गई है; उसे रिफ्रेश करें या फिर से साइन-इन करें।",
    ),
}

_REFRESH = {
    "unknown": "The refresh token is not known.",
    "expired": "The refresh token has expired; sign in again.",
    "revoked": "The refresh token was revoked; sign in again.",
    "member_gone": "The member is no longer in the registry.",
}


def _bearer(error: str, description: str) -> dict[str, str]:
    return {"www-authenticate": f'Bearer realm="seva", error="{error}", error_description="{description}"'}


def sign_in_problem(exc: SignInRefused) -> Problem:
    code, en, hi = _SIGN_IN[exc.reason]
    if exc.reason == "wrong_code" and exc.attempts_left is not None:
        en += f" {exc.attempts_left} attempt{'s' if exc.attempts_left != 1 else ''} left."
        hi += f" {exc.attempts_left} प्रयास शेष।"
    return Problem(code, Message(en=en, hi=hi))


def token_problem(exc: TokenRefused) -> Problem:
    if exc.reason in _TOKEN:
        code, en, hi = _TOKEN[exc.reason]
    else:
        code = "token_invalid"
        en = f"The access token is not valid: {exc.detail or exc.reason}."
        hi = f"एक्सेस टोकन मान्य नहीं है: {exc.detail or exc.reason}।"
    error = "invalid_request" if exc.reason in ("missing", "malformed_header") else "invalid_token"
    return Problem(code, Message(en=en, hi=hi), headers=_bearer(error, en.replace('"', "'")))


def refresh_problem(exc: RefreshRefused) -> Problem:
    if exc.reason == "reused":
        return Problem(
            "refresh_reused",
            Message(
                en="This refresh token was used before, so this sign-in is revoked. Sign in again.",
                hi="यह रिफ्रेश टोकन पहले उपयोग हो चुका है, इसलिए यह साइन-इन रद्द है। फिर से साइन-इन करें।",
            ),
        )
    return Problem(
        "refresh_invalid", Message(en=_REFRESH[exc.reason], hi="रिफ्रेश टोकन मान्य नहीं है; फिर से साइन-इन करें।")
    )


def client_problem(_: ClientRefused) -> Problem:
    return Problem(
        "client_invalid",
        Message(
            en="The client ID and secret do not match a live client.",
            hi="क्लाइंट आईडी और सीक्रेट किसी सक्रिय क्लाइंट से मेल नहीं खाते।",
        ),
        headers=_bearer("invalid_client", "unknown client or wrong secret"),
    )


def notification_problem(exc: NotificationFailed) -> Problem:
    return Problem(
        "notification_failed",
        Message(
            en=f"The code could not be sent: {exc}. Try again shortly.",
            hi="कोड नहीं भेजा जा सका। थोड़ी देर बाद फिर प्रयास करें।",
        ),
        headers={"retry-after": "30"},
    )


def login_problem(exc: LoginInvalid) -> Problem:
    return Problem(
        "invalid_login",
        Message(
            en="Enter a 10-digit mobile number or a 9-digit member ID.",
            hi="10 अंकों का मोबाइल नंबर या 9 अंकों की सदस्य आईडी दर्ज करें।",
        ),
        errors=[FieldError(field="body.login", message=str(exc))],
    )


def client_invalid_problem(exc: ClientInvalid) -> Problem:
    return Problem("invalid_request", Message(en=f"{exc}.", hi=f"क्लाइंट नहीं बनाया जा सका: {exc}।"))


def rate_problem(exc: RateLimited) -> Problem:
    seconds = exc.retry_after
    return Problem(
        "rate_limited",
        Message(
            en=f"Too many requests; try again in {seconds} seconds.",
            hi=f"बहुत अधिक अनुरोध; {seconds} सेकंड बाद फिर प्रयास करें।",
        ),
        headers={"retry-after": str(seconds)},
    )


def audit_missing_problem(_: HeadMissing) -> Problem:
    return Problem(
        "unavailable",
        Message(
            en="The audit trail is not set up; run `seva db upgrade`.",
            hi="ऑडिट ट्रेल तैयार नहीं है; `seva db upgrade` चलाएं।",
        ),
    )


def problem_mappers() -> dict[type[Exception], ProblemMapper]:
    return {
        SignInRefused: sign_in_problem,
        TokenRefused: token_problem,
        RefreshRefused: refresh_problem,
        ClientRefused: client_problem,
        NotificationFailed: notification_problem,
        LoginInvalid: login_problem,
        ClientInvalid: client_invalid_problem,
        RateLimited: rate_problem,
        HeadMissing: audit_missing_problem,
    }
