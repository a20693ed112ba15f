"""The one shape of every error the API returns: an RFC 9457 problem document."""

from __future__ import annotations

import msgspec

__all__ = ["FieldError", "Message", "ProblemDocument"]


class Message(msgspec.Struct, frozen=True):
    """The problem in both languages, whatever language the client asked for."""

    en: str
    hi: str


class FieldError(msgspec.Struct, frozen=True, omit_defaults=True):
    """One input that was refused, named by its place in the request (``body.facts.member.age``).

    ``message`` is English; ``message_hi``, where given, is the same in Hindi, for a page that shows
    each error beside its field.
    """

    field: str
    message: str
    message_hi: str | None = None


class ProblemDocument(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, extended with a stable ``code`` and a bilingual ``message``.

    ``type`` is ``urn:seva:problem:<code>``; ``title`` and ``detail`` follow ``Accept-Language``.
    """

    type: str
    title: str
    status: int
    code: str
    message: Message
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] = msgspec.field(default_factory=list)
