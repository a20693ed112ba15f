"""``/api/v1/admin/clients``: administrators list, create and revoke API clients."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from gateway.identity.errors import ClientInvalid
from gateway.identity.policy import POLICY
from gateway.identity.service import IdentityService
from gateway.platform.guard import Caller
from gateway.platform.problems import NotFound
from schemas.identity_api import ClientCreate, ClientCreatedOut, ClientOut

__all__ = ["ClientAdminController"]


class ClientAdminController(Controller):
    path = "/api/v1/admin/clients"
    tags = ("administration",)

    @get("/", summary="API clients, revoked ones included", **POLICY.route("list_clients"))
    async def list_clients(self, identity: NamedDependency[IdentityService]) -> list[ClientOut]:
        return await identity.list_clients()

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create an API client; its secret is shown once",
        **POLICY.route("create_client", ClientInvalid),
    )
    async def create_client(
        self,
        data: JSONBody[ClientCreate],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> ClientCreatedOut:
        return await identity.create_client(data.name, data.role, data.department, caller.actor)

    @delete(
        "/{client_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an API client",
        **POLICY.route("revoke_client", NotFound),
    )
    async def revoke_client(
        self,
        client_id: Annotated[str, Parameter(max_length=80)],
        identity: NamedDependency[IdentityService],
        caller: NamedDependency[Caller],
    ) -> None:
        await identity.revoke_client(client_id, caller.actor)
