"""Threads: what docs/threads.md promises, checked under forced thread switches.

* Mutations from many threads under one lock (an `RLock`, held for reads
  too) leave every invariant intact, with observers and a `WeakIndex` live.
* A tree nobody changes can be read by many threads without a lock, position
  reads included, even on families with holes: a read never edits a child
  list in place, it swaps in a copy without holes (and rewrites slot hints,
  which every read checks before trusting).
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from boughs import BaseNode, Node, WeakIndex, _storage, render_text
from boughs.events import Mutation
from tests.strategies import check_invariants, check_storage


@pytest.fixture(autouse=True)
def frequent_switches() -> Iterator[None]:
    """Switch threads every few bytecodes instead of every 5 ms."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_threads(target: Callable[[int], None], count: int) -> None:
    errors: list[BaseException] = []

    def guarded(seed: int) -> None:
        try:
            target(seed)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=guarded, args=(seed,)) for seed in range(count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]


def holey_family(size: int = 200, removed: int = 80, seed: int = 0) -> tuple[Node, list[Node]]:
    """A parent with a large family from which children were removed in the middle."""
    parent = Node("parent", children=[Node(i) for i in range(size)])
    kids = list(parent.children)
    rng = random.Random(seed)
    for c in rng.sample(kids[1:-1], removed):
        c.detach()
    return parent, list(parent.children)


# ------------------------------------------------------ under the lock --


def test_mutations_from_many_threads_under_one_lock_keep_every_invariant() -> None:
    lock = threading.RLock()
    root = Node("root")
    pool = [Node(f"n{i}", id=i) for i in range(120)]
    root.extend(pool[:60])
    index = WeakIndex(root, lambda n: getattr(n, "id", None))
    delivered: list[Mutation] = []
    mutating: list[int | None] = [None]  # the thread inside the lock
    strays: list[Mutation] = []

    def record(m: Mutation) -> None:
        with lock:  # re-entrant: the mutating thread already holds it
            delivered.append(m)
            if threading.get_ident() != mutating[0]:
                strays.append(m)

    subscription = root.observe(record, weak=False)
    mutators: list[Callable[[random.Random], None]] = []

    def pick(rng: random.Random) -> Node:
        return pool[rng.randrange(len(pool))]

    def parent_for(rng: random.Random, node: Node) -> BaseNode | None:
        p = root if rng.random() < 0.3 else pick(rng)
        return None if p is node or node.is_ancestor_of(p) else p

    def move(rng: random.Random) -> None:
        node = pick(rng)
        p = parent_for(rng, node)
        if p is not None:
            node.move_to(p, rng.choice([None, 0, -1, 3]))

    def detach(rng: random.Random) -> None:
        pick(rng).detach()

    def sort(rng: random.Random) -> None:
        pick(rng).sort_children(key=lambda n: n.name, reverse=rng.random() < 0.5)

    def replace(rng: random.Random) -> None:
        node, other = pick(rng), pick(rng)
        p = node.parent
        if p is not None and other is not p and not other.is_ancestor_of(p):
            node.replace_with(other)

    def beside(rng: random.Random) -> None:
        node, other = pick(rng), pick(rng)
        p = node.parent
        if p is not None and other is not p and not other.is_ancestor_of(p):
            (node.insert_after if rng.random() < 0.5 else node.insert_before)(other)

    def reassign(rng: random.Random) -> None:
        p = pick(rng)
        new = [c for c in (pick(rng) for _ in range(rng.randrange(12))) if c is not p]
        new = list({id(c): c for c in new if not c.is_ancestor_of(p)}.values())
        p.children = new

    def read(rng: random.Random) -> None:
        node = pick(rng)
        p = node.parent
        if p is not None:
            i = node.index
            assert i is not None and p.children[i] is node
            after = p.children[i + 1] if i + 1 < len(p.children) else None
            assert node.next_sibling is after
            assert node.previous_sibling is (p.children[i - 1] if i else None)

    mutators += [move, move, detach, sort, replace, beside, reassign, read, read]

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(1500):
            op = rng.choice(mutators)
            with lock:
                mutating[0] = threading.get_ident()
                op(rng)
                mutating[0] = None

    run_threads(worker, 6)
    subscription.cancel()
    check_invariants(root)
    for node in pool:
        check_invariants(node.root)
    expected = {n.id: n for n in root.descendants()}
    assert dict(index) == expected
    assert delivered, "the observer saw the changes"
    assert strays == [], "records are delivered in the thread that made the change"


# ------------------------------------------------ reads without a lock --


def position_reader(
    parent: Node, kids: list[Node], start: threading.Barrier, reads: int
) -> Callable[[int], None]:
    """A thread body that checks every position read against the known order."""
    n = len(kids)

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        start.wait()  # all threads hit the holey family at once
        for _ in range(reads):
            i = rng.randrange(n)
            c = kids[i]
            op = rng.randrange(8)
            if op < 3:
                assert c.next_sibling is (kids[i + 1] if i + 1 < n else None)
            elif op < 6:
                assert c.previous_sibling is (kids[i - 1] if i else None)
            elif op == 6:
                assert c.index == i and parent.children.index(c) == i
            else:
                assert parent.children[i] is c and len(parent.children) == n

    return reader


def test_position_reads_on_families_with_holes_are_safe_from_many_threads() -> None:
    """When reads edited lists in place, most of these trials failed or corrupted the family."""
    for trial in range(60):
        parent, kids = holey_family(300, 200, trial)
        start = threading.Barrier(4)
        run_threads(position_reader(parent, kids, start, 1500), 4)
        assert list(parent.children) == kids, f"trial {trial}"
        check_invariants(parent)


def test_a_read_never_edits_a_child_list_in_place() -> None:
    reads: list[Callable[[Node, list[Node]], Any]] = [
        lambda p, kids: kids[-1].index,
        lambda p, kids: p.children[len(kids) // 2],
        lambda p, kids: p.children.index(kids[-1]),
        lambda p, kids: [c.next_sibling for c in kids],
        lambda p, kids: [c.previous_sibling for c in kids],
        lambda p, kids: render_text(p, max_children=None),
    ]
    for read in reads:
        parent, kids = holey_family()
        storage = parent._children
        assert isinstance(storage, _storage.Kids) and storage.dead != storage.head
        before = (list(storage), storage.dead, storage.head)
        read(parent, kids)
        assert (list(storage), storage.dead, storage.head) == before
        check_storage(parent)
        assert list(parent.children) == kids


def test_a_read_that_settles_a_family_swaps_in_a_copy_without_holes() -> None:
    parent, kids = holey_family()
    old = parent._children
    assert kids[-1].index == len(kids) - 1
    assert parent._children is not old and parent._children.dead == 0
    again = parent._children
    assert [c.index for c in kids] == list(range(len(kids)))
    assert parent._children is again, "a settled family is not copied again"


def test_a_short_run_of_holes_is_skipped_without_copying() -> None:
    parent = Node("p", children=[Node(i) for i in range(40)])
    for c in list(parent.children)[10:20]:
        c.detach()
    kids = list(parent.children)
    storage = parent._children
    assert kids[9].next_sibling is kids[10]
    assert kids[10].previous_sibling is kids[9]
    assert parent._children is storage


def test_a_long_run_of_holes_settles_the_family_once() -> None:
    parent = Node("p", children=[Node(i) for i in range(200)])
    for c in list(parent.children)[10:100]:
        c.detach()
    kids = list(parent.children)
    storage = parent._children
    assert kids[9].next_sibling is kids[10]
    assert parent._children is not storage and parent._children.dead == 0
    check_storage(parent)


def test_reads_that_never_write_are_safe_even_on_unsettled_families() -> None:
    parent, kids = holey_family()
    before = (parent._children.dead, parent._children.head, list(parent._children))

    def reader(seed: int) -> None:
        for _ in range(300):
            assert list(parent.children) == kids
            assert len(parent.children) == len(kids)
            assert list(parent.walk())[1:] == kids
            assert all(c.parent is parent and c.depth == 1 for c in kids)
            assert parent.first_child is kids[0] and parent.last_child is kids[-1]
            assert parent.children[:3] == tuple(kids[:3])
            assert kids[7].siblings == tuple(c for c in kids if c is not kids[7])

    run_threads(reader, 6)
    assert (parent._children.dead, parent._children.head, list(parent._children)) == before
