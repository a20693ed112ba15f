"""A body that is empty or of the wrong shape: the problem says what was wrong and names the fields expected,
in English and in Hindi, never in msgspec's words (`str`, "Object missing required field")."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from gateway.platform.body_fields import expected_fields, refusal
from schemas.applications_api import ApplicationCreate
from tests.gateway.test_http_catalogue import problem

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
MSGSPEC_WORDS = ("Object ", "Expected", "`", "str", "int", "array")


def readable(document: dict[str, Any]) -> None:
    """The message and every field error read in words in both languages."""
    hindi = [document["message"]["hi"], *(e["message_hi"] for e in document["errors"])]
    english = [document["message"]["en"], *(e["message"] for e in document["errors"])]
    assert all(DEVANAGARI.search(text) for text in hindi), hindi
    for text in hindi + english:
        assert not any(word in text for word in MSGSPEC_WORDS), text


class TestOverHttp:
    def test_an_empty_body_names_the_fields(self, client: httpx.Client) -> None:
        """No body: the problem lists ``facts`` (required) and ``service`` (optional) in both languages."""
        response = client.post(
            "/api/v1/eligibility", content=b"", headers={"content-type": "application/json"}
        )
        document = problem(response, 400, "invalid_request")
        readable(document)
        assert document["message"]["en"] == (
            "The request has no body. Send a JSON object with these fields: 'facts' (object, required); "
            "'service' (text, optional)."
        )
        assert document["message"]["hi"] == (
            "अनुरोध में कोई मुख्य भाग नहीं है। इन क्षेत्रों वाला JSON ऑब्जेक्ट भेजें: 'facts' (ऑब्जेक्ट, आवश्यक); "
            "'service' (पाठ, वैकल्पिक)।"
        )

    @pytest.mark.parametrize(
        ("body", "english", "hindi"),
        [
            ({}, "The field 'facts' is missing.", "'facts' क्षेत्र नहीं दिया गया है।"),
            (
                {"facts": {}, "colour": "red"},
                "There is no field 'colour'.",
                "'colour' नाम का कोई क्षेत्र नहीं है।",
            ),
            (
                {"facts": []},
                "'facts': expected an object, got a list.",
                "'facts': ऑब्जेक्ट होना चाहिए (भेजा गया मान: सूची)।",
            ),
            ([], "body: expected an object, got a list.", "मुख्य भाग: ऑब्जेक्ट होना चाहिए (भेजा गया मान: सूची)।"),
        ],
    )
    def test_a_wrong_body_says_what_is_wrong_and_what_is_expected(
        self, client: httpx.Client, body: Any, english: str, hindi: str
    ) -> None:
        """Each refusal in words, followed by the fields the route expects."""
        document = problem(client.post("/api/v1/eligibility", json=body), 400, "invalid_request")
        readable(document)
        assert [(e["message"], e["message_hi"]) for e in document["errors"]] == [(english, hindi)]
        assert document["message"]["en"].startswith(english)
        assert "'facts' (object, required)" in document["message"]["en"]
        assert "'facts' (ऑब्जेक्ट, आवश्यक)" in document["message"]["hi"]

    def test_the_hindi_detail(self, client: httpx.Client) -> None:
        """With ``Accept-Language: hi`` the detail is the Hindi message."""
        response = client.post("/api/v1/eligibility", json={}, headers={"Accept-Language": "hi"})
        document = problem(response, 400, "invalid_request")
        assert document["detail"] == document["message"]["hi"]


class TestInWords:
    def test_fields_of_a_body(self) -> None:
        """The fields of the application body, with their kinds and whether each is required."""
        said = expected_fields(ApplicationCreate)
        assert said is not None
        assert said.en == (
            "Send a JSON object with these fields: 'service_code' (text, required); "
            "'member_id' (text, required); 'form' (object, optional)."
        )

    def test_no_list_for_a_body_that_is_not_a_struct(self) -> None:
        assert expected_fields(None) is None and expected_fields(dict) is None

    @pytest.mark.parametrize(
        ("field", "message", "english", "hindi"),
        [
            ("service_code", "Expected `str` of length >= 1",
             "'service_code': expected text of at least 1 character.",
             "'service_code': पाठ (कम से कम 1 अक्षर) होना चाहिए।"),
            ("service", "Expected `str` of length <= 80",
             "'service': expected text of at most 80 characters.",
             "'service': पाठ (अधिकतम 80 अक्षर) होना चाहिए।"),
            ("code", "Expected `str` matching regex '^[0-9]{6}$'",
             "'code': expected text in the right form.", "'code': पाठ सही रूप में होना चाहिए।"),
            ("page", "Expected `int`, got `str`", "'page': expected a whole number, got text.",
             "'page': पूर्ण संख्या होना चाहिए (भेजा गया मान: पाठ)।"),
        ],
    )  # fmt: skip
    def test_refusals(self, field: str, message: str, english: str, hindi: str) -> None:
        """Bounds in words; a regular expression is never repeated."""
        said = refusal(field, message)
        assert (said.en, said.hi) == (english, hindi)
