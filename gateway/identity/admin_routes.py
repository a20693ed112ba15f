"""``/api/v1/admin/clients``: administrators list, create and revoke API clients."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from gateway.audit.trail import Actor
from gateway.identity.access import allow
from gateway.identity.clients import ClientView
from gateway.identity.container import Identity
from gateway.problems import Problem
from schemas.identity_api import ClientCreate, ClientCreatedOut, ClientOut
from schemas.problem import Message

__all__ = ["ClientAdminController"]


def _iso(epoch: float | None) -> str | None:
    return (
        dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds") if epoch is not None else None
    )


def _out(view: ClientView) -> ClientOut:
    return ClientOut(
        client_id=view.client_id,
        name=view.name,
        role=view.role,
        department=view.department,
        created_at=_iso(view.created_at) or "",
        revoked_at=_iso(view.revoked_at),
    )


class ClientAdminController(Controller):
    path = "/api/v1/admin/clients"
    tags = ("administration",)

    @get(
        "/",
        summary="API clients, revoked ones included",
        **allow("administrator", purpose="list API clients"),
    )
    async def list_clients(self, identity: NamedDependency[Identity]) -> list[ClientOut]:
        return [_out(view) for view in await identity.clients.list()]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create an API client; its secret is shown once",
        **allow("administrator", purpose="create an API client"),
    )
    async def create_client(
        self, data: ClientCreate, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> ClientCreatedOut:
        if data.department is not None and data.department not in identity.departments():
            raise Problem(
                "invalid_request",
                Message(
                    en=f"Unknown department '{data.department}'.", hi=f"अज्ञात विभाग '{data.department}'।"
                ),
            )
        made = await identity.clients.create(data.name, data.role, data.department, actor)
        return ClientCreatedOut(
            client_id=made.client_id,
            name=made.name,
            role=made.role,
            department=made.department,
            created_at=_iso(dt.datetime.now(dt.UTC).timestamp()) or "",
            client_secret=made.secret,
        )

    @delete(
        "/{client_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an API client",
        **allow("administrator", purpose="revoke an API client"),
    )
    async def revoke_client(
        self, client_id: str, identity: NamedDependency[Identity], actor: NamedDependency[Actor]
    ) -> None:
        if not await identity.clients.revoke(client_id, actor):
            raise Problem(
                "not_found",
                Message(
                    en=f"No live client has the ID '{client_id}'.",
                    hi=f"'{client_id}' आईडी का कोई सक्रिय क्लाइंट नहीं है।",
                ),
            )
