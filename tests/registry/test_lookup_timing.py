"""A lookup by mobile or Aadhaar number tells a caller nothing about a number of a family it may not see,
not even through the time it takes: such a number and a number nobody holds run the same SQL statements
(with different values), and get the same answer. Statements are compared, never timings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.errors import NoMatch
from family_registry.tables import Member
from gateway.audit import Actor
from gateway.platform.guard import Caller
from gateway.platform.principal import Principal
from tests.applications.support import World, catalogue, world

__all__ = ["catalogue", "world"]

AADHAAR = "234567890124"  # Verhoeff-valid
NOBODYS_AADHAAR = "345678901238"
NOBODYS_MOBILE = "9876509999"


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL text of every statement ``engine`` sends while the block runs (values left out)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def _caller(principal: Principal) -> Caller:
    return Caller(
        principal, Actor(subject=principal.subject, role=principal.role, client_ip="127.0.0.1", reason="t")
    )


DEPARTMENT = _caller(Principal.client("revenue-1", "department", "revenue"))  # Asha's family never applied
OTHER_CITIZEN = _caller(Principal.citizen("200000021", "20000002"))  # Meena, of another family


async def _lookup(world: World, caller: Caller, **given: str | None) -> tuple[list[str], str]:
    """The statements a refused lookup ran, and what the refusal said."""
    service = world.seva.families.service
    arguments: dict[str, Any] = {"mobile": None, "aadhaar": None, "family_id": None, **given}
    with statements(world.engine) as seen, pytest.raises(NoMatch) as refused:
        await service.lookup(caller, **arguments)
    return seen, str(refused.value)


@pytest.mark.parametrize("caller", [DEPARTMENT, OTHER_CITIZEN], ids=["department", "citizen"])
async def test_a_number_of_a_family_out_of_sight_costs_what_a_number_of_nobody_does(
    world: World, caller: Caller
) -> None:
    """For a department its family never applied to, and for a citizen of another family, Asha's mobile
    and Aadhaar numbers run exactly the statements an unregistered number runs, and are refused alike."""
    async with world.engine.begin() as conn:
        digest = world.seva.families.registry.hasher.digest(AADHAAR)
        await conn.execute(
            update(Member.__table__).where(Member.__table__.c.member_id == "200000011")  # type: ignore[attr-defined]
            .values(aadhaar_hash=digest, aadhaar_last4=AADHAAR[-4:])
        )  # fmt: skip
    registered, said = await _lookup(world, caller, mobile="9876500001")
    unregistered, said_of_nobody = await _lookup(world, caller, mobile=NOBODYS_MOBILE)
    assert registered == unregistered and len(registered) >= 1
    assert said.replace("0001", "9999") == said_of_nobody  # the same words, with the number's own last digits
    registered, said = await _lookup(world, caller, aadhaar=AADHAAR)
    unregistered, said_of_nobody = await _lookup(world, caller, aadhaar=NOBODYS_AADHAAR)
    assert registered == unregistered
    assert said.replace("0124", NOBODYS_AADHAAR[-4:]) == said_of_nobody


async def test_a_family_in_sight_is_found_and_read(world: World) -> None:
    """The family's own member still finds it, by mobile number, with its members."""
    asha = _caller(Principal.citizen("200000011", "20000001"))
    found = await world.seva.families.service.lookup(asha, mobile="9876500001", aadhaar=None, family_id=None)
    assert [m.family.family_id for m in found.matches] == ["20000001"]
    assert found.matches[0].matched_member_ids == ["200000011"]
