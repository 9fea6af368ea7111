"""What in a page is not story: page furniture, hidden landmarks, tracking pixels.

The HTML cleaner skips these whole; each rule is a set of names so a new
site's chrome is one word added, not a new branch.

Containers are never dropped for their tag alone: a parser nests everything
after an unclosed `<form>`, `<video>` or `<noscript>` (and after a void
`<embed>`, for lxml) inside it, so dropping the tag would drop the rest of the
chapter. Embedded media become placeholder blocks and their fallback text is
kept; form controls keep their text unless they are a site's own controls.
"""

from __future__ import annotations

import re

from bs4 import Tag

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Not <head> as a whole: lxml moves stray story markup (a <td> after a
# <script>) into it.
# Not <source>, <track>: void in HTML5, but lxml nests what follows them inside.
DROP_TAGS = frozenset({
    "title", "meta", "link", "base", "script", "style", "template", "input", "nav", "param",
})  # fmt: skip
# Embedded media: each becomes a `media` block; what they hold is fallback text.
MEDIA_TAGS = frozenset({"embed", "object", "video", "audio", "iframe", "svg", "canvas"})
# Form controls: their text is kept, unless is_chrome_control says it is the site's.
CONTROL_TAGS = frozenset({"button", "select", "option", "optgroup", "textarea", "label", "legend"})
# Whole-text labels of a site's own buttons (FFN, AO3, forum chrome), compared
# lower-cased with symbols dropped ("Kudos ♥" is "kudos").
CHROME_CONTROL_TEXTS = frozenset({
    "follow/fav", "follow", "favorite", "kudos", "comment", "comments", "share", "reply",
    "review", "subscribe", "bookmark", "mark for later", "dismiss notice", "log in", "login",
    "sign in", "search", "go", "submit", "next chapter", "previous chapter", "entire work",
})  # fmt: skip
# A <select> whose name, id or title says so is chapter navigation.
NAV_SELECT_WORDS = frozenset({"chap", "chapter", "chapters", "nav", "navigation", "jump"})
NOTICE_MAX = 300  # a "please enable JavaScript" notice is short; a swallowed story is not
AD_HOST_WORDS = frozenset({"ads", "adserver", "doubleclick", "googlesyndication", "adnxs"})
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
_NOT_LABEL = re.compile(r"[^\w/]+")
_JAVASCRIPT = re.compile(r"\bjavascript\b", re.I)


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


def _label(text: str) -> str:
    return " ".join(_NOT_LABEL.sub(" ", text).split()).lower()


def is_chrome_control(tag: Tag) -> bool:
    """A site's own control or notice: anything inside a form that submits to
    the site (login, kudos, comments), a button labelled as a site action, a
    chapter-navigation <select>, a short "enable JavaScript" <noscript>.

    A story's own controls, fallback text and an unclosed form's swallowed
    prose are not chrome.
    """
    if tag.name == "noscript":
        text = tag.get_text(" ", strip=True)
        return len(text) <= NOTICE_MAX and bool(_JAVASCRIPT.search(text))
    if tag.find_parent("form", action=True) is not None:
        return True
    if tag.name == "select":
        said = " ".join(str(tag.get(a) or "") for a in ("name", "id", "title")).lower()
        return bool(set(IMG_TOKEN.findall(said)) & NAV_SELECT_WORDS)
    return tag.name == "button" and _label(tag.get_text(" ")) in CHROME_CONTROL_TEXTS


def is_ad_host(host: str) -> bool:
    """An advertising frame's host (ads.example, doubleclick.net)."""
    return bool(set(IMG_TOKEN.findall(host.lower())) & AD_HOST_WORDS)
