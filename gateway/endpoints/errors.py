"""Why a department's adapter registration is refused.

```
EndpointRefused      422 invalid_adapter        the configuration cannot be used; ``field`` names why
├── UnknownAdapter   404 unknown_adapter        no such adapter, or one of another department
└── EndpointNotAllowed 422 endpoint_not_allowed the endpoint is not at an address the operators allow
AdapterUnhealthy     502 adapter_unhealthy      the department did not pass the health call
```
``audit_detail`` is what the audit trail keeps of a refusal when it says more than the caller may see
(the address a name resolved to is never shown to the caller).
"""

from __future__ import annotations

from adapters import DepartmentError
from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = ["AdapterUnhealthy", "EndpointNotAllowed", "EndpointRefused", "UnknownAdapter"]


class EndpointRefused(SevaError):
    """The configuration cannot be used; ``field`` names why."""

    code, status = "invalid_adapter", 422
    title = Message(en="The adapter configuration cannot be used", hi="एडॉप्टर विन्यास उपयोग योग्य नहीं है")

    def __init__(
        self, field: str, message: str, message_hi: str | None = None, *, audit: str | None = None
    ) -> None:
        super().__init__(
            Message(en=message, hi=message_hi or f"एडॉप्टर स्वीकार नहीं हुआ: {message}"),
            errors=[FieldError(field=field, message=message)],
        )
        self.field = field
        self.message = message
        self.audit_detail = audit or message


class UnknownAdapter(EndpointRefused):
    """No such adapter, or one of another department (which, to the caller, is the same thing)."""

    code, status = "unknown_adapter", 404
    title = Message(en="No such adapter of your department", hi="आपके विभाग का ऐसा कोई एडॉप्टर नहीं है")


class EndpointNotAllowed(EndpointRefused):
    """The endpoint is not at an address the operators allow (``SEVA_EGRESS_ALLOW``). The answer never
    names the address the host resolved to: registration is no way to map a network."""

    code, status = "endpoint_not_allowed", 422
    title = Message(en="The gateway may not call this endpoint", hi="गेटवे इस पते पर अनुरोध नहीं भेज सकता")

    def __init__(self, reason: str) -> None:
        super().__init__(
            "endpoint",
            "The gateway may not call this endpoint: its address is not in the operators' allow-list "
            "(SEVA_EGRESS_ALLOW). Ask the operators to allow the department's host.",
            "गेटवे इस पते पर अनुरोध नहीं भेज सकता: यह संचालकों की अनुमति-सूची (SEVA_EGRESS_ALLOW) में "
            "नहीं है। विभाग का होस्ट इस सूची में जुड़वाने के लिए संचालकों से कहें।",
            audit=reason,
        )


class AdapterUnhealthy(SevaError):
    """The department did not pass the health call; the old configuration stays in use."""

    code, status = "adapter_unhealthy", 502
    title = Message(en="The department did not pass the health check", hi="विभाग स्वास्थ्य जाँच में सफल नहीं हुआ")

    def __init__(self, error: DepartmentError) -> None:
        # What failed, in a few fixed words and the HTTP status: never the department's answer, which could
        # be any page the endpoint serves.
        en, hi = error.summary
        status = f"HTTP {error.status_code}: " if error.status_code is not None else ""
        super().__init__(
            Message(
                en=f"The department's system did not pass the health check ({status}{en}); "
                "it was not switched.",
                hi=f"विभाग की प्रणाली स्वास्थ्य जाँच में सफल नहीं हुई ({status}{hi}), इसलिए बदली नहीं गई।",
            )
        )
        self.error = error
