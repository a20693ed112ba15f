"""The registry's errors as problem documents: a malformed ID or number is a 400, an unknown one a 404."""

from __future__ import annotations

from family_registry.errors import (
    InvalidAadhaar,
    InvalidId,
    InvalidMobile,
    InvalidValue,
    NoMatch,
    UnknownFamily,
    UnknownMember,
)
from gateway.problems import Problem, ProblemMapper
from schemas.problem import FieldError, Message

__all__ = ["problem_mappers"]

_INVALID_CODES: dict[type[InvalidValue], str] = {
    InvalidId: "invalid_id",
    InvalidAadhaar: "invalid_aadhaar",
    InvalidMobile: "invalid_mobile",
}


def _invalid(exc: InvalidValue) -> Problem:
    code = _INVALID_CODES.get(type(exc), "invalid_request")
    return Problem(
        code,
        Message(en=f"{exc.field}: {exc.message}.", hi=f"{exc.field}: {exc.message_hi}।"),
        errors=[FieldError(field=exc.field, message=exc.message)],
    )


def _unknown_family(exc: UnknownFamily) -> Problem:
    return Problem(
        "unknown_family",
        Message(
            en=f"No family has the ID {exc.family_id}.",
            hi=f"परिवार आईडी {exc.family_id} का कोई परिवार नहीं है।",
        ),
    )


def _unknown_member(exc: UnknownMember) -> Problem:
    return Problem(
        "unknown_member",
        Message(
            en=f"No member has the ID {exc.member_id}.", hi=f"सदस्य आईडी {exc.member_id} का कोई सदस्य नहीं है।"
        ),
    )


def _no_match(exc: NoMatch) -> Problem:
    kind_hi = "मोबाइल" if exc.kind == "mobile" else "आधार"
    return Problem(
        "not_in_registry",
        Message(
            en=f"No member is registered with the {exc.kind} number {exc.shown}.",
            hi=f"{kind_hi} संख्या {exc.shown} से कोई सदस्य पंजीकृत नहीं है।",
        ),
    )


def problem_mappers() -> dict[type[Exception], ProblemMapper]:
    return {
        InvalidValue: _invalid,
        UnknownFamily: _unknown_family,
        UnknownMember: _unknown_member,
        NoMatch: _no_match,
    }
