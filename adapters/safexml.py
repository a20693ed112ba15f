"""Parse XML from a department without trusting it.

SOAP 1.1 forbids a document type declaration in a message, and every XML attack on a parser (external
entities that read files or reach the network, "billion laughs" entity expansion) needs one. So the
first pass, with the standard library's expat, refuses any DOCTYPE, entity declaration or external
reference before anything is expanded, and names the line of a malformed document. The tree is then
built by xmlschema's own ``XMLResource`` with ``defuse="always"`` (its safe parser forbids entities
again) and ``allow="none"`` (it may fetch nothing), the same resource type its validators read.

We checked what xmlschema 4 offers first: ``defuse="always"`` forbids entity declarations but lets a
DOCTYPE without entities pass and stops looking at the first element, hence the stricter first pass,
which costs microseconds on a SOAP answer. defusedxml would do the same job; it did not earn a
dependency for these few lines.
"""

from __future__ import annotations

from typing import NoReturn
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import xmlschema
from xmlschema.exceptions import XMLResourceError, XMLResourceForbidden

from adapters.errors import MalformedAnswer, UnsafeXML

__all__ = ["parse_untrusted"]


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _refuse(reason: str) -> NoReturn:
    raise _Refused(reason)


def _scan(data: bytes) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = lambda name, *_: _refuse(f"document type declaration <!DOCTYPE {name}>")
    parser.EntityDeclHandler = lambda name, *_: _refuse(f"entity declaration {name!r}")
    parser.UnparsedEntityDeclHandler = lambda name, *_: _refuse(f"unparsed entity {name!r}")
    parser.ExternalEntityRefHandler = lambda _c, _b, system_id, _p: _refuse(f"external entity {system_id!r}")
    parser.Parse(data, True)


def parse_untrusted(data: bytes, *, adapter: str, status_code: int | None = None) -> Element:
    """The root element of ``data``; ``UnsafeXML`` or ``MalformedAnswer`` (both permanent) if refused."""
    try:
        _scan(data)
    except _Refused as refused:
        raise UnsafeXML(
            f"answer refused: XML with a {refused.reason} is not allowed",
            adapter=adapter,
            status_code=status_code,
        ) from None
    except expat.ExpatError as exc:
        reason = expat.errors.messages[exc.code]
        raise MalformedAnswer(
            f"answer is not well-formed XML: {reason} at line {exc.lineno}, column {exc.offset}",
            adapter=adapter, status_code=status_code,
        ) from exc  # fmt: skip
    try:
        resource = xmlschema.XMLResource(data, defuse="always", allow="none")
    except XMLResourceForbidden as exc:
        raise UnsafeXML(f"answer refused: {exc}", adapter=adapter, status_code=status_code) from exc
    except (XMLResourceError, ParseError) as exc:
        raise MalformedAnswer(
            f"answer is not usable XML: {exc}", adapter=adapter, status_code=status_code
        ) from exc
    root: Element = resource.root  # built from bytes by ElementTree, never an lxml tree
    return root
