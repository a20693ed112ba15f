"""The headers every answer carries, set in one place: a hook Litestar runs on every response it sends,
an unknown route's 404 and a static file included.

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

from litestar.types import Message, Scope

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


class SecurityHeaders:
    """Litestar ``before_send`` hook adding the headers above to the start of every response."""

    def __init__(
        self, *, proxies: ProxyTrust, https: bool, exceptions: Mapping[str, str] | None = None
    ) -> None:
        self.proxies = proxies
        self.https = https
        self.exceptions = dict(exceptions or {})
        self._policies = {path: value.encode("latin-1") for path, value in self.exceptions.items()}

    def _private(self, scope: Scope) -> bool:
        handler: Any = scope.get("route_handler")
        rule = declared(handler.opt) if handler is not None else None
        if rule is not None and (rule.personal or rule.rate == "signin"):
            return True
        return any(key == b"authorization" for key, _ in scope.get("headers", ()))

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("type") != "http":
            return
        # One pass over the answer's headers (setting each by name would scan them once a header).
        added = [
            (b"content-security-policy", self._policies.get(scope.get("path", ""), _POLICY)),
            *_FIXED,
        ]
        if self.https or self.proxies.scheme(scope) == "https":
            added.append((b"strict-transport-security", _HSTS))
        if self._private(scope):
            added.append((b"cache-control", b"no-store"))
        replaced = {name for name, _ in added}
        kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in replaced]
        message["headers"] = kept + added
