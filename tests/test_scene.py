"""The scene layer: SceneNode as a node, cached world transforms, keep_world, visibility."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import re
import runpy
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boughs
from boughs import BaseNode, LoopError, Node, ResolveError, render_text, same_shape
from boughs.events import Mutation
from boughs.scene import (
    Quaternion,
    SceneNode,
    SceneStats,
    Transform,
    stats,
    visible_nodes,
)
from tests.strategies import check_invariants

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- helpers --


def brute_world(node: SceneNode) -> Transform:
    """The world transform by composing locals from the top of the scene, no cache."""
    chain = [node]
    p = node.parent
    while isinstance(p, SceneNode):
        chain.append(p)
        p = p.parent
    world = Transform.identity()
    for n in reversed(chain):
        world = world @ n.transform
    return world


def brute_visible(node: SceneNode) -> bool:
    n: BaseNode | None = node
    while isinstance(n, SceneNode):
        if not n.visible:
            return False
        n = n.parent
    return True


def cache_state(node: SceneNode) -> tuple[Any, ...]:
    c = node._cache
    return (node._local, c.world, c.vis, c.basis, c.clock, c.clock.epoch, c.checked)


def settle(nodes: list[SceneNode]) -> None:
    """Read every node's world values, so that the next counts start from a clean cache."""
    for n in nodes:
        _ = n.world_transform


def heap(n: int, cls: type[SceneNode] = SceneNode, arity: int = 4) -> list[SceneNode]:
    """A complete ``arity``-ary tree of ``n`` scene nodes, each moved by (1, 0, 0)."""
    shift = Transform(translation=(1.0, 0.0, 0.0))
    nodes = [cls("n0", transform=shift)]
    for i in range(1, n):
        nodes.append(nodes[(i - 1) // arity].append(cls(f"n{i}", transform=shift)))
    return nodes


def quarter_turn(axis: tuple[float, float, float]) -> Quaternion:
    return Quaternion.from_axis_angle(axis, math.pi / 2)


# ------------------------------------------------------ construction, API --


def test_defaults_and_parts() -> None:
    n = SceneNode()
    assert n.name is None and n.visible and n.visible_in_tree
    assert n.transform is Transform.identity()
    assert n.world_transform is Transform.identity()
    assert n.tree_label() == "SceneNode"
    m = SceneNode("m", position=(1, 2, 3), rotation=quarter_turn((0, 0, 1)), scale=2)
    assert m.position == (1.0, 2.0, 3.0)
    assert m.scale == (2.0, 2.0, 2.0)
    assert m.rotation.angle_to(quarter_turn((0, 0, 1))) < 1e-12
    t = Transform(translation=(4, 5, 6))
    assert SceneNode("t", transform=t).transform is t
    assert not hasattr(n, "__dict__")


def test_setters_keep_the_other_parts() -> None:
    q = quarter_turn((0, 1, 0))
    n = SceneNode("n", position=(1, 0, 0), rotation=q, scale=(1, 2, 3))
    n.position = (7, 8, 9)
    assert n.rotation.angle_to(q) < 1e-12 and n.scale == pytest.approx((1, 2, 3))
    n.scale = 5
    assert n.position == (7.0, 8.0, 9.0) and n.scale == pytest.approx((5, 5, 5))
    n.rotation = (1, 0, 0, 0)
    assert n.position == (7.0, 8.0, 9.0) and n.scale == pytest.approx((5, 5, 5))
    assert n.world_transform.isclose(Transform((7, 8, 9), (1, 0, 0, 0), 5))


def test_constructor_errors_name_the_value_and_the_fix() -> None:
    with pytest.raises(TypeError, match=r"either transform= or position"):
        SceneNode("x", transform=Transform(), position=(1, 0, 0))
    with pytest.raises(TypeError, match=r"boughs.Transform, not \(1, 2, 3\).*Transform\("):
        SceneNode("x", transform=(1, 2, 3))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"visible must be True or False, not 'no'"):
        SceneNode("x", visible="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="translation"):
        SceneNode("x", position=(1, 2))
    n = SceneNode("n")
    with pytest.raises(TypeError, match=r"SceneNode\('n'\).transform"):
        n.transform = "up"  # type: ignore[assignment]
    with pytest.raises(TypeError, match="visible must be True or False"):
        n.visible = 1  # type: ignore[assignment]
    assert n.transform is Transform.identity() and n.visible


def test_failed_setters_change_nothing() -> None:
    root = SceneNode("root", position=(1, 0, 0))
    leaf = SceneNode("leaf", position=(0, 1, 0), parent=root)
    _ = leaf.world_transform
    before = cache_state(root), cache_state(leaf)
    for bad in ((1, 2), "xyz", (math.nan, 0, 0)):
        with pytest.raises((TypeError, ValueError)):
            root.position = bad  # type: ignore[assignment]
    with pytest.raises(ValueError):
        root.rotation = (0, 0, 0, 0)
    with pytest.raises((TypeError, ValueError)):
        root.scale = "big"  # type: ignore[assignment]
    assert (cache_state(root), cache_state(leaf)) == before


def test_assigning_an_equal_value_invalidates_nothing() -> None:
    root = SceneNode("root", position=(1, 0, 0), children=[SceneNode("a")])
    _ = root.children[0].world_transform  # type: ignore[attr-defined]
    before = cache_state(root), cache_state(root.children[0])  # type: ignore[arg-type]
    root.transform = Transform(translation=(1, 0, 0))
    root.visible = True
    assert (cache_state(root), cache_state(root.children[0])) == before  # type: ignore[arg-type]


def test_exports() -> None:
    assert boughs.SceneNode is SceneNode
    assert boughs.Transform is Transform and boughs.Quaternion is Quaternion
    assert list(boughs.__all__) == sorted(boughs.__all__)
    assert repr(SceneStats()) == "SceneStats(recomputed=0, validated=0)"


# --------------------------------------------------- obeys the core contract --


def test_mutations_keep_the_tree_consistent() -> None:
    root = SceneNode("root", children=[SceneNode(c) for c in "abcde"])
    a, b, c, d, e = root.children
    a.append(b)
    root.insert(0, d)
    c.replace_with(SceneNode("c2"))
    e.insert_before(c)
    e.insert_after(SceneNode("f"))
    root.sort_children(key=lambda n: str(n.name))
    assert [n.name for n in root.children] == ["a", "c", "c2", "d", "e", "f"]
    root.children = [e, d]
    root.extend([a])
    assert b.parent is a and a.parent is root
    root.remove(d)
    check_invariants(root)
    assert [n.name for n in root.walk()] == ["root", "e", "a", "b"]
    assert [n.name for n in root.walk("post")] == ["e", "b", "a", "root"]
    assert root.find(name="b") is b and root.find_all(lambda n: n.is_leaf) == [e, b]
    with pytest.raises(LoopError):
        b.append(root)
    check_invariants(root)


def test_mixed_with_plain_nodes() -> None:
    top = SceneNode("top", position=(5, 0, 0))
    folder = Node("folder", parent=top)
    inner = SceneNode("inner", position=(1, 0, 0), parent=folder)
    # A scene node under a plain node treats that parent as the identity.
    assert inner.world_position == (1.0, 0.0, 0.0)
    top.visible = False
    assert inner.visible_in_tree
    folder.move_to(SceneNode("elsewhere", position=(9, 9, 9)))
    assert inner.world_position == (1.0, 0.0, 0.0)
    check_invariants(top)


def test_copy_and_pickle_round_trips_keep_transforms() -> None:
    base = SceneNode("base", position=(10, 0, 0))
    arm = SceneNode("arm", position=(0, 1, 0), rotation=quarter_turn((0, 0, 1)), parent=base)
    hand = SceneNode("hand", position=(2, 0, 0), visible=False, parent=arm)
    assert hand.world_position == pytest.approx((10, 3, 0))
    for twin in (arm.copy(), copy.deepcopy(arm), pickle.loads(pickle.dumps(arm))):
        assert twin.parent is None and same_shape(twin, arm, key=lambda n: n.name)
        twin_hand = twin.children[0]
        assert twin.transform == arm.transform and twin_hand.transform == hand.transform
        assert not twin_hand.visible and not twin_hand.visible_in_tree
        # The copy's top is a root now: its world is its local transform.
        assert twin.world_transform == twin.transform
        assert twin_hand.world_transform == brute_world(twin_hand)
        assert twin_hand.world_position == pytest.approx((0, 3, 0))
    flat = copy.copy(arm)
    assert flat.parent is None and flat.is_leaf and flat.world_transform == arm.transform
    assert flat._cache is not arm._cache
    assert hand.world_position == pytest.approx((10, 3, 0))  # the originals are untouched


def test_copies_and_pickles_carry_no_cached_values() -> None:
    nodes = heap(200)
    fresh = len(pickle.dumps(nodes[0]))
    for n in nodes:
        _ = n.world_transform
    assert len(pickle.dumps(nodes[0])) == fresh
    twin = copy.deepcopy(nodes[0])
    assert all(n._cache.world is None for n in twin.walk())


def test_copy_of_a_plain_tree_holding_scene_nodes() -> None:
    top = Node("top")
    s = SceneNode("s", position=(1, 0, 0), parent=top)
    t = SceneNode("t", position=(0, 1, 0), parent=s)
    _ = t.world_transform
    twin = top.copy()
    twin_t = twin.children[0].children[0]
    assert twin_t.world_position == (1.0, 1.0, 0.0)
    s.position = (5, 0, 0)
    assert twin_t.world_position == (1.0, 1.0, 0.0) and t.world_position == (5.0, 1.0, 0.0)


def test_deep_chain_without_recursion() -> None:
    depth = 100_000
    shift = Transform(translation=(1.0, 0.0, 0.0))
    root = top = SceneNode("c0", transform=shift)
    for i in range(1, depth):
        top = top.append(SceneNode(f"c{i}", transform=shift))
    leaf = top
    stats.reset()
    assert leaf.world_position == (float(depth), 0.0, 0.0)
    assert stats.recomputed == depth
    stats.reset()
    root.position = (0, 0, 0)  # one change at the top: the whole chain recomputes, iteratively
    assert leaf.world_position == (float(depth - 1), 0.0, 0.0)
    assert stats.recomputed == depth
    root.visible = False
    assert not leaf.visible_in_tree
    assert list(visible_nodes(root)) == []


def test_deep_copies_and_pickles() -> None:
    depth = 5_000  # far past the recursion limit; the core's test_deep covers a million
    shift = Transform(translation=(1.0, 0.0, 0.0))
    root = top = SceneNode("c0", transform=shift)
    for i in range(1, depth):
        top = top.append(SceneNode(f"c{i}", transform=shift))
    _ = top.world_transform
    for twin in (root.copy(), pickle.loads(pickle.dumps(root))):
        leaf = twin.find(name=f"c{depth - 1}")
        assert leaf.world_position == (float(depth), 0.0, 0.0)


def test_no_cycles_and_collected_parents() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        root = SceneNode("root", position=(1, 0, 0))
        leaf = SceneNode("leaf", position=(0, 1, 0), parent=root)
        watch = weakref.ref(root)
        assert leaf.world_position == (1.0, 1.0, 0.0)  # cached under root
        del root
        assert watch() is None, "freed by reference counting alone"
        assert leaf.parent_collected
        # The parent died, so the cached world (computed under it) is stale.
        assert leaf.world_position == (0.0, 1.0, 0.0)
        assert leaf.collected_parent_label == "root"
    finally:
        if was:
            gc.enable()
    gc.collect()
    tree = heap(50)
    del tree
    assert gc.collect() == 0


def test_a_change_in_one_scene_costs_nothing_to_reads_in_another() -> None:
    a, b = heap(1_001, arity=1), heap(1_001, arity=1)  # two chains, 1,000 deep
    settle([a[-1], b[-1]])
    stats.reset()
    for i in range(1_000):  # changes of every kind in scene a
        a[1].position = (float(i), 0.0, 0.0)
        a[0].visible = not a[0].visible
        SceneNode("x", parent=a[1]).detach()
        assert b[-1].world_position == (1_001.0, 0.0, 0.0)
    assert stats.validated == stats.recomputed == 0  # with one global epoch: 1,001 per read
    assert a[-1].world_position == (1_999.0, 0.0, 0.0)
    assert (stats.validated, stats.recomputed) == (1_001, 1_000)  # scene a: O(depth), once


def test_moves_between_scenes_and_deaths_keep_each_scene_exact() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        top = SceneNode("top", position=(1, 0, 0))
        left = SceneNode("left", position=(0, 1, 0), parent=top)
        right = SceneNode("right", position=(0, 2, 0), parent=top)
        deep_left = SceneNode("deep", position=(0, 0, 1), parent=left)
        deep_right = SceneNode("deep", position=(0, 0, 2), parent=right)
        other = SceneNode("other", position=(5, 0, 0))
        settle([deep_left, deep_right, other])
        del top  # left and right become the tops of two scenes that share a clock
        assert deep_left.world_position == (0.0, 1.0, 1.0)
        assert deep_right.world_position == (0.0, 2.0, 2.0)
        left.position = (0, 3, 0)  # ticks the shared clock: right re-checks, correctly
        assert deep_right.world_position == (0.0, 2.0, 2.0)
        assert deep_left.world_position == (0.0, 3.0, 1.0)
        right.move_to(other)  # into another scene: checked under its clock from now on
        assert deep_right.world_position == (5.0, 2.0, 2.0)
        left.position = (0, 4, 0)
        stats.reset()
        assert deep_right.world_position == (5.0, 2.0, 2.0)
        assert stats.validated == 0
        other.position = (6, 0, 0)
        assert deep_right.world_position == (6.0, 2.0, 2.0)
        assert deep_left.world_position == (0.0, 4.0, 1.0)
        right.detach()  # a scene of its own again
        other.position = (7, 0, 0)
        stats.reset()
        assert deep_right.world_position == (0.0, 2.0, 2.0)
        assert stats.validated == 2  # right, then deep: the detach ticked their old clock
        stats.reset()
        other.position = (8, 0, 0)
        assert deep_right.world_position == (0.0, 2.0, 2.0)
        assert stats.validated == 0
    finally:
        if was:
            gc.enable()


# ------------------------------------------------- world transform correctness --


def test_world_is_parent_world_at_local() -> None:
    sun = SceneNode("sun", rotation=quarter_turn((0, 0, 1)), scale=2)
    earth = SceneNode("earth", position=(5, 0, 0), parent=sun)
    moon = SceneNode("moon", position=(1, 0, 0), scale=0.5, parent=earth)
    assert moon.world_position == pytest.approx((0, 12, 0))
    assert moon.world_transform == sun.transform @ earth.transform @ moon.transform
    assert moon.world_transform.scale == pytest.approx((1, 1, 1))
    earth.position = (0, 1, 0)
    assert moon.world_position == pytest.approx((-2, 2, 0))
    moon.detach()
    assert moon.world_transform == moon.transform


transforms = st.builds(
    Transform,
    translation=st.tuples(*[st.floats(-10, 10)] * 3),
    rotation=st.tuples(*[st.floats(-1, 1)] * 4).filter(lambda q: math.hypot(*q) > 0.1),
    scale=st.one_of(st.floats(0.5, 2), st.tuples(*[st.floats(0.5, 2)] * 3)),
)


@given(st.data())
@settings(max_examples=40)
def test_random_edits_match_brute_force(data: st.DataObject) -> None:
    size = data.draw(st.integers(2, 14), label="size")
    nodes: list[BaseNode] = []
    for i in range(size):
        if i and data.draw(st.integers(0, 6)) == 0:
            nodes.append(Node(f"plain{i}"))
        else:
            nodes.append(SceneNode(f"s{i}", transform=data.draw(transforms)))
        if i:
            nodes[data.draw(st.integers(0, i - 1))].append(nodes[i])
    scene = [n for n in nodes if isinstance(n, SceneNode)]
    picks = st.sampled_from(scene)
    for _ in range(data.draw(st.integers(0, 25), label="steps")):
        op = data.draw(st.sampled_from(["local", "part", "visible", "move", "keep", "detach"]))
        node = data.draw(picks)
        if op == "local":
            node.transform = data.draw(transforms)
        elif op == "part":
            node.position = data.draw(st.tuples(*[st.floats(-5, 5)] * 3))
        elif op == "visible":
            node.visible = not node.visible
        elif op == "detach":
            node.detach()
        else:
            target = data.draw(st.sampled_from(nodes))
            if target is node or node.is_ancestor_of(target):
                with pytest.raises(LoopError):
                    node.move_to(target, keep_world=op == "keep")
                continue
            before = node.world_transform
            node.move_to(target, keep_world=op == "keep")
            if op == "keep":
                assert node.world_transform.isclose(before, rel_tol=1e-6, abs_tol=1e-6)
        # Read a random subset, in a random order, so partial validation states arise.
        for n in data.draw(st.lists(picks, max_size=4)):
            assert n.world_transform == brute_world(n)
            assert n.visible_in_tree == brute_visible(n)
    for n in scene:
        assert n.world_transform == brute_world(n), n
        assert n.visible_in_tree == brute_visible(n), n
    for n in nodes:
        check_invariants(n.root)


# ------------------------------------------------------- invalidation counts --

BIG = 100_000


@pytest.fixture(scope="module")
def big() -> list[SceneNode]:
    """A 4-ary tree of 100,000 scene nodes (depth 9), its worlds read once."""
    nodes = heap(BIG)
    for n in nodes:
        _ = n.world_transform
    return nodes


def test_counts_move_the_root_of_a_big_subtree(big: list[SceneNode]) -> None:
    root, leaf = big[0], big[-1]
    top = SceneNode("top")
    holder = SceneNode("holder", position=(0, 7, 0), parent=top)
    _ = holder.world_transform
    stats.reset()
    root.move_to(holder)  # O(1): nothing is recomputed now
    assert stats.recomputed == stats.validated == 0
    path = leaf.depth - root.depth + 1  # the heap nodes from the root down to this leaf
    assert path == 10
    assert leaf.world_position == (float(path), 7.0, 0.0)
    assert stats.recomputed == path  # O(depth)
    assert stats.validated == path  # holder and top stay current: their scene's clock held
    stats.reset()
    for n in big:
        _ = n.world_transform
    assert stats.recomputed == BIG - path  # each node once: O(N) in total
    assert stats.validated == BIG - path
    stats.reset()
    for n in big:
        assert n.world_position == (n.depth - 1.0, 7.0, 0.0)
    assert stats.recomputed == stats.validated == 0  # nothing changed: all O(1) hits
    for n in big[-50:]:
        assert n.world_transform == brute_world(n)
    root.detach()


def test_counts_local_changes(big: list[SceneNode]) -> None:
    settle(big)
    leaf = big[-1]
    leaf.position = (0.5, 0, 0)
    stats.reset()
    for n in big:
        _ = n.world_transform
    assert stats.recomputed == stats.validated == 1  # only the leaf: no epoch bump at all
    inner = big[1]  # subtree of 1 + 4 + 16 + ... nodes
    size = sum(1 for _ in inner.walk())
    inner.position = (2, 0, 0)
    stats.reset()
    for n in big:
        _ = n.world_transform
    assert stats.recomputed == size
    assert stats.validated == BIG  # every other node is checked once, O(1) each
    for n in list(inner.walk())[-50:]:
        assert n.world_transform == brute_world(n)


def test_counts_visibility_toggles_recompute_no_matrix(big: list[SceneNode]) -> None:
    root = big[0]
    settle(big)
    stats.reset()
    root.visible = False
    assert not any(n.visible_in_tree for n in big)
    assert stats.recomputed == 0 and stats.validated == BIG
    root.visible = True
    assert all(n.visible_in_tree for n in big)
    assert stats.recomputed == 0


def test_moving_under_an_equal_world_keeps_the_subtree_cache(big: list[SceneNode]) -> None:
    root = big[0]
    here, there = SceneNode("here"), SceneNode("there")
    root.move_to(here)
    settle([*big, there])
    stats.reset()
    root.move_to(there)  # the same (identity) world: no matrix changes
    for n in big:
        _ = n.world_transform
    assert stats.recomputed == 0
    root.detach()


# ---------------------------------------------------------------- keep_world --


def test_keep_world_uniform_scale() -> None:
    a = SceneNode("a", position=(5, 0, 0), rotation=quarter_turn((0, 0, 1)))
    b = SceneNode("b", position=(0, 1, 0), rotation=quarter_turn((1, 0, 0)), scale=2)
    item = SceneNode("item", position=(1, 0, 0), rotation=quarter_turn((0, 1, 0)), parent=a)
    child = SceneNode("child", position=(0, 0, 1), parent=item)
    world, child_world = item.world_transform, child.world_transform
    assert item.move_to(b, keep_world=True) is item
    assert item.parent is b
    assert item.world_transform.isclose(world)
    assert child.world_transform.isclose(child_world)
    assert item.transform.is_trs and item.scale == pytest.approx((0.5, 0.5, 0.5))
    # three.js: newParent.attach(obj); oldParent.attach(obj) puts it back where it was.
    item.move_to(a, 0, keep_world=True)
    assert item.transform.isclose(Transform((1, 0, 0), quarter_turn((0, 1, 0))))


def test_keep_world_without_it_the_local_is_kept() -> None:
    a = SceneNode("a", position=(5, 0, 0))
    b = SceneNode("b", position=(0, 1, 0))
    item = SceneNode("item", position=(1, 0, 0), parent=a)
    item.move_to(b)
    assert item.position == (1.0, 0.0, 0.0) and item.world_position == (1.0, 1.0, 0.0)


def test_keep_world_to_plain_parent_and_same_parent() -> None:
    a = SceneNode("a", position=(5, 0, 0), children=[SceneNode("x")])
    item = SceneNode("item", position=(1, 0, 0), parent=a)
    local = item.transform
    item.move_to(a, 0, keep_world=True)  # a reorder: the local is not recomputed at all
    assert item.transform is local and a.children[0] is item
    folder = Node("folder")
    item.move_to(folder, keep_world=True)
    assert item.transform == Transform(translation=(6, 0, 0))


def test_keep_world_non_uniform_scale_keeps_the_exact_sheared_matrix() -> None:
    stretched = SceneNode("stretched", scale=(1, 3, 1))
    spin = Quaternion.from_axis_angle((0, 0, 1), 0.5)
    item = SceneNode("item", position=(1, 2, 3), rotation=spin, scale=(1, 2, 1))
    world = item.world_transform
    item.move_to(stretched, keep_world=True)
    assert item.world_transform.isclose(world)  # the pose is kept exactly
    assert not item.transform.is_trs  # ... so the local has shear
    with pytest.raises(ValueError, match="shear"):
        _ = item.rotation
    with pytest.raises(ValueError, match=r"without_shear\(\)"):
        item.rotation = (1, 0, 0, 0)
    item.position = (0, 0, 0)  # the translation can always be set
    item.transform = item.transform.without_shear()  # the documented way back to TRS
    assert item.transform.is_trs
    assert not item.world_transform.isclose(world.with_translation((0, 0, 0)), abs_tol=1e-3)


def test_keep_world_errors_change_nothing() -> None:
    flat = SceneNode("flat", scale=(1, 0, 1))
    a = SceneNode("a", position=(1, 0, 0))
    item = SceneNode("item", position=(0, 1, 0), parent=a)
    kid = SceneNode("kid", parent=item)
    settle([a, item, kid, flat])
    states = lambda: [cache_state(n) for n in (a, item, kid, flat)]  # noqa: E731
    before = states()
    with pytest.raises(ValueError, match=r"singular.*keep_world=False"):
        item.move_to(flat, keep_world=True)
    with pytest.raises(LoopError):
        item.move_to(kid, keep_world=True)
    with pytest.raises(TypeError):
        item.move_to("a", keep_world=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        item.move_to(SceneNode("b"), "first", keep_world=True)  # type: ignore[arg-type]
    assert states() == before
    assert item.parent is a


class Picky(SceneNode):
    def validate_child(self, child: BaseNode) -> None:
        child.world_position  # reads values during the call, then refuses
        raise ValueError(f"{self.name} refuses {child.name}")


def test_keep_world_veto_changes_nothing() -> None:
    a = SceneNode("a", position=(1, 0, 0))
    item = SceneNode("item", position=(0, 1, 0), parent=a)
    kid = SceneNode("kid", position=(0, 0, 1), parent=item)
    _ = kid.world_transform
    picky = Picky("picky", position=(0, 5, 0))
    local = item.transform
    with pytest.raises(ValueError, match="refuses"):
        item.move_to(picky, keep_world=True)
    assert item.parent is a and item.transform is local
    assert item.world_position == (1.0, 1.0, 0.0) and kid.world_position == (1.0, 1.0, 1.0)


def test_observers_and_hooks_see_the_final_world() -> None:
    seen: list[Any] = []
    a = SceneNode("a", position=(1, 0, 0))
    b = SceneNode("b", position=(0, 5, 0))
    item = SceneNode("item", position=(0, 1, 0), parent=a)
    _ = item.world_transform

    def record(m: Mutation) -> None:
        seen.append((m.kind, m.node.world_position))  # type: ignore[attr-defined]

    with b.observe(record, weak=False):
        item.move_to(b, keep_world=True)
        item.move_to(a)
    # The second move keeps the local (1, -4, 0) set by the first one: under a, (2, -4, 0).
    assert seen == [("moved", (1.0, 1.0, 0.0)), ("moved", (2.0, -4.0, 0.0))]


class Sloppy(SceneNode):
    """Overrides a hook without calling super(): invalidation must still happen."""

    __slots__ = ("log",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.log: list[str] = []
        super().__init__(*args, **kwargs)

    def on_attached(self, parent: BaseNode) -> None:
        self.log.append(f"attached to {parent.name}")  # type: ignore[attr-defined]


def test_overridden_hooks_still_invalidate() -> None:
    a = SceneNode("a", position=(1, 0, 0))
    b = SceneNode("b", position=(2, 0, 0))
    s = Sloppy("s", parent=a, children=[SceneNode("k")])
    kid = s.children[0]
    assert kid.world_position == (1.0, 0.0, 0.0)
    b.append(s)
    assert kid.world_position == (2.0, 0.0, 0.0)
    assert s.log == ["attached to a", "attached to b"]
    assert Sloppy.on_attached.__wrapped__.__name__ == "on_attached"  # type: ignore[attr-defined]


# ---------------------------------------------------------------- visibility --


def test_visibility() -> None:
    root = SceneNode("root")
    group = SceneNode("group", parent=root)
    item = SceneNode("item", parent=group)
    other = SceneNode("other", parent=root)
    assert item.visible_in_tree
    group.visible = False
    assert not item.visible_in_tree and item.visible and other.visible_in_tree
    assert [n.name for n in visible_nodes(root)] == ["root", "other"]
    recipe = root.walk(filter=lambda n: n.visible, prune=lambda n: not n.visible)
    assert [n.name for n in recipe] == ["root", "other"]
    assert list(visible_nodes(item)) == []  # hidden by an ancestor
    item.move_to(other)
    assert item.visible_in_tree
    group.visible = True
    other.visible = False
    assert not item.visible_in_tree
    assert [n.name for n in visible_nodes(root)] == ["root", "group"]
    with pytest.raises(TypeError, match="needs a node"):
        visible_nodes("root")  # type: ignore[arg-type]


def test_visible_nodes_in_mixed_trees() -> None:
    root = SceneNode("root")
    hidden = SceneNode("hidden", visible=False, parent=root)
    folder = Node("folder", parent=hidden)
    beyond = SceneNode("beyond", parent=folder)
    shown = Node("shown", parent=root)
    inside = SceneNode("inside", parent=shown)
    assert [n.name for n in visible_nodes(root)] == ["root", "inside"]
    assert beyond.visible_in_tree  # scene inheritance stops at plain nodes
    assert all(n.visible_in_tree for n in visible_nodes(root))
    assert [n.name for n in visible_nodes(folder)] == ["beyond"]
    del inside


# --------------------------------------------------------------------- lookup --


def robot() -> SceneNode:
    return SceneNode(
        "robot",
        children=[
            SceneNode(
                "arm",
                position=(0, 1, 0),
                children=[SceneNode("hand", position=(0, 1, 0), children=[SceneNode("finger")])],
            ),
            SceneNode("head", position=(0, 2, 0)),
        ],
    )


def test_find_and_resolve_paths() -> None:
    root = robot()
    arm, head = root.children
    hand = arm.children[0]
    assert root.find(name="hand") is hand
    assert root.find_all(lambda n: n.world_position[1] >= 2) == [hand, hand.children[0], head]
    assert root.resolve("arm/hand") is hand
    assert root.resolve("arm/hand/finger/../..") is arm
    assert hand.resolve("..") is arm
    assert hand.resolve("../../head") is head
    assert hand.resolve("/robot/head") is head
    assert hand.resolve("/robot") is root
    assert hand.resolve(".") is hand
    with pytest.raises(ResolveError, match=r"no child named 'leg'.*\['hand'\]"):
        root.resolve("arm/leg")
    with pytest.raises(ResolveError, match="above the root"):
        root.resolve("..")
    with pytest.raises(ResolveError, match="not 'world'"):
        hand.resolve("/world/arm")


# ------------------------------------------------------------------ rendering --


def test_render_lines() -> None:
    root = robot()
    arm, head = root.children
    arm.rotation = Quaternion.from_axis_angle((0, 0, 1), math.pi / 4)
    head.visible = False
    SceneNode("eye", position=(0.12345, -0.0001, 0), parent=head)
    assert render_text(root) == (
        "robot (0, 0, 0)\n"
        "├── arm (0, 1, 0)\n"
        "│   └── hand (-0.707, 1.707, 0)\n"
        "│       └── finger (-0.707, 1.707, 0)\n"
        "└── head (0, 2, 0) [hidden]\n"
        "    └── eye (0.123, 2, 0)"
    )
    line = head.children[0].rich_label()
    assert line.plain == "eye (0.123, 2, 0)"
    assert any("dim" in str(span.style) for span in line.spans)  # hidden by its parent
    assert not any("dim" in str(span.style) for span in arm.rich_label().spans)
    assert arm.tree_label() == "arm"


def test_rendering_a_mixed_tree_and_markup_in_names() -> None:
    top = Node("top", children=[SceneNode("[bold]s[/bold]", position=(1e6, 0, 0))])
    assert render_text(top) == "top\n└── [bold]s[/bold] (1000000, 0, 0)"


# ------------------------------------------------------------------- example --


def test_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "scene_graph.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "keep_world=True" in out and "moon" in out
    assert "moon (  3.00,  10.00,   0.00) -> ( 13.01,  13.01,   0.00)" in out
    assert re.search(r"\d\.\d{4}", out) is None, out  # no unrounded 9.999999999999998
