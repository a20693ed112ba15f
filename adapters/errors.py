"""Every error the adapters raise, sorted by what a delivery worker should do next.

```
AdapterError                        root of the package
├── AdapterConfigError              an adapter cannot be built from its configuration
│   └── UnknownAdapterKind          no factory registered under that kind
└── DepartmentError                 a call to a department failed; keeps its message and HTTP status
    ├── Retryable                   try again later: the application is delayed, never lost
    │   ├── DepartmentTimeout       no answer within the configured timeout
    │   ├── DepartmentUnreachable   connection refused, reset, or name not resolved
    │   ├── DestinationRefused      the address is outside the operator's egress allow-list
    │   ├── DepartmentUnavailable   5xx, or a SOAP fault the server blames on itself
    │   └── DepartmentThrottled     429 (or 408 / 425): asked to slow down, maybe with Retry-After
    └── Permanent                   retrying cannot help: a person must look at it
        ├── RequestRefused          4xx, or a SOAP fault that blames the client
        ├── SchemaViolation         a request or an answer that breaks the contract or the XSD
        ├── MalformedAnswer         an answer that is not JSON / XML at all, or is too large
        └── UnsafeXML               an answer with a DOCTYPE, an entity or an external reference
```

Errors of httpx and xmlschema never leave an adapter: each module maps them here with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = [
    "AdapterConfigError",
    "AdapterError",
    "DepartmentError",
    "DepartmentThrottled",
    "DepartmentTimeout",
    "DepartmentUnavailable",
    "DepartmentUnreachable",
    "DestinationRefused",
    "MalformedAnswer",
    "Permanent",
    "RequestRefused",
    "Retryable",
    "SchemaViolation",
    "UnknownAdapterKind",
    "UnsafeXML",
]

# A department's message is kept for people, but a hostile or broken upstream must not fill the logs.
MAX_MESSAGE = 1000


class AdapterError(Exception):
    """Root of every error raised by ``adapters``."""


class AdapterConfigError(AdapterError):
    """An adapter cannot be built from its configuration."""


class UnknownAdapterKind(AdapterConfigError):
    """No factory is registered under this kind."""

    def __init__(self, kind: str, known: tuple[str, ...]) -> None:
        self.kind = kind
        self.known = known
        super().__init__(f"unknown adapter kind {kind!r}; registered kinds: {', '.join(known) or 'none'}")


class DepartmentError(AdapterError):
    """A call to a department failed.

    ``adapter`` names the adapter (``rest_transport``), ``status_code`` is the HTTP status when there was
    an answer, ``department_message`` is what the department said, cut to a readable length, and
    ``retry_after`` the seconds the department asked us to wait (``Retry-After``), if it said.
    """

    retryable: bool = False
    # What went wrong in a few words, English and Hindi, for people who must not see the department's
    # answer itself (it may be anything, even an internal page).
    summary: tuple[str, str] = ("the call to the department failed", "विभाग को किया गया अनुरोध विफल रहा")

    def __init__(
        self,
        message: str,
        *,
        adapter: str,
        status_code: int | None = None,
        department_message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.adapter = adapter
        self.retry_after = retry_after
        self.status_code = status_code
        self.department_message = department_message[:MAX_MESSAGE] if department_message else None
        self.reason = message
        super().__init__(message)

    def __str__(self) -> str:
        parts = [f"{self.adapter}: {self.reason}"]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.department_message:
            parts.append(f"department said: {self.department_message}")
        return "; ".join(parts)


class Retryable(DepartmentError):
    """Trying again later may succeed."""

    retryable = True


class Permanent(DepartmentError):
    """Trying again cannot succeed without a change on one side."""


class DepartmentTimeout(Retryable):
    """The department did not answer within the configured timeout."""

    summary = ("no answer in time", "समय पर उत्तर नहीं मिला")


class DepartmentUnreachable(Retryable):
    """No connection could be made: refused, reset, or the name did not resolve."""

    summary = ("no connection could be made", "संपर्क नहीं हो सका")


class DestinationRefused(Retryable):
    """The endpoint's address is not one the operator allows the gateway to call (``adapters.egress``).

    Retryable for a delivery: the application waits until the operator or the department puts it right.
    """

    summary = ("the address is not allowed for the gateway's calls", "यह पता गेटवे की अनुमति-सूची में नहीं है")


class DepartmentUnavailable(Retryable):
    """The department answered with a 5xx status or a server-side SOAP fault."""

    summary = ("the department's system failed", "विभाग की प्रणाली विफल रही")


class DepartmentThrottled(Retryable):
    """The department asked us to slow down (429, 408 or 425), maybe naming when to come back."""

    summary = ("the department asked for fewer requests", "विभाग ने कम अनुरोध भेजने को कहा")


class RequestRefused(Permanent):
    """The department refused the request (4xx, or a SOAP fault blaming the client)."""

    summary = ("the department refused the request", "विभाग ने अनुरोध अस्वीकार किया")


class SchemaViolation(Permanent):
    """A request or an answer breaks the department's contract or XSD."""

    summary = ("the answer does not follow the contract", "उत्तर अनुबंध के अनुरूप नहीं है")


class MalformedAnswer(Permanent):
    """The answer is not well-formed JSON or XML, or is larger than allowed."""

    summary = ("the answer could not be read", "उत्तर पढ़ा नहीं जा सका")


class UnsafeXML(Permanent):
    """The answer holds a DOCTYPE, an entity declaration or an external reference, which SOAP forbids."""

    summary = ("the answer holds unsafe XML", "उत्तर में असुरक्षित XML है")
