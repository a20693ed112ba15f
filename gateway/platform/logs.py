"""Logs: one JSON object a line (structlog), with the request's ID on every line written while a request
is handled, and no personal data.

seva's modules log through the standard ``logging`` module, as do uvicorn, SQLAlchemy and httpx;
structlog's ``ProcessorFormatter`` renders every record, ours and theirs, as JSON (``SEVA_LOG_FORMAT=json``,
the default) or as text for a person at a terminal (``text``). ``bind_request`` puts the request ID into
the context of the task that handles the request (``gateway.platform.edge`` calls it), and every line
logged in that task carries it. It is one context variable of its own, read when a line is written:
structlog's ``bind_contextvars`` made a context variable per key and cost as much as a tenth of
answering ``/health``.

The code masks what it logs (``gateway.platform.masking``: ``******3210``, ``******789``); as a last
guard, ``scrub`` masks in every line whatever still looks like a mobile number, an Aadhaar number, or a
member or family ID written as ``member:…``/``family:…``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog

from gateway.platform.masking import mask_aadhaar_numbers, mask_mobile, mask_prefixed_ids

__all__ = ["bind_request", "configure_logging", "log_formatter", "scrub"]

_REQUEST_ID: ContextVar[str | None] = ContextVar("seva_request_id", default=None)
_MOBILE = re.compile(r"(?<![\d*])(?:\+91[ -]?|0)?([6-9]\d{9})(?!\d)")


def _scrub_text(text: str) -> str:
    text = mask_aadhaar_numbers(text)
    text = _MOBILE.sub(lambda m: mask_mobile(m.group(1)), text)
    return mask_prefixed_ids(text)


# Values that are never personal; a digest's hex can hold a run of ten digits that looks like a mobile.
_NOT_PERSONAL = frozenset({"timestamp", "level", "logger", "request_id", "head_hash"})


def scrub(logger: Any, method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: personal numbers masked in the message and in every text value."""
    for key, value in list(event.items()):
        if isinstance(value, str) and key not in _NOT_PERSONAL:
            event[key] = _scrub_text(value)
    return event


def _add_request_id(logger: Any, method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    request_id = _REQUEST_ID.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def _shared() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]


def log_formatter(fmt: str = "json") -> logging.Formatter:
    """The formatter of seva's log lines: one JSON object a line (or a console line), scrubbed."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            scrub,
            renderer,
        ],
    )


def configure_logging(level: str, fmt: str = "json") -> None:
    """Every log record of the process, seva's and its libraries', through one handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter(fmt))
    handler.set_name("seva")
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != "seva" and not _is_default(h)] + [handler]
    root.setLevel(level.upper())
    # httpx logs every request at INFO, which would dominate the cost of proxying; aiosqlite logs every
    # statement with its parameters at DEBUG, mobile numbers included.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "_granian", "granian.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def _is_default(handler: logging.Handler) -> bool:
    # A plain stream handler on stderr (what basicConfig adds) would print every line a second time.
    return type(handler) is logging.StreamHandler and getattr(handler, "stream", None) is sys.stderr


@contextmanager
def bind_request(request_id: str) -> Iterator[None]:
    """Every line logged inside the block (in this task) carries ``request_id``."""
    token = _REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)
