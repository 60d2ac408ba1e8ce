"""Copying, pickling and structural comparison of subtrees, without recursion.

* `copy.copy(node)` gives a detached, childless copy of the node's own
  attributes; `node.copy()` and `copy.deepcopy(node)` give a detached deep
  copy of the subtree, in which references between nodes of the subtree
  point to the copies (weak ones too).
* `pickle` saves a subtree as one flat list of nodes plus an array of parent
  positions, so neither saving nor loading recurses along the tree's depth;
  node identity is kept within one pickle, and the parent of the pickled
  node is not saved. A weak reference to a node outside the subtrees being
  pickled is saved as a collected one, never by saving that node's tree.
* `same_shape` compares two subtrees position by position.

The cyclic garbage collector is paused while a copy or an unpickled tree is
assembled: boughs trees hold no reference cycles, and the collector's
repeated scans of a growing tree would cost more than the build itself.
"""

from __future__ import annotations

import copy as _copy
import gc
import sys
import threading
import weakref
from array import array
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from boughs import _storage
from boughs.traversal import preorder

if TYPE_CHECKING:
    from boughs.node import BaseNode

__all__ = ["same_shape"]

N = TypeVar("N", bound="BaseNode")

_INTERNAL = frozenset({"__weakref__", "__dict__", "_children", "_index", "_parent_ref"})
_SLOTS: dict[type, tuple[str, ...]] = {}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk build (refcounting still frees)."""
    was = gc.isenabled()
    if was:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _user_slots(cls: type) -> tuple[str, ...]:
    names = _SLOTS.get(cls)
    if names is None:
        found: list[str] = []
        for klass in reversed(cls.__mro__):
            slots = klass.__dict__.get("__slots__", ())
            if isinstance(slots, str):
                slots = (slots,)
            for s in slots:
                if s in _INTERNAL:
                    continue
                if s.startswith("__") and not s.endswith("__"):
                    s = f"_{klass.__name__.lstrip('_')}{s}"
                if s not in found:
                    found.append(s)
        names = tuple(found)
        _SLOTS[cls] = names
    return names


if sys.version_info >= (3, 11):

    def _instance_dict(node: object) -> dict[str, Any] | None:
        state: Any = object.__getstate__(node)
        if isinstance(state, tuple):
            state = state[0]
        return state  # type: ignore[no-any-return]

    def _overrides_getstate(cls: type) -> bool:
        return cls.__getstate__ is not object.__getstate__  # type: ignore[comparison-overlap]

else:  # pragma: no cover - Python 3.10

    def _instance_dict(node: object) -> dict[str, Any] | None:
        return getattr(node, "__dict__", None) or None

    def _overrides_getstate(cls: type) -> bool:
        return hasattr(cls, "__getstate__")


def raw_state(node: object) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The node's own attributes: ``(instance dict or None, slot values or None)``."""
    cls = type(node)
    names = _SLOTS.get(cls)
    if names is None:
        names = _user_slots(cls)
    slots: dict[str, Any] | None = None
    if names:
        slots = {}
        get = object.__getattribute__
        for name in names:
            try:
                slots[name] = get(node, name)
            except AttributeError:
                pass
    attrs = _instance_dict(node) if cls.__dictoffset__ else None
    return attrs, slots or None


def set_state(node: object, state: Any) -> None:
    """Restore attributes saved by `raw_state` (or a plain attribute dict)."""
    if state is None:
        return
    if isinstance(state, tuple) and len(state) == 2:
        attrs, slots = state
    else:
        attrs, slots = state, None
    setter = object.__setattr__
    if slots:
        for key, value in slots.items():
            setter(node, key, value)
    if attrs:
        for key, value in attrs.items():
            setter(node, key, value)


def new_node(cls: type[N]) -> N:
    """An empty, unlinked instance of ``cls``: for copies, and for unpickling."""
    node = cls.__new__(cls)
    node._parent_ref = None
    node._children = None  # (``_index`` is set when the node is linked under a parent)
    return node


# ------------------------------------------------------------- copying --


def shallow_copy(node: N) -> N:
    """A detached, childless copy sharing ``node``'s attribute values."""
    twin = new_node(type(node))
    if _overrides_getstate(type(node)):
        twin.__setstate__(node.__getstate__())
        return twin
    attrs, slots = raw_state(node)
    set_state(twin, (dict(attrs) if attrs else None, slots))
    return twin


_ATOMIC = frozenset({type(None), bool, int, float, complex, str, bytes, range, type})


def _copy_value(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is weakref.ref:
        target = value()
        if target is not None:
            twin = memo.get(id(target))
            if twin is not None:
                return weakref.ref(twin)
        return value
    return _copy.deepcopy(value, memo)


def _copy_state(original: BaseNode, twin: BaseNode, memo: dict[int, Any]) -> None:
    if _overrides_getstate(type(original)):
        twin.__setstate__(_copy.deepcopy(original.__getstate__(), memo))
        return
    attrs, slots = raw_state(original)
    if slots:
        for key, value in slots.items():
            object.__setattr__(twin, key, _copy_value(value, memo))
    if attrs:
        for key, value in attrs.items():
            object.__setattr__(twin, key, _copy_value(value, memo))


def deep_copy(node: N, memo: dict[int, Any]) -> N:
    """A detached deep copy of ``node``'s subtree; see the module docstring."""
    done = memo.get(id(node))
    if done is not None:
        return done  # type: ignore[no-any-return]
    with gc_paused():
        fresh: list[BaseNode] = []
        twins: list[BaseNode] = []
        families: list[tuple[BaseNode, list[BaseNode]]] = []
        reused: list[BaseNode] = []
        keep = memo.setdefault(id(memo), [])  # deepcopy's keep-alive list
        stack: list[BaseNode] = [node]
        siblings_stack: list[list[BaseNode] | None] = [None]
        pop, pop_siblings = stack.pop, siblings_stack.pop
        while stack:
            original = pop()
            siblings = pop_siblings()
            twin = memo.get(id(original))
            if twin is not None and twin._parent_ref is None and siblings is not None:
                reused.append(twin)  # copied earlier in this deepcopy, now gets a parent
            elif twin is None or twin._parent_ref is not None:
                cls = type(original)
                twin = cls.__new__(cls)
                twin._parent_ref = None
                twin._children = None
                twin._index = 0
                memo[id(original)] = twin
                fresh.append(original)
                twins.append(twin)
                kids = original._children
                if kids is not None:
                    live = _storage.live(kids)
                    mine: list[BaseNode] = []
                    families.append((twin, mine))
                    stack.extend(reversed(live))
                    siblings_stack.extend([mine] * len(live))
            if siblings is not None:
                siblings.append(twin)
        keep.extend(fresh)
        for original, twin in zip(fresh, twins):
            _copy_state(original, twin, memo)
        for parent, kids_list in families:
            fam = _storage.new_family(parent)
            for k in kids_list:
                k._parent_ref = fam
            _storage.store(parent, kids_list)
        for twin in reused:  # their own families were made while they were roots
            _storage.set_parent_ref(twin, twin._parent_ref)
    return memo[id(node)]  # type: ignore[no-any-return]


# ------------------------------------------------------------- pickling --

_local = threading.local()


def _marked() -> set[int]:
    marked: set[int] | None = getattr(_local, "marked", None)
    if marked is None:
        marked = _local.marked = set()
    return marked


def _inside() -> list[Container[int]]:
    """The node ids of each subtree being pickled right now (nested pickles stack up)."""
    inside: list[Container[int]] | None = getattr(_local, "inside", None)
    if inside is None:
        inside = _local.inside = []
    return inside


def _leave(ids: Container[int]) -> None:
    inside = _inside()
    for i in range(len(inside) - 1, -1, -1):
        if inside[i] is ids:
            del inside[i]
            return


class _WeakBox:
    """A picklable stand-in for a weak reference found among a node's attributes."""

    __slots__ = ("target",)

    def __init__(self, target: object) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return (_unbox_weak, (self.target,))


def _unbox_weak(target: object) -> weakref.ref[Any]:
    if target is None:
        return weakref.ref(_storage._Gone())  # a reference that reads as collected
    return weakref.ref(target)


def _weak_box(ref: weakref.ref[Any]) -> _WeakBox:
    """Box a weak reference; one to a node outside the pickled subtrees is saved dead.

    Saving such a node would drag its whole tree into the pickle (often the
    tree the pickled subtree came from, which would then come back as the
    collected parent of the subtree); a weak reference never owned it anyway.
    """
    from boughs.node import BaseNode

    target = ref()
    if isinstance(target, BaseNode):
        key = id(target)
        if not any(key in ids for ids in _inside()):
            target = None
    return _WeakBox(target)


def _box(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each weak reference boxed (see `_WeakBox`)."""
    return {k: (_weak_box(v) if type(v) is _REF else v) for k, v in values.items()}


_REF = weakref.ref


def _user_state(node: BaseNode) -> Any:
    if _overrides_getstate(type(node)):
        return node.__getstate__()
    attrs, slots = raw_state(node)
    if attrs is None and slots is None:
        return None
    # Weak references are boxed; looking for one is C work, a call is not.
    if attrs and _REF in map(type, attrs.values()):
        attrs = _box(attrs)
    if slots and _REF in map(type, slots.values()):
        slots = _box(slots)
    return (attrs, slots)


class _Descendants:
    """Pickles as a plain list: the descendants, marking each just before it is
    saved, then the top node's own state, all while the subtree counts as inside."""

    __slots__ = ("ids", "nodes", "top")

    def __init__(self, top: BaseNode, nodes: list[BaseNode], ids: Container[int]) -> None:
        self.top = top
        self.nodes = nodes
        self.ids = ids

    def __reduce__(self) -> Any:
        return (list, (), None, _marking(self.top, self.nodes, self.ids))


def _marking(top: BaseNode, nodes: list[BaseNode], ids: Container[int]) -> Iterator[Any]:
    marked = _marked()
    pending: list[int] = []
    _inside().append(ids)
    try:
        for n in nodes:
            key = id(n)
            marked.add(key)
            pending.append(key)
            yield n
        yield _user_state(top)
    finally:
        for key in pending:
            marked.discard(key)
        _leave(ids)


def reduce_node(node: BaseNode, protocol: Any = None) -> Any:
    """``BaseNode.__reduce_ex__``: flat, so no recursion along the tree's depth.

    The same for every ``protocol``.
    """
    marked = _marked()
    key = id(node)
    if key in marked:
        marked.discard(key)
        return (new_node, (type(node),), _user_state(node))
    if node._children is None:
        ids = (key,)
        _inside().append(ids)
        try:
            return (new_node, (type(node),), _user_state(node))
        finally:
            _leave(ids)
    nodes = list(preorder(node))
    position = {id(n): i for i, n in enumerate(nodes)}
    parents = array("q", [position[id(n.parent)] for n in nodes[1:]])
    state = (_Descendants(node, nodes[1:], position), parents.tobytes())
    return (new_node, (type(node),), state, None, None, _set_tree_state)


def _set_tree_state(top: BaseNode, state: Any) -> None:
    saved, raw_parents = state
    if not saved:
        raise ValueError("corrupt boughs pickle: the node list is empty")
    descendants, user_state = saved[:-1], saved[-1]
    if user_state is not None:
        top.__setstate__(user_state)
    parents = array("q")
    parents.frombytes(raw_parents)
    if len(parents) != len(descendants):
        raise ValueError("corrupt boughs pickle: the parent table does not match the nodes")
    everyone: list[BaseNode] = [top, *descendants]
    families: dict[int, list[BaseNode]] = {}
    with gc_paused():
        for i, p in enumerate(parents):
            if not 0 <= p <= i:
                raise ValueError(f"corrupt boughs pickle: node {i + 1} names parent {p}")
            families.setdefault(p, []).append(descendants[i])
        for p, kids in families.items():
            parent = everyone[p]
            fam = _storage.new_family(parent)
            for k in kids:
                k._parent_ref = fam
            _storage.store(parent, kids)


# ------------------------------------------------------------ comparing --


def same_shape(a: BaseNode, b: BaseNode, *, key: Callable[[Any], Any] | None = None) -> bool:
    """``True`` iff the subtrees of ``a`` and ``b`` have the same shape.

    With ``key``, the nodes at each position must also have equal
    ``key(node)``. Identity never matters: compare a tree with its copy.

    Examples:
        >>> from boughs import Node
        >>> a = Node("r", children=[Node("x")])
        >>> same_shape(a, a.copy()), same_shape(a, Node("r"))
        (True, False)
        >>> same_shape(a, Node("r", children=[Node("y")]), key=lambda n: n.name)
        False

    Complexity: O(n).
    """
    from boughs.node import BaseNode

    for value in (a, b):
        if not isinstance(value, BaseNode):
            raise TypeError(f"same_shape() compares two nodes, got {value!r}")
    if key is not None and not callable(key):
        raise TypeError(f"key must be a callable taking a node, not {key!r}")
    stack: list[tuple[BaseNode, BaseNode]] = [(a, b)]
    while stack:
        x, y = stack.pop()
        if key is not None and key(x) != key(y):
            return False
        kx = _storage.live(x._children)
        ky = _storage.live(y._children)
        if len(kx) != len(ky):
            return False
        stack.extend(zip(kx, ky))
    return True
