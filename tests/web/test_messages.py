"""The page's two catalogues: every message the templates and code use is in both, and Hindi is Hindi.

The test extracts the messages from the sources again (as ``make messages`` does) and fails on a message
missing from the template or from a language's catalogue, on a Hindi translation left empty, fuzzy, equal
to the English or without Devanagari, and on a translation whose placeholders differ from the English.
Then it reads pages in Hindi and fails on any English message of the catalogue found on them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import ROOT
from tests.web.support import DHURVE, csrf_token, sign_in

LOCALE = ROOT / "gateway" / "web" / "locale"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [str(value or "")]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _catalog(LOCALE / "messages.pot")


def test_the_template_holds_exactly_the_messages_of_the_sources(tmp_path: Path, template: Catalog) -> None:
    """A message added to a page or to the code without ``make messages`` fails here."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "gateway/web/babel.cfg",
         "-o", str(fresh), "--no-location", "--sort-output", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    extracted = _ids(_catalog(fresh))
    assert extracted - _ids(template) == set(), "run `make messages` and translate the new messages"
    assert _ids(template) - extracted == set(), "run `make messages`: these are no longer used"


@pytest.mark.parametrize("language", ["en", "hi"])
def test_each_language_has_every_message(template: Catalog, language: str) -> None:
    catalog = _catalog(LOCALE / language / "LC_MESSAGES" / "messages.po", language)
    assert _ids(template) - _ids(catalog) == set()


def test_every_hindi_message_is_translated_into_hindi(template: Catalog) -> None:
    """Not empty, not fuzzy, not the English left as it was, written in Devanagari, same placeholders."""
    hindi = _catalog(LOCALE / "hi" / "LC_MESSAGES" / "messages.po", "hi")
    wrong: list[str] = []
    for message in hindi:
        if not message.id or message.id not in _ids(template):
            continue
        english, translated = _texts(message.id), _texts(message.string)
        if message.fuzzy or not all(t.strip() for t in translated):
            wrong.append(f"untranslated: {english[0]!r}")
            continue
        for text in translated:
            if text in english or not _DEVANAGARI.search(text):
                wrong.append(f"not Hindi: {english[0]!r} -> {text!r}")
            if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(english[-1])):
                wrong.append(f"placeholders differ: {english[0]!r} -> {text!r}")
    assert wrong == []


def _visible_text(page: str) -> str:
    """What a reader sees: the text outside tags, scripts and attributes, with elements marked
    ``lang="en"`` (the name of the other language in the switch, "API") left out."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(?!html)(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_no_page_in_hindi_shows_an_english_message(browser_client: httpx.Client, template: Catalog) -> None:
    """Every English message of two words or more, looked for on the Hindi pages a citizen reads."""
    english = sorted(
        {text.split("%(")[0].strip() for m in template if m.id for text in _texts(m.id)} - {""}, key=len
    )
    sentences = [text for text in english if len(text.split()) >= 2]
    browser_client.cookies.set("seva_lang", "hi")
    pages = {path: browser_client.get(path).text for path in (
        "/", "/services", "/services?q=pension", "/services/sj-widow-pension", "/services?event=old-age",
        "/track", "/track?reference=12", "/audit", "/audit/services/wcd-ladli-behna", "/sign-in", "/nope",
        "/audit/services/wcd-ladli-behna/history",
        "/verify", "/verify?token=not.a.certificate",
    )}  # fmt: skip
    family = sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
    pages["/family"] = family.text
    form = f"/apply/sj-old-age-pension/{DHURVE.head}"
    for path in (form, "/applications", "/documents", "/demo/inbox", "/sign-out"):
        pages[path] = browser_client.get(path).text
    answer = browser_client.post(form, data={"_csrf_token": csrf_token(pages[form])})
    pages["apply with errors"] = answer.text
    found = [
        f"{path}: {sentence!r}"
        for path, page in pages.items()
        for sentence in sentences
        if sentence in _visible_text(page)
    ]
    assert found == []
