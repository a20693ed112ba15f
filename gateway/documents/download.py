"""How a stored document is handed back: always as an attachment, under a name that is safe to save.

The name a citizen's browser sent at upload is theirs to choose (``..\\..\\x.html``, quotes, control
characters, a name in Devanagari). The answer names the file twice (RFC 6266): ``filename`` in plain
ASCII for old clients, and ``filename*`` (RFC 5987) with the whole name in UTF-8; both lose any folder,
and the extension is always the one of the type the bytes were judged to be, so a PDF is never saved as
``.html``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["content_disposition", "safe_filename"]

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, content_type: str) -> str:
    """The file name to offer: no folders, no control or reserved characters, the type's own extension."""
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip(" ._")
    extension = _EXTENSIONS.get(content_type, "")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{(stem.strip(' ._') or 'document')[:120]}{extension}"


def content_disposition(name: str, content_type: str) -> str:
    """``attachment; filename="ASCII"; filename*=UTF-8''percent-encoded``."""
    full = safe_filename(name, content_type)
    ascii_name = unicodedata.normalize("NFKD", full).encode("ascii", "ignore").decode()
    ascii_name = _NOT_ASCII_SAFE.sub("_", ascii_name).strip(" ._")
    if not ascii_name or ascii_name == _EXTENSIONS.get(content_type, "").lstrip("."):
        ascii_name = f"document{_EXTENSIONS.get(content_type, '')}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full, safe='')}"
