"""Identifiers are checked where they enter: Samagra IDs by shape, Aadhaar numbers by Verhoeff, mobiles
as Indian numbers. Vectors are the published ones (/work/shared/data/aadhaar_and_id_vectors.md)."""

from __future__ import annotations

import random

import pytest

from family_registry import verhoeff
from family_registry.aadhaar import AadhaarHasher, check_aadhaar, is_masked_aadhaar, mask_aadhaar
from family_registry.errors import InvalidAadhaar, InvalidId, InvalidMobile
from family_registry.ids import check_family_id, check_member_id, new_id
from family_registry.mobile import check_mobile, mask_mobile
from tests.registry.support import AADHAAR, KEY


class TestVerhoeff:
    def test_published_checksums(self) -> None:
        """The generic Verhoeff vectors: checksums, check digits, valid and invalid numbers."""
        assert verhoeff.checksum("1428570") == 0
        assert verhoeff.check_digit("654") == "8"
        assert verhoeff.check_digit("236") == "3"
        assert verhoeff.check_digit("123456789012") == "0"
        assert verhoeff.check_digit("398438246238642378648236487236482734") == "7"
        assert verhoeff.is_valid("2363")
        assert not verhoeff.is_valid("123459")

    def test_virtual_id_vectors(self) -> None:
        """16-digit Virtual IDs use the same check digit."""
        assert verhoeff.is_valid("2341234123412341")
        assert not verhoeff.is_valid("2341234123412342")

    def test_every_single_digit_error_and_adjacent_swap_is_caught(self) -> None:
        """The property that makes Verhoeff worth having, over a sample of numbers."""
        rng = random.Random(5)
        for _ in range(200):
            body = str(rng.randrange(10**10, 10**11))
            number = body + verhoeff.check_digit(body)
            for i in range(len(number)):
                for digit in "0123456789":
                    if digit != number[i]:
                        assert not verhoeff.is_valid(number[:i] + digit + number[i + 1 :])
                if i + 1 < len(number) and number[i] != number[i + 1]:
                    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
                    assert not verhoeff.is_valid(swapped)

    def test_non_digits_are_not_numbers(self) -> None:
        """Letters, and digits of other scripts, are refused rather than miscounted."""
        assert not verhoeff.is_valid("23412341234X")
        assert not verhoeff.is_valid("२३४१२३४१२३४६")
        with pytest.raises(ValueError):
            verhoeff.checksum("12a")


class TestAadhaar:
    @pytest.mark.parametrize(
        "number", [AADHAAR["valid"], *AADHAAR["uidai"], "2341 2341 2346", "2341-2341-2346"]
    )
    def test_valid_numbers(self, number: str) -> None:
        """The published valid numbers pass, written plain or in groups of four."""
        assert check_aadhaar(number) == number.replace(" ", "").replace("-", "")

    @pytest.mark.parametrize(
        ("number", "reason"),
        [
            (AADHAAR["bad_checksum"], "Verhoeff"),
            (AADHAAR["starts_with_1"], "never starts with 0 or 1"),
            (AADHAAR["palindrome"], "palindromic"),
            ("643343121", "exactly 12 digits"),
            ("868997802613", "Verhoeff"),  # listed as valid in several public repositories; it is not
            ("2341234123461", "exactly 12 digits"),
            ("23412341234a", "exactly 12 digits"),
            ("", "exactly 12 digits"),
        ],
    )
    def test_invalid_numbers_say_why_without_repeating_the_number(self, number: str, reason: str) -> None:
        """Each refusal names its reason in English and Hindi, and never echoes the digits."""
        with pytest.raises(InvalidAadhaar) as caught:
            check_aadhaar(number)
        assert reason in caught.value.message
        assert caught.value.message_hi
        if number:
            assert number not in str(caught.value)

    def test_hash_is_keyed_stable_and_hides_the_number(self) -> None:
        """Same key, same hash; another key, another hash; the digits appear in neither."""
        one, other = AadhaarHasher(KEY.encode()), AadhaarHasher(b"another-key-" + b"x" * 32)
        digest = one.digest(AADHAAR["valid"])
        assert digest == one.digest(AADHAAR["valid"])
        assert digest != other.digest(AADHAAR["valid"])
        assert len(digest) == 64 and AADHAAR["valid"] not in digest
        assert one.fingerprint() != other.fingerprint()
        assert "k" * 16 not in repr(one)

    def test_short_keys_are_refused(self) -> None:
        with pytest.raises(ValueError):
            AadhaarHasher(b"short")

    def test_masking(self) -> None:
        assert mask_aadhaar("2346") == "********2346"
        assert is_masked_aadhaar("********2346") and is_masked_aadhaar("XXXXXXXX2346")
        assert not is_masked_aadhaar(AADHAAR["valid"])


class TestSamagraIds:
    @pytest.mark.parametrize("value", ["12345678", "00000001"])
    def test_family_ids_are_eight_digits(self, value: str) -> None:
        assert check_family_id(value) == value

    def test_devanagari_digits_are_digits(self) -> None:
        """IDs, mobile and Aadhaar numbers typed on a Hindi keyboard are read as their 0-9 digits."""
        assert check_family_id("१२३४५६७८") == "12345678"
        assert check_member_id("०१२३४५६७८") == "012345678"
        assert check_mobile("+९१ ९८७६५ ४३२१०") == "9876543210"
        devanagari = AADHAAR["valid"].translate(str.maketrans("0123456789", "०१२३४५६७८९"))
        assert check_aadhaar(devanagari) == AADHAAR["valid"]

    @pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "१२३४५६७", " 12345678", ""])
    def test_other_family_ids_are_refused(self, value: str) -> None:
        with pytest.raises(InvalidId) as caught:
            check_family_id(value)
        assert "8 digits" in caught.value.message

    @pytest.mark.parametrize("value", ["12345678", "1234567890", "12345678x"])
    def test_member_ids_are_nine_digits(self, value: str) -> None:
        with pytest.raises(InvalidId) as caught:
            check_member_id(value)
        assert "9 digits" in caught.value.message
        assert check_member_id("012345678") == "012345678"

    def test_new_ids_are_unique_and_well_formed(self) -> None:
        """A generated ID never repeats one already taken, and never starts with 0."""
        rng, taken = random.Random(1), set()
        for _ in range(2000):
            made = new_id(8, rng, taken)
            assert check_family_id(made) and made[0] != "0" and made not in taken
            taken.add(made)

    def test_new_id_gives_up_when_the_space_is_full(self) -> None:
        with pytest.raises(RuntimeError):
            new_id(1, random.Random(1), lambda _candidate: True, attempts=50)


class TestMobile:
    @pytest.mark.parametrize(
        "value", ["9876543210", "+91 98765 43210", "919876543210", "09876543210", "98765-43210"]
    )
    def test_indian_mobiles_in_the_usual_spellings(self, value: str) -> None:
        assert check_mobile(value) == "9876543210"

    @pytest.mark.parametrize(
        "value", ["5876543210", "987654321", "98765432101", "98765abcde", "+1 9876543210"]
    )
    def test_other_numbers_are_refused(self, value: str) -> None:
        with pytest.raises(InvalidMobile) as caught:
            check_mobile(value)
        assert value not in str(caught.value)

    def test_masking_keeps_the_last_four(self) -> None:
        assert mask_mobile("9876543210") == "******3210"
