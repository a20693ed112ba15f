"""The headers every answer carries, set in one place (``gateway.platform.edge``, as each answer starts:
an unknown route's 404, a static file and ``/health``'s short way included).

- ``Content-Security-Policy``: scripts, styles and everything else from seva itself only (no inline
  script or style, no ``eval``), no plugins, no ``<base>``, forms posted to seva only, and never shown
  in a frame (``frame-ancestors 'none'``, with ``X-Frame-Options: DENY`` for older browsers). A page
  that needs more says so by path (``exceptions``): the API's Swagger UI page may show ``data:`` images.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a URL may hold a reference
  number or an ID; it is never sent on to another site).
- ``Strict-Transport-Security`` when seva is served over HTTPS: its public URL is https
  (``SEVA_PUBLIC_URL``), or the connection is, or a trusted proxy says it received one.
- ``Cache-Control: no-store`` on every answer that may carry personal data or credentials: a route whose
  rule is ``personal``, a sign-in route (codes and tokens), and any answer to a request that carried a
  token (it was made for that caller alone). Which routes those are comes from the policies, never
  from a list of paths here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.types import Scope

from gateway.platform.forwarded import ProxyTrust
from gateway.platform.policy import declared

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "content_security_policy"]

_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HSTS = "max-age=31536000"  # a year, as browsers' preload rules ask; subdomains are the state's to decide


def content_security_policy(**changes: str) -> str:
    """The policy of every answer, with the named directives (``img_src="'self' data:"``) changed."""
    directives = {**_DIRECTIVES, **{name.replace("_", "-"): value for name, value in changes.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()
_POLICY = CONTENT_SECURITY_POLICY.encode("latin-1")
_HSTS = HSTS.encode("latin-1")
_FIXED = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_HSTS_HEADER = (b"strict-transport-security", _HSTS)
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """The headers above for each answer, as (name, value) bytes, built once where they do not vary."""

    def __init__(
        self, *, proxies: ProxyTrust, https: bool, exceptions: Mapping[str, str] | None = None
    ) -> None:
        self.proxies = proxies
        self.https = https
        self.exceptions = dict(exceptions or {})
        self._policies = {path: value.encode("latin-1") for path, value in self.exceptions.items()}
        self._usual = ((b"content-security-policy", _POLICY), *_FIXED)

    def _private(self, scope: Scope) -> bool:
        handler: Any = scope.get("route_handler")
        rule = declared(handler.opt) if handler is not None else None
        if rule is not None and (rule.personal or rule.rate == "signin"):
            return True
        return any(key == b"authorization" for key, _ in scope.get("headers", ()))

    def added(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        """The headers the answer to ``scope`` carries; an answer's own header of the same name gives way."""
        policy = self._policies.get(scope.get("path", "")) if self._policies else None
        added = list(self._usual) if policy is None else [(b"content-security-policy", policy), *_FIXED]
        if self.https or self.proxies.scheme(scope) == "https":
            added.append(_HSTS_HEADER)
        if self._private(scope):
            added.append(_NO_STORE)
        return added
