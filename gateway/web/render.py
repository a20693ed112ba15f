"""Rendering pages: the Jinja2 environment (templates, gettext in the reader's language, filters) and
``Site.page``, which every handler returns through, so each page gets the same frame: its language, the
language switch, the person signed in, the stylesheet and script by their content hash, no caching of
personal data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.response import Template

from catalogue.registry_held import HELD_PROOFS, HELD_VALUES
from gateway.platform.guard import optional_principal
from gateway.platform.policy import declared
from gateway.web.i18n import Catalogues, language_of, long_date
from gateway.web.words import fact_name

__all__ = ["STATIC", "TEMPLATES", "Site", "environment", "grouped_reference", "safe_next"]

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


def _pick(context: Context, text: Any) -> str:
    """A catalogue ``Text`` (or anything with ``en`` and ``hi``) in the reader's language."""
    if text is None:
        return ""
    if isinstance(text, tuple):
        return str(text[1] if context["lang"] == "hi" else text[0])
    if isinstance(text, dict):  # a rule's reason as the catalogue's YAML holds it
        return str(text.get("hi" if context["lang"] == "hi" else "en", ""))
    return str(text.hi if context["lang"] == "hi" else text.en)


def _held_words(table: Mapping[str, Any], name: str, context: Context) -> str:
    found = table.get(name)
    if found is None:
        return name
    return str(found.hi if context["lang"] == "hi" else found.en)


def _rupees(amount: float | int | None) -> str:
    if amount is None:
        return ""
    value = int(amount) if float(amount).is_integer() else amount
    return "₹" + format_decimal(value, locale="en_IN")


def environment(catalogues: Catalogues) -> Environment:
    """The templates' environment: autoescaped, gettext in the language of the page being rendered."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return catalogues.gettext(context["lang"], message)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return catalogues.ngettext(context["lang"], singular, plural, n)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["pick"] = pass_context(_pick)
    env.filters["longdate"] = pass_context(lambda context, day: long_date(day, context["lang"]))
    env.filters["grouped"] = grouped_reference
    env.filters["rupees"] = _rupees
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["fact"] = pass_context(lambda context, name: fact_name(name, context["lang"]))
    env.filters["proof"] = pass_context(lambda context, name: _held_words(HELD_PROOFS, name, context))
    env.filters["held"] = pass_context(lambda context, name: _held_words(HELD_VALUES, name, context))
    return env


def _versioned(name: str) -> str:
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


@dataclass(slots=True)
class Site:
    """What every page shares: demo mode, the stylesheet's and script's URLs, the upload limit."""

    demo: bool
    max_upload_bytes: int
    max_photo_bytes: int
    https: bool = False
    assets: Mapping[str, str] = field(
        default_factory=lambda: {"css": _versioned("seva.css"), "js": _versioned("seva.js")}
    )

    def page(
        self,
        request: Request[Any, Any, Any],
        template: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> Template:
        """The page ``template`` for this request, in the reader's language."""
        language = language_of(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        rule = declared(request.route_handler.opt) if "route_handler" in request.scope else None
        sent = {"content-language": language, "vary": "Cookie, Accept-Language", **(headers or {})}
        if rule is None or rule.personal:
            sent["cache-control"] = "no-store"
        return Template(
            template_name=template,
            status_code=status,
            headers=sent,
            context={
                "lang": language,
                "other_lang": "en" if language == "hi" else "hi",
                "here": here,
                "signed_in": optional_principal(request),
                "demo": self.demo,
                "assets": self.assets,
                "max_upload_mb": self.max_upload_bytes // (1024 * 1024),
                **context,
            },
        )
