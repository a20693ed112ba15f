"""Rendering pages: the Jinja2 environment (templates, gettext in the reader's language, filters) and
``Site.page``, which every handler returns through, so each page gets the same frame: its language, the
language switch, the person signed in, the stylesheet and script by their content hash, no caching of
personal data.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal
from cachetools import LRUCache
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request, Response
from litestar.response import Template
from litestar.response.base import ASGIResponse
from litestar.utils.scope.state import ScopeState

from catalogue.registry_held import HELD_PROOFS, HELD_VALUES
from gateway.platform.guard import optional_principal
from gateway.platform.policy import declared
from gateway.web.i18n import Catalogues, language_of, long_date
from gateway.web.words import fact_name

__all__ = ["PAGE_LANGUAGE", "STATIC", "TEMPLATES", "Site", "environment", "grouped_reference", "safe_next"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
_DIGITS = re.compile(r"\D")


def grouped_reference(reference: str) -> str:
    """``2612 4829 1037 5``: four digits at a time, easy to read out over the phone."""
    digits = _DIGITS.sub("", reference)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def safe_next(value: str | None, default: str = "/family") -> str:
    """A place on this site to go back to; anything else (another site, a scheme) is replaced."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return default
    return value if len(value) < 500 and value.isprintable() else default


PAGE_LANGUAGE: ContextVar[str] = ContextVar("seva_page_language", default="en")
"""The language of the page being drawn. ``Site.page`` sets it for the request; gettext and the filters read
it, so macros need no template context and Jinja keeps their module once compiled (a ``with context``
import would run it again on every page)."""


def _language() -> str:
    return PAGE_LANGUAGE.get()


def _pick(text: Any) -> str:
    """A catalogue ``Text`` (or anything with ``en`` and ``hi``) in the reader's language."""
    if text is None:
        return ""
    hindi = PAGE_LANGUAGE.get() == "hi"
    if isinstance(text, tuple):
        return str(text[1] if hindi else text[0])
    if isinstance(text, dict):  # a rule's reason as the catalogue's YAML holds it
        return str(text.get("hi" if hindi else "en", ""))
    return str(text.hi if hindi else text.en)


def _held_words(table: Mapping[str, Any], name: str) -> str:
    found = table.get(name)
    if found is None:
        return name
    return str(found.hi if PAGE_LANGUAGE.get() == "hi" else found.en)


def _rupees(amount: float | int | None) -> str:
    if amount is None:
        return ""
    value = int(amount) if float(amount).is_integer() else amount
    return "₹" + format_decimal(value, locale="en_IN")


def environment(catalogues: Catalogues) -> Environment:
    """The templates' environment: autoescaped, gettext in the language of the page being drawn."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are part of the release: no stat of every file on every page
    )

    def gettext(message: str) -> str:
        return catalogues.gettext(PAGE_LANGUAGE.get(), message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return catalogues.ngettext(PAGE_LANGUAGE.get(), singular, plural, n)

    # Old-style gettext: a plain call, escaped on output like any text (newstyle wraps every call, which
    # cost a third of a page's time); messages with values use {% trans %} blocks.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters["pick"] = _pick
    env.filters["longdate"] = lambda day: long_date(day, _language())
    env.filters["grouped"] = grouped_reference
    env.filters["rupees"] = _rupees
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["fact"] = lambda name: fact_name(name, _language())
    env.filters["proof"] = lambda name: _held_words(HELD_PROOFS, name)
    env.filters["held"] = lambda name: _held_words(HELD_VALUES, name)
    return env


def _versioned(name: str) -> str:
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


@dataclass(frozen=True, slots=True)
class _Drawn:
    """A page as drawn, and gzipped once (at the highest level: it is served many times)."""

    body: bytes
    gzipped: bytes


def _served(
    request: Request[Any, Any, Any], drawn: _Drawn, headers: dict[str, str], status: int
) -> ASGIResponse:
    if "gzip" in request.headers.get("accept-encoding", ""):
        # Litestar's compression middleware passes on, as they are, the bytes of a response marked cached.
        ScopeState.from_scope(request.scope).is_cached = True
        vary = f"{headers.get('vary', '')}, Accept-Encoding".lstrip(", ")
        gzipped = {**headers, "content-encoding": "gzip", "vary": vary}
        return ASGIResponse(body=drawn.gzipped, headers=gzipped, media_type="text/html", status_code=status)
    return ASGIResponse(body=drawn.body, headers=headers, media_type="text/html", status_code=status)


class _KeptTemplate(Template):
    """A template response whose page, once drawn, is kept (see ``Site.page``)."""

    def __init__(
        self, *, kept: LRUCache[tuple[str, ...], _Drawn], key: tuple[str, ...], **options: Any
    ) -> None:
        super().__init__(**options)
        self.kept = kept
        self.key = key

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **options: Any) -> ASGIResponse:
        drawn = super().to_asgi_response(app, request, **options)
        self.kept[self.key] = _Drawn(drawn.body, gzip.compress(drawn.body, compresslevel=9, mtime=0))
        return drawn


class _Kept(Response[bytes]):
    """A page kept from before, served as drawn (gzipped when the reader takes it)."""

    def __init__(self, drawn: _Drawn, headers: dict[str, str]) -> None:
        super().__init__(drawn.body, media_type="text/html", headers=headers)
        self.drawn = drawn

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **options: Any) -> ASGIResponse:
        return _served(request, self.drawn, dict(self.headers), self.status_code or 200)


@dataclass(slots=True)
class Site:
    """What every page shares: demo mode, the stylesheet's and script's URLs, the upload limit."""

    demo: bool
    max_upload_bytes: int
    max_photo_bytes: int
    https: bool = False
    assets: Mapping[str, str] = field(
        default_factory=lambda: {
            "css": _versioned("seva.css"),
            "js": _versioned("seva.js"),
            "icon": _versioned("favicon.svg"),
        }
    )
    kept: LRUCache[tuple[str, ...], _Drawn] = field(default_factory=lambda: LRUCache(maxsize=512))

    def page(
        self,
        request: Request[Any, Any, Any],
        template: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        kept_as: tuple[str, ...] | None = None,
        **context: Any,
    ) -> Response[Any]:
        """The page ``template`` for this request, in the reader's language.

        ``kept_as`` names what the whole text of the page follows from besides its template, address,
        language and reader (a public page: the catalogue's digest; a family's page: the family's version,
        the catalogue's digest and the day): drawn once, the page is kept and served again to the same
        reader, or to any signed-out one, while those stay the same (``kept``). Pages carry no per-request
        secret (the sign-out form has a page of its own), which is what makes this safe. Addresses with a
        query are never kept, so what is kept stays small whatever anyone asks for."""
        language = language_of(request)
        PAGE_LANGUAGE.set(language)  # drawn later in this request, by Litestar's template response
        here = self._here(request)
        signed_in = optional_principal(request)
        options: dict[str, Any] = {
            "template_name": template,
            "status_code": status,
            "headers": self._headers(request, language, headers),
            "context": self._context(language, here, signed_in, context),
        }
        key = self._key(request, template, language, kept_as)
        if key is not None and status == 200:
            drawn = self.kept.get(key)
            if drawn is not None:
                return _Kept(drawn, options["headers"])
            return _KeptTemplate(kept=self.kept, key=key, **options)
        return Template(**options)

    def kept_page(
        self, request: Request[Any, Any, Any], template: str, kept_as: tuple[str, ...]
    ) -> Response[bytes] | None:
        """The page as drawn before for the same key, or None: a handler asks before doing the work."""
        language = language_of(request)
        key = self._key(request, template, language, kept_as)
        drawn = self.kept.get(key) if key is not None else None
        if drawn is None:
            return None
        return _Kept(drawn, self._headers(request, language, None))

    @staticmethod
    def _here(request: Request[Any, Any, Any]) -> str:
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")

    def _key(
        self, request: Request[Any, Any, Any], template: str, language: str, kept_as: tuple[str, ...] | None
    ) -> tuple[str, ...] | None:
        if kept_as is None or request.url.query:
            return None
        reader = optional_principal(request)
        return (template, language, request.url.path, reader.subject if reader else "", *kept_as)

    @staticmethod
    def _headers(
        request: Request[Any, Any, Any], language: str, headers: Mapping[str, str] | None
    ) -> dict[str, str]:
        rule = declared(request.route_handler.opt) if "route_handler" in request.scope else None
        sent = {"content-language": language, "vary": "Cookie, Accept-Language", **(headers or {})}
        if rule is None or rule.personal:
            sent["cache-control"] = "no-store"
        return sent

    def _context(self, language: str, here: str, signed_in: Any, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "lang": language,
            "other_lang": "en" if language == "hi" else "hi",
            "here": here,
            "signed_in": signed_in,
            "demo": self.demo,
            "assets": self.assets,
            "max_upload_mb": self.max_upload_bytes // (1024 * 1024),
            **context,
        }
