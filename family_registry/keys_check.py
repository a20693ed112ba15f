"""Refuse to mix Aadhaar hashes made with different keys in one registry.

The first process that writes or reads hashes records the key's fingerprint in ``registry_meta``; any
later process with another key is stopped with ``AadhaarKeyMismatch`` instead of silently finding no one.
"""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.aadhaar import AadhaarHasher
from family_registry.errors import AadhaarKeyMismatch
from family_registry.tables import Member, RegistryMeta

__all__ = ["ensure_key", "ensure_key_on"]

META: Table = RegistryMeta.__table__  # type: ignore[attr-defined]
MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_NAME = "aadhaar_key_fingerprint"


async def ensure_key(conn: AsyncConnection, hasher: AadhaarHasher) -> None:
    """Record the key's fingerprint if none is recorded; raise ``AadhaarKeyMismatch`` if another is and
    hashes were made with it."""
    mine = hasher.fingerprint()
    stored = (await conn.execute(select(META.c.value).where(META.c.name == _NAME))).scalar()
    if stored is None:
        try:
            await conn.execute(META.insert().values(name=_NAME, value=mine))
            await conn.commit()
            return
        except IntegrityError:  # another process recorded one first; compare with it
            await conn.rollback()
            stored = (await conn.execute(select(META.c.value).where(META.c.name == _NAME))).scalar()
    if stored != mine and not await _any_hash(conn):
        # Nothing was hashed under the old key yet: the new one may simply take its place.
        await conn.execute(META.update().where(META.c.name == _NAME).values(value=mine))
        stored = mine
    await conn.commit()
    if stored != mine:
        raise AadhaarKeyMismatch(
            "the Aadhaar key differs from the key the registry's hashes were made with, so no lookup by "
            "Aadhaar would succeed: set SEVA_AADHAAR_KEY (or restore aadhaar.key in the data folder) to "
            "the original key"
        )


async def _any_hash(conn: AsyncConnection) -> bool:
    hashed = select(MEMBERS.c.member_id).where(MEMBERS.c.aadhaar_hash.is_not(None)).limit(1)
    return (await conn.execute(hashed)).first() is not None


async def ensure_key_on(engine: AsyncEngine, hasher: AadhaarHasher) -> None:
    async with engine.connect() as conn:
        await ensure_key(conn, hasher)
