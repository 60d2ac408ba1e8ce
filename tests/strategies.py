"""Hypothesis strategies and invariant checks shared by the test modules."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from boughs import BaseNode, Node, _storage


@st.composite
def parent_tables(draw: st.DrawFn, max_size: int = 40) -> list[int]:
    """A random tree as a table: entry i (i >= 1) is the index of node i's parent (< i)."""
    n = draw(st.integers(1, max_size))
    return [0] + [draw(st.integers(0, i - 1)) for i in range(1, n)]


def build(table: list[int], cls: type[Node] = Node) -> list[Node]:
    """Build the tree described by ``table``; node i is named ``f"n{i}"``."""
    nodes = [cls(f"n{i}") for i in range(len(table))]
    for i in range(1, len(table)):
        nodes[table[i]].append(nodes[i])
    return nodes


@st.composite
def trees(draw: st.DrawFn, max_size: int = 40) -> Node:
    """A random tree of `Node`s (the root is returned; it holds the rest)."""
    return build(draw(parent_tables(max_size)))[0]


def chain(depth: int, cls: type[BaseNode] = Node) -> tuple[BaseNode, BaseNode]:
    """A chain ``depth`` nodes long; returns ``(root, deepest)``."""
    root = top = cls()
    for _ in range(depth - 1):
        top = top.append(cls())
    return root, top


def check_storage(node: BaseNode) -> None:
    """Check the private representation of ``node``'s family (sortedcontainers-style _check)."""
    kids: Any = node._children
    if kids is None:
        return
    if kids.__class__ is tuple:
        assert 1 <= len(kids) <= _storage.SMALL, kids
        live = list(kids)
    else:
        assert isinstance(kids, _storage.Kids)
        holes = [i for i, c in enumerate(kids) if c is None]
        assert kids.dead == len(holes), (kids.dead, holes)
        assert kids[-1] is not None, "the last slot must be live"
        assert all(kids[i] is None for i in range(kids.head)), "leading holes"
        assert kids[kids.head] is not None, "head must point at the first live child"
        live = [c for c in kids if c is not None]
        assert len(live) > _storage.SMALL // 2 or kids.dead == 0
    assert live, "an empty family must be None"
    family = live[0]._parent_ref
    assert isinstance(family, _storage.Family)
    assert family() is node
    assert family.up is node._parent_ref, "the family's up must be the parent's own reference"
    for c in live:
        assert c._parent_ref is family, "all siblings share one family"
    assert len({id(c) for c in live}) == len(live), "a child appears twice"


def check_invariants(root: BaseNode) -> None:
    """Check every link and count in ``root``'s subtree, iteratively."""
    seen: set[int] = set()
    for node in root.walk():
        assert id(node) not in seen, f"{node!r} reached twice: a cycle or a node with two parents"
        seen.add(id(node))
        check_storage(node)
        kids = list(node.children)
        assert len(node.children) == len(kids)
        assert node.is_leaf == (not kids)
        for i, c in enumerate(kids):
            assert c.parent is node
            assert node.children[i] is c
            assert c.index == i
            assert c in node.children
            assert c.previous_sibling is (kids[i - 1] if i else None)
            assert c.next_sibling is (kids[i + 1] if i + 1 < len(kids) else None)
        assert node.first_child is (kids[0] if kids else None)
        assert node.last_child is (kids[-1] if kids else None)
