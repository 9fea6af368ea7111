"""Threadmarked posts on a XenForo reader-mode or thread page, and each post's body alone.

A post is `article.message--post` (XenForo 2) or `li.message` (XenForo 1); a
threadmarked one carries a `span.threadmarkLabel` (or XF1's `.threadmarker`).
Only the body is story: `.bbWrapper` in `article.message-body` (XF2),
`blockquote.messageText` (XF1). In it, XenForo's own furniture goes ("Click to
expand...", a quote's "X said:" line), quotes become plain `<blockquote>`s,
spoiler boxes are opened with their title kept as a line of text, lazy images
get their real address and smilies become their text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from crawler.sites.base import inner_html, text_of
from crawler.sites.xenforo_page import iso_date, stamp_of

# Inside a post body: XenForo's own words and buttons, never the author's.
BODY_FURNITURE = (
    ".bbCodeBlock-expandLink",
    ".bbCodeBlock-shrinkLink",
    ".js-selectToQuoteEnd",
    ".quoteExpand",
    ".messageTextEndMarker",
    ".message-signature",
    ".signature",
    "script",
    "noscript",  # a lazy image's second copy, for browsers without scripts
)
_XF2_POST = "article.message--post"
_XF1_POST = "li.message[id^='post-']"
_LABEL_LEAD = re.compile(r"^\s*Threadmarks?\s*:\s*", re.I)


@dataclass(frozen=True)
class Post:
    """One threadmarked post: its label, who wrote it and when, and its body HTML."""

    post_id: str
    label: str
    author: str
    stamp: int | None
    date: str | None
    html: str


def threadmarked_posts(doc, base: str) -> list[Post]:
    """The page's threadmarked posts in page order; readers' replies are not story."""
    found = []
    for tag in doc.select(_XF2_POST) or doc.select(_XF1_POST):
        label = _label(tag)
        if label is None:
            continue
        body = _body(tag)
        if body is None:
            continue
        when = tag.select_one(
            ".message-attribution-main time, .message-attribution time, "
            "a.datePermalink .DateTime, .messageMeta .DateTime, time"
        )
        found.append(
            Post(
                post_id=_post_id(tag),
                label=label,
                author=str(tag.get("data-author") or "").strip()
                or text_of(tag.select_one(".message-name a.username, a.username")),
                stamp=stamp_of(when),
                date=iso_date(when),
                html=clean_body(body, base),
            )
        )
    return found


def _post_id(tag: Tag) -> str:
    for value in (tag.get("data-content"), tag.get("id")):
        if value and (m := re.search(r"post-(\d+)$", str(value))):
            return m.group(1)
    return ""


def _label(tag: Tag) -> str | None:
    """The threadmark's label, or None for a post without a threadmark."""
    label = tag.select_one(".threadmarkLabel")
    if label is None:
        marker = tag.select_one(".threadmarker .label")
        if marker is None:
            return None
        return _LABEL_LEAD.sub("", text_of(marker))
    return text_of(label)


def _body(tag: Tag) -> Tag | None:
    return (
        tag.select_one("article.message-body .bbWrapper")
        or tag.select_one(".message-userContent .bbWrapper")
        or tag.select_one("article.message-body")
        or tag.select_one("blockquote.messageText")
        or tag.select_one(".messageContent blockquote")
    )


def clean_body(body: Tag, base: str) -> str:
    """The post body's HTML with the forum's own furniture taken out and boxes opened."""
    body = copy.copy(body)
    maker = BeautifulSoup("", "lxml")
    for node in body.select(", ".join(BODY_FURNITURE)):
        node.decompose()
    for node in body.select(".bbCodeSpoiler, .bbCodeSpoilerContainer, .ToggleTriggerAnchor"):
        _open_spoiler(node, maker)
    for node in body.select(".bbCodeInlineSpoiler"):
        node.unwrap()
    for node in body.select("blockquote.bbCodeBlock--quote, div.bbCodeQuote"):
        _plain_quote(node, maker)
    for node in body.select(".bbCodeBlock--unfurl"):
        _unfurl(node, maker)
    for img in body.select("img"):
        _image(img, base)
    return inner_html(body)


def _open_spoiler(node: Tag, maker: BeautifulSoup) -> None:
    """A spoiler box becomes its title, as a line of its own, then its text."""
    if node.parent is None:
        return  # inside a spoiler already opened
    title_tag = node.select_one(".bbCodeSpoiler-button-title, .SpoilerTitle")
    button = node.select_one(".bbCodeSpoiler-button, button")
    title = text_of(title_tag) or text_of(button) or "Spoiler"
    if title_tag is not None and not title.lower().startswith("spoiler"):
        title = f"Spoiler: {title}"
    content = node.select_one(
        ".bbCodeSpoiler-content .bbCodeBlock-content, .bbCodeSpoiler-content, "
        ".SpoilerTarget, .bbCodeSpoilerText"
    )
    box = maker.new_tag("div")
    heading = maker.new_tag("p")
    strong = maker.new_tag("strong")
    strong.string = title
    heading.append(strong)
    box.append(heading)
    if content is not None:
        for child in list(content.contents):
            box.append(child.extract())
    node.replace_with(box)


def _plain_quote(node: Tag, maker: BeautifulSoup) -> None:
    """A quote box without its "X said:" line and expand buttons: a plain blockquote."""
    if node.parent is None:
        return
    for title in node.select(".bbCodeBlock-title, .attribution"):
        title.decompose()
    content = node.select_one(".bbCodeBlock-expandContent, .bbCodeBlock-content, .quote")
    quote = maker.new_tag("blockquote")
    for child in list((content or node).contents):
        quote.append(child.extract())
    node.replace_with(quote)


def _unfurl(node: Tag, maker: BeautifulSoup) -> None:
    """A link preview card: the address the author pasted."""
    url = str(node.get("data-url") or "")
    if not url:
        node.decompose()
        return
    line = maker.new_tag("p")
    link = maker.new_tag("a", href=url)
    link.string = url
    line.append(link)
    node.replace_with(line)


def _image(img: Tag, base: str) -> None:
    classes = set(img.get("class") or [])
    if "smilie" in classes or "smilie--emoji" in classes:
        img.replace_with(str(img.get("alt") or ""))
        return
    real = img.get("data-src") or img.get("data-url")
    if real and (str(img.get("src") or "").startswith("data:") or "lazyload" in classes):
        img["src"] = real
    if img.get("src"):
        img["src"] = urljoin(base, str(img["src"]))
