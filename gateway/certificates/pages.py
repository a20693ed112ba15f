"""The printable certificate (HTML, with a QR code to its verify page) and the verify page."""

from __future__ import annotations

from html import escape
from typing import Any

import segno

from schemas.guarantee_api import CertificateOut, CertificateVerdict

__all__ = ["certificate_page", "verify_page"]

_COLOURS = {
    "valid": "#2e7d32",
    "revoked": "#c62828",
    "expired": "#ef6c00",
    "invalid": "#c62828",
    "unknown": "#6d4c41",
}
_HEAD = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{}</title></head><body>'


def _facts(claims: dict[str, Any]) -> str:
    cert = claims.get("cert", {}) if isinstance(claims.get("cert"), dict) else {}
    holder = cert.get("holder", {}) or {}
    issuer = cert.get("issuer", {}) or {}
    rows = [
        ("Certificate number / प्रमाण पत्र क्रमांक", cert.get("number", "")),
        (
            "Type / प्रकार",
            f"{(cert.get('type_name') or {}).get('en', '')} / {(cert.get('type_name') or {}).get('hi', '')}",
        ),
        ("Name / नाम", f"{holder.get('name_en', '')} / {holder.get('name_hi', '')}"),
        ("Samagra member ID / समग्र सदस्य आईडी", holder.get("member_id", "")),
        *[(str(k).replace("_", " "), str(v)) for k, v in sorted((cert.get("facts") or {}).items())],
        ("Issued on / जारी दिनांक", cert.get("issued_on", "")),
        ("Valid until / वैधता", cert.get("valid_until") or "no expiry / असीमित"),
        ("Issued by / जारीकर्ता", ", ".join(str(v) for v in issuer.values() if v)),
        ("Application / आवेदन", cert.get("application", "")),
    ]
    if cert.get("remarks"):
        rows.append(("Remarks / टिप्पणी", cert["remarks"]))
    cells = "".join(
        f"<tr><th align=left>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows
    )
    return f'<table border="1" cellpadding="4">{cells}</table>'


def certificate_page(out: CertificateOut, claims: dict[str, Any]) -> str:
    qr = segno.make(out.verify_url, error="m").svg_inline(scale=3)
    status = "" if out.status == "valid" else f"<p><strong>{escape(out.status.upper())}</strong></p>"
    return (
        _HEAD.format(escape(out.number))
        + f"<h1>{escape((claims.get('cert') or {}).get('type_name', {}).get('en', out.doc_type))}</h1>"
        + f"<p lang='hi'>{escape((claims.get('cert') or {}).get('type_name', {}).get('hi', ''))}</p>{status}"
        + _facts(claims)
        + f"<p>Scan to verify / सत्यापन हेतु स्कैन करें:</p>{qr}<p>{escape(out.verify_url)}</p>"
        + "<h2>Signed certificate (JWS) / हस्ताक्षरित प्रमाण पत्र</h2>"
        + f'<pre id="jws" style="white-space:pre-wrap;word-break:break-all">{escape(out.token)}</pre>'
        + "<p>Verify offline with the public keys at /.well-known/jwks.json (docs/certificates.md).</p>"
        + "</body></html>"
    )


def verify_page(verdict: CertificateVerdict) -> str:
    colour = _COLOURS.get(verdict.verdict, "#000")
    facts = _facts(verdict.claims) if verdict.claims and verdict.verdict != "invalid" else ""
    return (
        _HEAD.format("Verify a certificate / प्रमाण पत्र सत्यापन")
        + "<h1>Certificate verification / प्रमाण पत्र सत्यापन</h1>"
        + f'<p id="verdict" data-verdict="{escape(verdict.verdict)}"><strong><font color="{colour}">'
        + f"{escape(verdict.verdict.upper())}</font></strong></p>"
        + f"<p>{escape(verdict.message.en)}</p><p lang='hi'>{escape(verdict.message.hi)}</p>{facts}"
        + "</body></html>"
    )
