"""The neutral query tree (index/query.py) compiled to Whoosh queries.

Each leaf goes through the very node classes of Whoosh's own query parser, so a
word, a phrase, a wildcard or a range is analysed exactly as Whoosh would have
parsed it; only the structure (AND, OR, NOT, fields) is ours. Then exact
phrases are rewritten to the pair terms indexed for them.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.qparser.plugins import PhrasePlugin, PrefixPlugin, WildcardPlugin
from whoosh.query import And, ConstantScoreQuery, Every, NullQuery, Or, Prefix, Query, Term
from whoosh.query import Not as WNot
from whoosh.query import Phrase as WPhrase

from index import query as q
from index.whoosh.analysis import COMMON_WORDS, META_PAIR_FIELDS, common_pairs, meta_pair
from index.whoosh.names import name_keys, query_relationship_keys

_QMARKS = WildcardPlugin.qmarks


def compile_query(node: q.Node, schema, *, pairs: bool = True) -> Query:
    """A Whoosh query for the tree; `pairs=False` keeps phrases positional."""
    parser = qparser.QueryParser(None, schema, group=qparser.AndGroup)
    compiled = _Compiler(parser).compile(node)
    if not isinstance(compiled, Every):
        compiled = compiled.normalize()
    return with_pairs(compiled, schema) if pairs else compiled


class WorkIds(ConstantScoreQuery):
    """Exactly these works (read:, mine:): every chapter of each, scoring a constant.
    Whoosh's own matchers walk the child (work_id terms); scoring.py reads the
    work_id column once instead, far cheaper than a term per work when thousands
    of works are marked read."""

    def __init__(self, child: Query, score: float = 1.0, ids: frozenset[str] = frozenset()):
        super().__init__(child, score)
        self.ids = frozenset(ids)

    def _rewrap(self, child: Query) -> WorkIds:
        return WorkIds(child, self.score, self.ids)


class _Compiler:
    def __init__(self, parser: qparser.QueryParser) -> None:
        self.parser = parser

    def compile(self, node: q.Node) -> Query:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def _all(self, node: q.All) -> Query:
        return And([self.compile(c) for c in node.children])

    def _any(self, node: q.Any) -> Query:
        return Or([self.compile(c) for c in node.children])

    def _not(self, node: q.Not) -> Query:
        return WNot(self.compile(node.child))

    def _everything(self, node: q.Everything) -> Query:
        return Every()

    def _leaves(self, make, fields: tuple[str, ...], free: bool) -> Query:
        """One leaf per field, as Whoosh's multifield parser made them."""
        found = []
        for name in fields:
            leaf = make()
            leaf.fieldname = name
            leaf.boost = q.FIELD_BOOSTS.get(name, 1.0) if free else 1.0
            leaf.startchar = leaf.endchar = None  # Whoosh copies these onto the query
            sub = leaf.query(self.parser)
            if sub is not None:
                found.append(sub)
        if len(fields) == 1:
            return found[0] if found else Or([])
        return Or(found)

    def _words(self, node: q.Words) -> Query:
        text = node.text
        if "*" in text or any(m in text for m in _QMARKS):
            if (
                len(text) > 1
                and text.find("*") == len(text) - 1
                and not any(m in text for m in _QMARKS)
            ):
                return self._leaves(
                    lambda: PrefixPlugin.PrefixNode(text[:-1]), node.fields, node.free
                )
            return self._leaves(lambda: WildcardPlugin.WildcardNode(text), node.fields, node.free)
        return self._leaves(lambda: syntax.WordNode(text), node.fields, node.free)

    def _phrase(self, node: q.Phrase, *, names: bool = True) -> Query:
        found = self._leaves(lambda: PhrasePlugin.PhraseNode(node.text, 0), node.fields, node.free)
        return found.accept(_characters_as_readers_say) if names else found

    def _range(self, node: q.Range) -> Query:
        leaf = syntax.RangeNode(node.start, node.end, node.start_excl, node.end_excl)
        leaf.fieldname = node.field
        leaf.startchar = leaf.endchar = None
        return leaf.query(self.parser)

    def _period(self, node: q.Period) -> Query:
        return Prefix(node.field, node.prefix.strip())

    def _exact(self, node: q.Exact) -> Query:
        return Term(node.field, node.value)

    def _ids(self, node: q.Ids) -> Query:
        if not node.ids:
            return NullQuery
        terms = [Term("work_id", i) for i in sorted(node.ids)]
        return WorkIds(terms[0] if len(terms) == 1 else Or(terms), ids=node.ids)

    def _own(self, node: q.Own) -> Query:
        raise TypeError(f"{node.field}:{node.value} reached the backend unresolved (ownquery)")

    def _character(self, node: q.Character) -> Query:
        """A name matches its tag words, its full or short key ("faye v"), or (asked) the text."""
        if not node.phrase:
            return self._words(q.Words(node.name, ("characters",)))
        options = [self._phrase(q.Phrase(node.name, ("characters",)), names=False)]
        options += [Term("character_keys", k) for k in name_keys(node.name)]
        if node.in_text:
            options.append(self._phrase(q.Phrase(node.name, ("body",))))
        return Or(options)

    def _relationship(self, node: q.Relationship) -> Query:
        keys = query_relationship_keys(node.text)
        if keys is None:
            return self._phrase(q.Phrase(node.text, ("relationships",)))
        terms = [Term("ship_keys", k) for k in keys]
        return Or(terms) if len(terms) > 1 else terms[0]


def _characters_as_readers_say(node: Query) -> Query:
    """A phrase in the characters field also finds "Faye V." (and the other way round)."""
    if isinstance(node, WPhrase) and node.fieldname == "characters":
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
    common = getattr(body, "common", COMMON_WORDS)

    def rewrite(node: Query) -> Query:
        if not isinstance(node, WPhrase) or node.slop != 1 or len(node.words) < 2:
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


def phrases_of(query: Query, field: str = "body") -> list[tuple[str, ...]]:
    """The phrases of a compiled query in one field (as analysed words)."""
    if isinstance(query, WPhrase):
        return [tuple(query.words)] if query.fieldname == field else []
    found: list[tuple[str, ...]] = []
    for child in query.children():
        found += phrases_of(child, field)
    return found


__all__ = ["WorkIds", "compile_query", "phrases_of", "with_pairs"]
