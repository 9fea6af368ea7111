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

from crawler.errors import QueryError
from index.query_nodes import (  # noqa: F401  (the tree, re-exported for its users)
    All,
    Any,
    Character,
    Everything,
    Exact,
    Ids,
    Node,
    Not,
    Own,
    Period,
    Phrase,
    Range,
    Relationship,
    Words,
)
from index.querycheck import (
    DATE_FIELDS,
    FIELD_ALIASES,
    FIELD_RE,
    NUMERIC_FIELDS,
    RATINGS,
    check_comparisons,
    check_empty_fields,
    check_field_value,
    check_query,
    check_range_end,
    count_of,
    count_range,
    default_fields,
)

# A free word weighs by where it is found, as AO3's own search weighs it (title^7,
# creators^5, tags, then the rest): title above creators above tags (fandoms,
# characters, relationships, freeform) above the summary and the story text. These
# multiply the index's own field boosts (title 3, characters 2, index/whoosh/schema.py),
# which are fixed when an index is written; these apply at once, with no rebuild.
# tests/test_index_weighting.py holds the order; bench/relevance.py measures it.
FIELD_BOOSTS = {
    "title": 3.0,
    "authors": 3.5,
    "fandoms": 1.75,
    "characters": 1.4,
    "relationships": 1.75,
    "tags": 1.75,
    "summary": 1.25,
}
EXACT_FIELDS = ("site", "status", "complete")  # one keyword each, compared lower-cased
OWN_FIELDS = ("read", "mine")  # the reader's marks and tags, never in the index


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
        while (token := self.peek()) is not None and token in (("op", "AND"), ("op", "ANDNOT")):
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
        if field in NUMERIC_FIELDS:
            return _count(field, text)  # words:1k-10k, words:5000
        if field == "rating" and text.lower() in RATINGS:
            return Phrase(RATINGS[text.lower()], (field,))  # rating:T
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


def _count(field: str, text: str) -> Node:
    """A numeric field's value: one count (5k) or a range of two (300-400, both kept)."""
    check_field_value(field, field, text)  # words:(lots) reaches here unchecked
    rel = re.match(r"[<>]=?|=", text)
    if rel:  # kudos:(>5 OR <2): a comparison inside a group
        return _comparison(field, rel.group(), text[rel.end() :])
    ends = count_range(text)
    if ends is None:
        return _comparison(field, "=", text)
    return Range(field, str(ends[0]), str(ends[1]))


def _comparison(field: str, rel: str, value: str) -> Node:
    value = value.strip('"')
    if field in NUMERIC_FIELDS and value:
        check_field_value(field, field, value)  # ship:words:>: reaches here unchecked
        value = str(count_of(value))  # 1k: 1000
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
    ends = [end.strip() or None for end in (lo, hi)]
    for end in (e for e in ends if e and field in (*DATE_FIELDS, *NUMERIC_FIELDS)):
        check_range_end(field, end)  # [2024-13 TO 2025] is as impossible
    if field in NUMERIC_FIELDS:
        ends = [str(count_of(e)) if e else None for e in ends]  # [1k TO 10k]
    return Range(field, ends[0], ends[1], start_excl, end_excl)


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
    check_empty_fields(text)
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
    if target == "rating":
        value = RATINGS.get(value.lower(), value)  # --rating E: Explicit
    if target in NUMERIC_FIELDS and not value.startswith(("<", ">", "=")):
        return _count(target, value)
    if value.startswith(("<", ">", "=")):
        rel = re.match(r"[<>]=?|=<|=>|=", value).group()
        return _comparison(target, rel, value[len(rel) :])
    if value.startswith('"'):
        node = parse_text(value, (target,), free=False)
        if node is None:
            raise QueryError(f"cannot use --{name} {value!r}: it holds no words")
        return node
    return Phrase(value, (target,))
