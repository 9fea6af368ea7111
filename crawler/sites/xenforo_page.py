"""What every XenForo page says about its thread, in XenForo 1 and XenForo 2 markup.

The thread's head (title without its prefixes, the thread starter, tags, the
forums it sits in), dates and word counts as the forum writes them, and the
pages that are not the thread at all: a login wall, "no permission", "not found".
The threadmarks index is read by crawler.sites.xenforo_index, posts by
crawler.sites.xenforo_posts; the adapter (crawler.sites.xenforo) puts them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from crawler.errors import Gone, LoginRequired
from crawler.models import FetchedPage
from crawler.sites.base import text_of

# Thread prefixes and bracketed title words that say how far the story is.
COMPLETE_WORDS = frozenset({"complete", "completed", "finished", "done", "complete story"})
UNFINISHED_WORDS = frozenset(
    {"incomplete", "ongoing", "in progress", "wip", "hiatus", "on hiatus", "abandoned",
     "dead", "discontinued", "cancelled", "canceled", "paused", "stalled"}
)  # fmt: skip
# A forum whose name has one of these words holds stories of every kind, so its name
# is no fandom (SpaceBattles' "Creative Writing", Sufficient Velocity's "User Fiction").
GENERIC_FORUM_WORDS = frozenset(
    {"writing", "fiction", "fics", "fanfiction", "quest", "quests", "archive", "archives",
     "story", "stories", "omake", "roleplay", "roleplaying", "history", "original", "works",
     "nsfw", "general", "discussion", "forums", "prompts", "snippets", "creative"}
)  # fmt: skip
_BRACKETED = re.compile(r"^\s*[\[(]([^\])]{1,40})[\])]\s*|\s*[\[(]([^\])]{1,40})[\])]\s*$")
_WORDS = re.compile(r"([\d][\d,]*(?:\.\d+)?)\s*([kKmM]?)")
_SHOWN = ("%b %d, %Y at %I:%M %p", "%b %d, %Y")
_NOT_FOUND = ("could not be found", "was not found", "no longer exists", "has been deleted")
_LOGIN = ("must be logged-in", "must be logged in", "log in or register", "members only")
_NO_PERMISSION = "do not have permission"


def is_xf1(doc) -> bool:
    """XenForo 1 pages are `<html id="XenForo">`, XenForo 2 ones `<html id="XF">`."""
    html = doc.find("html")
    return bool(html is not None and html.get("id") == "XenForo") or bool(
        doc.select_one("li.threadmarkListItem, li.message[id^='post-'], #pageDescription")
    )


def base_href(doc, page: FetchedPage) -> str:
    """What relative links resolve against: XenForo 1 writes `<base href>` on every page."""
    here = page.final_url or page.url
    base = doc.select_one("head base[href]")
    return urljoin(here, base["href"]) if base is not None else here


def count_words(text: str | None) -> int | None:
    """XenForo's word counts: "822", "1,815", "2.2k", "110k", "1.3m"."""
    m = _WORDS.search(text or "")
    if m is None:
        return None
    number = float(m.group(1).replace(",", ""))
    scale = {"k": 1_000, "m": 1_000_000}.get(m.group(2).lower(), 1)
    return int(round(number * scale))


def stamp_of(tag) -> int | None:
    """Epoch seconds of a XenForo date: `data-time` (XF2, XF1 abbr), else the title."""
    if tag is None:
        return None
    for attr in ("data-time", "data-content-date", "unixtime"):
        value = str(tag.get(attr) or "")
        if value.isdigit() and len(value) >= 9:  # an anonymised "222" is not a date
            return int(value)
    shown = str(tag.get("title") or text_of(tag))
    for fmt in _SHOWN:
        try:
            return int(datetime.strptime(shown, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    return None


def iso_date(tag) -> str | None:
    """The day a XenForo date element shows: its `datetime` as written, else its stamp."""
    if tag is None:
        return None
    written = str(tag.get("datetime") or "")
    if re.match(r"^\d{4}-\d{2}-\d{2}", written):
        return written[:10]
    stamp = stamp_of(tag)
    return datetime.fromtimestamp(stamp, UTC).date().isoformat() if stamp else None


def day_of(stamp: int | None) -> str | None:
    return datetime.fromtimestamp(stamp, UTC).date().isoformat() if stamp else None


def status_word(text: str) -> str | None:
    """ "complete" or "in_progress" for a word that says so, else None."""
    word = " ".join(text.lower().replace("-", " ").split()).strip(" .:!")
    if word in COMPLETE_WORDS:
        return "complete"
    if word in UNFINISHED_WORDS:
        return "in_progress"
    return None


def is_generic_forum(name: str) -> bool:
    return bool(set(re.findall(r"[a-z]+", name.lower())) & GENERIC_FORUM_WORDS)


@dataclass
class ThreadHead:
    """The thread as the top of any of its pages shows it."""

    title: str = ""
    prefixes: list[str] = field(default_factory=list)
    status: str | None = None  # from a prefix or a bracketed title word
    author: str = ""
    tags: list[str] = field(default_factory=list)
    forums: list[str] = field(default_factory=list)
    started: str | None = None

    @property
    def fandoms(self) -> list[str]:
        """The thread's own forum, where its name is a fandom ("Worm"), not a kind of story."""
        return [self.forums[-1]] if self.forums and not is_generic_forum(self.forums[-1]) else []


def thread_head(doc, site_name: str = "") -> ThreadHead:
    """Title, prefixes, thread starter, tags and forums from a XF1 or XF2 page."""
    head = ThreadHead()
    h1 = doc.select_one("h1.p-title-value, .titleBar h1, h1.threadmarkListingHeader-name")
    labels = doc.select(
        "h1.p-title-value .label, .p-description .labelLink .label, .titleBar h1 .prefix"
    )
    head.prefixes = [text_of(tag) for tag in labels if text_of(tag)]
    title = _title_text(h1)
    title = re.sub(r"^Threadmarks for:\s*|\s+-\s+Threadmarks$", "", title)
    if site_name and title.lower() == site_name.lower():
        title = ""  # a bare rows page (SV's threadmarks-load-range) carries only the site's name
    head.title, bracketed = _strip_brackets(title)
    for word in head.prefixes + bracketed:
        head.status = status_word(word) or head.status
    head.prefixes = [p for p in head.prefixes if status_word(p) is None]
    starter = doc.select_one(".p-description a.username, #pageDescription a.username")
    head.author = text_of(starter)
    head.tags = _unique(text_of(a) for a in doc.select(".tagList a.tagItem, ul.tagList a.tag"))
    head.forums = _unique(
        text_of(a)
        for a in doc.select(
            ".p-breadcrumbs a[href*='forums/'], .breadcrumb a.crumb[href*='forums/']"
        )
        if text_of(a)
    )
    started = doc.select_one(".p-description time, #pageDescription .DateTime")
    head.started = iso_date(started)
    return head


def _title_text(h1) -> str:
    if h1 is None:
        return ""
    parts = []
    for node in h1.descendants:
        if isinstance(node, str) and not _inside_label(node, h1):
            parts.append(str(node))
    return " ".join("".join(parts).split())


def _inside_label(node, h1) -> bool:
    """Prefix labels, their spacer and icons (the SV RSS link) are not the title."""
    for parent in node.parents:
        if parent is h1:
            return False
        classes = set(parent.get("class") or [])
        if classes & {"label", "labelLink", "label-append", "prefix", "block--threadmark-control"}:
            return True
    return False


def _strip_brackets(title: str) -> tuple[str, list[str]]:
    """ "[Complete] Title" -> ("Title", ["Complete"]): only words that say a status go."""
    found = []
    while True:
        m = _BRACKETED.search(title)
        word = (m.group(1) or m.group(2)) if m else None
        if m is None or word is None or status_word(word) is None:
            return title.strip(), found
        found.append(word)
        title = title[: m.start()] + " " + title[m.end() :]
        title = " ".join(title.split())


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def refuse(doc, page: FetchedPage, work_id: str) -> None:
    """Raise Gone or LoginRequired for XenForo's own "not the thread" pages; never log in."""
    url = page.final_url or page.url
    template = str((doc.find("html") or {}).get("data-template") or "")
    message = text_of(
        doc.select_one(".blockMessage, .p-body-pageContent, .errorOverlay, .errorPanel, #content")
    ).lower()[:1000]
    if page.status in (404, 410) or (template == "error" and any(s in message for s in _NOT_FOUND)):
        raise Gone(f"{work_id} is gone upstream (HTTP {page.status})", url, page.status)
    login_form = doc.select_one("form[action*='login/login']:not(#login)") is not None
    members_only = (
        template == "login"
        or login_form
        or any(s in message for s in _LOGIN)
        or _NO_PERMISSION in message
        or urlsplit(url).path.rstrip("/").endswith("/login")
    )
    if members_only or page.status in (401, 403):
        raise LoginRequired(
            f"{work_id} is open to the forum's members only (ficarchive never logs in)",
            url,
            page.status,
        )
