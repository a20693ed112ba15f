"""The web capability: the citizen's and staff's pages (officers' desks, appeals, the auditors' reports), in
Hindi and English, over the services the API uses.

It gives the application, besides its routes: the template engine (Jinja2 through Litestar's template
support), the session authenticator the guard asks on the pages, and error pages for people;
``gateway.app.compose`` wires these in. The pages' router carries the CSRF protection of every form
(Litestar's CSRF middleware) and the compression of pages and static files; the JSON API, which takes
bearer tokens and never reads the session cookie, carries neither (declared here, on the pages' own
routers, rather than for the whole application, so an API request does not pass through them at all).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from gateway.applications import LABELS, MESSAGES, ApplicationService
from gateway.certificates import CertificateService
from gateway.deadlines import Deadlines
from gateway.desk import DeskService
from gateway.documents import DocumentStore
from gateway.families import FamilyService
from gateway.grievance_reports import GrievanceReports
from gateway.grievances import Grievances
from gateway.identity import IdentityService
from gateway.notifications import Notifications
from gateway.platform.authentication import SESSION
from gateway.platform.capability import Capability, provide
from gateway.platform.hashing import keyed_hash
from gateway.platform.periodic import in_background, repeat
from gateway.platform.root import Platform
from gateway.services import CatalogueService
from gateway.versions import CatalogueVersions
from gateway.web.error_pages import WebErrorPages
from gateway.web.i18n import Catalogues
from gateway.web.pages import Pages
from gateway.web.policy import POLICY, WEB
from gateway.web.render import STATIC, Site, environment
from gateway.web.routes_answer import ANSWER_HANDLERS
from gateway.web.routes_appeal import APPEAL_HANDLERS
from gateway.web.routes_appeals import APPEALS_HANDLERS
from gateway.web.routes_apply import APPLY_HANDLERS
from gateway.web.routes_certificates import CERTIFICATE_HANDLERS
from gateway.web.routes_desk import DESK_HANDLERS
from gateway.web.routes_family import FAMILY_HANDLERS
from gateway.web.routes_grievance_desk import GRIEVANCE_DESK_HANDLERS
from gateway.web.routes_grievances import GRIEVANCE_HANDLERS
from gateway.web.routes_public import PUBLIC_HANDLERS
from gateway.web.routes_reports import REPORT_HANDLERS
from gateway.web.routes_signin import SIGNIN_HANDLERS
from gateway.web.routes_staff import STAFF_SIGNIN_HANDLERS
from gateway.web.routes_verifications import VERIFICATION_HANDLERS
from gateway.web.sessions import SessionStore

__all__ = ["WebBuilt", "build_web"]

log = logging.getLogger("seva.web")
_SWEEP_SECONDS = 600.0
_MULTIPART_OVERHEAD = 256 * 1024


@dataclass(slots=True)
class WebBuilt:
    """The capability, and what the application needs from it besides routes."""

    capability: Capability
    sessions: SessionStore
    templates: TemplateConfig[JinjaTemplateEngine]
    error_pages: WebErrorPages
    catalogues: Catalogues


def build_web(
    platform: Platform,
    *,
    services: CatalogueService,
    families: FamilyService,
    applications: ApplicationService,
    certificates: CertificateService,
    deadlines: Deadlines,
    desk: DeskService,
    documents: DocumentStore,
    identity: IdentityService,
    notifications: Notifications,
    versions: CatalogueVersions,
    grievances: Grievances,
    grievance_reports: GrievanceReports,
) -> WebBuilt:
    """The pages over the services the JSON API uses, given by the root that built them."""
    settings = platform.settings
    catalogues = Catalogues.load()
    env = environment(catalogues)
    env.globals["current_catalogue"] = lambda: (
        platform.catalogue.current
    )  # the one being served, after reloads
    env.globals["labels"] = LABELS  # statuses in both languages
    env.globals["messages"] = MESSAGES
    site = Site(
        demo=settings.demo,
        max_upload_bytes=settings.max_upload_bytes,
        max_photo_bytes=settings.max_photo_bytes,
        https=settings.https,
    )
    sessions = SessionStore(
        platform.engine,
        platform.audit,
        platform.clock,
        idle_seconds=settings.session_idle_seconds,
        max_seconds=settings.session_max_seconds,
        staff=identity.staff.principal,
    )
    csrf = CSRFConfig(
        # Its own key, derived from the server secret: the same in every process of a deployment.
        secret=keyed_hash(platform.secret, "web", "csrf"),
        cookie_name="seva_csrf",
        cookie_httponly=True,
        cookie_secure=settings.https,
        cookie_samesite="lax",
    )
    # Level 6: nearly the size of 9 (the default) in about half the time.
    compression = CompressionConfig(backend="gzip", minimum_size=512, gzip_compress_level=6)
    compressed = DefineMiddleware(compression.middleware_class, config=compression)
    files = create_static_files_router(
        path="/static",
        directories=[STATIC],
        name="web-static",
        # Addresses carry the content's hash (``?v=``), so a browser may keep them as long as it likes.
        cache_control=CacheControlHeader(max_age=365 * 86400, public=True),
        include_in_schema=False,
        opt=POLICY.route("files")["opt"],
        middleware=[compressed],
    )
    router = Router(
        "/",
        route_handlers=[
            *PUBLIC_HANDLERS,
            *SIGNIN_HANDLERS,
            *FAMILY_HANDLERS,
            *APPLY_HANDLERS,
            *APPEAL_HANDLERS,
            *ANSWER_HANDLERS,
            *CERTIFICATE_HANDLERS,
            *GRIEVANCE_HANDLERS,
            *STAFF_SIGNIN_HANDLERS,
            *DESK_HANDLERS,
            *VERIFICATION_HANDLERS,
            *APPEALS_HANDLERS,
            *GRIEVANCE_DESK_HANDLERS,
            *REPORT_HANDLERS,
        ],
        opt={WEB: True, SESSION: True},
        include_in_schema=False,
        # Compression outermost, as Litestar places it for a whole application.
        middleware=[compressed, DefineMiddleware(CSRFMiddleware, config=csrf)],
        # A few phone photos at once; each is made smaller before it is stored.
        request_max_body_size=settings.max_photo_bytes + _MULTIPART_OVERHEAD,
    )

    def sweeping(app: Litestar) -> contextlib.AbstractAsyncContextManager[None]:
        """Remove ended sessions and old drafts every ten minutes while the server runs."""
        return in_background(repeat(sessions.sweep, _SWEEP_SECONDS, "sweeping ended web sessions", log))

    handed = Pages(
        site=site,
        catalogues=catalogues,
        sessions=sessions,
        services=services,
        families=families,
        applications=applications,
        certificates=certificates,
        deadlines=deadlines,
        desk=desk,
        documents=documents,
        identity=identity,
        notifications=notifications,
        versions=versions,
        engine=platform.engine,
        grievances=grievances,
        grievance_reports=grievance_reports,
    )
    capability = Capability(
        "web",
        route_handlers=[router, files],
        dependencies={"web": provide(handed)},
        lifespans=[sweeping],
        policy=POLICY,
    )
    return WebBuilt(
        capability=capability,
        sessions=sessions,
        templates=TemplateConfig(engine=JinjaTemplateEngine.from_environment(env)),
        error_pages=WebErrorPages(site, env),
        catalogues=catalogues,
    )
