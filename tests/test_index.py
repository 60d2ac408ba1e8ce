"""`WeakIndex`: a live read-only mapping over a subtree that never keeps anything alive."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boughs import BaseNode, Node, WeakIndex, find_cycles
from boughs import events as ev
from boughs.events import Mutation


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def key_id(n: Node) -> Any:
    return getattr(n, "id", None)


def sample() -> Node:
    """root(a(a1, a2), b(b1), c) with ids equal to names; root has no id."""
    return Node(
        "root",
        children=[
            Node("a", id="a", children=[Node("a1", id="a1"), Node("a2", id="a2")]),
            Node("b", id="b", children=[Node("b1", id="b1")]),
            Node("c", id="c"),
        ],
    )


def expected(root: BaseNode) -> dict[Any, BaseNode]:
    return {k: n for n in root.walk() if (k := key_id(n)) is not None}  # type: ignore[arg-type]


def agrees(index: WeakIndex[Any, Any], root: BaseNode) -> None:
    want = expected(root)
    assert len(index) == len(want)
    assert sorted(index) == sorted(want)
    for k, node in want.items():
        assert index[k] is node


# ------------------------------------------------------------- reading --


def test_a_read_only_mapping_of_the_subtree_including_the_root() -> None:
    root = sample()
    root.id = "root"  # type: ignore[attr-defined]
    index = WeakIndex(root, key_id)
    agrees(index, root)
    assert index["a1"].name == "a1" and "root" in index
    assert index.get("nope") is None and "nope" not in index
    assert [] not in index  # an unhashable key is simply absent
    assert dict(index.items()) == {k: index[k] for k in index}
    assert sorted(n.name for n in index.values()) == sorted(index)
    assert index.root is root and index.active
    assert repr(index) == "<WeakIndex over Node('root', id='root'): 7 keys>"
    with pytest.raises(KeyError):
        index["nope"]
    with pytest.raises(TypeError):
        index["x"] = Node()  # type: ignore[index]


def test_a_key_of_none_leaves_a_node_out() -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    assert "root" not in index and len(index) == 6


def test_a_subtree_of_a_larger_tree() -> None:
    root = sample()
    a = root.children[0]
    index = WeakIndex(a, key_id)
    assert sorted(index) == ["a", "a1", "a2"]
    root.children[1].append(Node("x", id="x"))  # outside a: not indexed
    assert "x" not in index


# ---------------------------------------------------------- keeping up --


def test_attached_subtrees_appear_and_detached_ones_disappear() -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    a, b, c = root.children
    root.append(Node("d", id="d", children=[Node("d1", id="d1")]))
    agrees(index, root)
    a.detach()
    agrees(index, root)
    assert "a1" not in index
    b.children[0].move_to(c)  # a move inside: no change
    agrees(index, root)
    root.children = [c, Node("e", id="e")]
    agrees(index, root)
    c.replace_with(a)
    agrees(index, root)
    a.insert_after(b)
    a.insert_before(Node("f", id="f"))
    root.sort_children(key=lambda n: n.name)
    agrees(index, root)
    Node("g", id="g", parent=a)
    Node("h", id="h", children=[a])  # a and its subtree leave root
    agrees(index, root)
    root.clear()
    assert dict(index) == {}


def test_moving_out_to_another_tree_and_back() -> None:
    root, other = sample(), Node("other")
    index = WeakIndex(root, key_id)
    a = root.children[0]
    a.move_to(other)
    assert "a" not in index and "a2" not in index
    a.children[1].move_to(root)
    a.move_to(root.children[0])
    agrees(index, root)


def test_the_observed_root_moving_changes_nothing() -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    holder = Node("holder", id="holder")
    holder.append(root)
    agrees(index, root)
    root.detach()
    agrees(index, root)


# --------------------------------------------------------- duplicates --


def test_duplicate_keys_at_build_time_raise_and_name_both_nodes() -> None:
    root = Node("root", children=[Node("x", id=1), Node("y", id=1)])
    with pytest.raises(ValueError, match=r"Node\('x', id=1\) and Node\('y', id=1\).*key 1"):
        WeakIndex(root, key_id)
    assert not ev.REGISTRY, "a failed build must not leave a subscription behind"


def test_a_later_duplicate_waits_behind_the_holder_and_takes_over_when_it_leaves() -> None:
    root = Node("root", children=[Node("first", id=1)])
    index = WeakIndex(root, key_id)
    first = root.children[0]
    second = root.append(Node("second", id=1))
    third = root.children[0].append(Node("third", id=1))  # inside first's subtree
    assert index[1] is first
    assert index.duplicates() == {1: [first, second, third]}
    assert len(index) == 1
    second.detach()  # a waiting node leaves: the queue forgets it
    assert index.duplicates() == {1: [first, third]}
    root.append(second)  # and joins the queue again, at the end
    assert index.duplicates() == {1: [first, third, second]}
    first.detach()  # the holder leaves, taking third with it: second takes over
    assert index[1] is second and index.duplicates() == {}
    third.move_to(root)
    second.replace_with(Node("other", id=2))
    assert index[1] is third and index[2].name == "other"


def test_refresh_recomputes_keys_and_refuses_new_duplicates() -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    a = root.children[0]
    a.id = "renamed"  # type: ignore[attr-defined]
    assert index["a"] is a  # keys are computed when nodes enter
    index.refresh()
    agrees(index, root)
    root.children[1].id = "renamed"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="both have the key 'renamed'"):
        index.refresh()
    assert index["renamed"] is a and "b" in index  # unchanged


# -------------------------------------------------------------- errors --


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="needs a node"):
        WeakIndex("root", key_id)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="function of a node"):
        WeakIndex(Node(), "id")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"key \[1\] of Node\('x'\) is not hashable"):
        WeakIndex(Node("x"), lambda n: [1])
    with pytest.raises(ZeroDivisionError):
        WeakIndex(Node("x"), lambda n: 1 / 0)


def test_a_key_that_fails_during_an_update_is_reported_and_the_rest_indexed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reports: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reports.append)

    def key(n: Node) -> Any:
        if n.name == "bad":
            raise LookupError("no key for bad")
        return n.name

    root = Node("root")
    index = WeakIndex(root, key)
    root.append(Node("sub", children=[Node("bad"), Node("good")]))
    assert sorted(index) == ["good", "root", "sub"]
    assert [type(r.exc_value) for r in reports] == [LookupError]


def test_an_index_cannot_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(WeakIndex(Node("r"), lambda n: n.name))


# ------------------------------------------------------- weak behaviour --


def test_the_index_never_keeps_the_tree_alive(gc_off: None) -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    probes = [weakref.ref(n) for n in root.walk()]
    del root
    assert all(p() is None for p in probes)
    assert len(index) == 0 and list(index) == [] and index.root is None
    assert not index.active and not ev.REGISTRY
    assert repr(index) == "<WeakIndex over a collected root: 0 keys>"


def test_the_tree_never_keeps_the_index_alive(gc_off: None) -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    probe = weakref.ref(index)
    assert ev.REGISTRY
    del index
    assert probe() is None
    assert not ev.REGISTRY, "the index's subscription must end with it"
    root.append(Node("after", id="after"))  # nothing to update, nothing raised


def test_dropped_subtrees_empty_out_of_it(gc_off: None) -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    a = root.children[0]
    probe = weakref.ref(a.children[0])
    a.detach()
    del a
    assert probe() is None
    assert sorted(index) == ["b", "b1", "c"]


def test_no_reference_cycles(gc_off: None) -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    assert not find_cycles(index) and not find_cycles(root)
    del root, index
    gc.enable()
    assert gc.collect() == 0


def test_iterating_while_nodes_die_or_the_tree_changes_never_raises(gc_off: None) -> None:
    root = sample()
    index = WeakIndex(root, key_id)
    seen = []
    for k in index:
        seen.append(k)
        if root is not None:
            root = None  # type: ignore[assignment]  # every node dies now
    assert len(seen) == 6 and len(index) == 0

    root = sample()
    index = WeakIndex(root, key_id)
    for k, _node in index.items():
        root.append(Node(f"new-{k}", id=f"new-{k}"))  # the index grows under the loop
    assert len(index) == 12
    for _node in index.values():
        root.clear()  # and shrinks
    assert len(index) == 0


# ---------------------------------------------------------- re-entrancy --


def test_records_delivered_late_are_checked_against_the_tree_as_it_is() -> None:
    root = sample()
    outside = Node("outside")

    def bounce(m: Mutation) -> None:
        # Runs before the index hears of the change: undo every departure of "a".
        if m.node.name == "a" and m.parent is not root:
            root.append(m.node)

    with root.observe(bounce, weak=False):
        index = WeakIndex(root, key_id)
        root.children[0].move_to(outside)  # the index sees "a moved out" after it came back
        agrees(index, root)
        assert "a1" in index


def test_a_node_that_leaves_a_departed_subtree_before_the_index_hears_is_dropped() -> None:
    """The index is updated as each call ends, before other observers run."""
    root = Node("root", children=[Node("s", id="s", children=[Node("z", id="z")])])
    s = root.children[0]
    z = s.children[0]
    elsewhere = Node("elsewhere")

    def steal(m: Mutation) -> None:
        if m.node is s and m.kind == "removed":
            elsewhere.append(z)  # z leaves s, which has already left root

    with root.observe(steal, weak=False):
        index = WeakIndex(root, key_id)
        s.detach()
    assert dict(index) == {}


operations = st.lists(
    st.tuples(st.sampled_from(["move", "detach", "new", "children"]), st.integers(0, 30)),
    max_size=40,
)


@settings(max_examples=150)
@given(operations, st.booleans(), st.integers(1, 4))
def test_random_changes_keep_the_index_consistent(
    ops: list[tuple[str, int]], reentrant: bool, modulus: int
) -> None:
    """With duplicate keys (id % modulus) and, optionally, a callback that also moves nodes."""
    pool = [Node(f"n{i}", id=i) for i in range(12)]
    outside = Node("outside")
    root = Node("root")
    index = WeakIndex(root, lambda n: None if n is root else n.id % modulus)
    subs = []
    if reentrant:

        def shuffle(m: Mutation) -> None:
            node = m.node
            if m.kind == "added" and node.id % 5 == 0 and node.parent is not outside:
                outside.append(node)  # sends some new arrivals straight out again
            elif (
                m.parent is not None
                and m.parent is not root
                and not m.parent.is_leaf
                and node.id % 3 == 0
                and not m.parent.first_child.is_ancestor_of(root)
            ):
                root.append(m.parent.first_child)  # and pulls some nodes back in

        subs.append(root.observe(shuffle, weak=False))
    for op, n in ops:
        node = pool[n % len(pool)]
        target = ([root, outside, *pool])[n % (len(pool) + 2)]
        if op == "move" and target is not node and not node.is_ancestor_of(target):
            node.move_to(target)
        elif op == "detach":
            node.detach()
        elif op == "new":
            pool.append(Node(f"n{len(pool)}", id=len(pool), parent=target))
        elif op == "children":
            picks = [pool[(n * k) % len(pool)] for k in range(1, 1 + n % 6)]
            new = {id(c): c for c in picks if c is not target and not c.is_ancestor_of(target)}
            for c in list(target.children)[:1]:
                new.setdefault(id(c), c)  # keep one current child
            target.children = list(new.values())
        inside = list(root.descendants())
        held = {id(n) for n in index.values()}
        for k, node_ in index.items():
            assert node_.id % modulus == k and (node_ in inside)
        for n_ in inside:
            assert n_.id % modulus in index
        waiting = sum(len(v) - 1 for v in index.duplicates().values())
        assert len(held) + waiting == len(inside)
    for sub in subs:
        sub.cancel()
