"""Refusals of the identity capability, each with its stable code, status and titles.

```
SignInRefused            400  a one-time code was not accepted
├── OtpWrongCode         otp_wrong_code (attempts left in the detail)
├── OtpExpired           otp_expired
├── OtpUsed              otp_used
├── OtpLocked            otp_locked
├── OtpSuperseded        otp_superseded
└── OtpUnknown           otp_unknown
RefreshRefused           401  a refresh token was not accepted
├── RefreshInvalid       refresh_invalid (unknown, expired, revoked, member gone)
└── RefreshReused        refresh_reused (the chain is revoked)
ClientRefused            401  client_invalid: no live client with that ID and secret
LoginInvalid             400  invalid_login: neither a mobile number nor a member ID
ClientInvalid            400  invalid_request: a client cannot be made as asked
StaffInvalid             400  invalid_request: a staff account cannot be made as asked
```
Bearer token refusals are the platform's (``gateway.platform.authentication``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from gateway.platform.problems import InvalidRequest, SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "ClientInvalid",
    "ClientRefused",
    "LoginInvalid",
    "OtpExpired",
    "OtpLocked",
    "OtpSuperseded",
    "OtpUnknown",
    "OtpUsed",
    "OtpWrongCode",
    "RefreshInvalid",
    "RefreshReason",
    "RefreshRefused",
    "RefreshReused",
    "SignInReason",
    "SignInRefused",
    "StaffInvalid",
]

SignInReason = Literal["wrong_code", "expired", "used", "locked", "superseded", "unknown"]
RefreshReason = Literal["unknown", "expired", "revoked", "reused", "member_gone"]


class SignInRefused(SevaError):
    """A one-time code was not accepted; ``attempts_left`` is set after a wrong code."""

    status = 400
    reason: ClassVar[SignInReason]
    text: ClassVar[Message]

    def __init__(self, attempts_left: int | None = None) -> None:
        en, hi = self.text.en, self.text.hi
        if attempts_left is not None and self.reason == "wrong_code":
            en += f" {attempts_left} attempt{'s' if attempts_left != 1 else ''} left."
            hi += f" {attempts_left} प्रयास शेष।"
        super().__init__(Message(en=en, hi=hi))
        self.attempts_left = attempts_left

    @staticmethod
    def of(reason: SignInReason, attempts_left: int | None = None) -> SignInRefused:
        return _SIGN_IN[reason](attempts_left)


class OtpWrongCode(SignInRefused):
    code, reason = "otp_wrong_code", "wrong_code"
    title = Message(en="The code is not correct", hi="कोड सही नहीं है")
    text = Message(en="The code is not correct.", hi="कोड सही नहीं है।")


class OtpExpired(SignInRefused):
    code, reason = "otp_expired", "expired"
    title = Message(en="The code has expired", hi="कोड की समय-सीमा समाप्त हो गई है")
    text = Message(
        en="The code has expired; ask for a new one.", hi="कोड की समय-सीमा समाप्त हो गई है; नया कोड मांगें।"
    )


class OtpUsed(SignInRefused):
    code, reason = "otp_used", "used"
    title = Message(en="The code has already been used", hi="यह कोड पहले ही उपयोग हो चुका है")
    text = Message(
        en="This code was used already; ask for a new one.", hi="यह कोड पहले ही उपयोग हो चुका है; नया कोड मांगें।"
    )


class OtpLocked(SignInRefused):
    code, reason = "otp_locked", "locked"
    title = Message(en="Too many wrong codes", hi="बहुत अधिक गलत कोड")
    text = Message(
        en="Three wrong codes: this code is locked. Ask for a new one.",
        hi="तीन बार गलत कोड: यह कोड बंद कर दिया गया है। नया कोड मांगें।",
    )


class OtpSuperseded(SignInRefused):
    code, reason = "otp_superseded", "superseded"
    title = Message(en="A newer code was sent", hi="एक नया कोड भेजा गया है")
    text = Message(
        en="A newer code was sent; use the newest one.", hi="एक नया कोड भेजा गया है; सबसे नया कोड उपयोग करें।"
    )


class OtpUnknown(SignInRefused):
    code, reason = "otp_unknown", "unknown"
    title = Message(en="No such sign-in is under way", hi="ऐसा कोई साइन-इन जारी नहीं है")
    text = Message(
        en="No sign-in with this challenge is under way; ask for a new code.",
        hi="इस चुनौती से कोई साइन-इन जारी नहीं है; नया कोड मांगें।",
    )


_SIGN_IN: dict[str, type[SignInRefused]] = {
    cls.reason: cls for cls in (OtpWrongCode, OtpExpired, OtpUsed, OtpLocked, OtpSuperseded, OtpUnknown)
}

_REFRESH = {
    "unknown": "The refresh token is not known.",
    "expired": "The refresh token has expired; sign in again.",
    "revoked": "The refresh token was revoked; sign in again.",
    "member_gone": "The member is no longer in the registry.",
}


class RefreshRefused(SevaError):
    """A refresh token was not accepted. ``reused`` means it had been used before: the chain is revoked."""

    code, status = "refresh_invalid", 401
    title = Message(en="The refresh token is not valid", hi="रिफ्रेश टोकन मान्य नहीं है")

    def __init__(self, reason: RefreshReason, detail: Message | None = None) -> None:
        super().__init__(detail)
        self.reason = reason

    @staticmethod
    def of(reason: RefreshReason) -> RefreshRefused:
        return RefreshReused() if reason == "reused" else RefreshInvalid(reason)


class RefreshInvalid(RefreshRefused):
    def __init__(self, reason: RefreshReason) -> None:
        super().__init__(
            reason,
            Message(
                en=_REFRESH.get(reason, _REFRESH["unknown"]), hi="रिफ्रेश टोकन मान्य नहीं है; फिर से साइन-इन करें।"
            ),
        )


class RefreshReused(RefreshRefused):
    code = "refresh_reused"
    title = Message(en="The refresh token was used before", hi="रिफ्रेश टोकन पहले उपयोग हो चुका है")

    def __init__(self) -> None:
        super().__init__(
            "reused",
            Message(
                en="This refresh token was used before, so this sign-in is revoked. Sign in again.",
                hi="यह रिफ्रेश टोकन पहले उपयोग हो चुका है, इसलिए यह साइन-इन रद्द है। फिर से साइन-इन करें।",
            ),
        )


class ClientRefused(SevaError):
    """The client ID and secret do not match a client that is not revoked."""

    code, status = "client_invalid", 401
    title = Message(en="The client credentials are not valid", hi="क्लाइंट क्रेडेंशियल मान्य नहीं हैं")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="The client ID and secret do not match a live client.",
                hi="क्लाइंट आईडी और सीक्रेट किसी सक्रिय क्लाइंट से मेल नहीं खाते।",
            ),
            headers={
                "www-authenticate": 'Bearer realm="seva", error="invalid_client", '
                'error_description="unknown client or wrong secret"'
            },
        )


class LoginInvalid(SevaError):
    """The text is neither a mobile number nor a member ID."""

    code, status = "invalid_login", 400
    title = Message(en="Not a mobile number or member ID", hi="मोबाइल नंबर या सदस्य आईडी नहीं है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="Enter a 10-digit mobile number or a 9-digit member ID.",
                hi="10 अंकों का मोबाइल नंबर या 9 अंकों की सदस्य आईडी दर्ज करें।",
            ),
            errors=[
                FieldError(
                    field="body.login", message="enter a 10-digit mobile number or a 9-digit member ID"
                )
            ],
        )


class ClientInvalid(InvalidRequest):
    """A client cannot be made as asked (a role that needs a department without one, and the like)."""

    def __init__(self, why: str) -> None:
        super().__init__(Message(en=f"{why}.", hi=f"क्लाइंट नहीं बनाया जा सका: {why}।"))
        self.why = why

    def __str__(self) -> str:
        return self.why


class StaffInvalid(InvalidRequest):
    """A staff account cannot be made as asked; ``field`` names why."""

    def __init__(self, field: str, why: str, why_hi: str) -> None:
        super().__init__(
            Message(en=f"{field}: {why}.", hi=f"{field}: {why_hi}।"),
            errors=[FieldError(field=f"body.{field}", message=why)],
        )
        self.field = field
