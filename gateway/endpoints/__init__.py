"""Department endpoint registration: where each department's adapter is, registered by the department
itself after a health call, and read by the delivery resolver."""

from gateway.endpoints.service import registered_endpoints, token_variable

__all__ = ["registered_endpoints", "token_variable"]
