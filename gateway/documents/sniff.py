"""What a file really is, judged by its first bytes and never by its name or the client's word."""

from __future__ import annotations

__all__ = ["ALLOWED_TYPES", "UnsupportedContent", "sniff_content_type"]

# Signatures of the formats seva accepts. A PDF may start after a little junk (some scanners add it),
# which PDF readers tolerate within the first kilobyte.
ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"


class UnsupportedContent(ValueError):
    """The bytes are not a PDF, JPEG or PNG."""


def sniff_content_type(head: bytes) -> str:
    """The media type of a file from its first bytes (at least 1 KiB when the file has that many)."""
    if head.startswith(_PNG):
        return "image/png"
    if head.startswith(_JPEG):
        return "image/jpeg"
    if _PDF in head[:1024]:
        return "application/pdf"
    raise UnsupportedContent("only PDF, JPEG and PNG files are accepted; this file is none of them")
