"""`NodeData`: per-node side tables keyed by identity, whose entries die with their nodes."""

from __future__ import annotations

import gc
import pickle
import threading
import weakref
from collections.abc import Iterator

import pytest

from boughs import BaseNode, Node, NodeData, find_cycles
from tests.strategies import build


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Touchy(Node):
    """A node class whose == and hash() must never be called (a structural class would)."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("__eq__ was called")

    def __hash__(self) -> int:
        raise AssertionError("__hash__ was called")


def test_the_mapping_api() -> None:
    a, b, c = Node("a"), Node("b"), Node("c")
    table: NodeData[Node, int] = NodeData([(a, 1), (b, 2)])
    table[c] = 3
    table[a] = 10
    assert len(table) == 3 and table[a] == 10 and a in table and Node() not in table
    assert list(table) == [a, b, c] and list(table.keys()) == [a, b, c]
    assert list(table.values()) == [10, 2, 3]
    assert list(table.items()) == [(a, 10), (b, 2), (c, 3)]
    assert (b, 2) in table.items() and 3 in table.values()
    assert table.get(Node()) is None and table.get(Node(), 7) == 7 and table.get(b) == 2
    assert table.setdefault(b, 99) == 2 and table.pop(b) == 2 and table.pop(b, None) is None
    del table[c]
    assert dict(table.items()) == {a: 10}
    table.update({b: 5})
    assert table.popitem() == (b, 5)
    twin = table.copy()
    assert twin == table and twin is not table and twin != NodeData()
    table.clear()
    assert len(table) == 0 and table != twin and table == NodeData()
    for bad in (lambda: table[a], lambda: table.pop(a), table.popitem):
        with pytest.raises(KeyError):
            bad()
    with pytest.raises(KeyError):
        del table[a]
    assert (table == {}) is False  # not equal to a plain dict (NotImplemented both ways)


def test_repr_is_short() -> None:
    nodes = [Node(f"n{i}") for i in range(7)]
    table = NodeData((n, i) for i, n in enumerate(nodes))
    assert repr(table) == (
        "NodeData({Node('n0'): 0, Node('n1'): 1, Node('n2'): 2, Node('n3'): 3, "
        "Node('n4'): 4, ... 2 more})"
    )


def test_it_never_calls_hash_or_eq_on_nodes() -> None:
    a, b = Touchy("a"), Touchy("b")
    with pytest.raises(AssertionError):
        weakref.WeakKeyDictionary({a: 1})  # what a side table must not do
    table = NodeData([(a, 1)])
    table[b] = 2
    assert table[a] == 1 and b in table and list(table) == [a, b]
    assert table == table.copy()
    del table[a]
    assert table.pop(b) == 2


def test_a_factory_computes_missing_values_on_item_access_only() -> None:
    calls: list[str] = []

    def width(n: Node) -> int:
        calls.append(n.name)
        return len(n.name)

    table = NodeData(factory=width)
    node = Node("abc")
    assert table.get(node) is None and node not in table and calls == []
    assert table[node] == 3 and table[node] == 3 and calls == ["abc"]
    failing: NodeData[Node, int] = NodeData(factory=lambda n: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        failing[node]
    assert node not in failing


def test_keys_must_support_weak_references() -> None:
    class Slotted:
        __slots__ = ("x",)

    table: NodeData[object, int] = NodeData()
    for key in (1, "s", Slotted()):
        with pytest.raises(TypeError, match=r"support weak references.*__weakref__"):
            table[key] = 1
    assert len(table) == 0


def test_it_cannot_be_pickled() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(NodeData([(Node(), 1)]))


# ------------------------------------------------------- weak behaviour --


def test_entries_vanish_when_their_nodes_die(gc_off: None) -> None:
    nodes = build([0] + [i // 2 for i in range(1, 10_000)])
    root = nodes[0]
    table = NodeData((n, n.name) for n in nodes)
    survivor = nodes[0].children[0].detach()
    del nodes
    assert len(table) == 10_000
    probe = weakref.ref(root)
    del root
    assert probe() is None
    assert len(table) == sum(1 for _ in survivor.walk())
    assert set(map(id, table)) == {id(n) for n in survivor.walk()}


def test_the_table_never_keeps_a_node_alive_but_values_do(gc_off: None) -> None:
    table: NodeData[Node, object] = NodeData()
    a, b = Node("a"), Node("b")
    pa, pb = weakref.ref(a), weakref.ref(b)
    table[a] = "data"
    table[b] = [b]  # a value that refers to its own node keeps it alive (as in WeakKeyDictionary)
    del a, b
    assert pa() is None and pb() is not None
    assert len(table) == 1


def test_ids_of_dead_nodes_are_never_confused_with_new_ones(gc_off: None) -> None:
    table: NodeData[Node, int] = NodeData()
    reused = 0
    seen: set[int] = set()
    for i in range(2000):
        node = Node(i)
        reused += id(node) in seen
        seen.add(id(node))
        assert node not in table and table.get(node) is None
        table[node] = i
        del node
        assert len(table) == 0
    assert reused > 0, "the interpreter did reuse ids (the case being tested)"


def test_iterating_while_nodes_die_never_raises(gc_off: None) -> None:
    nodes = [Node(i) for i in range(100)]
    table = NodeData((n, n.name) for n in nodes)
    visited = 0
    for node in table:
        visited += 1
        nodes.clear()  # every other node dies: the loop skips them
        assert node.name == 0
    assert visited == 1
    del node
    assert len(table) == 0
    nodes = [Node(i) for i in range(10)]
    table = NodeData((n, n.name) for n in nodes)
    pairs = []
    for pair in table.items():
        pairs.append(pair[1])
        del nodes[:]
    assert pairs == [0]
    del pair
    assert list(table.values()) == [] and len(table) == 0


def test_the_table_dying_first_is_harmless(gc_off: None) -> None:
    node = Node("n")
    table = NodeData([(node, 1)])
    probe = weakref.ref(table)
    del table
    assert probe() is None
    del node  # its entry's callback finds no table


def test_no_reference_cycles(gc_off: None) -> None:
    root = Node("root", children=[Node("a")])
    table = NodeData((n, {"box": (0, 0)}) for n in root.walk())
    assert not find_cycles(table)
    del root, table
    gc.enable()
    assert gc.collect() == 0


def test_concurrent_writers_and_dying_nodes() -> None:
    table: NodeData[BaseNode, int] = NodeData()
    keep = [Node(i) for i in range(200)]
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        try:
            for i in range(3000):
                tmp = Node(i)
                table[tmp] = i
                table[keep[(i + seed) % 200]] = seed
                del tmp  # dies: its entry goes, in whichever thread
                for _ in table.items():
                    break
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(s,)) for s in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert len(table) == 200 and set(map(id, table)) == set(map(id, keep))
