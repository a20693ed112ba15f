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
from family_registry.ids import FAMILY_ID_LENGTH, MEMBER_ID_LENGTH, check_family_id, check_member_id
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
    "RowParser",
    "format_row",
    "parse_row",
    "parse_values",
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
_MAX_HECTARES = 100_000
_HECTARES = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,4})?$")

_DISTRICT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RATION_CARD = re.compile(r"^[A-Za-z0-9/\-]{4,32}$")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# A mobile number as most rows give it; anything else goes through ``check_mobile``.
_MOBILE = re.compile(r"[6-9][0-9]{9}\Z")
_FAMILY_WIDTH = len(FAMILY_COLUMNS)
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


def _text(value: str, column: str, limit: int = 200, required: bool = True) -> str | None:
    if not value:
        if required:
            raise RowError("is empty", column)
        return None
    if len(value) > limit:
        raise RowError(f"is longer than {limit} characters", column)
    return value


def _choice(value: str, column: str, allowed: Sequence[str], default: str | None = None) -> str:
    value = value.lower()
    if value in allowed:
        return value
    if not value and default is not None:
        return default
    shown = value[:40] or "(empty)"
    raise RowError(f"'{shown}' is not one of: {', '.join(allowed)}", column)


def _flag(value: str, column: str, default: bool | None = None) -> bool:
    value = value.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if not value and default is not None:
        return default
    raise RowError("must be true or false (yes/no, 1/0)", column)


def _whole(value: str, column: str, low: int, high: int, default: int | None) -> int | None:
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise RowError("must be a whole number of digits", column)
    number = int(value)
    if not low <= number <= high:
        raise RowError(f"must be between {low} and {high}", column)
    return number


def _hectares(value: str) -> float:
    if not value:
        return 0.0
    if value == "0":
        return 0.0
    if not _HECTARES.match(value) or float(value) > _MAX_HECTARES:
        message = f"must be hectares from 0 to {_MAX_HECTARES}, such as 1.25 (at most 4 decimals)"
        raise RowError(message, "land_hectares")
    return float(value)


def _tehsil(value: str, district: str) -> str | None:
    if _text(value, "tehsil", 64, required=False) is None or district not in TEHSILS:
        return value or None
    found = tehsil_of(district, value)
    if found is None:
        listed = ", ".join(TEHSILS[district])
        raise RowError(f"'{value[:40]}' is not a tehsil of {district}; its tehsils are: {listed}", "tehsil")
    return found


def _local_body_kind(value: str, area: str) -> str | None:
    kind = _choice(value, "local_body_kind", LOCAL_BODY_KINDS, default="") or None
    if kind is None:
        return "gram_panchayat" if area == "rural" else None
    if (kind == "gram_panchayat") != (area == "rural"):
        fits = "gram_panchayat" if area == "rural" else "nagar_nigam, nagar_palika or nagar_parishad"
        article = "a" if area == "rural" else "an"
        raise RowError(f"'{kind}' does not fit {article} {area} family; write {fits}", "local_body_kind")
    return kind


def _date_of_birth(value: str, today: dt.date) -> dt.date:
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


def _digits(value: str, length: int) -> bool:
    """The common case of an ID, checked without a call: ``length`` ASCII digits."""
    return len(value) == length and value.isdigit() and value.isascii()


def parse_row(row: Mapping[str, str], hasher: AadhaarHasher, today: dt.date, now: float) -> ParsedRow:
    """Check one row (column name to text) and return what to store; ``RowError`` names what is wrong.

    ``today`` bounds the date of birth (not in the future); ``now`` stamps ``updated_at``.
    """
    return parse_values([row[column].strip() for column in COLUMNS], hasher, today, now)


class RowParser:
    """``parse_row`` for rows laid out as ``header`` (lower-case column names, optional ones may be
    missing), without making a mapping of each row: the importer's hot path. A family's columns, repeated
    on each of its members' rows, are checked once for a run of rows that repeat them."""

    __slots__ = ("_family", "_hasher", "_now", "_order", "_today")

    def __init__(self, header: Sequence[str], hasher: AadhaarHasher, today: dt.date, now: float) -> None:
        at = {name: i for i, name in enumerate(header)}
        order = [at.get(column, -1) for column in COLUMNS]
        self._order = None if order == list(range(len(COLUMNS))) else order
        self._hasher, self._today, self._now = hasher, today, now
        self._family: tuple[list[str], tuple[str, dict[str, Any] | None]] | None = None

    def parse(self, fields: Sequence[str]) -> ParsedRow:
        """``RowError`` when the row is wrong; ``fields`` must have as many fields as the header."""
        if self._order is None:
            values = [field.strip() for field in fields]
        else:
            values = [fields[i].strip() if i >= 0 else "" for i in self._order]
        given = values[:_FAMILY_WIDTH]
        if self._family is not None and self._family[0] == given:
            family = self._family[1]
        else:
            family = _family(given, self._now)
            self._family = (given, family)
        return _member(values, family, self._hasher, self._today, self._now)


def parse_values(values: Sequence[str], hasher: AadhaarHasher, today: dt.date, now: float) -> ParsedRow:
    """``parse_row`` on the row's stripped values in ``COLUMNS`` order."""
    return _member(values, _family(values[:_FAMILY_WIDTH], now), hasher, today, now)


def _family(values: Sequence[str], now: float) -> tuple[str, dict[str, Any] | None]:
    """The checked family ID, and the family's values when the row gives them (else None)."""
    (
        family_id, district, local_body, ward, village_or_town, area, family_category, bpl, ration_card,
        ration_card_type, tehsil, janpad, local_body_kind, land_hectares,
    ) = values  # fmt: skip
    if not _digits(family_id, FAMILY_ID_LENGTH):
        family_id = _checked(check_family_id, family_id, "family_id")
    if not any(values[1:]):
        return family_id, None
    district = district.lower()
    if not _DISTRICT.match(district):
        raise RowError("must be a district code such as 'bhopal' or 'east_nimar'", "district")
    card = _text(ration_card, "ration_card", 32, required=False)
    if card is not None and not _RATION_CARD.match(card):
        raise RowError("must be 4 to 32 letters, digits, '/' or '-'", "ration_card")
    area = _choice(area, "area", AREAS)
    return family_id, {
        "family_id": family_id,
        "district": district,
        "local_body": _text(local_body, "local_body"),
        "ward": _text(ward, "ward", 32, required=False),
        "village_or_town": _text(village_or_town, "village_or_town"),
        "area": area,
        "social_category": _choice(family_category, "family_category", SOCIAL_CATEGORIES),
        "bpl": _flag(bpl, "bpl"),
        "ration_card": card,
        "ration_card_type": _choice(ration_card_type, "ration_card_type", RATION_CARD_TYPES, "none"),
        "tehsil": _tehsil(tehsil, district),
        "janpad": _text(janpad, "janpad", required=False),
        "local_body_kind": _local_body_kind(local_body_kind, area),
        "land_hectares": _hectares(land_hectares),
        "updated_at": now,
    }


def _member(
    values: Sequence[str],
    checked_family: tuple[str, dict[str, Any] | None],
    hasher: AadhaarHasher,
    today: dt.date,
    now: float,
) -> ParsedRow:
    (
        member_id, name_en, name_hi, gender, date_of_birth, relation, marital_status, social_category,
        tribe, disability_percent, occupation, annual_income, residence_years_text, income_tax_payer,
        government_service, mobile_text, aadhaar_text, ekyc_done,
    ) = values[_FAMILY_WIDTH:]  # fmt: skip
    family_id, family = checked_family
    if not _digits(member_id, MEMBER_ID_LENGTH):
        member_id = _checked(check_member_id, member_id, "member_id")
    _text(name_hi, "name_hi")
    if not _DEVANAGARI.search(name_hi):
        raise RowError("must be written in Devanagari", "name_hi")
    born = _date_of_birth(date_of_birth, today)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    residence_years = _whole(residence_years_text, "residence_years", 0, MAX_AGE, None)
    if residence_years is not None and residence_years > age + 1:
        reason = f"{residence_years} years of residence is more than the member's age ({age})"
        raise RowError(reason, "residence_years")
    mobile: str | None = None
    if mobile_text:
        mobile = mobile_text if _MOBILE.match(mobile_text) else _checked(check_mobile, mobile_text, "mobile")
    keep_aadhaar = not aadhaar_text or is_masked_aadhaar(aadhaar_text)
    member: dict[str, Any] = {
        "member_id": member_id,
        "family_id": family_id,
        "name_en": _text(name_en, "name_en"),
        "name_hi": name_hi,
        "gender": _choice(gender, "gender", GENDERS),
        "date_of_birth": born,
        "relation": _choice(relation, "relation", RELATIONS),
        "marital_status": _choice(marital_status, "marital_status", MARITAL_STATUSES),
        "social_category": _choice(social_category, "social_category", SOCIAL_CATEGORIES),
        "tribe": _choice(tribe, "tribe", TRIBES, default="none"),
        "disability_percent": _whole(disability_percent, "disability_percent", 0, 100, 0),
        "occupation": _choice(occupation, "occupation", OCCUPATIONS),
        "annual_income": _whole(annual_income, "annual_income", 0, 10**12, 0),
        "residence_years": residence_years,
        "income_tax_payer": _flag(income_tax_payer, "income_tax_payer", default=False),
        "government_service": _choice(government_service, "government_service", GOVERNMENT_SERVICE, "none"),
        "mobile": mobile,
        "aadhaar_hash": None,
        "aadhaar_last4": None,
        "ekyc_done": _flag(ekyc_done, "ekyc_done", default=False),
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
