"""``/api/v1/departments/adapters``: a department registers or moves the adapter of its services."""

from __future__ import annotations

from litestar import Controller, get, put

from gateway.audit.trail import Actor
from gateway.delivery.endpoints import EndpointService
from gateway.delivery.resolver import AdapterResolver
from gateway.identity.access import allow
from gateway.identity.principal import Principal
from schemas.endpoints_api import EndpointOut, EndpointRegistration

__all__ = ["EndpointController"]


class EndpointController(Controller):
    path = "/api/v1/departments/adapters"
    tags = ("departments",)

    @put(
        "/{adapter:str}",
        summary="Register or update the adapter of your department's services (checked with a health call)",
        **allow("department", "administrator", purpose="register a department adapter"),
    )
    async def register(
        self,
        adapter: str,
        data: EndpointRegistration,
        endpoints: EndpointService,
        resolver: AdapterResolver,
        principal: Principal,
        actor: Actor,
    ) -> EndpointOut:
        registered = await endpoints.register(principal, actor, adapter, data)
        resolver.forget()  # an in-process worker switches at its next delivery
        return registered

    @get(
        "/",
        summary="Registered adapters (your department's, or all for administrators and auditors)",
        **allow("department", "auditor", "administrator", purpose="list department adapters"),
    )
    async def list_endpoints(self, endpoints: EndpointService, principal: Principal) -> list[EndpointOut]:
        return await endpoints.list(principal.department if principal.role == "department" else None)
