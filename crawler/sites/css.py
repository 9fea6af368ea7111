"""CSS selection for the selectors adapters use, ten times cheaper than soupsieve.

Soupsieve (bs4's `select`) matches every element of the tree against a general
selector machine: an AO3 work page's thirty lookups cost about 11 ms, a third of
a crawled work's CPU (issue 19). The selectors our adapters write are simple:
compounds of a type, an #id, .classes and [attr], [attr=v], [attr~=v],
[attr*=v], [attr^=v], [attr$=v], joined by descendant (space) or child (>)
combinators, in comma lists. Those compile here into plain tests run over
bs4's own tree, right to left, with soupsieve's meaning: matches are the root's
descendants in document order, ancestors may lie above the root, and the
attributes HTML says are case-insensitive (rel, type, …) compare so. Anything
else (pseudo-classes, namespaces, quoting we do not read) goes to soupsieve
itself, so `select` always answers; tests/test_sites_css.py checks every
selector the adapters use against soupsieve on the saved pages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bs4 import Tag

# soupsieve's list (css_parser.HTML_CASE_INSENSITIVE_ATTRIBUTES), from the HTML spec.
_INSENSITIVE = frozenset(
    "accept accept-charset align alink axis bgcolor charset checked clear codetype color "
    "compact declare defer dir direction disabled enctype face frame hreflang http-equiv "
    "lang language link media method multiple nohref noresize noshade nowrap readonly rel "
    "rev rules scope scrolling selected shape target text type valign valuetype vlink".split()
)
_IDENT = r"-?[_a-zA-Z][\w-]*"
_ATTR = re.compile(
    rf"\[\s*({_IDENT})\s*(?:([~*^$]?=)\s*(?:\"([^\"\\]*)\"|'([^'\\]*)'|({_IDENT}|\d+)))?\s*\]"
)
_PART = re.compile(rf"({_IDENT})|#({_IDENT})|\.({_IDENT})")
_COMBINATOR = re.compile(r"\s*>\s*|\s+")
_COMPOUND = re.compile(r"(?:[^\s>\[]|\[[^\]]*\])+")

Test = Callable[[Tag], bool]


@dataclass(frozen=True)
class _Compound:
    name: str | None
    test: Test


@dataclass(frozen=True)
class _Selector:
    """One comma-free selector: compounds left to right, each with the combinator
    that joins it to the compound on its right (' ' or '>')."""

    compounds: tuple[_Compound, ...]
    combinators: tuple[str, ...]


class _Unsupported(ValueError):
    pass


def _attr_test(name: str, op: str | None, value: str | None) -> Test:
    name = name.lower()
    folded = name in _INSENSITIVE
    if op is None:
        return lambda tag: name in tag.attrs
    assert value is not None
    want = value.lower() if folded else value

    def seen(tag: Tag) -> str | None:
        got = tag.attrs.get(name)
        if got is None:
            return None
        got = " ".join(got) if isinstance(got, list) else str(got)
        return got.lower() if folded else got

    if op == "=":
        return lambda tag: seen(tag) == want
    if op == "~=":
        return lambda tag: (v := seen(tag)) is not None and want in v.split() and bool(want)
    if not want:  # [a*=""], [a^=""], [a$=""] match nothing (Selectors Level 4)
        return lambda tag: False
    if op == "*=":
        return lambda tag: (v := seen(tag)) is not None and want in v
    if op == "^=":
        return lambda tag: (v := seen(tag)) is not None and v.startswith(want)
    return lambda tag: (v := seen(tag)) is not None and v.endswith(want)


def _compound(text: str) -> _Compound:
    name, ids, classes, attrs, at = None, [], [], [], 0
    while at < len(text):
        if text[at] == "[":
            m = _ATTR.match(text, at)
            if m is None:
                raise _Unsupported(text)
            value = next((v for v in (m[3], m[4], m[5]) if v is not None), None)
            attrs.append(_attr_test(m[1], m[2], value))
        else:
            m = _PART.match(text, at)
            if m is None or (m[1] and at):
                raise _Unsupported(text)
            if m[1]:
                name = m[1].lower()
            elif m[2]:
                ids.append(m[2])
            else:
                classes.append(m[3])
        at = m.end()

    def test(tag: Tag) -> bool:
        if name is not None and tag.name != name and tag.name.lower() != name:
            return False
        if ids and any(tag.attrs.get("id") != i for i in ids):
            return False
        if classes:
            have = tag.attrs.get("class") or ()
            if isinstance(have, str):
                have = have.split()
            if any(c not in have for c in classes):
                return False
        return all(a(tag) for a in attrs)

    return _Compound(name, test)


def _parse(selector: str) -> _Selector:
    compounds, combinators, at = [], [], 0
    text = selector.strip()
    if not text:
        raise _Unsupported(selector)
    while True:
        m = _COMPOUND.match(text, at)
        if m is None:
            raise _Unsupported(selector)
        compounds.append(_compound(m.group()))
        at = m.end()
        if at == len(text):
            return _Selector(tuple(compounds), tuple(combinators))
        c = _COMBINATOR.match(text, at)
        if c is None or c.end() == len(text):
            raise _Unsupported(selector)
        combinators.append(">" if ">" in c.group() else " ")
        at = c.end()


@functools.lru_cache(maxsize=512)
def _compiled(selectors: str) -> tuple[_Selector, ...] | None:
    """The selector list compiled, or None when soupsieve must read it."""
    try:
        return tuple(_parse(part) for part in selectors.split(","))
    except _Unsupported:
        return None


def _matches(tag: Tag, sel: _Selector) -> bool:
    """The rightmost compound matched `tag`: do its ancestors match the rest?"""
    node: Tag | None = tag
    for compound, combinator in zip(
        reversed(sel.compounds[:-1]), reversed(sel.combinators), strict=True
    ):
        node = node.parent if node is not None else None
        if combinator == ">":
            if node is None or node.name == "[document]" or not compound.test(node):
                return False
            continue
        while node is not None and node.name != "[document]" and not compound.test(node):
            node = node.parent
        if node is None or node.name == "[document]":
            return False
    return True


def _iselect(root: Tag, compiled: tuple[_Selector, ...]) -> Iterator[Tag]:
    names = {sel.compounds[-1].name for sel in compiled}
    only = names.pop() if len(names) == 1 else None
    for node in root.descendants:
        if not isinstance(node, Tag):
            continue
        if only is not None and node.name != only and node.name.lower() != only:
            continue
        for sel in compiled:
            if sel.compounds[-1].test(node) and _matches(node, sel):
                yield node
                break


def select(root: Tag, selectors: str) -> list[Tag]:
    """`root.select(selectors)`, the same elements in the same order."""
    compiled = _compiled(selectors)
    if compiled is None:
        return list(root.select(selectors))
    return list(_iselect(root, compiled))


def select_one(root: Tag, selectors: str) -> Tag | None:
    """`root.select_one(selectors)`: the first element `select` would give."""
    compiled = _compiled(selectors)
    if compiled is None:
        return root.select_one(selectors)
    return next(_iselect(root, compiled), None)
