"""The guarantee Act's figures and the state's working calendar, read from data (``data/guarantee.yaml``).

``load_guarantee(path)`` reads and checks the file once; a figure that is missing or out of range is an
error naming it, so a deployment never runs on a half-read Act.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import msgspec
import yaml

from catalogue.models import Text

__all__ = [
    "DEFAULT_FILE",
    "Act",
    "CalendarData",
    "CertificateData",
    "GuaranteeData",
    "GuaranteeFileInvalid",
    "load_guarantee",
]

DEFAULT_FILE = Path(__file__).parent / "data" / "guarantee.yaml"
Days = Annotated[int, msgspec.Meta(ge=1, le=365)]
Rupees = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]


class _Strict(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class Act(_Strict, frozen=True):
    """What the Act promises besides each service's own time limit."""

    name: Text
    penalty_per_day_inr: Rupees
    penalty_cap_inr: Rupees
    first_appeal_within_days: Days
    second_appeal_within_days: Days
    first_appeal_decide_days: Days
    second_appeal_decide_days: Days
    reminder_working_days: Annotated[int, msgspec.Meta(ge=0, le=30)]
    field_verification_days: Days
    sources: tuple[str, ...]
    inferred: tuple[str, ...] = ()


class NamedDay(_Strict, frozen=True):
    date: dt.date
    name: Text


class CalendarData(_Strict, frozen=True):
    """The working calendar: the ``holidays`` package's country and subdivision, the Saturdays that are
    off by their number in the month, and the state's notified additions and removals."""

    country: Annotated[str, msgspec.Meta(min_length=2, max_length=3)]
    source: str
    subdivision: str | None = None
    saturdays_off: tuple[Annotated[int, msgspec.Meta(ge=1, le=5)], ...] = ()
    notified: tuple[NamedDay, ...] = ()
    not_holidays: tuple[NamedDay, ...] = ()


class CertificateData(_Strict, frozen=True):
    validity_days: dict[str, Annotated[int, msgspec.Meta(ge=1, le=3650)]] = msgspec.field(
        default_factory=dict
    )


class GuaranteeData(_Strict, frozen=True):
    act: Act
    calendar: CalendarData
    certificates: CertificateData = msgspec.field(default_factory=CertificateData)


class GuaranteeFileInvalid(ValueError):
    """The guarantee file cannot be used; the message says what is wrong where."""


def load_guarantee(path: Path = DEFAULT_FILE) -> GuaranteeData:
    try:
        raw = yaml.safe_load(path.read_bytes())
    except (OSError, yaml.YAMLError) as exc:
        raise GuaranteeFileInvalid(f"{path}: {exc}") from None
    try:
        data = msgspec.convert(raw, GuaranteeData, strict=False)
    except msgspec.ValidationError as exc:
        raise GuaranteeFileInvalid(f"{path}: {exc}") from None
    if data.act.penalty_cap_inr < data.act.penalty_per_day_inr:
        raise GuaranteeFileInvalid(f"{path}: act.penalty_cap_inr is below act.penalty_per_day_inr")
    return data
