"""What the family registry already holds about an applicant, so that no form asks for it again.

A form field may say ``from_registry: member.mobile``: the value comes from the registry, and the form
shows it with where it came from instead of asking. A document type may say ``from_registry: aadhaar``:
the registry stands in for the paper, under the condition the proof states (an age proof only where the
date of birth was verified by e-KYC). The catalogue knows only the names, the kinds of field each can fill
and the conditions in words; ``family_registry.held`` reads the values from a member's record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from catalogue.facts import GENDERS, SOCIAL_CATEGORIES

__all__ = ["HELD_PROOFS", "HELD_VALUES", "HeldProof", "HeldValue"]


@dataclass(frozen=True, slots=True)
class HeldValue:
    """A value the registry holds: the kinds of form field it can fill, its words, and for a named value
    the values it can take (a choice field is filled only when the member's value is one of its choices)."""

    name: str
    field_types: frozenset[str]
    en: str
    hi: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HeldProof:
    """A document the registry stands in for, and when (``en``/``hi`` say it in words)."""

    name: str
    en: str
    hi: str


def _value(name: str, types: str, en: str, hi: str, values: tuple[str, ...] = ()) -> HeldValue:
    return HeldValue(name, frozenset(types.split()), en, hi, values)


HELD_VALUES: Mapping[str, HeldValue] = {
    value.name: value
    for value in (
        _value("member.member_id", "text", "member ID (Samagra)", "सदस्य आईडी (समग्र)"),
        _value("member.family_id", "text", "family ID (Samagra)", "परिवार आईडी (समग्र)"),
        _value("member.name", "text", "name", "नाम"),
        _value("member.mobile", "mobile", "mobile number", "मोबाइल नंबर"),
        _value("member.date_of_birth", "date", "date of birth", "जन्म तिथि"),
        _value("member.gender", "choice", "gender", "लिंग", GENDERS),
        _value("member.social_category", "choice", "social category", "सामाजिक वर्ग", SOCIAL_CATEGORIES),
        _value("family.size", "number", "members in the family", "परिवार के सदस्य"),
        _value("family.bpl", "boolean", "below the poverty line", "गरीबी रेखा से नीचे"),
        _value("family.address", "text", "address", "पता"),
        _value("family.head_name", "text", "name of the head of family", "परिवार के मुखिया का नाम"),
    )
}

HELD_PROOFS: Mapping[str, HeldProof] = {
    proof.name: proof
    for proof in (
        HeldProof("samagra_id", "the member's Samagra IDs", "सदस्य की समग्र आईडी"),
        HeldProof("aadhaar", "an Aadhaar number on record", "रिकॉर्ड में दर्ज आधार संख्या"),
        HeldProof(
            "ekyc_date_of_birth",
            "a date of birth verified by e-KYC",
            "ई-केवाईसी से सत्यापित जन्म तिथि",
        ),
        HeldProof("bpl", "the family on the BPL list", "बीपीएल सूची में परिवार"),
    )
}
