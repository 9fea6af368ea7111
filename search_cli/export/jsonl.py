"""JSON: the `show --json` shape (Work.to_dict()), one document per work or one line each."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from crawler.models import Work
from search_cli.export.format import ExportFormat


def work_dict(work: Work, *, notes: bool = True) -> dict[str, Any]:
    """Work.to_dict(), minus work and chapter notes when notes are off (summary stays)."""
    data = work.to_dict()
    if not notes:
        data["notes"] = []
        for chapter in data["chapters"]:
            chapter["notes"] = []
    return data


# Legal in JSON, but each acts where the file is read: C1 controls (U+009B is a
# terminal's CSI) and bidi controls on a terminal that `cat`s it, invisible marks on
# whoever reads it, the line separators on str.splitlines() and JavaScript. Escaped as
# `--json` escapes them (search_cli/render.py), so a JSON reader gets the same text.
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def _dumps(data: dict[str, Any], indent: int | None) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_json(work: Work, *, notes: bool = True, archived_at: str | None = None) -> str:
    """One work, indented. `archived_at` is taken and left out: the shape is show --json's."""
    return _dumps(work_dict(work, notes=notes), indent=2) + "\n"


def render_jsonl(
    works: list[Work],
    *,
    notes: bool = True,
    title: str = "",
    archived: Mapping[str, str] | None = None,
) -> str:
    """One work a line. There is no header for `title` or `archived` dates to go in."""
    return "".join(_dumps(work_dict(w, notes=notes), indent=None) + "\n" for w in works)


FORMAT = ExportFormat(
    name="json",
    extension="json",
    description="the show --json shape; JSON lines when in one file",
    render=render_json,
    render_anthology=render_jsonl,
    anthology_extension="jsonl",
)
