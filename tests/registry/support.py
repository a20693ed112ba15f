"""Helpers of the registry tests: rows in the import format, a small catalogue whose verdicts are known,
and the Aadhaar key the tests share with the servers they start."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from family_registry import verhoeff
from family_registry.aadhaar import AadhaarHasher
from family_registry.csv_format import COLUMNS
from family_registry.tehsils import TEHSILS

__all__ = [
    "AADHAAR",
    "KEY",
    "TODAY",
    "aadhaar_for",
    "family_rows",
    "hasher",
    "member_row",
    "write_catalogue",
    "write_csv",
]

KEY = "registry-tests-aadhaar-key-" + "k" * 16
TODAY = dt.date(2026, 11, 23)

# Published valid numbers (UIDAI test numbers and python-stdnum's vectors).
AADHAAR = {
    "valid": "234123412346",
    "bad_checksum": "234123412347",
    "starts_with_1": "123412341234",
    "palindrome": "222222222222",
    "uidai": ("999999990019", "999999990026", "999999990042", "999999990057"),
}


def hasher() -> AadhaarHasher:
    return AadhaarHasher(KEY.encode())


_FAMILY = {
    "family_id": "20000001",
    "district": "bhopal",
    "local_body": "Nagar Nigam Bhopal",
    "ward": "12",
    "village_or_town": "Bhopal",
    "area": "urban",
    "family_category": "obc",
    "bpl": "true",
    "ration_card": "MPBHO000000001",
    "ration_card_type": "priority",
    "tehsil": "Huzur",
    "janpad": "",
    "local_body_kind": "nagar_nigam",
    "land_hectares": "0",
}
_MEMBER = {
    "member_id": "200000011",
    "name_en": "Ramesh Yadav",
    "name_hi": "रमेश यादव",
    "gender": "male",
    "date_of_birth": "1960-05-01",
    "relation": "head",
    "marital_status": "married",
    "social_category": "obc",
    "tribe": "none",
    "disability_percent": "0",
    "occupation": "farmer",
    "annual_income": "60000",
    "residence_years": "60",
    "income_tax_payer": "false",
    "government_service": "none",
    "mobile": "9826000001",
    "aadhaar": "",
    "ekyc_done": "true",
}


def member_row(family: Mapping[str, str] | None = None, **member: str) -> dict[str, str]:
    """A valid row; ``family`` replaces the family's columns (``{}`` leaves them empty), ``member``
    replaces member columns."""
    family_part = dict(_FAMILY) if family is None else {k: "" for k in _FAMILY} | dict(family)
    return {**family_part, **_MEMBER, **member}


def aadhaar_for(family_id: str, k: int) -> str:
    """A valid Aadhaar number of member ``k`` of a test family: 5, the family ID, k, a check digit."""
    body = f"5{family_id}{k:02d}"
    return body + verhoeff.check_digit(body)


def family_rows(
    family_id: str = "20000001", district: str = "bhopal", bpl: str = "true"
) -> list[dict[str, str]]:
    """A family of four: a head born 1960, his wife, a student daughter and a grandson of 3 with a
    disability; mobiles ``98260NN001``/``002`` (NN: the family ID's last two digits) and Aadhaar numbers
    ``aadhaar_for(family_id, 1..3)``."""
    tehsil = "Huzur" if district == "bhopal" else TEHSILS[district][0]
    f = {**_FAMILY, "family_id": family_id, "district": district, "bpl": bpl, "tehsil": tehsil}
    n = family_id[-2:]
    return [
        member_row(f, member_id=f"{family_id}1", mobile=f"98260{n}001", aadhaar=aadhaar_for(family_id, 1)),
        member_row(
            f, member_id=f"{family_id}2", name_en="Sunita Yadav", name_hi="सुनीता यादव", gender="female",
            date_of_birth="1965-08-15", relation="spouse", occupation="homemaker", annual_income="0",
            residence_years="", mobile=f"98260{n}002", aadhaar=aadhaar_for(family_id, 2),
        ),
        member_row(
            f, member_id=f"{family_id}3", name_en="Priya Yadav", name_hi="प्रिया यादव", gender="female",
            date_of_birth="2005-01-20", relation="daughter", marital_status="unmarried", occupation="student",
            annual_income="0", residence_years="20", mobile="", aadhaar=aadhaar_for(family_id, 3),
        ),
        member_row(
            f, member_id=f"{family_id}4", name_en="Aryan Yadav", name_hi="आर्यन यादव",
            date_of_birth="2023-03-03", relation="grandson", marital_status="unmarried", occupation="other",
            annual_income="0", residence_years="3", mobile="", aadhaar="", disability_percent="50",
        ),
    ]  # fmt: skip


def write_csv(
    path: Path, rows: Iterable[Mapping[str, str] | list[str]], header: Iterable[str] = COLUMNS
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(list(header))
        for row in rows:
            writer.writerow([row[c] for c in COLUMNS] if isinstance(row, Mapping) else row)
    return path


_SERVICE = """
  - code: {code}
    name: {{en: {en}, hi: {hi}}}
    description: {{en: {en} for tests., hi: परीक्षण के लिए {hi}।}}
    department: social_justice
    category: welfare
    guarantee: {{covered: true, time_limit: {{days: 30, unit: working_days}}, source: "https://example.gov.in/n"}}
    designated_officer: {{en: CEO Janpad, hi: मुख्य कार्यपालन अधिकारी जनपद}}
    first_appeal:
      officer: {{en: CEO Zila Panchayat, hi: मुख्य कार्यपालन अधिकारी जिला पंचायत}}
      decide_days: 30
    second_appeal: {{officer: {{en: Collector, hi: कलेक्टर}}, decide_days: 30}}
    fee: {{amount_inr: 0}}
    documents: [{{type: aadhaar, required: false}}]
    form: []
    eligibility:
{rules}
    delivery: {{adapter: local_office, operation: grant}}
    channels: [online]
    audit:
      objective: {{en: Tests., hi: परीक्षण।}}
      start_year: 2010
      fee_income: {{amount_inr_per_year: null}}
      fallback: {{en: Apply at the office., hi: कार्यालय में आवेदन करें।}}
      feedback: {{en: Call 181., hi: 181 पर कॉल करें।}}
    sources: ["https://example.gov.in/n"]
"""


def _rule(fact: str, op: str, value: object, en: str, hi: str) -> str:
    return f"      - {{fact: {fact}, op: '{op}', value: {value}, reason: {{en: {en}, hi: {hi}}}}}"


def write_catalogue(path: Path, pension_age: int = 60) -> Path:
    """A catalogue of five services with known verdicts; ``pension_age`` changes one rule."""
    services = {
        ("old-age-pension", "Old age pension", "वृद्धावस्था पेंशन"): [
            _rule(
                "member.age", ">=", pension_age, f"Only from age {pension_age}.", f"केवल {pension_age} वर्ष से।"
            ),
            _rule("family.bpl", "==", "true", "Only for BPL families.", "केवल बीपीएल परिवार।"),
        ],
        ("st-scholarship", "ST scholarship", "अनुसूचित जनजाति छात्रवृत्ति"): [
            _rule("member.social_category", "in", "[st]", "Only for ST students.", "केवल अजजा विद्यार्थी।"),
            _rule("member.occupation", "==", "student", "Only for students.", "केवल विद्यार्थी।"),
        ],
        ("domicile-certificate", "Domicile certificate", "मूल निवासी प्रमाण पत्र"): [
            _rule("member.residence_years", ">=", 15, "Fifteen years of residence.", "पंद्रह वर्ष का निवास।"),
        ],
        ("disability-pension", "Disability pension", "दिव्यांग पेंशन"): [
            _rule(
                "member.disability_percent", ">=", 40, "Disability of 40% or more.", "40% या अधिक दिव्यांगता।"
            ),
        ],
        ("large-family-aid", "Large family aid", "बड़े परिवार की सहायता"): [
            _rule("family.members_under_18", ">=", 2, "Two children or more.", "दो या अधिक बच्चे।"),
            _rule("family.size", ">=", 3, "Three members or more.", "तीन या अधिक सदस्य।"),
        ],
    }
    text = """version: 1
state: {code: mp, name: {en: Madhya Pradesh, hi: मध्यप्रदेश}}
guarantee_act:
  name: {en: Public Services Guarantee Act, hi: लोक सेवा गारंटी अधिनियम}
  first_appeal_within_days: 30
  second_appeal_within_days: 60
  sources: ["https://example.gov.in/act"]
departments:
  - {code: social_justice, name: {en: Social Justice Department, hi: सामाजिक न्याय विभाग}}
categories:
  - {code: welfare, name: {en: Welfare, hi: कल्याण}}
document_types:
  - {code: aadhaar, name: {en: Aadhaar card, hi: आधार कार्ड}}
districts:
  - {code: bhopal, name: {en: Bhopal, hi: भोपाल}, division: bhopal}
  - {code: indore, name: {en: Indore, hi: इंदौर}, division: indore}
adapters:
  - {code: local_office, kind: local, description: {en: Demo office, hi: डेमो कार्यालय}}
services:
"""
    for (code, en, hi), rules in services.items():
        text += _SERVICE.format(code=code, en=en, hi=hi, rules="\n".join(rules)).lstrip("\n")
    path.write_text(text, encoding="utf-8")
    return path
