"""Walks, searches and path lookup: all iterative, none recursive.

The node methods (`BaseNode.walk`, `find`, `resolve` ...) delegate here. Each
walk keeps an explicit stack or level list and reads a node's children only
when it expands that node, so the tree may change while a walk runs: a node
that is present and unmoved throughout is yielded exactly once, and a walk
whose body makes finitely many changes ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from boughs import _storage
from boughs.errors import ResolveError

if TYPE_CHECKING:
    from boughs.node import BaseNode

__all__ = ["common_ancestor", "walk"]

N = TypeVar("N", bound="BaseNode")

_ORDERS = ("pre", "post", "level")


def _live_reversed(kids: Any) -> Any:
    if kids.__class__ is tuple:
        return kids[::-1]
    if kids.dead:
        return [c for c in reversed(kids) if c is not None]
    return reversed(kids)


def preorder(node: N) -> Iterator[N]:
    """Yield ``node`` and its descendants, parents before children."""
    stack = [node]
    pop = stack.pop
    push = stack.extend
    while stack:
        n = pop()
        yield n
        kids = n._children
        if kids is not None:
            if kids.__class__ is tuple:
                push(kids[::-1])
            else:
                push(_live_reversed(kids))


_EXIT: Any = object()


def postorder(node: N) -> Iterator[N]:
    """Yield ``node`` and its descendants, children before parents."""
    stack: list[Any] = [node]
    waiting: list[Any] = []
    pop = stack.pop
    push = stack.extend
    append = stack.append
    while stack:
        n = pop()
        if n is _EXIT:
            yield waiting.pop()
            continue
        kids = n._children
        if kids is None:
            yield n
        else:
            waiting.append(n)
            append(_EXIT)
            push(_live_reversed(kids))


def levelorder(node: N) -> Iterator[N]:
    """Yield ``node`` and its descendants breadth first."""
    level = [node]
    while level:
        following: list[N] = []
        push = following.extend
        for n in level:
            yield n
            kids = n._children
            if kids is not None:
                push(_storage.live(kids))
        level = following


def _filtered(
    node: N,
    order: str,
    keep: Callable[[N], object] | None,
    prune: Callable[[N], object] | None,
    max_depth: int | None,
) -> Iterator[N]:
    """The general walk: any order with a filter, a prune test and a depth limit."""
    limit = -1 if max_depth is None else max_depth
    if order == "level":
        level = [node]
        depth = 0
        while level:
            following: list[N] = []
            for n in level:
                if keep is None or keep(n):
                    yield n
                if depth != limit and n._children is not None and not (prune and prune(n)):
                    following.extend(_storage.live(n._children))
            level = following
            depth += 1
        return
    if order == "pre":
        stack: list[Any] = [node]
        depths = [0]
        while stack:
            n = stack.pop()
            d = depths.pop()
            if keep is None or keep(n):
                yield n
            kids = n._children
            if kids is not None and d != limit and not (prune and prune(n)):
                rev = _live_reversed(kids)
                stack.extend(rev)
                depths.extend([d + 1] * (len(stack) - len(depths)))
        return
    stack = [node]
    depths = [0]
    waiting: list[Any] = []
    while stack:
        n = stack.pop()
        d = depths.pop()
        if n is _EXIT:
            n = waiting.pop()
            if keep is None or keep(n):
                yield n
            continue
        kids = n._children
        if kids is None or d == limit or (prune and prune(n)):
            if keep is None or keep(n):
                yield n
            continue
        waiting.append(n)
        stack.append(_EXIT)
        stack.extend(_live_reversed(kids))
        depths.extend([d + 1] * (len(stack) - len(depths)))


def walk(
    node: N,
    order: str = "pre",
    *,
    filter: Callable[[N], object] | None = None,
    prune: Callable[[N], object] | None = None,
    max_depth: int | None = None,
) -> Iterator[N]:
    """Iterate over ``node``'s subtree; see `BaseNode.walk`. Validates eagerly.

    Examples:
        >>> from boughs import Node
        >>> from boughs.traversal import walk
        >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
        >>> [n.name for n in walk(root, "post")], [n.name for n in walk(root, max_depth=1)]
        (['b', 'a', 'c', 'r'], ['r', 'a', 'c'])

    Complexity: O(1) to start (the arguments are checked at once); O(v) to
    iterate, for the v nodes visited (the whole subtree unless ``prune`` or
    ``max_depth`` cuts it short).
    """
    if order not in _ORDERS:
        raise ValueError(f"unknown walk order {order!r}; use one of 'pre', 'post', 'level'")
    for fn, what in ((filter, "filter"), (prune, "prune")):
        if fn is not None and not callable(fn):
            raise TypeError(f"{what} must be a callable taking a node, not {fn!r}")
    if max_depth is not None:
        if isinstance(max_depth, bool) or not isinstance(max_depth, int):
            raise TypeError(f"max_depth must be an int or None, not {max_depth!r}")
        if max_depth < 0:
            raise ValueError(
                f"max_depth must be >= 0 (0 yields only the start node), not {max_depth}"
            )
    if filter is None and prune is None and max_depth is None:
        if order == "pre":
            return preorder(node)
        if order == "post":
            return postorder(node)
        return levelorder(node)
    return _filtered(node, order, filter, prune, max_depth)


def levels(node: N) -> Iterator[tuple[N, ...]]:
    """Yield one tuple of nodes per depth below and including ``node``."""
    level: list[N] = [node]
    while level:
        yield tuple(level)
        following: list[N] = []
        push = following.extend
        for n in level:
            kids = n._children
            if kids is not None:
                push(_storage.live(kids))
        level = following


def leaves(node: N) -> Iterator[N]:
    """Yield the leaves of ``node``'s subtree in pre-order."""
    for n in preorder(node):
        if n._children is None:
            yield n


def height(node: BaseNode) -> int:
    """Longest downward path length from ``node`` (0 for a leaf)."""
    h = -1
    level: list[Any] = [node]
    while level:
        h += 1
        following: list[Any] = []
        push = following.extend
        for n in level:
            kids = n._children
            if kids is not None:
                push(_storage.live(kids))
        level = following
    return h


_NOTHING = object()


def _matches(node: Any, attrs: Mapping[str, Any]) -> bool:
    from boughs.node import BaseNode

    for key, want in attrs.items():
        have = getattr(node, key, _NOTHING)
        if have is _NOTHING:
            return False
        if isinstance(want, BaseNode) or isinstance(have, BaseNode):
            if have is not want:
                return False
        elif not (have is want or have == want):
            return False
    return True


def find_iter(
    node: N, predicate: Callable[[N], object] | None, attrs: Mapping[str, Any]
) -> Iterator[N]:
    """Yield the nodes of ``node``'s subtree, in pre-order, that match."""
    if predicate is not None and not callable(predicate):
        raise TypeError(f"the predicate must be a callable taking a node, not {predicate!r}")
    for n in preorder(node):
        if (predicate is None or predicate(n)) and (not attrs or _matches(n, attrs)):
            yield n


def _name_of(node: Any) -> str | None:
    name = getattr(node, "name", None)
    return None if name is None else str(name)


def resolve(node: BaseNode, path: str) -> BaseNode:
    """Follow ``path`` from ``node``; see `BaseNode.resolve`."""
    if not isinstance(path, str):
        raise TypeError(f"a path must be a string like 'a/b' or '/root/a', not {path!r}")
    segments = path.split("/")
    current = node
    walked: list[str] = []
    if path.startswith("/"):
        current = node.root
        segments = segments[1:]
        first = next((s for s in segments if s), None)
        if first is None:
            return current
        rootname = _name_of(current)
        if rootname != first:
            raise ResolveError(
                f"path {path!r}: the root is {current!r} (name {rootname!r}), not {first!r}; "
                "an absolute path starts with the root's name"
            )
        segments = segments[segments.index(first) + 1 :]
        walked.append("/" + first)
    for seg in segments:
        if seg in ("", "."):
            continue
        if seg == "..":
            up = current.parent
            if up is None:
                raise ResolveError(
                    f"path {path!r}: '..' after {'/'.join(walked) or '.'!r} goes above the root "
                    f"{current!r}; remove a '..'"
                )
            current = up
            walked.append(seg)
            continue
        for child in _storage.live(current._children):
            if _name_of(child) == seg:
                current = child
                break
        else:
            names = [_name_of(c) for c in _storage.live(current._children)[:10]]
            raise ResolveError(
                f"path {path!r}: {current!r} has no child named {seg!r} "
                f"(after {'/'.join(walked) or '.'!r}); its children are named {names!r}"
            )
        walked.append(seg)
    return current


def common_ancestor(*nodes: BaseNode) -> BaseNode | None:
    """The deepest node that is an ancestor-or-self of every node given.

    Returns ``None`` when the nodes are not all in one tree.

    Examples:
        >>> from boughs import Node
        >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
        >>> b, c = root.children[0].children[0], root.children[1]
        >>> common_ancestor(b, c).name, common_ancestor(b, b.parent).name
        ('r', 'a')

    Complexity: O(total depth of the nodes).
    """
    from boughs.node import BaseNode, _inclusive_ancestors

    if not nodes:
        raise TypeError("common_ancestor() needs at least one node")
    for n in nodes:
        if not isinstance(n, BaseNode):
            raise TypeError(f"common_ancestor() takes nodes, got {n!r}")
    chain = _inclusive_ancestors(nodes[0])
    position = {id(a): i for i, a in enumerate(chain)}
    best = 0  # index into chain (0 = nodes[0] itself, larger = higher)
    for other in nodes[1:]:
        for a in _inclusive_ancestors(other):
            i = position.get(id(a))
            if i is not None:
                best = max(best, i)
                break
        else:
            return None
    return chain[best]
