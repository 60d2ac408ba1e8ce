"""Model-based test of every mutation: the tree against plain Python lists.

Each step applies one random call — valid or not — to a pool of real nodes and
to a reference model (a child list per node, a parent per node). A call the
model says must fail has to raise the same kind of error and change nothing;
after every step the whole pool is compared with the model, links both ways,
positions, the private storage, and the absence of cycles.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from boughs import BaseNode, LoopError, Node, NotAChildError, TreeError
from boughs.events import Mutation
from tests.strategies import check_storage

POOL = 14  # enough for a family to outgrow the tuple representation (8)
EXAMPLES = int(os.environ.get("BOUGHS_STATEFUL_EXAMPLES", "2000"))

node_ids = st.integers(0, POOL - 1)
node_lists = st.lists(node_ids, max_size=6)
not_nodes = st.sampled_from([None, 42, "n0", ["n0"], object()])


class Model:
    """The reference: ordered child lists and parents, by pool index."""

    def __init__(self) -> None:
        self.kids: dict[int, list[int]] = {i: [] for i in range(POOL)}
        self.parent: dict[int, int | None] = dict.fromkeys(range(POOL))

    def ancestors_or_self(self, i: int) -> list[int]:
        out = [i]
        p = self.parent[i]
        while p is not None:
            out.append(p)
            p = self.parent[p]
        return out

    def take_out(self, c: int) -> None:
        p = self.parent[c]
        if p is not None:
            self.kids[p].remove(c)
            self.parent[c] = None

    def put(self, p: int, c: int, index: int | None) -> None:
        self.take_out(c)
        if index is None:
            self.kids[p].append(c)
        else:
            self.kids[p].insert(index, c)
        self.parent[c] = p


HOOK_LOG: list[tuple[str, Node, Node]] = []


class Hooked(Node):
    """Nodes whose hooks log every call: a third of the pool in the hooked runs.

    Mixed with plain nodes, they send some calls down the general path and let
    others take the fast paths, which must still notice a hooked parent, child
    or old parent.
    """

    def on_attached(self, parent: BaseNode) -> None:
        HOOK_LOG.append(("attached", self, parent))  # type: ignore[arg-type]

    def on_detached(self, old_parent: BaseNode) -> None:
        HOOK_LOG.append(("detached", self, old_parent))  # type: ignore[arg-type]

    def on_child_added(self, child: BaseNode) -> None:
        HOOK_LOG.append(("child_added", child, self))  # type: ignore[arg-type]

    def on_child_removed(self, child: BaseNode) -> None:
        HOOK_LOG.append(("child_removed", child, self))  # type: ignore[arg-type]


class TreeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.nodes = [Node(f"n{i}", rank=(i * 7) % POOL) for i in range(POOL)]
        self.hooked = False
        self.model = Model()
        self.pos = {id(n): i for i, n in enumerate(self.nodes)}
        self.records: list[Mutation] = []
        self.subscriptions: list[object] = []
        self.last_parents: dict[int, int | None] = dict(self.model.parent)

    @initialize(mode=st.sampled_from(["plain", "observed", "hooked"]))
    def choose_mode(self, mode: str) -> None:
        """Plain nodes; or every node watched, which sends every call down the general
        path; or a third of the nodes hooked, which mixes the general and fast paths."""
        if mode == "observed":
            self.subscriptions = [
                n.observe(self.records.append, subtree=False, weak=False) for n in self.nodes
            ]
        elif mode == "hooked":
            self.hooked = True
            HOOK_LOG.clear()
            for i in range(0, POOL, 3):
                self.nodes[i] = Hooked(f"n{i}", rank=(i * 7) % POOL)
            self.pos = {id(n): i for i, n in enumerate(self.nodes)}

    def teardown(self) -> None:
        for sub in self.subscriptions:
            sub.cancel()  # type: ignore[attr-defined]

    # ------------------------------------------------------------ helpers --

    def expect(self, error: type[BaseException] | None, call: Callable[[], Any]) -> Any:
        """Run ``call``; it must raise ``error`` (and change nothing) or succeed."""
        if error is None:
            return call()
        before = self.snapshot()
        seen = len(self.records)
        try:
            call()
        except error:
            pass
        else:
            raise AssertionError(f"expected {error.__name__}")
        assert self.snapshot() == before, "a failed call changed the tree"
        assert len(self.records) == seen, "a failed call reported a mutation"
        return None

    def snapshot(self) -> list[tuple[int | None, tuple[int, ...]]]:
        out = []
        for n in self.nodes:
            p = n.parent
            out.append(
                (None if p is None else self.pos[id(p)], tuple(self.pos[id(c)] for c in n.children))
            )
        return out

    def loop_error(self, p: int, nodes: list[int]) -> bool:
        chain = set(self.model.ancestors_or_self(p))
        return any(c in chain for c in nodes)

    # -------------------------------------------------------------- rules --

    @rule(p=node_ids, c=node_ids)
    def append(self, p: int, c: int) -> None:
        if self.loop_error(p, [c]):
            self.expect(LoopError, lambda: self.nodes[p].append(self.nodes[c]))
            return
        assert self.nodes[p].append(self.nodes[c]) is self.nodes[c]
        self.model.put(p, c, None)

    @rule(p=node_ids, c=node_ids, index=st.integers(-12, 12))
    def insert(self, p: int, c: int, index: int) -> None:
        if self.loop_error(p, [c]):
            self.expect(LoopError, lambda: self.nodes[p].insert(index, self.nodes[c]))
            return
        self.nodes[p].insert(index, self.nodes[c])
        self.model.take_out(c)
        self.model.put(p, c, index)

    @rule(p=node_ids, c=node_ids)
    def remove(self, p: int, c: int) -> None:
        if self.model.parent[c] != p:
            self.expect(NotAChildError, lambda: self.nodes[p].remove(self.nodes[c]))
            return
        assert self.nodes[p].remove(self.nodes[c]) is self.nodes[c]
        self.model.take_out(c)
        assert self.nodes[c].detached

    @rule(c=node_ids)
    def detach(self, c: int) -> None:
        self.nodes[c].detach()
        self.model.take_out(c)

    @rule(c=node_ids, p=node_ids, index=st.none() | st.integers(-12, 12))
    def move_to(self, c: int, p: int, index: int | None) -> None:
        if self.loop_error(p, [c]):
            self.expect(LoopError, lambda: self.nodes[c].move_to(self.nodes[p], index))
            return
        self.nodes[c].move_to(self.nodes[p], index)
        self.model.take_out(c)
        self.model.put(p, c, index)

    @rule(c=node_ids, p=node_ids | st.none())
    def set_parent(self, c: int, p: int | None) -> None:
        node = self.nodes[c]
        if p is None:
            node.parent = None
            self.model.take_out(c)
        elif self.loop_error(p, [c]):
            self.expect(LoopError, lambda: setattr(node, "parent", self.nodes[p]))
        else:
            node.parent = self.nodes[p]
            if self.model.parent[c] != p:  # assigning the current parent is a no-op
                self.model.put(p, c, None)

    @rule(n=node_ids, m=node_ids)
    def replace_with(self, n: int, m: int) -> None:
        parent = self.model.parent[n]
        call = lambda: self.nodes[n].replace_with(self.nodes[m])  # noqa: E731
        if parent is None:
            self.expect(TreeError, call)
            return
        if m == n:
            call()
            return
        if m in self.model.ancestors_or_self(parent):
            self.expect(LoopError, call)
            return
        call()
        self.model.take_out(m)
        i = self.model.kids[parent].index(n)
        self.model.kids[parent][i] = m
        self.model.parent[m] = parent
        self.model.parent[n] = None

    @rule(p=node_ids, nodes=node_lists)
    def set_children(self, p: int, nodes: list[int]) -> None:
        call = lambda: setattr(self.nodes[p], "children", [self.nodes[i] for i in nodes])  # noqa: E731
        if len(set(nodes)) != len(nodes):
            self.expect(ValueError, call)
            return
        if self.loop_error(p, nodes):
            self.expect(LoopError, call)
            return
        call()
        for old in list(self.model.kids[p]):
            self.model.take_out(old)
        for c in nodes:
            self.model.put(p, c, None)

    @rule(p=node_ids, nodes=node_lists)
    def extend(self, p: int, nodes: list[int]) -> None:
        call = lambda: self.nodes[p].extend(self.nodes[i] for i in nodes)  # noqa: E731
        if len(set(nodes)) != len(nodes):
            self.expect(ValueError, call)
            return
        if self.loop_error(p, nodes):
            self.expect(LoopError, call)
            return
        call()
        for c in nodes:
            self.model.put(p, c, None)

    @rule(n=node_ids, nodes=node_lists, after=st.booleans())
    def insert_beside(self, n: int, nodes: list[int], after: bool) -> None:
        node = self.nodes[n]
        method = node.insert_after if after else node.insert_before
        call = lambda: method(*[self.nodes[i] for i in nodes])  # noqa: E731
        parent = self.model.parent[n]
        if parent is None:
            self.expect(TreeError, call)
            return
        if len(set(nodes)) != len(nodes):
            self.expect(ValueError, call)
            return
        if self.loop_error(parent, nodes):
            self.expect(LoopError, call)
            return
        call()
        siblings = self.model.kids[parent]
        i = siblings.index(n)
        if after:
            viable = next((s for s in siblings[i + 1 :] if s not in nodes), None)
        else:
            viable = next((s for s in reversed(siblings[:i]) if s not in nodes), None)
        for c in nodes:
            self.model.take_out(c)
        if after:
            pos = len(siblings) if viable is None else siblings.index(viable)
        else:
            pos = 0 if viable is None else siblings.index(viable) + 1
        for c in nodes:
            self.model.put(parent, c, pos)
            pos += 1

    @rule(p=node_ids, reverse=st.booleans(), fail=st.booleans())
    def sort_children(self, p: int, reverse: bool, fail: bool) -> None:
        def key(node: Node) -> int:
            if fail and node.rank == 5:
                raise RuntimeError("key failed")
            return int(node.rank) // 3

        expected = sorted(self.model.kids[p], key=lambda i: (i * 7) % POOL // 3, reverse=reverse)
        if fail and any((i * 7) % POOL == 5 for i in self.model.kids[p]):
            self.expect(RuntimeError, lambda: self.nodes[p].sort_children(key=key, reverse=reverse))
            return
        self.nodes[p].sort_children(key=key, reverse=reverse)
        self.model.kids[p] = expected

    @rule(p=node_ids)
    def clear(self, p: int) -> None:
        self.nodes[p].clear()
        for c in list(self.model.kids[p]):
            self.model.take_out(c)

    @rule(p=node_ids, value=not_nodes, index=st.integers(-3, 3))
    def not_a_node(self, p: int, value: Any, index: int) -> None:
        node = self.nodes[p]
        self.expect(TypeError, lambda: node.append(value))
        self.expect(TypeError, lambda: node.insert(index, value))
        self.expect(TypeError, lambda: node.extend([Node("fresh"), value]))
        if value is not None:
            self.expect(TypeError, lambda: node.move_to(value))
            self.expect(TypeError, lambda: setattr(node, "parent", value))

    # Reads that reorganise private storage (squeezing holes, sliding siblings).
    @rule(data=st.data())
    def read_positions(self, data: st.DataObject) -> None:
        parents = [p for p, kids in self.model.kids.items() if kids]
        if not parents:
            return
        p = data.draw(st.sampled_from(parents))
        kids = self.model.kids[p]
        i = data.draw(st.integers(0, len(kids) - 1))
        node = self.nodes[kids[i]]
        what = data.draw(st.sampled_from(["index", "next", "previous", "item", "first", "last"]))
        if what == "index":
            assert node.index == i
        elif what == "next":
            expected = kids[i + 1] if i + 1 < len(kids) else None
            got = node.next_sibling
            assert (got is None) if expected is None else (got is self.nodes[expected])
        elif what == "previous":
            got = node.previous_sibling
            assert (got is None) if i == 0 else (got is self.nodes[kids[i - 1]])
        elif what == "item":
            assert self.nodes[p].children[i - len(kids)] is node
        elif what == "first":
            assert self.nodes[p].first_child is self.nodes[kids[0]]
        else:
            assert self.nodes[p].last_child is self.nodes[kids[-1]]

    # --------------------------------------------------------- invariants --

    @rule(p=node_ids, nodes=st.lists(node_ids, min_size=8, max_size=POOL, unique=True))
    def gather(self, p: int, nodes: list[int]) -> None:
        """Append many nodes one by one, so that families outgrow tuples."""
        for c in nodes:
            self.append(p, c)
            self.records_describe_the_changes()

    @invariant()
    def agrees_with_model(self) -> None:
        for i, node in enumerate(self.nodes):
            if isinstance(node._children, list):
                event("a large family (list storage) exists")
            check_storage(node)
            expected_parent = self.model.parent[i]
            parent = node.parent
            if expected_parent is None:
                assert parent is None
            else:
                assert parent is self.nodes[expected_parent]
            assert tuple(self.pos[id(c)] for c in node.children) == tuple(self.model.kids[i])
            assert len(node.children) == len(self.model.kids[i])
            assert node.depth == len(self.model.ancestors_or_self(i)) - 1
            assert not node.parent_collected

    @invariant()
    def hooks_saw_exactly_the_parent_changes(self) -> None:
        if not self.hooked:
            return
        expected = []
        for i, node in enumerate(self.nodes):
            old, new = self.last_parents[i], self.model.parent[i]
            if old == new:
                continue
            if old is not None:
                if isinstance(self.nodes[old], Hooked):
                    expected.append(("child_removed", node, self.nodes[old]))
                if isinstance(node, Hooked):
                    expected.append(("detached", node, self.nodes[old]))
            if new is not None:
                if isinstance(node, Hooked):
                    expected.append(("attached", node, self.nodes[new]))
                if isinstance(self.nodes[new], Hooked):
                    expected.append(("child_added", node, self.nodes[new]))
        key = lambda e: (e[0], self.pos[id(e[1])], self.pos[id(e[2])])  # noqa: E731
        assert sorted(HOOK_LOG, key=key) == sorted(expected, key=key)
        HOOK_LOG.clear()
        self.last_parents = dict(self.model.parent)

    @invariant()
    def records_describe_the_changes(self) -> None:
        if not self.subscriptions:
            return
        moved = {m.node for m in self.records}
        for i, node in enumerate(self.nodes):
            if self.model.parent[i] != self.last_parents[i]:
                assert node in moved, f"no record for n{i}"
        for m in self.records:
            assert m.kind == (
                "added" if m.old_parent is None else "removed" if m.parent is None else "moved"
            )
            assert m.parent is not m.old_parent or m.index != m.old_index
        # Positions are those after the whole call (the invariant runs after each call).
        for m in self.records:
            assert m.node.parent is m.parent
            assert m.node.index == m.index
        self.records.clear()
        self.last_parents = dict(self.model.parent)

    @invariant()
    def no_cycles_and_single_parents(self) -> None:
        owners: dict[int, int] = {}
        for i, node in enumerate(self.nodes):
            for c in node.children:
                assert self.pos[id(c)] not in owners, "a node in two child lists"
                owners[self.pos[id(c)]] = i
        for node in self.nodes:
            steps = 0
            for _ in node.ancestors():
                steps += 1
                assert steps <= POOL, "cycle"


TreeMachine.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=30, deadline=None
)
TestTree = TreeMachine.TestCase
