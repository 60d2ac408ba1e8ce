"""Ownership diagnostics: `find_cycles` and `find_orphans`, as text and with rich."""

from __future__ import annotations

import gc
import io
import random
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from rich.console import Console

from boughs import BaseNode, Node, NodeData, WeakIndex, WeakRef, find_cycles, find_orphans
from boughs.diagnostics import CycleReport, OrphanReport, ReferenceCycle
from tests.strategies import build, chain, trees


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def plain(renderable: object, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def paths(report: CycleReport) -> list[str]:
    return [str(c) for c in report]


# ---------------------------------------------------------- no cycles --


@given(trees())
def test_boughs_trees_have_no_cycles(root: Node) -> None:
    report = find_cycles(root)
    assert not report and len(report) == 0 and not report.truncated
    assert report.examined == sum(1 for _ in root.walk())


def test_a_large_tree_a_deep_chain_and_their_nodes_have_none() -> None:
    rng = random.Random(3)
    nodes = build([0] + [rng.randrange(i) for i in range(1, 100_000)])
    assert not find_cycles(nodes[0])
    assert not find_cycles(nodes[-1])  # from a leaf: its family, up to the root's
    deep, bottom = chain(100_000)  # deeper than any recursion could go
    assert not find_cycles(deep) and not find_cycles(bottom)


def test_slotted_nodes_weak_attributes_and_orphans_have_none() -> None:
    class Item(BaseNode):
        __slots__ = ("_owner_ref", "name")
        owner = WeakRef()

    root = Item()
    leaf = root.append(Item())
    leaf.owner = root  # a weak back-reference: no cycle
    orphan = Node("tmp").append(Node("orphan"))
    detached = Node("a", children=[Node("b")]).children[0].detach()
    for obj in (root, leaf, orphan, detached):
        assert not find_cycles(obj)


def test_classes_modules_and_functions_globals_are_not_followed() -> None:
    assert not find_cycles(Node)
    assert not find_cycles(sys.modules[__name__])
    assert not find_cycles(test_classes_modules_and_functions_globals_are_not_followed)


# ------------------------------------------------------------- cycles --


def test_a_strong_back_reference_is_shown_with_attribute_names() -> None:
    root = Node("root", children=[Node("mid", children=[Node("leaf")])])
    leaf = root.children[0].children[0]
    leaf.owner = root
    report = find_cycles(root)
    assert paths(report) == [
        "Node('root')._children[0] -> Node('mid')._children[0] -> Node('leaf').owner "
        "-> Node('root')"
    ]
    assert paths(find_cycles(leaf)) == [
        "Node('leaf').owner -> Node('root')._children[0] -> Node('mid')._children[0] "
        "-> Node('leaf')"
    ]
    cycle = report[0]
    # 3 nodes, plus leaf's attribute dict when the interpreter made it a separate object.
    assert isinstance(cycle, ReferenceCycle) and cycle.length in (3, 4) and cycle.omitted == 0


def test_a_slot_a_list_a_dict_and_a_set() -> None:
    class Item(BaseNode):
        __slots__ = ("name", "partner")

    root = Item()
    root.name = "root"
    child = root.append(Item())
    child.name = "child"
    child.partner = {"best": [None, root]}
    assert paths(find_cycles(root)) == [
        "Item('root')._children[0] -> Item('child').partner['best'][1] -> Item('root')"
    ]
    node = Node("n")
    node.fans = {node}
    assert paths(find_cycles(node)) == ["Node('n').fans ∋ -> Node('n')"]


def test_closures_and_bound_methods() -> None:
    def make() -> Node:
        node = Node("n")
        node.callback = lambda: node  # the closure holds the node
        return node

    assert paths(find_cycles(make())) == [
        "Node('n').callback -> <function "
        "test_closures_and_bound_methods.<locals>.make.<locals>.<lambda>>.__closure__[0]"
        ".cell_contents -> Node('n')"
    ]

    class Listener:
        def __init__(self) -> None:
            self.handler = self.on_event

        def on_event(self) -> None:
            pass

        def __repr__(self) -> str:
            return "Listener()"

    assert paths(find_cycles(Listener())) == [
        "Listener().handler -> <bound method "
        "test_closures_and_bound_methods.<locals>.Listener.on_event>.__self__ -> Listener()"
    ]


def test_an_instance_dict_read_before_the_search_still_shows_attribute_names() -> None:
    node = Node("n")
    node.me = node
    assert node.__dict__  # on 3.11 this makes a real dict object, a vertex of its own
    assert paths(find_cycles(node)) == ["Node('n').me -> Node('n')"]


def test_containers_alone() -> None:
    items: list[Any] = []
    items.append(items)
    assert paths(find_cycles(items)) == [f"<list at {id(items):#x}>[0] -> <list at {id(items):#x}>"]
    d: dict[str, Any] = {}
    d["self"] = d
    queue: deque[Any] = deque([d])
    assert paths(find_cycles(queue)) == [f"<dict at {id(d):#x}>['self'] -> <dict at {id(d):#x}>"]


def test_several_cycles_and_the_cycle_limit() -> None:
    root = Node("root", children=[Node(i) for i in range(5)])
    for c in root.children:
        c.owner = root
    report = find_cycles(root)
    assert len(report) == 5 and not report.truncated
    assert paths(report)[4] == "Node('root')._children[4] -> Node(4).owner -> Node('root')"
    limited = find_cycles(root, max_cycles=2)
    assert len(limited) == 2 and limited.truncated
    assert "there may be more" in limited.summary()


def test_the_object_limit() -> None:
    root, bottom = chain(1000)
    bottom.owner = root
    report = find_cycles(root, max_objects=100)
    assert not report and report.truncated and report.examined == 100
    with pytest.raises(ValueError, match="must be positive"):
        find_cycles(root, max_objects=0)


def test_a_long_cycle_is_shown_with_its_middle_left_out() -> None:
    root, bottom = chain(50_000)
    bottom.owner = root
    (cycle,) = find_cycles(root)
    assert cycle.length in (50_000, 50_001)  # with bottom's attribute dict, if separate
    assert cycle.omitted == cycle.length - 16 and len(cycle.steps) == 16
    text = str(cycle)
    assert text.startswith("Node(None)._children[0] -> Node(None)._children[0]")
    assert f"… {cycle.omitted:,} more … -> " in text
    assert text.endswith("Node(None).owner -> Node(None)")


def test_a_tree_label_that_returns_an_object_is_followed_the_long_way() -> None:
    class Weird(Node):
        def tree_label(self) -> Any:
            return self  # not a str: the shared family reference now holds the parent

    root = Weird("root")
    root.append(Weird("child"))
    assert len(find_cycles(root)) == 1


def test_weak_structures_have_none(gc_off: None) -> None:
    root = Node("root", children=[Node("a", id=1)])
    index = WeakIndex(root, lambda n: getattr(n, "id", None))
    table = NodeData((n, n.name) for n in root.walk())
    subscription = root.observe(print, weak=False)
    for obj in (root, index, table, subscription):
        assert not find_cycles(obj), obj
    subscription.cancel()


# ------------------------------------------------------------ reports --


class Owned(BaseNode):
    __slots__ = ("name", "owner")

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def test_a_cycle_report_as_text_and_with_rich() -> None:
    root = Owned("root")
    root.append(Owned("leaf")).owner = root
    report = find_cycles(root)
    assert str(report) == (
        "1 reference cycle reachable from Owned('root'), 2 objects examined\n"
        "  Owned('root')._children[0] -> Owned('leaf').owner -> Owned('root')"
    )
    assert plain(report) == (
        "1 reference cycle reachable from Owned('root'), 2 objects examined\n"
        "└── Owned('root')._children[0] -> Owned('leaf').owner -> Owned('root')\n"
    )
    assert report[0] is report.cycles[0] and list(report[:1]) == [report[0]]
    root.children[0].owner = None
    clean = find_cycles(root)
    assert plain(clean) == "no reference cycle reachable from Owned('root'), 2 objects examined\n"


def test_orphans() -> None:
    kept = [Node("tmp").append(Node("para")), Node("fine"), Node("x", children=[Node("y")])]
    unnamed = BaseNode().append(BaseNode())
    kept.append(unnamed)
    kept[2].children[0].detach()
    report = find_orphans([*kept, *kept[2].walk()])
    assert isinstance(report, OrphanReport) and len(report) == 2 and report.examined == 5
    assert report[0].node is kept[0] and report[0].parent_label == "tmp"
    assert report[1].node is unnamed and report[1].parent_label == "BaseNode"
    assert str(report).splitlines() == [
        "2 orphans among 5 nodes",
        "  Node('para') lost its parent 'tmp'",
        f"  {unnamed!r} lost its parent 'BaseNode'",
    ]
    text = plain(report)
    assert text.splitlines()[0].rstrip() == "2 orphans among 5 nodes"
    assert "Node('para')" in text and "tmp" in text and "lost parent" in text
    none = find_orphans([Node("a")])
    assert not none and str(none) == "no orphan among 1 nodes"


def test_find_orphans_refuses_non_nodes() -> None:
    with pytest.raises(TypeError, match=r"needs nodes, got 'a' \(str\)"):
        find_orphans([Node(), "a"])  # type: ignore[list-item]


def test_find_orphans_over_a_generator_of_collected_parents(gc_off: None) -> None:
    def leaves() -> Iterator[Node]:
        for i in range(3):
            yield Node(f"p{i}").append(Node(f"c{i}"))

    report = find_orphans(leaves())
    assert [o.parent_label for o in report] == ["p0", "p1", "p2"]


def test_report_types_are_sequences() -> None:
    check: Callable[[Any], bool] = lambda r: len(r) == len(list(r))  # noqa: E731
    assert check(find_cycles(Node())) and check(find_orphans([]))
