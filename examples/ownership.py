"""The ownership lesson in one script: strong parents leak until gc runs; weak ones do not.

Run it with ``python examples/ownership.py``. It builds the same 50,000-node tree
twice, once with a hand-written strong-parent node (the design of anytree and
most tree libraries) and once with boughs, drops each root with the cyclic
garbage collector switched off, and prints how much of each tree reference
counting alone could free. Then it shows what a surviving inner node knows.
"""

from __future__ import annotations

import gc
import random
import weakref

from boughs import Node, render_text

SIZE = 50_000


class StrongNode:
    """A node with a strong parent link: every edge is a reference cycle."""

    __slots__ = ("__weakref__", "children", "name", "parent")

    def __init__(self, name: str, parent: StrongNode | None = None) -> None:
        self.name = name
        self.parent = parent
        self.children: list[StrongNode] = []
        if parent is not None:
            parent.children.append(self)


def build_strong(parents: list[int]) -> list[StrongNode]:
    nodes = [StrongNode("n0")]
    for i in range(1, len(parents)):
        nodes.append(StrongNode(f"n{i}", nodes[parents[i]]))
    return nodes


def build_boughs(parents: list[int]) -> list[Node]:
    nodes = [Node("n0")]
    for i in range(1, len(parents)):
        nodes.append(nodes[parents[i]].append(Node(f"n{i}")))
    return nodes


def freed_by_refcounting(nodes: list[StrongNode] | list[Node]) -> int:
    """Drop every reference but the probes, with the collector off; count the dead."""
    probes = [weakref.ref(n) for n in nodes]
    nodes.clear()
    gc.disable()
    try:
        return sum(1 for p in probes if p() is None)
    finally:
        gc.enable()
        gc.collect()


def main() -> None:
    rng = random.Random(1)
    parents = [0] + [rng.randrange(i) for i in range(1, SIZE)]

    strong = freed_by_refcounting(build_strong(parents))
    weak = freed_by_refcounting(build_boughs(parents))
    print(f"strong parents: del root freed {strong:,} of {SIZE:,} nodes (the rest wait for gc)")
    print(f"boughs:         del root freed {weak:,} of {SIZE:,} nodes, with gc switched off")

    root = Node("html")
    body = root.append(Node("body"))
    article = body.append(Node("article", children=[Node("h1"), Node("p")]))
    del root, body
    print()
    print("holding only <article> after dropping the root:")
    print(
        f"  parent={article.parent}, parent_collected={article.parent_collected}, "
        f"was {article.collected_parent_label!r}"
    )
    print(render_text(article))


if __name__ == "__main__":
    main()
