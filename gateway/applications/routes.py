"""``/api/v1/applications``: apply for a service, follow an application, list a family's applications.

Citizens see their own family's applications only (another family's reference is "not found"),
departments the applications for their own services, auditors everything with personal data masked,
administrators everything. Every read is written to the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from gateway.applications.errors import ApplicationNotFound
from gateway.applications.reference import parse_reference
from gateway.applications.service import ApplicationService
from gateway.audit.trail import Actor
from gateway.identity.access import allow
from gateway.identity.masking import mask_id, mask_text
from gateway.identity.principal import Principal
from gateway.problems import Problem
from schemas.applications_api import ApplicationCreate, ApplicationOut, ApplicationPage
from schemas.problem import FieldError, Message

__all__ = ["IDEMPOTENCY_HEADER", "ApplicationController"]

IDEMPOTENCY_HEADER = "idempotency-key"
_MAX_KEY = 128


def _masked_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every text withheld, at any depth; numbers and flags kept."""
    return {name: _masked_value(value) for name, value in values.items()}


def _masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return _masked_values(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    return value


def _masked(application: ApplicationOut) -> ApplicationOut:
    """What an auditor sees: IDs shortened, the form's and the certificate's texts withheld."""
    return msgspec.structs.replace(
        application,
        member_id=mask_id(application.member_id),
        family_id=mask_id(application.family_id),
        form=_masked_values(application.form),
        certificate=_masked_values(application.certificate) if application.certificate else None,
    )


def _key(request: Request) -> str:  # type: ignore[type-arg]
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key or len(key) > _MAX_KEY or not key.isprintable():
        raise Problem(
            "idempotency_key_required",
            Message(
                en=f"Send an Idempotency-Key header (1 to {_MAX_KEY} printable characters), new for each "
                "application.",
                hi=f"Idempotency-Key हेडर भेजें (1 से {_MAX_KEY} अक्षर, हर आवेदन के लिए नई)।",
            ),
            errors=[FieldError(field="header.Idempotency-Key", message="missing or not usable")],
        )
    return key


class ApplicationController(Controller):
    path = "/api/v1/applications"
    tags = ("applications",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Apply for a service for a member of your family",
        **allow("citizen", purpose="apply for a service", personal=True),
    )
    async def submit(
        self,
        data: ApplicationCreate,
        request: Request,  # type: ignore[type-arg]
        applications: ApplicationService,
        principal: Principal,
        actor: Actor,
    ) -> Response[ApplicationOut]:
        application, created = await applications.submit(principal, actor, data, _key(request))
        return Response(application, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/{reference:str}",
        summary="An application's status and timeline",
        **allow(
            "citizen", "department", "auditor", "administrator", purpose="read an application", personal=True
        ),
    )
    async def get_application(
        self, reference: str, applications: ApplicationService, principal: Principal, actor: Actor
    ) -> ApplicationOut:
        digits = parse_reference(reference)
        application = await applications.get(digits)
        visible = (
            (principal.role == "citizen" and application.family_id == principal.family_id)
            or (principal.role == "department" and application.department == principal.department)
            or principal.role in ("auditor", "administrator")
        )
        if not visible:
            raise ApplicationNotFound(digits)
        await applications.audit.record(actor, "application.read", f"application:{digits}")
        return _masked(application) if principal.role == "auditor" else application

    @get(
        "/",
        summary="Applications of your family (citizens), your services (departments), or all",
        **allow(
            "citizen", "department", "auditor", "administrator", purpose="list applications", personal=True
        ),
    )
    async def list_applications(
        self,
        applications: ApplicationService,
        principal: Principal,
        actor: Actor,
        family_id: str | None = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> ApplicationPage:
        department = None
        if principal.role == "citizen":
            family_id = principal.family_id
        elif principal.role == "department":
            department = principal.department or "-"
        items = await applications.list(family_id=family_id, department=department, limit=limit)
        target = f"family:{family_id}" if family_id else f"department:{department or '*'}"
        await applications.audit.record(actor, "application.list", target, {"count": len(items)})
        if principal.role == "auditor":
            items = [msgspec.structs.replace(i, member_id=mask_id(i.member_id)) for i in items]
        return ApplicationPage(items=items)
