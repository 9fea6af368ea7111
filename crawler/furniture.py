"""What in a page is not story: page furniture, hidden landmarks, tracking pixels.

The HTML cleaner skips these whole; each rule is a set of names so a new
site's chrome is one word added, not a new branch.
"""

from __future__ import annotations

import re

from bs4 import Tag

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Not <head> as a whole: lxml moves stray story markup (a <td> after a
# <script>) into it.
DROP_TAGS = frozenset({
    "title", "meta", "link", "base", "script", "style", "noscript", "template",
    "form", "input", "button", "select", "textarea", "iframe", "object", "embed",
    "svg", "canvas", "audio", "video", "nav",
})  # fmt: skip
# Page furniture around the story (AO3, FFN, eFiction chrome).
DROP_CLASSES = frozenset(
    {"landmark", "navigation", "kudos", "share", "sharing", "social", "feedback", "comments"}
    | {"pagination", "chapter-nav", "breadcrumbs", "skip"}
)
DROP_IDS = frozenset(
    {"feedback", "comments", "comments_placeholder", "kudos", "share", "navigation", "skiplinks"}
)
DROP_ROLES = frozenset({"navigation", "menu", "menubar", "search", "contentinfo", "tooltip"})
LANDMARK_TEXTS = frozenset({"chapter text", "work text", "work text:", "chapter text:"})
TRACKER_WORDS = frozenset({"pixel", "beacon", "tracking", "tracker", "analytics", "spacer"})
IMG_TOKEN = re.compile(r"[a-z]+")
_PX = re.compile(r"\s*(\d+)\s*(?:px)?\s*$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def is_furniture(tag: Tag) -> bool:
    """Navigation, kudos, share and comment boxes, AO3's hidden landmarks."""
    attrs = tag.attrs
    if classes := attrs.get("class"):
        lowered = {c.lower() for c in classes}
        if lowered & DROP_CLASSES or (tag.name in ("ul", "ol") and "actions" in lowered):
            return True
    if (ident := attrs.get("id")) and str(ident).lower() in DROP_IDS:
        return True
    if (role := attrs.get("role")) and str(role).lower() in DROP_ROLES:
        return True
    return tag.name in HEADINGS and tag.get_text(" ", strip=True).lower() in LANDMARK_TEXTS


def _px(value: object) -> int | None:
    m = _PX.match(str(value)) if value is not None else None
    return int(m.group(1)) if m else None


def is_tracker(tag: Tag, path: str) -> bool:
    """A tracking pixel or spacer: 1x1, hidden, or served from a counter."""
    width, height = _px(tag.get("width")), _px(tag.get("height"))
    if 0 in (width, height) or (width is not None and height is not None and width + height <= 2):
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style") or "")):
        return True
    return bool(set(IMG_TOKEN.findall(path.lower())) & TRACKER_WORDS)
