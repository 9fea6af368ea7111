"""What the query language allows, checked before any index is opened.

Whoosh's parser forgave almost anything; a user deserves to hear that a query
is malformed, so the obvious mistakes are caught first, in one line.
"""

from __future__ import annotations

import datetime
import re

from crawler.errors import QueryError

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
    # The reader's own layer (index/mine.py), resolved to work ids when a search runs.
    "read": "read",
    "mine": "mine",
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
# A field with nothing after its colon (`character:` at the end, before a space or ')').
_EMPTY_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]+):(?=\s|\)|$)")
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


def check_empty_fields(text: str) -> None:
    """`character:` with nothing after it would quietly search the word "character"."""
    for name in _EMPTY_FIELD.findall(re.sub(r'"[^"]*"', '"-"', text)):
        if name.lower() in FIELD_ALIASES:
            raise QueryError(
                f"{name}: has no value; write one right after the colon,"
                f' like {name}:holmes or {name}:"sherlock holmes"'
            )


# A comparison (<5, >=2020, =3) standing alone, with no field before it to compare.
_BARE_COMPARISON = re.compile(r"^(?:[<>]=?|=[<>]?)[^\s<>=]")


def check_comparisons(text: str) -> None:
    """A query's comparisons each name their field: `<5` alone would quietly look
    for the word "5"; a filter's value (--words '<5') has its field already."""
    outside = re.sub(r'"[^"]*"', " ", text)
    for word in outside.split():
        bare = word.strip("()")
        if _BARE_COMPARISON.match(bare):
            raise QueryError(
                f"{bare!r} compares no field: put one before it, like words:{bare} or kudos:{bare}"
            )


NUMERIC_FIELDS = ("words", "chapters", "kudos", "hits")
DATE_FIELDS = ("updated", "published")
# read:no is every work not marked read; read:unmarked, every work with no mark at all.
READ_VALUES = ("yes", "no", "read", "reading", "to-read", "dropped", "unmarked")
CHOICES = {
    "status": ("complete", "in_progress", "gone"),
    "complete": ("yes", "no"),
    "read": READ_VALUES,
}
# AO3's ratings as readers type them (its own filter sidebar shows G, T, M, E).
RATINGS = {
    "g": "General Audiences",
    "t": "Teen And Up Audiences",
    "m": "Mature",
    "e": "Explicit",
    "nr": "Not Rated",
}
# A count as readers write it: 5000, 5k, 1.5k, 2m.
_COUNT = r"\d+(?:\.\d+)?[kKmM]?"
_NUMBER = re.compile(rf"(?:[<>]=?|=)?{_COUNT}|{_COUNT}-{_COUNT}")
_DATE = re.compile(r"(?:[<>]=?|=)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_FIELD_VALUE = re.compile(r'(?<![\w"])([A-Za-z_]+):((?:[<>]=?|=)?[^\s()"]*)')
NUMBER_HELP = "a number, a comparison or a range: 5000, '>1k', '<=10k', 300-400, 1k-10k"


def count_of(text: str) -> int:
    """A count as readers write it (1k, 1.5k, 2m, 5000) as a number."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return round(float(text.rstrip("km")) * scale)


def check_range_end(field: str, end: str) -> None:
    """One end of [a TO b]: a single count or date, never a comparison or a range."""
    if field in NUMERIC_FIELDS and not re.fullmatch(_COUNT, end):
        raise QueryError(f"{field}: {end!r} cannot end a range; write one number like 5000 or 5k")
    if field in DATE_FIELDS:
        if end.startswith(("<", ">", "=")):
            raise QueryError(f"{field}: {end!r} cannot end a range; write one date like 2024-03")
        _check_date(field, end)


def count_range(text: str) -> tuple[int, int] | None:
    """`300-400` or `1k-10k` as its two ends (both included); None for anything else."""
    lo, sep, hi = text.strip().partition("-")
    if not sep or not lo or not re.fullmatch(_COUNT, lo) or not re.fullmatch(_COUNT, hi):
        return None
    return count_of(lo), count_of(hi)


def check_field_value(name: str, target: str, value: str) -> None:
    """A value a field can never hold is a mistake to report, not a search for nothing."""
    value = value.strip()
    if target in NUMERIC_FIELDS:
        if not _NUMBER.fullmatch(value):
            raise QueryError(f"{name}: {value!r} is not {NUMBER_HELP}")
        ends = count_range(value)
        if ends and ends[0] > ends[1]:
            raise QueryError(f"{name}: {value!r} runs backwards; write the smaller end first")
    if target in DATE_FIELDS:
        _check_date(name, value)
    if target in CHOICES and value.lower() not in CHOICES[target]:
        raise QueryError(f"{name}: {value!r} is not one of: {', '.join(CHOICES[target])}")


def _check_date(name: str, value: str) -> None:
    """A year, month or day that exists: 2024-13 and 2024-02-30 are typing mistakes."""
    m = _DATE.fullmatch(value)
    if not m:
        raise QueryError(f"{name}: {value!r} is not a date like 2024, 2024-03 or '>=2020-01-15'")
    year, month, day = (int(g) if g else 1 for g in m.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        what = "month" if not 1 <= month <= 12 else "day"
        raise QueryError(
            f"{name}: {value!r} has no such {what}; write a real date like 2024-02-29"
        ) from None


def _check_field_values(text: str) -> None:
    outside = re.sub(r'"[^"]*"', " ", text)
    for name, value in _FIELD_VALUE.findall(outside):
        target = FIELD_ALIASES.get(name.lower())
        if target and value and not value.startswith(("[", "{")):  # ranges: Whoosh's syntax
            check_field_value(name, target, value)
