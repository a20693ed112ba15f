"""The service catalogue over HTTP: search, detail, departments and categories, and live reload."""

from gateway.services.catalogue_service import CatalogueService

__all__ = ["CatalogueService"]
