"""The page's two languages: gettext catalogues (``locale/<lang>/LC_MESSAGES/messages.po``) kept with Babel.

Messages are written in English in the templates (``{% trans %}``, ``_()``) and in code (``N_()``), extracted
with ``pybabel extract`` and translated in the ``.po`` files; ``Catalogues.load`` compiles both when the
application is built, so there is no build step and no compiled file to forget. The language of a request
is the one the person chose (the ``seva_lang`` cookie), else the one their browser prefers, else English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar.connection import ASGIConnection

from gateway.platform.language import preferred_language

__all__ = ["LANGUAGES", "LANGUAGE_COOKIE", "LOCALE", "N_", "Catalogues", "language_of", "long_date"]

LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "hi")
LANGUAGE_COOKIE = "seva_lang"
_BABEL_LOCALES = {"en": "en_IN", "hi": "hi_IN"}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown, in the reader's language."""
    return message


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """``hi`` or ``en``: the person's choice, else their browser's preference."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return preferred_language(connection.headers.get("accept-language"))


def long_date(day: dt.date | str | None, language: str) -> str:
    """``15 December 2026`` / ``15 दिसंबर 2026``."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return format_date(day, format="long", locale=_BABEL_LOCALES.get(language, "en_IN"))


@dataclass(frozen=True, slots=True)
class Catalogues:
    """The compiled catalogue of each language."""

    translations: Mapping[str, Translations]

    @classmethod
    def load(cls, folder: Path = LOCALE) -> Catalogues:
        """Compile ``<folder>/<lang>/LC_MESSAGES/messages.po`` of every language in memory."""
        loaded: dict[str, Translations] = {}
        for language in LANGUAGES:
            path = folder / language / "LC_MESSAGES" / "messages.po"
            with path.open("rb") as po:
                catalog = read_po(po, locale=language)
            compiled = io.BytesIO()
            write_mo(compiled, catalog, use_fuzzy=False)
            compiled.seek(0)
            loaded[language] = Translations(compiled, domain="messages")
        return cls(loaded)

    def gettext(self, language: str, message: str) -> str:
        return self.translations.get(language, self.translations["en"]).gettext(message)

    def ngettext(self, language: str, singular: str, plural: str, n: int) -> str:
        return self.translations.get(language, self.translations["en"]).ngettext(singular, plural, n)
