"""The two formats of GeoReport v2: JSON, and XML written with ElementTree (text and attributes escaped
by the writer, never formatted by hand) after dropping the characters XML 1.0 cannot carry at all.

The standard's XML wraps each list in a plural element (``services``, ``service_requests``,
``attributes``, ``values``, ``errors``) holding one singular element per item.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, Literal

import msgspec

__all__ = ["MEDIA_TYPES", "Format", "encode", "xml_text"]

Format = Literal["json", "xml"]
MEDIA_TYPES: dict[Format, str] = {"json": "application/json", "xml": "text/xml; charset=utf-8"}

# Characters XML 1.0 cannot hold even escaped: C0 controls other than tab, newline and return, lone
# surrogates and the two non-characters at the end of the BMP.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A list's element name -> the name of each item in it.
_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def xml_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        item = _ITEMS.get(element.tag, "item")
        for inner in value:
            _fill(ET.SubElement(element, item), inner)
    elif value is not None:
        element.text = xml_text(value)


def _xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def encode(fmt: Format, root: str, value: msgspec.Struct | Sequence[msgspec.Struct]) -> bytes:
    """``value`` as JSON, or as XML under ``root`` (a list's items named as the standard names them)."""
    builtins = msgspec.to_builtins(value)
    if fmt == "json":
        return msgspec.json.encode(builtins)
    return _xml(root, builtins)
