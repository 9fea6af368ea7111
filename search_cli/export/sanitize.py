"""An allowlist for the markup an HTML or EPUB export writes.

Story text comes from strangers. The format builders escape it, and this pass is the
gate after them: an element not on the list is unwrapped (its text kept) or, when it
runs code, embeds or fetches something, dropped with its content; an attribute not on
the list is dropped, event handlers and inline styles included; a link keeps its href
only when it is http(s), mailto or a fragment on the page. Nothing that survives can run a
script or make a request when the file is opened.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
        "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "ins", "li", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
# Dropped with everything inside: they run code, embed or fetch, or are not text.
DROPPED_TAGS = frozenset(
    {
        "applet", "audio", "base", "button", "canvas", "embed", "form", "frame", "frameset",
        "iframe", "image", "img", "input", "link", "math", "meta", "noscript", "object",
        "picture", "portal", "script", "select", "source", "style", "svg", "template",
        "textarea", "track", "video",
    }
)  # fmt: skip
VOID_TAGS = frozenset({"br", "hr"})
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "lang", "title", "role", "dir"})
TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Browsers skip these inside a URL scheme, so "java\tscript:" still runs.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(value: str) -> str | None:
    """The href when it is an http(s) or mailto link or a #fragment; None for anything else."""
    compact = _URL_NOISE.sub("", value)
    if compact.startswith("#"):
        return value
    try:
        scheme = urlsplit(compact).scheme.lower()
    except ValueError:
        return None
    if scheme == "mailto":  # opens a mail window when clicked; never fetches anything
        return value if compact[len("mailto:") :] else None
    return value if scheme in ("http", "https") and urlsplit(compact).netloc else None


def _local(tag: str) -> str:
    # Not etree.QName: the HTML parser lets through names it would reject ("b<").
    return tag.rsplit("}", 1)[-1].lower()


def _clean_attributes(el: etree._Element, tag: str) -> None:
    allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
    for key in list(el.attrib):
        if key == XML_LANG:
            continue
        name = key.lower()  # a namespaced key ("{…}href") is never on the list
        keep = name in allowed
        if keep and name == "href":
            keep = safe_href(el.attrib[key]) is not None
        if not keep:
            del el.attrib[key]


def _drop(el: etree._Element) -> None:
    """Remove el and its content, keeping the text that followed it."""
    parent = el.getparent()
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    """Replace el by its children and text (for harmless tags not on the list)."""
    parent = el.getparent()
    index = parent.index(el)
    children = list(el)
    text, tail = el.text or "", el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif prev is not None:
        prev.tail += tail
    else:
        parent.text += tail
    parent.remove(el)


def _clean(parent: etree._Element) -> None:
    for el in list(parent):
        if not isinstance(el.tag, str):  # comments and processing instructions
            _drop(el)
            continue
        name = _local(el.tag)
        if name in DROPPED_TAGS:
            _drop(el)
            continue
        _clean(el)
        if name not in ALLOWED_TAGS:
            _unwrap(el)
            continue
        el.tag = name  # no namespaces: the fragment lands inside the page's own
        _clean_attributes(el, name)
        if name not in VOID_TAGS and el.text is None and len(el) == 0:
            el.text = ""  # serialise <p></p>, never <p/>: HTML reads "<p/>" as an open <p>


def _parse(fragment: str) -> etree._Element:
    try:
        return etree.fromstring(f"<div>{fragment}</div>", etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        # Not XHTML (hand-written or pasted markup): read it the way a browser would.
        return lxml.html.fragment_fromstring(fragment or "", create_parent="div")


def sanitize_fragment(fragment: str) -> str:
    """XHTML for a page body with only allowlisted tags, attributes and links left."""
    root = _parse(fragment)
    _clean(root)
    etree.cleanup_namespaces(root)
    parts = [escape(root.text, quote=False)] if root.text else []
    parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in root]
    return "".join(parts)
