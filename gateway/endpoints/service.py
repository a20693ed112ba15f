"""Departments register (or move) the adapter of their services; the gateway checks it before switching.

A department may register an adapter code only if every service the catalogue delivers through it is
one of its own (so no department can take over a shared adapter); administrators may register any. The
endpoint must be an address the operators allow (``adapters.egress``, ``SEVA_EGRESS_ALLOW``), and the
new configuration must pass a ``health`` call before it is stored. Every change, and every refusal, goes
to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import (
    AdapterConfig,
    AdapterConfigError,
    AdapterRegistry,
    BearerToken,
    DepartmentError,
    EgressPolicy,
    Timeouts,
    build_client,
)
from adapters.errors import DestinationRefused
from catalogue import Catalogue
from family_registry.reads import Reads
from gateway.audit import Actor, AuditTrail
from gateway.endpoints.errors import AdapterUnhealthy, EndpointNotAllowed, EndpointRefused, UnknownAdapter
from gateway.endpoints.policy import POLICY
from gateway.endpoints.tables import DepartmentEndpoint
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.guard import Caller
from schemas.endpoints_api import EndpointOut, EndpointRegistration

__all__ = ["EndpointService", "registered_endpoints", "token_variable"]

_ENDPOINTS = DepartmentEndpoint.__table__  # type: ignore[attr-defined]
AdapterCatalogue = Callable[[], Catalogue]


_REGISTERED = select(_ENDPOINTS.c.adapter, _ENDPOINTS.c.version, _ENDPOINTS.c.config)


async def registered_endpoints(reads: Reads) -> dict[str, tuple[int, str]]:
    """Every registered adapter code with its version and configuration (JSON), for the delivery resolver.
    Read in one hop to the database's thread (``family_registry.reads``): the resolver reads them again
    every few seconds, in the cycle that claims a delivery, where the engine's connection took six or so."""
    rows = await reads.all(_REGISTERED, {})
    return {row[0]: (int(row[1]), row[2]) for row in rows}


def token_variable(adapter: str) -> str:
    """The one environment variable that may hold the bearer token of ``adapter``."""
    return f"SEVA_ADAPTER_{adapter.upper()}_TOKEN"


def _out(row: dict[str, object]) -> EndpointOut:
    return EndpointOut(
        adapter=str(row["adapter"]),
        department=str(row["department"]),
        kind=str(row["kind"]),
        endpoint=row["endpoint"],  # type: ignore[arg-type]
        version=int(row["version"]),  # type: ignore[call-overload]
        updated_at=dt.datetime.fromtimestamp(float(row["updated_at"]), dt.UTC).isoformat(timespec="seconds"),  # type: ignore[arg-type]
        updated_by=str(row["updated_by"]),
    )


def _timeouts(seconds: float) -> Timeouts:
    """The department's timeout for reading and sending; connecting and waiting for a connection take no
    longer than that either (a call's longest time, and so its lease, is the sum of the four)."""
    defaults = Timeouts()
    return Timeouts(
        connect=min(defaults.connect, seconds), pool=min(defaults.pool, seconds), read=seconds, write=seconds
    )


def _shown(url: str) -> str:
    """The endpoint as the audit trail keeps it: without a user name, password, query or fragment (any of
    which may hold a secret), cut short."""
    try:
        return str(httpx.URL(url).copy_with(username=None, password=None, query=None, fragment=None))[:500]
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(not a URL)"


class EndpointService:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: AdapterCatalogue,
        registry: AdapterRegistry,
        audit: AuditTrail,
        *,
        egress: EgressPolicy,
        on_change: Callable[[], None] = lambda: None,
        clock: Clock | None = None,
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.registry = registry
        self.audit = audit
        self.egress = egress
        self.on_change = on_change  # an in-process worker switches at its next delivery
        self.clock = clock or SystemClock()

    def department_of(self, code: str) -> str:
        """The one department whose services the adapter delivers; ``EndpointRefused`` otherwise."""
        catalogue = self.catalogue()
        if code not in catalogue.adapters:
            raise UnknownAdapter("adapter", f"the catalogue declares no adapter {code!r}")
        departments = {s.department for s in catalogue.services if s.delivery and s.delivery.adapter == code}
        if len(departments) != 1:
            raise EndpointRefused(
                "adapter",
                f"adapter {code!r} serves {len(departments)} departments; only an administrator may move it",
            )
        return departments.pop()

    async def register(self, caller: Caller, code: str, body: EndpointRegistration) -> EndpointOut:
        """Check and store a registration; a refusal is audited before it is raised."""
        try:
            stored = await self._register(caller, code, body)
        except EndpointRefused as exc:
            await self._refused(caller.actor, code, body, exc.code, exc.audit_detail)
            raise
        except AdapterUnhealthy as exc:
            error = exc.error
            reason = f"{type(error).__name__}: {error.reason}"[:300]
            await self._refused(caller.actor, code, body, exc.code, reason, error.status_code)
            raise
        self.on_change()
        return stored

    async def _refused(
        self, actor: Actor, code: str, body: EndpointRegistration, reason: str, detail: str,
        status_code: int | None = None,
    ) -> None:  # fmt: skip
        details = {
            "reason": reason,
            "detail": detail[:300],
            "kind": body.kind,
            "endpoint": _shown(body.endpoint),
        }
        if status_code is not None:
            details["status_code"] = str(status_code)
        async with self.engine.begin() as conn:
            await self.audit.append(
                conn, actor, "department_endpoint.refused", f"adapter:{code[:64]}", details
            )

    async def _register(self, caller: Caller, code: str, body: EndpointRegistration) -> EndpointOut:
        scope = POLICY.register.scope(caller.principal)
        department = self.department_of(code)
        if not scope.admits(department=department):
            raise UnknownAdapter("adapter", f"adapter {code!r} belongs to another department")
        if body.token_ref is not None and body.token_ref != token_variable(code):
            # A department names only its own adapter's variable: any other name would make the gateway
            # send that variable's value (a key, a database password) to the department's endpoint.
            raise EndpointRefused(
                "token_ref", f"token_ref must be {token_variable(code)}, set on the gateway by its operators"
            )
        try:
            config = AdapterConfig(
                code=code,
                kind=body.kind,
                endpoint=body.endpoint,
                service=body.service,
                auth=BearerToken(token_ref=body.token_ref) if body.token_ref else None,
                xsd=body.xsd,
                timeouts=_timeouts(body.timeout_seconds),
                max_concurrency=body.max_concurrency,
            )
            await self.egress.check_url(config.require_endpoint(), adapter=code)
            client = build_client(config, egress=self.egress)
        except (AdapterConfigError, msgspec.ValidationError) as exc:
            raise EndpointRefused("body", str(exc)) from None
        except DestinationRefused as exc:
            raise EndpointNotAllowed(exc.reason) from None
        except DepartmentError as exc:  # the name does not resolve
            raise AdapterUnhealthy(exc) from None
        try:
            adapter = self.registry.create(config, client=client)
            await adapter.health()
        except AdapterConfigError as exc:
            raise EndpointRefused("body", str(exc)) from None
        except DestinationRefused as exc:  # the name moved to a refused address since the check above
            raise EndpointNotAllowed(exc.reason) from None
        except DepartmentError as exc:
            raise AdapterUnhealthy(exc) from None
        finally:
            await client.aclose()
        return await self._store(caller.actor, code, department, config)

    async def _store(self, actor: Actor, code: str, department: str, config: AdapterConfig) -> EndpointOut:
        now = self.clock.time()
        values = {
            "department": department,
            "kind": config.kind,
            "endpoint": config.endpoint,
            "config": msgspec.json.encode(config).decode(),
            "updated_at": now,
            "updated_by": actor.subject[:80],
        }
        async with self.engine.begin() as conn:
            # Write first (no read before it): on SQLite a transaction that read before writing fails when
            # another process wrote in between.
            moved = await conn.execute(
                update(_ENDPOINTS)
                .where(_ENDPOINTS.c.adapter == code)
                .values(version=_ENDPOINTS.c.version + 1, **values)
                .returning(_ENDPOINTS.c.version)
            )
            version = moved.scalar_one_or_none()
            if version is None:
                version = 1
                await conn.execute(insert(_ENDPOINTS).values(adapter=code, version=version, **values))
            await self.audit.append(
                conn, actor, POLICY.register.action, f"adapter:{code}",
                {"kind": config.kind, "endpoint": config.endpoint, "version": version,
                 "token_ref": config.auth.token_ref if isinstance(config.auth, BearerToken) else None},
            )  # fmt: skip
        return _out({"adapter": code, "version": version, **values})

    async def list(self, caller: Caller) -> list[EndpointOut]:
        scope = POLICY.list.scope(caller.principal)
        query = select(_ENDPOINTS).order_by(_ENDPOINTS.c.adapter)
        if not scope.everything:
            query = query.where(_ENDPOINTS.c.department == (scope.department or "-"))
        async with self.engine.connect() as conn:
            return [_out(dict(row)) for row in (await conn.execute(query)).mappings()]
