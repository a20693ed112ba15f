"""A department that implements seva's REST contract (``schemas.department_api``, ``docs/adapters.md``).

JSON over HTTP through an injected ``httpx.AsyncClient``; ``build_client`` makes one with the department's
timeouts, pool and TLS. Answers are decoded straight into the contract's structs, so a malformed body is
a ``MalformedAnswer`` and a well-formed body of the wrong shape a ``SchemaViolation``, both permanent.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote

import httpx
import msgspec

from adapters.base import StatusQuery, StatusResult, SubmissionRequest, SubmitResult
from adapters.errors import MalformedAnswer, SchemaViolation
from adapters.http import Answer, HttpDepartmentAdapter, build_client
from schemas.department_api import ApplicationState, DepartmentHealth, DepartmentProblem

__all__ = ["RestAdapter", "build_client"]

JSON = "application/json"
T = TypeVar("T")
_encoder = msgspec.json.Encoder()
_problem_decoder = msgspec.json.Decoder(DepartmentProblem)


class RestAdapter(HttpDepartmentAdapter):
    """Submit with ``POST /applications``; ask with ``GET /applications/{department_reference}``
    or, before the department's reference is known, ``GET /applications/by-reference/{reference_number}``.
    """

    async def submit(self, request: SubmissionRequest) -> SubmitResult:
        exchange = self.exchange(
            request.operation,
            request.reference_number,
            member_id=request.applicant.member_id,
            idempotency_key=request.idempotency_key,
        )
        answer = await self.send(
            "POST", "/applications", exchange, content=_encoder.encode(request.wire()),
            headers={"Content-Type": JSON, "Accept": JSON},
        )  # fmt: skip
        return SubmitResult.from_state(self._decode(answer, ApplicationState))

    async def status(self, query: StatusQuery) -> StatusResult:
        if query.department_reference:
            path = f"/applications/{quote(query.department_reference, safe='')}"
        else:
            path = f"/applications/by-reference/{quote(query.reference_number, safe='')}"
        exchange = self.exchange("status", query.reference_number, member_id=query.member_id)
        answer = await self.send("GET", path, exchange, headers={"Accept": JSON})
        return StatusResult.from_state(self._decode(answer, ApplicationState))

    async def health(self) -> None:
        exchange = self.exchange("health", "health")
        answer = await self.send("GET", "/health", exchange, headers={"Accept": JSON})
        health = self._decode(answer, DepartmentHealth)
        if health.status != "ok":
            raise SchemaViolation(f"department reports status {health.status!r}, not 'ok'", adapter=self.code)

    def department_message(self, answer: httpx.Response, body: bytes) -> str | None:
        """``detail`` or ``title`` of a problem document, else the answer's text."""
        try:
            problem = _problem_decoder.decode(body)
        except msgspec.DecodeError:
            return super().department_message(answer, body)
        return problem.detail or problem.title or super().department_message(answer, body)

    def _decode(self, answer: Answer, type_: type[T]) -> T:
        try:
            return msgspec.json.decode(answer.body, type=type_)
        except msgspec.ValidationError as exc:
            raise SchemaViolation(
                f"answer does not match the contract: {exc}",
                adapter=self.code,
                status_code=answer.status_code,
            ) from exc
        except msgspec.DecodeError as exc:
            raise MalformedAnswer(
                f"answer is not valid JSON: {exc}", adapter=self.code, status_code=answer.status_code
            ) from exc
