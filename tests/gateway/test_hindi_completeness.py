"""Every bilingual message the API can send has its Hindi: present, not the English again, in Devanagari,
and Hindi throughout (Latin letters only for names that have no Hindi form: JSON, PDF, a header's name).

Covered: the titles of every problem code; status labels and messages; every text the timeline writes;
every form error of every field of the real catalogue; the errors of a body of the wrong shape; the
messages of the applications' problems; and the names of document types and facts those messages use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue import Catalogue, load_catalogue
from catalogue.facts import FACTS
from catalogue.models import FormField, Text
from gateway.applications.errors import (
    MAPPERS,
    ApplicationNotFound,
    EligibilityUndetermined,
    IdempotencyConflict,
    MissingDocuments,
    NotEligible,
    UnknownServiceCode,
)
from gateway.applications.form import FormInvalid, check_form
from gateway.applications.reference import InvalidReference
from gateway.applications.statuses import (
    LABELS,
    MESSAGES,
    PUBLIC_STATUSES,
    department_says,
    received_as,
    refused_by_department,
    status_message,
)
from gateway.families import UnknownMember
from gateway.platform.body_fields import expected_fields, refusal
from gateway.platform.problems import SevaError
from schemas.applications_api import ApplicationCreate
from schemas.catalogue_api import EligibilityRequest

ROOT = Path(__file__).resolve().parents[2]
DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9@.\-]*")
# Names with no Hindi form that a Hindi message may carry: formats, header names, JSON words, the
# letters a chassis number leaves out, the examples of a form hint (an IFSC code, a licence number), and
# words in capitals (acronyms such as BPL, and codes).
_PROPER = """
JSON PDF JPEG PNG Authorization Idempotency-Key true false null I O Q SBIN0001234 MP04 J1234567
name@example.com
"""
PROPER = frozenset(_PROPER.split())
# A name in quotes is the caller's own key or code ('service_code', 'no-such'), shown as sent.
QUOTED = re.compile(r"'[^']*'")


def hindi_problems(en: str, hi: str) -> list[str]:
    """What is wrong with ``hi`` as the Hindi of ``en``; empty when nothing is."""
    found = []
    if not hi.strip():
        found.append("no Hindi")
    elif hi == en:
        found.append("the Hindi is the English")
    if hi and not DEVANAGARI.search(hi):
        found.append("no Devanagari")
    foreign = [
        w for w in LATIN_WORD.findall(QUOTED.sub("", hi)) if w.rstrip(".") not in PROPER and not w.isupper()
    ]
    if foreign:
        found.append(f"English words {foreign}")
    return found


def check(messages: Iterator[tuple[str, str, str]]) -> None:
    wrong = [f"{where}: {', '.join(faults)} in {hi!r}" for where, en, hi in messages
             if (faults := hindi_problems(en, hi))]  # fmt: skip
    count = len(wrong)
    assert not wrong, f"{count} message(s) not Hindi throughout:\n" + "\n".join(wrong[:40])


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "catalogue.yaml")


def test_the_check_itself() -> None:
    """The check catches a missing, copied, Latin-only or mixed Hindi text, and passes Hindi with names."""
    assert hindi_problems("Done", "")
    assert hindi_problems("Done", "Done")
    assert hindi_problems("Done", "kiya gaya")
    assert hindi_problems("Received", "विभाग द्वारा received")
    assert not hindi_problems("Only PDF", "केवल PDF फ़ाइलें")


def test_problem_titles() -> None:
    """Every problem code's title, as each error class of the gateway states it."""
    from tests.gateway.test_shape import _all_errors

    check((f"{kind.code} ({kind.__name__})", kind.title.en, kind.title.hi) for kind in _all_errors())


def test_status_labels_and_messages() -> None:
    """Every public status's label and message."""

    def messages() -> Iterator[tuple[str, str, str]]:
        for status in PUBLIC_STATUSES:
            yield f"label {status}", LABELS[status].en, LABELS[status].hi
            said = status_message(status)
            yield f"message {status}", said.en, said.hi
        for status, text in MESSAGES.items():
            yield f"MESSAGES {status}", text.en, text.hi

    check(messages())


def test_timeline_texts() -> None:
    """Every text the gateway writes into a timeline, including around a department's own words."""
    texts = {
        "received_as": received_as("REV/2026/000123"),
        "refused_by_department": refused_by_department("खसरा क्रमांक नहीं मिला"),
    }
    check((where, text.en, text.hi) for where, text in texts.items())
    # A department writing in Hindi is shown in its own words in both.
    assert department_says("आवेदन स्वीकृत") == Text(en="आवेदन स्वीकृत", hi="आवेदन स्वीकृत")
    # A department writing in English is quoted, introduced in Hindi; only its words stay English.
    quoted = department_says("File sent to the Tahsildar")
    assert quoted.hi == "विभाग का संदेश: File sent to the Tahsildar"


def _bad_values(spec: FormField) -> list[Any]:
    """Values the field refuses, one for each of its checks."""
    if spec.type == "boolean":
        return ["maybe"]
    if spec.type == "number":
        values: list[Any] = ["many", True]
        if spec.min is not None:
            values.append(spec.min - 1)
        if spec.max is not None:
            values.append(spec.max + 1)
        return values
    values = [12, "x" * 2001]
    values += {"date": ["31/02/2024", "soon"], "mobile": ["12345"], "email": ["nobody"],
               "choice": ["none of these"]}.get(spec.type, [])  # fmt: skip
    if spec.pattern:
        values.append("a\nb")  # no pattern of the catalogue takes a line break
    return values


def test_every_form_error_of_the_real_catalogue(catalogue: Catalogue) -> None:
    """Every way every field of every service can be refused, plus a missing field and an unknown one."""

    def messages() -> Iterator[tuple[str, str, str]]:
        for service in catalogue.services:
            for spec in service.form:
                for value in [None, *_bad_values(spec)]:
                    if value is None and not spec.required:
                        continue
                    with pytest.raises(FormInvalid) as caught:
                        check_form((spec,), {spec.name: value} if value is not None else {})
                    for problem in caught.value.problems:
                        yield f"{service.code} {spec.name} {value!r:.20}", problem.en, problem.hi
        with pytest.raises(FormInvalid) as caught:
            check_form((), {"colour": "red"})
        yield "unknown field", caught.value.problems[0].en, caught.value.problems[0].hi

    check(messages())


def test_names_that_messages_use(catalogue: Catalogue) -> None:
    """Document types and facts, which errors name in the citizen's language."""
    check((f"document type {code}", d.name.en, d.name.hi) for code, d in catalogue.document_types.items())
    check((f"fact {name}", fact.en, fact.hi) for name, fact in FACTS.items())


def test_errors_of_a_body(catalogue: Catalogue) -> None:
    """Every kind of refusal of a JSON body, and the fields expected, for the application and eligibility
    bodies."""
    refusals = [
        ("data", "'data'"), ("data", "Object missing required field `facts`"),
        ("data", "Object contains unknown field `colour`"), ("data", "Expected `object`, got `array`"),
        ("facts", "Expected `object`, got `int`"), ("service_code", "Expected `str` of length >= 1"),
        ("code", "Expected `str` matching regex '^[0-9]{6}$'"), ("page", "Something new from msgspec"),
    ]  # fmt: skip
    said = [refusal(field, message) for field, message in refusals]
    said += [m for m in (expected_fields(ApplicationCreate), expected_fields(EligibilityRequest)) if m]
    check((f"body {i}", m.en, m.hi) for i, m in enumerate(said))


def test_problems_of_applications(catalogue: Catalogue) -> None:
    """The messages of the applications' problems, with real document types and facts in them."""
    samples: list[Exception] = [
        UnknownServiceCode("no-such"),
        UnknownMember("123456789"),
        NotEligible("x", [Text(en="Only people aged 60 or more.", hi="केवल 60 वर्ष या अधिक आयु के लोग।")]),
        EligibilityUndetermined("x", ["member.age", "family.bpl"]),
        MissingDocuments(["aadhaar", "photo"], ["age_proof"], {
            code: catalogue.document_types[code].name for code in ("aadhaar", "photo", "age_proof")}),
        MissingDocuments(["photo"], [], {"photo": catalogue.document_types["photo"].name}),
        ApplicationNotFound("2611482910375"),
        InvalidReference("a reference number has 13 digits", "संदर्भ संख्या में 13 अंक होते हैं"),
    ]  # fmt: skip
    with pytest.raises(FormInvalid) as caught:
        check_form(catalogue.service("gad-income-certificate").form, {})
    samples.append(caught.value)

    def problem(exc: Exception) -> SevaError:
        return exc if isinstance(exc, SevaError) else MAPPERS[type(exc)](exc)

    def messages() -> Iterator[tuple[str, str, str]]:
        for exc in samples:
            detail = problem(exc).explanation
            yield type(exc).__name__, detail.en, detail.hi

    check(messages())
    assert "aadhaar" not in problem(samples[4]).explanation.hi


def test_idempotency_conflict_names_only_the_header() -> None:
    """The one English word in that Hindi message is the header's own name."""
    detail = IdempotencyConflict("2611482910375").explanation
    assert not hindi_problems(detail.en, detail.hi)
