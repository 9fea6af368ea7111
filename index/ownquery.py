"""`read:` and `mine:` in a query, turned into the works they name when it runs.

The search index never holds the reader's marks or private tags (they change
without reindexing), so before a backend sees the neutral tree every Own node
becomes an Ids node (or NOT one): read:no is every work not marked read. Then the
tree is simplified, so no backend meets an empty set under NOT (Whoosh would
call NOT-nothing nothing, where it is everything).
"""

from __future__ import annotations

from typing import Protocol

from crawler.errors import QueryError
from index.query import All, Any, Everything, Ids, Node, Not, Own
from index.querycheck import READ_VALUES
from index.search import SearchRequest

NOTHING = Ids(frozenset())


class OwnSource(Protocol):
    """Where the reader's layer is read (index/mine.py ReadersLayer)."""

    def marked(self, mark: str | None = None) -> set[str]: ...

    def tagged(self, pattern: str) -> set[str]: ...


def with_own(request: SearchRequest, source: OwnSource) -> SearchRequest:
    """The request with its tree parsed and its read:/mine: terms resolved."""
    return request.with_resolved(resolve(request.tree(), source))


def has_own(node: Node) -> bool:
    if isinstance(node, Own):
        return True
    if isinstance(node, (All, Any)):
        return any(has_own(c) for c in node.children)
    return isinstance(node, Not) and has_own(node.child)


def resolve(tree: Node, source: OwnSource) -> Node:
    """The tree with every Own node as the works it names; a tree without one as it is."""
    if not has_own(tree):
        return tree
    return _simplify(_resolve(tree, source))


def _resolve(node: Node, source: OwnSource) -> Node:
    if isinstance(node, Own):
        return _works(node, source)
    if isinstance(node, All):
        return All(tuple(_resolve(c, source) for c in node.children))
    if isinstance(node, Any):
        return Any(tuple(_resolve(c, source) for c in node.children))
    if isinstance(node, Not):
        return Not(_resolve(node.child, source))
    return node


def _works(node: Own, source: OwnSource) -> Node:
    if node.field == "mine":
        return Ids(frozenset(source.tagged(node.value)))
    value = node.value.lower()
    if value not in READ_VALUES:
        raise QueryError(f"read: {node.value!r} is not one of: {', '.join(READ_VALUES)}")
    if value == "no":
        return Not(Ids(frozenset(source.marked("read"))))
    if value == "unmarked":
        return Not(Ids(frozenset(source.marked(None))))
    return Ids(frozenset(source.marked("read" if value == "yes" else value)))


def _simplify(node: Node) -> Node:
    """Everything is true, an empty Ids false; both folded away where they stand."""
    if isinstance(node, Not):
        child = _simplify(node.child)
        if child == NOTHING:
            return Everything()
        return NOTHING if isinstance(child, Everything) else Not(child)
    if isinstance(node, (All, Any)):
        kids = [_simplify(c) for c in node.children]
        if isinstance(node, All):
            if NOTHING in kids:
                return NOTHING
            kids = [k for k in kids if not isinstance(k, Everything)]
            empty: Node = Everything()
        else:
            if any(isinstance(k, Everything) for k in kids):
                return Everything()
            kids = [k for k in kids if k != NOTHING]
            empty = NOTHING
        if not kids:
            return empty
        return kids[0] if len(kids) == 1 else type(node)(tuple(kids))
    return node
