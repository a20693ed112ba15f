"""Departments register (or move) the adapter of their services; the gateway checks it before switching.

A department may register an adapter code only if every service the catalogue delivers through it is
one of its own (so no department can take over a shared adapter); administrators may register any. The
endpoint must be an address the operators allow (``adapters.egress``, ``SEVA_EGRESS_ALLOW``), and the
new configuration must pass a ``health`` call before it is stored. Every change, and every refusal, goes
to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import time
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
from gateway.audit.trail import Actor, AuditTrail
from gateway.delivery.tables import DepartmentEndpoint
from gateway.identity.principal import Principal
from schemas.endpoints_api import EndpointOut, EndpointRegistration

__all__ = ["AdapterUnhealthy", "EndpointRefused", "EndpointService", "token_variable"]

_ENDPOINTS = DepartmentEndpoint.__table__  # type: ignore[attr-defined]
AdapterCatalogue = Callable[[], Catalogue]


class EndpointRefused(Exception):
    """The caller may not register this adapter, or the configuration cannot be used; ``field`` names why.

    ``code`` is the problem's code; ``message_hi`` the message in Hindi when it is not the generic one;
    ``detail`` what the audit trail keeps when it says more than the caller may see.
    """

    def __init__(
        self, field: str, message: str, *, not_found: bool = False, code: str | None = None,
        message_hi: str | None = None, detail: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.field = field
        self.message = message
        self.not_found = not_found
        self.code = code or ("unknown_adapter" if not_found else "invalid_adapter")
        self.message_hi = message_hi
        self.detail = detail or message


def _not_allowed(exc: DestinationRefused) -> EndpointRefused:
    # The answer never names the address the host resolved to: registration is no way to map a network.
    return EndpointRefused(
        "endpoint",
        "The gateway may not call this endpoint: its address is not in the operators' allow-list "
        "(SEVA_EGRESS_ALLOW). Ask the operators to allow the department's host.",
        code="endpoint_not_allowed",
        message_hi="गेटवे इस पते पर अनुरोध नहीं भेज सकता: यह संचालकों की अनुमति-सूची (SEVA_EGRESS_ALLOW) में "
        "नहीं है। विभाग का होस्ट इस सूची में जुड़वाने के लिए संचालकों से कहें।",
        detail=exc.reason,
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


class AdapterUnhealthy(Exception):
    """The department did not pass the health call; the old configuration stays in use."""

    def __init__(self, error: DepartmentError) -> None:
        super().__init__(str(error))
        self.error = error


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


class EndpointService:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: AdapterCatalogue,
        registry: AdapterRegistry,
        audit: AuditTrail,
        *,
        egress: EgressPolicy,
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.registry = registry
        self.audit = audit
        self.egress = egress

    def department_of(self, code: str) -> str:
        """The one department whose services the adapter delivers; ``EndpointRefused`` otherwise."""
        catalogue = self.catalogue()
        if code not in catalogue.adapters:
            raise EndpointRefused("adapter", f"the catalogue declares no adapter {code!r}", not_found=True)
        departments = {s.department for s in catalogue.services if s.delivery.adapter == code}
        if len(departments) != 1:
            raise EndpointRefused(
                "adapter",
                f"adapter {code!r} serves {len(departments)} departments; only an administrator may move it",
            )
        return departments.pop()

    async def register(
        self, principal: Principal, actor: Actor, code: str, body: EndpointRegistration
    ) -> EndpointOut:
        """Check and store a registration; a refusal is audited before it is raised."""
        try:
            return await self._register(principal, actor, code, body)
        except EndpointRefused as exc:
            await self._refused(actor, code, body, exc.code, exc.detail)
            raise
        except AdapterUnhealthy as exc:
            error = exc.error
            reason = f"{type(error).__name__}: {error.reason}"[:300]
            await self._refused(actor, code, body, "adapter_unhealthy", reason, error.status_code)
            raise

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

    async def _register(
        self, principal: Principal, actor: Actor, code: str, body: EndpointRegistration
    ) -> EndpointOut:
        department = self.department_of(code)
        if principal.role != "administrator" and principal.department != department:
            raise EndpointRefused(
                "adapter", f"adapter {code!r} belongs to another department", not_found=True
            )
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
            raise _not_allowed(exc) from None
        except DepartmentError as exc:  # the name does not resolve
            raise AdapterUnhealthy(exc) from None
        try:
            adapter = self.registry.create(config, client=client)
            await adapter.health()
        except AdapterConfigError as exc:
            raise EndpointRefused("body", str(exc)) from None
        except DestinationRefused as exc:  # the name moved to a refused address since the check above
            raise _not_allowed(exc) from None
        except DepartmentError as exc:
            raise AdapterUnhealthy(exc) from None
        finally:
            await client.aclose()
        return await self._store(actor, code, department, config)

    async def _store(self, actor: Actor, code: str, department: str, config: AdapterConfig) -> EndpointOut:
        now = time.time()
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
                conn, actor, "department_endpoint.register", f"adapter:{code}",
                {"kind": config.kind, "endpoint": config.endpoint, "version": version,
                 "token_ref": config.auth.token_ref if isinstance(config.auth, BearerToken) else None},
            )  # fmt: skip
        return _out({"adapter": code, "version": version, **values})

    async def list(self, department: str | None) -> list[EndpointOut]:
        query = select(_ENDPOINTS).order_by(_ENDPOINTS.c.adapter)
        if department is not None:
            query = query.where(_ENDPOINTS.c.department == department)
        async with self.engine.connect() as conn:
            return [_out(dict(row)) for row in (await conn.execute(query)).mappings()]
