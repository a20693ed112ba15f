"""Open311 over seva's grievances: each department's category is a service, a posted request is a
grievance filed through the grievances service (channel ``open311``), and a request's ID is the grievance
number.

A post's token is kept on the grievance itself as its external reference, written in the same transaction
as the grievance, so ``GET tokens/{token}`` can never point at nothing. What a request shows is what
anyone holding the number may learn: category, department, district, stage and dates; never the text,
the place or anything that reaches the citizen.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec
from sqlalchemy import and_, column, or_, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import Catalogue
from catalogue.grievance_routing import GRIEVANCE_TYPES, Routing
from family_registry.mobile import check_mobile
from gateway.audit import Actor
from gateway.open311.apps import Open311Apps
from gateway.open311.errors import (
    RequestNotFound,
    RequestRefused,
    ServiceNotFound,
    TokenNotFound,
    UnknownServiceCode,
)
from gateway.platform.clock import Clock
from schemas.grievances_api import GrievanceCreate
from schemas.open311_api import (
    AttributeValue,
    Discovery,
    DiscoveryEndpoint,
    RequestCreated,
    RequestForm,
    Service,
    ServiceAttribute,
    ServiceDefinition,
    ServiceRequest,
    TokenAnswer,
)
from schemas.problem import FieldError

__all__ = ["CHANNEL", "Filing", "Open311", "RequestQuery"]

CHANNEL = "open311"
DAY = 86400.0
WINDOW_DAYS = 90  # GET requests: the standard's default and widest window
LIMIT = 1000
CHANGESET = "2026-12-01T00:00:00Z"  # when this endpoint's description last changed
_IDS = re.compile(r"^[Gg][0-9]{14}$")

# The grievance table as far as Open311 reads it (the grievances capability owns and writes it).
_G = table(
    "grievance",
    *(
        column(name)
        for name in (
            "number",
            "department",
            "category",
            "district",
            "level",
            "position",
            "status",
            "closure",
            "due_on",
            "created_at",
            "updated_at",
            "external_ref",
            "channel",
        )
    ),
).c


class Filing(Protocol):
    """What Open311 needs of the grievances service: its routing and a filing from outside a session."""

    @property
    def routing(self) -> Routing: ...

    async def file_external(
        self,
        body: GrievanceCreate,
        actor: Actor,
        *,
        channel: str,
        mobile: str | None = ...,
        external_ref: str | None = ...,
    ) -> Any: ...


def _w3c(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _stamp(name: str, text: str) -> float:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestRefused(
            [FieldError(field=name, message="a W3C date and time with its zone, e.g. 2026-03-01T00:00:00Z")],
            f"{name}: क्षेत्र सहित तिथि और समय दें, जैसे 2026-03-01T00:00:00Z",
        )
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class RequestQuery:
    """The filters of GET requests, checked."""

    ids: tuple[str, ...] = ()
    codes: tuple[tuple[str, str], ...] = ()
    start: float | None = None
    end: float | None = None
    statuses: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, ids: str | None, codes: str | None, start: str | None, end: str | None, status: str | None
    ) -> RequestQuery:
        wanted = tuple(i.strip().upper() for i in (ids or "").split(",") if i.strip())[:LIMIT]
        pairs = tuple(
            (d, c)
            for d, _, c in (code.strip().partition(".") for code in (codes or "").split(",") if code.strip())
        )
        statuses = tuple(s.strip().lower() for s in (status or "").split(",") if s.strip())
        if set(statuses) - {"open", "closed"}:
            raise RequestRefused(
                [FieldError(field="status", message="open, closed, or both separated by a comma")],
                "status: open, closed, या दोनों (अल्पविराम से अलग)",
            )
        first = _stamp("start_date", start) if start else None
        last = _stamp("end_date", end) if end else None
        if first is not None and last is not None and (last < first or last - first > WINDOW_DAYS * DAY):
            raise RequestRefused(
                [
                    FieldError(
                        field="end_date", message=f"after start_date and within {WINDOW_DAYS} days of it"
                    )
                ],
                f"end_date: start_date के बाद और उससे {WINDOW_DAYS} दिनों के भीतर",
            )
        return cls(wanted, pairs, first, last, statuses)


@dataclass(slots=True)
class Open311:
    engine: AsyncEngine
    clock: Clock
    apps: Open311Apps
    grievances: Filing
    catalogue: Callable[[], Catalogue]

    # -- services -------------------------------------------------------------------------------------

    def _category(self, code: str) -> tuple[str, str, str] | None:
        """(department, category, name) of a service code ``department.category``, if it is one."""
        department, _, category = code.partition(".")
        route = self.grievances.routing.department(department)
        if route is None or category not in route.categories:
            return None
        return department, category, route.categories[category].en

    def _department_name(self, code: str) -> str:
        found = self.catalogue().departments.get(code)
        return found.name.en if found is not None else code

    def services(self) -> list[Service]:
        found = []
        for department, route in sorted(self.grievances.routing.departments.items()):
            group = self._department_name(department)
            for category, name in route.categories.items():
                found.append(
                    Service(
                        service_code=f"{department}.{category}",
                        service_name=name.en,
                        description=f"{group}: {name.en} / {name.hi}",
                        metadata=True,
                        type="realtime",
                        keywords=", ".join(
                            dict.fromkeys([category.replace("_", " "), department.replace("_", " ")])
                        ),
                        group=group,
                    )
                )
        return found

    def definition(self, code: str) -> ServiceDefinition:
        if self._category(code) is None:
            raise ServiceNotFound(code)
        districts = sorted(self.catalogue().districts.values(), key=lambda d: d.name.en)
        return ServiceDefinition(
            service_code=code,
            attributes=[
                ServiceAttribute(
                    variable=True,
                    code="district",
                    datatype="singlevaluelist",
                    required=True,
                    datatype_description="one of the state's districts",
                    order=1,
                    description="District where the grievance arose / जिला",
                    values=[AttributeValue(key=d.code, name=f"{d.name.en} / {d.name.hi}") for d in districts],
                ),
                ServiceAttribute(
                    variable=True,
                    code="kind",
                    datatype="singlevaluelist",
                    required=False,
                    datatype_description="complaint when left out",
                    order=2,
                    description="Kind of grievance / शिकायत का प्रकार",
                    values=[AttributeValue(key=k, name=k.replace("_", " ")) for k in GRIEVANCE_TYPES],
                ),
            ],
        )

    def discovery(self, url: str) -> Discovery:
        changed = CHANGESET
        endpoint = DiscoveryEndpoint(
            specification="http://wiki.open311.org/GeoReport_v2",
            url=url,
            changeset=changed,
            type="production",
            formats=["application/json", "text/xml"],
        )
        state = self.catalogue().state
        contact = f"{state.name.en} grievance helpline"
        keys = "API keys are made by the state's administrators (seva open311 create-app)."
        return Discovery(changeset=changed, contact=contact, key_service=keys, endpoints=[endpoint])

    # -- posting --------------------------------------------------------------------------------------

    def _checked(self, form: RequestForm) -> tuple[GrievanceCreate, str]:
        """The grievance a form describes and the mobile number to tell; every problem at once."""
        problems: list[FieldError] = []
        hindi: list[str] = []

        def refuse(field: str, en: str, hi: str) -> None:
            problems.append(FieldError(field=field, message=en))
            hindi.append(f"{field}: {hi}")

        subject = self._category(form.service_code or "")
        assert subject is not None  # checked by the caller
        text = (form.description or "").strip()
        if len(text) < 10:
            refuse(
                "description", "at least 10 characters saying what is wrong", "कम से कम 10 अक्षरों में समस्या बताएं"
            )
        district = (form.district or "").strip()
        if not district:
            refuse(
                "attribute[district]", "required: one of the service definition's districts", "आवश्यक: जिला चुनें"
            )
        elif district not in self.catalogue().districts:
            refuse(
                "attribute[district]",
                f"'{district[:40]}' is not a district of the state",
                "यह राज्य का जिला नहीं है",
            )
        kind = (form.kind or "complaint").strip()
        if kind not in GRIEVANCE_TYPES:
            refuse("attribute[kind]", f"one of {', '.join(GRIEVANCE_TYPES)}", "शिकायत का मान्य प्रकार चुनें")
        mobile = ""
        try:
            mobile = check_mobile(form.phone or "")
        except ValueError:
            refuse(
                "phone",
                "the citizen's 10-digit mobile number, to tell them of each step",
                "नागरिक का 10 अंकों का मोबाइल नंबर",
            )
        place = (form.address_string or "").strip()
        if not place and form.lat and form.long:
            place = f"{form.lat[:20]}, {form.long[:20]}"
        if not place and not form.address_id:
            refuse(
                "address_string",
                "where it is: address_string, or lat and long",
                "स्थान बताएं: address_string, या lat और long",
            )
        if problems:
            raise RequestRefused(problems, " ".join(hindi))
        department, category, _ = subject
        place = (place or str(form.address_id))[:200]
        values = {"kind": kind, "district": district, "place": place, "text": text}
        body = msgspec.convert({**values, "department": department, "category": category}, GrievanceCreate)
        return body, mobile

    async def post(self, form: RequestForm, caller: Actor) -> RequestCreated:
        async with self.engine.connect() as conn:
            app_id = await self.apps.holder(conn, form.api_key)
        if not form.service_code or self._category(form.service_code) is None:
            raise UnknownServiceCode(form.service_code or "")
        body, mobile = self._checked(form)
        token = secrets.token_urlsafe(12)
        actor = Actor(
            subject=f"open311:{app_id}",
            role="system",
            client_ip=caller.client_ip,
            reason="Open311 service request",
            request_id=caller.request_id,
        )
        filed = await self.grievances.file_external(
            body, actor, channel=CHANNEL, mobile=mobile, external_ref=token
        )
        return RequestCreated(
            service_request_id=str(filed.number),
            token=token,
            service_notice=f"Grievance {filed.number_display} is at level 1; due {filed.due_on}.",
        )

    # -- reading ----------------------------------------------------------------------------------------

    def _request(self, row: Any) -> ServiceRequest:
        closed = row.status in ("closed", "withdrawn")
        route = self.grievances.routing.department(row.department)
        name = (
            route.categories[row.category].en if route and row.category in route.categories else row.category
        )
        district = self.catalogue().districts.get(row.district)
        due = dt.datetime.combine(dt.date.fromisoformat(row.due_on), dt.time(23, 59, 59))
        return ServiceRequest(
            service_request_id=row.number,
            status="closed" if closed else "open",
            status_notes=f"{row.status}" + (f" ({row.closure})" if row.closure else f", level {row.level}"),
            service_name=name,
            service_code=f"{row.department}.{row.category}",
            description=None,
            agency_responsible=f"{row.position}, {self._department_name(row.department)}",
            service_notice=None,
            requested_datetime=_w3c(row.created_at),
            updated_datetime=_w3c(row.updated_at),
            expected_datetime=None if closed else due.isoformat() + "+05:30",
            address=district.name.en if district is not None else row.district,
            address_id=None,
            zipcode=None,
            lat=None,
            long=None,
            media_url=None,
        )

    def _columns(self) -> Any:
        return select(
            _G.number,
            _G.department,
            _G.category,
            _G.district,
            _G.level,
            _G.position,
            _G.status,
            _G.closure,
            _G.due_on,
            _G.created_at,
            _G.updated_at,
        )

    async def requests(self, query: RequestQuery) -> list[ServiceRequest]:
        statement = self._columns()
        if query.ids:
            statement = statement.where(_G.number.in_([i for i in query.ids if _IDS.match(i)]))
        else:
            now = self.clock.time()
            end = query.end if query.end is not None else now
            start = query.start if query.start is not None else end - WINDOW_DAYS * DAY
            statement = statement.where(_G.created_at >= start, _G.created_at <= end)
            if query.codes:
                statement = statement.where(
                    or_(*(and_(_G.department == d, _G.category == c) for d, c in query.codes))
                )
            if query.statuses and len(set(query.statuses)) == 1:
                closed = _G.status.in_(("closed", "withdrawn"))
                statement = statement.where(closed if query.statuses[0] == "closed" else ~closed)
        statement = statement.order_by(_G.created_at.desc()).limit(LIMIT)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [self._request(row) for row in rows]

    async def request(self, request_id: str) -> ServiceRequest:
        number = request_id.strip().upper()
        if not _IDS.match(number):
            raise RequestNotFound(request_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(self._columns().where(_G.number == number))).first()
        if row is None:
            raise RequestNotFound(request_id)
        return self._request(row)

    async def token(self, token: str) -> TokenAnswer:
        statement = select(_G.number).where(_G.external_ref == token, _G.channel == CHANNEL)
        async with self.engine.connect() as conn:
            number = (await conn.execute(statement)).scalar()
        if number is None:
            raise TokenNotFound()
        return TokenAnswer(service_request_id=str(number), token=token)
