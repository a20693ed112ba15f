"""Errors of documents, applications and department registration as problem documents.

The only place these domain errors meet HTTP; every form problem names its field (``form.<name>``,
``documents.<type>``, ``member_id``...).
"""

from __future__ import annotations

from typing import Any

from gateway.applications.errors import (
    ApplicationNotFound,
    EligibilityUndetermined,
    IdempotencyConflict,
    MissingDocuments,
    NotEligible,
    UnknownMember,
    UnknownServiceCode,
)
from gateway.applications.form import FormInvalid
from gateway.applications.reference import InvalidReference
from gateway.delivery.endpoints import AdapterUnhealthy, EndpointRefused
from gateway.documents.errors import (
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocumentField,
    UnknownDocumentType,
    UnsupportedDocument,
)
from gateway.problems import Problem, ProblemMapper
from schemas.problem import FieldError, Message

__all__ = ["problem_mappers"]


def _form(exc: FormInvalid) -> Problem:
    errors = [FieldError(field=p.field, message=p.en) for p in exc.problems]
    return Problem(
        "invalid_form",
        Message(
            en="; ".join(f"{p.field}: {p.en}" for p in exc.problems),
            hi="; ".join(f"{p.field}: {p.hi}" for p in exc.problems),
        ),
        errors=errors,
    )


def _service(exc: UnknownServiceCode) -> Problem:
    return Problem(
        "unknown_service",
        Message(en=f"No service has the code '{exc.code}'.", hi=f"'{exc.code}' कोड की कोई सेवा नहीं है।"),
        errors=[FieldError(field="service_code", message="no service has this code")],
    )


def _member(exc: UnknownMember) -> Problem:
    return Problem(
        "unknown_member",
        Message(
            en=f"Member {exc.member_id} is not in the registry or not in your family.",
            hi=f"सदस्य {exc.member_id} रजिस्टर में या आपके परिवार में नहीं है।",
        ),
        errors=[FieldError(field="member_id", message="not a member of your family")],
    )


def _not_eligible(exc: NotEligible) -> Problem:
    return Problem(
        "not_eligible",
        Message(en=" ".join(r.en for r in exc.reasons), hi=" ".join(r.hi for r in exc.reasons)),
        errors=[FieldError(field="member_id", message=r.en) for r in exc.reasons],
    )


def _undetermined(exc: EligibilityUndetermined) -> Problem:
    names = ", ".join(exc.missing)
    return Problem(
        "eligibility_undetermined",
        Message(
            en=f"The registry does not record: {names}. Ask for the family record to be updated.",
            hi=f"रजिस्टर में दर्ज नहीं है: {names}। परिवार का रिकॉर्ड अद्यतन कराएँ।",
        ),
        errors=[
            FieldError(field=f"facts.{name}", message="not recorded in the registry") for name in exc.missing
        ],
    )


def _missing(exc: MissingDocuments) -> Problem:
    names = ", ".join(exc.missing)
    fetched = ", ".join(exc.fetched) or "none"
    return Problem(
        "missing_documents",
        Message(
            en=f"Upload these documents first: {names}. Found in your documents: {fetched}.",
            hi=f"पहले ये दस्तावेज़ अपलोड करें: {names}। आपके दस्तावेज़ों में मिले: {fetched}।",
        ),
        errors=[FieldError(field=f"documents.{name}", message="missing") for name in exc.missing],
        extra={"missing": exc.missing, "fetched": exc.fetched},
    )


def _conflict(exc: IdempotencyConflict) -> Problem:
    return Problem(
        "idempotency_conflict",
        Message(
            en="This Idempotency-Key was already used for a different application; use a new key.",
            hi="यह Idempotency-Key किसी दूसरे आवेदन के लिए उपयोग हो चुकी है; नई कुंजी का उपयोग करें।",
        ),
        errors=[FieldError(field="header.Idempotency-Key", message="used before with a different body")],
    )


def _application(exc: ApplicationNotFound) -> Problem:
    return Problem(
        "unknown_application",
        Message(en=f"No application {exc.reference} that you may see.", hi=f"आवेदन {exc.reference} नहीं मिला।"),
    )


def _reference(exc: InvalidReference) -> Problem:
    return Problem(
        "invalid_reference",
        Message(en=exc.message, hi=exc.message_hi),
        errors=[FieldError(field="path.reference", message=exc.message)],
    )


def _too_large(exc: DocumentTooLarge) -> Problem:
    return Problem(
        "document_too_large",
        Message(
            en=f"The file has {exc.size} bytes; at most {exc.limit} are accepted.",
            hi=f"फ़ाइल {exc.size} बाइट की है; अधिकतम {exc.limit} बाइट स्वीकार हैं।",
        ),
        errors=[FieldError(field="file", message=f"larger than {exc.limit} bytes")],
    )


def _unsupported(exc: UnsupportedDocument) -> Problem:
    return Problem(
        "unsupported_document",
        Message(
            en="The file is not a PDF, JPEG or PNG (judged by its content, not its name).",
            hi="फ़ाइल PDF, JPEG या PNG नहीं है (नाम से नहीं, सामग्री से जाँचा गया)।",
        ),
        errors=[FieldError(field="file", message="not a PDF, JPEG or PNG")],
    )


def _doc_type(exc: UnknownDocumentType) -> Problem:
    return Problem(
        "unknown_document_type",
        Message(
            en=f"The catalogue has no document type '{exc.doc_type}'.",
            hi=f"सूची में '{exc.doc_type}' दस्तावेज़ प्रकार नहीं है।",
        ),
        errors=[FieldError(field="doc_type", message="unknown document type")],
    )


def _doc_field(exc: InvalidDocumentField) -> Problem:
    return Problem(
        "invalid_document",
        Message(en=f"{exc.field}: {exc.message}", hi=f"{exc.field}: {exc.message_hi}"),
        errors=[FieldError(field=exc.field, message=exc.message)],
    )


def _document(exc: DocumentNotFound) -> Problem:
    return Problem(
        "unknown_document",
        Message(en=f"No document {exc.document_id}.", hi=f"दस्तावेज़ {exc.document_id} नहीं मिला।"),
    )


def _endpoint(exc: EndpointRefused) -> Problem:
    return Problem(
        exc.code,
        Message(en=exc.message, hi=exc.message_hi or f"एडॉप्टर स्वीकार नहीं हुआ: {exc.message}"),
        errors=[FieldError(field=exc.field, message=exc.message)],
    )


def _unhealthy(exc: AdapterUnhealthy) -> Problem:
    # What failed, in a few fixed words and the HTTP status: never the department's answer, which could
    # be any page the endpoint serves.
    en, hi = exc.error.summary
    status = f"HTTP {exc.error.status_code}: " if exc.error.status_code is not None else ""
    return Problem(
        "adapter_unhealthy",
        Message(
            en=f"The department's system did not pass the health check ({status}{en}); it was not switched.",
            hi=f"विभाग की प्रणाली स्वास्थ्य जाँच में सफल नहीं हुई ({status}{hi}), इसलिए बदली नहीं गई।",
        ),
    )


def problem_mappers() -> dict[type[Exception], ProblemMapper]:
    mappers: dict[type[Any], ProblemMapper] = {
        FormInvalid: _form,
        UnknownServiceCode: _service,
        UnknownMember: _member,
        NotEligible: _not_eligible,
        EligibilityUndetermined: _undetermined,
        MissingDocuments: _missing,
        IdempotencyConflict: _conflict,
        ApplicationNotFound: _application,
        InvalidReference: _reference,
        DocumentTooLarge: _too_large,
        UnsupportedDocument: _unsupported,
        UnknownDocumentType: _doc_type,
        InvalidDocumentField: _doc_field,
        DocumentNotFound: _document,
        EndpointRefused: _endpoint,
        AdapterUnhealthy: _unhealthy,
    }
    return mappers
