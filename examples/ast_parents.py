"""Every ``return`` and the function and class around it, without strong parent pointers.

Python's `ast` has no parent links. The usual fix is one loop::

    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node

It makes every tree a reference cycle, so nothing is freed until the cyclic
garbage collector runs. Worse, ``Load()``, ``Store()`` and the operators are
singletons shared by every tree: the loop sets ``.parent`` on them, so the
last tree parsed is kept alive by objects that live forever.

`boughs.pyast` gives each position its own node, owning its children and
borrowing its parent weakly. This script:

1. parses a few standard-library modules and lists each ``return`` with its
   enclosing function (by qualified name, as ``__qualname__`` says it) and
   class;
2. switches the cyclic collector off and shows that dropping a boughs tree
   frees all of it at once, while the ``child.parent = node`` hack leaks.

Run it with ``python examples/ast_parents.py``; it takes a few seconds.
"""

from __future__ import annotations

import argparse
import ast
import gc
import inspect
import weakref
from collections import Counter

from boughs import pyast

SAMPLE = """
class Stack:
    def __init__(self):
        self.items = []

    def pop(self):
        if not self.items:
            return None
        return self.items.pop()

    class Empty(Exception):
        def __str__(self):
            return "empty stack"


def make_counter():
    count = 0

    def increment(step=1):
        nonlocal count
        count += step
        return count

    return increment


async def fetch(url):
    return [line async for line in open_stream(url)]
"""


def returns_with_owners(tree: pyast.PyNode) -> list[tuple[str, str, int, str]]:
    """``(function, class, line, source)`` for each ``return``, in source order."""
    rows = []
    for ret in pyast.find_all(tree, ast.Return):
        function = pyast.enclosing(ret, ast.FunctionDef, ast.AsyncFunctionDef)
        owner = pyast.enclosing(ret, ast.ClassDef)
        rows.append(
            (
                pyast.qualname(function) if function is not None else "<module>",
                owner.ast_node.name if owner is not None else "-",  # type: ignore[attr-defined]
                ret.line or 0,
                ret.source_segment() or "",
            )
        )
    return rows


def show_returns() -> None:
    print("Every return in a small sample, with its function and class:\n")
    tree = pyast.parse(SAMPLE, "sample.py")
    for function, owner, line, source in returns_with_owners(tree):
        print(f"  line {line:>2}  {function:<32} class {owner:<6} {source}")

    print("\nThe same over a few standard-library modules:")
    for module in (argparse, inspect):
        path = inspect.getsourcefile(module)
        if path is None:  # pragma: no cover - a build without sources
            continue
        tree = pyast.parse_file(path)
        rows = returns_with_owners(tree)
        in_methods = sum(1 for _, owner, _, _ in rows if owner != "-")
        functions = Counter(function for function, *_ in rows)
        busiest, count = functions.most_common(1)[0]
        print(
            f"  {module.__name__}: {len(rows)} returns in {len(functions)} functions, "
            f"{in_methods} of them in classes; most in {busiest} ({count})"
        )


def show_freeing() -> None:
    print("\nWith the cyclic garbage collector switched off:")
    gc.collect()
    gc.disable()
    try:
        source = inspect.getsource(inspect)

        tree = pyast.parse(source)
        nodes = sum(1 for _ in tree.walk())
        probes = [weakref.ref(n) for n in tree.walk()]
        kept = tree.find(kind="Return")  # keep one subtree
        assert kept is not None
        kept_size = sum(1 for _ in kept.walk())
        del tree
        alive = sum(1 for p in probes if p() is not None)
        print(
            f"  boughs: dropped a tree of {nodes:,} nodes: {alive} still alive, "
            f"exactly the kept subtree ({kept_size} nodes); the rest was freed at once"
        )
        print(
            f"          the kept Return: parent={kept.parent}, "
            f"parent_collected={kept.parent_collected}, was in {kept.collected_parent_label!r}"
        )
        print(f"          and it still has its source: {kept.source_segment()!r}")
        assert alive == kept_size
        del kept, probes

        first = ast.parse(source)
        probe = weakref.ref(first.body[-1])
        for node in ast.walk(first):  # the usual hack: strong .parent links
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]
        del first, node, child
        print(f"  hack:   dropped the hacked ast tree; still alive: {probe() is not None}")
    finally:
        gc.enable()
    gc.collect()
    print(
        f"          after gc.collect(), still alive: {probe() is not None} "
        "(the shared Load() singleton's .parent points into it)"
    )
    shared_load = ast.parse("x", mode="eval").body.ctx  # type: ignore[attr-defined]
    print(f"          Load().parent is now {getattr(shared_load, 'parent', None)!r}")
    print("  boughs trees are freed by reference counting alone, and share nothing.")


def main() -> None:
    show_returns()
    show_freeing()


if __name__ == "__main__":
    main()
