"""Errors as pages, in the reader's language, for the requests that come from people.

A web page's error (and any unknown address a browser asks for outside the API) is a page in the chosen
language, never a JSON body or a traceback; the JSON API keeps its problem documents. A page that needs a
signed-in person sends a signed-out one (or one whose session ended) to sign in, and back to the same page
afterwards. The page carries the problem's code in a ``meta`` element, for tests and support staff.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from litestar import Request, Response
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from gateway.platform.authentication import TokenMissing
from gateway.platform.guard import optional_principal
from gateway.platform.problems import SevaError
from gateway.web.i18n import language_of
from gateway.web.policy import STAFF_PAGE, WEB
from gateway.web.render import PAGE_LANGUAGE, Site, safe_next
from gateway.web.sessions import SESSION_COOKIE

__all__ = ["WebErrorPages"]

log = logging.getLogger("seva.web")
_NOT_PAGES = ("/api/", "/schema", "/.well-known/", "/static/")
_LAST_RESORT = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><meta name='viewport' "
    "content='width=device-width, initial-scale=1'><meta name='seva-problem' content='internal_error'>"
    "<title>Something went wrong / कुछ गड़बड़ हुई</title><h1>Something went wrong on our side</h1>"
    "<p>Try again in a few minutes.</p><h1 lang='hi'>हमारी ओर से कुछ गड़बड़ हुई</h1>"
    "<p lang='hi'>कुछ मिनट बाद फिर प्रयास करें।</p></html>"
)


def is_page_request(request: Request[Any, Any, Any]) -> bool:
    """A web page's route, or an address no route answers that a browser asked for outside the API."""
    handler = request.scope.get("route_handler")
    if handler is not None:
        return bool(handler.opt.get(WEB))
    if request.url.path.startswith(_NOT_PAGES):
        return False
    return "text/html" in request.headers.get("accept", "")


class WebErrorPages:
    """The platform's ``ErrorPages`` for the web capability."""

    def __init__(self, site: Site, env: Environment) -> None:
        self.site = site
        self.env = env

    def __call__(
        self, request: Request[Any, Any, Any], error: SevaError, cause: BaseException
    ) -> Response[Any] | None:
        if not is_page_request(request):
            return None
        if isinstance(error, TokenMissing):
            return self._sign_in_first(request)
        csrf = isinstance(cause, PermissionDeniedException) and "csrf" in str(cause.detail).lower()
        language = language_of(request)
        PAGE_LANGUAGE.set(language)
        message = error.explanation
        context = {
            "lang": language,
            "other_lang": "en" if language == "hi" else "hi",
            "here": request.url.path,
            "signed_in": optional_principal(request),
            "demo": self.site.demo,
            "assets": self.site.assets,
            "status": error.status,
            "code": error.code,
            "title": error.title.hi if language == "hi" else error.title.en,
            "message": message.hi if language == "hi" else message.en,
            "form_expired": csrf,
        }
        try:
            content = self.env.get_template("error.html").render(context)
        except Exception:
            log.exception("the error page could not be drawn for %s", request.url.path)
            content = _LAST_RESORT
        headers = {"content-language": language, "cache-control": "no-store", **error.headers}
        headers.pop("www-authenticate", None)
        return Response(content, status_code=error.status, media_type="text/html", headers=headers)

    @staticmethod
    def _sign_in_first(request: Request[Any, Any, Any]) -> Response[Any]:
        """To sign-in, and back here afterwards; ``ended`` says a session ran out (or was signed out)."""
        back = request.url.path
        if request.method == "GET" and request.url.query:
            back += f"?{request.url.query}"
        handler = request.scope.get("route_handler")
        door = "/staff/sign-in" if handler is not None and handler.opt.get(STAFF_PAGE) else "/sign-in"
        target = f"{door}?next={quote(safe_next(back), safe='')}"
        if request.cookies.get(SESSION_COOKIE):
            target += "&ended"
        redirect = Redirect(path=target, status_code=303)
        if request.cookies.get(SESSION_COOKIE):
            redirect.delete_cookie(SESSION_COOKIE, path="/")
        return redirect
