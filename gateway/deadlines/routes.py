"""Routes of the guarantee: an application's clock and appeals, the appellate desk, the auditors' reports
(JSON and CSV; the page with charts is the web layer's, ``gateway/web/routes_reports.py``)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from gateway.deadlines.errors import (
    AppealDecided,
    AppealNotAllowed,
    AppealNotFound,
    AppealOutOfTime,
    AppealRefused,
    NoGuarantee,
    NotTheApplicant,
    ReportRefused,
)
from gateway.deadlines.policy import POLICY
from gateway.deadlines.reports import Grouping, report_csv
from gateway.deadlines.service import Deadlines
from gateway.platform.guard import Caller
from schemas.guarantee_api import AppealDecisionBody, AppealFiled, AppealOut, GuaranteeOut, ReportPage
from schemas.identifiers import REFERENCE

__all__ = ["AppealController", "GuaranteeController", "ReportController"]

Reference = Annotated[
    str, Parameter(description="13 digits, grouped or not", schema_extra={"pattern": REFERENCE})
]
By = Annotated[Grouping, Parameter(description="service, department, district or month of application")]
Day = Annotated[str | None, Parameter(schema_extra={"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})]
_SEPARATORS = re.compile(r"[-. /]")


def digits(reference: str) -> str:
    """A reference without its separators; ``NoGuarantee`` when it is not 13 digits."""
    found = _SEPARATORS.sub("", reference)
    if len(found) != 13 or not found.isascii() or not found.isdigit():
        raise NoGuarantee(reference[:20])
    return found


class GuaranteeController(Controller):
    path = "/api/v1/applications/{reference:str}"
    tags = ("guarantee",)

    @get(
        "/guarantee",
        summary="The application's guaranteed time limit, appeals and compensation",
        **POLICY.route("guarantee", NoGuarantee),
    )
    async def guarantee(
        self, reference: Reference, deadlines: NamedDependency[Deadlines], caller: NamedDependency[Caller]
    ) -> GuaranteeOut:
        return await deadlines.view(caller, digits(reference))

    @post(
        "/appeals",
        status_code=HTTP_201_CREATED,
        summary="Appeal under the guarantee Act (the applicant)",
        **POLICY.route("appeal", NoGuarantee, NotTheApplicant, AppealNotAllowed, AppealOutOfTime),
    )
    async def file_appeal(
        self,
        reference: Reference,
        data: JSONBody[AppealFiled],
        deadlines: NamedDependency[Deadlines],
        caller: NamedDependency[Caller],
    ) -> AppealOut:
        return await deadlines.file_appeal(caller, digits(reference), data)


class AppealController(Controller):
    path = "/api/v1/appeals"
    tags = ("guarantee",)

    @get(
        "/",
        summary="Appeals before you (appellate authorities), nearest limit first",
        **POLICY.route("appeals"),
    )
    async def list_appeals(
        self,
        deadlines: NamedDependency[Deadlines],
        caller: NamedDependency[Caller],
        which: Annotated[Literal["open", "decided"], QueryParameter(name="state")] = "open",
    ) -> list[AppealOut]:
        return await deadlines.list_appeals(caller, which)

    @post(
        "/{appeal_id:int}/decision",
        status_code=200,
        summary="Decide an appeal; at the second level, impose the penalty",
        **POLICY.route("decide", AppealNotFound, AppealDecided, AppealRefused),
    )
    async def decide(
        self,
        appeal_id: Annotated[int, Parameter(ge=1, le=2**31 - 1)],
        data: JSONBody[AppealDecisionBody],
        deadlines: NamedDependency[Deadlines],
        caller: NamedDependency[Caller],
    ) -> AppealOut:
        return await deadlines.decide_appeal(caller, appeal_id, data)


class ReportController(Controller):
    path = "/api/v1/reports/guarantee"
    tags = ("reports",)

    @get(
        "/",
        summary="Time limits kept and missed, appeals and penalties, grouped",
        **POLICY.route("report", ReportRefused),
    )
    async def report(
        self,
        deadlines: NamedDependency[Deadlines],
        caller: NamedDependency[Caller],
        by: By = "department",
        since: Day = None,
        until: Day = None,
    ) -> ReportPage:
        return await deadlines.report(caller, by, since, until)

    @get(
        "/csv",
        summary="The same figures as CSV",
        media_type="text/csv",
        **POLICY.route("report", ReportRefused),
    )
    async def report_as_csv(
        self,
        deadlines: NamedDependency[Deadlines],
        caller: NamedDependency[Caller],
        by: By = "department",
        since: Day = None,
        until: Day = None,
    ) -> Response[str]:
        page = await deadlines.report(caller, by, since, until)
        disposition = f'attachment; filename="guarantee-by-{by}-{page.as_of}.csv"'
        return Response(
            report_csv(page.rows), media_type="text/csv", headers={"content-disposition": disposition}
        )
