"""Bar charts drawn as SVG on the server, for the auditors' report pages: no script, no library, every
label escaped. A group is one bar made of coloured parts, scaled to the largest group, with its name above
it, its total written after it, and a legend below, one part a line.

The drawing is narrow (``WIDTH`` units) and has no size of its own: it fills the width it is given
(``width="100%"`` and a ``viewBox``), so on a 360 px phone its words are drawn at about the size they are
written here, and the page's stylesheet caps how wide it grows. It is an image with a name (``role="img"``,
``aria-label``); the page shows the same figures in a table, which is what assistive technology reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["WIDTH", "Part", "stacked_bars"]

Part = tuple[str, str]  # (colour, label)
WIDTH = 360
_ROW = 48  # a group: its name (16 units high), then its bar (20)
_BAR = 20
_TOTAL_ROOM = 72  # right of the longest bar, for its total
_LEGEND_ROW = 24
# About how many characters of a 16-unit name fit across the drawing; a longer name (a service's) is cut
# there, ending in "…", and given whole as the text's tooltip (the table beside the chart has it whole too).
_NAME_CHARS = 38


def _name(label: str) -> str:
    if len(label) <= _NAME_CHARS:
        return escape(label)
    return f"<title>{escape(label)}</title>{escape(label[: _NAME_CHARS - 1].rstrip())}…"


def stacked_bars(
    groups: Sequence[tuple[str, Sequence[float], str]], parts: Sequence[Part], description: str
) -> str:
    """One bar per ``(label, values, total shown)``; ``values`` line up with ``parts``."""
    biggest = max((sum(values) for _, values, _ in groups), default=0) or 1
    longest = WIDTH - _TOTAL_ROOM
    height = _ROW * len(groups) + _LEGEND_ROW * len(parts) + 12
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(description)}" '
        f'font-family="inherit" fill="#0b0c0c">'
    ]
    for i, (label, values, total) in enumerate(groups):
        y = i * _ROW
        out.append(f'<text x="0" y="{y + 16}" font-size="16">{_name(label)}</text>')
        x = 0.0
        for value, (colour, name) in zip(values, parts, strict=True):
            if value:
                width = longest * value / biggest
                # A white edge between parts: neighbouring colours need not contrast with each other.
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 22}" width="{width:.1f}" height="{_BAR}" fill="{colour}" '
                    f'stroke="#fff" stroke-width="1"><title>{escape(name)}: {value:g}</title></rect>'
                )
                x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 38}" font-size="16">{escape(total)}</text>')
    y = len(groups) * _ROW + 8
    for colour, name in parts:
        out.append(f'<rect x="0" y="{y + 1}" width="14" height="14" fill="{colour}"/>')
        out.append(f'<text x="20" y="{y + 13}" font-size="14">{escape(name)}</text>')
        y += _LEGEND_ROW
    out.append("</svg>")
    return "".join(out)
