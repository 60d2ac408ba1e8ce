"""Example-based tests for `boughs.node`: mutations, navigation, the children view."""

from __future__ import annotations

import contextlib
import copy
import gc
import itertools
import pickle
import random
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from boughs import (
    BaseNode,
    ChildrenView,
    LoopError,
    Node,
    NotAChildError,
    TreeError,
    WeakRef,
    _storage,
    common_ancestor,
    same_shape,
)

# -------------------------------------------------------------- helpers --


def names(node: BaseNode) -> list[Any]:
    return [c.name for c in node.children]  # type: ignore[attr-defined]


def kids(*labels: str) -> list[Node]:
    return [Node(label) for label in labels]


def family(*labels: str) -> Node:
    """A root named "p" with leaf children named ``labels``."""
    return Node("p", children=kids(*labels))


def build(spec: Any) -> Node:
    """Build a tree from ``("name", [child specs])`` or ``"name"`` (a leaf), iteratively."""
    root: Node | None = None
    stack: list[tuple[Any, Node | None]] = [(spec, None)]
    while stack:
        item, parent = stack.pop()
        label, children = (item, []) if isinstance(item, str) else item
        node = Node(label)
        if parent is None:
            root = node
        else:
            parent.append(node)
        stack.extend((c, node) for c in reversed(children))
    assert root is not None
    return root


def shape(node: BaseNode) -> list[tuple[Any, int]]:
    """``(name, depth)`` of every node in pre-order: a readable picture of a subtree."""
    base = node.depth
    return [(n.name, n.depth - base) for n in node.walk()]  # type: ignore[attr-defined]


def state(*nodes: BaseNode) -> list[tuple[Any, ...]]:
    """Everything observable about the trees holding ``nodes``, by identity."""
    roots: list[BaseNode] = []
    for n in nodes:
        r = n.root
        if not any(r is seen for seen in roots):
            roots.append(r)
    out = []
    for r in roots:
        for n in r.walk():
            out.append(
                (
                    id(n),
                    id(n.parent),
                    tuple(id(c) for c in n.children),
                    n.detached,
                    n.parent_collected,
                )
            )
    return out


_UP_LINKS = "up" in getattr(_storage.Family, "__slots__", ())


def check(root: BaseNode) -> None:
    """Assert every structural invariant of ``root``'s subtree, internals included."""
    for n in list(root.walk()):
        raw = n._children
        view = n.children
        if raw is None:
            assert n.is_leaf
            assert len(view) == 0
            assert n.first_child is None
            assert n.last_child is None
            continue
        assert not n.is_leaf
        if raw.__class__ is tuple:
            assert 1 <= len(raw) <= _storage.SMALL
            assert all(c is not None for c in raw)
            live = list(raw)
        else:
            assert isinstance(raw, _storage.Kids)
            assert raw[-1] is not None, "the last slot must be live"
            holes = [i for i, c in enumerate(raw) if c is None]
            assert raw.dead == len(holes)
            first = next(i for i, c in enumerate(raw) if c is not None)
            assert raw.head == first
            live = [c for c in raw if c is not None]
        assert len(view) == len(live)
        assert list(view) == live
        fam = live[0]._parent_ref
        assert fam() is n
        if _UP_LINKS:
            assert fam.up is n._parent_ref, "a family's up is its parent's own parent reference"
        ids = {id(c) for c in live}
        assert len(ids) == len(live), "a child appears twice"
        for i, c in enumerate(live):
            assert c._parent_ref is fam, "siblings share one family"
            assert c.parent is n
            assert view[i] is c
            assert view[i - len(live)] is c
            assert c.index == i
            assert c in view
            assert c.next_sibling is (live[i + 1] if i + 1 < len(live) else None)
            assert c.previous_sibling is (live[i - 1] if i else None)
        assert n.first_child is live[0]
        assert n.last_child is live[-1]


class Eqless(Node):
    """Equal to everything: the library must never use ``==`` on nodes."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = Node.__hash__


# ------------------------------------------------------ construction --


def test_node_defaults() -> None:
    n = Node()
    assert n.name is None
    assert n.parent is None
    assert len(n.children) == 0
    assert n.is_root and n.is_leaf
    assert not n.detached
    assert not n.parent_collected
    assert n.collected_parent_label is None


def test_node_name_and_attributes() -> None:
    n = Node("a", colour="red", size=3)
    assert n.name == "a"
    assert n.colour == "red"  # type: ignore[attr-defined]
    assert n.size == 3  # type: ignore[attr-defined]


def test_constructor_parent_and_children_together() -> None:
    p = Node("p", children=kids("x"))
    a, b = Node("a"), Node("b")
    n = Node("n", parent=p, children=[a, b])
    assert n.parent is p
    assert names(p) == ["x", "n"]
    assert names(n) == ["a", "b"]
    check(p)


def test_constructor_moves_children_from_their_parents() -> None:
    old = family("a", "b", "c")
    a, _, c = old.children
    n = Node("n", children=[c, a])
    assert names(n) == ["c", "a"]
    assert names(old) == ["b"]
    check(old)
    check(n)


def test_base_node_constructor() -> None:
    root = BaseNode()
    child = BaseNode(parent=root)
    grand = BaseNode()
    mid = BaseNode(parent=root, children=[grand])
    assert root.children == (child, mid)
    assert grand.parent is mid
    check(root)


def test_constructor_children_accepts_any_iterable() -> None:
    n = Node("n", children=(Node(str(i)) for i in range(3)))
    assert names(n) == ["0", "1", "2"]


@pytest.mark.parametrize("bad", [3, "p", [Node("x")]])
def test_constructor_rejects_a_non_node_parent(bad: object) -> None:
    c = Node("c")
    holder = family("c0")
    with pytest.raises(TypeError, match="parent"):
        Node("n", parent=bad, children=[holder.children[0]])  # type: ignore[arg-type]
    assert names(holder) == ["c0"]
    assert c.parent is None


def test_constructor_rejects_non_nodes_in_children_before_linking_any() -> None:
    old = family("a", "b")
    a, b = old.children
    p = Node("p")
    before = state(old, p)
    with pytest.raises(TypeError, match="'oops'"):
        Node("n", parent=p, children=[a, "oops", b])  # type: ignore[list-item]
    assert state(old, p) == before


def test_constructor_rejects_duplicates() -> None:
    old = family("a")
    a = old.children[0]
    with pytest.raises(ValueError, match="more than once"):
        Node("n", children=[a, a])
    assert a.parent is old


def test_constructor_rejects_a_loop_through_parent_and_children() -> None:
    root = build(("r", [("a", ["g"])]))
    a = root.children[0]
    g = a.children[0]
    before = state(root)
    # n would sit under g and adopt a, an ancestor of g.
    with pytest.raises(LoopError):
        Node("n", parent=g, children=[a])
    with pytest.raises(LoopError):
        Node("n", parent=g, children=[g])
    with pytest.raises(LoopError):
        Node("n", parent=a, children=[Node("ok"), root])
    assert state(root) == before
    check(root)


def test_constructor_rejects_a_single_node_or_a_string_as_children() -> None:
    c = Node("c")
    with pytest.raises(TypeError, match="wrap it in a list"):
        Node("n", children=c)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="string"):
        Node("n", children="abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable"):
        Node("n", children=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "attr",
    [
        "depth",
        "walk",
        "root",
        "is_leaf",
        "copy",
        "append",
        "tree_label",
        "resolve",
        "_children",
        "_parent_ref",
        "__class__",
    ],
)
def test_attributes_that_would_shadow_the_api_are_rejected(attr: str) -> None:
    with pytest.raises(TypeError) as info:
        Node("n", **{attr: 1})
    message = str(info.value)
    assert repr(attr) in message
    assert "choose another" in message


def test_shadowing_check_runs_before_linking() -> None:
    p = Node("p")
    c = Node("c")
    with pytest.raises(TypeError):
        Node("n", parent=p, children=[c], depth=3)
    assert p.is_leaf
    assert c.parent is None


def test_subclass_slots_and_descriptors_may_be_set_by_keyword() -> None:
    class Item(Node):
        __slots__ = ("size",)
        owner = WeakRef()

    o = Node("o")
    item = Item("x", size=3, owner=o)
    assert item.size == 3
    assert item.owner is o
    with pytest.raises(TypeError, match="'walk'"):
        Item("x", walk=1)


def test_subclass_methods_still_may_not_be_shadowed() -> None:
    class Shape(Node):
        def area(self) -> float:
            return 0.0

    with pytest.raises(TypeError, match="'area'"):
        Shape("s", area=2)


# ----------------------------------------------------------------- repr --


def test_repr_is_short() -> None:
    assert repr(Node("a")) == "Node('a')"
    assert repr(Node()) == "Node(None)"
    assert repr(Node("a", k=1)) == "Node('a', k=1)"
    many = repr(Node("a", k1=1, k2=2, k3=3, k4=4, k5=5))
    assert many.endswith("...)")
    assert "k4" not in many
    assert len(repr(Node("x" * 1000))) < 80
    assert len(repr(Node("a", blob=list(range(10_000))))) < 120


def test_repr_does_not_walk_the_tree() -> None:
    root = Node("root", children=kids(*map(str, range(1000))))
    assert "0" not in repr(root).replace("root", "")
    assert repr(root) == "Node('root')"


def test_repr_of_base_node_and_named_subclass() -> None:
    assert repr(BaseNode()).startswith("<BaseNode object at 0x")

    class Named(BaseNode):
        __slots__ = ("name",)

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    assert "Named('x')" in repr(Named("x"))


def test_repr_survives_a_broken_name_repr() -> None:
    class Ugly:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert "Ugly" in repr(Node(Ugly()))


# ------------------------------------------------------- identity rules --


def test_identity_equality_and_hashing() -> None:
    a, b = Node("same"), Node("same")
    assert a != b
    assert a == a  # noqa: PLR0124
    assert len({a, b}) == 2
    d = weakref.WeakKeyDictionary({a: 1, b: 2})
    assert d[a] == 1
    s = weakref.WeakSet([a, b])
    assert a in s


def test_a_leaf_is_truthy() -> None:
    assert bool(Node("leaf"))
    assert bool(BaseNode())


# --------------------------------------------------------------- append --


def test_append_returns_the_child_and_appends_last() -> None:
    p = family("a", "b")
    c = Node("c")
    assert p.append(c) is c
    assert names(p) == ["a", "b", "c"]
    assert c.parent is p
    check(p)


def test_append_moves_from_another_parent() -> None:
    p, q = family("a", "b"), family("x", "y")
    x = q.children[0]
    p.append(x)
    assert names(p) == ["a", "b", "x"]
    assert names(q) == ["y"]
    assert not x.detached
    check(p)
    check(q)


def test_append_an_existing_child_moves_it_last() -> None:
    p = family("a", "b", "c")
    p.append(p.children[0])
    assert names(p) == ["b", "c", "a"]
    p.append(p.children[-1])
    assert names(p) == ["b", "c", "a"]
    check(p)


def test_append_a_subtree_keeps_its_children() -> None:
    root = build(("r", [("a", ["a1", "a2"]), "b"]))
    a, b = root.children
    b.append(a)
    assert shape(root) == [("r", 0), ("b", 1), ("a", 2), ("a1", 3), ("a2", 3)]
    check(root)


def test_append_self_or_ancestor_is_a_loop() -> None:
    root = build(("r", [("a", [("b", ["c"])])]))
    a = root.children[0]
    b = a.children[0]
    c = b.children[0]
    before = state(root)
    for parent, child in [(a, a), (c, c), (b, a), (c, root), (c, a), (b, root)]:
        with pytest.raises(LoopError) as info:
            parent.append(child)
        assert repr(child) in str(info.value)
        assert state(root) == before
    check(root)


@pytest.mark.parametrize("bad", [None, 3, "x", [Node("y")], Node])
def test_append_a_non_node_is_a_type_error(bad: object) -> None:
    p = family("a")
    before = state(p)
    with pytest.raises(TypeError) as info:
        p.append(bad)  # type: ignore[type-var]
    assert repr(p) in str(info.value)
    assert "Node(" in str(info.value)  # the fix: wrap it in a Node
    assert state(p) == before


def test_append_an_orphan_or_detached_node() -> None:
    orphan = Node("tmp").append(Node("o"))
    assert orphan.parent_collected
    detached = family("d").children[0].detach()
    p = Node("p")
    p.append(orphan)
    p.append(detached)
    assert names(p) == ["o", "d"]
    assert not orphan.parent_collected
    assert not detached.detached
    check(p)


# --------------------------------------------------------------- extend --


def test_extend_in_order_with_moves() -> None:
    p, q = family("a"), family("x", "y", "z")
    x, _y, z = q.children
    assert p.extend([z, Node("n"), x]) is None  # type: ignore[func-returns-value]
    assert names(p) == ["a", "z", "n", "x"]
    assert names(q) == ["y"]
    check(p)
    check(q)


def test_extend_with_own_children_moves_them_last() -> None:
    p = family("a", "b", "c")
    a, b, c = p.children
    p.extend([a])
    assert names(p) == ["b", "c", "a"]
    p.extend(p.children)  # a snapshot: every child moved last in order
    assert names(p) == ["b", "c", "a"]
    p.extend([c, b])
    assert names(p) == ["a", "c", "b"]
    check(p)


def test_extend_accepts_generators_and_empty() -> None:
    p = Node("p")
    p.extend(Node(str(i)) for i in range(12))
    assert names(p) == [str(i) for i in range(12)]
    p.extend([])
    assert len(p.children) == 12
    check(p)


def test_extend_duplicates_change_nothing() -> None:
    p, q = family("a"), family("x", "y")
    x, y = q.children
    before = state(p, q)
    with pytest.raises(ValueError, match="more than once"):
        p.extend([y, x, y])
    assert state(p, q) == before


def test_extend_non_node_changes_nothing() -> None:
    p, q = family("a"), family("x", "y")
    x, y = q.children
    before = state(p, q)
    with pytest.raises(TypeError):
        p.extend([x, 42, y])  # type: ignore[list-item]
    assert state(p, q) == before


def test_extend_loop_changes_nothing() -> None:
    root = build(("r", [("a", ["b"]), "c"]))
    a, c = root.children
    b = a.children[0]
    before = state(root)
    with pytest.raises(LoopError):
        b.extend([c, a])
    with pytest.raises(LoopError):
        a.extend([c, a])
    assert state(root) == before


@pytest.mark.parametrize("bad", [5, "abc", b"abc", None])
def test_extend_rejects_non_iterables_and_strings(bad: object) -> None:
    p = family("a")
    with pytest.raises(TypeError):
        p.extend(bad)  # type: ignore[arg-type]
    assert names(p) == ["a"]


def test_extend_rejects_a_single_node() -> None:
    p, n = Node("p"), Node("n", children=kids("x"))
    with pytest.raises(TypeError, match="wrap it in a list"):
        p.extend(n)
    assert p.is_leaf
    assert names(n) == ["x"]


def test_extend_with_an_iterable_that_raises_changes_nothing() -> None:
    q = family("x", "y")
    x, _y = q.children
    p = Node("p")

    def gen() -> Iterable[Node]:
        yield x
        raise RuntimeError("half way")

    before = state(p, q)
    with pytest.raises(RuntimeError):
        p.extend(gen())
    assert state(p, q) == before


# --------------------------------------------------------------- insert --


@pytest.mark.parametrize("size", [0, 1, 3, 8, 9, 12])
def test_insert_new_node_matches_list_insert(size: int) -> None:
    for index in range(-size - 3, size + 4):
        labels = [str(i) for i in range(size)]
        p = family(*labels)
        c = Node("c")
        assert p.insert(index, c) is c
        model = list(labels)
        model.insert(index, "c")
        assert names(p) == model, index
        check(p)


@pytest.mark.parametrize("size", [1, 2, 5, 8, 9, 10, 14])
def test_insert_own_child_matches_list_insert_without_it(size: int) -> None:
    labels = [str(i) for i in range(size)]
    for which in range(size):
        for index in range(-size - 2, size + 3):
            p = family(*labels)
            c = p.children[which]
            p.insert(index, c)
            model = [x for x in labels if x != labels[which]]
            model.insert(index, labels[which])
            assert names(p) == model, (which, index)
            check(p)


def test_insert_moves_from_another_parent() -> None:
    p, q = family("a", "b"), family("x", "y")
    x = q.children[0]
    p.insert(1, x)
    assert names(p) == ["a", "x", "b"]
    assert names(q) == ["y"]
    check(p)
    check(q)


def test_insert_accepts_index_like_objects() -> None:
    class Two:
        def __index__(self) -> int:
            return 2

    p = family("a", "b", "c")
    p.insert(Two(), Node("n"))  # type: ignore[arg-type]
    assert names(p) == ["a", "b", "n", "c"]
    p.insert(10**30, Node("end"))
    p.insert(-(10**30), Node("start"))
    assert names(p) == ["start", "a", "b", "n", "c", "end"]


@pytest.mark.parametrize("bad", [1.0, "1", None])
def test_insert_bad_index_changes_nothing(bad: object) -> None:
    p, q = family("a"), family("x")
    x = q.children[0]
    before = state(p, q)
    with pytest.raises(TypeError, match="index"):
        p.insert(bad, x)  # type: ignore[arg-type]
    assert state(p, q) == before


def test_insert_loop_and_non_node_change_nothing() -> None:
    root = build(("r", [("a", ["b"])]))
    a = root.children[0]
    b = a.children[0]
    before = state(root)
    with pytest.raises(LoopError):
        b.insert(0, a)
    with pytest.raises(LoopError):
        a.insert(0, a)
    with pytest.raises(TypeError):
        a.insert(0, "b")  # type: ignore[type-var]
    assert state(root) == before


# --------------------------------------------------------------- remove --


def test_remove_returns_a_detached_child() -> None:
    p = family("a", "b", "c")
    b = p.children[1]
    assert p.remove(b) is b
    assert b.parent is None
    assert b.detached
    assert names(p) == ["a", "c"]
    check(p)


def test_remove_a_non_child_is_not_a_child_error() -> None:
    root = build(("r", [("a", ["g"]), "b"]))
    a, b = root.children
    g = a.children[0]
    stranger = Node("stranger")
    before = state(root, stranger)
    for parent, child in [(root, g), (root, root), (a, b), (b, a), (root, stranger), (g, a)]:
        with pytest.raises(NotAChildError) as info:
            parent.remove(child)
        assert repr(child) in str(info.value)
        assert repr(parent) in str(info.value)
        assert "detach()" in str(info.value)
        assert state(root, stranger) == before
    with pytest.raises(TypeError):  # not a node at all: a type error, like every entry point
        root.remove("a")  # type: ignore[type-var]
    assert isinstance(NotAChildError(), ValueError)


def test_remove_an_equal_but_different_node_is_rejected() -> None:
    p = Node("p", children=[Eqless("a")])
    twin = Eqless("a")
    with pytest.raises(NotAChildError):
        p.remove(twin)
    assert len(p.children) == 1


# ---------------------------------------------------------------- clear --


def test_clear_detaches_every_child() -> None:
    for size in (0, 1, 5, 8, 9, 40):
        p = family(*map(str, range(size)))
        old = list(p.children)
        assert p.clear() is None  # type: ignore[func-returns-value]
        assert p.is_leaf
        assert len(p.children) == 0
        for c in old:
            assert c.parent is None
            assert c.detached
        p.append(Node("again"))
        check(p)


def test_del_children_clears() -> None:
    p = family("a", "b")
    a = p.children[0]
    del p.children
    assert p.is_leaf
    assert a.detached


# --------------------------------------------------------------- detach --


def test_detach() -> None:
    root = build(("r", [("a", ["g"]), "b"]))
    a = root.children[0]
    assert a.detach() is a
    assert a.parent is None
    assert a.detached
    assert names(a) == ["g"]
    assert names(root) == ["b"]
    check(root)
    check(a)


def test_detach_a_root_is_a_no_op() -> None:
    n = Node("n")
    assert n.detach() is n
    assert not n.detached  # never attached: still a plain root
    m = family("m").children[0].detach()
    assert m.detach() is m
    assert m.detached


# -------------------------------------------------------------- move_to --


def test_move_to() -> None:
    p, q = family("a", "b"), family("x", "y")
    a, b = p.children
    assert a.move_to(q) is a
    assert names(q) == ["x", "y", "a"]
    assert b.move_to(q, 0) is b
    assert names(q) == ["b", "x", "y", "a"]
    assert p.is_leaf
    a.move_to(q, -2)
    assert names(q) == ["b", "a", "x", "y"]  # list.insert(-2) on [b, x, y]
    check(q)


def test_move_to_errors_change_nothing() -> None:
    root = build(("r", [("a", ["g"]), "b"]))
    a, b = root.children
    g = a.children[0]
    before = state(root)
    with pytest.raises(TypeError, match="detach"):
        a.move_to(None)  # type: ignore[arg-type]
    with pytest.raises(LoopError):
        a.move_to(g)
    with pytest.raises(LoopError):
        root.move_to(g, 0)
    with pytest.raises(TypeError):
        b.move_to(a, "0")  # type: ignore[arg-type]
    assert state(root) == before


# --------------------------------------------------------- replace_with --


def test_replace_with_a_new_node() -> None:
    p = family("a", "b", "c")
    b = p.children[1]
    n = Node("n", children=kids("n1"))
    assert b.replace_with(n) is b
    assert names(p) == ["a", "n", "c"]
    assert b.parent is None
    assert b.detached
    assert names(n) == ["n1"]
    check(p)


def test_replace_with_a_node_from_another_tree() -> None:
    p, q = family("a", "b"), family("x", "y")
    a = p.children[0]
    y = q.children[1]
    a.replace_with(y)
    assert names(p) == ["y", "b"]
    assert names(q) == ["x"]
    check(p)
    check(q)


@pytest.mark.parametrize("size", [3, 9, 12])
def test_replace_with_a_sibling(size: int) -> None:
    labels = [str(i) for i in range(size)]
    for i, j in itertools.permutations(range(size), 2):
        p = family(*labels)
        old, new = p.children[i], p.children[j]
        old.replace_with(new)
        model = list(labels)
        model[i] = labels[j]
        del model[j]
        assert names(p) == model, (i, j)
        assert old.detached
        check(p)


def test_replace_with_a_node_from_inside_the_subtree() -> None:
    root = build(("r", ["x", ("a", ["a1", ("a2", ["deep"])]), "y"]))
    a = root.children[1]
    a2 = a.children[1]
    a.replace_with(a2)
    assert shape(root) == [("r", 0), ("x", 1), ("a2", 1), ("deep", 2), ("y", 1)]
    assert shape(a) == [("a", 0), ("a1", 1)]
    assert a.detached
    check(root)
    check(a)

    root = build(("r", [("a", [("b", ["c"])])]))
    a = root.children[0]
    c = a.children[0].children[0]
    a.replace_with(c)
    assert shape(root) == [("r", 0), ("c", 1)]
    assert shape(a) == [("a", 0), ("b", 1)]


def test_replace_with_itself_changes_nothing() -> None:
    p = family("a", "b")
    a = p.children[0]
    before = state(p)
    assert a.replace_with(a) is a
    assert state(p) == before
    assert not a.detached


def test_replace_without_parent_is_a_tree_error() -> None:
    n = Node("n", children=kids("c"))
    m = family("m").children[0]
    before = state(n, m)
    with pytest.raises(TreeError) as info:
        n.replace_with(m)
    assert repr(n) in str(info.value)
    assert "append" in str(info.value)
    assert state(n, m) == before


def test_replace_with_the_parent_or_an_ancestor_is_a_loop() -> None:
    root = build(("top", [("r", [("a", ["b"])])]))
    r = root.children[0]
    a = r.children[0]
    b = a.children[0]
    before = state(root)
    for old, new in [(b, a), (b, r), (b, root), (a, r), (a, root)]:
        with pytest.raises(LoopError):
            old.replace_with(new)
        assert state(root) == before
    assert not isinstance(LoopError(), LookupError)


def test_replace_with_a_non_node_changes_nothing() -> None:
    p = family("a")
    before = state(p)
    with pytest.raises(TypeError):
        p.children[0].replace_with("b")  # type: ignore[arg-type]
    assert state(p) == before


# ---------------------------------------- insert_before / insert_after --


def dom_before(siblings: list[str], ref: str, nodes: Sequence[str]) -> list[str]:
    """WHATWG ChildNode.before() over a plain list of names."""
    i = siblings.index(ref)
    viable = next((s for s in reversed(siblings[:i]) if s not in nodes), None)
    rest = [s for s in siblings if s not in nodes]
    pos = 0 if viable is None else rest.index(viable) + 1
    return rest[:pos] + list(nodes) + rest[pos:]


def dom_after(siblings: list[str], ref: str, nodes: Sequence[str]) -> list[str]:
    """WHATWG ChildNode.after() over a plain list of names."""
    i = siblings.index(ref)
    viable = next((s for s in siblings[i + 1 :] if s not in nodes), None)
    rest = [s for s in siblings if s not in nodes]
    pos = len(rest) if viable is None else rest.index(viable)
    return rest[:pos] + list(nodes) + rest[pos:]


def test_reference_implementation_matches_known_dom_cases() -> None:
    s = ["a", "b", "c", "d"]
    assert dom_before(s, "c", ["X"]) == ["a", "b", "X", "c", "d"]
    assert dom_after(s, "c", ["X"]) == ["a", "b", "c", "X", "d"]
    assert dom_before(s, "c", ["c"]) == s  # before() of itself: no change
    assert dom_after(s, "c", ["c"]) == s
    assert dom_before(s, "c", ["b", "c"]) == s
    assert dom_before(s, "c", ["c", "b"]) == ["a", "c", "b", "d"]
    assert dom_after(s, "b", ["d", "b"]) == ["a", "d", "b", "c"]
    assert dom_before(s, "a", ["d"]) == ["d", "a", "b", "c"]
    assert dom_after(s, "d", ["a"]) == ["b", "c", "d", "a"]


def _run_beside(size: int, ref_at: int, pick: Sequence[str], after: bool) -> None:
    labels = [chr(ord("a") + i) for i in range(size)]
    p = family(*labels)
    q = family("Y", "Z")
    pool = {c.name: c for c in p.children}
    pool["X"] = Node("X")
    pool["Y"] = q.children[0]
    ref = p.children[ref_at]
    nodes = [pool[k] for k in pick]
    if after:
        assert ref.insert_after(*nodes) is None  # type: ignore[func-returns-value]
        model = dom_after(labels, labels[ref_at], pick)
    else:
        assert ref.insert_before(*nodes) is None  # type: ignore[func-returns-value]
        model = dom_before(labels, labels[ref_at], pick)
    assert names(p) == model, (labels[ref_at], pick, after)
    assert names(q) == (["Z"] if "Y" in pick else ["Y", "Z"])
    assert ref.parent is p
    check(p)
    check(q)


@pytest.mark.parametrize("after", [False, True])
def test_insert_beside_matches_the_dom_for_every_small_permutation(after: bool) -> None:
    size = 5
    candidates = ["a", "b", "c", "d", "e", "X", "Y"]
    for ref_at in range(size):
        for k in range(4):
            for pick in itertools.permutations(candidates, k):
                _run_beside(size, ref_at, pick, after)


@pytest.mark.parametrize("after", [False, True])
@pytest.mark.parametrize("size", [8, 9, 12, 40])
def test_insert_beside_matches_the_dom_on_wide_families(after: bool, size: int) -> None:
    rng = random.Random(size * 2 + after)
    labels = [chr(ord("a") + i) if i < 26 else f"n{i}" for i in range(size)]
    for _ in range(150):
        ref_at = rng.randrange(size)
        k = rng.randrange(0, 7)
        pick = rng.sample([*labels, "X", "Y"], k)
        p = family(*labels)
        q = family("Y", "Z")
        pool = {c.name: c for c in p.children}
        pool["X"] = Node("X")
        pool["Y"] = q.children[0]
        # Punch holes first so the storage is not a fresh list.
        for hole in rng.sample(range(size), min(3, size - 1)):
            if hole != ref_at:
                pool[labels[hole]].detach()
        current = names(p)
        pick = [x for x in pick if x in current or x in ("X", "Y")]
        ref = pool[labels[ref_at]]
        nodes = [pool[x] for x in pick]
        if after:
            ref.insert_after(*nodes)
            model = dom_after(current, ref.name, pick)
        else:
            ref.insert_before(*nodes)
            model = dom_before(current, ref.name, pick)
        assert names(p) == model
        check(p)


def test_insert_beside_without_parent_is_a_tree_error() -> None:
    n = Node("n")
    x = family("x").children[0]
    before = state(n, x)
    for method in (n.insert_before, n.insert_after):
        with pytest.raises(TreeError) as info:
            method(x)
        assert repr(n) in str(info.value)
        with pytest.raises(TreeError):
            method()
    assert state(n, x) == before


def test_insert_beside_duplicates_change_nothing() -> None:
    p = family("a", "b", "c")
    a, b, _c = p.children
    x = Node("x")
    before = state(p, x)
    for method in (b.insert_before, b.insert_after):
        with pytest.raises(ValueError, match="more than once"):
            method(x, a, x)
        with pytest.raises(ValueError, match="more than once"):
            method(b, b)
    assert state(p, x) == before


def test_insert_beside_loop_and_non_node_change_nothing() -> None:
    root = build(("r", [("a", ["b", "c"])]))
    a = root.children[0]
    b, c = a.children
    x = Node("x")
    before = state(root, x)
    for method in (b.insert_before, b.insert_after):
        with pytest.raises(LoopError):
            method(x, a)
        with pytest.raises(LoopError):
            method(root)
        with pytest.raises(TypeError):
            method(x, c, "s")  # type: ignore[arg-type]
    assert state(root, x) == before


def test_insert_beside_with_nothing_is_a_no_op() -> None:
    p = family("a", "b")
    before = state(p)
    p.children[0].insert_before()
    p.children[0].insert_after()
    assert state(p) == before


# -------------------------------------------------------- sort_children --


def test_sort_children_by_key_and_reverse_is_stable() -> None:
    for size in (0, 1, 3, 8, 9, 20):
        rng = random.Random(size)
        p = Node("p")
        for i in range(size):
            Node(f"n{i}", parent=p, rank=rng.randrange(3))
        model = list(p.children)
        p.sort_children(key=lambda n: n.rank)
        assert list(p.children) == sorted(model, key=lambda n: n.rank)
        check(p)
        p.sort_children(key=lambda n: n.rank, reverse=True)
        assert list(p.children) == sorted(model, key=lambda n: n.rank, reverse=True)
        check(p)


def test_sort_children_with_holes() -> None:
    p = family(*[f"{i:02d}" for i in range(20)])
    for c in list(p.children)[::3]:
        c.detach()
    p.sort_children(key=lambda n: n.name, reverse=True)
    assert names(p) == sorted(names(p), reverse=True)
    check(p)


def test_sort_children_key_that_raises_changes_nothing() -> None:
    for size in (3, 12):
        p = family(*[str(size - i) for i in range(size)])
        before = state(p)
        calls = 0

        def key(n: Node, fail_at: int = size - 1) -> str:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise RuntimeError("key failed")
            return str(n.name)

        with pytest.raises(RuntimeError):
            p.sort_children(key=key)
        assert state(p) == before


def test_sort_children_comparison_that_raises_changes_nothing() -> None:
    p = family("b", "a", "c")
    before = state(p)
    with pytest.raises(TypeError):
        p.sort_children()  # nodes do not define <
    with pytest.raises(TypeError):
        p.sort_children(key=lambda n: 1 if n.name == "a" else "x")
    assert state(p) == before


def test_sort_children_uses_node_ordering_when_defined() -> None:
    class Ranked(Node):
        def __lt__(self, other: Ranked) -> bool:
            return str(self.name) < str(other.name)

    p = Node("p", children=[Ranked("b"), Ranked("c"), Ranked("a")])
    p.sort_children()
    assert names(p) == ["a", "b", "c"]


# -------------------------------------------------- children assignment --


def test_children_assignment_replaces_all() -> None:
    p = family("a", "b")
    a, b = p.children
    q = family("x", "y")
    x = q.children[0]
    n = Node("n")
    p.children = [x, n]
    assert names(p) == ["x", "n"]
    assert a.detached and b.detached
    assert a.parent is None
    assert names(q) == ["y"]
    check(p)
    check(q)


def test_children_assignment_keeping_some_old_children() -> None:
    p = family("a", "b", "c", "d")
    a, b, c, d = p.children
    n = Node("n")
    p.children = [d, n, b]
    assert names(p) == ["d", "n", "b"]
    assert not d.detached and not b.detached
    assert a.detached and c.detached
    check(p)


@pytest.mark.parametrize(("old", "new"), [(3, 12), (12, 3), (12, 12), (9, 30), (30, 9), (0, 9)])
def test_children_assignment_across_storage_sizes(old: int, new: int) -> None:
    p = family(*[f"o{i}" for i in range(old)])
    olds = list(p.children)
    keep = olds[::2]
    fresh = [Node(f"n{i}") for i in range(max(new - len(keep), 0))]
    wanted = (keep + fresh)[:new]
    random.Random(old * 100 + new).shuffle(wanted)
    p.children = wanted
    assert list(p.children) == wanted
    for c in olds:
        assert (c.parent is p) == any(c is w for w in wanted)
    check(p)


def test_children_assignment_of_own_children_reversed() -> None:
    for size in (3, 12):
        p = family(*map(str, range(size)))
        p.children = list(reversed(p.children))
        assert names(p) == [str(i) for i in reversed(range(size))]
        check(p)


def test_children_assignment_of_the_view_itself_keeps_order() -> None:
    p = family("a", "b", "c")
    before = state(p)
    p.children = p.children
    assert state(p) == before
    check(p)


def test_children_assignment_empty_clears() -> None:
    p = family("a", "b")
    a = p.children[0]
    p.children = []
    assert p.is_leaf
    assert a.detached


def test_children_assignment_from_own_grandchildren() -> None:
    root = build(("r", [("a", ["g1", "g2"]), "b"]))
    a, b = root.children
    g1, g2 = a.children
    root.children = [g2, b, g1]
    assert names(root) == ["g2", "b", "g1"]
    assert a.detached
    assert a.is_leaf
    check(root)


def test_children_assignment_errors_change_nothing() -> None:
    root = build(("r", [("a", ["b", "c"]), "d"]))
    a, d = root.children
    b, _c = a.children
    x = Node("x")
    before = state(root, x)
    with pytest.raises(ValueError, match="more than once"):
        a.children = [x, b, x]
    with pytest.raises(LoopError):
        a.children = [x, a]
    with pytest.raises(LoopError):
        a.children = [d, root]
    with pytest.raises(TypeError):
        a.children = [x, None]  # type: ignore[list-item]
    with pytest.raises(TypeError):
        a.children = x  # type: ignore[assignment]
    with pytest.raises(TypeError):
        a.children = "bc"  # type: ignore[assignment]
    assert state(root, x) == before
    check(root)


# --------------------------------------------------------- parent link --


def test_parent_setter_moves_the_node_last() -> None:
    p, q = family("a", "b"), family("x")
    a = p.children[0]
    a.parent = q
    assert a.parent is q
    assert names(q) == ["x", "a"]
    assert names(p) == ["b"]


def test_parent_setter_to_the_current_parent_keeps_the_position() -> None:
    p = family("a", "b")
    a = p.children[0]
    a.parent = p
    assert names(p) == ["a", "b"]


def test_parent_setter_none_and_deleter_detach() -> None:
    p = family("a", "b")
    a, b = p.children
    a.parent = None
    del b.parent
    assert p.is_leaf
    assert a.detached and b.detached


def test_parent_setter_errors_change_nothing() -> None:
    root = build(("r", [("a", ["b"])]))
    a = root.children[0]
    b = a.children[0]
    before = state(root)
    with pytest.raises(LoopError):
        a.parent = b
    with pytest.raises(LoopError):
        a.parent = a
    with pytest.raises(TypeError, match="None to detach"):
        a.parent = "r"  # type: ignore[assignment]
    assert state(root) == before


# ------------------------------------------------------------ navigation --

SAMPLE = ("r", [("a", ["a1", ("a2", ["x"])]), "b", ("c", ["c1"])])


def sample() -> tuple[Node, dict[str, Node]]:
    root = build(SAMPLE)
    return root, {n.name: n for n in root.walk()}


def test_root_and_is_root() -> None:
    root, n = sample()
    for node in n.values():
        assert node.root is root
        assert node.is_root == (node is root)


def test_is_leaf() -> None:
    _, n = sample()
    assert {k for k, v in n.items() if v.is_leaf} == {"a1", "x", "b", "c1"}


def test_depth_and_height() -> None:
    _, n = sample()
    depths = {k: v.depth for k, v in n.items()}
    assert depths == {"r": 0, "a": 1, "a1": 2, "a2": 2, "x": 3, "b": 1, "c": 1, "c1": 2}
    heights = {k: v.height for k, v in n.items()}
    assert heights == {"r": 3, "a": 2, "a1": 0, "a2": 1, "x": 0, "b": 0, "c": 1, "c1": 0}


def test_index() -> None:
    _, n = sample()
    assert n["r"].index is None
    assert [n[k].index for k in ("a", "b", "c", "a1", "a2", "x", "c1")] == [0, 1, 2, 0, 1, 0, 0]


def test_path() -> None:
    _, n = sample()
    assert n["x"].path == (n["r"], n["a"], n["a2"], n["x"])
    assert n["r"].path == (n["r"],)
    assert isinstance(n["x"].path, tuple)


def test_siblings() -> None:
    _, n = sample()
    assert n["b"].siblings == (n["a"], n["c"])
    assert n["a"].siblings == (n["b"], n["c"])
    assert n["x"].siblings == ()
    assert n["r"].siblings == ()


def test_next_and_previous_sibling() -> None:
    _, n = sample()
    assert n["a"].next_sibling is n["b"]
    assert n["b"].next_sibling is n["c"]
    assert n["c"].next_sibling is None
    assert n["c"].previous_sibling is n["b"]
    assert n["a"].previous_sibling is None
    assert n["r"].next_sibling is None
    assert n["r"].previous_sibling is None


def test_first_and_last_child() -> None:
    _, n = sample()
    assert n["r"].first_child is n["a"]
    assert n["r"].last_child is n["c"]
    assert n["c"].first_child is n["c"].last_child is n["c1"]
    assert n["b"].first_child is None
    assert n["b"].last_child is None


def test_ancestors() -> None:
    _, n = sample()
    it = n["x"].ancestors()
    assert iter(it) is it
    assert list(it) == [n["a2"], n["a"], n["r"]]
    assert list(n["r"].ancestors()) == []


def test_descendants_and_leaves() -> None:
    root, n = sample()
    assert [d.name for d in root.descendants()] == ["a", "a1", "a2", "x", "b", "c", "c1"]
    assert list(n["b"].descendants()) == []
    assert [d.name for d in root.leaves()] == ["a1", "x", "b", "c1"]
    assert list(n["b"].leaves()) == [n["b"]]
    it = root.leaves()
    assert iter(it) is it


def test_is_ancestor_and_descendant_are_strict() -> None:
    _, n = sample()
    assert n["r"].is_ancestor_of(n["x"])
    assert n["a"].is_ancestor_of(n["x"])
    assert not n["x"].is_ancestor_of(n["x"])
    assert not n["b"].is_ancestor_of(n["x"])
    assert not n["x"].is_ancestor_of(n["r"])
    assert not n["a"].is_ancestor_of(n["c1"])
    assert n["x"].is_descendant_of(n["r"])
    assert not n["x"].is_descendant_of(n["x"])
    assert not n["r"].is_descendant_of(n["x"])
    assert not n["c1"].is_descendant_of(n["a"])
    other = Node("other")
    assert not other.is_ancestor_of(n["r"])
    assert not n["r"].is_descendant_of(other)
    with pytest.raises(TypeError):
        n["r"].is_ancestor_of("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        n["r"].is_descendant_of(None)  # type: ignore[arg-type]


def test_navigation_follows_mutations() -> None:
    root, n = sample()
    n["x"].move_to(n["b"])
    assert n["x"].depth == 2
    assert n["a2"].is_leaf
    assert n["a"].height == 1
    assert root.height == 2
    assert n["x"].path == (root, n["b"], n["x"])
    assert n["b"].is_ancestor_of(n["x"])
    assert not n["a"].is_ancestor_of(n["x"])


# ----------------------------------------------- collected and detached --


def test_holding_a_leaf_and_dropping_the_root() -> None:
    root = build(("root", [("mid", ["leaf", "other"])]))
    leaf = root.children[0].children[0]
    probe = weakref.ref(root)
    del root
    assert probe() is None  # refcounting freed the whole upper tree
    assert leaf.parent is None
    assert leaf.parent_collected
    assert leaf.collected_parent_label == "mid"
    assert not leaf.detached
    assert leaf.is_root
    assert leaf.root is leaf
    assert leaf.depth == 0
    assert leaf.index is None
    assert leaf.path == (leaf,)
    assert leaf.siblings == ()
    assert leaf.next_sibling is None
    assert leaf.previous_sibling is None
    assert list(leaf.ancestors()) == []


def test_collected_with_gc_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        root = build(("root", [("mid", ["a", "b"])]))
        mid = root.children[0]
        del root
        assert mid.parent_collected
        assert mid.collected_parent_label == "root"
        assert names(mid) == ["a", "b"]  # the held subtree keeps its children
        assert all(not c.parent_collected for c in mid.children)
        first = mid.children[0]
        assert first.depth == 1
        assert first.root is mid
        assert first.path == (mid, first)
        assert mid.is_ancestor_of(first)
        assert not first.is_ancestor_of(mid)
        assert mid.height == 1
        check(mid)
        # Re-attach the orphan under a new tree: depths follow.
        top = Node("top", children=[Node("x")])
        top.children[0].append(mid)
        assert first.depth == 3
        assert first.root is top
        assert top.is_ancestor_of(first)
        check(top)
    finally:
        if was:
            gc.enable()


def test_loop_checks_after_the_root_is_collected() -> None:
    root = build(("root", [("a", [("b", ["c"])])]))
    a = root.children[0]
    b = a.children[0]
    c = b.children[0]
    del root
    assert a.parent_collected
    assert c.depth == 2
    assert a.is_ancestor_of(c)
    before = state(a)
    with pytest.raises(LoopError):
        c.append(a)
    with pytest.raises(LoopError):
        b.insert(0, a)
    with pytest.raises(LoopError):
        c.replace_with(a)
    assert state(a) == before
    top = Node("top")
    top.append(a)
    assert c.depth == 3
    assert top.is_ancestor_of(c)
    with pytest.raises(LoopError):
        c.append(top)
    a.detach()
    assert c.depth == 2
    assert not top.is_ancestor_of(c)
    c.append(top)  # no loop any more
    assert top.depth == 3
    check(a)


def test_loop_checks_through_wide_families_with_holes() -> None:
    root = Node("root", children=[Node(str(i)) for i in range(30)])
    mid = root.children[17]
    deep = mid.append(Node("m", children=[Node(str(i)) for i in range(12)]))
    leaf = deep.children[9]
    for c in list(root.children)[:17:2]:
        c.detach()
    for c in list(deep.children)[:9]:
        c.detach()
    before = state(root)
    for ancestor in (root, mid, deep):
        with pytest.raises(LoopError):
            leaf.append(ancestor)
        assert ancestor.is_ancestor_of(leaf)
    assert state(root) == before
    assert leaf.depth == 3
    check(root)


def test_a_parent_that_nothing_holds_dies_at_once() -> None:
    a = Node("tmp").append(Node("a"))
    assert a.parent_collected
    assert a.collected_parent_label == "tmp"


def test_sibling_orphans_all_know_the_label() -> None:
    p = family("a", "b", "c")
    held = list(p.children)
    del p
    assert [c.collected_parent_label for c in held] == ["p", "p", "p"]
    assert all(c.parent_collected for c in held)


def test_label_is_recorded_when_the_first_child_is_adopted() -> None:
    p = Node("old")
    c = p.append(Node("c"))
    p.name = "new"
    d = p.append(Node("d"))
    del p
    assert c.collected_parent_label == "old"
    assert d.collected_parent_label == "old"

    p = Node("first")
    p.append(Node("gone")).detach()
    p.name = "second"
    e = p.append(Node("e"))  # a new family: the label is read again
    del p
    assert e.collected_parent_label == "second"


def test_custom_tree_label_is_recorded() -> None:
    class Labelled(BaseNode):
        __slots__ = ()

        def tree_label(self) -> str:
            return "<body>"

    child = Labelled()
    Labelled().append(child)
    assert child.collected_parent_label == "<body>"


def test_a_tree_label_that_raises_does_not_corrupt_the_tree() -> None:
    class Bad:
        def __str__(self) -> str:
            raise RuntimeError("no str")

    q = family("a")
    a = q.children[0]
    p = Node(Bad())
    p.append(a)  # the label falls back; the append still happens
    assert a.parent is p
    assert names(q) == []
    check(p)
    del p
    assert a.parent_collected
    assert a.collected_parent_label is not None


def test_reattaching_an_orphan_resets_collected() -> None:
    a = Node("tmp").append(Node("a"))
    p = Node("p")
    p.append(a)
    assert not a.parent_collected
    assert a.collected_parent_label is None
    assert a.parent is p
    check(p)


def test_detaching_an_orphan_resets_collected() -> None:
    a = Node("tmp").append(Node("a"))
    assert a.detach() is a
    assert not a.parent_collected
    assert a.collected_parent_label is None
    assert a.detached


@pytest.mark.parametrize(
    "reattach",
    [
        lambda p, a: p.insert(0, a),
        lambda p, a: p.extend([a]),
        lambda p, a: setattr(p, "children", [a]),
        lambda p, a: setattr(a, "parent", p),
        lambda p, a: a.move_to(p),
        lambda p, a: p.append(Node("r")).replace_with(a),
        lambda p, a: p.append(Node("r")).insert_after(a),
        lambda p, a: Node("n", parent=p, children=[a]),
    ],
)
def test_every_attach_resets_collected(reattach: Any) -> None:
    a = Node("tmp").append(Node("a"))
    p = Node("p")
    reattach(p, a)
    assert a.root is p
    assert not a.parent_collected
    assert not a.detached


def test_detached_flag() -> None:
    p = family("a", "b", "c", "d", "e")
    a, b, c, d, e = p.children
    assert not any(x.detached for x in p.children)
    assert not Node("fresh").detached
    a.detach()
    p.remove(b)
    c.replace_with(Node("n"))
    p.children = [d, Node("m")]  # e dropped
    assert a.detached and b.detached and c.detached and e.detached
    assert not d.detached
    p.append(a)
    assert not a.detached
    orphan = Node("tmp").append(Node("o"))
    assert not orphan.detached


# ---------------------------------------------------------- the view --


def test_view_len_index_and_negative_index() -> None:
    p = family("a", "b", "c")
    v = p.children
    assert isinstance(v, ChildrenView)
    assert isinstance(v, Sequence)
    assert len(v) == 3
    assert v[0].name == "a"
    assert v[-1].name == "c"
    assert v[-3].name == "a"
    for bad in (3, -4, 100):
        with pytest.raises(IndexError):
            v[bad]
    with pytest.raises(TypeError):
        v["a"]  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        v[1.0]  # type: ignore[call-overload]


def test_view_is_live() -> None:
    p = family("a")
    v = p.children
    p.append(Node("b"))
    assert len(v) == 2
    assert v[1].name == "b"
    p.clear()
    assert len(v) == 0


def test_view_slices_are_tuples() -> None:
    p = family(*map(str, range(12)))
    model = list(p.children)
    for s in (slice(None), slice(2, 5), slice(None, None, -1), slice(-3, None), slice(1, 10, 3)):
        got = p.children[s]
        assert isinstance(got, tuple)
        assert list(got) == model[s]


def test_view_contains_by_identity() -> None:
    root = build(("r", [("a", ["g"])]))
    a = root.children[0]
    g = a.children[0]
    assert a in root.children
    assert g not in root.children
    assert root not in root.children
    assert "a" not in root.children
    assert None not in root.children
    p = Node("p", children=[Eqless("a")])
    assert Eqless("a") not in p.children


def test_view_index_with_start_and_stop_matches_list_index() -> None:
    p = family(*map(str, range(10)))
    model = list(p.children)
    for i, c in enumerate(model):
        for start in (-12, -5, -1, 0, 3, 9, 12):
            for stop in (None, -12, -3, 0, 4, 10, 20):
                try:
                    want = model.index(c, start, len(model) if stop is None else stop)
                except ValueError:
                    want = None
                if want is None:
                    with pytest.raises(ValueError):
                        p.children.index(c, start, stop)
                else:
                    assert p.children.index(c, start, stop) == want == i


def test_view_index_and_count_of_non_children() -> None:
    p = Node("p", children=[Eqless("a")])
    with pytest.raises(ValueError, match="not among the children"):
        p.children.index(Eqless("a"))
    with pytest.raises(ValueError):
        p.children.index("a")
    assert p.children.count(p.children[0]) == 1
    assert p.children.count(Eqless("a")) == 0


def test_view_iterates_over_a_snapshot() -> None:
    for size in (3, 12, 40):
        p = family(*map(str, range(size)))
        seen = []
        for c in p.children:
            seen.append(c.name)
            c.detach()
        assert seen == [str(i) for i in range(size)]
        assert p.is_leaf
        p = family(*map(str, range(size)))
        seen = []
        for c in reversed(p.children):
            seen.append(c.name)
            c.detach()
        assert seen == [str(i) for i in reversed(range(size))]


def test_view_equality() -> None:
    p = family("a", "b")
    a, b = p.children
    assert p.children == (a, b)
    assert p.children == [a, b]
    assert p.children != (b, a)
    assert p.children != (a,)
    assert p.children == p.children
    q = Node("q")
    assert q.children == ()
    assert q.children == []
    assert p.children != {a, b}
    assert p.children != "ab"
    e = Node("e", children=[Eqless("x")])
    assert e.children != [Eqless("x")]
    with pytest.raises(TypeError):
        hash(p.children)


def test_view_repr() -> None:
    p = family(*map(str, range(12)))
    text = repr(p.children)
    assert text.startswith("ChildrenView([Node('0')")
    assert "4 more" in text


# ------------------------------------------------------- wide families --


def _compare_with_model(p: Node, model: list[Node], rng: random.Random) -> None:
    """Ask every O(1) question of ``p``'s children, in random order, against ``model``."""
    v = p.children
    assert len(v) == len(model)
    assert p.first_child is (model[0] if model else None)
    assert p.last_child is (model[-1] if model else None)
    questions = [(i, q) for i in range(len(model)) for q in range(5)]
    rng.shuffle(questions)
    for i, q in questions:
        c = model[i]
        if q == 0:
            assert c.index == i
        elif q == 1:
            assert v[i] is c
        elif q == 2:
            assert c.next_sibling is (model[i + 1] if i + 1 < len(model) else None)
        elif q == 3:
            assert c.previous_sibling is (model[i - 1] if i else None)
        else:
            assert v[i - len(model)] is c


@pytest.mark.parametrize("size", [9, 10, 16, 33, 70, 150])
@pytest.mark.parametrize(
    "order", ["forward", "backward", "random", "middle-out", "evens-then-odds"]
)
def test_detaching_every_child_of_a_wide_node(size: int, order: str) -> None:
    rng = random.Random(f"{size}-{order}")
    p = family(*map(str, range(size)))
    model = list(p.children)
    if order == "forward":
        victims = list(model)
    elif order == "backward":
        victims = model[::-1]
    elif order == "random":
        victims = rng.sample(model, size)
    elif order == "middle-out":
        mid = size // 2
        victims = sorted(model, key=lambda c: abs(int(c.name) - mid))
    else:
        victims = model[::2] + model[1::2]
    _compare_with_model(p, model, rng)
    for victim in victims:
        victim.detach()
        model.remove(victim)
        _compare_with_model(p, model, rng)
        assert victim.detached
    assert p.is_leaf
    check(p)


@pytest.mark.parametrize("size", [9, 40, 120])
def test_detaching_without_questions_then_asking(size: int) -> None:
    """Holes pile up untouched; later answers must still be right."""
    rng = random.Random(size)
    p = family(*map(str, range(size)))
    model = list(p.children)
    for victim in rng.sample(model, size - 6):
        victim.detach()
        model.remove(victim)
    _compare_with_model(p, model, rng)
    check(p)


@pytest.mark.parametrize("seed", range(12))
def test_random_mutations_of_a_wide_family_against_a_list(seed: int) -> None:
    rng = random.Random(seed)
    p = family(*map(str, range(rng.choice([9, 12, 20, 50]))))
    model = list(p.children)
    spare = [Node(f"s{i}") for i in range(30)]
    counter = itertools.count()
    for _ in range(200):
        op = rng.randrange(9)
        if op == 0 and model:
            c = rng.choice(model)
            c.detach()
            model.remove(c)
            spare.append(c)
        elif op == 1 and spare:
            c = spare.pop()
            i = rng.randrange(-len(model) - 2, len(model) + 3)
            p.insert(i, c)
            model.insert(i, c)
        elif op == 2 and model:
            c = rng.choice(model)
            i = rng.randrange(-len(model) - 2, len(model) + 3)
            p.insert(i, c)
            model.remove(c)
            model.insert(i, c)
        elif op == 3:
            c = spare.pop() if spare else Node(f"n{next(counter)}")
            p.append(c)
            model.append(c)
        elif op == 4 and model:
            c = rng.choice(model)
            p.remove(c)
            model.remove(c)
            spare.append(c)
        elif op == 5 and len(model) > 1:
            old, new = rng.sample(model, 2)
            old.replace_with(new)
            model.remove(new)
            model[model.index(old)] = new
            spare.append(old)
        elif op == 6 and model:
            i = rng.randrange(len(model))
            assert model[i].next_sibling is (model[i + 1] if i + 1 < len(model) else None)
            assert model[i].previous_sibling is (model[i - 1] if i else None)
        elif op == 7 and model:
            i = rng.randrange(len(model))
            assert model[i].index == i
            assert p.children[i] is model[i]
        elif op == 8 and model:
            ref = rng.choice(model)
            pick = rng.sample(model, rng.randrange(min(4, len(model)) + 1))
            if spare and rng.random() < 0.5:
                pick.append(spare.pop())
            labels = [id(c) for c in model]
            ids = [id(c) for c in pick]
            if rng.random() < 0.5:
                ref.insert_after(*pick)
                want = dom_after(labels, id(ref), ids)  # type: ignore[arg-type]
            else:
                ref.insert_before(*pick)
                want = dom_before(labels, id(ref), ids)  # type: ignore[arg-type]
            by_id = {id(c): c for c in [*model, *pick]}
            model = [by_id[i] for i in want]
        assert list(p.children) == model
    _compare_with_model(p, model, rng)
    check(p)


def test_wide_family_clear_and_refill() -> None:
    p = family(*map(str, range(50)))
    for c in list(p.children)[10:40]:
        c.detach()
    p.clear()
    p.extend(kids(*map(str, range(20))))
    assert names(p) == [str(i) for i in range(20)]
    check(p)


# --------------------------------------------- nodes that refuse protocols --

TOUCHED: list[str] = []


class Touchy(BaseNode):
    """A node whose value protocols all fail: the library must use identity only."""

    __slots__ = ("name", "rank")

    def __init__(self, name: str, rank: int = 0, **kw: Any) -> None:
        super().__init__(**kw)
        self.name = name
        self.rank = rank

    def _refuse(self, what: str) -> Any:
        TOUCHED.append(f"{what} on {self.name}")
        raise AssertionError(f"the library called {what} on a node")

    def __eq__(self, other: object) -> bool:
        return bool(self._refuse("__eq__"))

    def __ne__(self, other: object) -> bool:
        return bool(self._refuse("__ne__"))

    def __hash__(self) -> int:
        return int(self._refuse("__hash__"))

    def __bool__(self) -> bool:
        return bool(self._refuse("__bool__"))

    def __len__(self) -> int:
        return int(self._refuse("__len__"))

    def __iter__(self) -> Any:
        return self._refuse("__iter__")

    def __repr__(self) -> str:
        return f"Touchy({self.name!r})"


def test_touchy_nodes_work_through_every_operation() -> None:
    TOUCHED.clear()
    root = Touchy("root")
    a = Touchy("a", parent=root)
    b = Touchy("b", parent=root, children=[Touchy("b1"), Touchy("b2")])
    c = root.append(Touchy("c", rank=2))
    wide = [Touchy(f"w{i}", rank=-i) for i in range(12)]
    a.extend(wide)
    a.insert(0, Touchy("first"))
    a.insert(-1, wide[3])
    wide[5].detach()
    a.remove(wide[6])
    wide[7].move_to(b, 1)
    wide[8].replace_with(wide[5])
    wide[9].insert_before(wide[1], Touchy("nb"))
    wide[9].insert_after(wide[9], wide[2], wide[10])
    a.sort_children(key=lambda n: n.rank)
    a.sort_children(key=lambda n: n.rank, reverse=True)
    b.children = [b.children[1], Touchy("b3"), b.children[0]]
    c.parent = b
    del c.parent
    c.parent = root
    for x in list(a.children):
        assert a.children.index(x) == x.index
        assert x in a.children
        assert a.children.count(x) == 1
        assert x.next_sibling is not x
        assert x.previous_sibling is not x
        assert x.siblings is not None
    assert a.children == list(a.children)
    assert a.children[2:5] == tuple(list(a.children)[2:5])
    check(root)
    assert root.height == 2
    assert wide[0].depth == 2
    assert wide[0].path[0] is root
    assert list(wide[0].ancestors())[-1] is root
    assert wide[0].is_descendant_of(root)
    assert root.is_ancestor_of(wide[0])
    assert common_ancestor(wide[0], b.children[0]) is root
    for order in ("pre", "post", "level"):
        assert len(list(root.walk(order))) == len(list(root.walk("pre")))  # type: ignore[arg-type]
        list(root.walk(order, filter=lambda n: n.rank == 0, prune=lambda n: n is b, max_depth=1))  # type: ignore[arg-type]
    assert len(list(root.levels())) == 3
    assert list(root.leaves())
    assert list(root.descendants())
    assert root.find(name="c") is c
    assert root.find_all(rank=2) == [c]
    assert root.find(lambda n: n.name == "b3") is not None
    assert root.resolve("a/first").name == "first"
    twin = root.copy()
    assert same_shape(root, twin)
    assert same_shape(root, copy.deepcopy(root), key=lambda n: n.name)
    assert copy.copy(c).name == "c"
    back = pickle.loads(pickle.dumps(root))
    assert same_shape(root, back, key=lambda n: n.name)
    c.detach()
    a.clear()
    del root
    assert TOUCHED == []


# ----------------------------------------------------- failed call = no-op --


def test_failed_calls_leave_weak_observers_untouched() -> None:
    """No failed call drops, adds or re-labels a parent reference."""
    root = build(("r", [("a", ["b"]), "c"]))
    a, c = root.children
    b = a.children[0]
    refs = [n._parent_ref for n in root.walk()]
    calls = [
        lambda: b.append(a),
        lambda: b.extend([c, root]),
        lambda: a.insert(0, root),
        lambda: root.remove(b),
        lambda: b.replace_with(a),
        lambda: b.insert_after(c, c),
        lambda: setattr(a, "children", [c, a]),
        lambda: setattr(a, "parent", b),
        lambda: a.sort_children(key=lambda n: 1 / 0),
    ]
    for call in calls[:-1]:
        with contextlib.suppress(TreeError, ValueError, TypeError):
            call()
    with pytest.raises(ZeroDivisionError):
        a.sort_children(key=lambda n: 1 / 0)
    after = [n._parent_ref for n in root.walk()]
    assert len(after) == len(refs)
    assert all(x is y for x, y in zip(after, refs, strict=True))


# ------------------------------------------- fast paths of append / detach --


class _Plain(BaseNode):
    __slots__ = ("name",)

    def __init__(self, name: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.name = name


class _OtherPlain(BaseNode):
    __slots__ = ()


class _Hooked(BaseNode):
    __slots__ = ("log",)

    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    def on_attached(self, parent: BaseNode) -> None:
        self.log.append("attached")

    def on_detached(self, old_parent: BaseNode) -> None:
        self.log.append("detached")


def _positions_agree(parent: BaseNode) -> None:
    kids = list(parent.children)
    for i, kid in enumerate(kids):
        assert kid.parent is parent
        assert kid.index == i
        assert parent.children[i] is kid
        assert kid.previous_sibling is (kids[i - 1] if i else None)
        assert kid.next_sibling is (kids[i + 1] if i + 1 < len(kids) else None)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 9, 20])
@pytest.mark.parametrize("how", ["detach", "append elsewhere", "append here"])
def test_leaving_a_family_at_every_position(size: int, how: str) -> None:
    """First, last and middle children leave small (tuple) and large families alike."""
    for pos in range(size):
        parent = _Plain("p")
        other = _Plain("o")
        kids = [parent.append(_Plain(str(i))) for i in range(size)]
        _positions_agree(parent)  # hints are right before the change
        leaving = kids[pos]
        if how == "detach":
            leaving.detach()
            assert leaving.parent is None and leaving.detached
            expected = kids[:pos] + kids[pos + 1 :]
        elif how == "append elsewhere":
            other.append(leaving)
            assert leaving.parent is other and other.children[0] is leaving
            expected = kids[:pos] + kids[pos + 1 :]
        else:
            parent.append(leaving)  # a move within the family: it goes last
            expected = kids[:pos] + kids[pos + 1 :] + [leaving]
        assert list(parent.children) == expected
        _positions_agree(parent)
        if not expected:
            assert parent.is_leaf and parent._children is None


def test_a_subtree_moved_within_its_family_keeps_its_chain() -> None:
    root = _Plain("root")
    a = root.append(_Plain("a"))
    b = root.append(_Plain("b"))
    leaf = a.append(_Plain("leaf"))
    root.append(a)  # a goes last; its children's chain must now pass through the new family
    assert list(root.children) == [b, a]
    assert leaf.depth == 2 and leaf.path == (root, a, leaf)
    with pytest.raises(LoopError):
        leaf.append(root)
    with pytest.raises(LoopError):
        leaf.append(a)


def test_mixed_plain_classes_and_hooked_classes_take_the_right_path() -> None:
    """The cache of the class last found plain never lets a hooked node skip its hooks."""
    plain = _Plain("p")
    other = _OtherPlain()
    hooked = _Hooked()
    plain.append(_Plain("warm"))  # _Plain is now the class last found plain
    other.append(hooked)
    assert hooked.log == ["attached"]
    plain.append(hooked)  # a move: detached from other, attached to plain
    assert hooked.log == ["attached", "detached", "attached"]
    hooked.detach()
    assert hooked.log[-1] == "detached"
    mixed = other.append(_Plain("mixed"))  # a plain child of another plain class
    assert mixed.parent is other
    mixed.detach()
    assert mixed.parent is None and other.is_leaf
    hooked_parent = _Hooked()
    child = hooked_parent.append(_Plain("c"))
    child.detach()  # the parent is hooked: the general path
    assert child.parent is None and hooked_parent.is_leaf


def test_a_class_that_keeps_the_default_label_records_its_name() -> None:
    parent = _OtherPlain()
    child = parent.append(_OtherPlain())
    del parent
    assert child.parent_collected
    assert child.collected_parent_label == "_OtherPlain"
    assert _OtherPlain._fixed_label == "_OtherPlain"
    assert Node._fixed_label is None  # Node overrides tree_label: it is called


def test_a_new_node_has_no_position_and_survives_copy_and_pickle() -> None:
    fresh = _Plain("fresh")
    assert fresh.index is None and fresh.parent is None and fresh.is_root
    assert copy.copy(fresh).name == "fresh"
    assert pickle.loads(pickle.dumps(Node("n"))).name == "n"
    assert Node("x", children=()).is_leaf and Node("y", children=[]).is_leaf


def test_a_non_node_child_is_named_with_the_fix() -> None:
    with pytest.raises(TypeError, match=r"cannot take 5 \(int\) as a child: children must be"):
        Node("x", children=[Node("ok"), 5])
    root = Node("r", children=[Node("a")])
    with pytest.raises(TypeError, match=r"cannot take 'b' \(str\) as a child.*Node\(name=\.\.\.\)"):
        root.children[0].insert_before("b")
    assert names(root) == ["a"]


def test_sort_children_refuses_a_key_that_is_not_callable() -> None:
    root = Node("r", children=kids("b", "a"))
    with pytest.raises(TypeError, match=r"key must be a callable taking a node \(or None\), not 5"):
        root.sort_children(key=5)  # type: ignore[arg-type]
    assert names(root) == ["b", "a"]
