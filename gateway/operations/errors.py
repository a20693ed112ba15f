"""Why the operations endpoints refuse.

```
NotReady            503  a check of /ready failed (database, migrations, catalogue)
MetricsRefused      403  /metrics asked from outside the operations networks
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import Message

__all__ = ["MetricsRefused", "NotReady"]


class NotReady(SevaError):
    """The process should not be sent traffic yet; ``failed`` names the checks that failed."""

    code, status = "not_ready", 503
    title = Message(en="Not ready to serve", hi="सेवा देने के लिए अभी तैयार नहीं")

    def __init__(self, failed: dict[str, str]) -> None:
        listed = "; ".join(f"{name}: {why}" for name, why in failed.items())
        super().__init__(
            Message(en=f"Not ready: {listed}.", hi=f"अभी तैयार नहीं: {listed}।"), headers={"Retry-After": "5"}
        )
        self.failed = failed


class MetricsRefused(SevaError):
    """Metrics are read by the operators' monitoring only (``SEVA_OPERATIONS_NETWORKS``)."""

    code, status = "metrics_refused", 403
    title = Message(
        en="Metrics are open to the operations network only", hi="मेट्रिक्स केवल संचालन नेटवर्क के लिए खुले हैं"
    )
