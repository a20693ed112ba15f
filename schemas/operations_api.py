"""Structs of the operations endpoints (``/ready``)."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["Readiness"]


class Readiness(msgspec.Struct, kw_only=True):
    """Every check ``ok``: the database answers, its schema is current, a catalogue is served."""

    status: Literal["ready"]
    database: str
    migrations: str
    catalogue: str
