"""Refusals of the catalogue routes; ``catalogue`` knows nothing of HTTP, so its errors are mapped here."""

from __future__ import annotations

from catalogue import UnknownService as CatalogueUnknownService
from catalogue.facts import FactError
from gateway.platform.problems import ErrorMapper, SevaError
from schemas.problem import FieldError, Message

__all__ = ["MAPPERS", "InvalidFact", "UnknownService"]


class UnknownService(SevaError):
    code, status = "unknown_service", 404
    title = Message(en="No service has this code", hi="इस कोड की कोई सेवा नहीं है")

    def __init__(self, service_code: str) -> None:
        super().__init__(
            Message(
                en=f"No service has the code '{service_code}'.", hi=f"'{service_code}' कोड की कोई सेवा नहीं है।"
            )
        )


class InvalidFact(SevaError):
    code, status = "invalid_fact", 400
    title = Message(en="A fact is unknown or has a wrong value", hi="कोई तथ्य अज्ञात है या उसका मान गलत है")

    def __init__(self, exc: FactError) -> None:
        super().__init__(
            Message(en=f"Fact {exc.field}: {exc.message}.", hi=f"तथ्य {exc.field}: {exc.message_hi}।"),
            errors=[FieldError(field=f"body.facts.{exc.field}", message=exc.message)],
        )


MAPPERS: dict[type[Exception], ErrorMapper] = {
    CatalogueUnknownService: lambda exc: UnknownService(exc.code),
    FactError: InvalidFact,
}
