"""Why an Open311 call is refused, each with its stable code, status and titles. On the Open311 routes
they leave in the standard's shape (a list of ``{code, description}``, JSON or XML, ``code`` being the
HTTP status); on the administrators' routes as problem documents like every other error.

```
ApiKeyMissing         400  a post without api_key
ApiKeyRefused         403  an api_key no live client application holds
UnknownServiceCode    400  a post naming a service code that is not one of ours
RequestRefused        400  a post missing what a grievance needs, or with a value out of range
ServiceNotFound       404  a service definition asked for by an unknown code
RequestNotFound       404  no service request with that ID
TokenNotFound         404  no token with that ID
Open311AppNotFound    404  revoking a client application that does not exist or is revoked
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "ApiKeyMissing",
    "ApiKeyRefused",
    "Open311AppNotFound",
    "RequestNotFound",
    "RequestRefused",
    "ServiceNotFound",
    "TokenNotFound",
    "UnknownServiceCode",
]


class ApiKeyMissing(SevaError):
    code, status = "open311_api_key_missing", 400
    title = Message(en="An api_key is required to post a request", hi="अनुरोध भेजने के लिए API कुंजी आवश्यक है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="Posting a service request needs the api_key of a registered client application.",
                hi="सेवा अनुरोध भेजने के लिए पंजीकृत क्लाइंट एप्लिकेशन की API कुंजी (api_key) आवश्यक है।",
            ),
            errors=[FieldError(field="api_key", message="required")],
        )


class ApiKeyRefused(SevaError):
    code, status = "open311_api_key_refused", 403
    title = Message(en="The api_key is not valid", hi="यह API कुंजी मान्य नहीं है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="No registered client application holds this api_key, or it was revoked.",
                hi="यह API कुंजी (api_key) किसी पंजीकृत क्लाइंट एप्लिकेशन की नहीं है, या रद्द कर दी गई है।",
            )
        )


class UnknownServiceCode(SevaError):
    code, status = "open311_unknown_service_code", 400
    title = Message(en="Unknown service code", hi="अज्ञात सेवा कोड")

    def __init__(self, service_code: str) -> None:
        shown = service_code[:80]
        super().__init__(
            Message(
                en=f"Service code '{shown}' is not a grievance category (GET services lists them).",
                hi=f"सेवा कोड '{shown}' शिकायत की किसी श्रेणी का नहीं है (GET services सूची देता है)।",
            ),
            errors=[FieldError(field="service_code", message=f"unknown: {shown}")],
        )


class RequestRefused(SevaError):
    code, status = "open311_request_refused", 400
    title = Message(en="The service request cannot be filed as sent", hi="सेवा अनुरोध इस रूप में दर्ज नहीं हो सकता")

    def __init__(self, errors: list[FieldError], hi: str) -> None:
        en = " ".join(f"{e.field}: {e.message}." for e in errors)
        super().__init__(Message(en=en, hi=hi), errors=errors)


class ServiceNotFound(SevaError):
    code, status = "open311_unknown_service", 404
    title = Message(en="No such service", hi="ऐसी कोई सेवा नहीं है")

    def __init__(self, service_code: str) -> None:
        shown = service_code[:80]
        super().__init__(
            Message(en=f"No service with code '{shown}'.", hi=f"कोड '{shown}' की कोई सेवा नहीं है।")
        )


class RequestNotFound(SevaError):
    code, status = "open311_unknown_request", 404
    title = Message(en="No such service request", hi="ऐसा कोई सेवा अनुरोध नहीं है")

    def __init__(self, request_id: str) -> None:
        shown = request_id[:40]
        super().__init__(Message(en=f"No service request '{shown}'.", hi=f"सेवा अनुरोध '{shown}' नहीं मिला।"))


class TokenNotFound(SevaError):
    code, status = "open311_unknown_token", 404
    title = Message(en="No such token", hi="ऐसा कोई टोकन नहीं है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="No service request was posted with this token.", hi="इस टोकन से कोई अनुरोध नहीं भेजा गया।"
            )
        )


class Open311AppNotFound(SevaError):
    code, status = "open311_unknown_app", 404
    title = Message(en="No such client application", hi="ऐसा कोई क्लाइंट एप्लिकेशन नहीं है")

    def __init__(self, app_id: str) -> None:
        shown = app_id[:80]
        super().__init__(
            Message(
                en=f"No live Open311 client application '{shown}'.",
                hi=f"Open311 क्लाइंट एप्लिकेशन '{shown}' नहीं है या रद्द है।",
            )
        )
