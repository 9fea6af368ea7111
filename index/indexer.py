"""The Whoosh index: one document per chapter, each carrying its work's metadata.

Chapter documents grouped by work let a hit say which chapters matched. One
writer, one commit per batch, and only works whose cleaned text changed are
re-analysed: Whoosh is slow (see MEASUREMENTS.md), so it must waste nothing.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as windex
from whoosh import writing
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
)
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map
from whoosh.util.filelock import try_for

from crawler.errors import IndexingError
from crawler.models import Work
from index.names import character_keys, relationship_keys
from index.store import is_disk_full

INDEX_DIR = "index"
INDEX_NAME = "works"
# How long a writer waits for another process's commit (a crawl's batch, a rebuild).
LOCK_WAIT_SECONDS = 60.0


def folding_analyzer():
    """Lowercase and accent-folded, so `deja vu` finds "déjà vu"; no stemming."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def stemming_analyzer():
    """Folded and stemmed, with no stop list: phrases like "see you" need every word."""
    return folding_analyzer() | StemFilter()


# The most frequent English words. A phrase holding one of them makes Whoosh
# walk the positions of nearly every document (MEASUREMENTS.md: p95 6.6 s), so
# each adjacent pair with one of them is also indexed as a single term: Lucene's
# CommonGrams. Measured here (bench/, and 400 works, 150 two-word phrases from
# the text): pairing only two common words indexed 3.7x faster but left phrase
# p95 at 46 ms, growing with the archive (about 1 s at 10,000 works); CommonGrams
# keeps it at 2 ms. Searching is daily and rebuilding rare, so CommonGrams.
COMMON_WORDS = frozenset(
    stem(w)
    for w in (
        "the of and to a in that it was he she his her i you with as for on at be had but "
        "not they by said is what all were we when there one from this so have him them an "
        "would me my up out if no could into then"
    ).split()
)
PAIR_SEP = "\u2423"  # a visible space: cannot come out of the tokenizer
WORD = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's RegexTokenizer default, as one C regex


class PairsAnalyzer(Analyzer):
    """Emit `a␣b` for each adjacent pair of body tokens where a or b is a common word.

    It tokenizes, folds and stems exactly as the body field does, but with one C
    regex and a memo of stems, and makes Token objects only for the pairs:
    analysing the body a second time through Whoosh's filter chain tripled the
    index time. The common words are part of the schema, saved with the index,
    so queries pair a phrase exactly as its documents were paired.
    """

    def __init__(self, common: frozenset[str] = COMMON_WORDS) -> None:
        self.common = frozenset(common)
        self.stems: dict[str, str] = {}

    def __getstate__(self) -> dict:
        # The stem memo is not pickled: Whoosh saves the schema in the index's table of
        # contents, which every search reads (a 1.2 MB memo cost ~15 ms a search).
        return {"common": self.common}

    def __setstate__(self, state: dict) -> None:
        self.common = frozenset(state.get("common", COMMON_WORDS))
        self.stems = {}

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.common == self.common

    def __hash__(self) -> int:
        return hash(self.common)

    def _stem(self, word: str) -> str:
        found = self.stems.get(word)
        if found is None:
            if len(self.stems) > 200_000:
                self.stems.clear()
            found = self.stems[word] = stem(word.lower().translate(accent_map))
        return found

    def words(self, value: str) -> list[str]:
        """The body's tokens, folded and stemmed as its filter chain does."""
        return [self._stem(w) for w in WORD.findall(value)]

    def __call__(self, value, **kwargs):
        # Tokenize first, then fold each token, exactly as the body's filter chain does.
        words = self.words(value)
        common = self.common
        token = Token(**kwargs)
        for a, b in zip(words, words[1:], strict=False):
            if a in common or b in common:
                token.text = f"{a}{PAIR_SEP}{b}"
                token.boost = 1.0
                token.stopped = False
                yield token


def common_pairs(words: list[str], common: frozenset[str] = COMMON_WORDS) -> list[str]:
    """The indexed pairs inside an (analysed) phrase, in order."""
    return [
        f"{a}{PAIR_SEP}{b}"
        for a, b in zip(words, words[1:], strict=False)
        if a in common or b in common
    ]


# Work-level text fields (and the notes) whose adjacent word pairs are indexed as
# single terms in meta_pairs: they are short, but copied onto every chapter, so a
# phrase like "the end" in titles made Whoosh check positions in thousands of
# chapters. The value is the field's analyzer, as the query parser applies it.
META_PAIR_FIELDS = {
    "title": "stem",
    "summary": "stem",
    "notes": "stem",
    "chapter_title": "fold",
    "authors": "fold",
    "fandoms": "fold",
    "characters": "fold",
    "relationships": "fold",
    "tags": "fold",
    "warnings": "fold",
    "categories": "fold",
    "series": "fold",
}
_FOLD_MEMO: dict[str, str] = {}


def _analysed(value: str, how: str, stems: PairsAnalyzer) -> list[str]:
    if how == "stem":
        return stems.words(value)
    out = []
    for w in WORD.findall(value):
        found = _FOLD_MEMO.get(w)
        if found is None:
            if len(_FOLD_MEMO) > 100_000:
                _FOLD_MEMO.clear()
            found = _FOLD_MEMO[w] = w.lower().translate(accent_map)
        out.append(found)
    return out


def meta_pair_terms(fields: dict[str, str], stems: PairsAnalyzer) -> list[str]:
    """`field:a␣b` for every adjacent pair of words in these fields' values."""
    out = []
    for name, value in fields.items():
        how = META_PAIR_FIELDS.get(name)
        if not how or not value:
            continue
        words = _analysed(value, how, stems)
        out += [meta_pair(name, a, b) for a, b in zip(words, words[1:], strict=False)]
    return out


def meta_pair(field: str, a: str, b: str) -> str:
    return f"{field}:{a}{PAIR_SEP}{b}"


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
        relationship_keys=KEYWORD(commas=True),
        tags=TEXT(analyzer=fold, stored=True),
        rating=TEXT(analyzer=fold, stored=True),
        warnings=TEXT(analyzer=fold),
        categories=TEXT(analyzer=fold),
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


# Stored list fields are joined with this, so a result row can be rebuilt without the store.
SEP = " \u241e "
_STEMMER = PairsAnalyzer()  # its stem memo, for the meta pairs


def chapter_docs(work: Work) -> Iterable[dict]:
    m = work.meta
    shared = {
        "work_id": work.id,
        "title": m.title,
        "authors": SEP.join(m.authors),
        "fandoms": SEP.join(m.fandoms),
        "characters": SEP.join(m.characters),
        "relationships": SEP.join(m.relationships),
        "character_keys": ",".join(k for c in m.characters for k in character_keys(c)),
        "relationship_keys": ",".join(k for r in m.relationships for k in relationship_keys(r)),
        "tags": SEP.join(m.tags),
        "rating": m.rating or "",
        "warnings": SEP.join(m.warnings),
        "categories": SEP.join(m.categories),
        "language": m.language or "",
        "series": SEP.join(str(s.get("name", "")) for s in m.series),
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
    meta = " ".join(meta_pair_terms(shared, _STEMMER))
    chapters = work.chapters or []
    for i, ch in enumerate(chapters):
        # Work-level notes go with the chapter they stand next to.
        work_notes = [
            n.text
            for n in work.notes
            if n.kind != "summary"
            and (
                (n.position != "after" and i == 0)
                or (n.position == "after" and i == len(chapters) - 1)
            )
        ]
        notes = "\n\n".join([*work_notes, *(n.text for n in ch.notes)])
        own = meta_pair_terms({"chapter_title": ch.title or "", "notes": notes}, _STEMMER)
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
def _expected_fields() -> dict[str, bool]:
    """Every field this version writes, and whether it must be a column."""
    return {name: f.column_type is not None for name, f in make_schema().items()}


class Indexer:
    """Owns the index folder; opens it, creating it when missing."""

    def __init__(self, archive_dir: Path) -> None:
        self.dir = Path(archive_dir) / INDEX_DIR

    def exists(self) -> bool:
        """A table of contents is there (readable or not: open() says which)."""
        pattern = re.compile(rf"^_{INDEX_NAME}_\d+\.toc$")
        return self.dir.is_dir() and any(pattern.match(p.name) for p in self.dir.iterdir())

    def open(self, *, create: bool = True, schema: Schema | None = None):
        """Open the index (creating it, with `schema`, unless `create=False`); an index
        from an older schema is refused with the command that rebuilds it."""
        try:
            if not self.exists():
                if not create:
                    raise IndexingError(
                        f"{self.dir}: there is no search index yet; run `ficarchive crawl`, "
                        "`ficarchive import` or `ficarchive index --rebuild`"
                    )
                self.dir.mkdir(parents=True, exist_ok=True)
                return windex.create_in(
                    str(self.dir), schema or make_schema(), indexname=INDEX_NAME
                )
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME)
            schema = ix.schema
        except (OSError, windex.IndexError) as exc:
            if is_disk_full(exc):
                raise IndexingError(
                    f"{self.dir}: cannot create the search index: the disk is full; the store"
                    " holds everything (`ficarchive index` catches up once there is space)"
                ) from None
            raise IndexingError(
                f"{self.dir}: cannot open the search index ({exc}); run `ficarchive index --rebuild`"
            ) from None
        missing = [
            name
            for name, kind in _expected_fields().items()
            if name not in schema or (kind and schema[name].column_type is None)
        ]
        if missing:
            ix.close()
            raise IndexingError(
                f"{self.dir}: the search index was made by an older ficarchive (it lacks "
                f"{', '.join(sorted(missing))}); run `ficarchive index --rebuild` (offline)"
            )
        return ix

    def update(
        self,
        works: Iterable[Work],
        remove: Iterable[str] = (),
        progress: Callable[[Work], None] | None = None,
    ) -> list[str]:
        """Replace these works' documents in one commit; return the ids written."""
        return self._write(self.open(), works, remove, progress)

    def rebuild(
        self, works: Iterable[Work], progress: Callable[[Work], None] | None = None
    ) -> list[str]:
        """Replace the whole index with these works, in one commit.

        Until that commit lands searches see the old index, and a crash or a full
        disk on the way leaves it whole. The new schema is written with it, so a
        rebuild is also how an index from an older ficarchive is brought up to date.
        """
        schema = make_schema()
        try:
            if not self.exists():
                raise FileNotFoundError(self.dir)
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME, schema=schema)
        except Exception:  # missing or unreadable: nothing in it is worth keeping
            shutil.rmtree(self.dir, ignore_errors=True)
            ix = self.open(schema=schema)
        return self._write(ix, works, (), progress, mergetype=writing.CLEAR)

    def _write(
        self,
        ix,
        works: Iterable[Work],
        remove: Iterable[str],
        progress: Callable[[Work], None] | None,
        mergetype=None,
    ) -> list[str]:
        # The write lock is taken here, not by Whoosh's writer: a writer that fails
        # while it sets up (a full disk) would keep the lock it took for the life
        # of the process.
        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=LOCK_WAIT_SECONDS, delay=0.25):
            ix.close()
            raise IndexingError(
                f"{self.dir}: another ficarchive process has been writing the index for"
                f" over {LOCK_WAIT_SECONDS:.0f} s; try again when it has finished"
            )
        written: list[str] = []
        failure: OSError | None = None
        try:
            self._drop_stray_tocs()
            # compound=False: Whoosh reads a sub-file of a compound segment by copying
            # it into memory on every search (BufferFile wraps it in BytesIO), which
            # cost ~450 ms a query at 10,000 works; separate files are read in place.
            writer = writing.SegmentWriter(ix, _lk=False, limitmb=256, compound=False)
            try:
                for work_id in remove:
                    writer.delete_by_term("work_id", work_id)
                clearing = mergetype is writing.CLEAR  # old segments all go: nothing to delete
                for work in works:
                    if not clearing:
                        writer.delete_by_term("work_id", work.id)
                    for doc in chapter_docs(work):
                        writer.add_document(**doc)
                    written.append(work.id)
                    if progress:
                        progress(work)
                writer.commit(mergetype=mergetype)
            except BaseException:
                self._abandon(writer)
                raise
        except OSError as exc:
            failure = exc
        finally:
            lock.release()
            ix.close()
        if failure is not None:
            self.clean_leftovers()  # a full disk wants its space back
            why = "the disk is full" if is_disk_full(failure) else str(failure)
            raise IndexingError(
                f"{self.dir}: could not write the index: {why}; the index is as it was before"
                " this write and the store holds everything (`ficarchive index` catches up)"
            )
        return written

    @staticmethod
    def _abandon(writer) -> None:
        """Give up a writer whose commit failed: close its files, drop its temp folder."""
        with contextlib.suppress(Exception):
            writer.cancel()
        for part in ("perdocwriter", "fieldwriter"):
            with contextlib.suppress(Exception):
                getattr(writer, part).close()
        with contextlib.suppress(Exception):
            writer._tempstorage.destroy()

    # --- leftovers of crashed writers ------------------------------------------------

    def _drop_stray_tocs(self) -> None:
        """With the write lock held: a table of contents a dead writer never renamed in.

        Whoosh's own commit cleans old generations and unused segments, and the next
        writer reuses the temp folder; only these half-written temp files would stay.
        """
        for path in self.dir.glob(f"_{INDEX_NAME}_*.toc.*"):
            path.unlink(missing_ok=True)

    def _lock(self):
        return FileStorage(str(self.dir)).lock(f"{INDEX_NAME}_WRITELOCK")

    def leftovers(self) -> list[Path]:
        """Files no commit refers to, left by a writer that died or failed: its temp
        folder, half-written segments and tables of contents. Readers never open them.
        Nothing is a leftover while a live writer holds the lock (its files are new)."""
        with self._scanning() as found:
            return found

    @contextlib.contextmanager
    def _scanning(self) -> Iterator[list[Path]]:
        """The unreferenced files, while the write lock is held (none if a writer has it)."""
        if not self.exists():
            yield []
            return
        lock = self._lock()
        if not lock.acquire(blocking=False):
            yield []
            return
        try:
            yield self._unreferenced()
        finally:
            lock.release()

    def _unreferenced(self) -> list[Path]:
        try:
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME, schema=make_schema())
            try:
                toc = ix._read_toc()
            finally:
                ix.close()
        except Exception:
            return []  # an unreadable index is rebuilt, not swept
        keep = {f"_{INDEX_NAME}_{toc.generation}.toc", f"{INDEX_NAME}_WRITELOCK"}
        segments = tuple(seg.segment_id() + "." for seg in toc.segments)
        return sorted(
            path
            for path in self.dir.iterdir()
            if path.name not in keep and not (segments and path.name.startswith(segments))
        )

    def clean_leftovers(self) -> list[Path]:
        """Remove leftovers, holding the write lock so no live writer loses a file."""
        with self._scanning() as found:
            for path in found:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            return found

    def work_ids(self) -> set[str]:
        return {work_id for work_id, _ in self.documents()}

    def documents(self) -> list[tuple[str, str]]:
        """(work id, document id) of every chapter document in the index."""
        if not self.exists():
            return []
        ix = self.open()
        try:
            with ix.searcher() as s:
                return [(f["work_id"], f["doc_id"]) for f in s.all_stored_fields()]
        finally:
            ix.close()
