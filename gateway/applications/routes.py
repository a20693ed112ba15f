"""``/api/v1/applications``: apply for a service, follow an application, list applications.

Who sees which applications, and how, is the applications policy (``policy.py``).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from gateway.applications.errors import (
    ApplicationNotFound,
    EligibilityUndetermined,
    FormRefused,
    IdempotencyConflict,
    IdempotencyKeyRequired,
    MissingDocuments,
    NoJudgement,
    NotAnApplication,
    NotEligible,
    ReferenceRefused,
    UnknownServiceCode,
)
from gateway.applications.policy import POLICY
from gateway.applications.service import MAX_KEY, ApplicationService
from gateway.families import UnknownMember
from gateway.platform.guard import Caller
from schemas.applications_api import ApplicationCreate, ApplicationOut, ApplicationPage
from schemas.identifiers import FAMILY_ID, REFERENCE
from schemas.versions_api import JudgementOut

__all__ = ["ApplicationController"]

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=1000,
        description=f"Required: 1 to {MAX_KEY} printable characters, new for each application. The same key "
        "with the same body returns the application made the first time (200); with another body, 409.",
    ),
]
Reference = Annotated[
    str,
    Parameter(description="13 digits, grouped or not: 2611-4829-1037-5", schema_extra={"pattern": REFERENCE}),
]


class ApplicationController(Controller):
    path = "/api/v1/applications"
    tags = ("applications",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Apply for a service for a member of your family",
        **POLICY.route(
            "submit",
            IdempotencyKeyRequired,
            IdempotencyConflict,
            UnknownServiceCode,
            NotAnApplication,
            UnknownMember,
            FormRefused,
            NotEligible,
            EligibilityUndetermined,
            MissingDocuments,
        ),
    )
    async def submit(
        self,
        data: JSONBody[ApplicationCreate],
        applications: NamedDependency[ApplicationService],
        caller: NamedDependency[Caller],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ApplicationOut]:
        """201 with the new application; 200 with the earlier one when the key and body were seen before."""
        application, created = await applications.submit(caller, data, idempotency_key)
        return Response(application, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/{reference:str}",
        summary="An application's status and timeline",
        **POLICY.route("read", ReferenceRefused, ApplicationNotFound),
    )
    async def get_application(
        self,
        reference: Reference,
        applications: NamedDependency[ApplicationService],
        caller: NamedDependency[Caller],
    ) -> ApplicationOut:
        return await applications.read(caller, reference)

    @get(
        "/{reference:str}/judgement",
        summary="The catalogue, rules and facts an application was accepted on, and what changed since",
        **POLICY.route("judgement", ReferenceRefused, ApplicationNotFound, NoJudgement),
    )
    async def get_judgement(
        self,
        reference: Reference,
        applications: NamedDependency[ApplicationService],
        caller: NamedDependency[Caller],
    ) -> JudgementOut:
        return await applications.judgement(caller, reference)

    @get(
        "/",
        summary="Applications of your family (citizens), your services (departments), or all",
        **POLICY.route("list"),
    )
    async def list_applications(
        self,
        applications: NamedDependency[ApplicationService],
        caller: NamedDependency[Caller],
        family_id: Annotated[str | None, Parameter(schema_extra={"pattern": FAMILY_ID})] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> ApplicationPage:
        return await applications.list_for(caller, family_id, limit)
