"""What an answer says beyond its status: Retry-After, and whether it is a bot wall."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import httpx

from crawler.errors import DeadlineExceeded

RETRY_STATUSES = (429, 503)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_RETRY_AFTER_SECONDS = 365 * 24 * 3600.0  # past any cap; keeps the arithmetic finite


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in either form: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_SECONDS)


def looks_like_challenge(status: int, headers: httpx.Headers, body: bytes) -> bool:
    """Cloudflare and similar bot walls: detect and report, never solve."""
    if headers.get("cf-mitigated") == "challenge":
        return True
    if status in (403, 429, 503):
        head = body[:20_000].lower()
        return b"just a moment" in head or b"cf-chl" in head or b"challenge-platform" in head
    return False


def network_reason(error: Exception) -> str:
    """A failed request's reason, as the summary says it."""
    if isinstance(error, DeadlineExceeded):
        return str(error).partition(": ")[2]
    return f"network error: {type(error).__name__}"
