"""Reference numbers: format, check digit, and typing mistakes caught."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.applications.reference import InvalidReference, format_reference, new_reference, parse_reference


def test_new_reference_has_month_prefix_and_valid_check_digit() -> None:
    """A new reference starts with YYMM, has 13 digits, and parses back to itself."""
    ref = new_reference(dt.date(2026, 11, 23))
    assert ref.startswith("2611") and len(ref) == 13
    assert parse_reference(ref) == ref


def test_references_differ() -> None:
    """Two thousand fresh references are (practically) all different."""
    refs = {new_reference(dt.date(2026, 11, 23)) for _ in range(2000)}
    assert len(refs) > 1990


def test_formatted_reference_parses_with_any_separator() -> None:
    """Dashes, spaces and dots typed between the digit groups are ignored."""
    ref = new_reference(dt.date(2026, 1, 5))
    shown = format_reference(ref)
    assert shown.count("-") == 3
    assert parse_reference(shown) == ref
    assert parse_reference(shown.replace("-", " ")) == ref


def test_every_single_digit_error_is_caught() -> None:
    """Changing any one digit to any other value makes the reference invalid."""
    ref = new_reference(dt.date(2026, 11, 23))
    for i in range(len(ref)):
        for d in "0123456789":
            if d != ref[i]:
                with pytest.raises(InvalidReference):
                    parse_reference(ref[:i] + d + ref[i + 1 :])


def test_every_adjacent_swap_is_caught() -> None:
    """Swapping two neighbouring different digits makes the reference invalid."""
    ref = new_reference(dt.date(2026, 11, 23))
    for i in range(len(ref) - 1):
        if ref[i] != ref[i + 1]:
            swapped = ref[:i] + ref[i + 1] + ref[i] + ref[i + 2 :]
            with pytest.raises(InvalidReference):
                parse_reference(swapped)


def test_devanagari_digits_are_read_as_digits() -> None:
    """A reference typed on a Hindi keyboard (०-९), with or without dashes, parses to its 0-9 digits."""
    ref = new_reference(dt.date(2026, 11, 23))
    devanagari = format_reference(ref).translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    assert parse_reference(devanagari) == ref
    assert parse_reference(devanagari.replace("-", "")) == ref


@pytest.mark.parametrize("text", ["", "12345", "26114829103751", "2611-4829-1037-X", "२६११४८२९१०३"])
def test_malformed_text_is_refused_in_both_languages(text: str) -> None:
    """Wrong length and letters are refused with an English and a Hindi message."""
    with pytest.raises(InvalidReference) as caught:
        parse_reference(text)
    assert "13" in caught.value.message and "13" in caught.value.message_hi
