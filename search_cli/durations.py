"""Durations as readers type them: `--checked-before 30d`, `--for 1h`."""

from __future__ import annotations

import re

from crawler.errors import UsageError

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)?\s*$", re.I)
UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_duration(text: str, option: str, default_unit: str = "d") -> float:
    """'30d', '12h', '90m', '2w', '45s' (a bare number is `default_unit`) -> seconds."""
    m = DURATION.match(text or "")
    if not m:
        raise UsageError(f"{option} {text!r}: give a duration like 30d, 12h, 90m or 2w")
    unit = (m.group(2) or default_unit).lower()
    return float(m.group(1)) * UNIT_SECONDS[unit]
