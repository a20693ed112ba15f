"""Signed certificates: issued on approval as a JWS (ES256, a key ID in seva's JWKS), kept in the holder's
document store, printable with a QR code to a public verify page, revocable, verifiable offline.

What other capabilities may use: ``CertificateService`` (``issue`` in the caller's transaction) and ``Issue``.
"""

from gateway.certificates.service import CertificateService, Issue

__all__ = ["CertificateService", "Issue"]
