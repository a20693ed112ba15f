"""A phone photo larger than the upload limit is made smaller here rather than refused.

A photo of a document from a phone camera is often 3 to 12 MB; the store takes at most
``SEVA_MAX_UPLOAD_BYTES``. Pillow turns it upright (EXIF orientation), drops its metadata (the camera's
GPS position included), scales it so its longer side is at most 2,000 pixels and writes a JPEG, trying
lower qualities and sizes until it fits. A PDF, or anything Pillow cannot read, is left as it is, and the
store then refuses it with its own error. Pictures of more than 60 megapixels are refused outright, so a
crafted file cannot make the server unpack gigabytes.
"""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["MAX_PIXELS", "reduce_photo"]

log = logging.getLogger("seva.web")
MAX_PIXELS = 60_000_000
_STEPS = ((2000, 85), (2000, 70), (1600, 70), (1280, 65), (1024, 60), (800, 55))


def reduce_photo(data: bytes, limit: int) -> bytes:
    """``data`` unchanged when it fits in ``limit`` bytes or is no photo; else a smaller JPEG of it, or
    the original when even the smallest step does not fit (the store refuses it then)."""
    if len(data) <= limit or not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    return data
                picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        log.info("a photo could not be read to make it smaller: %s", type(exc).__name__)
        return data
    for side, quality in _STEPS:
        copy = picture.copy()
        copy.thumbnail((side, side))
        out = io.BytesIO()
        copy.save(out, format="JPEG", quality=quality, optimize=True)
        if out.tell() <= limit:
            return out.getvalue()
    return data
