"""Ownership: a boughs tree holds no reference cycles, so refcounting frees it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from boughs import BaseNode, Node
from tests.strategies import build


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Named(BaseNode):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def _random_table(n: int) -> list[int]:
    import random

    rng = random.Random(7)
    return [0] + [rng.randrange(i) for i in range(1, n)]


@pytest.mark.parametrize("cls", [Node, Named])
def test_dropping_the_root_frees_every_node_at_once(gc_off: None, cls: type[Node]) -> None:
    nodes = build(_random_table(100_000), cls)
    probes = [weakref.ref(n) for n in nodes]
    root = nodes[0]
    del nodes
    assert all(p() is not None for p in probes)  # the root holds everything
    del root
    assert sum(1 for p in probes if p() is not None) == 0


def test_the_collector_finds_nothing_of_ours(gc_off: None) -> None:
    root = build(_random_table(10_000))[0]
    root.children[0].append(Node("moved"))
    root.children[-1].move_to(root.children[0])
    _ = root.copy()
    del root, _
    gc.enable()
    assert gc.collect() == 0


def test_holding_a_leaf_keeps_only_the_leaf(gc_off: None) -> None:
    root = Node("html")
    body = root.append(Node("body"))
    para = body.append(Node("p"))
    child = para.append(Node("text"))
    probes = [weakref.ref(root), weakref.ref(body)]
    del root, body
    assert [p() for p in probes] == [None, None]
    assert para.parent is None
    assert para.parent_collected
    assert para.collected_parent_label == "body"
    assert not para.detached
    assert para.is_root and para.depth == 0 and para.root is para
    assert child.parent is para and child.depth == 1  # the held subtree is intact


def test_reattaching_an_orphan_resets_the_mark(gc_off: None) -> None:
    leaf = Node("tmp").append(Node("leaf"))
    assert leaf.parent_collected and leaf.collected_parent_label == "tmp"
    home = Node("home")
    home.append(leaf)
    assert leaf.parent is home and not leaf.parent_collected
    assert leaf.collected_parent_label is None
    leaf.detach()
    assert leaf.detached and not leaf.parent_collected


def test_detaching_an_orphan_clears_the_mark(gc_off: None) -> None:
    leaf = Node("tmp").append(Node("leaf"))
    leaf.detach()
    assert not leaf.parent_collected and leaf.detached


def test_the_label_is_the_one_at_first_adoption(gc_off: None) -> None:
    parent = Node("before")
    a = parent.append(Node("a"))
    parent.name = "after"
    b = parent.append(Node("b"))
    del parent
    assert a.collected_parent_label == b.collected_parent_label == "before"


def test_orphan_depth_stops_at_the_collected_parent(gc_off: None) -> None:
    root = Node("r")
    mid = root.append(Node("mid"))
    low = mid.append(Node("low"))
    leaf = low.append(Node("leaf"))
    assert leaf.depth == 3
    del root
    assert mid.parent_collected
    assert leaf.depth == 2 and leaf.path == (mid, low, leaf)
    assert mid.is_ancestor_of(leaf)
    del mid
    assert leaf.depth == 1 and low.parent_collected


def test_a_strong_back_reference_is_the_users_cycle() -> None:
    """The lesson in reverse: a strong up-link makes a cycle that only the collector frees."""
    gc.collect()
    gc.disable()
    try:
        root = Node("root")
        leaf = root.append(Node("leaf"))
        leaf.owner = root  # a strong back-reference, added by the user
        probe = weakref.ref(root)
        del root, leaf
        assert probe() is not None  # refcounting alone cannot free a cycle
    finally:
        gc.enable()
    gc.collect()
    assert probe() is None
