"""Groups: named, identity-based, weakly held sets of nodes (Godot-style)."""

from __future__ import annotations

import gc
import itertools
import threading
import weakref
from collections.abc import Iterator

import pytest

from boughs import (
    Node,
    add_to_group,
    find_cycles,
    group_members,
    is_in_group,
    node_groups,
    remove_from_group,
)
from boughs.groups import Groups

_names = itertools.count()


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def group() -> str:
    """A fresh name in the shared registry."""
    return f"test-group-{next(_names)}"


class Touchy(Node):
    def __eq__(self, other: object) -> bool:
        raise AssertionError("__eq__ was called")

    def __hash__(self) -> int:
        raise AssertionError("__hash__ was called")


def test_members_in_joining_order_and_groups_per_node() -> None:
    groups = Groups()
    a, b, c = Node("a"), Node("b"), Node("c")
    groups.add(b, "enemies")
    groups.add(a, "enemies")
    groups.add(a, "enemies")  # already a member: no-op, order kept
    groups.add(a, "flying")
    groups.add(c, "flying")
    assert groups.members("enemies") == [b, a]
    assert groups.members("flying") == [a, c]
    assert groups.members("nobody") == []
    assert groups.groups_of(a) == ["enemies", "flying"] and groups.groups_of(Node()) == []
    assert groups.is_in(a, "flying") and not groups.is_in(b, "flying")
    assert groups.names() == ["enemies", "flying"] and len(groups) == 2
    assert repr(groups) == "<Groups {'enemies': 2, 'flying': 2}>"


def test_remove_returns_whether_it_was_a_member() -> None:
    groups = Groups()
    a, b = Node("a"), Node("b")
    groups.add(a, "g")
    groups.add(b, "g")
    assert groups.remove(a, "g") is True
    assert groups.remove(a, "g") is False and groups.remove(Node(), "g") is False
    assert groups.remove(b, "other") is False
    assert groups.members("g") == [b] and groups.groups_of(a) == []
    groups.remove(b, "g")
    assert groups.names() == []  # an empty group is gone
    groups.add(a, "g")
    assert groups.members("g") == [a]  # rejoining works


def test_identity_only_never_hash_or_eq() -> None:
    groups = Groups()
    a, b = Touchy("a"), Touchy("b")
    groups.add(a, "g")
    groups.add(b, "g")
    assert [id(n) for n in groups.members("g")] == [id(a), id(b)]
    assert groups.remove(a, "g") and groups.is_in(b, "g")


def test_members_must_support_weak_references() -> None:
    class Slotted:
        __slots__ = ()

    with pytest.raises(TypeError, match=r"weak references.*__weakref__"):
        Groups().add(Slotted(), "g")
    with pytest.raises(TypeError):
        Groups().add(Node(), ["unhashable"])  # type: ignore[arg-type]


def test_members_vanish_when_they_die(gc_off: None) -> None:
    groups = Groups()
    root = Node("root", children=[Node(i) for i in range(100)])
    for n in root.walk():
        groups.add(n, "all")
        if isinstance(n.name, int) and n.name % 2:
            groups.add(n, "odd")
    kept = root.children[0].detach()
    probe = weakref.ref(root)
    del root, n
    assert probe() is None
    assert groups.members("all") == [kept]
    assert groups.members("odd") == [] and groups.names() == ["all"]


def test_a_group_never_keeps_a_member_alive_and_has_no_cycles(gc_off: None) -> None:
    groups = Groups()
    node = Node("n")
    groups.add(node, "g")
    probe = weakref.ref(node)
    assert not find_cycles(groups)
    del node
    assert probe() is None and len(groups) == 0
    del groups
    gc.enable()
    assert gc.collect() == 0


def test_ids_of_dead_members_are_never_confused_with_new_nodes(gc_off: None) -> None:
    groups = Groups()
    for i in range(2000):
        node = Node(i)
        assert not groups.is_in(node, "g") and groups.groups_of(node) == []
        groups.add(node, "g")
        del node
    assert groups.members("g") == []


def test_a_registry_dying_before_its_members_is_harmless(gc_off: None) -> None:
    node = Node("n")
    groups = Groups()
    groups.add(node, "g")
    del groups
    del node


def test_the_module_functions_share_one_registry(group: str) -> None:
    a, b = Node("a"), Node("b")
    add_to_group(a, group)
    add_to_group(b, group)
    add_to_group(a, group + "-other")
    assert group_members(group) == [a, b]
    assert node_groups(a) == [group, group + "-other"]
    assert is_in_group(b, group) and not is_in_group(b, group + "-other")
    assert remove_from_group(b, group) and not remove_from_group(b, group)
    assert group_members(group) == [a]
    del a
    gc.collect()
    assert group_members(group) == [] and group_members(group + "-other") == []


def test_threads_adding_removing_and_dropping_members() -> None:
    groups = Groups()
    keep = [Node(i) for i in range(50)]
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        try:
            for i in range(2000):
                tmp = Node(i)
                groups.add(tmp, "tmp")
                groups.add(keep[(i + seed) % 50], f"g{seed}")
                if i % 3 == 0:
                    groups.remove(keep[(i * 7 + seed) % 50], f"g{seed}")
                del tmp  # dies, in whichever thread
                groups.members("tmp")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert groups.members("tmp") == []
    for seed in range(4):
        members = groups.members(f"g{seed}")
        assert len({id(n) for n in members}) == len(members)
        assert all(groups.is_in(n, f"g{seed}") for n in members)
        assert all(f"g{seed}" in groups.groups_of(n) for n in members)
