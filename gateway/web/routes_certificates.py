"""A signed certificate's printable page (with the QR code of its verify page) and the verify page, in the
site's layout and the reader's language. Anyone may open them: a certificate's address is random and
travels on the paper. Both call the certificates service the JSON API calls; the verdict is the
service's."""

from __future__ import annotations

import re
from typing import Annotated, Any

import segno
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from catalogue import Catalogue
from catalogue.models import Text
from gateway.platform.problems import NotFound
from gateway.web.pages import Pages
from gateway.web.policy import POLICY, without_form

__all__ = ["CERTIFICATE_HANDLERS"]

_ID = re.compile(r"^[0-9a-f]{32}$")
_NOT_KEPT = {"cache-control": "no-store"}  # a holder's name and member ID, on a page open to anyone
CertificateId = Annotated[str, Parameter(max_length=64)]
Token = Annotated[str | None, Parameter(max_length=20000)]


def _facts(claims: dict[str, Any] | None, catalogue: Catalogue) -> dict[str, Any] | None:
    """What a certificate's claims say, with names a reader understands: a form field's label for each
    fact, the department's and district's names from the catalogue."""
    cert = (claims or {}).get("cert")
    if not isinstance(cert, dict):
        return None
    labels: dict[str, Text] = {}
    for service in catalogue.services:
        for spec in service.form:
            labels.setdefault(spec.name, spec.label)
    issuer = dict(cert.get("issuer") or {})
    department = next(
        (d.name for d in catalogue.departments.values() if d.name.en == issuer.get("department")), None
    )
    code = str(issuer.get("district", ""))
    district = catalogue.districts.get(code)
    facts = [
        (labels.get(str(k)), str(k).replace("_", " "), v)
        for k, v in sorted((cert.get("facts") or {}).items())
    ]
    holder = cert.get("holder") or {}
    return {
        "number": cert.get("number", ""),
        "type": cert.get("type", ""),
        "type_name": cert.get("type_name") or None,
        "name": (holder.get("name_en", ""), holder.get("name_hi", "")),
        "member_id": holder.get("member_id", ""),
        "issued_on": cert.get("issued_on"),
        "valid_until": cert.get("valid_until"),
        "application": cert.get("application", ""),
        "remarks": cert.get("remarks", ""),
        "facts": facts,
        "designation": issuer.get("designation", ""),
        "department": department,
        "district": district.name if district else ((code, code) if code else None),
    }


@get(
    "/certificates/{certificate_id:str}",
    name="certificate",
    **without_form(POLICY.route("certificate", NotFound)),
)
async def certificate_page(
    request: Request[Any, Any, Any], certificate_id: CertificateId, web: NamedDependency[Pages]
) -> Response[Any]:
    if not _ID.match(certificate_id):
        raise NotFound()
    out = await web.certificates.show(certificate_id)  # unknown: not found
    qr = segno.make(out.verify_url, error="m").svg_inline(scale=3, title=out.verify_url)
    return web.site.page(
        request, "certificate.html", headers=_NOT_KEPT, certificate=out, qr=qr,
        shown=_facts(web.certificates.claims_of(out), web.services.current),
    )  # fmt: skip


@get("/verify/{certificate_id:str}", name="verify-issued", **without_form(POLICY.route("verify", NotFound)))
async def verify_issued(
    request: Request[Any, Any, Any], certificate_id: CertificateId, web: NamedDependency[Pages]
) -> Response[Any]:
    if not _ID.match(certificate_id):
        raise NotFound()
    _, verdict = await web.certificates.verify_id(certificate_id)
    return web.site.page(
        request, "verify.html", headers=_NOT_KEPT, verdict=verdict, token="",
        shown=_facts(verdict.claims, web.services.current) if verdict.verdict != "invalid" else None,
    )  # fmt: skip


@get("/verify", name="verify", **without_form(POLICY.route("verify")))
async def verify_token(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], token: Token = None
) -> Response[Any]:
    """With ``token`` (a certificate's JWS, pasted or carried in a link), its verdict; without, the form."""
    presented = (token or "").strip()
    verdict = await web.certificates.verify(presented) if presented else None
    shown = _facts(verdict.claims, web.services.current) if verdict and verdict.verdict != "invalid" else None
    return web.site.page(
        request, "verify.html", headers=_NOT_KEPT, verdict=verdict, token=presented, shown=shown
    )


CERTIFICATE_HANDLERS = [certificate_page, verify_issued, verify_token]
