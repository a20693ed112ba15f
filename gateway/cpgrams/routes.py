"""``/api/v1/admin/cpgrams``: import a file CPGRAMS forwarded (CSV in the body) and export the disposal
status as CSV, for administrators. ``seva cpgrams import|export`` does the same from the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED

from gateway.cpgrams.errors import CpgramsFileRefused
from gateway.cpgrams.files import MAX_BYTES
from gateway.cpgrams.policy import POLICY
from gateway.cpgrams.service import CpgramsExchange, ImportRefused
from gateway.platform.guard import Caller
from gateway.platform.problems import PayloadTooLarge

__all__ = ["CpgramsController", "CsvBody", "ImportOut"]


@dataclass
class CsvBody(Operation):
    """The import's body is the CSV file itself (read raw, so Litestar's JSON reading is not in the way)."""

    def __post_init__(self) -> None:
        schema = Schema(type=OpenAPIType.STRING, description="the file CPGRAMS forwarded, UTF-8 CSV")
        self.request_body = RequestBody(content={"text/csv": OpenAPIMediaType(schema=schema)}, required=True)


class ImportOut(msgspec.Struct, kw_only=True, frozen=True):
    batch: str
    filed: list[list[str]]  # [registration number, seva number]
    appeals: list[list[str]]
    skipped: list[str]


class CpgramsController(Controller):
    path = "/api/v1/admin/cpgrams"
    tags = ("administration",)

    @post(
        "/imports",
        status_code=HTTP_201_CREATED,
        summary="Import grievances forwarded from CPGRAMS (the CSV file as the body); all rows or none",
        operation_class=CsvBody,
        request_max_body_size=MAX_BYTES,
        **POLICY.route("import_file", CpgramsFileRefused, PayloadTooLarge),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        cpgrams: NamedDependency[CpgramsExchange],
        caller: NamedDependency[Caller],
    ) -> ImportOut:
        try:
            done = await cpgrams.import_file(await request.body(), caller.actor)
        except ImportRefused as exc:
            raise CpgramsFileRefused([(p.line, p.field, p.message) for p in exc.problems]) from None
        return ImportOut(
            batch=done.batch,
            filed=[list(p) for p in done.filed],
            appeals=[list(p) for p in done.appeals],
            skipped=done.skipped,
        )

    @get(
        "/export",
        summary="Disposal status of every imported grievance, as CSV for upload to CPGRAMS",
        media_type="text/csv",
        **POLICY.route("export"),
    )
    async def export(
        self,
        cpgrams: NamedDependency[CpgramsExchange],
        since: Annotated[dt.date | None, Parameter(description="received by CPGRAMS on or after")] = None,
    ) -> Response[str]:
        text = await cpgrams.export(since)
        name = f"cpgrams-disposal-{cpgrams.clock.today().isoformat()}.csv"
        return Response(
            text, media_type="text/csv", headers={"content-disposition": f'attachment; filename="{name}"'}
        )
