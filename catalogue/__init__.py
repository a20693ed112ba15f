"""The service catalogue: typed records, validation with line numbers, search and eligibility rules.

Knows nothing of HTTP or SQL; ``gateway/`` serves it and ``family_registry/`` supplies the facts.
"""

from catalogue.compiled import Catalogue
from catalogue.eligibility import (
    FamilyVerdicts,
    ServiceVerdict,
    evaluate_all,
    evaluate_family,
    evaluate_service,
)
from catalogue.errors import CatalogueError, CatalogueInvalid, CatalogueProblem, UnknownService
from catalogue.loader import load_catalogue, parse_catalogue

__all__ = [
    "Catalogue",
    "CatalogueError",
    "CatalogueInvalid",
    "CatalogueProblem",
    "FamilyVerdicts",
    "ServiceVerdict",
    "UnknownService",
    "evaluate_all",
    "evaluate_family",
    "evaluate_service",
    "load_catalogue",
    "parse_catalogue",
]
