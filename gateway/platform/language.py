"""Which language a client asked for: Hindi when ``Accept-Language`` prefers it, else English."""

from __future__ import annotations

__all__ = ["preferred_language"]


def preferred_language(accept_language: str | None) -> str:
    """``hi`` or ``en`` from an ``Accept-Language`` header, honouring quality values."""
    if not accept_language:
        return "en"
    best, best_q = "en", -1.0
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("hi", "en") and quality > best_q:
            best, best_q = primary, quality
    return best
