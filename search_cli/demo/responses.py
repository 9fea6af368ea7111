"""The sample archive's answers: a page with a stable ETag (or 304), a 404, an injected error.

Conditional GETs follow RFC 9110 so the crawler's revalidation is tested against
the rules a real server keeps, not against our own reading of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus

from search_cli.demo import ao3_markup

HTML = "text/html; charset=utf-8"


@dataclass
class Response:
    """One answer, before it goes on the wire (the server adds Content-Length)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _http_date(iso: str) -> str:
    day = datetime.fromisoformat(iso).replace(tzinfo=UTC)
    return format_datetime(day, usegmt=True)


def _not_modified(request_headers: dict[str, str], etag: str, last_modified: str | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
    inm = request_headers.get("if-none-match")
    if inm is not None:
        tags = [x.strip().removeprefix("W/") for x in inm.split(",")]
        return "*" in tags or etag in tags
    ims = request_headers.get("if-modified-since")
    if ims and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def page(html: str, request_headers: dict[str, str], last_modified: str | None = None) -> Response:
    """A 200 with a stable ETag, or 304 when the client's copy is current."""
    body = html.encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Content-Type": HTML, "ETag": etag, "Cache-Control": "private, max-age=0"}
    if last_modified:
        headers["Last-Modified"] = _http_date(last_modified)
    if _not_modified(request_headers, etag, headers.get("Last-Modified")):
        return Response(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
    return Response(200, body, headers)


def not_found() -> Response:
    """AO3's 404 page, as a deleted work or an unknown path gets it."""
    return Response(404, ao3_markup.not_found_page().encode(), {"Content-Type": HTML})


def error(status: int, headers: dict[str, str]) -> Response:
    """An injected failure (429, 5xx…) with its extra headers, e.g. Retry-After."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    body = ao3_markup.error_page(status, reason).encode()
    return Response(status, body, {"Content-Type": HTML, **headers})
