"""Tag synonyms: what a tag resolves to, and a query's tag filters widened to them.

Two sources say which tags mean the same: AO3's own tag pages (cached in the
store by `ficarchive tags --refresh`, index/tagcache.py) and the reader's
`[synonyms]` in config.toml, for tags of any site. They are joined into groups,
each with one canonical name. A filter on a tag (`tag:fluff`, `--tag`,
`character:`, `relationship:`, `fandom:`) is widened when the query is parsed,
to the canonical tag and every synonym: the index is never rewritten, so a
new synonym works at once, without a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from crawler.config import Config
from index import query as q
from index.tagcache import TAG_GROUPS, CachedTag, TagCache, fold, refresh

if TYPE_CHECKING:  # the HTTP client loads when tags are fetched, never for a search
    from crawler.http import PoliteClient

if TYPE_CHECKING:  # index.search widens its tree with expand() below
    from index.search import SearchRequest
    from index.store import Store

# A tag's group: every name in it (canonical first), keyed by each member's folded name.
Table = Mapping[str, tuple[str, ...]]


@dataclass
class _Group:
    canonical: str
    members: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    from_config: bool = False
    category: str | None = None
    fetched_at: str | None = None

    def add(self, names: Iterable[str]) -> None:
        known = {fold(n) for n in (self.canonical, *self.members)}
        for name in names:
            if fold(name) not in known:
                known.add(fold(name))
                self.members.append(name)


@dataclass(frozen=True)
class Resolution:
    """What one tag resolves to (`ficarchive tags NAME`)."""

    name: str
    canonical: str
    synonyms: tuple[str, ...] = ()  # every other name of the same meaning
    source: str = "none"  # "site", "config", "site+config" or "none"
    sites: tuple[str, ...] = ()  # the [sites.NAME] whose tag pages said so
    category: str | None = None
    fetched_at: str | None = None

    def to_dict(self) -> dict:
        """The `tags NAME --json` object (a promise: extend, never break)."""
        return {
            "name": self.name,
            "canonical": self.canonical,
            "synonyms": list(self.synonyms),
            "source": self.source,
            "sites": list(self.sites),
            "category": self.category,
            "fetched_at": self.fetched_at,
        }


class Synonyms:
    """The groups of tags meaning the same, from cached tag pages and the config."""

    def __init__(self, cached: Iterable[CachedTag], configured: Mapping[str, Iterable[str]]):
        self.groups: list[_Group] = []
        self.by_name: dict[str, _Group] = {}
        for row in cached:
            self._from_page(row)
        for name, same in configured.items():
            group = self._group_of([name, *same], name)
            group.from_config = True
            group.add([name, *same])
            self._register(group)

    def _group_of(self, names: list[str], canonical: str) -> _Group:
        """The group any of `names` is in already, else a new one named `canonical`."""
        for name in names:
            found = self.by_name.get(fold(name))
            if found is not None:
                return found
        group = _Group(canonical)
        self.groups.append(group)
        self.by_name[fold(canonical)] = group
        return group

    def _from_page(self, row: CachedTag) -> None:
        page = row.page
        if page is None or not (page.canonical or page.merged_into or page.synonyms):
            return
        canonical = page.merged_into or page.name
        group = self._group_of([canonical, page.name, *page.synonyms], canonical)
        group.add([canonical, page.name, *page.synonyms])  # the first canonical name stays
        if row.site not in group.sites:
            group.sites.append(row.site)
        group.category = group.category or page.category
        if page.canonical or group.fetched_at is None:
            group.fetched_at = row.fetched_at
        self._register(group)

    def _register(self, group: _Group) -> None:
        for name in (group.canonical, *group.members):
            self.by_name[fold(name)] = group

    def resolve(self, name: str) -> Resolution:
        group = self.by_name.get(fold(name))
        if group is None:
            return Resolution(name, name)
        synonyms = tuple(m for m in group.members if fold(m) != fold(group.canonical))
        source = "+".join(
            s for s, on in (("site", bool(group.sites)), ("config", group.from_config)) if on
        )
        return Resolution(
            name,
            group.canonical,
            synonyms,
            source,
            tuple(group.sites),
            group.category,
            group.fetched_at,
        )

    def table(self) -> dict[str, tuple[str, ...]]:
        """folded name -> every name of its group, canonical first (SearchRequest.synonyms)."""
        out: dict[str, tuple[str, ...]] = {}
        for group in self.groups:
            names = (group.canonical, *group.members)
            for name in names:
                out[fold(name)] = names
        return out


def expand(node: q.Node, table: Table) -> q.Node:
    """The tree with each tag filter widened to every name of its tag's group."""
    if not table:
        return node
    if isinstance(node, q.All | q.Any):
        return type(node)(tuple(expand(c, table) for c in node.children))
    if isinstance(node, q.Not):
        return q.Not(expand(node.child, table))
    if isinstance(node, q.Character):
        return _widen(node, node.name, table, lambda n: q.Character(n, in_text=node.in_text))
    if isinstance(node, q.Relationship):
        return _widen(node, node.text, table, _ship)
    if _tag_filter(node):
        (name,) = node.fields
        return _widen(node, node.text, table, lambda n: q.Phrase(n, (name,)))
    return node


def _tag_filter(node: q.Node) -> bool:
    """A phrase, or one word without wildcards, in one tag field (tag:fluff, --tag)."""
    if not isinstance(node, q.Words | q.Phrase) or node.free or len(node.fields) != 1:
        return False
    if node.fields[0] not in TAG_GROUPS:
        return False
    return isinstance(node, q.Phrase) or not any(c in node.text for c in "*?")


def _ship(name: str) -> q.Node:
    return (
        q.Relationship(name) if "/" in name or "&" in name else q.Phrase(name, ("relationships",))
    )


def _widen(node: q.Node, text: str, table: Table, make) -> q.Node:
    names = table.get(fold(text))
    if not names:
        return node
    others = [make(n) for n in names if fold(n) != fold(text)]
    return q.Any((node, *others)) if others else node


__all__ = ["Resolution", "Synonyms", "expand"]


class TagSynonyms:
    """The archive's synonyms: its cached AO3 tag pages and the config's [synonyms]."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        self._seen: tuple | None = None
        self._synonyms: Synonyms | None = None
        self._table: dict[str, tuple[str, ...]] = {}

    def current(self) -> Synonyms:
        """Read again only when the cache changed (a `serve` sees a refresh at once)."""
        cache = TagCache(self.store.db)
        seen = cache.signature()
        if self._synonyms is None or seen != self._seen:
            self._synonyms = Synonyms(cache.all(), self.config.synonyms)
            self._table = self._synonyms.table()
            self._seen = seen
        return self._synonyms

    def resolve(self, name: str) -> Resolution:
        return self.current().resolve(name)

    def widen(self, request: SearchRequest) -> SearchRequest:
        """The request with the synonyms its tag filters are widened to."""
        if request.synonyms:
            return request
        self.current()  # read again only when the cache changed
        return replace(request, synonyms=self._table) if self._table else request

    def refresh(self, client: PoliteClient, *, only_new: bool = False, progress=None):
        """Fetch the stale (or, `only_new`, never fetched) tag pages of archived AO3 works."""
        return refresh(self.store, self.config, client, only_new=only_new, progress=progress)
