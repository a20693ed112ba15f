"""The certificates capability: signed certificates and their verification (their printable and verify
pages are the web page's, over this service)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.certificates.errors import CertificateNotFound, CertificateRevoked
from gateway.certificates.policy import POLICY
from gateway.certificates.routes import CertificateController
from gateway.certificates.service import CertificateService
from gateway.certificates.signing import CertificateSigner
from gateway.documents import DocumentStore
from gateway.identity import KeyRing
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["CertificatesBuilt", "build_certificates"]


@dataclass(slots=True)
class CertificatesBuilt:
    service: CertificateService
    signer: CertificateSigner
    capability: Capability


def build_certificates(platform: Platform, documents: DocumentStore) -> CertificatesBuilt:
    settings = platform.settings
    signer = CertificateSigner(KeyRing.open(settings.certificate_keys_path))
    service = CertificateService(
        platform.engine,
        signer,
        documents,
        platform.audit,
        platform.clock,
        issuer=settings.token_issuer,
        public_url=settings.gateway_url,
    )
    capability = Capability(
        "certificates",
        route_handlers=[CertificateController],
        dependencies={"certificates": provide(service)},
        errors=[CertificateNotFound, CertificateRevoked],
        policy=POLICY,
    )
    return CertificatesBuilt(service, signer, capability)
