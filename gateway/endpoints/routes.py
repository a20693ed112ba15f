"""``/api/v1/departments/adapters``: a department registers or moves the adapter of its services."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from gateway.endpoints.errors import AdapterUnhealthy, EndpointNotAllowed, EndpointRefused, UnknownAdapter
from gateway.endpoints.policy import POLICY
from gateway.endpoints.service import EndpointService
from gateway.platform.guard import Caller
from schemas.endpoints_api import EndpointOut, EndpointRegistration

__all__ = ["EndpointController"]


class EndpointController(Controller):
    path = "/api/v1/departments/adapters"
    tags = ("departments",)

    @put(
        "/{adapter:str}",
        summary="Register or update the adapter of your department's services (checked with a health call)",
        **POLICY.route("register", UnknownAdapter, EndpointRefused, EndpointNotAllowed, AdapterUnhealthy),
    )
    async def register(
        self,
        adapter: Annotated[str, Parameter(description="the adapter code the catalogue names")],
        data: JSONBody[EndpointRegistration],
        endpoints: NamedDependency[EndpointService],
        caller: NamedDependency[Caller],
    ) -> EndpointOut:
        return await endpoints.register(caller, adapter, data)

    @get(
        "/",
        summary="Registered adapters (your department's, or all for administrators and auditors)",
        **POLICY.route("list"),
    )
    async def list_endpoints(
        self, endpoints: NamedDependency[EndpointService], caller: NamedDependency[Caller]
    ) -> list[EndpointOut]:
        return await endpoints.list(caller)
