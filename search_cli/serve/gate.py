"""Who may read the library, and the headers every answer carries.

On a loopback address the library is the user's own: no token, but the Host header
must name a loopback host, so a web page elsewhere cannot reach it by rebinding a
name of its own to 127.0.0.1. On any other address a token is required, given as
HTTP basic auth (any user name, the token as the password, as KOReader sends it) or
as the cookie the one login page sets. A form post from another site is refused
whatever the address (the only writes are reading marks, but they are the user's).

Every answer carries a Content-Security-Policy that allows scripts, styles and
requests from this server only: no inline script, nothing remote.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "ficarchive_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser posts forms with Origin: null
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
# Paths anyone may fetch: the login page and the stylesheet it needs.
OPEN_PATHS = ("/login", "/static/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can connect."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """The token (None: none needed) and how a request proves it knows it."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None

    @property
    def session(self) -> str:
        """The cookie value: derived from the token, so the cookie never holds it."""
        assert self.token is not None
        return hmac.new(self.token.encode(), b"ficarchive session", hashlib.sha256).hexdigest()

    def matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def admits(self, request: Request) -> bool:
        if self.token is None:
            return True
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie and hmac.compare_digest(cookie.encode(), self.session.encode()):
            return True
        return self.matches(_basic_password(request.headers.get("authorization", "")))


def _basic_password(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return ""
    try:
        user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    return password or user  # a client with one field only puts the token in the user name


def _host_name(host_header: str) -> str:
    return urlsplit(f"//{host_header}").hostname or ""


def cross_site(request: Request) -> bool:
    """A form posted from another site (browsers say so in Sec-Fetch-Site and Origin)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-site post: they always send Origin
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


class Gate:
    """ASGI middleware: the host check, the token, cross-site posts, security headers."""

    def __init__(self, app: ASGIApp, guard: Guard, *, loopback_only: bool) -> None:
        self.app = app
        self.guard = guard
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                extra = [
                    (k.encode(), v.encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k not in headers
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        refusal = self.refusal(Request(scope))
        if refusal is not None:
            await refusal(scope, receive, send_secured)
        else:
            await self.app(scope, receive, send_secured)

    def refusal(self, request: Request) -> Response | None:
        if self.loopback_only and not is_loopback(_host_name(request.headers.get("host", ""))):
            return PlainTextResponse("this library answers only to a loopback host name", 421)
        if request.method not in SAFE_METHODS and cross_site(request):
            return PlainTextResponse("a form from another site cannot change this library", 403)
        path = request.url.path
        if self.guard.admits(request) or path.startswith(OPEN_PATHS):
            return None
        if path.startswith("/opds") or "text/html" not in request.headers.get("accept", ""):
            return PlainTextResponse(
                "this library needs its token (HTTP basic auth: the token is the password)",
                401,
                headers={"www-authenticate": 'Basic realm="ficarchive", charset="UTF-8"'},
            )
        wanted = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': wanted})}", 303)
