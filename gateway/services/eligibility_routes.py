"""``POST /api/v1/eligibility``: verdicts for one member's facts, for one service or the whole catalogue."""

from __future__ import annotations

from litestar import post

from catalogue import evaluate_all, evaluate_service
from catalogue.facts import FactError, check_facts
from gateway.problems import Problem
from gateway.services.holder import CatalogueHolder
from schemas.catalogue_api import EligibilityRequest, EligibilityResponse
from schemas.problem import FieldError, Message

__all__ = ["check_eligibility", "fact_problem"]


def fact_problem(exc: FactError) -> Problem:
    return Problem(
        "invalid_fact",
        Message(en=f"Fact {exc.field}: {exc.message}.", hi=f"तथ्य {exc.field}: {exc.message_hi}।"),
        errors=[FieldError(field=f"body.facts.{exc.field}", message=exc.message)],
    )


@post("/api/v1/eligibility", status_code=200, tags=["eligibility"], summary="Check eligibility from facts")
async def check_eligibility(data: EligibilityRequest, holder: CatalogueHolder) -> EligibilityResponse:
    """Verdicts with every failing reason in English and Hindi, and the facts that were missing."""
    catalogue = holder.current
    facts = check_facts(data.facts, catalogue.district_codes())
    if data.service is not None:
        verdicts = [evaluate_service(catalogue, data.service, facts)]
    else:
        verdicts = evaluate_all(catalogue, facts)
    counts = {"eligible": 0, "not_eligible": 0, "undetermined": 0}
    for verdict in verdicts:
        counts[verdict.status] += 1
    return EligibilityResponse(catalogue_digest=catalogue.digest, verdicts=verdicts, **counts)
