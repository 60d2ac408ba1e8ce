"""Mutation observers and subclass hooks (`boughs.events`, `BaseNode.observe`, hooks).

Every way of changing a tree, the records it produces (or, for a call that
fails, does not produce), subtree and direct subscriptions, weakly held
listeners and what ends a subscription, re-entrancy, the order of hooks and
observers, vetoes, and what happens to exceptions raised after a change.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest

from boughs import BaseNode, LoopError, Node, TreeError
from boughs import events as ev
from boughs import node as boughs_node
from boughs.events import Mutation, Subscription
from tests.strategies import check_invariants

Summary = tuple[str, Any, Any, Any, Any, Any]


def name(node: BaseNode | None) -> Any:
    return None if node is None else getattr(node, "name", node)


def summary(m: Mutation) -> Summary:
    """A record as plain values: (kind, node, parent, index, old_parent, old_index)."""
    return (m.kind, name(m.node), name(m.parent), m.index, name(m.old_parent), m.old_index)


class Recorder:
    """A weakly held listener (a bound method) that keeps what it receives."""

    def __init__(self) -> None:
        self.records: list[Mutation] = []

    def __call__(self, m: Mutation) -> None:
        self.records.append(m)

    def on_change(self, m: Mutation) -> None:
        self.records.append(m)

    @property
    def seen(self) -> list[Summary]:
        return [summary(m) for m in self.records]


@pytest.fixture(autouse=True)
def no_leftover_subscriptions() -> Iterator[None]:
    """Every test starts and must end with no subscription anywhere (the switch is off)."""
    gc.collect()
    assert not ev.REGISTRY
    assert boughs_node._observed is False
    yield
    gc.collect()
    leftovers = {key: list(subs) for key, subs in ev.REGISTRY.items()}
    for subs in leftovers.values():
        for sub in subs:
            sub.cancel()
    assert not leftovers, f"a test left subscriptions behind: {leftovers}"
    assert boughs_node._observed is False


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Collect what boughs passes to `sys.unraisablehook`."""
    got: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", got.append)
    return got


@contextlib.contextmanager
def watching(node: BaseNode, *, subtree: bool = True) -> Iterator[Recorder]:
    rec = Recorder()
    with node.observe(rec.on_change, subtree=subtree):
        yield rec


def tree() -> tuple[Node, Node, Node, Node, Node]:
    """root(a(x), b, c)."""
    x = Node("x")
    a = Node("a", children=[x])
    b, c = Node("b"), Node("c")
    root = Node("root", children=[a, b, c])
    return root, a, b, c, x


def positions_agree(records: list[Mutation]) -> None:
    """Positions in records are those after the whole call."""
    for m in records:
        assert m.node.parent is m.parent
        assert m.node.index == m.index
        if m.parent is not None:
            assert m.parent.children[m.index] is m.node


# --------------------------------------------------- one kind per call --


def test_append_reports_added_moved_and_nothing_for_no_change() -> None:
    root, a, _b, _c, _x = tree()
    other = Node("other", children=[Node("y")])
    y = other.children[0]
    with watching(root) as rec:
        root.append(Node("new"))
        root.append(y)
        root.append(y)  # already last: nothing changes, nothing is reported
        root.append(a)  # a move within one parent is one "moved" record
    assert rec.seen == [
        ("added", "new", "root", 3, None, None),
        ("moved", "y", "root", 4, "other", 0),
        ("moved", "a", "root", 4, "root", 0),
    ]
    check_invariants(root)


def test_insert_within_one_parent_is_one_moved_record() -> None:
    root, _a, b, c, _x = tree()
    with watching(root) as rec:
        root.insert(0, c)  # [c, a, b]
        root.insert(-1, Node("n"))  # list.insert(-1): [c, a, n, b]
        root.insert(1, b)  # b leaves, then goes to 1: [c, b, a, n]
        root.insert(99, n := root.children[-1])  # clamps: n is already last, no change
    assert rec.seen == [
        ("moved", "c", "root", 0, "root", 2),
        ("added", "n", "root", 2, None, None),
        ("moved", "b", "root", 1, "root", 3),
    ]
    assert [m.name for m in root.children] == ["c", "b", "a", "n"]
    assert n.name == "n"


def test_extend_reports_each_node_in_order_with_final_positions() -> None:
    root, a, _b, _c, x = tree()
    with watching(root) as rec:
        root.extend([Node("d"), x, a])
    assert rec.seen == [
        ("added", "d", "root", 2, None, None),
        ("moved", "x", "root", 3, "a", 0),
        ("moved", "a", "root", 4, "root", 0),
    ]
    positions_agree(rec.records)
    check_invariants(root)


def test_remove_detach_and_clear_report_removed() -> None:
    root, _a, b, _c, x = tree()
    orphan = Node("tmp").append(Node("orphan"))  # its parent is already collected
    with watching(root) as rec:
        root.remove(b)
        x.detach()
        root.detach()  # a root: no-op
        orphan.detach()  # an orphan: its parent is gone, nothing to report
        root.clear()
    assert rec.seen == [
        ("removed", "b", None, None, "root", 1),
        ("removed", "x", None, None, "a", 0),
        ("removed", "a", None, None, "root", 0),
        ("removed", "c", None, None, "root", 1),
    ]
    assert root.is_leaf and b.detached and x.detached


def test_clear_reports_only_the_children_not_their_subtrees() -> None:
    root, a, _b, _c, x = tree()
    with watching(root) as rec:
        root.clear()
    assert [s[1] for s in rec.seen] == ["a", "b", "c"]
    assert x.parent is a


def test_move_to_reports_one_moved_record() -> None:
    root, a, _b, c, _x = tree()
    with watching(root) as rec:
        c.move_to(a, 0)
        c.move_to(a)  # to the end of a: [x, c]
        c.move_to(a)  # already last: nothing
    assert rec.seen == [
        ("moved", "c", "a", 0, "root", 2),
        ("moved", "c", "a", 1, "a", 0),
    ]


def test_replace_with_reports_what_users_think_happened() -> None:
    root, a, b, c, x = tree()
    with watching(root) as rec:
        b.replace_with(n := Node("n"))
    assert rec.seen == [
        ("removed", "b", None, None, "root", 1),
        ("added", "n", "root", 1, None, None),
    ]
    rec.records.clear()
    with watching(root) as rec:
        a.replace_with(x)  # from inside a's own subtree
        x.replace_with(x)  # changes nothing
        n.replace_with(c)  # a sibling takes n's place
    assert rec.seen == [
        ("removed", "a", None, None, "root", 0),
        ("moved", "x", "root", 0, "a", 0),
        ("removed", "n", None, None, "root", 1),
        ("moved", "c", "root", 1, "root", 2),
    ]
    assert [m.name for m in root.children] == ["x", "c"]
    check_invariants(root)


def test_insert_before_and_after_report_only_nodes_that_moved() -> None:
    root, a, b, c, _x = tree()
    with watching(root) as rec:
        c.insert_before(a)  # [b, a, c]
        b.insert_after(b)  # DOM after(): b stays where it is
        a.insert_after(Node("p"), Node("q"))  # [b, a, p, q, c]
        a.insert_before(b, a, c)  # [b, a, c, p, q]
    assert rec.seen == [
        ("moved", "a", "root", 1, "root", 0),
        ("added", "p", "root", 2, None, None),
        ("added", "q", "root", 3, None, None),
        ("moved", "c", "root", 2, "root", 4),  # p and q shift, but only c was moved
    ]
    assert [m.name for m in root.children] == ["b", "a", "c", "p", "q"]


def test_insert_before_reports_moves_from_other_parents() -> None:
    root, _a, b, _c, x = tree()
    with watching(root) as rec:
        b.insert_before(x)
    assert rec.seen == [("moved", "x", "root", 1, "a", 0)]


def test_sort_children_reports_each_node_whose_position_changed() -> None:
    root, _a, _b, _c, _x = tree()
    with watching(root) as rec:
        root.sort_children(key=lambda n: n.name)  # already sorted: nothing
        root.sort_children(key=lambda n: n.name, reverse=True)  # [c, b, a]
    assert sorted(rec.seen) == [
        ("moved", "a", "root", 2, "root", 0),
        ("moved", "c", "root", 0, "root", 2),
    ]
    positions_agree(rec.records)


def test_assigning_children_reports_removed_added_and_moved() -> None:
    root, _a, _b, c, x = tree()
    with watching(root) as rec:
        root.children = [c, Node("n"), x]
    assert rec.seen == [
        ("removed", "a", None, None, "root", 0),
        ("removed", "b", None, None, "root", 1),
        ("moved", "c", "root", 0, "root", 2),
        ("added", "n", "root", 1, None, None),
        ("moved", "x", "root", 2, "a", 0),
    ]
    rec.records.clear()
    with watching(root) as rec:
        root.children = list(root.children)  # the same children: nothing changes
        root.children = root.children
    assert rec.seen == []


def test_the_parent_property_reports_like_append_and_detach() -> None:
    root, a, b, c, x = tree()
    with watching(root) as rec:
        Node("n").parent = root
        b.parent = a
        b.parent = a  # the current parent: nothing
        c.parent = None
        del x.parent
    assert rec.seen == [
        ("added", "n", "root", 3, None, None),
        ("moved", "b", "a", 1, "root", 1),
        ("removed", "c", None, None, "root", 1),
        ("removed", "x", None, None, "a", 0),
    ]


def test_constructors_report_their_links() -> None:
    root, _a, b, c, _x = tree()
    with watching(root) as rec:
        Node("n", parent=root)
        Node("p", children=[b])  # b leaves root for a new, unobserved parent
        q = Node("q", parent=root, children=[c])
    assert rec.seen == [
        ("added", "n", "root", 3, None, None),
        ("moved", "b", "p", 0, "root", 1),
        ("moved", "c", "q", 0, "root", 1),
        ("added", "q", "root", 2, None, None),
    ]
    assert q.parent is root


def test_a_slotted_base_node_reports_too() -> None:
    class Item(BaseNode):
        __slots__ = ("label",)

    root = Item()
    seen: list[Mutation] = []
    with root.observe(seen.append, weak=False):
        child = root.append(Item())
    assert [(m.kind, m.node, m.parent) for m in seen] == [("added", child, root)]


# ------------------------------------------------------- failed calls --


def failing_calls(root: Node, a: Node, b: Node, c: Node, x: Node) -> list[Callable[[], Any]]:
    return [
        lambda: a.append(root),
        lambda: a.append(a),
        lambda: x.extend([Node("ok"), root]),
        lambda: root.append(42),  # type: ignore[type-var]
        lambda: root.extend([b, b]),
        lambda: root.extend(b),  # type: ignore[arg-type]
        lambda: root.insert("0", b),  # type: ignore[arg-type]
        lambda: x.insert(0, a),
        lambda: root.remove(x),
        lambda: root.replace_with(b),
        lambda: x.replace_with(a),
        lambda: b.replace_with(7),  # type: ignore[arg-type]
        lambda: root.insert_before(b),
        lambda: b.insert_after(c, c),
        lambda: b.insert_after(root),
        lambda: root.sort_children(key=lambda n: 1 / 0),
        lambda: root.sort_children(key=lambda n: n if n is not a else "str"),
        lambda: setattr(root, "children", [b, b]),
        lambda: setattr(x, "children", [Node("ok"), a]),
        lambda: setattr(b, "parent", 5),
        lambda: setattr(a, "parent", x),
        lambda: b.move_to(42),  # type: ignore[arg-type]
        lambda: Node("n", parent=x, children=[root]),
        lambda: Node("n", children=[b, b]),
        lambda: Node("n", parent=root, depth=3),
    ]


def shape(root: BaseNode) -> list[tuple[Any, Any, tuple[Any, ...]]]:
    return [(name(n), name(n.parent), tuple(name(k) for k in n.children)) for n in root.walk()]


def test_a_call_that_raises_reports_nothing_and_changes_nothing() -> None:
    root, a, b, c, x = tree()
    before = shape(root)
    for number, call in enumerate(failing_calls(root, a, b, c, x)):
        with watching(root) as rec, watching(x, subtree=False) as direct:
            with pytest.raises((TreeError, ValueError, TypeError, ZeroDivisionError)):
                call()
        assert rec.seen == [] and direct.seen == [], f"call {number} reported a change"
        assert shape(root) == before, f"call {number} changed the tree"
    check_invariants(root)


def test_failed_calls_run_no_hooks() -> None:
    log: list[str] = []

    class Hooked(Node):
        def on_attached(self, parent: BaseNode) -> None:
            log.append("attached")

        def on_detached(self, old_parent: BaseNode) -> None:
            log.append("detached")

        def on_child_added(self, child: BaseNode) -> None:
            log.append("child added")

        def on_child_removed(self, child: BaseNode) -> None:
            log.append("child removed")

    x = Hooked("x")
    a = Hooked("a", children=[x])
    b, c = Hooked("b"), Hooked("c")
    root = Hooked("root", children=[a, b, c])
    log.clear()
    for call in failing_calls(root, a, b, c, x):
        with contextlib.suppress(TreeError, ValueError, TypeError, ZeroDivisionError):
            call()
    assert log == []


# ------------------------------------------------- subtree and direct --


def test_direct_observers_see_only_their_own_children() -> None:
    root, a, b, _c, _x = tree()
    with watching(root, subtree=False) as direct, watching(root) as deep:
        a.append(Node("y"))  # a grandchild of root
        root.remove(b)
    assert direct.seen == [("removed", "b", None, None, "root", 1)]
    assert deep.seen == [
        ("added", "y", "a", 1, None, None),
        ("removed", "b", None, None, "root", 1),
    ]


def test_moves_into_and_out_of_a_subtree_are_reported_once_to_each_observer() -> None:
    root, a, b, _c, x = tree()
    elsewhere = Node("elsewhere")
    with watching(root) as deep, watching(a) as under_a, watching(elsewhere) as other:
        x.move_to(b)  # inside root: one record, not two, although both ends are observed
        b.children[0].move_to(elsewhere)  # leaves root's subtree for another tree
        elsewhere.children[0].move_to(a)  # and comes back
    assert deep.seen == [
        ("moved", "x", "b", 0, "a", 0),
        ("moved", "x", "elsewhere", 0, "b", 0),
        ("moved", "x", "a", 0, "elsewhere", 0),
    ]
    assert under_a.seen == [deep.seen[0], deep.seen[2]]
    assert other.seen == deep.seen[1:]


def test_records_go_to_the_watchers_of_the_old_place_as_it_was_before_the_call() -> None:
    """In one call, x leaves b while b's ancestor a leaves root: root still hears of x."""
    root = Node("root", children=[Node("a", children=[Node("b", children=[Node("x")])])])
    a = root.children[0]
    b = a.children[0]
    x = b.children[0]
    outside = Node("outside")
    with watching(root) as deep, watching(b, subtree=False) as direct:
        outside.children = [a, x]
    assert deep.seen == [
        ("moved", "a", "outside", 0, "root", 0),
        ("moved", "x", "outside", 1, "b", 0),
    ]
    assert direct.seen == deep.seen[1:]
    with watching(outside) as out:
        root.extend([x, a])  # and back: the new places are judged as the call leaves them
    assert [s[1] for s in out.seen] == ["x", "a"]


def test_changes_to_the_observed_node_itself_are_its_parent_s_business() -> None:
    root, a, _b, _c, x = tree()
    with watching(a) as under_a, watching(root) as deep:
        a.detach()
        x.detach()  # a is a root now, still observed
    assert under_a.seen == [("removed", "x", None, None, "a", 0)]
    assert deep.seen == [("removed", "a", None, None, "root", 0)]


def test_each_subscription_receives_each_record_once_in_subscription_order() -> None:
    root, a, _b, _c, _x = tree()
    order: list[str] = []
    first = root.observe(lambda m: order.append("first"), weak=False)
    second = a.observe(lambda m: order.append("second"), weak=False, subtree=False)
    third = root.observe(lambda m: order.append("third"), weak=False)
    a.append(Node("y"))
    for sub in (first, second, third):
        sub.cancel()
    assert order == ["first", "second", "third"]


# ---------------------------------------------------------- weak listeners --


def test_a_bound_method_is_held_weakly_and_its_death_ends_the_subscription(
    gc_off: None,
) -> None:
    root = Node("root")
    rec = Recorder()
    probe = weakref.ref(rec)
    sub = root.observe(rec.on_change)
    root.append(Node("a"))
    assert len(rec.records) == 1 and sub.active
    del rec
    assert probe() is None, "the subscription kept its listener alive"
    assert not sub.active, "the subscription must end as soon as its listener dies"
    assert not ev.REGISTRY and boughs_node._observed is False  # the fast path is back at once
    root.append(Node("b"))  # nothing to deliver to, nothing raised


def test_the_lambda_pitfall_and_weak_false() -> None:
    root = Node("root")
    seen: list[Mutation] = []
    pitfall = root.observe(lambda m: seen.append(m))  # noqa: PLW0108 (the pitfall itself)
    assert not pitfall.active
    root.append(Node("a"))
    assert seen == []
    with root.observe(lambda m: seen.append(m), weak=False) as kept:  # noqa: PLW0108
        assert kept.active
        root.append(Node("b"))
    assert [name(m.node) for m in seen] == ["b"]


def test_weak_false_holds_the_listener_until_cancelled(gc_off: None) -> None:
    root = Node("root")
    rec = Recorder()
    probe = weakref.ref(rec)
    sub = root.observe(rec.on_change, weak=False)
    del rec
    assert probe() is not None
    root.append(Node("a"))
    assert len(probe().records) == 1  # type: ignore[union-attr]
    sub.cancel()
    assert probe() is None


def test_functions_and_callable_objects_are_held_weakly(gc_off: None) -> None:
    root = Node("root")
    seen: list[str] = []

    def listener(m: Mutation) -> None:
        seen.append(name(m.node))

    callable_object = Recorder()
    by_function = root.observe(listener)
    by_object = root.observe(callable_object)
    root.append(Node("a"))
    assert seen == ["a"] and len(callable_object.records) == 1
    del listener, callable_object
    assert not by_function.active and not by_object.active
    root.append(Node("b"))
    assert seen == ["a"]


def test_builtin_methods_of_weakly_referenceable_objects_are_held_weakly(gc_off: None) -> None:
    root = Node("root")
    bag: collections.deque[Mutation] = collections.deque()
    sub = root.observe(bag.append)
    root.append(Node("a"))
    assert len(bag) == 1
    del bag
    assert not sub.active


@pytest.mark.parametrize(
    ("callback", "named"),
    [([].append, "list"), ({}.setdefault, "dict")],
    ids=["list.append", "dict.setdefault"],
)
def test_callbacks_that_cannot_be_held_weakly_say_to_pass_weak_false(
    callback: Callable[[Mutation], object], named: str
) -> None:
    root = Node("root")
    with pytest.raises(TypeError, match="weak=False") as info:
        root.observe(callback)
    assert named in str(info.value)
    root.observe(callback, weak=False).cancel()  # the fix works


def test_a_method_of_an_object_without_weakref_slot_names_the_fixes() -> None:
    class Slotted:
        __slots__ = ()

        def on_change(self, m: Mutation) -> None:
            pass

    with pytest.raises(TypeError, match=r"__weakref__.*weak=False"):
        Node().observe(Slotted().on_change)


def test_a_non_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="callable"):
        Node().observe("print")  # type: ignore[arg-type]


# --------------------------------------------------------- subscriptions --


def test_cancel_is_idempotent_and_stops_delivery() -> None:
    root = Node("root")
    seen: list[Mutation] = []
    sub = root.observe(seen.append, weak=False)
    assert isinstance(sub, Subscription) and sub.active and sub.node is root
    assert boughs_node._observed is True
    sub.cancel()
    sub.cancel()
    assert not sub.active and boughs_node._observed is False
    root.append(Node("a"))
    assert seen == []
    assert "ended" in repr(sub) and "root" in repr(sub)


def test_the_context_manager_cancels_even_when_the_block_raises() -> None:
    root = Node("root")
    seen: list[Mutation] = []
    with pytest.raises(RuntimeError), root.observe(seen.append, weak=False) as sub:
        assert "active" in repr(sub)
        root.append(Node("a"))
        raise RuntimeError
    assert not sub.active
    root.append(Node("b"))
    assert len(seen) == 1


def test_cancelling_one_subscription_leaves_the_others() -> None:
    root = Node("root")
    one: list[Mutation] = []
    two: list[Mutation] = []
    first = root.observe(one.append, weak=False)
    second = root.observe(two.append, weak=False)
    first.cancel()
    root.append(Node("a"))
    assert one == [] and len(two) == 1
    assert boughs_node._observed is True
    second.cancel()


def test_a_cancelled_subscription_drops_records_already_queued() -> None:
    root = Node("root")
    late: list[Mutation] = []
    holder: list[Subscription] = []

    def canceller(m: Mutation) -> None:
        holder[0].cancel()  # the second subscription, before it receives this record

    with root.observe(canceller, weak=False):
        holder.append(root.observe(late.append, weak=False))
        root.append(Node("a"))
    assert late == []


# ------------------------------------------------------- node death ---


def test_a_subscription_never_keeps_its_node_alive(gc_off: None) -> None:
    root = Node("root", children=[Node("a")])
    probe = weakref.ref(root)
    leaf_probe = weakref.ref(root.children[0])
    seen: list[Mutation] = []
    subs = [
        root.observe(seen.append, weak=False),
        root.observe(seen.append, weak=False, subtree=False),
        root.children[0].observe(seen.append, weak=False),
    ]
    del root
    assert probe() is None and leaf_probe() is None, "a subscription kept a node alive"
    assert all(not s.active and s.node is None for s in subs)
    assert not ev.REGISTRY and boughs_node._observed is False
    listener = Recorder()
    probe_listener = weakref.ref(listener)
    kept = Node("n").observe(listener, weak=False)  # the node dies at once
    del listener
    assert not kept.active and probe_listener() is None, "an ended subscription let it go"
    for s in subs:
        s.cancel()  # cancelling after the node died is harmless


def test_observing_creates_no_reference_cycle(gc_off: None) -> None:
    root = Node("root", children=[Node("a", children=[Node("b")])])
    rec = Recorder()
    subs = [root.observe(rec.on_change), root.observe(rec), root.observe(id, weak=False)]
    root.children[0].children[0].move_to(root)
    rec.records.clear()  # records hold nodes; that is the listener's business
    del root, rec, subs
    gc.enable()
    assert gc.collect() == 0


def test_records_hold_their_nodes_only_as_long_as_the_listener_keeps_them(gc_off: None) -> None:
    root = Node("root")
    rec = Recorder()
    with root.observe(rec.on_change):
        child = root.append(Node("a"))
    probe = weakref.ref(child)
    root.clear()
    del child
    assert probe() is not None  # the record still holds it
    rec.records.clear()
    assert probe() is None


# -------------------------------------------------------- re-entrancy --


def test_records_of_a_callback_s_change_come_after_the_current_round_in_order() -> None:
    root = Node("root")
    log: list[tuple[str, str, Any]] = []

    def reactor(m: Mutation) -> None:
        log.append(("reactor", m.kind, name(m.node)))
        if name(m.node) == "a" and m.kind == "added":
            root.append(Node("b"))
            root.append(Node("c"))

    def witness(m: Mutation) -> None:
        log.append(("witness", m.kind, name(m.node)))

    with root.observe(reactor, weak=False), root.observe(witness, weak=False):
        root.append(Node("a"))
    assert log == [
        ("reactor", "added", "a"),
        ("witness", "added", "a"),  # the round for "a" ends before "b" is delivered
        ("reactor", "added", "b"),
        ("witness", "added", "b"),
        ("reactor", "added", "c"),
        ("witness", "added", "c"),
    ]


def test_a_callback_that_reacts_to_its_own_changes_terminates_without_recursion() -> None:
    root = Node("root")
    steps = 5 * sys.getrecursionlimit()  # deeper than any recursive delivery could go
    count = 0

    def grow(m: Mutation) -> None:
        nonlocal count
        count += 1
        if count < steps:
            m.node.append(Node(count))  # each record causes the next change

    with root.observe(grow, weak=False):
        root.append(Node(0))
    assert count == steps
    assert root.height == steps


def test_a_callback_that_undoes_a_change_sees_both_records() -> None:
    root, _a, b, _c, _x = tree()
    seen: list[Summary] = []

    def undo(m: Mutation) -> None:
        seen.append(summary(m))
        if m.kind == "removed" and name(m.node) == "b":
            m.old_parent.insert(m.old_index, m.node)  # type: ignore[union-attr,arg-type]

    with root.observe(undo, weak=False):
        b.detach()
    assert seen == [
        ("removed", "b", None, None, "root", 1),
        ("added", "b", "root", 1, None, None),
    ]
    check_invariants(root)


def test_delivery_is_per_thread() -> None:
    root = Node("root")
    threads: list[int] = []
    with root.observe(lambda m: threads.append(threading.get_ident()), weak=False):
        worker = threading.Thread(target=lambda: root.append(Node("a")))
        worker.start()
        worker.join()
        root.append(Node("b"))
    assert threads == [worker.ident, threading.get_ident()]


def test_a_base_exception_in_a_callback_propagates_and_leaves_delivery_usable() -> None:
    root = Node("root")
    seen: list[Any] = []

    def interrupt(m: Mutation) -> None:
        if name(m.node) == "a":
            root.append(Node("queued"))  # queued behind the interrupted round
            raise KeyboardInterrupt

    with root.observe(interrupt, weak=False), root.observe(seen.append, weak=False):
        with pytest.raises(KeyboardInterrupt):
            root.append(Node("a"))
        assert [n.name for n in root.children] == ["a", "queued"]  # the change stands
        root.append(Node("b"))
    assert [name(m.node) for m in seen] == ["b"]  # nothing stale was delivered late


# ------------------------------------------------------------- hooks --


class Logged(Node):
    """Logs every hook; the log is a class attribute that each test resets."""

    log: list[tuple[Any, ...]] = []

    def on_attached(self, parent: BaseNode) -> None:
        self.log.append(("attached", self.name, name(parent), self.parent is parent))

    def on_detached(self, old_parent: BaseNode) -> None:
        self.log.append(("detached", self.name, name(old_parent), self.parent))

    def on_child_added(self, child: BaseNode) -> None:
        self.log.append(("child added", self.name, name(child), child.index))

    def on_child_removed(self, child: BaseNode) -> None:
        self.log.append(("child removed", self.name, name(child)))


@pytest.fixture
def log() -> Iterator[list[tuple[Any, ...]]]:
    Logged.log = []
    yield Logged.log
    Logged.log = []


def test_hooks_run_detach_pair_then_attach_pair_then_observers(
    log: list[tuple[Any, ...]],
) -> None:
    p, q = Logged("p"), Logged("q")
    c = p.append(Logged("c"))
    assert log == [("attached", "c", "p", True), ("child added", "p", "c", 0)]
    log.clear()
    with q.observe(lambda m: log.append(("observer", m.kind)), weak=False):
        c.move_to(q)
    assert log == [
        ("child removed", "p", "c"),
        ("detached", "c", "p", q),  # hooks run after the whole call: c is already under q
        ("attached", "c", "q", True),
        ("child added", "q", "c", 0),
        ("observer", "moved"),
    ]


def test_hooks_run_record_by_record_and_not_for_reorders(log: list[tuple[Any, ...]]) -> None:
    p = Logged("p", children=[Logged("a"), Logged("b")])
    log.clear()
    p.sort_children(key=lambda n: n.name, reverse=True)
    p.insert(0, p.children[1])
    assert log == []  # positions changed, parents did not
    assert [n.name for n in p.children] == ["a", "b"]
    p.children = [Logged("n"), p.children[0]]
    assert log == [
        ("child removed", "p", "b"),
        ("detached", "b", "p", None),
        ("attached", "n", "p", True),
        ("child added", "p", "n", 0),
    ]


def test_hooks_run_without_any_observer(log: list[tuple[Any, ...]]) -> None:
    assert not ev.REGISTRY
    p = Logged("p")
    p.append(Logged("c")).detach()
    assert [entry[0] for entry in log] == ["attached", "child added", "child removed", "detached"]


def test_a_hook_that_changes_the_tree_keeps_records_in_order() -> None:
    class AutoMarker(Node):
        def on_child_added(self, child: BaseNode) -> None:
            if name(child) != "marker":
                self.append(Node("marker"))

    root = AutoMarker("root")
    seen: list[Summary] = []
    with root.observe(lambda m: seen.append(summary(m)), weak=False):
        root.append(Node("x"))
    assert seen == [
        ("added", "x", "root", 0, None, None),
        ("added", "marker", "root", 1, None, None),
    ]
    # Positions in a record are those just after its own call.
    assert [n.name for n in root.children] == ["x", "marker"]


# ------------------------------------------------------------- vetoes --


class OnlyItems(Node):
    """A list that accepts only children named "li"."""

    def validate_child(self, child: BaseNode) -> None:
        if name(child) != "li":
            raise TypeError(f"a list accepts only li, not {name(child)!r}")


def veto_calls(ul: OnlyItems, li: Node, p: Node, other: Node) -> list[Callable[[], Any]]:
    return [
        lambda: ul.append(p),
        lambda: ul.insert(0, p),
        lambda: ul.extend([Node("li"), p]),
        lambda: setattr(ul, "children", [li, p]),
        lambda: setattr(p, "parent", ul),
        lambda: p.move_to(ul),
        lambda: p.move_to(ul, 0),
        lambda: li.replace_with(p),
        lambda: li.insert_before(p),
        lambda: li.insert_after(Node("li"), p),
        lambda: Node("p", parent=ul),
        lambda: OnlyItems("ul", children=[Node("li"), other]),
    ]


def test_a_veto_leaves_the_tree_observers_and_hooks_untouched_for_every_call() -> None:
    root = Node("root")
    ul = OnlyItems("ul", parent=root)
    li = ul.append(Node("li"))
    p = Node("p", parent=root)
    other = Node("other", parent=root)
    before = shape(root)
    calls = veto_calls(ul, li, p, other)
    for number, call in enumerate(calls):
        with watching(root) as rec:
            with pytest.raises(TypeError, match="accepts only li"):
                call()
        assert rec.seen == [], f"veto {number} reported a change"
        assert shape(root) == before, f"veto {number} changed the tree"
    check_invariants(root)


def test_a_veto_leaves_the_tree_untouched_on_the_unobserved_fast_paths() -> None:
    class LoggingItems(OnlyItems):
        log: ClassVar[list[str]] = []

        def on_child_added(self, child: BaseNode) -> None:
            self.log.append(f"added {name(child)}")

    root = Node("root")
    ul = LoggingItems("ul", parent=root)
    li = ul.append(Node("li"))
    p = Node("p", parent=root)
    other = Node("other", parent=root)
    deep = Node("deep", children=[Node("x")], parent=root)
    before = shape(root)
    LoggingItems.log.clear()
    for number, call in enumerate([*veto_calls(ul, li, p, other), lambda: ul.append(deep)]):
        with pytest.raises(TypeError, match="accepts only li"):
            call()
        assert shape(root) == before, f"veto {number} changed the tree"
    assert LoggingItems.log == []
    with pytest.raises(LoopError):  # the loop check comes before the veto
        ul.append(root)
    ul.append(Node("li"))
    assert LoggingItems.log == ["added li"]
    check_invariants(root)


def test_a_veto_is_not_consulted_for_reorders_among_current_children() -> None:
    consulted: list[Any] = []

    class Picky(Node):
        def validate_child(self, child: BaseNode) -> None:
            consulted.append(name(child))

    p = Picky("p", children=[Node("a"), Node("b")])
    consulted.clear()
    a, b = p.children
    p.sort_children(key=lambda n: n.name, reverse=True)
    p.insert(0, a)
    p.append(a)
    p.children = [a, b]
    b.insert_before(a)
    assert consulted == []
    p.append(Node("c"))
    assert consulted == ["c"]


# -------------------------------------------------------------- errors --


class Raising(Node):
    def on_attached(self, parent: BaseNode) -> None:
        raise ValueError(f"on_attached of {self.name}")


def test_a_hook_exception_goes_to_the_unraisable_hook_and_the_change_stands(
    unraisable: list[Any],
) -> None:
    root = Node("root")
    seen: list[Mutation] = []
    with root.observe(seen.append, weak=False):
        child = root.append(Raising("c"))  # does not raise
    assert child.parent is root and len(seen) == 1  # observers still ran
    assert len(unraisable) == 1
    report = unraisable[0]
    assert report.exc_type is ValueError and "on_attached of c" in str(report.exc_value)
    assert "hook or observer" in report.err_msg
    assert report.exc_traceback is not None


def test_an_observer_exception_goes_to_the_unraisable_hook_and_others_still_run(
    unraisable: list[Any],
) -> None:
    root = Node("root")
    seen: list[Mutation] = []

    def broken(m: Mutation) -> None:
        raise RuntimeError("observer failed")

    with root.observe(broken, weak=False), root.observe(seen.append, weak=False):
        root.append(Node("a"))
        root.append(Node("b"))
    assert [name(m.node) for m in seen] == ["a", "b"]
    assert [str(r.exc_value) for r in unraisable] == ["observer failed"] * 2
    assert all(r.object is broken for r in unraisable)


def test_with_the_default_hook_the_exception_is_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    Node("root").append(Raising("c"))
    err = capsys.readouterr().err
    assert "Exception ignored in boughs hook or observer" in err
    assert "ValueError: on_attached of c" in err


def test_an_exception_in_one_hook_does_not_skip_the_others(unraisable: list[Any]) -> None:
    log: list[str] = []

    class Parent(Node):
        def on_child_added(self, child: BaseNode) -> None:
            log.append("child added")

    Parent("p").append(Raising("c"))
    assert log == ["child added"] and len(unraisable) == 1


# ---------------------------------------------------------- the switch --


def test_the_switch_follows_the_registry_under_concurrent_subscribe_and_cancel() -> None:
    nodes = [Node(i) for i in range(8)]
    errors: list[BaseException] = []
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def churn(node: Node) -> None:
        try:
            for _ in range(2000):
                node.observe(print, weak=False).cancel()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        workers = [threading.Thread(target=churn, args=(n,)) for n in nodes]
        keeper = nodes[0].observe(print, weak=False)
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert boughs_node._observed is True  # keeper is still subscribed
        keeper.cancel()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert not ev.REGISTRY and boughs_node._observed is False


def test_immediate_subscriptions_hear_each_call_before_hooks_and_queued_records() -> None:
    """For bookkeeping such as WeakIndex: the tree is exactly as the call left it."""
    log: list[tuple[str, Any, Any]] = []

    class Hooked(Node):
        def on_child_added(self, child: BaseNode) -> None:
            log.append(("hook", name(child), None))

    root = Hooked("root")

    def reactor(m: Mutation) -> None:
        log.append(("queued", name(m.node), None))
        if name(m.node) == "a":
            root.append(Node("b"))

    def immediate(m: Mutation) -> None:
        log.append(("immediate", name(m.node), [name(c) for c in root.children]))

    with (
        root.observe(reactor, weak=False),
        Subscription(root, immediate, subtree=True, weak=False, immediate=True),
    ):
        root.append(Node("a"))
    assert log == [
        ("immediate", "a", ["a"]),
        ("hook", "a", None),
        ("queued", "a", None),
        ("immediate", "b", ["a", "b"]),  # as soon as the reactor's call ended
        ("hook", "b", None),
        ("queued", "b", None),
    ]


def test_live_subscriptions_at_interpreter_exit_end_quietly(tmp_path: Any) -> None:
    """Nodes die while modules are torn down; their callbacks must not complain."""
    import subprocess
    import textwrap

    script = tmp_path / "exit.py"
    script.write_text(
        textwrap.dedent(
            """
            from boughs import Node, NodeData, WeakIndex, add_to_group

            class Listener:
                def on_change(self, m):
                    pass

            ROOT = Node("root", children=[Node(i, id=i) for i in range(50)])
            LISTENER = Listener()
            SUBS = [ROOT.observe(LISTENER.on_change), ROOT.observe(print, weak=False)]
            SUBS += [c.observe(LISTENER.on_change) for c in ROOT.children]
            INDEX = WeakIndex(ROOT, lambda n: getattr(n, "id", None))
            TABLE = NodeData((n, 1) for n in ROOT.walk())
            for n in ROOT.walk():
                add_to_group(n, "all")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and done.stderr == ""


def test_mutation_records_are_frozen() -> None:
    m = Mutation("added", Node("a"), None, None, None, None)
    with pytest.raises(AttributeError):
        m.kind = "removed"  # type: ignore[misc]


def test_with_a_subscription_elsewhere_fast_paths_still_report_what_concerns_it() -> None:
    """The fast paths climb the places involved; only changes outside every watched
    subtree skip the records."""
    a = Node("a", children=[Node("a1", children=[Node("a2")])])
    b = Node("b", children=[Node("b1", children=[Node("b2")])])
    a2 = a.children[0].children[0]
    b1 = b.children[0]
    b2 = b1.children[0]
    seen: list[Mutation] = []
    with a.observe(seen.append, weak=False):
        b.append(Node("new"))  # another tree: nothing
        b2.move_to(b)
        b2.detach()
        b.append(b2)
        assert seen == []
        b2.move_to(a2)  # into the watched subtree, two levels down
        assert [(m.kind, m.node, m.parent, m.old_parent) for m in seen] == [("moved", b2, a2, b)]
        b1.append(b2)  # and out again
        a2.append(Node("leaf")).detach()  # added, then removed, deep inside
        assert [(m.kind, m.parent, m.old_parent) for m in seen[1:]] == [
            ("moved", b1, a2),
            ("added", a2, None),
            ("removed", None, a2),
        ]
        b1.move_to(a)  # a subtree moves in: one record, for b1
        assert [(m.kind, m.node) for m in seen[4:]] == [("moved", b1)]
    check_invariants(a)
    check_invariants(b)


def test_a_hook_on_an_unobserved_tree_may_change_an_observed_one() -> None:
    """Hooks of an unobserved change run without a snapshot (events.notify); a change
    they make elsewhere is still reported, before the outer call returns."""
    other = Node("other")
    seen: list[Mutation] = []
    log: list[str] = []

    class Mirror(Node):
        def on_child_added(self, child: BaseNode) -> None:
            log.append(f"added {name(child)}")
            other.append(Node(f"copy of {name(child)}"))

        def on_child_removed(self, child: BaseNode) -> None:
            log.append(f"removed {name(child)}")

    box = Mirror("box")
    with other.observe(seen.append, weak=False):
        gift = box.append(Node("gift"))
        assert log == ["added gift"]
        assert [(m.kind, name(m.node)) for m in seen] == [("added", "copy of gift")]
        gift.detach()
        assert log == ["added gift", "removed gift"]
        Node("shelf").append(box.append(Node("cup")))  # moved out of box at once
    assert log == ["added gift", "removed gift", "added cup", "removed cup"]
    assert [name(c) for c in other.children] == ["copy of gift", "copy of cup"]
    check_invariants(other)
