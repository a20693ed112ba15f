"""Every error leaves the API as one RFC 9457 problem document with a stable code, in English and Hindi.

Domain packages raise their own exceptions and know nothing of HTTP. Each capability of the gateway maps
the exceptions it meets to a ``Problem`` in its ``problem_mappers``; ``exception_handlers`` turns those,
Litestar's own errors (unknown route, bad JSON, bad parameter) and anything unexpected into documents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)

from gateway.language import preferred_language
from gateway.request_id import request_id_for
from schemas.problem import FieldError, Message, ProblemDocument

__all__ = ["PROBLEM_MEDIA_TYPE", "Problem", "ProblemMapper", "exception_handlers"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("seva.problems")

# code: (status, English title, Hindi title). Codes are stable: clients switch on them.
TITLES: dict[str, tuple[int, str, str]] = {
    "invalid_request": (400, "The request is not valid", "अनुरोध मान्य नहीं है"),
    "malformed_json": (400, "The request body is not valid JSON", "अनुरोध का मुख्य भाग मान्य JSON नहीं है"),
    "invalid_fact": (400, "A fact is unknown or has a wrong value", "कोई तथ्य अज्ञात है या उसका मान गलत है"),
    "unauthorized": (401, "Sign-in is required", "साइन-इन आवश्यक है"),
    "forbidden": (403, "You may not do this", "आपको यह करने की अनुमति नहीं है"),
    "not_found": (404, "Nothing is found at this address", "इस पते पर कुछ नहीं मिला"),
    "unknown_service": (404, "No service has this code", "इस कोड की कोई सेवा नहीं है"),
    "method_not_allowed": (405, "This method is not allowed here", "यहाँ यह विधि अनुमत नहीं है"),
    "conflict": (409, "The request conflicts with the current state", "अनुरोध वर्तमान स्थिति से मेल नहीं खाता"),
    "payload_too_large": (413, "The request is too large", "अनुरोध बहुत बड़ा है"),
    "rate_limited": (429, "Too many requests; try again later", "बहुत अधिक अनुरोध; कृपया बाद में प्रयास करें"),
    "internal_error": (500, "Something went wrong on our side", "हमारी ओर से कुछ गड़बड़ हुई"),
    # Identity (gateway/identity/problems.py)
    "otp_wrong_code": (400, "The code is not correct", "कोड सही नहीं है"),
    "otp_expired": (400, "The code has expired", "कोड की समय-सीमा समाप्त हो गई है"),
    "otp_used": (400, "The code has already been used", "यह कोड पहले ही उपयोग हो चुका है"),
    "otp_locked": (400, "Too many wrong codes", "बहुत अधिक गलत कोड"),
    "otp_superseded": (400, "A newer code was sent", "एक नया कोड भेजा गया है"),
    "otp_unknown": (400, "No such sign-in is under way", "ऐसा कोई साइन-इन जारी नहीं है"),
    "invalid_login": (400, "Not a mobile number or member ID", "मोबाइल नंबर या सदस्य आईडी नहीं है"),
    "authorization_malformed": (401, "The Authorization header is malformed", "Authorization हेडर गलत है"),
    "token_invalid": (401, "The access token is not valid", "एक्सेस टोकन मान्य नहीं है"),
    "token_expired": (401, "The access token has expired", "एक्सेस टोकन की समय-सीमा समाप्त हो गई है"),
    "refresh_invalid": (401, "The refresh token is not valid", "रिफ्रेश टोकन मान्य नहीं है"),
    "refresh_reused": (401, "The refresh token was used before", "रिफ्रेश टोकन पहले उपयोग हो चुका है"),
    "client_invalid": (401, "The client credentials are not valid", "क्लाइंट क्रेडेंशियल मान्य नहीं हैं"),
    "notification_failed": (503, "The message could not be sent", "संदेश नहीं भेजा जा सका"),
    # Family registry (gateway/families/problems.py; unknown_member is shared with applications)
    "invalid_id": (400, "The ID is not well formed", "आईडी का प्रारूप सही नहीं है"),
    "invalid_aadhaar": (400, "Not a valid Aadhaar number", "मान्य आधार संख्या नहीं है"),
    "invalid_mobile": (400, "Not a valid mobile number", "मान्य मोबाइल नंबर नहीं है"),
    "unknown_family": (404, "No family has this ID", "इस आईडी का कोई परिवार नहीं है"),
    "not_in_registry": (404, "Nobody is registered with this number", "इस नंबर से कोई पंजीकृत नहीं है"),
    "unavailable": (503, "The service is not ready", "सेवा अभी तैयार नहीं है"),
    # Documents, applications and departments (gateway/applications/problems.py)
    "document_too_large": (413, "The file is too large", "फ़ाइल बहुत बड़ी है"),
    "unsupported_document": (
        415,
        "Only PDF, JPEG and PNG files are accepted",
        "केवल PDF, JPEG और PNG फ़ाइलें स्वीकार हैं",
    ),
    "unknown_document_type": (422, "No such document type", "ऐसा कोई दस्तावेज़ प्रकार नहीं है"),
    "invalid_document": (422, "A detail of the document is not valid", "दस्तावेज़ का कोई विवरण मान्य नहीं है"),
    "unknown_document": (404, "No such document", "ऐसा कोई दस्तावेज़ नहीं है"),
    "unknown_member": (404, "No such member in your family", "आपके परिवार में ऐसा कोई सदस्य नहीं है"),
    "invalid_form": (422, "Some fields of the form are not valid", "फ़ॉर्म के कुछ क्षेत्र मान्य नहीं हैं"),
    "not_eligible": (422, "The member is not eligible for this service", "सदस्य इस सेवा के लिए पात्र नहीं है"),
    "eligibility_undetermined": (
        422,
        "Eligibility cannot be decided from the registry",
        "रजिस्टर से पात्रता तय नहीं हो सकती",
    ),
    "missing_documents": (422, "Required documents are missing", "आवश्यक दस्तावेज़ उपलब्ध नहीं हैं"),
    "idempotency_key_required": (400, "Send an Idempotency-Key header", "Idempotency-Key हेडर भेजें"),
    "idempotency_conflict": (
        409,
        "This Idempotency-Key was used for another request",
        "यह Idempotency-Key किसी अन्य अनुरोध के लिए उपयोग हुई थी",
    ),
    "unknown_application": (404, "No such application", "ऐसा कोई आवेदन नहीं है"),
    "invalid_reference": (400, "Not a valid reference number", "मान्य संदर्भ संख्या नहीं है"),
    "unknown_adapter": (404, "No such adapter of your department", "आपके विभाग का ऐसा कोई एडॉप्टर नहीं है"),
    "invalid_adapter": (422, "The adapter configuration cannot be used", "एडॉप्टर विन्यास उपयोग योग्य नहीं है"),
    "endpoint_not_allowed": (
        422,
        "The gateway may not call this endpoint",
        "गेटवे इस पते पर अनुरोध नहीं भेज सकता",
    ),
    "adapter_unhealthy": (
        502,
        "The department did not pass the health check",
        "विभाग स्वास्थ्य जाँच में सफल नहीं हुआ",
    ),
}


class Problem(Exception):
    """An error to send as a problem document; ``code`` must be a key of ``TITLES``.

    ``detail`` is the specific explanation in both languages; ``errors`` names refused fields.
    """

    def __init__(
        self,
        code: str,
        detail: Message | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if code not in TITLES:
            raise ValueError(f"unregistered problem code {code!r}")
        super().__init__(detail.en if detail else code)
        self.code = code
        self.status = TITLES[code][0]
        self.detail = detail
        self.errors = errors or []
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def document(self, language: str, instance: str | None, request_id: str | None) -> ProblemDocument:
        _, title_en, title_hi = TITLES[self.code]
        message = self.detail or Message(en=title_en, hi=title_hi)
        return ProblemDocument(
            type=f"urn:seva:problem:{self.code}",
            title=title_hi if language == "hi" else title_en,
            status=self.status,
            code=self.code,
            message=message,
            detail=message.hi if language == "hi" else message.en,
            instance=instance,
            request_id=request_id,
            errors=self.errors,
        )


ProblemMapper = Callable[[Any], Problem]


def _respond(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    language = preferred_language(request.headers.get("accept-language"))
    # Unmatched routes never pass through the middleware, so the ID may be made here.
    request_id = request_id_for(request.scope)
    document = problem.document(language, request.url.path, request_id)
    headers = {"content-language": language, "x-request-id": request_id, **problem.headers}
    return Response(
        content=msgspec.json.encode(document),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _from_validation(exc: ValidationException) -> Problem:
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            source = item.get("source")
            source = getattr(source, "value", source)
            where = ".".join(str(p) for p in (source, item.get("key")) if p)
            errors.append(FieldError(field=where or "body", message=str(item.get("message", ""))))
    text = str(exc.detail)
    if _is_bad_json(text):
        return _bad_json(text)
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or text
    return Problem("invalid_request", Message(en=detail, hi=f"अमान्य इनपुट — {detail}"), errors=errors)


def _is_bad_json(text: str) -> bool:
    return "json is malformed" in text.lower() or "malformed json" in text.lower()


def _bad_json(text: str) -> Problem:
    return Problem("malformed_json", Message(en=text, hi=f"अनुरोध का JSON पढ़ा नहीं जा सका ({text})"))


def _from_http(exc: HTTPException) -> Problem:
    # Litestar raises a 400 from the decoder's SerializationException; its text varies ("Input data was
    # truncated" for a cut-off body), so the cause is what marks a body that is not JSON.
    if exc.status_code == 400 and (
        isinstance(exc.__cause__, SerializationException) or _is_bad_json(str(exc.detail))
    ):
        return _bad_json(str(exc.detail))
    by_status = {
        401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
        409: "conflict", 413: "payload_too_large", 429: "rate_limited", 503: "unavailable",
    }  # fmt: skip
    code = by_status.get(exc.status_code)
    if code is None:
        code = "invalid_request" if 400 <= exc.status_code < 500 else "internal_error"
    detail = str(exc.detail) if exc.detail else None
    message = Message(en=detail, hi=TITLES[code][2] + f" ({detail})") if detail else None
    return Problem(code, message, headers=exc.headers or None)


def exception_handlers(mappers: Mapping[type[Exception], ProblemMapper]) -> dict[Any, Any]:
    """Handlers for the app: domain exceptions through ``mappers``, then Litestar's, then the rest."""

    def handle_problem(request: Request[Any, Any, Any], exc: Problem) -> Response[Any]:
        return _respond(request, exc)

    def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if isinstance(exc, ValidationException):
            return _respond(request, _from_validation(exc))
        return _respond(request, _from_http(exc))

    def handle_other(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        for kind in type(exc).__mro__:
            mapper = mappers.get(kind)
            if mapper is not None:
                return _respond(request, mapper(exc))
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _respond(request, Problem("internal_error"))

    handlers: dict[Any, Any] = {Problem: handle_problem, HTTPException: handle_http, Exception: handle_other}
    litestar_errors = (
        NotFoundException, MethodNotAllowedException, NotAuthorizedException, PermissionDeniedException,
        ValidationException,
    )  # fmt: skip
    for kind in litestar_errors:
        handlers[kind] = handle_http
    for kind in mappers:
        handlers[kind] = handle_other
    return handlers
