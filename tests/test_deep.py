"""A chain a million nodes deep survives every whole-tree operation (no recursion)."""

from __future__ import annotations

import copy
import gc
import pickle
import sys
import weakref

import pytest

from boughs import LoopError, Node, same_shape
from tests.strategies import chain

DEPTH = 1_000_000


@pytest.fixture(scope="module")
def deep() -> tuple[Node, Node]:
    root, leaf = chain(DEPTH)
    return root, leaf  # type: ignore[return-value]


def test_recursion_limit_is_the_default() -> None:
    assert sys.getrecursionlimit() <= 10_000  # nothing below may lean on a raised limit


def test_depth_path_root(deep: tuple[Node, Node]) -> None:
    root, leaf = deep
    assert leaf.depth == DEPTH - 1
    assert leaf.root is root
    path = leaf.path
    assert len(path) == DEPTH and path[0] is root and path[-1] is leaf
    assert sum(1 for _ in leaf.ancestors()) == DEPTH - 1
    assert root.is_ancestor_of(leaf) and leaf.is_descendant_of(root)


def test_height_and_walks(deep: tuple[Node, Node]) -> None:
    root, leaf = deep
    assert root.height == DEPTH - 1
    for order in ("pre", "post", "level"):
        count = 0
        final = None
        for node in root.walk(order):  # type: ignore[arg-type]
            count += 1
            final = node
        assert count == DEPTH
        assert final is (root if order == "post" else leaf)
    assert sum(1 for _ in root.walk(max_depth=10)) == 11
    assert sum(1 for _ in root.walk("post", filter=lambda n: n.is_leaf)) == 1
    assert sum(len(level) for level in root.levels()) == DEPTH
    assert list(root.leaves()) == [leaf]
    assert root.find(lambda n: n is leaf) is leaf


def test_cycle_check(deep: tuple[Node, Node]) -> None:
    root, leaf = deep
    with pytest.raises(LoopError):
        leaf.append(root)
    with pytest.raises(LoopError):
        root.move_to(leaf)
    assert root.parent is None and leaf.is_leaf


def test_copy_and_pickle_round_trip(deep: tuple[Node, Node]) -> None:
    root, leaf = deep
    twin = root.copy()
    assert same_shape(root, twin)
    held = copy.deepcopy(leaf.parent)
    assert held.children[0].parent is held
    del twin
    data = pickle.dumps(root, protocol=pickle.HIGHEST_PROTOCOL)
    loaded = pickle.loads(data)
    assert loaded.height == DEPTH - 1
    assert same_shape(root, loaded)
    del loaded


def test_del_frees_the_chain_without_the_collector() -> None:
    root, leaf = chain(DEPTH)
    probe = weakref.ref(leaf)
    del leaf
    gc.disable()
    try:
        del root
        assert probe() is None
    finally:
        gc.enable()


def test_del_from_the_bottom_keeps_the_held_node() -> None:
    root, leaf = chain(DEPTH)
    del root  # everything above the leaf goes; the leaf survives as an orphan
    assert leaf.parent is None and leaf.parent_collected
