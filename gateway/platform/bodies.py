"""Bounded work per request: how large a body may be, and how deeply its JSON may nest.

Every route takes at most ``SEVA_MAX_JSON_BYTES`` (1 MiB) of body unless its router says otherwise (the
document upload keeps its own, larger limit); Litestar refuses a larger body with 413 before reading it.
A JSON body is decoded by ``SevaRequest.json``, which refuses nesting deeper than ``MAX_JSON_DEPTH``
with ``400 json_too_deep``: no body seva takes nests more than a few levels, and a decoder that
recurses into ten thousand levels would otherwise end in a ``RecursionError`` and a 500.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.serialization import decode_json
from litestar.types import Empty

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = ["MAX_JSON_DEPTH", "JsonTooDeep", "SevaRequest", "json_depth_exceeds"]

MAX_JSON_DEPTH = 32
"""Levels of arrays and objects a JSON body may have; the deepest body of the API has four."""


class JsonTooDeep(SevaError):
    """The JSON body nests arrays or objects more deeply than any request of the API needs."""

    code, status = "json_too_deep", 400
    title = Message(en="The JSON body is nested too deeply", hi="अनुरोध का JSON बहुत गहराई तक नेस्टेड है")

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        super().__init__(
            Message(
                en=f"The JSON body nests arrays or objects more than {limit} levels deep.",
                hi=f"अनुरोध के JSON में सूचियाँ या ऑब्जेक्ट {limit} स्तरों से अधिक गहराई तक नेस्टेड हैं।",
            ),
            errors=[FieldError(field="body", message=f"nested more than {limit} levels")],
        )


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON ``value`` nests more than ``limit`` arrays and objects; walks without recursion
    and stops at the first level too deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _few_brackets(body: bytes, limit: int) -> bool:
    # Counting is done in C: a body with no more opening brackets than the limit cannot nest deeper.
    return body.count(b"[") + body.count(b"{") <= limit


class SevaRequest(Request[Any, Any, Any]):
    """Litestar's request, with a JSON body that may not nest more than ``MAX_JSON_DEPTH`` levels."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
                return cached
            body = await self.body()
            try:
                value = decode_json(body or b"null", type_decoders=self.route_handler.resolve_type_decoders())
            except RecursionError:
                raise JsonTooDeep() from None
            if not _few_brackets(body, MAX_JSON_DEPTH) and json_depth_exceeds(value):
                raise JsonTooDeep()
            self._json = self._connection_state.json = value
        return self._json
