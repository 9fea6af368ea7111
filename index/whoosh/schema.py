"""The Whoosh schema: one document per chapter, each carrying its work's metadata.

Chapter documents grouped by work let a hit say which chapters matched.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from crawler.models import Work
from index.whoosh.analysis import (
    COMMON_WORDS,
    PairsAnalyzer,
    folding_analyzer,
    meta_pair_terms,
    stemming_analyzer,
)
from index.whoosh.names import character_keys, relationship_keys

# Stored list fields are joined with this, so a result row can be rebuilt without the store.
SEP = " \u241e "


def make_schema(common: frozenset[str] = COMMON_WORDS) -> Schema:
    fold = folding_analyzer()
    stem = stemming_analyzer()
    return Schema(
        doc_id=ID(unique=True, stored=True),
        # Columns (sortable) so hits group by work without reading stored fields.
        work_id=ID(stored=True, sortable=True),
        chapter=NUMERIC(int, stored=True, sortable=True),
        chapter_title=TEXT(analyzer=fold, stored=True),
        title=TEXT(analyzer=stem, stored=True, field_boost=3.0),
        authors=TEXT(analyzer=fold, stored=True),
        fandoms=TEXT(analyzer=fold, stored=True),
        characters=TEXT(analyzer=fold, stored=True, field_boost=2.0),
        relationships=TEXT(analyzer=fold, stored=True),
        character_keys=KEYWORD(commas=True),
        # Renamed from relationship_keys when its keys grew every name form (surname,
        # either order): an older index lacks it and asks for a rebuild.
        ship_keys=KEYWORD(commas=True),
        tags=TEXT(analyzer=fold, stored=True),
        rating=TEXT(analyzer=fold, stored=True),
        warnings=TEXT(analyzer=fold, stored=True),
        categories=TEXT(analyzer=fold, stored=True),
        language=TEXT(analyzer=fold, stored=True),
        series=TEXT(analyzer=fold),
        site=ID(stored=True),
        status=ID(stored=True),
        complete=ID,
        summary=TEXT(analyzer=stem, stored=True),
        body=TEXT(analyzer=stem, phrase=True),
        body_pairs=TEXT(analyzer=PairsAnalyzer(common), phrase=False),
        # Adjacent word pairs of the short text fields, as `title:a␣b` (META_PAIR_FIELDS).
        meta_pairs=KEYWORD(scorable=True),
        # Author notes, apart from the story: searched only when asked (--in notes).
        notes=TEXT(analyzer=stem, phrase=True),
        words=NUMERIC(int, stored=True),
        chapters=NUMERIC(int, stored=True),
        kudos=NUMERIC(int, stored=True),
        hits=NUMERIC(int, stored=True),
        published=ID(stored=True),
        updated=ID(stored=True),
    )


# The fields _shared_fields writes: the same on every chapter document of a work, so a
# query in these fields alone matches and scores a work's chapters alike (scoring.py
# asks a phrase there at one chapter per work). tests/test_search_table.py checks it.
SHARED_FIELDS = frozenset(
    "work_id title authors fandoms characters relationships character_keys ship_keys tags"
    " rating warnings categories language series site status complete summary words"
    " chapters kudos hits published updated".split()
)


def _shared_fields(work: Work) -> dict:
    """The work's metadata, copied onto each of its chapter documents."""
    m = work.meta
    return {
        "work_id": work.id,
        "title": m.title,
        "authors": SEP.join(m.authors),
        "fandoms": SEP.join(m.fandoms),
        "characters": SEP.join(m.characters),
        "relationships": SEP.join(m.relationships),
        "character_keys": ",".join(k for c in m.characters for k in character_keys(c)),
        "ship_keys": ",".join(k for r in m.relationships for k in relationship_keys(r)),
        "tags": SEP.join(m.tags),
        "rating": m.rating or "",
        "warnings": SEP.join(m.warnings),
        "categories": SEP.join(m.categories),
        "language": m.language or "",
        # the name and the id: `series:"Counting Drabbles"` and `--series 46` both find it
        "series": SEP.join(f"{s.get('name', '')} {s.get('id') or ''}".strip() for s in m.series),
        "site": work.site,
        "status": m.status,
        "complete": "yes" if m.status == "complete" else "no",
        "summary": work.summary,
        "words": work.words,
        "chapters": len(work.chapters),
        "kudos": m.kudos or 0,
        "hits": m.hits or 0,
        "published": m.published or "",
        "updated": m.updated or m.published or "",
    }


def chapter_docs(work: Work) -> Iterable[dict]:
    shared = _shared_fields(work)
    meta = " ".join(meta_pair_terms(shared))
    for ch in work.chapters or []:
        # Work-level notes go with the chapter they stand next to (Work.notes_beside).
        beside = [n.text for n in work.notes_beside(ch.number)]
        notes = "\n\n".join([*beside, *(n.text for n in ch.notes)])
        own = meta_pair_terms({"chapter_title": ch.title or "", "notes": notes})
        yield {
            **shared,
            "doc_id": f"{work.id}#{ch.number}",
            "chapter": ch.number,
            "chapter_title": ch.title,
            "body": ch.text,
            "body_pairs": ch.text,
            "notes": notes,
            "meta_pairs": f"{meta} {' '.join(own)}" if own else meta,
        }


@functools.cache
def expected_fields() -> dict[str, bool]:
    """Every field this version writes, and whether it must be a column."""
    return {name: f.column_type is not None for name, f in make_schema().items()}
