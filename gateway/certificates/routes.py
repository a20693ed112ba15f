"""Routes of certificates: the JSON record, verification of a presented token, revocation. The printable
page and the verify page the QR code leads to are the web page's (``gateway/web/routes_certificates.py``)."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from gateway.certificates.errors import CertificateNotFound, CertificateRevoked
from gateway.certificates.policy import POLICY
from gateway.certificates.service import CertificateService
from gateway.platform.guard import Caller
from schemas.guarantee_api import CertificateOut, CertificateVerdict, RevokeBody, VerifyBody

__all__ = ["CertificateController"]

_ID = re.compile(r"^[0-9a-f]{32}$")
CertificateId = Annotated[
    str, Parameter(description="32 hexadecimal characters", schema_extra={"pattern": r"^[0-9a-f]{32}$"})
]


def _checked(certificate_id: str) -> str:
    if not _ID.match(certificate_id):
        raise CertificateNotFound(certificate_id)
    return certificate_id


class CertificateController(Controller):
    path = "/api/v1/certificates"
    tags = ("certificates",)

    @post("/verify", status_code=200, summary="Verify a certificate (its JWS)", **POLICY.route("verify"))
    async def verify(
        self, data: JSONBody[VerifyBody], certificates: NamedDependency[CertificateService]
    ) -> CertificateVerdict:
        return await certificates.verify(data.token)

    @get(
        "/{certificate_id:str}", summary="An issued certificate", **POLICY.route("show", CertificateNotFound)
    )
    async def show(
        self, certificate_id: CertificateId, certificates: NamedDependency[CertificateService]
    ) -> CertificateOut:
        return await certificates.show(_checked(certificate_id))

    @post(
        "/{certificate_id:str}/revoke",
        status_code=200,
        summary="Revoke a certificate (its department's officers, administrators)",
        **POLICY.route("revoke", CertificateNotFound, CertificateRevoked),
    )
    async def revoke(
        self,
        certificate_id: CertificateId,
        data: JSONBody[RevokeBody],
        certificates: NamedDependency[CertificateService],
        caller: NamedDependency[Caller],
    ) -> CertificateOut:
        from catalogue.models import Text

        return await certificates.revoke(
            caller, _checked(certificate_id), Text(en=data.reason.en, hi=data.reason.hi)
        )
