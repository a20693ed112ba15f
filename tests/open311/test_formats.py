"""The XML seva writes is well-formed whatever the text holds: markup is escaped by the writer, and the
characters XML 1.0 cannot carry at all are dropped rather than written."""

from __future__ import annotations

from defusedxml import ElementTree as SafeET

from gateway.open311.formats import encode
from schemas.open311_api import Open311Error, Service


def test_text_with_markup_and_control_characters_stays_text() -> None:
    nasty = 'Ward <3> & "4" \x01\x0b\ufffe done ]]> <!DOCTYPE x [<!ENTITY e "boom">]>'
    service = Service(
        service_code="a.b", service_name=nasty, description="भोपाल", metadata=True, type="realtime",
        keywords="", group="g",
    )  # fmt: skip
    written = encode("xml", "services", [service])
    root = SafeET.fromstring(written)  # would refuse a DTD or an entity had one slipped through
    assert (
        root.findtext("service/service_name") == 'Ward <3> & "4"  done ]]> <!DOCTYPE x [<!ENTITY e "boom">]>'
    )
    assert root.findtext("service/description") == "भोपाल" and root.findtext("service/metadata") == "true"


def test_errors_as_the_standard_shapes_them() -> None:
    errors = [Open311Error(code=400, description="api_key: required")]
    assert encode("json", "errors", errors) == b'[{"code":400,"description":"api_key: required"}]'
    root = SafeET.fromstring(encode("xml", "errors", errors))
    assert root.tag == "errors" and root.findtext("error/code") == "400"
