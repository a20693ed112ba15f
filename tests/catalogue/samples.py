"""Small catalogues written in tests: a valid one to start from, so each test changes one thing.

``mini_catalogue()`` returns plain data (dicts and lists) that loads cleanly; a test mutates it, dumps
it with ``dump()`` and finds the line it expects with ``line_of()``.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from catalogue import Catalogue, CatalogueInvalid, CatalogueProblem, parse_catalogue

Data = dict[str, Any]
SOURCE = "https://example.gov.in/notification-2024"
ACT_SOURCE = "https://example.gov.in/guarantee-act-2010"


def text(en: str, hi: str) -> dict[str, str]:
    return {"en": en, "hi": hi}


def rule(fact: str, op: str, value: Any, en: str | None = None, hi: str | None = None) -> dict[str, Any]:
    """A comparison; a top-level one needs ``en`` (and gets a Hindi reason made from it if none is given)."""
    made: dict[str, Any] = {"fact": fact, "op": op, "value": value}
    if en is not None:
        made["reason"] = text(en, hi or f"कारण: {en}")
    return made


def service(code: str, **fields: Any) -> Data:
    """A valid service of the revenue department; ``fields`` replace whole top-level fields."""
    made: Data = {
        "code": code,
        "name": text(f"Service {code}", f"सेवा {code}"),
        "description": text(f"What {code} gives.", f"{code} क्या देती है।"),
        "department": "revenue",
        "category": "certificates",
        "guarantee": {
            "covered": True,
            "service_no": "6.2",
            "source": SOURCE,
            "time_limit": {"days": 15, "unit": "working_days"},
        },
        "designated_officer": text("Tahsildar", "तहसीलदार"),
        "first_appeal": {"officer": text("SDO (Revenue)", "अनुविभागीय अधिकारी (राजस्व)"), "decide_days": 30},
        "second_appeal": {"officer": text("Collector", "कलेक्टर"), "decide_days": 60},
        "fee": {"amount_inr": 0},
        "documents": [{"type": "aadhaar", "required": True}],
        "form": [
            {
                "name": "purpose",
                "label": text("Purpose", "उद्देश्य"),
                "type": "text",
                "required": True,
                "pattern": "^.{3,200}$",
            }
        ],
        "eligibility": [rule("member.age", ">=", 18, "Adults only.", "केवल वयस्क।")],
        "delivery": {"adapter": "local_revenue", "operation": "issue"},
        "channels": ["online", "service_centre"],
        "audit": {
            "objective": text("Proof for schemes.", "योजनाओं के लिए प्रमाण।"),
            "start_year": 2010,
            "fee_income": {"amount_inr_per_year": None},
            "fallback": text("Apply at the Lok Seva Kendra.", "लोक सेवा केंद्र पर आवेदन करें।"),
            "feedback": text("Call-back from CM Helpline 181.", "सीएम हेल्पलाइन 181 से कॉल-बैक।"),
        },
        "sources": [SOURCE],
    }
    made.update(copy.deepcopy(fields))
    return made


def not_covered(note_en: str = "A scheme of its own rules.", note_hi: str = "अपने नियमों की योजना।") -> Data:
    """The ``guarantee`` of a service the Act does not cover."""
    return {"covered": False, "note": text(note_en, note_hi)}


PENSION_RULES = [
    rule("member.age", ">=", 60, "Only people aged 60 or more.", "केवल 60 वर्ष या अधिक आयु के लोग।"),
    rule("family.bpl", "==", True, "Only families below the poverty line.", "केवल गरीबी रेखा से नीचे के परिवार।"),
]


def mini_catalogue() -> Data:
    """A valid catalogue: two departments, three services with rules, two districts."""
    return {
        "version": 1,
        "state": {"code": "mp", "name": text("Madhya Pradesh", "मध्यप्रदेश")},
        "guarantee_act": {
            "name": text("Public Services Guarantee Act 2010", "लोक सेवा गारंटी अधिनियम 2010"),
            "first_appeal_within_days": 30,
            "second_appeal_within_days": 60,
            "sources": [ACT_SOURCE],
        },
        "departments": [
            {"code": "revenue", "name": text("Revenue Department", "राजस्व विभाग")},
            {"code": "social_justice", "name": text("Social Justice Department", "सामाजिक न्याय विभाग")},
        ],
        "categories": [
            {"code": "certificates", "name": text("Certificates", "प्रमाण पत्र")},
            {"code": "pensions", "name": text("Pensions", "पेंशन")},
        ],
        "document_types": [
            {"code": "aadhaar", "name": text("Aadhaar card", "आधार कार्ड")},
            {"code": "income_proof", "name": text("Income proof", "आय का प्रमाण"), "issued_by": "revenue"},
        ],
        "districts": [
            {"code": "bhopal", "name": text("Bhopal", "भोपाल"), "division": "bhopal"},
            {"code": "indore", "name": text("Indore", "इंदौर"), "division": "indore"},
        ],
        "adapters": [
            {"code": "local_revenue", "kind": "local", "description": text("Demo office", "डेमो कार्यालय")},
            {"code": "sj_portal", "kind": "rest", "description": text("Pension portal", "पेंशन पोर्टल")},
        ],
        "services": [
            service(
                "rev-income-certificate",
                name=text("Income certificate", "आय प्रमाण पत्र"),
                description=text("Certifies the annual income of a family.", "परिवार की वार्षिक आय का प्रमाण।"),
            ),
            service(
                "sj-old-age-pension",
                name=text("Old age pension", "वृद्धावस्था पेंशन"),
                description=text("A monthly pension for the elderly poor.", "बुजुर्गों के लिए मासिक पेंशन।"),
                department="social_justice",
                category="pensions",
                eligibility=PENSION_RULES,
                delivery={"adapter": "sj_portal", "operation": "apply_pension"},
            ),
            service(
                "rev-domicile-certificate",
                name=text("Domicile certificate", "मूल निवासी प्रमाण पत्र"),
                description=text("Proves residence in the state.", "राज्य में निवास का प्रमाण।"),
                eligibility=[
                    {
                        "any": [
                            rule("member.district", "in", ["bhopal", "indore"]),
                            rule("member.residence_years", ">=", 15),
                        ],
                        "reason": text("Must live in the state.", "राज्य का निवासी होना चाहिए।"),
                    }
                ],
            ),
        ],
    }


def dump(data: Data) -> str:
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200))


def load(data: Data | str) -> Catalogue:
    return parse_catalogue(data if isinstance(data, str) else dump(data), "test.yaml")


def problems(data: Data | str) -> list[CatalogueProblem]:
    """Every problem reported for ``data``, which must not load."""
    try:
        load(data)
    except CatalogueInvalid as exc:
        return exc.problems
    raise AssertionError("the catalogue loaded, but problems were expected")


def line_of(text_: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line holding the ``occurrence``-th line that contains ``needle``."""
    found = [n for n, line in enumerate(text_.splitlines(), start=1) if needle in line]
    if len(found) < occurrence:
        raise AssertionError(f"{needle!r} occurs on {len(found)} lines, not {occurrence}")
    return found[occurrence - 1]
