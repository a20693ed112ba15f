"""``Pages``: everything a page's handler uses, handed to it as one dependency.

The renderer, the message catalogues, the sessions, and the services the JSON API calls (the web page
never calls the API over HTTP). One dependency rather than one per service: Litestar resolves several
dependencies of a handler in a task group, which cost a page more than drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.tables import Member
from gateway.applications import ApplicationService
from gateway.certificates import CertificateService
from gateway.deadlines import Deadlines
from gateway.desk import DeskService
from gateway.documents import DocumentStore
from gateway.families import FamilyService
from gateway.grievance_reports import GrievanceReports
from gateway.grievances import Grievances
from gateway.identity import IdentityService
from gateway.notifications import Notifications
from gateway.services import CatalogueService
from gateway.versions import CatalogueVersions
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
    certificates: CertificateService
    deadlines: Deadlines
    desk: DeskService
    documents: DocumentStore
    identity: IdentityService
    notifications: Notifications
    versions: CatalogueVersions
    engine: AsyncEngine
    grievances: Grievances
    grievance_reports: GrievanceReports
    _demo_login: list[str] = field(default_factory=list)

    def translate(self, language: str, message: str) -> str:
        return self.catalogues.gettext(language, message)

    async def demo_login(self) -> str | None:
        """In demo mode, a head of family's mobile number to try signing in with (the registry is made up);
        None otherwise."""
        if not self.site.demo:
            return None
        if not self._demo_login:
            members = Member.__table__  # type: ignore[attr-defined]
            query = (
                select(members.c.mobile)
                .where(members.c.relation == "head", members.c.mobile.is_not(None))
                .order_by(members.c.member_id)
                .limit(1)
            )
            async with self.engine.connect() as conn:
                found = (await conn.execute(query)).scalar_one_or_none()
            if found is None:
                return None
            self._demo_login.append(str(found))
        return self._demo_login[0]
