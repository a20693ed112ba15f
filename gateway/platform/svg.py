"""Bar charts drawn as SVG on the server, for the auditors' report pages: no script, no library, every
label escaped. A group is one bar made of coloured parts, scaled to the largest group, with its total
written after it and a legend below."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["Part", "stacked_bars"]

Part = tuple[str, str]  # (colour, label)
_ROW, _LABEL, _WIDTH = 22, 220, 460


def stacked_bars(
    groups: Sequence[tuple[str, Sequence[int], str]], parts: Sequence[Part], description: str
) -> str:
    """One bar per ``(label, values, total shown)``; ``values`` line up with ``parts``."""
    biggest = max((sum(values) for _, values, _ in groups), default=0) or 1
    height = _ROW * len(groups) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_LABEL + _WIDTH + 100}" height="{height}" '
        f'role="img" aria-label="{escape(description)}">'
    ]
    for i, (label, values, total) in enumerate(groups):
        y = i * _ROW + 4
        out.append(
            f'<text x="{_LABEL - 6}" y="{y + 14}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        x = float(_LABEL)
        for value, (colour, name) in zip(values, parts, strict=True):
            if value:
                width = _WIDTH * value / biggest
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="16" fill="{colour}">'
                    f"<title>{escape(name)}: {value}</title></rect>"
                )
                x += width
        out.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="12">{escape(total)}</text>')
    y = len(groups) * _ROW + 16
    x = float(_LABEL)
    for colour, name in parts:
        out.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14:.0f}" y="{y + 9}" font-size="11">{escape(name)}</text>')
        x += 8 * len(name) + 30
    out.append("</svg>")
    return "".join(out)
