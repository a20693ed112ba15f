"""What a file really is, judged by its first bytes and never by its name or the client's word."""

from __future__ import annotations

__all__ = ["ALLOWED_TYPES", "UnsupportedContent", "sniff_content_type"]

# Signatures of the formats seva accepts, each at offset 0. PDF readers tolerate junk before ``%PDF-``
# (up to a kilobyte), which is how a polyglot file (HTML, a script, a ZIP that is also a PDF) gets past a
# check that looks anywhere in the head; seva takes only a file that is a PDF from its first byte.
ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"


class UnsupportedContent(ValueError):
    """The bytes are not a PDF, JPEG or PNG."""


def sniff_content_type(head: bytes) -> str:
    """The media type of a file from its first bytes."""
    if head.startswith(_PNG):
        return "image/png"
    if head.startswith(_JPEG):
        return "image/jpeg"
    if head.startswith(_PDF):
        return "application/pdf"
    raise UnsupportedContent("only PDF, JPEG and PNG files are accepted; this file is none of them")
