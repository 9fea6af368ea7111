"""The query language: free words (all must match), "phrases", OR, NOT/-word,
parentheses, and fields such as character:faye or words:>10000.

Whoosh's parser forgives almost anything; a user deserves to hear that a
query is malformed, so the obvious mistakes are caught first, in one line.
"""

from __future__ import annotations

import re

from whoosh import qparser
from whoosh.query import And, Every, Or, Phrase, Prefix, Query, Term

from crawler.errors import QueryError
from index.names import name_keys, query_relationship_keys

# What a user may type before a colon, and the index field it means.
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "character": "characters",
    "characters": "characters",
    "char": "characters",
    "relationship": "relationships",
    "relationships": "relationships",
    "ship": "relationships",
    "pairing": "relationships",
    "tag": "tags",
    "tags": "tags",
    "freeform": "tags",
    "rating": "rating",
    "warning": "warnings",
    "warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "lang": "language",
    "language": "language",
    "series": "series",
    "site": "site",
    "status": "status",
    "complete": "complete",
    "summary": "summary",
    "body": "body",
    "text": "body",
    "notes": "notes",
    "note": "notes",
    "words": "words",
    "chapters": "chapters",
    "kudos": "kudos",
    "hits": "hits",
    "published": "published",
    "updated": "updated",
    "chapter_title": "chapter_title",
}
DEFAULT_FIELDS = [
    "title",
    "body",
    "summary",
    "authors",
    "characters",
    "relationships",
    "fandoms",
    "tags",
]
# Where free words and phrases look: the story (default), the author notes only,
# or both. Notes are kept apart so "A/N: thanks for reading" never ranks a story.
SCOPES = ("story", "notes", "all")


def default_fields(scope: str = "story") -> list[str]:
    if scope not in SCOPES:
        raise QueryError(f"--in {scope!r} is not one of: {', '.join(SCOPES)}")
    if scope == "notes":
        return ["notes"]
    return DEFAULT_FIELDS + (["notes"] if scope == "all" else [])


FIELD_RE = re.compile(r"(?<![\w\"])([A-Za-z_]+):")
MAX_QUERY_CHARS = 10_000


def check_query(text: str) -> None:
    """Reject a malformed query before any index is opened, naming what to fix."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    if text.count('"') % 2:
        raise QueryError('unbalanced quote in the query: close the "phrase"')
    outside = re.sub(r'"[^"]*"', " ", text)
    depth = 0
    for ch in outside:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError("unbalanced parentheses in the query: a ')' has no '('")
    if depth:
        raise QueryError("unbalanced parentheses in the query: a '(' is never closed")
    _check_field_values(text)
    for name in FIELD_RE.findall(outside):
        if name.lower() not in FIELD_ALIASES:
            known = ", ".join(sorted({k for k in FIELD_ALIASES if len(k) > 3}))
            raise QueryError(f"unknown field {name!r} in the query; known fields: {known}")
    tokens = re.sub(r'"[^"]*"', ' "" ', text).split()  # a phrase is a word here
    # Operators are upper case only (as Whoosh reads them): "rock and" is two words.
    if tokens and tokens[-1] in ("AND", "OR", "NOT"):
        raise QueryError(f"the query ends with {tokens[-1]!r}: say what it applies to")
    if tokens and tokens[0] in ("AND", "OR"):
        raise QueryError(f"the query starts with {tokens[0]!r}: put a word before it")
    for word in tokens:
        bare = word.strip("()")
        if "*" in bare or "?" in bare:
            stem = re.sub(r"^\w+:", "", bare).replace("*", "").replace("?", "")
            if len(stem) < 2:
                raise QueryError(
                    f"the wildcard {bare!r} would match nearly everything; give at least two letters"
                )


def _normalise_fields(text: str) -> str:
    """Rewrite field aliases (character: -> characters:) and -word (NOT word) outside quotes."""
    parts = re.split(r'("[^"]*")', text)
    for i in range(0, len(parts), 2):
        parts[i] = FIELD_RE.sub(lambda m: FIELD_ALIASES[m.group(1).lower()] + ":", parts[i])
    # One pass over the whole text, so `-"a phrase"` sees the quote that follows it.
    return _MINUS.sub(lambda m: m[0] if m[0].startswith('"') else "NOT ", "".join(parts))


_MINUS = re.compile(r'"[^"]*"|(?<!\w)-(?=[\w"(])')


def make_parser(schema, scope: str = "story") -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        default_fields(scope),
        schema,
        fieldboosts={"title": 3.0, "characters": 2.0},
        group=qparser.AndGroup,
    )
    parser.add_plugin(qparser.GtLtPlugin())
    parser.remove_plugin_class(qparser.FuzzyTermPlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    return parser


REL_FIELD_RE = re.compile(r'(?<![\w"])(?:relationships?|ship|pairing):"([^"]*[/&][^"]*)"', re.I)


def _relationship_query(value: str) -> Query | None:
    keys = query_relationship_keys(value)
    if keys is None:
        return None
    return (
        Or([Term("relationship_keys", k) for k in keys])
        if len(keys) > 1
        else Term("relationship_keys", keys[0])
    )


def _character_query(value: str, schema, in_text: bool) -> Query:
    """A name matches its tag words, its full or short key ("faye v"), or (asked) the text."""
    sub = qparser.QueryParser("characters", schema, group=qparser.AndGroup)
    options = [sub.parse(f'"{value}"')]
    options += [Term("character_keys", k) for k in name_keys(value)]
    if in_text:
        options.append(qparser.QueryParser("body", schema).parse(f'"{value}"'))
    return Or(options)


def parse_query(
    text: str,
    schema,
    filters: dict[str, list[str]] | None = None,
    *,
    pairs: bool = True,
    in_text: bool = False,
    scope: str = "story",
) -> Query:
    """Parse the user's query plus CLI filters (--character NAME …) into one Whoosh query."""
    text = (text or "").strip()
    check_query(text)
    parser = make_parser(schema, scope)
    parts: list[Query] = []
    extracted: list[Query] = []

    def pull_relationship(m: re.Match) -> str:
        rel = _relationship_query(m.group(1))
        if rel is None:
            return m.group(0)
        extracted.append(rel)
        return " "

    text = REL_FIELD_RE.sub(pull_relationship, text).strip()
    parts += extracted
    if text:
        try:
            parsed = parser.parse(_normalise_fields(text))
        except Exception as exc:  # whoosh raises many types on odd input
            raise QueryError(f"cannot parse the query {text!r}: {exc}") from None
        parts.append(parsed.accept(_characters_as_readers_say).accept(_dates_as_periods))
    for field, values in (filters or {}).items():
        target = FIELD_ALIASES.get(field, field)
        for value in values:
            check_query(value)
            check_field_value(field, target, value)
            if target in DATE_FIELDS and not value.startswith(("<", ">", "=")):
                parts.append(Prefix(target, value.strip()))  # 2024-03: the whole month
                continue
            if target in ("site", "status", "complete"):
                parts.append(Term(target, value.lower()))
                continue
            if target == "characters":
                parts.append(_character_query(value, schema, in_text))
                continue
            if target == "relationships" and (rel := _relationship_query(value)) is not None:
                parts.append(rel)
                continue
            sub = qparser.QueryParser(target, schema, group=qparser.AndGroup)
            sub.add_plugin(qparser.GtLtPlugin())
            if value.startswith(("<", ">", "=")):
                text_value = f"{target}:{value}"  # the comparison syntax needs its field
            elif value.startswith('"'):
                text_value = value
            else:
                text_value = f'"{value}"'
            try:
                parts.append(sub.parse(text_value))
            except Exception as exc:
                raise QueryError(f"cannot use --{field} {value!r}: {exc}") from None
    if not parts:
        return Every()
    query = parts[0] if len(parts) == 1 else And(parts)
    return with_pairs(query, schema) if pairs else query


NUMERIC_FIELDS = ("words", "chapters", "kudos", "hits")
DATE_FIELDS = ("updated", "published")
CHOICES = {"status": ("complete", "in_progress", "gone"), "complete": ("yes", "no")}
_NUMBER = re.compile(r"(?:[<>]=?|=)?\d+")
_DATE = re.compile(r"(?:[<>]=?|=)?\d{4}(?:-\d{2}(?:-\d{2})?)?")
_FIELD_VALUE = re.compile(r'(?<![\w"])([A-Za-z_]+):((?:[<>]=?|=)?[^\s()"]*)')


def check_field_value(name: str, target: str, value: str) -> None:
    """A value a field can never hold is a mistake to report, not a search for nothing."""
    value = value.strip()
    if target in NUMERIC_FIELDS and not _NUMBER.fullmatch(value):
        raise QueryError(f"{name}: {value!r} is not a number or a comparison like '>10000'")
    if target in DATE_FIELDS and not _DATE.fullmatch(value):
        raise QueryError(f"{name}: {value!r} is not a date like 2024, 2024-03 or '>=2020-01-15'")
    if target in CHOICES and value.lower() not in CHOICES[target]:
        raise QueryError(f"{name}: {value!r} is not one of: {', '.join(CHOICES[target])}")


def _check_field_values(text: str) -> None:
    outside = re.sub(r'"[^"]*"', " ", text)
    for name, value in _FIELD_VALUE.findall(outside):
        target = FIELD_ALIASES.get(name.lower())
        if target and value and not value.startswith(("[", "{")):  # ranges: Whoosh's syntax
            check_field_value(name, target, value)


def _dates_as_periods(node: Query) -> Query:
    """updated:2024-03 means the whole month (dates are stored as 2024-03-16)."""
    if isinstance(node, Term) and node.fieldname in DATE_FIELDS:
        return Prefix(node.fieldname, str(node.text))
    return node


def _characters_as_readers_say(node: Query) -> Query:
    """character:"faye valentine" also finds "Faye V." (and the other way round)."""
    if isinstance(node, Phrase) and node.fieldname == "characters":
        words = list(node.words)
        keys = [" ".join(words)] + ([f"{words[0]} {words[-1][0]}"] if len(words) > 1 else [])
        return Or([node, *(Term("character_keys", k) for k in dict.fromkeys(keys))])
    return node


def with_pairs(query: Query, schema) -> Query:
    """Rewrite exact phrases to the pair terms indexed for them (a term is found at
    once; a phrase makes Whoosh check word positions document by document)."""
    body = schema["body_pairs"].analyzer if "body_pairs" in schema else None
    meta = "meta_pairs" in schema
    if body is None and not meta:
        return query
    from index.indexer import COMMON_WORDS, META_PAIR_FIELDS, common_pairs, meta_pair

    common = getattr(body, "common", COMMON_WORDS)

    def rewrite(node: Query) -> Query:
        if not isinstance(node, Phrase) or node.slop != 1 or len(node.words) < 2:
            return node
        words = list(node.words)
        if node.fieldname == "body" and body is not None:
            terms = [Term("body_pairs", p) for p in common_pairs(words, common)]
        elif node.fieldname in META_PAIR_FIELDS and meta:
            terms = [
                Term("meta_pairs", meta_pair(node.fieldname, a, b))
                for a, b in zip(words, words[1:], strict=False)
            ]
        else:
            return node
        if not terms:
            return node
        if len(words) == 2:
            return terms[0].with_boost(node.boost)  # the pair term is the phrase
        return And([*terms, node])

    return query.accept(rewrite)
