"""One row of the import format is checked on its own: every bad value is named with its column."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from family_registry.csv_format import COLUMNS, OPTIONAL_COLUMNS, RowError, RowParser, format_row, parse_row
from tests.registry.support import AADHAAR, KEY, TODAY, hasher, member_row


def parse(**changes: str) -> object:
    return parse_row(member_row(**changes), hasher(), TODAY, 1.0)


class TestGoodRows:
    def test_a_full_row(self) -> None:
        """Family and member values come back typed, the Aadhaar number only as hash and last four."""
        parsed = parse_row(member_row(aadhaar="2341 2341 2346"), hasher(), TODAY, 1.0)
        assert parsed.family is not None and parsed.family["bpl"] is True
        assert parsed.family["social_category"] == "obc"
        member = parsed.member
        assert member["date_of_birth"] == dt.date(1960, 5, 1)
        assert member["annual_income"] == 60000 and member["ekyc_done"] is True
        assert member["aadhaar_last4"] == "2346" and len(member["aadhaar_hash"]) == 64
        assert AADHAAR["valid"] not in repr(parsed.member) and AADHAAR["valid"] not in repr(parsed.family)
        assert not parsed.keep_aadhaar

    def test_a_row_that_only_names_its_family(self) -> None:
        """With the family's columns empty, the row belongs to a family already known."""
        parsed = parse_row(member_row({"family_id": "20000001"}), hasher(), TODAY, 1.0)
        assert parsed.family is None and parsed.family_id == "20000001"

    @pytest.mark.parametrize("aadhaar", ["", "********2346", "XXXXXXXX2346"])
    def test_an_empty_or_masked_aadhaar_keeps_the_stored_one(self, aadhaar: str) -> None:
        parsed = parse_row(member_row(aadhaar=aadhaar), hasher(), TODAY, 1.0)
        assert parsed.keep_aadhaar and parsed.member["aadhaar_hash"] is None

    def test_defaults_for_optional_columns(self) -> None:
        parsed = parse_row(
            member_row(
                tribe="", disability_percent="", annual_income="", residence_years="", mobile="", ekyc_done=""
            ),
            hasher(),
            TODAY,
            1.0,
        )
        m = parsed.member
        assert (m["tribe"], m["disability_percent"], m["annual_income"]) == ("none", 0, 0)
        assert m["residence_years"] is None and m["mobile"] is None and m["ekyc_done"] is False

    def test_values_are_trimmed_and_case_folded(self) -> None:
        parsed = parse_row(
            member_row(gender=" Female ", bpl="YES", mobile=" +91 98260 00001 "), hasher(), TODAY, 1
        )
        assert parsed.member["gender"] == "female" and parsed.member["mobile"] == "9826000001"
        assert parsed.family is not None and parsed.family["bpl"] is True

    def test_format_row_round_trips_with_a_masked_aadhaar(self) -> None:
        """What ``format_row`` writes, ``parse_row`` reads back to the same values."""
        parsed = parse_row(member_row(aadhaar=AADHAAR["valid"]), hasher(), TODAY, 1.0)
        assert parsed.family is not None
        family = {**parsed.family}
        written = format_row(family, parsed.member)
        assert written[COLUMNS.index("aadhaar")] == "********2346"
        again = parse_row(dict(zip(COLUMNS, written, strict=True)), hasher(), TODAY, 1.0)
        assert again.family == parsed.family
        assert {k: v for k, v in again.member.items() if not k.startswith("aadhaar")} == {
            k: v for k, v in parsed.member.items() if not k.startswith("aadhaar")
        }


class TestBadRows:
    @pytest.mark.parametrize(
        ("changes", "column", "words"),
        [
            ({"family_id": "1234567"}, "family_id", "8 digits"),
            ({"family_id": "123456789"}, "family_id", "8 digits"),
            ({"member_id": "12345678"}, "member_id", "9 digits"),
            ({"member_id": "1234567890"}, "member_id", "9 digits"),
            ({"aadhaar": AADHAAR["bad_checksum"]}, "aadhaar", "Verhoeff"),
            ({"aadhaar": "643343121"}, "aadhaar", "12 digits"),
            ({"date_of_birth": "1990-02-30"}, "date_of_birth", "not a date of the calendar"),
            ({"date_of_birth": "1990-13-01"}, "date_of_birth", "not a date of the calendar"),
            ({"date_of_birth": "01/02/1990"}, "date_of_birth", "YYYY-MM-DD"),
            ({"date_of_birth": "2027-01-01"}, "date_of_birth", "in the future"),
            ({"date_of_birth": "1890-01-01"}, "date_of_birth", "more than 130 years ago"),
            ({"date_of_birth": ""}, "date_of_birth", "YYYY-MM-DD"),
            ({"mobile": "12345"}, "mobile", "Indian mobile"),
            ({"gender": "m"}, "gender", "not one of"),
            ({"relation": "cousin"}, "relation", "not one of"),
            ({"marital_status": "single"}, "marital_status", "not one of"),
            ({"social_category": "bc"}, "social_category", "not one of"),
            ({"family_category": ""}, "family_category", "not one of"),
            ({"tribe": "gond"}, "tribe", "not one of"),
            ({"occupation": "pilot"}, "occupation", "not one of"),
            ({"area": "suburban"}, "area", "not one of"),
            ({"bpl": "maybe"}, "bpl", "true or false"),
            ({"disability_percent": "101"}, "disability_percent", "between 0 and 100"),
            ({"annual_income": "-5"}, "annual_income", "whole number"),
            ({"annual_income": "12,000"}, "annual_income", "whole number"),
            ({"residence_years": "70"}, "residence_years", "more than the member's age"),
            ({"name_en": ""}, "name_en", "empty"),
            ({"name_hi": "Ramesh"}, "name_hi", "Devanagari"),
            ({"name_en": "x" * 201}, "name_en", "longer than 200"),
            ({"district": "Bhopal District"}, "district", "district code"),
            ({"local_body": ""}, "local_body", "empty"),
            ({"ration_card": "MP 12"}, "ration_card", "letters, digits"),
        ],
    )
    def test_each_bad_value_is_named(self, changes: dict[str, str], column: str, words: str) -> None:
        """The reason names the column and says what is wrong."""
        with pytest.raises(RowError) as caught:
            parse_row(
                member_row(**{k: v for k, v in changes.items() if k in member_row()}), hasher(), TODAY, 1.0
            )
        assert caught.value.column == column
        assert words in str(caught.value)

    def test_a_reason_never_holds_the_aadhaar_number(self) -> None:
        with pytest.raises(RowError) as caught:
            parse_row(member_row(aadhaar=AADHAAR["bad_checksum"]), hasher(), TODAY, 1.0)
        assert AADHAAR["bad_checksum"] not in str(caught.value)


class TestTheImportersParser:
    """``RowParser`` is ``parse_row`` for the importer: the same values and the same reasons."""

    def test_any_order_of_columns_and_missing_optional_ones_read_alike(self) -> None:
        row = member_row(aadhaar=AADHAAR["valid"], tehsil="")
        header = [c for c in reversed(COLUMNS) if c not in OPTIONAL_COLUMNS]
        parser = RowParser(header, hasher(), TODAY, 1.0)
        got = parser.parse([f" {row[c]} " for c in header])
        without_optional = {c: ("" if c in OPTIONAL_COLUMNS else v) for c, v in row.items()}
        expected = parse_row(without_optional, hasher(), TODAY, 1.0)
        assert (got.family, got.member, got.keep_aadhaar) == (
            expected.family,
            expected.member,
            expected.keep_aadhaar,
        )

    def test_a_family_checked_once_is_still_checked_when_its_columns_change(self) -> None:
        """Repeated family columns are checked once; a row that changes them is checked again."""
        parser = RowParser(list(COLUMNS), hasher(), TODAY, 1.0)
        first = parser.parse([member_row()[c] for c in COLUMNS])
        second = parser.parse([member_row(member_id="200000012")[c] for c in COLUMNS])
        assert second.family is first.family and second.member_id == "200000012"
        for member_id in ("200000013", "200000014"):  # the same bad columns twice: refused twice
            with pytest.raises(RowError) as caught:
                parser.parse([member_row(member_id=member_id, district="Bhopal!")[c] for c in COLUMNS])
            assert caught.value.column == "district"

    def test_the_aadhaar_hash_is_hmac_sha256_under_the_key(self) -> None:
        """What registries already hold stays findable: the stored hash is HMAC-SHA256 of the 12 digits."""
        digits = AADHAAR["valid"]
        expected = hmac.new(KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()
        assert hasher().digest(digits) == expected
        assert parse(aadhaar=digits).member["aadhaar_hash"] == expected  # type: ignore[attr-defined]
