"""Why a department's adapter registration is refused."""

from __future__ import annotations

from adapters import DepartmentError
from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = ["AdapterUnhealthy", "EndpointRefused", "UnknownAdapter"]


class EndpointRefused(SevaError):
    """The configuration cannot be used; ``field`` names why."""

    code, status = "invalid_adapter", 422
    title = Message(en="The adapter configuration cannot be used", hi="एडॉप्टर विन्यास उपयोग योग्य नहीं है")

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            Message(en=message, hi=f"एडॉप्टर स्वीकार नहीं हुआ: {message}"),
            errors=[FieldError(field=field, message=message)],
        )
        self.field = field
        self.message = message


class UnknownAdapter(EndpointRefused):
    """No such adapter, or one of another department (which, to the caller, is the same thing)."""

    code, status = "unknown_adapter", 404
    title = Message(en="No such adapter of your department", hi="आपके विभाग का ऐसा कोई एडॉप्टर नहीं है")


class AdapterUnhealthy(SevaError):
    """The department did not pass the health call; the old configuration stays in use."""

    code, status = "adapter_unhealthy", 502
    title = Message(en="The department did not pass the health check", hi="विभाग स्वास्थ्य जाँच में सफल नहीं हुआ")

    def __init__(self, error: DepartmentError) -> None:
        super().__init__(
            Message(
                en=f"The department's system did not pass the health check, so it was not switched: {error}",
                hi=f"विभाग की प्रणाली स्वास्थ्य जाँच में सफल नहीं हुई, इसलिए बदली नहीं गई: {error}",
            )
        )
        self.error = error
