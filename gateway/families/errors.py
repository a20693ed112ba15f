"""The registry's refusals as the API sends them: a malformed ID or number is a 400, an unknown one a 404.

``family_registry`` knows nothing of HTTP; ``MAPPERS`` turns its errors into these, and ``UnknownMember``
is also what the documents and applications capabilities answer for a member the caller may not reach.
"""

from __future__ import annotations

from family_registry import errors as registry
from gateway.platform.problems import ErrorMapper, InvalidRequest, SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "MAPPERS",
    "InvalidAadhaar",
    "InvalidId",
    "InvalidMobile",
    "NotInRegistry",
    "UnknownFamily",
    "UnknownMember",
]


class _Invalid(SevaError):
    status = 400

    def __init__(self, field: str, message: str, message_hi: str) -> None:
        super().__init__(
            Message(en=f"{field}: {message}.", hi=f"{field}: {message_hi}।"),
            errors=[FieldError(field=field, message=message)],
        )


class InvalidId(_Invalid):
    code = "invalid_id"
    title = Message(en="The ID is not well formed", hi="आईडी का प्रारूप सही नहीं है")


class InvalidAadhaar(_Invalid):
    code = "invalid_aadhaar"
    title = Message(en="Not a valid Aadhaar number", hi="मान्य आधार संख्या नहीं है")


class InvalidMobile(_Invalid):
    code = "invalid_mobile"
    title = Message(en="Not a valid mobile number", hi="मान्य मोबाइल नंबर नहीं है")


class UnknownFamily(SevaError):
    """No family with that ID that the caller may see."""

    code, status = "unknown_family", 404
    title = Message(en="No family has this ID", hi="इस आईडी का कोई परिवार नहीं है")

    def __init__(self, family_id: str) -> None:
        super().__init__(
            Message(
                en=f"No family has the ID {family_id}.", hi=f"परिवार आईडी {family_id} का कोई परिवार नहीं है।"
            )
        )
        self.family_id = family_id


class UnknownMember(SevaError):
    """No member with that ID that the caller may see (or apply for, or upload for)."""

    code, status = "unknown_member", 404
    title = Message(en="No such member in your family", hi="आपके परिवार में ऐसा कोई सदस्य नहीं है")

    def __init__(self, member_id: str, *, field: str | None = None) -> None:
        super().__init__(
            Message(
                en=f"Member {member_id} is not in the registry or not in your family.",
                hi=f"सदस्य {member_id} रजिस्टर में या आपके परिवार में नहीं है।",
            ),
            errors=[FieldError(field=field, message="not a member of your family")] if field else (),
        )
        self.member_id = member_id


class NotInRegistry(SevaError):
    """Nobody is registered with a mobile or Aadhaar number (shown masked)."""

    code, status = "not_in_registry", 404
    title = Message(en="Nobody is registered with this number", hi="इस नंबर से कोई पंजीकृत नहीं है")

    def __init__(self, kind: str, shown: str) -> None:
        kind_hi = "मोबाइल" if kind == "mobile" else "आधार"
        super().__init__(
            Message(
                en=f"No member is registered with the {kind} number {shown}.",
                hi=f"{kind_hi} संख्या {shown} से कोई सदस्य पंजीकृत नहीं है।",
            )
        )


def _invalid(exc: registry.InvalidValue) -> SevaError:
    kinds: dict[type[Exception], type[_Invalid]] = {
        registry.InvalidId: InvalidId,
        registry.InvalidAadhaar: InvalidAadhaar,
        registry.InvalidMobile: InvalidMobile,
    }
    kind = kinds.get(type(exc))
    if kind is None:
        return InvalidRequest(
            Message(en=f"{exc.field}: {exc.message}.", hi=f"{exc.field}: {exc.message_hi}।"),
            errors=[FieldError(field=exc.field, message=exc.message)],
        )
    return kind(exc.field, exc.message, exc.message_hi)


MAPPERS: dict[type[Exception], ErrorMapper] = {
    registry.InvalidValue: _invalid,
    registry.UnknownFamily: lambda exc: UnknownFamily(exc.family_id),
    registry.UnknownMember: lambda exc: UnknownMember(exc.member_id),
    registry.NoMatch: lambda exc: NotInRegistry(exc.kind, exc.shown),
}
