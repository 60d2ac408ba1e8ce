"""Ownership diagnostics: reference cycles you can reach, and orphans.

A boughs tree has no reference cycle: parents own children, children only
borrow their parent. Add a strong back-reference of your own (``leaf.owner =
root``) and every tree that has one becomes garbage that only the cyclic
collector can free. `find_cycles` shows exactly where:

    Node('root')._children[0] -> Node('leaf').owner -> Node('root')

`find_orphans` lists the nodes, among those you hold, whose parent was
collected while they lived.

Both return report objects that print as plain text and render with rich.
"""

from __future__ import annotations

import gc
import reprlib
import sys
import types
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from boughs import events
from boughs.node import BaseNode

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["CycleReport", "Orphan", "OrphanReport", "ReferenceCycle", "find_cycles", "find_orphans"]

_repr = reprlib.Repr()
_repr.maxstring = 30
_repr.maxother = 50
_repr.maxlevel = 1
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 3

_MISSING: Any = object()

_NOT_FOLLOWED = (type, types.ModuleType, types.CodeType, types.FrameType)
"""Shared by everything and cyclic by nature: classes, modules, code, frames."""

_INLINE = (tuple, list, dict, set, frozenset, deque, types.CellType)
"""Containers shown only by how they are indexed (``._children[0]``), not by name."""


def _describe(obj: object) -> str:
    """A short, never-raising description of ``obj``."""
    if isinstance(obj, BaseNode):
        name = getattr(obj, "name", _MISSING)
        if name is _MISSING:
            return f"<{type(obj).__name__} object at {id(obj):#x}>"
        return f"{type(obj).__name__}({_describe(name)})"
    if isinstance(obj, types.FunctionType):
        return f"<function {obj.__qualname__}>"
    if isinstance(obj, types.MethodType):
        return f"<bound method {getattr(obj.__func__, '__qualname__', '?')}>"
    if isinstance(obj, _INLINE) and not isinstance(obj, BaseNode):
        return f"<{type(obj).__qualname__} at {id(obj):#x}>"
    try:
        return _repr.repr(obj)
    except Exception:
        return f"<{type(obj).__qualname__} object at {id(obj):#x}>"


def _instance_dict(obj: object) -> dict[str, Any] | None:
    try:
        d = object.__getattribute__(obj, "__dict__")
    except (AttributeError, TypeError):
        return None
    return d if isinstance(d, dict) else None


def _edge(src: object, dst: object, attribute_dict: bool) -> str:
    """How ``src`` refers to ``dst``, as a Python accessor (``.owner``, ``[0]``, ``['k']``)."""
    if isinstance(src, BaseNode) and src._children is not None:
        for i, child in enumerate(src._children):
            if child is dst:
                return f"._children[{i}]"
    if isinstance(src, (list, tuple)):
        for i, item in enumerate(src):
            if item is dst:
                return f"[{i}]"
    elif isinstance(src, dict):
        for key, value in src.items():
            if value is dst:
                if attribute_dict and isinstance(key, str) and key.isidentifier():
                    return f".{key}"
                return f"[{_describe(key)}]"
        for key in src:
            if key is dst:
                return ".keys() ∋"
    elif isinstance(src, (set, frozenset)):
        return " ∋"
    elif isinstance(src, deque):
        for i, item in enumerate(src):
            if item is dst:
                return f"[{i}]"
    elif isinstance(src, types.CellType):
        return ".cell_contents"
    elif isinstance(src, types.FunctionType):
        for attr in ("__closure__", "__defaults__", "__kwdefaults__", "__dict__"):
            if getattr(src, attr, None) is dst:
                return f".{attr}"
    elif isinstance(src, types.MethodType):
        return ".__self__" if src.__self__ is dst else ".__func__"
    if isinstance(src, weakref.ref) and getattr(src, "__callback__", None) is dst:
        return ".__callback__"
    for klass in type(src).__mro__:
        for name, descriptor in vars(klass).items():
            if isinstance(descriptor, types.MemberDescriptorType):
                try:
                    value = descriptor.__get__(src, type(src))
                except AttributeError:
                    continue
                if value is dst:
                    return f".{name}"
    attrs = _instance_dict(src)
    if attrs is not None:
        if attrs is dst:
            return ""
        for key, value in attrs.items():
            if value is dst:
                return f".{key}"
    return " ~>"  # a reference the interpreter knows of, by no name we can show


@dataclass(frozen=True)
class ReferenceCycle:
    """One reference cycle, as the objects on it and how each refers to the next.

    Attributes:
        steps: ``(description, accessor)`` pairs: the object, and the
            attribute, index or key through which it holds the next one; the
            last holds the first.
        length: how many objects the cycle goes through.
        omitted: how many steps of a long cycle are left out of ``steps``
            (they sit between the first and the second half of ``steps``).
    """

    steps: tuple[tuple[str, str], ...]
    inline: tuple[bool, ...] = field(repr=False)
    length: int = 0
    omitted: int = 0

    def parts(self) -> list[tuple[str, str]]:
        """The path as ``(text, kind)`` pieces: ``"object"``, ``"edge"``, ``"arrow"``, ``"gap"``.

        Examples:
            >>> from boughs import Node, find_cycles
            >>> root = Node("root", children=[Node("leaf")])
            >>> root.children[0].owner = root
            >>> [text for text, kind in find_cycles(root)[0].parts() if kind == "edge"]
            ['._children[0]', '.owner']

        Complexity: O(shown steps).
        """
        out: list[tuple[str, str]] = []
        gap = len(self.steps) // 2 if self.omitted else -1
        for i, (description, accessor) in enumerate(self.steps):
            if i == gap:
                out.append((" -> ", "arrow"))
                out.append((f"… {self.omitted:,} more …", "gap"))
            if i in (0, gap) or not self.inline[i]:
                if i:
                    out.append((" -> ", "arrow"))
                out.append((description, "object"))
            if accessor:
                out.append((accessor, "edge"))
        out.append((" -> ", "arrow"))
        out.append((self.steps[0][0], "object"))
        return out

    def __str__(self) -> str:
        return "".join(text for text, _ in self.parts())

    def __rich__(self) -> RenderableType:
        from rich.text import Text

        styles = {"object": "bold", "edge": "cyan", "arrow": "dim", "gap": "dim italic"}
        return Text.assemble(*[(text, styles[kind]) for text, kind in self.parts()])


@dataclass(frozen=True)
class CycleReport(Sequence[ReferenceCycle]):
    """What `find_cycles` found: a sequence of `ReferenceCycle`, falsy when empty.

    Attributes:
        start: a description of the object the search started from.
        cycles: the cycles found, in the order the search met them.
        examined: how many objects the search visited.
        truncated: ``True`` if a limit stopped the search early (more
            cycles may exist).
    """

    start: str
    cycles: tuple[ReferenceCycle, ...]
    examined: int
    truncated: bool

    @overload
    def __getitem__(self, index: int) -> ReferenceCycle: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ReferenceCycle]: ...

    def __getitem__(self, index: int | slice) -> ReferenceCycle | Sequence[ReferenceCycle]:
        return self.cycles[index]

    def __len__(self) -> int:
        return len(self.cycles)

    def __bool__(self) -> bool:
        return bool(self.cycles)

    def summary(self) -> str:
        """One line: how many cycles, from where, after examining how much.

        Examples:
            >>> from boughs import Node, find_cycles
            >>> find_cycles(Node("root", children=[Node("leaf")])).summary()
            "no reference cycle reachable from Node('root'), 2 objects examined"

        Complexity: O(1).
        """
        n = len(self.cycles)
        found = "no reference cycle" if n == 0 else f"{n} reference cycle{'s' if n > 1 else ''}"
        more = " (search stopped at a limit; there may be more)" if self.truncated else ""
        return f"{found} reachable from {self.start}, {self.examined} objects examined{more}"

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(f"  {c}" for c in self.cycles)])

    def __rich__(self) -> RenderableType:
        from rich.text import Text
        from rich.tree import Tree

        style = "bold red" if self.cycles else "bold green"
        tree = Tree(Text(self.summary(), style=style))
        for cycle in self.cycles:
            tree.add(cycle.__rich__())
        return tree


def _stop_ids() -> set[int]:
    """Namespaces not to follow: every module's globals, the builtins, boughs' registry.

    The observer registry is a module global that the weak reference
    callbacks of subscriptions also hold (to work during interpreter
    shutdown); it lives as long as the interpreter, so a path through it
    can never be garbage.
    """
    ids = {id(vars(m)) for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)}
    ids.add(id(__builtins__))
    ids.add(id(events.REGISTRY))
    return ids


def _followed(
    obj: object,
    stop: set[int],
    *,
    _referents: Any = gc.get_referents,
    _tracked: Any = gc.is_tracked,
    _skip: tuple[type, ...] = _NOT_FOLLOWED,
) -> list[object]:
    """The strong references worth following from ``obj``.

    A node's children are followed directly, without its private child
    container, and its shared family reference (a weak reference whose only
    strong referents are a label and the families above it) is skipped.
    """
    if isinstance(obj, BaseNode):
        kids = obj._children
        if kids is None:
            out = []
        elif kids.__class__ is tuple or not kids.dead:
            out = list(kids)
        else:
            out = [c for c in kids if c is not None]
        family = obj._parent_ref
        if family is not None and _tracked(family.label):
            family = None  # a tree_label() that returned an object: follow it the long way
        cls = obj.__class__
        for r in filter(_tracked, _referents(obj)):
            if r is kids or r is family or r is cls or isinstance(r, _skip) or id(r) in stop:
                continue
            out.append(r)
        return out
    if isinstance(obj, _skip):
        return []
    return [
        r
        for r in filter(_tracked, _referents(obj))
        if not isinstance(r, _skip) and id(r) not in stop
    ]


def find_cycles(obj: object, *, max_objects: int = 5_000_000, max_cycles: int = 100) -> CycleReport:
    """Find the reference cycles reachable from ``obj`` through strong references.

    The search follows what the interpreter counts as strong references
    (`gc.get_referents`): attributes, slots, items, closure cells, bound
    methods. It does not follow classes, modules, code, frames or module
    globals, which everything shares and which are cyclic by nature. Weak
    references are not followed, which is why a boughs tree, whose parents
    are weak, has none.

    Each cycle is reported once, as the path a depth-first search closed
    (one per back edge), with the accessor at every step, e.g.
    ``Node('root')._children[0] -> Node('leaf').owner -> Node('root')``.
    Every object that lies on some cycle appears in at least one report.

    Args:
        obj: where to start: a node, a tree, a cache, any object.
        max_objects: stop after visiting this many objects.
        max_cycles: stop after finding this many cycles.

    Returns:
        a `CycleReport` (empty, hence falsy, when there is no cycle).

    Examples:
        >>> from boughs import Node, find_cycles
        >>> root = Node("root", children=[Node("leaf")])
        >>> bool(find_cycles(root))
        False
        >>> root.children[0].owner = root  # a strong back-reference
        >>> print(find_cycles(root)[0])
        Node('root')._children[0] -> Node('leaf').owner -> Node('root')

    Complexity: O(objects + references reachable from ``obj``), iterative
    (no recursion, whatever the depth), O(objects) memory.
    """
    if max_objects < 1 or max_cycles < 1:
        raise ValueError(
            f"max_objects and max_cycles must be positive, not {max_objects!r}, {max_cycles!r}"
        )
    stop = _stop_ids()
    path: list[object] = [obj]
    frames: list[Iterator[object]] = [iter(_followed(obj, stop))]
    on_path: dict[int, int] = {id(obj): 0}
    done: set[int] = set()
    keep: list[object] = []  # visited objects stay alive, so their ids stay theirs
    found: list[list[object]] = []
    examined = 1
    truncated = False
    while frames:
        pushed = False
        for ref in frames[-1]:
            rid = id(ref)
            if rid in done:
                continue
            at = on_path.get(rid)
            if at is not None:
                if len(found) == max_cycles:
                    truncated = True
                    break
                found.append([*path[at:], ref])
                continue
            if examined >= max_objects:
                truncated = True
                break
            examined += 1
            onward = _followed(ref, stop)
            if not onward:  # a leaf of the reference graph: nothing to push
                done.add(rid)
                keep.append(ref)
                continue
            on_path[rid] = len(path)
            path.append(ref)
            frames.append(iter(onward))
            pushed = True
            break
        if truncated:
            break
        if not pushed:
            frames.pop()
            top = path.pop()
            del on_path[id(top)]
            done.add(id(top))
            keep.append(top)
    cycles = tuple(_label(loop) for loop in found)
    return CycleReport(_describe(obj), cycles, examined, truncated)


_SHOWN = 8
"""A long cycle shows this many steps from its start and as many before its end."""


def _label(loop: list[object]) -> ReferenceCycle:
    """Name the steps of ``loop`` (whose last item is its first again)."""
    objects = loop[:-1]
    n = len(objects)
    start = 0
    for i, o in enumerate(objects):
        if not isinstance(o, _INLINE) or isinstance(o, BaseNode):
            start = i
            break
    objects = objects[start:] + objects[:start]
    positions = [*range(_SHOWN), *range(n - _SHOWN, n)] if n > 2 * _SHOWN else list(range(n))
    steps = []
    inline = []
    for i in positions:
        src = objects[i]
        dst = objects[(i + 1) % n]
        before = objects[i - 1] if i else objects[-1]
        attribute_dict = isinstance(src, dict) and _instance_dict(before) is src
        steps.append((_describe(src), _edge(src, dst, attribute_dict)))
        inline.append(isinstance(src, _INLINE) and not isinstance(src, BaseNode))
    return ReferenceCycle(tuple(steps), tuple(inline), n, n - len(positions))


# -------------------------------------------------------------- orphans --


@dataclass(frozen=True)
class Orphan:
    """A node whose parent was collected while it lived.

    Attributes:
        node: the orphan (held strongly: re-attach it or drop it).
        parent_label: the lost parent's label, when it was known.

    Examples:
        >>> from boughs import Node, find_orphans
        >>> orphan = find_orphans([Node("page").append(Node("para"))])[0]
        >>> orphan.node, orphan.parent_label
        (Node('para'), 'page')
    """

    node: BaseNode
    parent_label: str | None

    def __str__(self) -> str:
        lost = "a parent" if self.parent_label is None else f"its parent {self.parent_label!r}"
        return f"{self.node!r} lost {lost}"


@dataclass(frozen=True)
class OrphanReport(Sequence[Orphan]):
    """What `find_orphans` found: a sequence of `Orphan`, falsy when empty.

    Attributes:
        orphans: the orphans, in the order they were given.
        examined: how many nodes were looked at.
    """

    orphans: tuple[Orphan, ...]
    examined: int

    @overload
    def __getitem__(self, index: int) -> Orphan: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Orphan]: ...

    def __getitem__(self, index: int | slice) -> Orphan | Sequence[Orphan]:
        return self.orphans[index]

    def __len__(self) -> int:
        return len(self.orphans)

    def __bool__(self) -> bool:
        return bool(self.orphans)

    def summary(self) -> str:
        """One line: how many orphans among how many nodes.

        Examples:
            >>> from boughs import Node, find_orphans
            >>> find_orphans([Node("a"), Node("b")]).summary()
            'no orphan among 2 nodes'

        Complexity: O(1).
        """
        n = len(self.orphans)
        found = "no orphan" if n == 0 else f"{n} orphan{'s' if n > 1 else ''}"
        return f"{found} among {self.examined} nodes"

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(f"  {o}" for o in self.orphans)])

    def __rich__(self) -> RenderableType:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=self.summary(), title_justify="left", show_edge=False)
        table.add_column("orphan", style="bold")
        table.add_column("lost parent", style="magenta")
        for o in self.orphans:
            lost = Text("(unknown)", style="dim") if o.parent_label is None else o.parent_label
            table.add_row(Text(repr(o.node)), lost)
        return table


def find_orphans(nodes: Iterable[BaseNode]) -> OrphanReport:
    """List the nodes, among ``nodes``, whose parent was collected while they lived.

    Such a node reads ``parent is None`` and ``parent_collected is True``:
    something dropped the last reference to its parent, and the subtree it
    still holds is a tree of its own now.

    Args:
        nodes: any iterable of nodes (a list you keep, group members, a
            side table's keys, a walk).

    Raises:
        TypeError: an item is not a node.

    Examples:
        >>> from boughs import Node, find_orphans
        >>> kept = [Node("page").append(Node("para")), Node("fine")]
        >>> print(find_orphans(kept))
        1 orphan among 2 nodes
          Node('para') lost its parent 'page'

    Complexity: O(len(nodes)).
    """
    orphans = []
    examined = 0
    for node in nodes:
        if not isinstance(node, BaseNode):
            raise TypeError(
                f"find_orphans() needs nodes, got {_describe(node)} ({type(node).__name__}); "
                "pass an iterable of boughs nodes"
            )
        examined += 1
        if node.parent_collected:
            orphans.append(Orphan(node, node.collected_parent_label))
    return OrphanReport(tuple(orphans), examined)
