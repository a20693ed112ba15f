"""How the gateway talks to a department: one port, and one kind of connection per module.

``DepartmentAdapter`` (``adapters.base``) is the port: ``submit`` an application, ask its ``status``,
check ``health``. ``rest``, ``soap`` and ``local`` implement it; ``registry`` builds one from an
``AdapterConfig``; ``errors`` sorts every failure into ``Retryable`` or ``Permanent``; ``egress`` says
which addresses may be called at all. This package
knows the wire formats in ``schemas`` and nothing of the web framework. See ``docs/adapters.md``.
"""

from adapters.base import (
    DepartmentAdapter,
    StatusQuery,
    StatusResult,
    SubmissionRequest,
    SubmitResult,
)
from adapters.config import AdapterConfig, BearerToken, MutualTLS, Secret, Timeouts
from adapters.egress import EgressPolicy
from adapters.errors import (
    AdapterConfigError,
    AdapterError,
    DepartmentError,
    Permanent,
    Retryable,
    UnknownAdapterKind,
)
from adapters.exchange import ExchangeHeaders
from adapters.http import build_client
from adapters.registry import AdapterRegistry, default_registry

__all__ = [
    "AdapterConfig",
    "AdapterConfigError",
    "AdapterError",
    "AdapterRegistry",
    "BearerToken",
    "DepartmentAdapter",
    "DepartmentError",
    "EgressPolicy",
    "ExchangeHeaders",
    "MutualTLS",
    "Permanent",
    "Retryable",
    "Secret",
    "StatusQuery",
    "StatusResult",
    "SubmissionRequest",
    "SubmitResult",
    "Timeouts",
    "UnknownAdapterKind",
    "build_client",
    "default_registry",
]
