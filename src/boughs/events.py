"""Mutation observers: `Mutation` records, `Subscription`s and their delivery.

``node.observe(callback)`` calls ``callback(record)`` after every successful
change to the children of ``node`` (and, with ``subtree=True``, of any of its
descendants). Records describe what users think happened: a node that leaves
one place for another is one ``"moved"`` record, not a removal plus an
addition. A call that raises changes nothing and reports nothing.

Timing and re-entrancy: records are delivered synchronously, after the whole
call has finished, in the order the call made its changes. A callback may
change the tree; the records of that nested change are queued and delivered
after the current round, so no callback ever sees records out of order and a
callback that reacts to its own changes cannot recurse without bound.

Errors: an exception in a callback cannot undo a change that is already
complete, so it does not propagate to the caller (who would then believe the
call failed); like an exception in a weak reference callback, it is passed to
`sys.unraisablehook`, which prints it by default.

Weak listeners: by default a subscription holds its callback weakly (a bound
method through `weakref.WeakMethod`), so an observer object can die without
unsubscribing; its subscription then ends silently. The pitfall is a callback
that only the subscription would hold, such as a lambda written inline:
``node.observe(lambda m: print(m))`` dies at once and never fires. Keep a
reference to it, or pass ``weak=False``. A subscription never keeps its node
alive either: when the node dies, the subscription ends.

Cost: while no subscription exists anywhere and no node class defines hooks,
a mutation pays one class-attribute test.
"""

from __future__ import annotations

import itertools
import sys
import threading
import traceback
import types
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from boughs.node import BaseNode

__all__ = ["Mutation", "Subscription"]

MutationKind = Literal["added", "removed", "moved"]


@dataclass(frozen=True)
class Mutation:
    """One change, as a record delivered to observers.

    Attributes:
        kind: ``"added"`` (it had no parent before), ``"removed"`` (it has
            none now) or ``"moved"`` (a new parent or a new position).
        node: the node that was added, removed or moved.
        parent: its parent after the call (``None`` when removed).
        index: its position after the call (``None`` when removed).
        old_parent: its parent before the call (``None`` when added).
        old_index: its position before the call (``None`` when added).

    Positions are those in the tree just before and just after the whole
    call, so a call that moves several nodes yields records whose positions
    can be checked against ``parent.children`` afterwards.
    """

    kind: MutationKind
    node: BaseNode
    parent: BaseNode | None
    index: int | None
    old_parent: BaseNode | None
    old_index: int | None


# id(node) -> that node's subscriptions, in the order they were made.
REGISTRY: dict[int, list[Subscription]] = {}
_order = itertools.count(1)


def _on_death(key: int) -> Callable[[weakref.ref[Any]], None]:
    """A weak reference callback that ends the subscriptions of node ``id == key``."""

    def died(_: weakref.ref[Any]) -> None:
        subs = REGISTRY.pop(key, None)
        if subs:
            for sub in subs:
                sub._active = False
        _update_switch()

    return died


def _update_switch() -> None:
    from boughs.node import BaseNode

    BaseNode._slow_path = bool(REGISTRY)


class Subscription:
    """A live observer registration; `cancel` it or use it as a context manager.

    Examples:
        >>> from boughs import Node
        >>> root, seen = Node("root"), []
        >>> with root.observe(seen.append, weak=False):
        ...     _ = root.append(Node("a"))
        >>> [(m.kind, m.node.name, m.index) for m in seen]
        [('added', 'a', 0)]
    """

    __slots__ = ("__weakref__", "_active", "_call", "_node_ref", "_order", "subtree")

    def __init__(
        self, node: BaseNode, callback: Callable[[Mutation], object], *, subtree: bool, weak: bool
    ) -> None:
        if not callable(callback):
            raise TypeError(f"observe() needs a callable taking a Mutation, not {callback!r}")
        self._call: Callable[[], Callable[[Mutation], object] | None] = _hold(callback, weak)
        self.subtree = bool(subtree)
        key = id(node)
        self._node_ref = weakref.ref(node, _on_death(key))
        self._active = True
        self._order = next(_order)
        REGISTRY.setdefault(key, []).append(self)
        _update_switch()

    @property
    def active(self) -> bool:
        """``True`` until cancelled, or until the node or a weak listener dies."""
        return self._active

    @property
    def node(self) -> BaseNode | None:
        """The observed node, or ``None`` once it has been collected."""
        return self._node_ref()

    def cancel(self) -> None:
        """End the subscription (idempotent). Complexity: O(subscriptions on the node)."""
        if not self._active:
            return
        self._active = False
        node = self._node_ref()
        if node is not None:
            key = id(node)
            subs = REGISTRY.get(key)
            if subs is not None:
                subs[:] = [s for s in subs if s is not self]
                if not subs:
                    del REGISTRY[key]
        _update_switch()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __repr__(self) -> str:
        state = "active" if self._active else "ended"
        return f"<Subscription {state} on {self._node_ref()!r} subtree={self.subtree}>"


def _hold(callback: Callable[[Mutation], object], weak: bool) -> Callable[[], Any]:
    """A zero-argument function returning the callback, or ``None`` once it died."""
    if not weak:
        return lambda: callback
    if isinstance(callback, types.MethodType):
        return weakref.WeakMethod(callback)
    owner = getattr(callback, "__self__", None)
    if isinstance(callback, types.BuiltinMethodType) and not isinstance(
        owner, (types.ModuleType, type(None))
    ):
        name = callback.__name__
        try:
            owner_ref = weakref.ref(owner)
        except TypeError:
            raise TypeError(
                f"observe({callback!r}) cannot hold this callback weakly: it is a method of a "
                f"{type(owner).__name__}, which cannot be weakly referenced; pass weak=False "
                "(and cancel the subscription when done)"
            ) from None

        def bound() -> Any:
            target = owner_ref()
            return None if target is None else getattr(target, name)

        return bound
    try:
        return weakref.ref(callback)
    except TypeError:
        raise TypeError(
            f"observe({callback!r}) cannot hold this callback weakly; pass weak=False "
            "(and cancel the subscription when done)"
        ) from None


# ------------------------------------------------------------- delivery --

Before = list[tuple[Any, Any, Any]]


def before(nodes: Iterable[BaseNode]) -> Before:
    """Where each node is before a change: ``(node, parent, index)``."""
    out: Before = []
    seen: set[int] = set()
    for n in nodes:
        if id(n) not in seen:
            seen.add(id(n))
            out.append((n, n.parent, n.index))
    return out


class _Delivery(threading.local):
    """Each thread delivers its own records (mutating one tree from two threads needs a lock)."""

    def __init__(self) -> None:
        self.queue: deque[tuple[Subscription, Mutation]] = deque()
        self.busy = False


_delivery = _Delivery()


def after(snapshot: Before) -> None:
    """Compare with `before`, run the hooks, and deliver records to observers."""
    records: list[Mutation] = []
    for node, old_parent, old_index in snapshot:
        parent = node.parent
        index = node.index
        if parent is old_parent and index == old_index:
            continue
        if old_parent is None:
            kind: MutationKind = "added"
        elif parent is None:
            kind = "removed"
        else:
            kind = "moved"
        records.append(Mutation(kind, node, parent, index, old_parent, old_index))
    if not records:
        return
    _run_hooks(records)
    if REGISTRY:
        _enqueue(records)


def _run_hooks(records: list[Mutation]) -> None:
    for m in records:
        node = m.node
        if m.old_parent is not None and m.old_parent is not m.parent:
            _safely(m.old_parent.on_child_removed, node)
            _safely(node.on_detached, m.old_parent)
        if m.parent is not None and m.parent is not m.old_parent:
            _safely(node.on_attached, m.parent)
            _safely(m.parent.on_child_added, node)


def _safely(hook: Callable[[Any], object], arg: object) -> None:
    try:
        hook(arg)
    except Exception as exc:  # the change is complete; report, don't pretend it failed
        message = f"Exception ignored in boughs hook or observer {hook!r}"
        if sys.unraisablehook is sys.__unraisablehook__:  # it only takes its own record type
            print(message, file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
            return
        report = types.SimpleNamespace(
            exc_type=type(exc),
            exc_value=exc,
            exc_traceback=exc.__traceback__,
            err_msg=message,
            object=hook,
        )
        sys.unraisablehook(report)


def _interested(parent: BaseNode | None, found: dict[int, Subscription]) -> None:
    if parent is None:
        return
    direct = REGISTRY.get(id(parent))
    if direct:
        for sub in direct:
            found[id(sub)] = sub
    for ancestor in parent.ancestors():
        subs = REGISTRY.get(id(ancestor))
        if subs:
            for sub in subs:
                if sub.subtree:
                    found[id(sub)] = sub


def _enqueue(records: list[Mutation]) -> None:
    state = _delivery
    queue = state.queue
    for m in records:
        found: dict[int, Subscription] = {}
        _interested(m.parent, found)
        if m.old_parent is not m.parent:
            _interested(m.old_parent, found)
        for sub in sorted(found.values(), key=lambda s: s._order):
            queue.append((sub, m))
    if state.busy:
        return  # a callback changed the tree: its records wait for this round to end
    state.busy = True
    try:
        while queue:
            sub, m = queue.popleft()
            if not sub._active:
                continue
            callback = sub._call()
            if callback is None:
                sub.cancel()
                continue
            _safely(callback, m)
    finally:
        state.busy = False
