"""The documentation stands on the repository alone: every file it names or links to is in it, so a reader
with a clone can follow each reference, and no document leans on notes kept elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
MARKDOWN = {path.name for path in ROOT.rglob("*.md") if ".venv" not in path.parts}
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_MARKDOWN_NAME = re.compile(r"(?<![\w/.-])([\w./-]*[\w-]\.md)\b")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s)>]+")
_CODE_PATH = re.compile(r"`([\w.-]+/[\w./-]*[\w-])`")


def _missing(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    here = document.parent
    missing = []
    for target in _LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address, or a place in this page
        path = target.split("#")[0]
        if not ((here / path).exists() or (ROOT / path).exists()):
            missing.append(f"link {target}")
    for name in _MARKDOWN_NAME.findall(_URL.sub(" ", text)):
        if not ((here / name).exists() or (ROOT / name).exists() or ("/" not in name and name in MARKDOWN)):
            missing.append(f"file {name}")
    for path in _CODE_PATH.findall(text):
        top = path.split("/")[0]
        if (ROOT / top).is_dir() and not (ROOT / path.rstrip("/")).exists():
            missing.append(f"path {path}")
    return missing


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_file_a_document_names_is_in_the_repository(document: Path) -> None:
    assert _missing(document) == []


def test_the_check_itself(tmp_path: Path) -> None:
    """A link to a missing page, a note kept outside the repository and a moved module are each caught;
    web addresses, anchors and the repository's own files are not."""
    page = tmp_path / "page.md"
    page.write_text(
        "See [the web page](docs/web.md), [there](https://example.org/x.md), [above](#top),\n"
        "`gateway/app.py`.\n"
        "As NOTES.md says, read [this](gone.md) and `gateway/services/holder.py`.\n",
        encoding="utf-8",
    )
    missing = ["link gone.md", "file NOTES.md", "file gone.md", "path gateway/services/holder.py"]
    assert _missing(page) == missing
