"""Tests for `boughs.traversal`: walks, levels, searches, resolve, common_ancestor."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from boughs import BaseNode, Node, ResolveError, TreeError, common_ancestor

ORDERS = ("pre", "post", "level")

#       r
#     / | \
#    a  b  c
#   / \     \
#  a1  a2    c1
#      |
#      x
SAMPLE = ("r", [("a", ["a1", ("a2", ["x"])]), "b", ("c", ["c1"])])
PRE = ["r", "a", "a1", "a2", "x", "b", "c", "c1"]
POST = ["a1", "x", "a2", "a", "b", "c1", "c", "r"]
LEVEL = ["r", "a", "b", "c", "a1", "a2", "c1", "x"]
EXPECTED = {"pre": PRE, "post": POST, "level": LEVEL}


def build(spec: Any) -> Node:
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


def sample() -> tuple[Node, dict[str, Node]]:
    root = build(SAMPLE)
    return root, {n.name: n for n in root.walk()}


def names(nodes: Any) -> list[Any]:
    return [n.name for n in nodes]


def random_tree(rng: random.Random, size: int) -> Node:
    root = Node("n0")
    everyone = [root]
    for i in range(1, size):
        everyone.append(rng.choice(everyone).append(Node(f"n{i}")))
    return root


def _visit(n: Node, order: str, out: list[Node]) -> None:
    """A recursive reference walk (for small test trees only)."""
    if order == "pre":
        out.append(n)
    for c in n.children:
        _visit(c, order, out)
    if order == "post":
        out.append(n)


# ---------------------------------------------------------------- walks --


@pytest.mark.parametrize("order", ORDERS)
def test_walk_orders(order: str) -> None:
    root, _ = sample()
    assert names(root.walk(order)) == EXPECTED[order]  # type: ignore[arg-type]


def test_walk_defaults_to_pre_order() -> None:
    root, _ = sample()
    assert names(root.walk()) == PRE


def test_walk_of_a_subtree_starts_with_it_and_stays_inside() -> None:
    _, n = sample()
    assert names(n["a"].walk()) == ["a", "a1", "a2", "x"]
    assert names(n["a"].walk("post")) == ["a1", "x", "a2", "a"]
    assert names(n["a"].walk("level")) == ["a", "a1", "a2", "x"]
    assert names(n["b"].walk("post")) == ["b"]


@pytest.mark.parametrize("order", ORDERS)
def test_walk_is_a_lazy_iterator(order: str) -> None:
    root, _ = sample()
    it = root.walk(order)  # type: ignore[arg-type]
    assert iter(it) is it
    first = next(it)
    assert first.name == EXPECTED[order][0]


@pytest.mark.parametrize("order", ORDERS)
def test_walk_orders_on_random_trees_agree_with_a_reference(order: str) -> None:
    for seed in range(20):
        rng = random.Random(seed)
        root = random_tree(rng, rng.randrange(1, 60))
        # Reference walks over the children views (small trees: recursion is fine here).
        ref: list[Node] = []
        if order == "level":
            level = [root]
            while level:
                ref.extend(level)
                level = [c for n in level for c in n.children]
        else:
            _visit(root, order, ref)
        got = list(root.walk(order))  # type: ignore[arg-type]
        assert [id(x) for x in got] == [id(x) for x in ref]
        # The general (filtered) path yields the same with trivial options.
        slow = list(root.walk(order, filter=lambda n: True, max_depth=10**6))  # type: ignore[arg-type]
        assert [id(x) for x in slow] == [id(x) for x in ref]


@pytest.mark.parametrize("order", ORDERS)
def test_walk_skips_holes_of_a_wide_family(order: str) -> None:
    root = Node("r", children=[Node(str(i), children=[Node(f"{i}.k")]) for i in range(20)])
    for c in list(root.children)[3:17:2]:
        c.detach()
    live = [c.name for c in root.children]
    got = names(root.walk(order))  # type: ignore[arg-type]
    assert sorted(got) == sorted(["r", *live, *(f"{x}.k" for x in live)])
    assert len(got) == 1 + 2 * len(live)


# --------------------------------------------------------- filter, prune --


@pytest.mark.parametrize("order", ORDERS)
def test_filter_hides_a_node_but_not_its_subtree(order: str) -> None:
    root, _ = sample()
    hidden = {"a", "a2", "r"}
    got = names(root.walk(order, filter=lambda n: n.name not in hidden))  # type: ignore[arg-type]
    assert got == [x for x in EXPECTED[order] if x not in hidden]


@pytest.mark.parametrize("order", ORDERS)
def test_prune_yields_the_node_but_skips_its_children(order: str) -> None:
    root, _ = sample()
    got = names(root.walk(order, prune=lambda n: n.name == "a"))  # type: ignore[arg-type]
    assert got == [x for x in EXPECTED[order] if x not in {"a1", "a2", "x"}]
    assert names(root.walk(order, prune=lambda n: True)) == ["r"]  # type: ignore[arg-type]


@pytest.mark.parametrize("order", ORDERS)
def test_filter_and_prune_together(order: str) -> None:
    root, _ = sample()
    got = names(
        root.walk(
            order,  # type: ignore[arg-type]
            filter=lambda n: n.name != "a",
            prune=lambda n: n.name in {"a2", "c"},
        )
    )
    assert got == [x for x in EXPECTED[order] if x not in {"a", "x", "c1"}]


@pytest.mark.parametrize("order", ORDERS)
def test_filter_and_prune_see_each_node_once(order: str) -> None:
    root, _ = sample()
    seen_filter: Counter[str] = Counter()
    seen_prune: Counter[str] = Counter()

    def keep(n: Node) -> bool:
        seen_filter[n.name] += 1
        return True

    def prune(n: Node) -> bool:
        seen_prune[n.name] += 1
        return False

    list(root.walk(order, filter=keep, prune=prune))  # type: ignore[arg-type]
    assert set(seen_filter.values()) == {1}
    assert len(seen_filter) == 8
    assert max(seen_prune.values()) == 1
    assert set(seen_prune) <= set(PRE)


@pytest.mark.parametrize("order", ORDERS)
def test_max_depth(order: str) -> None:
    root, n = sample()
    depth = {k: v.depth for k, v in n.items()}
    assert names(root.walk(order, max_depth=0)) == ["r"]  # type: ignore[arg-type]
    assert names(root.walk(order, max_depth=1)) == [  # type: ignore[arg-type]
        x for x in EXPECTED[order] if depth[x] <= 1
    ]
    assert names(root.walk(order, max_depth=2)) == [  # type: ignore[arg-type]
        x for x in EXPECTED[order] if depth[x] <= 2
    ]
    assert names(root.walk(order, max_depth=10**9)) == EXPECTED[order]  # type: ignore[arg-type]


@pytest.mark.parametrize("order", ORDERS)
def test_max_depth_is_relative_to_the_start(order: str) -> None:
    _, n = sample()
    assert names(n["a"].walk(order, max_depth=0)) == ["a"]  # type: ignore[arg-type]
    assert sorted(names(n["a"].walk(order, max_depth=1))) == ["a", "a1", "a2"]  # type: ignore[arg-type]


@pytest.mark.parametrize("order", ORDERS)
def test_max_depth_with_filter_and_prune(order: str) -> None:
    root, _ = sample()
    got = names(
        root.walk(order, max_depth=2, filter=lambda n: n.name != "a", prune=lambda n: n.name == "c")  # type: ignore[arg-type]
    )
    assert sorted(got) == ["a1", "a2", "b", "c", "r"]


@pytest.mark.parametrize("bad", [-1, -100])
def test_negative_max_depth_is_a_value_error(bad: int) -> None:
    root, _ = sample()
    with pytest.raises(ValueError, match="max_depth"):
        root.walk(max_depth=bad)


@pytest.mark.parametrize("bad", [1.5, "1", True, False, [1]])
def test_non_int_max_depth_is_a_type_error(bad: object) -> None:
    root, _ = sample()
    with pytest.raises(TypeError, match="max_depth"):
        root.walk(max_depth=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["PRE", "preorder", "in", "", None, 0])
def test_unknown_order_is_a_value_error_raised_eagerly(bad: object) -> None:
    root, _ = sample()
    with pytest.raises(ValueError, match="'pre', 'post', 'level'"):
        root.walk(bad)  # type: ignore[arg-type]  # no next(): the call itself raises


@pytest.mark.parametrize("what", ["filter", "prune"])
def test_non_callable_filter_or_prune_is_a_type_error(what: str) -> None:
    root, _ = sample()
    with pytest.raises(TypeError, match=what):
        root.walk(**{what: "name"})  # type: ignore[arg-type]


def test_a_raising_filter_propagates() -> None:
    root, _ = sample()

    def boom(n: Node) -> bool:
        raise KeyError(n.name)

    for order in ORDERS:
        with pytest.raises(KeyError):
            list(root.walk(order, filter=boom))  # type: ignore[arg-type]


# --------------------------------------------------------------- levels --


def test_levels() -> None:
    root, n = sample()
    got = [names(level) for level in root.levels()]
    assert got == [["r"], ["a", "b", "c"], ["a1", "a2", "c1"], ["x"]]
    assert all(isinstance(level, tuple) for level in root.levels())
    assert list(n["b"].levels()) == [(n["b"],)]
    assert [names(level) for level in n["a"].levels()] == [["a"], ["a1", "a2"], ["x"]]


def test_levels_is_lazy() -> None:
    root, _ = sample()
    it = root.levels()
    assert iter(it) is it
    assert next(it) == (root,)


# ----------------------------------------------------------------- find --


def test_find_with_a_predicate_includes_the_start() -> None:
    root, n = sample()
    assert root.find(lambda x: True) is root
    assert root.find(lambda x: x.name.startswith("a")) is n["a"]
    assert root.find(lambda x: x.name == "nope") is None
    assert n["a"].find(lambda x: x.name == "c1") is None  # outside the subtree


def test_find_all_is_pre_order() -> None:
    root, _ = sample()
    assert names(root.find_all(lambda x: len(x.name) == 2)) == ["a1", "a2", "c1"]
    assert root.find_all(lambda x: False) == []
    assert names(root.find_all()) == PRE


def test_find_by_attributes() -> None:
    root = Node("r", children=[Node("a", size=1, colour="red"), Node("b", size=2, colour="red")])
    a, b = root.children
    assert root.find(colour="red") is a
    assert root.find(colour="red", size=2) is b
    assert root.find(size=1.0) is a  # equality, not identity, for plain values
    assert root.find_all(colour="red") == [a, b]
    assert root.find(colour="blue") is None
    assert root.find(lambda n: getattr(n, "size", 0) > 1, colour="red") is b
    assert root.find(name="b") is b
    assert root.find(name=None) is None


def test_find_missing_attribute_is_no_match() -> None:
    root = Node("r", children=[Node("a"), Node("b", colour=None)])
    b = root.children[1]
    assert root.find(colour=None) is b
    assert root.find_all(colour=None) == [b]

    class Bare(BaseNode):
        __slots__ = ("name",)

    bare = Bare()  # the "name" slot is never set
    holder = Node("h", children=[bare])
    assert holder.find(name=None) is None
    assert holder.find_all(name="h") == [holder]


def test_find_node_valued_attributes_compare_by_identity() -> None:
    class Eqless(Node):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = Node.__hash__

    target = Eqless("t")
    twin = Eqless("t")
    root = Node("r", children=[Node("a", buddy=twin), Node("b", buddy=target), Node("c", buddy=1)])
    _, b, _ = root.children
    assert root.find(buddy=target) is b
    assert root.find_all(buddy=target) == [b]
    assert root.find(buddy=Eqless("other")) is None
    # An attribute holding a node never equals a plain value, even a permissive one.

    class Anything:
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    assert root.find_all(buddy=Anything()) == [root.children[2]]


def test_find_rejects_a_non_callable_predicate() -> None:
    root, _ = sample()
    with pytest.raises(TypeError, match="predicate"):
        root.find("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="predicate"):
        root.find_all(3)  # type: ignore[arg-type]


# -------------------------------------------------------------- resolve --


def test_resolve_relative_paths() -> None:
    root, n = sample()
    assert root.resolve("a") is n["a"]
    assert root.resolve("a/a2/x") is n["x"]
    assert n["a"].resolve("a2/x") is n["x"]
    assert root.resolve("") is root
    assert root.resolve(".") is root
    assert root.resolve("./a/./a2/") is n["a2"]
    assert root.resolve("a/a2/x/") is n["x"]
    assert root.resolve("a//a1") is n["a1"]


def test_resolve_dot_dot() -> None:
    root, n = sample()
    assert n["x"].resolve("..") is n["a2"]
    assert n["x"].resolve("../..") is n["a"]
    assert n["x"].resolve("../../../c/c1") is n["c1"]
    assert root.resolve("a/a2/../a1") is n["a1"]
    assert root.resolve("a/..") is root


def test_resolve_absolute_paths() -> None:
    root, n = sample()
    assert n["x"].resolve("/r") is root
    assert n["x"].resolve("/r/c/c1") is n["c1"]
    assert n["c1"].resolve("/r/a/a2/x") is n["x"]
    assert n["x"].resolve("/") is root
    assert root.resolve("/r/") is root
    assert n["a1"].resolve("/r/a/..") is root


def test_resolve_absolute_path_in_a_detached_subtree_uses_its_own_root() -> None:
    _, n = sample()
    a = n["a"].detach()
    assert n["x"].resolve("/a/a2") is n["a2"]
    with pytest.raises(ResolveError, match="'r'"):
        n["x"].resolve("/r/a")
    assert a.resolve("/a") is a


def test_resolve_compares_names_as_strings() -> None:
    root = Node("r", children=[Node(1), Node(2.5), Node(None), Node("None")])
    one, half, none, none_str = root.children
    assert root.resolve("1") is one
    assert root.resolve("2.5") is half
    assert root.resolve("None") is none_str  # a name of None is no name
    numeric_root = Node(7, children=[Node("k")])
    assert numeric_root.children[0].resolve("/7") is numeric_root
    assert none is not None


def test_resolve_first_match_wins() -> None:
    root = Node("r", children=[Node("d", tag=1), Node("d", tag=2)])
    assert root.resolve("d").tag == 1  # type: ignore[attr-defined]
    root.children[0].append(Node("inner"))
    assert root.resolve("d/inner").name == "inner"
    with pytest.raises(ResolveError, match="'inner'"):
        root.children[1].resolve("inner")  # no backtracking into the first "d"


def test_resolve_error_names_the_failing_segment() -> None:
    root, n = sample()
    with pytest.raises(ResolveError) as info:
        root.resolve("a/zz/x")
    message = str(info.value)
    assert "'zz'" in message
    assert "'a/zz/x'" in message
    assert "a1" in message  # it lists the children it found instead
    with pytest.raises(ResolveError, match="'nope'"):
        n["x"].resolve("/nope/a")
    with pytest.raises(ResolveError, match="'x'"):
        root.resolve("x")


def test_resolve_dot_dot_above_the_root() -> None:
    root, n = sample()
    with pytest.raises(ResolveError, match=r"'\.\.'.*above the root"):
        root.resolve("..")
    with pytest.raises(ResolveError, match=r"\.\."):
        n["a"].resolve("../..")
    with pytest.raises(ResolveError, match=r"\.\."):
        n["a"].resolve("/r/..")
    orphan = Node("tmp").append(Node("o"))
    with pytest.raises(ResolveError):
        orphan.resolve("..")


def test_resolve_error_is_a_lookup_error_and_a_tree_error() -> None:
    root, _ = sample()
    with pytest.raises(LookupError):
        root.resolve("missing")
    with pytest.raises(TreeError):
        root.resolve("missing")


@pytest.mark.parametrize("bad", [None, 3, b"a", ["a"]])
def test_resolve_rejects_non_strings(bad: object) -> None:
    root, _ = sample()
    with pytest.raises(TypeError, match="string"):
        root.resolve(bad)  # type: ignore[arg-type]


def test_resolve_works_on_base_nodes_without_names() -> None:
    root = BaseNode()
    child = BaseNode(parent=root)
    assert child.resolve("..") is root
    assert root.resolve(".") is root
    with pytest.raises(ResolveError):
        root.resolve("anything")


# ------------------------------------------------------ common_ancestor --


def test_common_ancestor() -> None:
    root, n = sample()
    assert common_ancestor(n["x"], n["a1"]) is n["a"]
    assert common_ancestor(n["x"], n["c1"]) is root
    assert common_ancestor(n["x"], n["a2"]) is n["a2"]  # ancestor-or-self
    assert common_ancestor(n["a2"], n["x"]) is n["a2"]
    assert common_ancestor(n["x"]) is n["x"]
    assert common_ancestor(n["x"], n["x"]) is n["x"]
    assert common_ancestor(n["a1"], n["x"], n["b"]) is root
    assert common_ancestor(n["a1"], n["x"], n["a"]) is n["a"]
    assert common_ancestor(root, n["x"]) is root


def test_common_ancestor_of_separate_trees_is_none() -> None:
    _root, n = sample()
    other = Node("o", children=[Node("o1")])
    assert common_ancestor(n["x"], other) is None
    assert common_ancestor(n["x"], n["a1"], other.children[0]) is None
    n["c"].detach()
    assert common_ancestor(n["c1"], n["x"]) is None


def test_common_ancestor_after_the_root_is_collected() -> None:
    root, n = sample()
    a, c = n["a"], n["c"]
    del root, n
    assert common_ancestor(a, c) is None
    assert common_ancestor(a, a.children[1].children[0]) is a


def test_common_ancestor_rejects_bad_input() -> None:
    with pytest.raises(TypeError):
        common_ancestor()
    with pytest.raises(TypeError):
        common_ancestor(Node("a"), "b")  # type: ignore[arg-type]


# ---------------------------------------------- mutation during walks --


def _everything(root: Node) -> list[Node]:
    return list(root.walk())


WALK_VARIANTS: list[tuple[str, dict[str, Any]]] = [
    (order, options)
    for order in ORDERS
    for options in (
        {},
        {"filter": lambda n: True},
        {"prune": lambda n: False},
        {"max_depth": 10**6},
    )
]


@pytest.mark.parametrize(("order", "options"), WALK_VARIANTS)
def test_detaching_every_node_during_a_walk_visits_every_node(
    order: str, options: dict[str, Any]
) -> None:
    for seed in range(8):
        rng = random.Random(seed)
        root = random_tree(rng, 80)
        everyone = _everything(root)
        seen = []
        for node in root.walk(order, **options):  # type: ignore[arg-type]
            seen.append(node)
            node.detach()
        assert sorted(map(id, seen)) == sorted(map(id, everyone))
        assert root.is_leaf


def test_post_order_detach_visits_every_node_in_post_order() -> None:
    root, _ = sample()
    seen = []
    for node in root.walk("post"):
        seen.append(node.name)
        node.detach()
    assert seen == POST
    assert root.is_leaf


@pytest.mark.parametrize(("order", "options"), WALK_VARIANTS)
def test_moving_nodes_during_a_walk_terminates(order: str, options: dict[str, Any]) -> None:
    for seed in range(10):
        rng = random.Random(seed)
        root = random_tree(rng, 60)
        everyone = _everything(root)
        budget = 40
        for steps, _ in enumerate(root.walk(order, **options)):  # type: ignore[arg-type]
            assert steps < 10_000, "the walk does not end"
            if budget:
                budget -= 1
                mover = rng.choice(everyone[1:])
                target = rng.choice(everyone)
                if target is not mover and not mover.is_ancestor_of(target):
                    target.insert(rng.randrange(-3, 4), mover)


@pytest.mark.parametrize(("order", "options"), WALK_VARIANTS)
def test_nodes_present_and_unmoved_are_yielded_exactly_once(
    order: str, options: dict[str, Any]
) -> None:
    for seed in range(10):
        rng = random.Random(seed)
        root = random_tree(rng, 60)
        everyone = _everything(root)
        movers = {id(x) for x in rng.sample([x for x in everyone if x.is_leaf], 8)}
        leaves = [x for x in everyone if id(x) in movers]
        fresh: list[Node] = []
        seen: Counter[int] = Counter()
        for node in root.walk(order, **options):  # type: ignore[arg-type]
            seen[id(node)] += 1
            if leaves and rng.random() < 0.5:
                leaf = leaves.pop()
                rng.choice([x for x in everyone if id(x) not in movers]).append(leaf)
            if len(fresh) < 5:
                fresh.append(rng.choice(everyone).append(Node("new")))
        for x in everyone:
            if id(x) not in movers:
                assert seen[id(x)] == 1, x


@pytest.mark.parametrize("order", ORDERS)
def test_growing_the_tree_finitely_during_a_walk_ends(order: str) -> None:
    root, _ = sample()
    added = 0
    count = 0
    for node in root.walk(order):  # type: ignore[arg-type]
        count += 1
        if added < 50:
            node.append(Node(f"new{added}"))
            added += 1
    assert count <= 8 + 50


@pytest.mark.parametrize("order", ORDERS)
def test_clearing_during_a_walk(order: str) -> None:
    root, _ = sample()
    seen = []
    for node in root.walk(order):  # type: ignore[arg-type]
        seen.append(node.name)
        if node.name == "r":
            root.clear()
    if order == "post":
        assert seen == POST  # children were expanded before the root was yielded
    else:
        assert seen == ["r"]


def test_levels_and_leaves_survive_mutation() -> None:
    root, _ = sample()
    got = []
    for level in root.levels():
        got.append(names(level))
        for node in level:
            node.detach()
    assert got == [["r"], ["a", "b", "c"], ["a1", "a2", "c1"], ["x"]]
    root, _n = sample()
    leaves = []
    for leaf in root.leaves():
        leaves.append(leaf.name)
        leaf.detach()
    assert leaves == ["a1", "x", "b", "c1"]
