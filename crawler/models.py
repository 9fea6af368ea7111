"""Typed records passed between pipeline stages.

FetchedPage (crawler.http) -> RawWork (crawler.sites.*) -> Work (crawler.clean)
-> stored (index.store) -> indexed (index.indexer) -> Hit (index.search).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Status = Literal["complete", "in_progress", "gone"]
Position = Literal["before", "after", "inline"]

# Note kinds: summary, work_note, chapter_summary, chapter_note, end_note,
# work_end_note, author_note, disclaimer, beta_credit.
NOTE_KINDS = (
    "summary",
    "work_note",
    "work_end_note",
    "chapter_summary",
    "chapter_note",
    "end_note",
    "author_note",
    "disclaimer",
    "beta_credit",
)
# How notes are labelled wherever a reader sees them (terminal and exports).
NOTE_LABELS = {
    "summary": "Summary",
    "work_note": "Notes",
    "work_end_note": "End notes",
    "chapter_summary": "Chapter summary",
    "chapter_note": "Chapter notes",
    "end_note": "End notes",
    "author_note": "Author's note",
    "disclaimer": "Disclaimer",
    "beta_credit": "Beta credit",
}


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP response as the crawler received it (body is raw bytes)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    final_url: str = ""

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8 with replacement."""
        charset = "utf-8"
        ctype = self.headers.get("content-type", "")
        if "charset=" in ctype:
            charset = ctype.split("charset=", 1)[1].split(";")[0].strip().strip('"') or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class RawNote:
    """A note as the site marks it up, before cleaning."""

    kind: str
    position: Position
    html: str


@dataclass
class RawChapter:
    """One chapter's HTML as the site serves it, with its site-marked notes.

    `format` is "html", or "text" for a plain-text story (then `html` holds the text).
    """

    number: int
    title: str
    html: str
    notes: list[RawNote] = field(default_factory=list)
    format: str = "html"


@dataclass
class WorkMeta:
    """Everything a site says about a work besides its text."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    rating: str | None = None
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    language: str | None = None
    status: Status = "complete"
    chapters_total: int | None = None
    published: str | None = None
    updated: str | None = None
    series: list[dict[str, Any]] = field(default_factory=list)
    kudos: int | None = None
    hits: int | None = None
    bookmarks: int | None = None
    comments: int | None = None
    collections: list[str] = field(default_factory=list)
    words_upstream: int | None = None


@dataclass
class RawWork:
    """A work as a site adapter read it: metadata plus chapter HTML."""

    site: str
    site_id: str
    url: str
    meta: WorkMeta
    chapters: list[RawChapter]
    summary_html: str = ""
    notes: list[RawNote] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.site}:{self.site_id}"


@dataclass(frozen=True)
class Mark:
    """Inline formatting `kind` over block.text[start:end] (em, strong, strike,
    underline, code, sup, sub, link); links carry an absolute `href`."""

    kind: str
    start: int
    end: int
    href: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "start": self.start, "end": self.end}
        if self.href:
            d["href"] = self.href
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mark:
        return cls(str(d["kind"]), int(d["start"]), int(d["end"]), str(d.get("href", "")))


# Blocks that hold story words; an image's text is its address, a break has none.
TEXT_BLOCKS = ("paragraph", "heading", "quote", "list_item", "preformatted")
# Blocks that never hold story words, whatever their text.
NON_TEXT_BLOCKS = ("image", "scene_break", "media")


@dataclass
class Block:
    """One block of cleaned chapter text: paragraph, scene_break, heading, quote, …

    `text` is always plain (what is indexed, counted and printed as JSON); `marks`
    say which spans were emphasised or linked, so exports can restore them.
    A `media` block is a placeholder for embedded media (a podfic's player, a
    video): `kind` is its element (embed, object, video, audio, iframe, svg,
    canvas) and `src` its http(s) address, or "" when it had none worth keeping.
    """

    type: str
    text: str = ""
    marks: tuple[Mark, ...] = field(default=(), compare=False)
    kind: str = ""
    src: str = ""

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_BLOCKS or (self.type not in NON_TEXT_BLOCKS and bool(self.text))

    def to_dict(self) -> dict[str, Any]:
        if self.type == "scene_break":
            return {"type": "scene_break"}
        d: dict[str, Any] = {"type": self.type, "text": self.text}
        if self.type == "media":
            d |= {"kind": self.kind, "src": self.src}
        if self.marks:
            d["marks"] = [m.to_dict() for m in self.marks]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        marks = tuple(Mark.from_dict(m) for m in d.get("marks", ()))
        return cls(
            d["type"], d.get("text", ""), marks, str(d.get("kind", "")), str(d.get("src", ""))
        )


@dataclass
class Note:
    """A typed note: what kind it is and where it stood."""

    kind: str
    position: Position
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "position": self.position, "text": self.text}


@dataclass
class Chapter:
    """A cleaned chapter: blocks of story text and the notes around it."""

    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # The day this chapter was found gone upstream; the archive keeps it (ISO date).
    removed_at: str | None = None

    @property
    def text(self) -> str:
        """The story text that is indexed: no image addresses, no breaks."""
        return "\n\n".join(b.text for b in self.blocks if b.text and b.is_text)

    @property
    def words(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks if b.text and b.is_text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "notes": [n.to_dict() for n in self.notes],
            "blocks": [b.to_dict() for b in self.blocks],
            # Only a chapter gone upstream carries the key (so fresh text hashes as before).
            **({"removed_upstream": self.removed_at} if self.removed_at else {}),
        }


@dataclass
class Work:
    """A cleaned work, ready to store, index and export."""

    id: str
    site: str
    url: str
    meta: WorkMeta
    summary: str = ""
    notes: list[Note] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Words of the story body only; notes are never counted."""
        return sum(c.words for c in self.chapters)

    @property
    def title(self) -> str:
        return self.meta.title

    def notes_beside(self, chapter_number: int) -> list[Note]:
        """The work-level notes (not the summary) that stand next to this chapter:
        notes before the work go with its first chapter, notes after it with its
        last. By position in the chapter list, never by number: eFiction drops
        empty chapters, so the first chapter need not be number 1."""
        if not self.chapters:
            return []
        first, last = self.chapters[0].number, self.chapters[-1].number
        return [
            n
            for n in self.notes
            if n.kind != "summary"
            and (
                (n.position != "after" and chapter_number == first)
                or (n.position == "after" and chapter_number == last)
            )
        ]

    def to_dict(self) -> dict[str, Any]:
        """The `show --json` shape (a promise: extend, never break)."""
        m = self.meta
        return {
            "id": self.id,
            "site": self.site,
            "url": self.url,
            "title": m.title,
            "authors": list(m.authors),
            "fandoms": list(m.fandoms),
            "characters": list(m.characters),
            "relationships": list(m.relationships),
            "tags": list(m.tags),
            "rating": m.rating,
            "warnings": list(m.warnings),
            "categories": list(m.categories),
            "language": m.language,
            "status": m.status,
            "words": self.words,
            "chapters_total": m.chapters_total,
            "published": m.published,
            "updated": m.updated,
            "summary": self.summary,
            "notes": [n.to_dict() for n in self.notes],
            "chapters": [c.to_dict() for c in self.chapters],
            "series": list(m.series),
            "kudos": m.kudos,
            "hits": m.hits,
            "bookmarks": m.bookmarks,
            "comments": m.comments,
            "collections": list(m.collections),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Work:
        meta = WorkMeta(
            title=d.get("title", ""),
            authors=list(d.get("authors", [])),
            fandoms=list(d.get("fandoms", [])),
            characters=list(d.get("characters", [])),
            relationships=list(d.get("relationships", [])),
            tags=list(d.get("tags", [])),
            rating=d.get("rating"),
            warnings=list(d.get("warnings", [])),
            categories=list(d.get("categories", [])),
            language=d.get("language"),
            status=d.get("status", "complete"),
            chapters_total=d.get("chapters_total"),
            published=d.get("published"),
            updated=d.get("updated"),
            series=list(d.get("series", [])),
            kudos=d.get("kudos"),
            hits=d.get("hits"),
            bookmarks=d.get("bookmarks"),
            comments=d.get("comments"),
            collections=list(d.get("collections", [])),
        )
        chapters = [
            Chapter(
                number=c["number"],
                title=c.get("title", ""),
                blocks=[Block.from_dict(b) for b in c.get("blocks", [])],
                notes=[Note(n["kind"], n["position"], n["text"]) for n in c.get("notes", [])],
                removed_at=c.get("removed_upstream"),
            )
            for c in d.get("chapters", [])
        ]
        notes = [Note(n["kind"], n["position"], n["text"]) for n in d.get("notes", [])]
        return cls(
            d["id"], d["site"], d.get("url", ""), meta, d.get("summary", ""), notes, chapters
        )


def meta_dict(meta: WorkMeta) -> dict[str, Any]:
    """WorkMeta as a plain dict (for storage)."""
    return asdict(meta)


@dataclass(frozen=True)
class BookmarkNote:
    """What a bookmarker added to a work in a bookmarks listing: their notes (as text,
    paragraphs apart), their tags, and whether they marked it a recommendation."""

    by: str
    notes: str = ""
    tags: tuple[str, ...] = ()
    rec: bool = False
    private: bool = False
    bookmarked: str | None = None  # the day of the bookmark, YYYY-MM-DD


@dataclass(frozen=True)
class TagPage:
    """What one AO3 tag page says of its tag.

    canonical: the tag is canonical (its page lists its synonyms).
    merged_into: the canonical tag this one is a synonym of, if it is one.
    synonyms: the tags with the same meaning (listed on a canonical tag's page).
    category: Fandom, Character, Relationship, Freeform, … as AO3 names it.
    """

    name: str
    canonical: bool = False
    merged_into: str | None = None
    synonyms: tuple[str, ...] = ()
    category: str | None = None
