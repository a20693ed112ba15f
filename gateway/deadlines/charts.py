"""The auditors' report page: a table and bar charts drawn as SVG on the server (no script, no library),
with a link to the same figures as CSV."""

from __future__ import annotations

from html import escape

from gateway.platform.svg import stacked_bars
from schemas.guarantee_api import ReportPage, ReportRow

__all__ = ["report_page"]

_PARTS = (
    ("decided_within", "#2e7d32", "Decided within the limit", "समय-सीमा में निराकृत"),
    ("decided_late", "#f9a825", "Decided late", "विलंब से निराकृत"),
    ("pending_within", "#90a4ae", "Pending, within the limit", "लंबित, समय-सीमा में"),
    ("pending_past", "#c62828", "Pending past the limit", "लंबित, समय-सीमा के बाद"),
)
_ROW, _LABEL, _WIDTH = 22, 220, 460


def _bars(rows: list[ReportRow]) -> str:
    """One stacked bar per group: the four states of its applications, scaled to the largest group."""
    groups = [(row.key, [getattr(row, name) for name, *_ in _PARTS], str(row.applications)) for row in rows]
    return stacked_bars(groups, [(colour, label) for _, colour, label, _ in _PARTS], "Applications by state")


def _penalties(rows: list[ReportRow]) -> str:
    with_penalty = [r for r in rows if r.penalties_inr]
    if not with_penalty:
        return "<p>No penalties imposed. / कोई शास्ति नहीं लगाई गई।</p>"
    biggest = max(r.penalties_inr for r in with_penalty)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_LABEL + _WIDTH + 100}" '
        f'height="{_ROW * len(with_penalty) + 8}" role="img" aria-label="Penalties">'
    ]
    for i, row in enumerate(with_penalty):
        y = i * _ROW + 4
        width = _WIDTH * row.penalties_inr / biggest
        out.append(
            f'<text x="{_LABEL - 6}" y="{y + 14}" text-anchor="end" font-size="12">{escape(row.key)}</text>'
        )
        out.append(f'<rect x="{_LABEL}" y="{y}" width="{width:.1f}" height="16" fill="#6a1b9a"/>')
        out.append(
            f'<text x="{_LABEL + width + 4:.1f}" y="{y + 14}" font-size="12">Rs {row.penalties_inr}'
            f" ({row.penalties})</text>"
        )
    out.append("</svg>")
    return "".join(out)


def report_page(page: ReportPage, links: dict[str, str]) -> str:
    header = "".join(f"<th>{escape(name.replace('_', ' '))}</th>" for name in ReportRow.__struct_fields__)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(getattr(row, name)))}</td>" for name in ReportRow.__struct_fields__)
        + "</tr>"
        for row in page.rows
    )
    groupings = " · ".join(
        f'<a href="{escape(url)}">{escape(name)}</a>' for name, url in links.items() if name != "csv"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guarantee report / गारंटी प्रतिवेदन</title></head>
<body>
<h1>Public services guarantee: time limits by {escape(page.by)}</h1>
<p lang="hi">लोक सेवा गारंटी: समय-सीमा का प्रतिवेदन ({escape(page.by)})</p>
<p>As of {escape(page.as_of)}. Group by: {groupings}. <a href="{escape(links["csv"])}">CSV</a></p>
<h2>Applications / आवेदन</h2>
{_bars(page.rows)}
<h2>Penalties / शास्ति</h2>
{_penalties(page.rows)}
<h2>Figures / आँकड़े</h2>
<table border="1" cellpadding="3"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>
</body></html>"""
