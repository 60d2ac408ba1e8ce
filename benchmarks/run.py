#!/usr/bin/env python
"""Benchmarks: boughs against anytree, bigtree, treelib, nutree and two hand-written floors.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/run.py --quick          # seconds; the harness smoke test CI runs
    python benchmarks/run.py                  # the full run (about 20 minutes on 2 cores)
    python benchmarks/run.py --report benchmarks/results/full.json   # tables (and plot) again

Method (details in ``benchmarks/README.md``):

* every (library, workload, size) case runs in a fresh subprocess (``--worker``), one at a
  time; the order of the libraries rotates from case to case (round-robin), so no library
  always runs first or last;
* inside that process: one warm-up run at full size, which is also checked against a
  plain reference model (node counts, parents, child order, traversal order), then
  ``--repeats`` timed runs (5 by default); we report the median;
* a case that raises is recorded with the exception, one that runs past ``--timeout`` as a
  timeout, one that kills the interpreter with the signal;
* ratios are median(library) / median(strong floor), both measured in the same run.

The "strong floor" is the smallest honest tree a person would write by hand: a
``__slots__`` class with a strong ``parent``, a ``children`` list and a parent-chain cycle
check. The "weak floor" is the same with a ``weakref.ref`` parent. Neither has any of the
features the libraries have; they say what plain Python costs.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import io
import json
import math
import os
import pickle
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 20240611

# Library keys, in the order the tables show them.
LIBS = [
    "floor",
    "floor-weak",
    "boughs",
    "boughs-node",
    "anytree",
    "bigtree",
    "treelib",
    "nutree",
]
LIB_TITLES = {
    "floor": "strong floor",
    "floor-weak": "weak floor",
    "boughs": "boughs (Named)",
    "boughs-node": "boughs (Node)",
    "anytree": "anytree",
    "bigtree": "bigtree",
    "treelib": "treelib",
    "nutree": "nutree",
}
# The distribution each key needs, for the version record and for skipping absent ones.
LIB_DISTS = {
    "boughs": "boughs",
    "boughs-node": "boughs",
    "anytree": "anytree",
    "bigtree": "bigtree",
    "treelib": "treelib",
    "nutree": "nutree",
}

TREE_WORKLOADS = [
    "build",
    "walk_pre",
    "walk_post",
    "walk_level",
    "depth_all",
    "reparent",
    "detach",
    "memory",
    "free_gc",
    "free_nogc",
    "render",
]
WIDE_WORKLOADS = ["wide_fill", "wide_index", "wide_detach"]
DEEP_WORKLOADS = ["deep_walk", "deep_height", "deep_copy", "deep_pickle", "deep_del"]
ALL_WORKLOADS = TREE_WORKLOADS + WIDE_WORKLOADS + DEEP_WORKLOADS
# Read-only workloads: one process per (library, shape, size) runs them all on one tree.
READS = ["walk_pre", "walk_post", "walk_level", "depth_all"]
_SHARED: dict[tuple[str, str, int], tuple[list[str], list[int], Handle]] = {}
_ADAPTERS_MADE: dict[str, Adapter] = {}


class Unsupported(Exception):
    """The library has no way to do this operation (the message says why)."""


class LoopError(ValueError):
    """Raised by the floors' and the harness's own cycle checks."""


# --------------------------------------------------------------------------------------
# The two floors
# --------------------------------------------------------------------------------------


class StrongFloor:
    """Minimal node: strong parent, child list, parent-chain cycle check."""

    __slots__ = ("children", "name", "parent")

    def __init__(self, name: str) -> None:
        self.name = name
        self.parent: StrongFloor | None = None
        self.children: list[StrongFloor] = []

    def append(self, child: StrongFloor) -> StrongFloor:
        if child is self:
            raise LoopError(child)
        if child.children:  # only a node with children can be an ancestor of self
            node = self.parent
            while node is not None:
                if node is child:
                    raise LoopError(child)
                node = node.parent
        old = child.parent
        if old is not None:
            old.children.remove(child)
        child.parent = self
        self.children.append(child)
        return child

    def detach(self) -> StrongFloor:
        parent = self.parent
        if parent is not None:
            parent.children.remove(self)
            self.parent = None
        return self

    @property
    def depth(self) -> int:
        depth = 0
        node = self.parent
        while node is not None:
            depth += 1
            node = node.parent
        return depth

    def copy(self) -> StrongFloor:
        cls = type(self)
        top = cls(self.name)
        stack = [(self, top)]
        while stack:
            source, target = stack.pop()
            kids = target.children
            for child in source.children:
                new = cls(child.name)
                new.parent = target
                kids.append(new)
                if child.children:
                    stack.append((child, new))
        return top


class WeakFloor:
    """Minimal node with a ``weakref.ref`` parent (siblings share CPython's cached ref)."""

    __slots__ = ("__weakref__", "_parent", "children", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._parent: weakref.ref[WeakFloor] | None = None
        self.children: list[WeakFloor] = []

    @property
    def parent(self) -> WeakFloor | None:
        ref = self._parent
        return None if ref is None else ref()

    def append(self, child: WeakFloor) -> WeakFloor:
        if child is self:
            raise LoopError(child)
        if child.children:
            ref = self._parent
            while ref is not None:
                node = ref()
                if node is None:
                    break
                if node is child:
                    raise LoopError(child)
                ref = node._parent
        ref = child._parent
        if ref is not None:
            old = ref()
            if old is not None:
                old.children.remove(child)
        child._parent = weakref.ref(self)
        self.children.append(child)
        return child

    def detach(self) -> WeakFloor:
        ref = self._parent
        if ref is not None:
            parent = ref()
            if parent is not None:
                parent.children.remove(self)
            self._parent = None
        return self

    @property
    def depth(self) -> int:
        depth = 0
        ref = self._parent
        while ref is not None:
            node = ref()
            if node is None:
                break
            depth += 1
            ref = node._parent
        return depth

    def copy(self) -> WeakFloor:
        cls = type(self)
        top = cls(self.name)
        stack = [(self, top)]
        while stack:
            source, target = stack.pop()
            kids = target.children
            ref = weakref.ref(target)
            for child in source.children:
                new = cls(child.name)
                new._parent = ref
                kids.append(new)
                if child.children:
                    stack.append((child, new))
        return top


def floor_pre(root: Any) -> Iterator[Any]:
    stack = [root]
    pop = stack.pop
    extend = stack.extend
    while stack:
        node = pop()
        yield node
        children = node.children
        if children:
            extend(reversed(children))


def floor_post(root: Any) -> Iterator[Any]:
    stack = [(root, iter(root.children))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield node
        else:
            stack.append((child, iter(child.children)))


def floor_level(root: Any) -> Iterator[Any]:
    queue = deque((root,))
    pop = queue.popleft
    extend = queue.extend
    while queue:
        node = pop()
        yield node
        extend(node.children)


def floor_height(root: Any) -> int:
    height = -1
    level = [root]
    while level:
        height += 1
        level = [child for node in level for child in node.children]
    return height


def floor_render(root: Any) -> str:
    lines = [root.name]
    stack = [(root.children, 0, "")]
    while stack:
        children, i, prefix = stack.pop()
        if i < len(children):
            stack.append((children, i + 1, prefix))
            child = children[i]
            last = i == len(children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + child.name)
            if child.children:
                stack.append((child.children, 0, prefix + ("    " if last else "│   ")))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Adapters: the idiomatic, fastest documented way to do each operation in each library
# --------------------------------------------------------------------------------------


class Handle:
    """A built tree: its root, the nodes (or ids) by creation index, and any container."""

    __slots__ = ("extra", "nodes", "root", "tree")

    def __init__(self, root: Any, nodes: list[Any] | None, tree: Any = None) -> None:
        self.root = root
        self.nodes = nodes
        self.tree = tree
        self.extra: Any = None


class Adapter:
    """Node-object libraries. Subclasses override what differs."""

    key = ""
    #: workload -> reason, for operations the library cannot do
    unsupported: ClassVar[dict[str, str]] = {}
    depth_offset = 0  # subtracted from each depth to make the root 0
    #: how a deep chain is built (untimed): "up" adds each new node as the parent of the
    #: current top (keeps O(depth) loop checks O(1)); "down" appends under the deepest node
    chain = "up"

    # -- building --------------------------------------------------------------------
    def build(self, names: list[str], parents: list[int]) -> Handle:
        raise NotImplementedError

    def build_chain(self, names: list[str]) -> Handle:
        raise NotImplementedError

    def wide_fill(self, names: list[str]) -> Handle:
        raise NotImplementedError

    # -- reading ---------------------------------------------------------------------
    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        raise NotImplementedError

    def depth_sum(self, h: Handle) -> int:
        total = 0
        for node in h.nodes:
            total += node.depth
        return total

    def height(self, h: Handle) -> int:
        return h.root.height

    def label(self, h: Handle, item: Any) -> str:
        return item.name

    def parent_label(self, h: Handle, i: int) -> str | None:
        parent = h.nodes[i].parent
        return None if parent is None else self.label(h, parent)

    def child_labels(self, h: Handle, i: int) -> list[str]:
        return [self.label(h, c) for c in h.nodes[i].children]

    def count(self, obj: Any) -> int:
        """Nodes in the tree under ``obj`` (a root or a container), iteratively."""
        total = 0
        stack = [obj]
        while stack:
            node = stack.pop()
            total += 1
            stack.extend(node.children)
        return total

    # -- changing --------------------------------------------------------------------
    def resolve_pairs(self, h: Handle, moves: list[tuple[int, int]]) -> list[Any]:
        nodes = h.nodes
        return [(nodes[c], nodes[t]) for c, t in moves]

    def resolve_nodes(self, h: Handle, indices: list[int]) -> list[Any]:
        nodes = h.nodes
        return [nodes[i] for i in indices]

    def reparent(self, h: Handle, pairs: list[Any]) -> None:
        for child, parent in pairs:
            child.parent = parent

    def detach(self, h: Handle, victims: list[Any]) -> None:
        for node in victims:
            node.parent = None

    def wide_index(self, h: Handle) -> int:
        total = 0
        for node in h.nodes:
            total += node.parent.children.index(node)
        return total

    def wide_detach(self, h: Handle) -> None:
        self.detach(h, h.nodes)

    # -- whole-tree operations -------------------------------------------------------
    def copy(self, h: Handle) -> Any:
        return copy.deepcopy(h.root)

    def pickle_target(self, h: Handle) -> Any:
        return h.root

    def render(self, h: Handle) -> str:
        raise Unsupported("no text renderer")


class FloorAdapter(Adapter):
    key = "floor"
    cls: Any = StrongFloor
    unsupported: ClassVar[dict[str, str]] = {}

    def build(self, names: list[str], parents: list[int]) -> Handle:
        cls = self.cls
        root = cls(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            child = cls(names[i])
            nodes[parents[i]].append(child)
            add(child)
        return Handle(root, nodes)

    def build_chain(self, names: list[str]) -> Handle:
        cls = self.cls
        nodes = [cls(name) for name in names]
        for i in range(len(nodes) - 1, 0, -1):
            nodes[i - 1].append(nodes[i])
        return Handle(nodes[0], nodes)

    def wide_fill(self, names: list[str]) -> Handle:
        cls = self.cls
        root = cls(names[0])
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            child = cls(names[i])
            root.append(child)
            add(child)
        return Handle(root, kids)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        if order == "pre":
            return floor_pre(h.root)
        if order == "post":
            return floor_post(h.root)
        return floor_level(h.root)

    def height(self, h: Handle) -> int:
        return floor_height(h.root)

    def reparent(self, h: Handle, pairs: list[Any]) -> None:
        for child, parent in pairs:
            parent.append(child)

    def detach(self, h: Handle, victims: list[Any]) -> None:
        for node in victims:
            node.detach()

    def copy(self, h: Handle) -> Any:
        return h.root.copy()

    def render(self, h: Handle) -> str:
        return floor_render(h.root)


class WeakFloorAdapter(FloorAdapter):
    key = "floor-weak"
    cls = WeakFloor


class BoughsAdapter(Adapter):
    """boughs with the slotted subclass the contract names: ``Named(BaseNode)``."""

    key = "boughs"

    def __init__(self) -> None:
        import boughs

        self.boughs = boughs

        class Named(boughs.BaseNode):  # type: ignore[misc,name-defined]
            __slots__ = ("name",)

        # pickle needs to find the class by its qualified name
        Named.__module__ = __name__
        Named.__qualname__ = "Named"
        globals()["Named"] = Named
        self.cls = Named
        if not hasattr(boughs, "render_text"):
            self.unsupported = {"render": "boughs.render_text does not exist yet"}

    def make(self, name: str) -> Any:
        node = self.cls()
        node.name = name
        return node

    def build(self, names: list[str], parents: list[int]) -> Handle:
        cls = self.cls
        root = cls()
        root.name = names[0]
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            child = cls()
            child.name = names[i]
            nodes[parents[i]].append(child)
            add(child)
        return Handle(root, nodes)

    def build_chain(self, names: list[str]) -> Handle:
        nodes = [self.make(name) for name in names]
        for i in range(len(nodes) - 1, 0, -1):
            nodes[i - 1].append(nodes[i])
        return Handle(nodes[0], nodes)

    def wide_fill(self, names: list[str]) -> Handle:
        cls = self.cls
        root = cls()
        root.name = names[0]
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            child = cls()
            child.name = names[i]
            root.append(child)
            add(child)
        return Handle(root, kids)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        return h.root.walk(order)

    def reparent(self, h: Handle, pairs: list[Any]) -> None:
        for child, parent in pairs:
            child.move_to(parent)

    def detach(self, h: Handle, victims: list[Any]) -> None:
        for node in victims:
            node.detach()

    def wide_index(self, h: Handle) -> int:
        total = 0
        for node in h.nodes:
            total += node.index
        return total

    def copy(self, h: Handle) -> Any:
        return h.root.copy()

    def render(self, h: Handle) -> str:
        # everything, no truncation, wide enough that no line wraps
        return self.boughs.render_text(  # type: ignore[no-any-return]
            h.root,
            max_depth=None,
            max_children=None,
            max_nodes=None,
            label=_name_of,
            width=100_000,
        )


def _name_of(node: Any) -> str:
    return node.name  # type: ignore[no-any-return]


class BoughsNodeAdapter(BoughsAdapter):
    """boughs' general ``Node`` (name plus arbitrary attributes)."""

    key = "boughs-node"

    def __init__(self) -> None:
        super().__init__()
        self.cls = self.boughs.Node

    def make(self, name: str) -> Any:
        return self.cls(name)

    def build(self, names: list[str], parents: list[int]) -> Handle:
        cls = self.cls
        root = cls(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            child = cls(names[i])
            nodes[parents[i]].append(child)
            add(child)
        return Handle(root, nodes)

    def wide_fill(self, names: list[str]) -> Handle:
        cls = self.cls
        root = cls(names[0])
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            child = cls(names[i])
            root.append(child)
            add(child)
        return Handle(root, kids)


class AnytreeAdapter(Adapter):
    """anytree.Node with its default assertions on; walks through the *Iter classes."""

    key = "anytree"

    def __init__(self) -> None:
        import anytree

        self.mod = anytree

    def build(self, names: list[str], parents: list[int]) -> Handle:
        cls = self.mod.Node
        root = cls(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            add(cls(names[i], parent=nodes[parents[i]]))
        return Handle(root, nodes)

    def build_chain(self, names: list[str]) -> Handle:
        cls = self.mod.Node
        nodes = [cls(name) for name in names]
        for i in range(len(nodes) - 1, 0, -1):
            nodes[i].parent = nodes[i - 1]
        return Handle(nodes[0], nodes)

    def wide_fill(self, names: list[str]) -> Handle:
        cls = self.mod.Node
        root = cls(names[0])
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            add(cls(names[i], parent=root))
        return Handle(root, kids)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        mod = self.mod
        if order == "pre":
            return mod.PreOrderIter(h.root)  # type: ignore[no-any-return]
        if order == "post":
            return mod.PostOrderIter(h.root)  # type: ignore[no-any-return]
        return mod.LevelOrderIter(h.root)  # type: ignore[no-any-return]

    def render(self, h: Handle) -> str:
        return self.mod.RenderTree(h.root).by_attr("name")  # type: ignore[no-any-return]


class BigtreeAdapter(Adapter):
    """bigtree.Node with its default checks (loop check, duplicate-name check) on."""

    key = "bigtree"
    depth_offset = 1  # bigtree's root has depth 1

    def __init__(self) -> None:
        # bigtree imports matplotlib.pyplot when it can (for Node.plot), which costs
        # seconds per process; hide it, as on a machine without matplotlib
        if "matplotlib" not in sys.modules:
            sys.modules["matplotlib"] = None  # type: ignore[assignment]
        import bigtree

        self.mod = bigtree

    def build(self, names: list[str], parents: list[int]) -> Handle:
        cls = self.mod.Node
        root = cls(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            add(cls(names[i], parent=nodes[parents[i]]))
        return Handle(root, nodes)

    def wide_fill(self, names: list[str]) -> Handle:
        cls = self.mod.Node
        root = cls(names[0])
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            add(cls(names[i], parent=root))
        return Handle(root, kids)

    def build_chain(self, names: list[str]) -> Handle:
        cls = self.mod.Node
        nodes = [cls(name) for name in names]
        for i in range(len(nodes) - 1, 0, -1):
            nodes[i].parent = nodes[i - 1]
        return Handle(nodes[0], nodes)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        mod = self.mod
        if order == "pre":
            return mod.preorder_iter(h.root)  # type: ignore[no-any-return]
        if order == "post":
            return mod.postorder_iter(h.root)  # type: ignore[no-any-return]
        return mod.levelorder_iter(h.root)  # type: ignore[no-any-return]

    def height(self, h: Handle) -> int:
        return h.root.max_depth - 1  # type: ignore[no-any-return]

    def copy(self, h: Handle) -> Any:
        return h.root.copy()

    def render(self, h: Handle) -> str:
        buffer = io.StringIO()
        self.mod.print_tree(h.root, file=buffer)
        return buffer.getvalue()


class TreelibAdapter(Adapter):
    """treelib: one ``Tree`` container, nodes addressed by id (the name)."""

    key = "treelib"
    chain = "down"
    unsupported: ClassVar[dict[str, str]] = {
        "walk_post": "expand_tree() offers DEPTH (pre-order), WIDTH and ZIGZAG only",
    }

    def __init__(self) -> None:
        import treelib

        self.mod = treelib

    def build(self, names: list[str], parents: list[int]) -> Handle:
        tree = self.mod.Tree()
        create = tree.create_node
        create(names[0], names[0])
        for i in range(1, len(names)):
            create(names[i], names[i], parent=names[parents[i]])
        return Handle(names[0], names, tree)

    def build_chain(self, names: list[str]) -> Handle:
        tree = self.mod.Tree()
        create = tree.create_node
        create(names[0], names[0])
        for i in range(1, len(names)):
            create(names[i], names[i], parent=names[i - 1])
        return Handle(names[0], names, tree)

    def wide_fill(self, names: list[str]) -> Handle:
        tree = self.mod.Tree()
        create = tree.create_node
        root = names[0]
        create(root, root)
        for i in range(1, len(names)):
            create(names[i], names[i], parent=root)
        return Handle(root, names[1:], tree)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        tree = h.tree
        mode = tree.DEPTH if order == "pre" else tree.WIDTH
        return tree.expand_tree(mode=mode, sorting=False)  # type: ignore[no-any-return]

    def depth_sum(self, h: Handle) -> int:
        level = h.tree.level
        total = 0
        for nid in h.nodes:
            total += level(nid)
        return total

    def height(self, h: Handle) -> int:
        return h.tree.depth()  # type: ignore[no-any-return]

    def label(self, h: Handle, item: Any) -> str:
        return item  # type: ignore[no-any-return]

    def _owner(self, h: Handle, nid: str) -> Any:
        owners = h.extra
        return h.tree if owners is None else owners.get(nid, h.tree)

    def parent_label(self, h: Handle, i: int) -> str | None:
        nid = h.nodes[i]
        parent = self._owner(h, nid).parent(nid)
        return None if parent is None else parent.identifier

    def child_labels(self, h: Handle, i: int) -> list[str]:
        nid = h.nodes[i]
        return list(self._owner(h, nid).is_branch(nid))

    def count(self, obj: Any) -> int:
        return len(obj)

    def resolve_pairs(self, h: Handle, moves: list[tuple[int, int]]) -> list[Any]:
        names = h.nodes
        return [(names[c], names[t]) for c, t in moves]

    def reparent(self, h: Handle, pairs: list[Any]) -> None:
        move = h.tree.move_node  # raises LoopError itself
        for child, parent in pairs:
            move(child, parent)

    def detach(self, h: Handle, victims: list[Any]) -> None:
        # remove_subtree() is treelib's detach: the subtree leaves as a new Tree. A later
        # victim may live in such a tree, so we keep an id -> tree map, as a user must.
        main = h.tree
        owners = h.extra = {}
        get = owners.get
        for nid in victims:
            sub = get(nid, main).remove_subtree(nid)
            for moved in sub.nodes:
                owners[moved] = sub

    def wide_index(self, h: Handle) -> int:
        tree = h.tree
        parent = tree.parent
        children = tree.is_branch
        total = 0
        for nid in h.nodes:
            total += children(parent(nid).identifier).index(nid)
        return total

    def copy(self, h: Handle) -> Any:
        return self.mod.Tree(h.tree, deep=True)

    def pickle_target(self, h: Handle) -> Any:
        return h.tree

    def render(self, h: Handle) -> str:
        return h.tree.show(stdout=False, sorting=False)  # type: ignore[no-any-return]


class NutreeAdapter(Adapter):
    """nutree: nodes live in a ``Tree``; ``move_to`` has no cycle check, so we add one."""

    key = "nutree"
    chain = "down"
    depth_offset = 1  # a top-level node has depth 1

    def __init__(self) -> None:
        import nutree

        self.mod = nutree

    def build(self, names: list[str], parents: list[int]) -> Handle:
        tree = self.mod.Tree()
        root = tree.add(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            add(nodes[parents[i]].add(names[i]))
        return Handle(root, nodes, tree)

    def build_chain(self, names: list[str]) -> Handle:
        tree = self.mod.Tree()
        node = root = tree.add(names[0])
        nodes = [root]
        add = nodes.append
        for i in range(1, len(names)):
            node = node.add(names[i])
            add(node)
        return Handle(root, nodes, tree)

    def wide_fill(self, names: list[str]) -> Handle:
        tree = self.mod.Tree()
        root = tree.add(names[0])
        kids = []
        add = kids.append
        for i in range(1, len(names)):
            add(root.add(names[i]))
        return Handle(root, kids, tree)

    def walk(self, h: Handle, order: str) -> Iterator[Any]:
        method = self.mod.IterMethod
        which = {
            "pre": method.PRE_ORDER,
            "post": method.POST_ORDER,
            "level": method.LEVEL_ORDER,
        }[order]
        return h.root.iterator(which, add_self=True)  # type: ignore[no-any-return]

    def depth_sum(self, h: Handle) -> int:
        total = 0
        for node in h.nodes:
            total += node.depth()
        return total

    def height(self, h: Handle) -> int:
        return h.root.calc_height()  # type: ignore[no-any-return]

    def label(self, h: Handle, item: Any) -> str:
        return item.data  # type: ignore[no-any-return]

    def count(self, obj: Any) -> int:
        return len(obj)

    def reparent(self, h: Handle, pairs: list[Any]) -> None:
        for child, parent in pairs:
            if parent is child or parent.is_descendant_of(child):
                raise LoopError(child)
            child.move_to(parent)

    def detach(self, h: Handle, victims: list[Any]) -> None:
        # nutree cannot move a node to another Tree; the closest detach is to make it a
        # top-level node of the same tree (its .parent becomes None).
        tree = h.tree
        for node in victims:
            node.move_to(tree)

    def wide_index(self, h: Handle) -> int:
        total = 0
        for node in h.nodes:
            total += node.get_index()
        return total

    def copy(self, h: Handle) -> Any:
        return h.root.copy()

    def pickle_target(self, h: Handle) -> Any:
        return h.tree

    def render(self, h: Handle) -> str:
        return h.tree.format(repr="{node.data}", title=False)  # type: ignore[no-any-return]


ADAPTERS: dict[str, Callable[[], Adapter]] = {
    "floor": FloorAdapter,
    "floor-weak": WeakFloorAdapter,
    "boughs": BoughsAdapter,
    "boughs-node": BoughsNodeAdapter,
    "anytree": AnytreeAdapter,
    "bigtree": BigtreeAdapter,
    "treelib": TreelibAdapter,
    "nutree": NutreeAdapter,
}


# --------------------------------------------------------------------------------------
# The reference model: plain lists of ints, the same for every library
# --------------------------------------------------------------------------------------


def make_parents(shape: str, n: int) -> list[int]:
    """Parent index of each node; node 0 is the root."""
    if shape == "balanced":
        return [-1] + [(i - 1) // 10 for i in range(1, n)]
    rng = random.Random(SEED)
    randbelow = rng.randrange
    return [-1] + [randbelow(i) for i in range(1, n)]


def make_names(n: int) -> list[str]:
    # Created before anything is measured, and shared by every library: names are not
    # counted in bytes per node.
    return [f"n{i}" for i in range(n)]


def model_children(parents: list[int]) -> list[list[int]]:
    children: list[list[int]] = [[] for _ in parents]
    for i in range(1, len(parents)):
        children[parents[i]].append(i)
    return children


def model_order(children: list[list[int]], order: str) -> list[int]:
    if order == "pre":
        out, stack = [], [0]
        while stack:
            i = stack.pop()
            out.append(i)
            stack.extend(reversed(children[i]))
        return out
    if order == "level":
        out, queue = [], deque([0])
        while queue:
            i = queue.popleft()
            out.append(i)
            queue.extend(children[i])
        return out
    # post-order: the reverse of a pre-order that visits children right to left
    out, stack = [], [0]
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(children[i])
    out.reverse()
    return out


def model_moves(
    parents: list[int], count: int
) -> tuple[list[tuple[int, int]], list[int], list[list[int]]]:
    """``count`` valid reparents: a random non-root node under a random node outside its
    subtree and other than its current parent (anytree ignores a move to the current
    parent; the others move the node last). Returns the moves and the final model."""
    n = len(parents)
    par = list(parents)
    children = model_children(par)
    rng = random.Random(SEED + 1)
    moves: list[tuple[int, int]] = []
    while len(moves) < count:
        child = rng.randrange(1, n)
        target = rng.randrange(n)
        if target == par[child]:
            continue
        node = target
        while node not in (-1, child):
            node = par[node]
        if node == child:
            continue  # target is the child or inside its subtree: not a valid move
        children[par[child]].remove(child)
        par[child] = target
        children[target].append(child)
        moves.append((child, target))
    return moves, par, children


def model_detaches(parents: list[int], count: int) -> tuple[list[int], list[int], list[list[int]]]:
    n = len(parents)
    victims = random.Random(SEED + 2).sample(range(1, n), min(count, n - 1))
    par = list(parents)
    children = model_children(par)
    for v in victims:
        children[par[v]].remove(v)
        par[v] = -1
    return victims, par, children


def model_depth_sum(parents: list[int]) -> int:
    depth = [0] * len(parents)
    for i in range(1, len(parents)):  # parents[i] < i
        depth[i] = depth[parents[i]] + 1
    return sum(depth)


class VerifyError(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise VerifyError(message)


def verify_structure(
    ad: Adapter, h: Handle, names: list[str], par: list[int], children: list[list[int]]
) -> None:
    """Every node's parent and ordered children agree with the model."""
    for i in range(len(names)):
        want_parent = None if par[i] < 0 else names[par[i]]
        got_parent = ad.parent_label(h, i)
        check(got_parent == want_parent, f"parent of {names[i]}: {got_parent} != {want_parent}")
        want = [names[j] for j in children[i]]
        got = ad.child_labels(h, i)
        check(got == want, f"children of {names[i]} differ ({len(got)} vs {len(want)})")


# --------------------------------------------------------------------------------------
# Workloads (run inside the worker process)
# --------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def tracked() -> int:
    """Objects the cyclic GC tracks: nodes, their lists, dicts, tuples and weakrefs.

    We count objects rather than bytes to say how much ``del`` reclaimed: CPython keeps
    freed small tuples, lists and dicts on free lists that only ``gc.collect()`` empties,
    so a byte count would call freed memory "still in use".
    """
    return len(gc.get_objects())


def drop(h: Handle) -> None:
    h.root = h.nodes = h.tree = h.extra = None
    gc.collect()


class Case:
    """One (library, workload, size) measurement inside a worker."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.lib = spec["lib"]
        self.workload = spec["workload"]
        self.n = spec["n"]
        self.shape = spec.get("shape", "")
        self.repeats = spec["repeats"]
        self.budget = spec["budget"]
        if self.lib not in _ADAPTERS_MADE:
            _ADAPTERS_MADE[self.lib] = ADAPTERS[self.lib]()
            # What the library imported (rich alone is tens of thousands of objects)
            # leaves the collector's view: collections then cost what the trees cost.
            gc.collect()
            gc.freeze()
        self.ad = _ADAPTERS_MADE[self.lib]
        self.extra: dict[str, Any] = {}
        self.created = time.perf_counter()

    # Each workload returns a function that performs one run: it sets up untimed, times
    # the operation, verifies when asked, cleans up untimed, and returns the seconds.
    def runner(self) -> Callable[[bool], float]:
        reason = self.ad.unsupported.get(self.workload)
        if reason:
            raise Unsupported(reason)
        return getattr(self, "run_" + self.workload)()  # type: ignore[no-any-return]

    def tree_inputs(self) -> tuple[list[str], list[int]]:
        return make_names(self.n), make_parents(self.shape, self.n)

    def shared_tree(self) -> tuple[list[str], list[int], Handle]:
        """The tree the read-only workloads of this process share (built once, untimed)."""
        key = (self.lib, self.shape, self.n)
        if key not in _SHARED:
            names, parents = self.tree_inputs()
            _SHARED.clear()
            _SHARED[key] = names, parents, self.ad.build(names, parents)
        return _SHARED[key]

    def run_build(self) -> Callable[[bool], float]:
        names, parents = self.tree_inputs()
        ad = self.ad
        children = model_children(parents)

        def once(verify: bool) -> float:
            seconds, h = timed(lambda: ad.build(names, parents))
            if verify:
                verify_structure(ad, h, names, parents, children)
            drop(h)
            return seconds

        return once

    def run_walk(self, order: str) -> Callable[[bool], float]:
        names, parents, h = self.shared_tree()
        ad = self.ad
        want = [names[i] for i in model_order(model_children(parents), order)]

        def consume() -> int:
            count = 0
            for count, _ in enumerate(ad.walk(h, order), 1):  # noqa: B007
                pass
            return count

        def once(verify: bool) -> float:
            if verify:
                got = [ad.label(h, x) for x in ad.walk(h, order)]
                check(got == want, f"{order}-order differs from the model")
            seconds, count = timed(consume)
            check(count == len(names), f"walk yielded {count} of {len(names)}")
            return seconds

        return once

    def run_walk_pre(self) -> Callable[[bool], float]:
        return self.run_walk("pre")

    def run_walk_post(self) -> Callable[[bool], float]:
        return self.run_walk("post")

    def run_walk_level(self) -> Callable[[bool], float]:
        return self.run_walk("level")

    def run_depth_all(self) -> Callable[[bool], float]:
        names, parents, h = self.shared_tree()
        ad = self.ad
        want = model_depth_sum(parents)

        def once(verify: bool) -> float:
            seconds, total = timed(lambda: ad.depth_sum(h))
            got = total - ad.depth_offset * len(names)
            check(got == want, f"sum of depths {got} != {want}")
            return seconds

        return once

    def run_reparent(self) -> Callable[[bool], float]:
        names, parents = self.tree_inputs()
        ad = self.ad
        moves, par, children = model_moves(parents, self.spec["ops"])

        def once(verify: bool) -> float:
            h = ad.build(names, parents)
            pairs = ad.resolve_pairs(h, moves)
            seconds, _ = timed(lambda: ad.reparent(h, pairs))
            if verify:
                verify_structure(ad, h, names, par, children)
            drop(h)
            return seconds

        return once

    def run_detach(self) -> Callable[[bool], float]:
        names, parents = self.tree_inputs()
        ad = self.ad
        victims, par, children = model_detaches(parents, self.spec["ops"])
        self.extra["operations"] = len(victims)

        def once(verify: bool) -> float:
            h = ad.build(names, parents)
            nodes = ad.resolve_nodes(h, victims)
            seconds, _ = timed(lambda: ad.detach(h, nodes))
            if verify:
                verify_structure(ad, h, names, par, children)
            drop(h)
            return seconds

        return once

    def run_memory(self) -> Callable[[bool], float]:
        """Bytes per node (tracemalloc) and how much ``del`` reclaims with gc off."""
        names, parents = self.tree_inputs()
        ad = self.ad
        small = ad.build(names[:1000], parents[:1000])  # one-time allocations, not counted
        drop(small)

        def once(verify: bool) -> float:
            gc.collect()
            objects = tracked()
            tracemalloc.start()
            try:
                base = tracemalloc.get_traced_memory()[0]
                h = ad.build(names, parents)
                h.nodes = None  # the harness's own index of the nodes is not the tree's
                gc.collect()  # also empties the free lists, so they are not counted
                built = tracemalloc.get_traced_memory()[0] - base
            finally:
                tracemalloc.stop()
            made = tracked() - objects
            gc.disable()
            try:
                box = [h]
                del h
                box.clear()
                left = tracked() - objects
            finally:
                gc.enable()
            gc.collect()
            self.extra.update(
                bytes_per_node=built / len(names),
                objects_per_node=made / len(names),
                reclaimed_gc_off=(made - left) / made,
                reclaimed_after_collect=(objects + made - tracked()) / made,
            )
            return built / len(names)

        return once

    def run_free(self, collect: bool) -> Callable[[bool], float]:
        names, parents = self.tree_inputs()
        ad = self.ad
        reclaimed: list[float] = []

        def once(verify: bool) -> float:
            h = ad.build(names, parents)
            h.nodes = None
            box = [h]
            del h
            gc.collect()
            objects = tracked()
            if collect:
                start = time.perf_counter()
                box.clear()
                gc.collect()
                seconds = time.perf_counter() - start
            else:
                gc.disable()
                try:
                    start = time.perf_counter()
                    box.clear()
                    seconds = time.perf_counter() - start
                    freed = objects - tracked()
                finally:
                    gc.enable()
                gc.collect()
                total = objects - tracked()
                reclaimed.append(max(0.0, freed / total) if total > 0 else 0.0)
                self.extra["reclaimed_gc_off"] = min(reclaimed)
            return seconds

        return once

    def run_free_gc(self) -> Callable[[bool], float]:
        return self.run_free(collect=True)

    def run_free_nogc(self) -> Callable[[bool], float]:
        return self.run_free(collect=False)

    def run_render(self) -> Callable[[bool], float]:
        names, parents = self.tree_inputs()
        ad = self.ad
        h = ad.build(names, parents)
        last = names[model_order(model_children(parents), "pre")[-1]]

        def once(verify: bool) -> float:
            seconds, text = timed(lambda: ad.render(h))
            lines = text.rstrip("\n").split("\n")
            check(len(lines) == len(names), f"{len(lines)} lines for {len(names)} nodes")
            check(lines[-1].endswith(last), f"last line {lines[-1]!r} is not {last!r}")
            return seconds

        return once

    # -- one node with many children ------------------------------------------------------
    def run_wide_fill(self) -> Callable[[bool], float]:
        names = make_names(self.n + 1)
        ad = self.ad

        def once(verify: bool) -> float:
            seconds, h = timed(lambda: ad.wide_fill(names))
            if verify:
                whole = h.tree if h.tree is not None else h.root
                check(ad.count(whole) == len(names), "wrong node count")
                check(ad.parent_label(h, self.n - 1) == names[0], "wrong parent")
            drop(h)
            return seconds

        return once

    def run_wide_index(self) -> Callable[[bool], float]:
        names = make_names(self.n + 1)
        ad = self.ad
        h = ad.wide_fill(names)
        want = self.n * (self.n - 1) // 2

        def once(verify: bool) -> float:
            seconds, total = timed(lambda: ad.wide_index(h))
            check(total == want, f"sum of indices {total} != {want}")
            return seconds

        return once

    def run_wide_detach(self) -> Callable[[bool], float]:
        names = make_names(self.n + 1)
        ad = self.ad

        def once(verify: bool) -> float:
            h = ad.wide_fill(names)
            seconds, _ = timed(lambda: ad.wide_detach(h))
            if verify:
                check(all(ad.parent_label(h, i) is None for i in range(self.n)), "parents")
            drop(h)
            return seconds

        return once

    # -- deep chains ------------------------------------------------------------------------
    def chain(self) -> tuple[list[str], Handle]:
        names = make_names(self.n)
        return names, self.ad.build_chain(names)

    def run_deep_walk(self) -> Callable[[bool], float]:
        _, h = self.chain()
        ad = self.ad

        def consume() -> int:
            count = 0
            for count, _ in enumerate(ad.walk(h, "pre"), 1):  # noqa: B007
                pass
            return count

        def once(verify: bool) -> float:
            seconds, count = timed(consume)
            check(count == self.n, f"walk yielded {count} of {self.n}")
            return seconds

        return once

    def run_deep_height(self) -> Callable[[bool], float]:
        _, h = self.chain()
        ad = self.ad

        def once(verify: bool) -> float:
            seconds, height = timed(lambda: ad.height(h))
            check(height == self.n - 1, f"height {height} != {self.n - 1}")
            return seconds

        return once

    def run_deep_copy(self) -> Callable[[bool], float]:
        _, h = self.chain()
        ad = self.ad
        h.nodes = None

        def once(verify: bool) -> float:
            seconds, dup = timed(lambda: ad.copy(h))
            check(ad.count(dup) == self.n, "the copy has the wrong size")
            box = [dup]
            del dup
            box.clear()
            gc.collect()
            return seconds

        return once

    def run_deep_pickle(self) -> Callable[[bool], float]:
        _, h = self.chain()
        ad = self.ad
        h.nodes = None

        def round_trip() -> Any:
            data = pickle.dumps(ad.pickle_target(h), pickle.HIGHEST_PROTOCOL)
            return pickle.loads(data)

        def once(verify: bool) -> float:
            seconds, dup = timed(round_trip)
            check(ad.count(dup) == self.n, "the unpickled tree has the wrong size")
            box = [dup]
            del dup
            box.clear()
            gc.collect()
            return seconds

        return once

    def run_deep_del(self) -> Callable[[bool], float]:
        def once(verify: bool) -> float:
            _, h = self.chain()
            h.nodes = None
            box = [h]
            del h
            gc.collect()
            start = time.perf_counter()
            box.clear()
            gc.collect()
            return time.perf_counter() - start

        return once

    # -- driver -----------------------------------------------------------------------------
    def execute(self) -> dict[str, Any]:
        once = self.runner()
        started = time.perf_counter()
        warmup = once(True)  # warm-up, verified against the model, not counted
        samples: list[float] = []
        # bytes per node are deterministic: the one measurement (after a small untimed
        # build that absorbs one-time allocations) is the result
        repeats = 0 if self.workload == "memory" else self.repeats
        for _ in range(repeats):
            if samples and time.perf_counter() - started > self.budget:
                break  # a slow case keeps at least one timed sample
            samples.append(once(False))
        result = {"status": "ok", "samples": samples, "warmup": warmup, **self.extra}
        result["elapsed"] = time.perf_counter() - self.created
        if self.workload == "memory":
            result["samples"] = [self.extra["bytes_per_node"]]
        return result


class CaseTimeout(BaseException):
    """Raised by the alarm when a case runs past its time limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def worker(specs: list[dict[str, Any]]) -> None:
    real_stdout = sys.stdout
    has_alarm = hasattr(signal, "setitimer")
    if has_alarm:
        signal.signal(signal.SIGALRM, _alarm)
    for spec in specs:
        sys.stdout = sys.stderr  # a library that prints must not corrupt our protocol
        try:
            if has_alarm and spec.get("timeout"):
                signal.setitimer(signal.ITIMER_REAL, spec["timeout"])
            result = Case(spec).execute()
        except CaseTimeout:
            result = {"status": "timeout", "reason": f"over {spec['timeout']:g} s"}
        except Unsupported as exc:
            result = {"status": "n/a", "reason": str(exc)}
        except VerifyError as exc:
            result = {"status": "wrong", "reason": str(exc)[:300]}
        except BaseException as exc:  # any failure is a result
            text = str(exc).splitlines()[0][:200] if str(exc) else ""
            result = {"status": "error", "reason": f"{type(exc).__name__}: {text}"}
        finally:
            if has_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout = real_stdout
            gc.enable()
        print("@@RESULT " + json.dumps({**spec, **result}), flush=True)


# --------------------------------------------------------------------------------------
# Orchestration (the parent process)
# --------------------------------------------------------------------------------------


def available_libs(wanted: list[str], python: str) -> tuple[list[str], dict[str, str]]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for d in sys.argv[1:]:\n"
        "    try: out[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    dists = sorted({LIB_DISTS[k] for k in wanted if k in LIB_DISTS} | {"rich", "matplotlib"})
    proc = subprocess.run([python, "-c", code, *dists], capture_output=True, text=True, check=True)
    versions = json.loads(proc.stdout)
    libs = [k for k in wanted if k not in LIB_DISTS or LIB_DISTS[k] in versions]
    return libs, versions


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "boughs_commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def plan(args: argparse.Namespace, libs: list[str]) -> list[list[dict[str, Any]]]:
    """Groups of specs; each group runs in one subprocess, groups run one at a time.

    Smaller sizes come first, so that `projected_skip` can use their timings."""
    points: list[tuple[int, str, str]] = []
    for workload in args.workloads:
        if workload in WIDE_WORKLOADS:
            points += [(n, workload, "") for n in args.wide]
        elif workload in DEEP_WORKLOADS:
            points += [(n, workload, "") for n in args.deep]
        elif workload == "render":
            points += [(n, workload, "random") for n in args.render]
        else:
            for n in args.sizes:
                big = n > args.small_limit
                if big and workload not in args.big_workloads:
                    continue
                shapes = args.big_shapes if big else args.shapes
                points += [(n, workload, shape) for shape in shapes]
    points.sort(key=lambda p: p[0])  # stable: workload order kept within a size
    common = {
        "repeats": args.repeats,
        "budget": args.budget,
        "ops": args.ops,
        "timeout": args.timeout,
    }
    cases = [
        [{"lib": lib, "workload": w, "shape": shape, "n": n, **common} for lib in libs]
        for n, w, shape in points
    ]
    # interleave round-robin: rotate the library order from case to case
    for i, group in enumerate(cases):
        k = i % len(group)
        cases[i] = group[k:] + group[:k]
    if args.quick:  # one process per library: a smoke test, not numbers to publish
        by_lib: dict[str, list[dict[str, Any]]] = {}
        for group in cases:
            for spec in group:
                by_lib.setdefault(spec["lib"], []).append(spec)
        return list(by_lib.values())
    groups: list[list[dict[str, Any]]] = []
    reads: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for group in cases:
        for spec in group:
            if spec["workload"] not in READS:
                groups.append([spec])
                continue
            key = (spec["lib"], spec["shape"], spec["n"])
            if key not in reads:
                reads[key] = []
                groups.append(reads[key])
            reads[key].append(spec)
    # vary which read workload comes first in its process
    for i, specs in enumerate(reads.values()):
        k = i % len(specs)
        specs[:] = specs[k:] + specs[:k]
    return groups


def projected_skip(
    spec: dict[str, Any], history: dict[tuple[str, str, str], list[dict[str, Any]]], limit: float
) -> dict[str, Any] | None:
    """Skip a case whose smaller sizes say it cannot finish within ``limit`` seconds.

    The least a case costs is its warm-up run plus one timed run. We project the cost of
    one run from the last smaller size, with the growth exponent the two last sizes show
    (at least 1, so linear), and skip the case when two runs would not fit."""
    past = history.get((spec["lib"], spec["workload"], spec["shape"]), [])
    if not past:
        return None
    last = past[-1]
    if last["status"] in ("timeout", "skipped", "error", "crash"):
        # a recursion limit, a missing feature or a time-out at a smaller size holds here too
        first = last.get("reason", "").split(":")[0] if last["status"] == "error" else ""
        why = f"{first or last['status']} at {last['n']:,}"
        return {**spec, "status": "skipped", "reason": why}
    if last["status"] != "ok" or "elapsed" not in last:
        return None
    per_run = last["elapsed"] / (1 + len(last["samples"]))
    exponent = 1.0
    prev = past[-2] if len(past) >= 2 else None
    if prev and prev["status"] == "ok" and prev["n"] < last["n"] and prev["samples"]:
        before = statistics.median(prev["samples"])
        if before > 0.001:  # below that, timer noise hides the growth
            growth = statistics.median(last["samples"]) / before
            exponent = min(2.0, max(1.0, math.log(growth) / math.log(last["n"] / prev["n"])))
    projected = 2 * per_run * (spec["n"] / last["n"]) ** exponent
    if projected > limit:
        why = (
            f"projected {projected:.0f} s (2 runs, from {last['n']:,}: "
            f"{per_run:.1f} s/run, growth n^{exponent:.1f}) > {limit:g} s"
        )
        return {**spec, "status": "skipped", "reason": why}
    return None


def run_group(python: str, group: list[dict[str, Any]], timeout: float) -> list[dict[str, Any]]:
    cmd = [python, str(Path(__file__).resolve()), "--worker", json.dumps(group)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    status, reason = "", ""
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
        stdout = proc.stdout
        if proc.returncode < 0:
            status, reason = "crash", f"killed by signal {-proc.returncode}"
        elif proc.returncode:
            tail = proc.stderr.strip().splitlines()[-1:] or [""]
            status, reason = "crash", f"exit code {proc.returncode}: {tail[0][:200]}"
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        stdout = out.decode() if isinstance(out, bytes) else out
        status, reason = "timeout", f"over {timeout:g} s"
    for line in stdout.splitlines():
        if line.startswith("@@RESULT "):
            result = json.loads(line[len("@@RESULT ") :])
            done[key_of(result)] = result
    results = []
    for spec in group:
        key = key_of(spec)
        if key in done:
            results.append(done[key])
        else:  # the first spec without a result is the one that died
            results.append({**spec, "status": status or "crash", "reason": reason})
            status, reason = "skipped", "an earlier case in the same process died"
    return results


def key_of(spec: dict[str, Any]) -> tuple[str, str, str, int]:
    return (spec["lib"], spec["workload"], spec.get("shape", ""), spec["n"])


def describe(result: dict[str, Any]) -> str:
    if result["status"] != "ok":
        return f"{result['status']}: {result.get('reason', '')}"
    samples = result["samples"]
    if result["workload"] == "memory":
        return f"{samples[0]:.0f} B/node, gc-off reclaims {100 * result['reclaimed_gc_off']:.0f} %"
    med = statistics.median(samples)
    return f"{1000 * med:.2f} ms (n={len(samples)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="sizes 10^3 and 10^4, seconds")
    parser.add_argument("--sizes", help="comma-separated tree sizes, e.g. 1e3,1e4,1e5")
    parser.add_argument("--libs", help="comma-separated subset of: " + ",".join(LIBS))
    parser.add_argument("--workloads", help="comma-separated subset of: " + ",".join(ALL_WORKLOADS))
    parser.add_argument("--shapes", help="random,balanced (quick: random)")
    parser.add_argument("--big-shapes", default="random", help="shapes above 10^5 nodes")
    parser.add_argument("--wide", help="children of the wide node, e.g. 1e3,1e4,1e5")
    parser.add_argument("--deep", help="chain depths, e.g. 1e4,1e5,1e6")
    parser.add_argument("--repeats", type=int, help="timed runs per case (5; quick: 1)")
    parser.add_argument("--ops", type=int, help="reparents/detaches per run (10,000)")
    parser.add_argument("--timeout", type=float, help="seconds per case (default 60)")
    parser.add_argument(
        "--budget", type=float, default=6.0, help="seconds after which a case stops repeating"
    )
    parser.add_argument("--name", help="results/<name>.json (default: quick or full)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for workers")
    parser.add_argument("--report", metavar="JSON", help="only print tables for saved results")
    parser.add_argument("--plot", metavar="PNG", help="also draw time vs N (matplotlib)")
    args = parser.parse_args(argv)

    if args.worker:
        worker(json.loads(args.worker))
        return 0
    if args.report:
        data = json.loads(Path(args.report).read_text())
        print(report(data))
        if args.plot:
            plot(data, Path(args.plot))
        return 0

    def sizes(text: str) -> list[int]:
        return [int(float(s)) for s in text.split(",") if s]

    if args.quick:  # every library and workload once, small: checks that all still works
        args.sizes = sizes(args.sizes or "1e3,1e4")
        args.shapes = args.shapes or "random"
        args.wide, args.render, args.deep = [1_000], [10_000], [1_000, 10_000]
        args.ops = args.ops or 1_000
        args.repeats = args.repeats or 1
        args.small_limit = 1_000  # 10^4 only for build and the walks
        args.timeout = args.timeout or 300
        args.name = args.name or "quick"
    else:
        args.sizes = sizes(args.sizes or "1e3,1e4,1e5,1e6")
        args.shapes = args.shapes or "random,balanced"
        args.wide = sizes(args.wide or "1e3,1e4,1e5")
        args.render = [100_000]
        args.deep = sizes(args.deep or "1e4,1e5,1e6")
        args.ops = args.ops or 10_000
        args.repeats = args.repeats or 5
        args.small_limit = 100_000  # 10^6 only for build and the walks
        args.timeout = args.timeout or 60
        args.name = args.name or "full"
    args.big_workloads = {"build", "walk_pre", "walk_post", "walk_level"}
    args.shapes = args.shapes.split(",")
    args.big_shapes = args.big_shapes.split(",")
    args.workloads = args.workloads.split(",") if args.workloads else ALL_WORKLOADS
    wanted = args.libs.split(",") if args.libs else LIBS
    for name in wanted:
        if name not in ADAPTERS:
            parser.error(f"unknown library {name!r}")
    for name in args.workloads:
        if name not in ALL_WORKLOADS:
            parser.error(f"unknown workload {name!r}")
    libs, versions = available_libs(wanted, args.python)
    missing = sorted(set(wanted) - set(libs))
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}", file=sys.stderr)

    groups = plan(args, libs)
    RESULTS.mkdir(exist_ok=True)
    out_path = RESULTS / f"{args.name}.json"
    data: dict[str, Any] = {
        "machine": machine_info(),
        "versions": versions,
        "settings": {
            "repeats": args.repeats,
            "timeout": args.timeout,
            "budget": args.budget,
            "seed": SEED,
            "operations": args.ops,
            "quick": args.quick,
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
        },
        "results": [],
    }
    started = time.perf_counter()
    history: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for i, group in enumerate(groups, 1):
        skipped, todo = [], []
        for spec in group:
            skip = None if args.quick else projected_skip(spec, history, args.timeout)
            if skip:
                skipped.append(skip)
            else:
                todo.append(spec)
        results = skipped
        if todo:
            # each case has its own alarm in the worker; this is the backstop
            results += run_group(args.python, todo, args.timeout * len(todo) + 30)
        for result in results:
            history.setdefault((result["lib"], result["workload"], result["shape"]), [])
            history[result["lib"], result["workload"], result["shape"]].append(result)
            data["results"].append(result)
            where = f"{result['shape']} " if result.get("shape") else ""
            print(
                f"[{i}/{len(groups)} {time.perf_counter() - started:6.0f}s] "
                f"{result['workload']:<12} {where}{result['n']:>8} {result['lib']:<12} "
                f"{describe(result)}",
                file=sys.stderr,
                flush=True,
            )
        out_path.write_text(json.dumps(data, indent=1))
    data["settings"]["seconds"] = round(time.perf_counter() - started, 1)
    cpu = os.times()
    data["settings"]["worker_cpu_seconds"] = round(cpu.children_user + cpu.children_system, 1)
    out_path.write_text(json.dumps(data, indent=1))
    text = report(data)
    out_path.with_suffix(".md").write_text(text)
    print(text)
    print(f"\nraw results: {out_path}", file=sys.stderr)
    if args.plot:
        plot(data, Path(args.plot))
    return 0


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


def median_of(result: dict[str, Any] | None) -> float | None:
    if not result or result["status"] != "ok":
        return None
    return statistics.median(result["samples"])


def cell(result: dict[str, Any] | None, floor: float | None) -> str:
    if result is None:
        return ""
    status = result["status"]
    if status == "n/a":
        return "n/a"
    if status != "ok":
        reason = result.get("reason", "")
        if status == "error":
            return reason.split(":")[0]
        if status == "skipped":  # "RecursionError at 10,000", "timeout at 10,000", projected
            return reason if " at " in reason and len(reason) < 40 else "skipped"
        return status
    med = statistics.median(result["samples"])
    if result["workload"] == "memory":
        return f"{med:.0f} B"
    if result["workload"] == "free_nogc":
        return f"{1000 * med:.1f} ms · {100 * result['reclaimed_gc_off']:.0f} %"
    if floor:
        return f"{med / floor:.2f}×"  # noqa: RUF001
    return f"{1000 * med:.1f} ms"


def report(data: dict[str, Any]) -> str:
    results = data["results"]
    index = {key_of(r): r for r in results}
    libs = [lib for lib in LIBS if any(r["lib"] == lib for r in results)]
    out: list[str] = []
    machine, versions = data["machine"], data["versions"]
    out.append(
        f"Python {machine['python']} on {machine['cpu']} ({machine['cpus']} CPUs), "
        f"{machine['date']}, boughs {machine.get('boughs_commit', '')}"
    )
    out.append("Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    out.append(
        "Cells: median time / median strong-floor time in the same run (× ratio); the floor "  # noqa: RUF001
        "column is absolute. memory: bytes per node (tracemalloc, names excluded). free_nogc: "
        "time of `del` with gc disabled · share of the tree's objects it freed."
    )
    header = "| workload | " + " | ".join(LIB_TITLES[lib] for lib in libs) + " |"
    rule = "|---|" + "---|" * len(libs)

    def row(label: str, key: tuple[str, str, int]) -> str:
        workload, shape, n = key
        floor = median_of(index.get(("floor", workload, shape, n)))
        cells = []
        for lib in libs:
            result = index.get((lib, workload, shape, n))
            if lib == "floor" and result and result["status"] == "ok":
                cells.append(cell(result, None))
            else:
                cells.append(cell(result, floor))
        return f"| {label} | " + " | ".join(cells) + " |"

    points = sorted({(r["shape"], r["n"]) for r in results if r["workload"] in TREE_WORKLOADS})
    for shape, n in points:
        out += ["", f"### {shape} tree, {n:,} nodes", "", header, rule]
        for workload in TREE_WORKLOADS:
            if any(key_of(r) == (r["lib"], workload, shape, n) for r in results):
                out.append(row(workload, (workload, shape, n)))
    for title, group in (
        ("one node with many children", WIDE_WORKLOADS),
        ("deep chains", DEEP_WORKLOADS),
    ):
        sizes = sorted({r["n"] for r in results if r["workload"] in group})
        if not sizes:
            continue
        out += ["", f"### {title}", "", header.replace("workload", "workload (size)"), rule]
        for workload in group:
            for n in sizes:
                if any(r["workload"] == workload and r["n"] == n for r in results):
                    out.append(row(f"{workload} ({n:,})", (workload, "", n)))
    problems = [r for r in results if r["status"] not in ("ok",)]
    if problems:
        out += ["", "### not measured", ""]
        for r in problems:
            where = f" {r['shape']}" if r.get("shape") else ""
            out.append(f"- {r['lib']} {r['workload']}{where} {r['n']:,}: {describe(r)}")
    return "\n".join(out)


def plot(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [r for r in data["results"] if r["status"] == "ok"]
    workloads = ["build", "walk_pre"]
    fig, axes = plt.subplots(1, len(workloads), figsize=(11, 4.5), sharey=False)
    for ax, workload in zip(axes, workloads, strict=True):
        for lib in LIBS:
            points = sorted(
                (r["n"], statistics.median(r["samples"]))
                for r in results
                if r["lib"] == lib and r["workload"] == workload and r["shape"] == "random"
            )
            if points:
                xs, ys = zip(*points, strict=True)
                style = "--" if lib.startswith("floor") else "-"
                ax.loglog(xs, ys, style, marker="o", label=LIB_TITLES[lib])
        ax.set_title(f"{workload} (random tree)")
        ax.set_xlabel("nodes")
        ax.set_ylabel("seconds (median)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot: {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
