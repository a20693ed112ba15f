"""The adapters departments registered (``department_endpoints``)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

__all__ = ["DepartmentEndpoint"]


class DepartmentEndpoint(SQLModel, table=True):
    """Where a department's adapter is and how to reach it, as the department registered it.

    ``config`` is an ``adapters.AdapterConfig`` as JSON (no secret values: a token is a reference). It
    overrides the catalogue's default for that adapter code; ``version`` grows with every change.
    """

    __tablename__ = "department_endpoints"

    adapter: str = Field(primary_key=True, max_length=64)
    department: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=32)
    endpoint: str | None = Field(default=None, max_length=500)
    config: str = Field(sa_type=Text)
    version: int = 1
    updated_at: float
    updated_by: str = Field(max_length=80)
