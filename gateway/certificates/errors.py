"""Why a certificate is not shown or not revoked.

```
CertificateNotFound   404  no certificate with that ID (that the caller may revoke)
CertificateRevoked    409  it was already revoked
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import Message

__all__ = ["CertificateNotFound", "CertificateRevoked"]


class CertificateNotFound(SevaError):
    code, status = "unknown_certificate", 404
    title = Message(en="No such certificate", hi="ऐसा कोई प्रमाण पत्र नहीं है")

    def __init__(self, certificate_id: str) -> None:
        super().__init__(
            Message(
                en=f"No certificate {certificate_id[:40]}.", hi=f"प्रमाण पत्र {certificate_id[:40]} नहीं मिला।"
            )
        )


class CertificateRevoked(SevaError):
    code, status = "certificate_revoked", 409
    title = Message(en="The certificate was already revoked", hi="प्रमाण पत्र पहले ही निरस्त किया जा चुका है")

    def __init__(self, certificate_id: str) -> None:
        super().__init__(
            Message(
                en=f"Certificate {certificate_id} was already revoked.",
                hi=f"प्रमाण पत्र {certificate_id} पहले ही निरस्त है।",
            )
        )
