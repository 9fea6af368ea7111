"""The query language, parsed to a neutral tree that any search backend compiles.

Free words (all must match), "phrases", OR, AND, NOT/-word, parentheses, and
fields such as character:faye, words:>10000 or updated:[2020 TO 2021]. The
tree says what the reader asked, not how an engine finds it: index/whoosh/
compile.py turns it into Whoosh queries, and a second backend would write its
own compiler for the same tree.

Precedence is Whoosh's, which earlier versions used directly: NOT binds
tightest, then AND, then OR, and words side by side must all match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.errors import QueryError
from index.querycheck import (
    DATE_FIELDS,
    FIELD_ALIASES,
    FIELD_RE,
    check_comparisons,
    check_field_value,
    check_query,
    default_fields,
)

# A free word found in these fields weighs more (the schema's own field boosts apply too).
FIELD_BOOSTS = {"title": 3.0, "characters": 2.0}
EXACT_FIELDS = ("site", "status", "complete")  # one keyword each, compared lower-cased
OWN_FIELDS = ("read", "mine")  # the reader's marks and tags, never in the index


class Node:
    """A node of the neutral query tree."""


@dataclass(frozen=True)
class Words(Node):
    """A word (maybe with * or ? wildcards) looked for in any of `fields`.

    `free` is true for a word the reader typed without a field: it searches the
    default fields, each with its FIELD_BOOSTS weight.
    """

    text: str
    fields: tuple[str, ...]
    free: bool = False


@dataclass(frozen=True)
class Phrase(Node):
    """Words that must stand together, in this order, in any of `fields`."""

    text: str
    fields: tuple[str, ...]
    free: bool = False


@dataclass(frozen=True)
class Range(Node):
    """A field's value between two ends; an end of None is open."""

    field: str
    start: str | None
    end: str | None
    start_excl: bool = False
    end_excl: bool = False


@dataclass(frozen=True)
class Period(Node):
    """A date field within a year, month or day (updated:2024-03)."""

    field: str
    prefix: str


@dataclass(frozen=True)
class Exact(Node):
    """A keyword field holding exactly this value (site:ao3, status:gone)."""

    field: str
    value: str


@dataclass(frozen=True)
class Character(Node):
    """A character as readers name them: a tag's words, its full or short form
    ("Faye V."), and with `in_text` the name in the story text too. `phrase` is
    false for a bare word typed as character:spike (only the tag's words)."""

    name: str
    phrase: bool = True
    in_text: bool = False


@dataclass(frozen=True)
class Relationship(Node):
    """A pairing, written with / (romantic) or & (platonic), in any order."""

    text: str


@dataclass(frozen=True)
class Own(Node):
    """The reader's own layer: read:no, read:dropped, mine:comfort-read. Marks and
    private tags change without reindexing, so the archive resolves this to Ids
    (index/ownquery.py) before a backend sees the tree."""

    field: str  # one of OWN_FIELDS
    value: str


@dataclass(frozen=True)
class Ids(Node):
    """Exactly these works (an empty set matches nothing)."""

    ids: frozenset[str]


@dataclass(frozen=True)
class All(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    child: Node


@dataclass(frozen=True)
class Everything(Node):
    """No query at all: every work (list, or filters alone)."""


# --- tokens --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<phrase>"[^"]*")
      | (?P<open>\()
      | (?P<close>\))
      | (?P<range>[\[{][^\]}]*[\]}])
      | (?P<field>[A-Za-z_]+:)(?=\S)
      | (?P<cmp>(?<=:)(?:[<>]=?|=<|=>|=))
      | (?P<word>[^\s()"]+)""",
    re.X,
)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT"}
_MINUS = re.compile(r'"[^"]*"|(?<!\w)-(?=[\w"(])')
# A pairing in the query, quoted ("holmes & watson") or one word (holmes/watson).
REL_FIELD_RE = re.compile(
    r'(?<![\w"])(?:relationships?|ship|pairing):(?:"([^"]*[/&][^"]*)"|([^\s"()]*[/&][^\s"()]*))',
    re.I,
)


def _normalise(text: str) -> str:
    """Field aliases (character: -> characters:) and -word (NOT word) outside quotes."""
    parts = re.split(r'("[^"]*")', text)
    for i in range(0, len(parts), 2):
        parts[i] = FIELD_RE.sub(lambda m: FIELD_ALIASES[m.group(1).lower()] + ":", parts[i])
    # One pass over the whole text, so `-"a phrase"` sees the quote that follows it.
    return _MINUS.sub(lambda m: m[0] if m[0].startswith('"') else "NOT ", "".join(parts))


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        if kind == "space":
            continue
        value = m.group()
        if kind == "word" and value in _OPERATORS:
            kind = "op"
        out.append((kind, value))
    return out


class _Parser:
    """Recursive descent over the tokens: seq := or+; or := and (OR and)*;
    and := unary (AND unary)*; unary := NOT unary | atom."""

    def __init__(self, tokens: list[tuple[str, str]], fields: tuple[str, ...], free: bool):
        self.tokens = tokens
        self.at = 0
        self.fields = fields
        self.free = free

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def sequence(self, field: str | None = None, closing: bool = False) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None:
            if token[0] == "close":
                if closing:
                    break
                self.take()  # check_query saw balanced parentheses; be forgiving
                continue
            node = self.either(field)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def either(self, field: str | None) -> Node | None:
        left = self.both(field)
        while self.peek() == ("op", "OR"):
            self.take()
            right = self.both(field)
            left = _join(Any, left, right)
        return left

    def both(self, field: str | None) -> Node | None:
        left = self.unary(field)
        while (
            (token := self.peek()) is not None
            and token[0] == "op"
            and token[1]
            in (
                "AND",
                "ANDNOT",
            )
        ):
            self.take()
            right = self.unary(field)
            if token[1] == "ANDNOT" and right is not None:
                right = Not(right)
            left = _join(All, left, right)
        return left

    def unary(self, field: str | None) -> Node | None:
        token = self.peek()
        if token == ("op", "NOT"):
            self.take()
            child = self.unary(field)
            return Not(child) if child is not None else None
        return self.atom(field)

    def atom(self, field: str | None) -> Node | None:
        if self.peek() is None:
            return None
        kind, value = self.take()
        if kind == "op":  # an operator where a word belongs (AND AND): skip it
            return None
        if kind == "open":
            inner = self.sequence(field, closing=True)
            if self.peek() is not None and self.peek()[0] == "close":
                self.take()
            return inner
        if kind == "close":
            return None
        if kind == "field":
            name = value[:-1]
            nxt = self.peek()
            if nxt is not None and nxt[0] == "cmp":
                self.take()
                target = self.take()[1] if self.peek() is not None else ""
                return _comparison(name, nxt[1], target)
            return self.atom(name)
        if kind == "cmp":
            return self.atom(field)
        if kind == "range":
            return _range(field, value) if field else self._words(value.strip("[]{}"), field)
        if kind == "phrase":
            return self._phrase(value[1:-1], field)
        return self._words(value, field)

    def _fields(self, field: str | None) -> tuple[tuple[str, ...], bool]:
        return ((field,), False) if field else (self.fields, self.free)

    def _words(self, text: str, field: str | None) -> Node:
        if field in DATE_FIELDS:
            return Period(field, text)
        if field in EXACT_FIELDS:
            return Exact(field, text.lower())
        if field in OWN_FIELDS:
            return Own(field, text.lower() if field == "read" else text)
        if field == "characters":
            return Character(text, phrase=False)
        fields, free = self._fields(field)
        return Words(text, fields, free)

    def _phrase(self, text: str, field: str | None) -> Node:
        if field == "relationships" and re.search(r"[/&]", text):
            return Relationship(text)
        if field in OWN_FIELDS:
            return self._words(text, field)
        fields, free = self._fields(field)
        return Phrase(text, fields, free)


def _join(kind: type, left: Node | None, right: Node | None) -> Node | None:
    if left is None or right is None:
        return left or right
    children = (*left.children,) if isinstance(left, kind) else (left,)
    return kind((*children, right))


def _comparison(field: str, rel: str, value: str) -> Node:
    value = value.strip('"')
    if rel == "<":
        return Range(field, None, value, end_excl=True)
    if rel == ">":
        return Range(field, value, None, start_excl=True)
    if rel in ("<=", "=<"):
        return Range(field, None, value)
    if rel in (">=", "=>"):
        return Range(field, value, None)
    return Range(field, value, value)


def _range(field: str, text: str) -> Node:
    """[a TO b], {a TO b} (exclusive), [a TO] or [TO b] (open)."""
    start_excl, end_excl = text[0] == "{", text[-1] == "}"
    inner = text[1:-1]
    lo, sep, hi = inner.partition(" TO ")
    if not sep:
        lo, hi = (inner[:-3], "") if inner.endswith(" TO") else (inner, "")
        if inner.startswith("TO "):
            lo, hi = "", inner[3:]
    return Range(field, lo.strip() or None, hi.strip() or None, start_excl, end_excl)


def parse_text(text: str, fields: tuple[str, ...], *, free: bool = True) -> Node | None:
    """One query string (already checked) as a tree; None when it holds nothing."""
    return _Parser(_tokens(_normalise(text)), fields, free).sequence()


def parse_query(
    text: str,
    filters: dict[str, list[str]] | None = None,
    *,
    in_text: bool = False,
    scope: str = "story",
) -> Node:
    """The user's query plus CLI filters (--character NAME …) as one tree."""
    text = (text or "").strip()
    check_query(text)
    check_comparisons(text)
    fields = tuple(default_fields(scope))
    parts: list[Node] = []
    for quoted, bare in REL_FIELD_RE.findall(text):
        parts.append(Relationship(quoted or bare))
    text = REL_FIELD_RE.sub(" ", text).strip()
    if text:
        parsed = parse_text(text, fields)
        if parsed is not None:
            parts.append(parsed)
    for name, values in (filters or {}).items():
        for value in values:
            parts.append(filter_node(name, value, in_text=in_text))
    if not parts:
        return Everything()
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def filter_node(name: str, value: str, *, in_text: bool = False) -> Node:
    """One CLI filter (--fandom X, --words '>5000', --updated 2024-03) as a node."""
    target = FIELD_ALIASES.get(name, name)
    check_query(value)
    check_field_value(name, target, value)
    value = value.strip()
    if target in DATE_FIELDS and not value.startswith(("<", ">", "=")):
        return Period(target, value)  # 2024-03: the whole month
    if target in EXACT_FIELDS:
        return Exact(target, value.lower())
    if target in OWN_FIELDS:
        return Own(target, value.strip('"').lower() if target == "read" else value.strip('"'))
    if target == "characters":
        return Character(value, in_text=in_text)
    if target == "relationships" and re.search(r"[/&]", value):
        return Relationship(value)
    if value.startswith(("<", ">", "=")):
        rel = re.match(r"[<>]=?|=<|=>|=", value).group()
        return _comparison(target, rel, value[len(rel) :])
    if value.startswith('"'):
        node = parse_text(value, (target,), free=False)
        if node is None:
            raise QueryError(f"cannot use --{name} {value!r}: it holds no words")
        return node
    return Phrase(value, (target,))
