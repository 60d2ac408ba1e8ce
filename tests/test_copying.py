"""Tests for `boughs.copying`: copy, deepcopy, copy.copy, pickle and same_shape."""

from __future__ import annotations

import copy
import gc
import pickle
from typing import Any

import pytest

from boughs import BaseNode, LoopError, Node, WeakRef, same_shape
from boughs import copying as copying_module

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


# ------------------------------------------------------------ node types --


class Owned(Node):
    """A dict-based node with a weak back-reference."""

    owner = WeakRef()


class Slotted(BaseNode):
    """A slotted node: a name, a weak back-reference, a private (mangled) slot."""

    __slots__ = ("__secret", "_owner_ref", "name", "unset")
    owner = WeakRef()

    def __init__(self, name: str, secret: int = 0, **kw: Any) -> None:
        super().__init__(**kw)
        self.name = name
        self.__secret = secret

    @property
    def secret(self) -> int:
        return self.__secret


class SlottedNode(Node):
    """A `Node` subclass with slots of its own next to its ``__dict__``."""

    __slots__ = ("size",)


class Custom(Node):
    """A node with its own pickling protocol."""

    def __getstate__(self) -> dict[str, Any]:
        return {"label": self.name, "calls": getattr(self, "calls", 0) + 1}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name = state["label"]
        self.calls = state["calls"]


class Config:
    """A plain weakly referenceable object."""


def sample(cls: type[Node] = Node) -> Node:
    root = cls("r")
    a = cls("a", parent=root)
    cls("a1", parent=a)
    cls("a2", parent=a, children=[cls("x")])
    cls("b", parent=root)
    return root


def by_name(root: BaseNode) -> dict[str, Any]:
    return {n.name: n for n in root.walk()}  # type: ignore[attr-defined]


def names_pre(root: BaseNode) -> list[Any]:
    return [(n.name, n.depth) for n in root.walk()]  # type: ignore[attr-defined]


def assert_disjoint(a: BaseNode, b: BaseNode) -> None:
    ids = {id(n) for n in a.walk()}
    assert not any(id(n) in ids for n in b.walk())


def assert_sound(root: BaseNode) -> None:
    """Links, depths and the loop check agree on a rebuilt tree."""
    for n in root.walk():
        for i, c in enumerate(n.children):
            assert c.parent is n
            assert c.index == i
        assert n.depth == len(n.path) - 1
        assert n.root is root.root
        for a in n.ancestors():
            assert a.is_ancestor_of(n)
            with pytest.raises(LoopError):
                n.append(a)


# -------------------------------------------------------------- copy() --


def test_copy_is_a_detached_deep_copy_of_the_subtree() -> None:
    root = sample()
    a = by_name(root)["a"]
    twin = a.copy()
    assert twin.parent is None
    assert twin.is_root
    assert not twin.parent_collected
    assert names_pre(twin) == [("a", 0), ("a1", 1), ("a2", 1), ("x", 2)]
    assert_disjoint(root, twin)
    assert a.parent is root  # the original is untouched
    assert same_shape(a, twin, key=lambda n: n.name)
    assert_sound(twin)


def test_deepcopy_equals_copy() -> None:
    root = sample()
    twin = copy.deepcopy(root)
    assert same_shape(root, twin, key=lambda n: n.name)
    assert_disjoint(root, twin)
    assert twin.parent is None
    assert_sound(twin)


def test_copy_keeps_the_class() -> None:
    root = sample(Owned)
    twin = root.copy()
    assert all(type(n) is Owned for n in twin.walk())


def test_copy_deep_copies_attribute_values() -> None:
    shared = [1, 2]
    root = Node("r", tags=["x"], meta={"k": [1]})
    Node("c", parent=root, one=shared, two=shared)
    twin = root.copy()
    assert twin.tags == ["x"]  # type: ignore[attr-defined]
    assert twin.tags is not root.tags  # type: ignore[attr-defined]
    assert twin.meta["k"] is not root.meta["k"]  # type: ignore[attr-defined]
    c = twin.children[0]
    assert c.one == shared and c.one is not shared  # type: ignore[attr-defined]
    assert c.one is c.two  # type: ignore[attr-defined]  # one memo for the whole copy


def test_references_between_nodes_of_the_subtree_point_to_copies() -> None:
    root = sample()
    n = by_name(root)
    n["x"].buddy = n["a1"]  # type: ignore[attr-defined]
    n["a1"].items = [n["a"], n["x"]]  # type: ignore[attr-defined]
    twin = n["a"].copy()
    t = by_name(twin)
    assert t["x"].buddy is t["a1"]
    assert t["a1"].items[0] is twin
    assert t["a1"].items[1] is t["x"]


def test_weak_references_inside_the_subtree_point_to_copies() -> None:
    root = Owned("r")
    a = Owned("a", parent=root)
    x = Owned("x", parent=a)
    outside = Owned("outside")
    x.owner = a
    a.owner = outside
    twin = root.copy()
    ta = twin.children[0]
    tx = ta.children[0]
    assert tx.owner is ta  # inside: the copy
    assert ta.owner is outside  # outside: the original, still weak
    dead = Owned("dead")
    dead.owner = Owned("gone")
    assert Owned.owner.collected(dead)
    assert Owned.owner.collected(dead.copy())


def test_slotted_weak_references_and_private_slots_are_copied() -> None:
    root = Slotted("r", secret=7)
    a = Slotted("a", parent=root, secret=8)
    a.owner = root
    twin = root.copy()
    assert twin.secret == 7
    ta = twin.children[0]
    assert ta.secret == 8
    assert ta.owner is twin
    assert not hasattr(ta, "unset")
    assert not hasattr(twin, "__dict__")


def test_slotted_node_subclass_copies_dict_and_slots() -> None:
    n = SlottedNode("n", children=[SlottedNode("c")])
    n.size = 4
    n.extra = [1]  # type: ignore[attr-defined]
    twin = n.copy()
    assert twin.size == 4
    assert twin.extra == [1]  # type: ignore[attr-defined]
    assert not hasattr(twin.children[0], "size")


def test_custom_getstate_is_used_by_copy() -> None:
    root = sample(Custom)
    twin = root.copy()
    assert same_shape(root, twin, key=lambda n: n.name)
    assert all(n.calls == 1 for n in twin.walk())  # type: ignore[attr-defined]
    assert_sound(twin)


def test_copy_of_a_wide_family_with_holes_keeps_the_order() -> None:
    root = Node("r", children=[Node(str(i)) for i in range(40)])
    for c in list(root.children)[5:30:3]:
        c.detach()
    twin = root.copy()
    assert [c.name for c in twin.children] == [c.name for c in root.children]
    assert_sound(twin)


def test_copy_of_an_orphan_and_of_a_leaf() -> None:
    orphan = Node("tmp").append(Node("o", children=[Node("k")]))
    twin = orphan.copy()
    assert not twin.parent_collected
    assert [c.name for c in twin.children] == ["k"]
    leaf = Node("leaf", v=1)
    assert leaf.copy().v == 1  # type: ignore[attr-defined]


def test_deepcopy_keeps_identity_within_one_call() -> None:
    root = sample()
    n = by_name(root)
    r2, x2 = copy.deepcopy([root, n["x"]])
    assert x2.root is r2
    assert by_name(r2)["x"] is x2
    assert_sound(r2)


def test_deepcopy_of_a_node_then_its_ancestor_rebuilds_a_sound_tree() -> None:
    root = sample()
    n = by_name(root)
    a2, r2 = copy.deepcopy([n["a"], root])
    assert a2.parent is r2
    assert by_name(r2)["a"] is a2
    x2 = by_name(r2)["x"]
    assert x2.depth == 3
    assert r2.is_ancestor_of(x2)
    with pytest.raises(LoopError):
        x2.append(r2)
    assert_sound(r2)


def test_copy_restores_the_gc_state() -> None:
    root = sample()
    assert gc.isenabled()
    root.copy()
    assert gc.isenabled()
    gc.disable()
    try:
        root.copy()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failing_attribute_copy_propagates_and_restores_gc() -> None:
    class Uncopyable:
        def __deepcopy__(self, memo: dict[int, Any]) -> Any:
            raise RuntimeError("no copies")

    root = sample()
    by_name(root)["x"].bad = Uncopyable()  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="no copies"):
        root.copy()
    assert gc.isenabled()
    assert names_pre(root)[0] == ("r", 0)


# ----------------------------------------------------------- copy.copy --


def test_shallow_copy_is_detached_childless_and_shares_values() -> None:
    root = sample()
    a = by_name(root)["a"]
    a.tags = ["t"]  # type: ignore[attr-defined]
    twin = copy.copy(a)
    assert type(twin) is Node
    assert twin.name == "a"
    assert twin.parent is None
    assert twin.is_leaf
    assert twin.tags is a.tags  # type: ignore[attr-defined]
    twin.more = 1  # type: ignore[attr-defined]
    assert not hasattr(a, "more")  # its own attribute dict
    assert [c.name for c in a.children] == ["a1", "a2"]
    assert a.parent is root


def test_shallow_copy_of_slotted_and_custom_nodes() -> None:
    s = Slotted("s", secret=3, parent=Slotted("p"))
    owner = Slotted("o")
    s.owner = owner
    twin = copy.copy(s)
    assert twin.secret == 3
    assert twin.owner is owner
    assert twin.parent is None
    c = Custom("c", children=[Custom("k")])
    ctwin = copy.copy(c)
    assert ctwin.name == "c"
    assert ctwin.is_leaf


# --------------------------------------------------------------- pickle --


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_round_trip(protocol: int) -> None:
    root = sample()
    by_name(root)["x"].payload = {"k": [1, 2]}  # type: ignore[attr-defined]
    back = pickle.loads(pickle.dumps(root, protocol))
    assert same_shape(root, back, key=lambda n: n.name)
    assert by_name(back)["x"].payload == {"k": [1, 2]}
    assert back.parent is None
    assert not back.parent_collected
    assert_disjoint(root, back)
    assert_sound(back)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_does_not_save_the_parent(protocol: int) -> None:
    root = sample()
    a = by_name(root)["a"]
    data = pickle.dumps(a, protocol)
    assert b"'r'" not in data and b"\x01r" not in data.replace(b"a1", b"")
    back = pickle.loads(data)
    assert back.parent is None
    assert not back.parent_collected
    assert [n.name for n in back.walk()] == ["a", "a1", "a2", "x"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_keeps_identity_within_one_pickle(protocol: int) -> None:
    root = sample()
    n = by_name(root)
    r2, x2 = pickle.loads(pickle.dumps([root, n["x"]], protocol))
    assert by_name(r2)["x"] is x2
    assert x2.root is r2
    assert_sound(r2)
    x3, r3 = pickle.loads(pickle.dumps([n["x"], root], protocol))
    assert by_name(r3)["x"] is x3
    assert_sound(r3)
    a4, r4, a24 = pickle.loads(pickle.dumps([n["a"], root, n["a2"]], protocol))
    assert a4.parent is r4
    assert a24.parent is a4
    assert_sound(r4)
    x5, again = pickle.loads(pickle.dumps([n["x"], n["x"]], protocol))
    assert x5 is again
    assert x5.parent is None
    d = pickle.loads(pickle.dumps({"tree": root, "leaf": n["a1"]}, protocol))
    assert d["leaf"].parent.parent is d["tree"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_a_node_before_its_ancestor(protocol: int) -> None:
    root = sample()
    n = by_name(root)
    x2, a2, r2 = pickle.loads(pickle.dumps([n["x"], n["a"], root], protocol))
    assert x2.root is r2
    assert a2.parent is r2
    assert x2.depth == 3
    assert r2.is_ancestor_of(x2)
    with pytest.raises(LoopError):
        x2.append(r2)
    assert_sound(r2)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_references_between_nodes(protocol: int) -> None:
    root = sample(Owned)
    n = by_name(root)
    n["x"].buddy = n["a1"]
    n["x"].owner = n["a"]
    n["a1"].owner = root
    back = pickle.loads(pickle.dumps(root, protocol))
    t = by_name(back)
    assert t["x"].buddy is t["a1"]
    assert t["x"].owner is t["a"]
    assert t["a1"].owner is back
    dead = Owned("d")
    dead.owner = Owned("gone")
    again = pickle.loads(pickle.dumps(dead, protocol))
    assert again.owner is None
    assert Owned.owner.collected(again)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_a_weak_reference_to_an_ancestor_outside_the_pickle(protocol: int) -> None:
    root = sample(Owned)
    n = by_name(root)
    n["x"].owner = root  # weak, and outside the pickled subtree
    back = pickle.loads(pickle.dumps(n["a"], protocol))
    assert back.parent is None
    assert not back.parent_collected  # the pickle did not drag the parent along
    assert [m.name for m in back.walk()] == ["a", "a1", "a2", "x"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_weak_references_to_nodes_pickled_in_the_same_call(protocol: int) -> None:
    root = sample(Owned)
    n = by_name(root)
    n["x"].owner = root
    r2, a2 = pickle.loads(pickle.dumps([root, n["a"]], protocol))
    assert a2.parent is r2
    assert by_name(r2)["x"].owner is r2


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_weak_references_to_other_objects_keep_identity(protocol: int) -> None:
    config = Config()
    root = sample(Owned)
    by_name(root)["x"].owner = config
    back, config2 = pickle.loads(pickle.dumps([root, config], protocol))
    assert by_name(back)["x"].owner is config2


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_slotted_nodes(protocol: int) -> None:
    root = Slotted("r", secret=1)
    a = Slotted("a", parent=root, secret=2)
    Slotted("b", parent=a, secret=3).owner = a
    back = pickle.loads(pickle.dumps(root, protocol))
    assert [(m.name, m.secret) for m in back.walk()] == [("r", 1), ("a", 2), ("b", 3)]
    b = back.children[0].children[0]
    assert b.owner is back.children[0]
    assert not hasattr(b, "unset")
    s = SlottedNode("s", children=[SlottedNode("t")])
    s.size = 9
    s.extra = "e"  # type: ignore[attr-defined]
    s2 = pickle.loads(pickle.dumps(s, protocol))
    assert (s2.size, s2.extra) == (9, "e")  # type: ignore[attr-defined]
    assert not hasattr(s2.children[0], "size")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_custom_getstate_and_setstate(protocol: int) -> None:
    root = sample(Custom)
    back = pickle.loads(pickle.dumps(root, protocol))
    assert same_shape(root, back, key=lambda n: n.name)
    assert all(n.calls == 1 for n in back.walk())  # type: ignore[attr-defined]
    assert_sound(back)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pickle_wide_family_with_holes_and_leaves(protocol: int) -> None:
    root = Node("r", children=[Node(str(i)) for i in range(50)])
    for c in list(root.children)[::4]:
        c.detach()
    back = pickle.loads(pickle.dumps(root, protocol))
    assert [c.name for c in back.children] == [c.name for c in root.children]
    assert_sound(back)
    leaf = pickle.loads(pickle.dumps(Node("leaf", v=[1]), protocol))
    assert (leaf.name, leaf.v, leaf.is_leaf) == ("leaf", [1], True)  # type: ignore[attr-defined]


def test_pickle_leaves_no_marks_behind() -> None:
    root = sample()
    n = by_name(root)
    pickle.dumps([n["x"], root, n["a"]])
    assert copying_module._marked() == set()
    assert copying_module._inside() == []
    # A node pickled on its own later is still pickled with its subtree.
    back = pickle.loads(pickle.dumps(n["a"]))
    assert [m.name for m in back.walk()] == ["a", "a1", "a2", "x"]


def test_pickle_restores_the_gc_state() -> None:
    data = pickle.dumps(sample())
    pickle.loads(data)
    assert gc.isenabled()


def test_corrupt_tree_state_is_a_value_error() -> None:
    top = Node("t")
    kid = Node("k")
    with pytest.raises(ValueError, match="corrupt"):
        copying_module._set_tree_state(top, ([kid, None], b""))
    bad = copying_module.array("q", [5]).tobytes()
    with pytest.raises(ValueError, match="corrupt"):
        copying_module._set_tree_state(top, ([kid, None], bad))
    with pytest.raises(ValueError, match="corrupt"):
        copying_module._set_tree_state(top, ([], b""))
    assert top.is_leaf
    assert kid.parent is None


# ----------------------------------------------------------- same_shape --


def test_same_shape() -> None:
    a = sample()
    assert same_shape(a, a)
    assert same_shape(a, a.copy())
    b = a.copy()
    by_name(b)["x"].name = "renamed"
    assert same_shape(a, b)
    assert not same_shape(a, b, key=lambda n: n.name)
    by_name(b)["b"].append(Node("extra"))
    assert not same_shape(a, b)
    assert same_shape(Node("p"), Node("q"))
    assert not same_shape(Node("p"), Node("p", children=[Node("c")]))


def test_same_shape_is_positional() -> None:
    # Same node count per level, but the children hang from different parents.
    left = Node("r", children=[Node("a", children=[Node("k")]), Node("b")])
    right = Node("r", children=[Node("a"), Node("b", children=[Node("k")])])
    assert not same_shape(left, right)
    assert same_shape(left, left.copy())


def test_same_shape_ignores_holes() -> None:
    wide = Node("r", children=[Node(str(i)) for i in range(30)])
    for c in list(wide.children)[::2]:
        c.detach()
    fresh = Node("r", children=[Node(c.name) for c in wide.children])
    assert same_shape(wide, fresh, key=lambda n: n.name)


def test_same_shape_key_errors_and_bad_input() -> None:
    a = sample()

    def boom(n: Node) -> Any:
        raise KeyError("k")

    with pytest.raises(KeyError):
        same_shape(a, a.copy(), key=boom)
    with pytest.raises(TypeError):
        same_shape(a, "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        same_shape(None, a)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="key"):
        same_shape(a, a, key="name")  # type: ignore[arg-type]
