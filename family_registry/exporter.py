"""Export the registry in the import format (``csv_format.COLUMNS``), streaming, family by family.

Aadhaar numbers are written masked (``********1234``): the registry has no clear number to write, and
importing the export again keeps every stored Aadhaar link. A family without members has no row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Table, case, select
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.csv_format import COLUMNS, format_row
from family_registry.tables import Family, Member

__all__ = ["export_csv"]

FAMILIES: Table = Family.__table__  # type: ignore[attr-defined]
MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_FAMILY_NAMES = ("family_id", "district", "local_body", "ward", "village_or_town", "area", "social_category",
                 "bpl", "ration_card", "tehsil", "janpad", "local_body_kind", "ration_card_type",
                 "land_hectares")  # fmt: skip
_MEMBER_NAMES = tuple(c.name for c in MEMBERS.columns if c.name not in ("aadhaar_hash", "updated_at"))
_ROWS = (
    select(*(FAMILIES.c[n].label(f"f_{n}") for n in _FAMILY_NAMES), *(MEMBERS.c[n] for n in _MEMBER_NAMES))
    .select_from(MEMBERS.join(FAMILIES, FAMILIES.c.family_id == MEMBERS.c.family_id))
    .order_by(
        FAMILIES.c.family_id,
        case((MEMBERS.c.relation == "head", 0), else_=1),
        MEMBERS.c.date_of_birth,
        MEMBERS.c.member_id,
    )
)


async def export_csv(engine: AsyncEngine, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write every member with its family's columns to ``path``; return the number of rows."""
    count = 0
    # Written synchronously as rows stream in: an export owns its process (the CLI).
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        async with engine.connect() as conn:
            result = await conn.stream(_ROWS.execution_options(yield_per=5000))
            async for partition in result.partitions():
                for row in partition:
                    values = row._mapping
                    family = {n: values[f"f_{n}"] for n in _FAMILY_NAMES}
                    writer.writerow(format_row(family, dict(values)))
                count += len(partition)
                if progress is not None:
                    progress(count)
    return count
