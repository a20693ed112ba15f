"""``Pages``: everything a page's handler uses, handed to it as one dependency.

The renderer, the message catalogues, the sessions, and the services the JSON API calls (the web page
never calls the API over HTTP). One dependency rather than one per service: Litestar resolves several
dependencies of a handler in a task group, which cost a page more than drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.applications import ApplicationService
from gateway.documents import DocumentStore
from gateway.families import FamilyService
from gateway.identity import IdentityService
from gateway.notifications import Notifications
from gateway.services import CatalogueService
from gateway.web.i18n import Catalogues
from gateway.web.render import Site
from gateway.web.sessions import SessionStore

__all__ = ["Pages"]


@dataclass(frozen=True, slots=True)
class Pages:
    site: Site
    catalogues: Catalogues
    sessions: SessionStore
    services: CatalogueService
    families: FamilyService
    applications: ApplicationService
    documents: DocumentStore
    identity: IdentityService
    notifications: Notifications

    def translate(self, language: str, message: str) -> str:
        return self.catalogues.gettext(language, message)
