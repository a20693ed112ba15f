"""Refusals of the catalogue's history, each with its stable code, status and titles.

```
UnknownCatalogueVersion  404  no catalogue version seva served has this digest (or the prefix names several)
ServiceNotInVersion      404  the catalogue version holds no service with this code (or none ever did)
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import Message

__all__ = ["ServiceNotInVersion", "UnknownCatalogueVersion"]


class UnknownCatalogueVersion(SevaError):
    code, status = "unknown_catalogue_version", 404
    title = Message(en="No such catalogue version", hi="ऐसा कोई सूची संस्करण नहीं है")

    def __init__(self, digest: str, *, several: bool = False) -> None:
        if several:
            message = Message(
                en=f"More than one catalogue version starts with '{digest}': give more of the digest.",
                hi=f"'{digest}' से एक से अधिक सूची संस्करण शुरू होते हैं: डाइजेस्ट के और अक्षर दें।",
            )
        else:
            message = Message(
                en=f"seva has served no catalogue whose digest starts with '{digest}'.",
                hi=f"सेवा ने ऐसी कोई सूची नहीं परोसी जिसका डाइजेस्ट '{digest}' से शुरू होता हो।",
            )
        super().__init__(message)


class ServiceNotInVersion(SevaError):
    code, status = "service_not_in_version", 404
    title = Message(en="The catalogue version has no such service", hi="सूची के इस संस्करण में यह सेवा नहीं है")

    def __init__(self, service_code: str, digest: str | None = None) -> None:
        if digest is None:
            message = Message(
                en=f"No catalogue seva has served holds a service '{service_code}'.",
                hi=f"सेवा द्वारा परोसी गई किसी भी सूची में '{service_code}' सेवा नहीं है।",
            )
        else:
            message = Message(
                en=f"The catalogue version {digest[:12]} holds no service '{service_code}'.",
                hi=f"सूची संस्करण {digest[:12]} में '{service_code}' सेवा नहीं है।",
            )
        super().__init__(message)
