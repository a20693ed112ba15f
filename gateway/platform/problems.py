"""Errors that declare themselves, and how every error leaves the API: an RFC 9457 problem document.

An error the API can answer with is a ``SevaError`` subclass that states its stable ``code``, its HTTP
``status`` and its ``title`` in English and Hindi beside itself, the way Litestar's own exceptions state
their status code; there is no central table of codes. The specific explanation (``detail``, both
languages), the refused fields (``errors``), headers and extra members are given when it is raised::

    class UnknownApplication(SevaError):
        \"\"\"No application with that reference that the caller may see.\"\"\"

        code, status = "unknown_application", 404
        title = Message(en="No such application", hi="ऐसा कोई आवेदन नहीं है")

Errors of the packages that know nothing of HTTP (``catalogue``, ``family_registry``, ``adapters``) are
turned into ``SevaError``s by the mappers each capability declares next to its own errors.

```
SevaError
├── InvalidRequest        400 invalid_request
├── MalformedJson         400 malformed_json
├── Unauthorized          401 unauthorized
├── Forbidden             403 forbidden
├── NotFound              404 not_found
├── MethodNotAllowed      405 method_not_allowed
├── Conflict              409 conflict
├── PayloadTooLarge       413 payload_too_large
├── UnsupportedMediaType  415 unsupported_media_type
├── TooManyRequests       429 rate_limited
├── InternalError         500 internal_error
├── Unavailable           503 unavailable
└── ...                   each capability's own, in its errors.py
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from schemas.problem import FieldError, Message, ProblemDocument

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "ErrorMapper",
    "Forbidden",
    "InternalError",
    "InvalidRequest",
    "MalformedJson",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "SevaError",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
    "UnsupportedMediaType",
    "field_error",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"


class SevaError(Exception):
    """An error the API answers with a problem document; subclasses set ``code``, ``status`` and ``title``."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500
    title: ClassVar[Message] = Message(en="Something went wrong on our side", hi="हमारी ओर से कुछ गड़बड़ हुई")

    def __init__(
        self,
        detail: Message | None = None,
        *,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail.en if detail else self.title.en)
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    @property
    def explanation(self) -> Message:
        """The specific explanation in both languages, or the title when there is none."""
        return self.detail or self.title

    def document(self, language: str, instance: str | None, request_id: str | None) -> ProblemDocument:
        message = self.explanation
        return ProblemDocument(
            type=f"urn:seva:problem:{self.code}",
            title=self.title.hi if language == "hi" else self.title.en,
            status=self.status,
            code=self.code,
            message=message,
            detail=message.hi if language == "hi" else message.en,
            instance=instance,
            request_id=request_id,
            errors=self.errors,
        )


ErrorMapper = Callable[[Any], SevaError]
"""Turns an error of a package that knows nothing of HTTP into a ``SevaError``."""


def field_error(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message)


class InvalidRequest(SevaError):
    """The request is not valid; ``errors`` names the refused inputs."""

    code, status = "invalid_request", 400
    title = Message(en="The request is not valid", hi="अनुरोध मान्य नहीं है")


class MalformedJson(SevaError):
    """The body could not be read as JSON."""

    code, status = "malformed_json", 400
    title = Message(en="The request body is not valid JSON", hi="अनुरोध का मुख्य भाग मान्य JSON नहीं है")


class Unauthorized(SevaError):
    """Sign-in is required and no valid credentials came with the request."""

    code, status = "unauthorized", 401
    title = Message(en="Sign-in is required", hi="साइन-इन आवश्यक है")


class Forbidden(SevaError):
    """The caller is signed in but may not do this."""

    code, status = "forbidden", 403
    title = Message(en="You may not do this", hi="आपको यह करने की अनुमति नहीं है")


class NotFound(SevaError):
    """Nothing is at this address (or nothing the caller may see)."""

    code, status = "not_found", 404
    title = Message(en="Nothing is found at this address", hi="इस पते पर कुछ नहीं मिला")


class MethodNotAllowed(SevaError):
    code, status = "method_not_allowed", 405
    title = Message(en="This method is not allowed here", hi="यहाँ यह विधि अनुमत नहीं है")


class Conflict(SevaError):
    code, status = "conflict", 409
    title = Message(en="The request conflicts with the current state", hi="अनुरोध वर्तमान स्थिति से मेल नहीं खाता")


class PayloadTooLarge(SevaError):
    code, status = "payload_too_large", 413
    title = Message(en="The request is too large", hi="अनुरोध बहुत बड़ा है")


class UnsupportedMediaType(SevaError):
    code, status = "unsupported_media_type", 415
    title = Message(
        en="The body is not in a format this address accepts", hi="मुख्य भाग इस पते के स्वीकार्य प्रारूप में नहीं है"
    )


class TooManyRequests(SevaError):
    """A rate limit was reached (``gateway.ratelimit`` raises it with the seconds to wait)."""

    code, status = "rate_limited", 429
    title = Message(en="Too many requests; try again later", hi="बहुत अधिक अनुरोध; कृपया बाद में प्रयास करें")


class InternalError(SevaError):
    code, status = "internal_error", 500
    title = Message(en="Something went wrong on our side", hi="हमारी ओर से कुछ गड़बड़ हुई")


class Unavailable(SevaError):
    code, status = "unavailable", 503
    title = Message(en="The service is not ready", hi="सेवा अभी तैयार नहीं है")
