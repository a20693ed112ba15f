"""The registry's CSV format: one row per member, with the columns of the member's family repeated.

``parse_row`` checks one row and returns the values to store, or raises ``RowError`` with a reason that
is safe to print (it never repeats an Aadhaar number or a whole mobile number). ``format_row`` writes a
stored family and member back in the same format; the Aadhaar column then holds the masked number.
The columns are described in ``docs/registry.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from catalogue.facts import (
    GENDERS,
    GOVERNMENT_SERVICE,
    LOCAL_BODY_KINDS,
    MARITAL_STATUSES,
    OCCUPATIONS,
    RATION_CARD_TYPES,
    RELATIONS,
    SOCIAL_CATEGORIES,
    TRIBES,
)
from family_registry.aadhaar import AadhaarHasher, check_aadhaar, is_masked_aadhaar, mask_aadhaar
from family_registry.errors import InvalidValue
from family_registry.ids import check_family_id, check_member_id
from family_registry.mobile import check_mobile
from family_registry.tehsils import TEHSILS, tehsil_of

__all__ = [
    "AREAS",
    "COLUMNS",
    "FAMILY_COLUMNS",
    "MAX_AGE",
    "MEMBER_COLUMNS",
    "OPTIONAL_COLUMNS",
    "ParsedRow",
    "RowError",
    "format_row",
    "parse_row",
]

AREAS = ("rural", "urban")
MAX_AGE = 130

# The family's columns; on a member's row they may all be left empty when the family is already known.
FAMILY_COLUMNS = (
    "family_id", "district", "local_body", "ward", "village_or_town", "area", "family_category", "bpl",
    "ration_card", "ration_card_type", "tehsil", "janpad", "local_body_kind", "land_hectares",
)  # fmt: skip
MEMBER_COLUMNS = (
    "member_id", "name_en", "name_hi", "gender", "date_of_birth", "relation", "marital_status",
    "social_category", "tribe", "disability_percent", "occupation", "annual_income", "residence_years",
    "income_tax_payer", "government_service", "mobile", "aadhaar", "ekyc_done",
)  # fmt: skip
COLUMNS = FAMILY_COLUMNS + MEMBER_COLUMNS
# Columns added after the first format: a file without them imports as if they were empty.
OPTIONAL_COLUMNS = (
    "ration_card_type", "tehsil", "janpad", "local_body_kind", "land_hectares", "income_tax_payer",
    "government_service",
)  # fmt: skip
_FAMILY_DATA = FAMILY_COLUMNS[1:]
_MAX_HECTARES = 100_000
_HECTARES = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,4})?$")

_DISTRICT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RATION_CARD = re.compile(r"^[A-Za-z0-9/\-]{4,32}$")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


class RowError(ValueError):
    """Why a row cannot be imported; ``column`` names the first column at fault, if one is."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(f"{column}: {reason}" if column else reason)
        self.column = column


class ParsedRow:
    """A checked row: the family's values (None when the row only names the family) and the member's.

    ``keep_aadhaar`` is true when the row's Aadhaar column is empty or masked: whatever is stored stays.
    """

    __slots__ = ("family", "family_id", "keep_aadhaar", "member", "member_id")

    def __init__(self, family: dict[str, Any] | None, member: dict[str, Any], keep_aadhaar: bool) -> None:
        self.family = family
        self.member = member
        self.family_id: str = member["family_id"]
        self.member_id: str = member["member_id"]
        self.keep_aadhaar = keep_aadhaar


def _text(row: Mapping[str, str], column: str, limit: int = 200, required: bool = True) -> str | None:
    value = row[column].strip()
    if not value:
        if required:
            raise RowError("is empty", column)
        return None
    if len(value) > limit:
        raise RowError(f"is longer than {limit} characters", column)
    return value


def _choice(row: Mapping[str, str], column: str, allowed: Sequence[str], default: str | None = None) -> str:
    value = row[column].strip().lower()
    if not value and default is not None:
        return default
    if value not in allowed:
        shown = value[:40] or "(empty)"
        raise RowError(f"'{shown}' is not one of: {', '.join(allowed)}", column)
    return value


def _flag(row: Mapping[str, str], column: str, default: bool | None = None) -> bool:
    value = row[column].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if not value and default is not None:
        return default
    raise RowError("must be true or false (yes/no, 1/0)", column)


def _whole(row: Mapping[str, str], column: str, low: int, high: int, default: int | None) -> int | None:
    value = row[column].strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise RowError("must be a whole number of digits", column)
    number = int(value)
    if not low <= number <= high:
        raise RowError(f"must be between {low} and {high}", column)
    return number


def _hectares(row: Mapping[str, str]) -> float:
    value = row["land_hectares"].strip()
    if not value:
        return 0.0
    if not _HECTARES.match(value) or float(value) > _MAX_HECTARES:
        message = f"must be hectares from 0 to {_MAX_HECTARES}, such as 1.25 (at most 4 decimals)"
        raise RowError(message, "land_hectares")
    return float(value)


def _tehsil(row: Mapping[str, str], district: str) -> str | None:
    value = _text(row, "tehsil", 64, required=False)
    if value is None or district not in TEHSILS:
        return value
    found = tehsil_of(district, value)
    if found is None:
        listed = ", ".join(TEHSILS[district])
        raise RowError(f"'{value[:40]}' is not a tehsil of {district}; its tehsils are: {listed}", "tehsil")
    return found


def _local_body_kind(row: Mapping[str, str], area: str) -> str | None:
    kind = _choice(row, "local_body_kind", LOCAL_BODY_KINDS, default="") or None
    if kind is None:
        return "gram_panchayat" if area == "rural" else None
    if (kind == "gram_panchayat") != (area == "rural"):
        fits = "gram_panchayat" if area == "rural" else "nagar_nigam, nagar_palika or nagar_parishad"
        article = "a" if area == "rural" else "an"
        raise RowError(f"'{kind}' does not fit {article} {area} family; write {fits}", "local_body_kind")
    return kind


def _date_of_birth(row: Mapping[str, str], today: dt.date) -> dt.date:
    value = row["date_of_birth"].strip()
    try:
        born = dt.date.fromisoformat(value)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise RowError(f"{value} is not a date of the calendar", "date_of_birth") from None
        raise RowError("must be a date written YYYY-MM-DD", "date_of_birth") from None
    if len(value) != 10:
        raise RowError("must be a date written YYYY-MM-DD", "date_of_birth")
    if born > today:
        raise RowError(f"{value} is in the future", "date_of_birth")
    if today.year - born.year > MAX_AGE:
        raise RowError(f"{value} is more than {MAX_AGE} years ago", "date_of_birth")
    return born


def _checked(check: Any, value: str, column: str) -> str:
    try:
        return str(check(value))
    except InvalidValue as exc:
        raise RowError(exc.message, column) from None


def parse_row(row: Mapping[str, str], hasher: AadhaarHasher, today: dt.date, now: float) -> ParsedRow:
    """Check one row (column name to text) and return what to store; ``RowError`` names what is wrong.

    ``today`` bounds the date of birth (not in the future); ``now`` stamps ``updated_at``.
    """
    family_id = _checked(check_family_id, row["family_id"].strip(), "family_id")
    family: dict[str, Any] | None = None
    if any(row[column].strip() for column in _FAMILY_DATA):
        district = row["district"].strip().lower()
        if not _DISTRICT.match(district):
            raise RowError("must be a district code such as 'bhopal' or 'east_nimar'", "district")
        ration_card = _text(row, "ration_card", 32, required=False)
        if ration_card is not None and not _RATION_CARD.match(ration_card):
            raise RowError("must be 4 to 32 letters, digits, '/' or '-'", "ration_card")
        area = _choice(row, "area", AREAS)
        family = {
            "family_id": family_id,
            "district": district,
            "local_body": _text(row, "local_body"),
            "ward": _text(row, "ward", 32, required=False),
            "village_or_town": _text(row, "village_or_town"),
            "area": area,
            "social_category": _choice(row, "family_category", SOCIAL_CATEGORIES),
            "bpl": _flag(row, "bpl"),
            "ration_card": ration_card,
            "ration_card_type": _choice(row, "ration_card_type", RATION_CARD_TYPES, default="none"),
            "tehsil": _tehsil(row, district),
            "janpad": _text(row, "janpad", required=False),
            "local_body_kind": _local_body_kind(row, area),
            "land_hectares": _hectares(row),
            "updated_at": now,
        }
    member_id = _checked(check_member_id, row["member_id"].strip(), "member_id")
    name_hi = _text(row, "name_hi")
    assert name_hi is not None
    if not _DEVANAGARI.search(name_hi):
        raise RowError("must be written in Devanagari", "name_hi")
    born = _date_of_birth(row, today)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    residence_years = _whole(row, "residence_years", 0, MAX_AGE, None)
    if residence_years is not None and residence_years > age + 1:
        reason = f"{residence_years} years of residence is more than the member's age ({age})"
        raise RowError(reason, "residence_years")
    mobile_text = row["mobile"].strip()
    mobile = _checked(check_mobile, mobile_text, "mobile") if mobile_text else None
    aadhaar_text = row["aadhaar"].strip()
    keep_aadhaar = not aadhaar_text or is_masked_aadhaar(aadhaar_text)
    member: dict[str, Any] = {
        "member_id": member_id,
        "family_id": family_id,
        "name_en": _text(row, "name_en"),
        "name_hi": name_hi,
        "gender": _choice(row, "gender", GENDERS),
        "date_of_birth": born,
        "relation": _choice(row, "relation", RELATIONS),
        "marital_status": _choice(row, "marital_status", MARITAL_STATUSES),
        "social_category": _choice(row, "social_category", SOCIAL_CATEGORIES),
        "tribe": _choice(row, "tribe", TRIBES, default="none"),
        "disability_percent": _whole(row, "disability_percent", 0, 100, 0),
        "occupation": _choice(row, "occupation", OCCUPATIONS),
        "annual_income": _whole(row, "annual_income", 0, 10**12, 0),
        "residence_years": residence_years,
        "income_tax_payer": _flag(row, "income_tax_payer", default=False),
        "government_service": _choice(row, "government_service", GOVERNMENT_SERVICE, default="none"),
        "mobile": mobile,
        "aadhaar_hash": None,
        "aadhaar_last4": None,
        "ekyc_done": _flag(row, "ekyc_done", default=False),
        "updated_at": now,
    }
    if not keep_aadhaar:
        digits = _checked(check_aadhaar, aadhaar_text, "aadhaar")
        member["aadhaar_hash"] = hasher.digest(digits)
        member["aadhaar_last4"] = digits[-4:]
    return ParsedRow(family, member, keep_aadhaar)


def _yes(value: bool) -> str:
    return "true" if value else "false"


def format_row(family: Mapping[str, Any], member: Mapping[str, Any]) -> list[str]:
    """A stored family and member as one CSV row in ``COLUMNS`` order (Aadhaar masked)."""
    last4 = member["aadhaar_last4"]
    residence = member["residence_years"]
    return [
        family["family_id"], family["district"], family["local_body"], family["ward"] or "",
        family["village_or_town"], family["area"], family["social_category"], _yes(family["bpl"]),
        family["ration_card"] or "", family["ration_card_type"], family["tehsil"] or "",
        family["janpad"] or "", family["local_body_kind"] or "", f"{family['land_hectares']:g}",
        member["member_id"], member["name_en"], member["name_hi"], member["gender"],
        member["date_of_birth"].isoformat(), member["relation"], member["marital_status"],
        member["social_category"], member["tribe"], str(member["disability_percent"]), member["occupation"],
        str(member["annual_income"]), "" if residence is None else str(residence),
        _yes(member["income_tax_payer"]), member["government_service"], member["mobile"] or "",
        mask_aadhaar(last4) if last4 else "", _yes(member["ekyc_done"]),
    ]  # fmt: skip
