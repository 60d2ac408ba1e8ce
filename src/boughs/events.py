"""Mutation observers: `Mutation` records, `Subscription`s and their delivery.

``node.observe(callback)`` calls ``callback(record)`` after every successful
change to the children of ``node`` (and, with ``subtree=True``, of any of its
descendants). A record goes to the observers of the node's old place, as it
was before the call, and of its new place, as the call leaves it. Records
describe what users think happened: a node that leaves one place for another
is one ``"moved"`` record, not a removal plus an addition. A call that raises
changes nothing and reports nothing.

Timing and re-entrancy: records are delivered synchronously, after the whole
call has finished, in the order the call made its changes. Who receives a
record is decided as the call finishes (from where the node was before the
call and where it is after). The subclass hooks run first, record
by record (``old_parent.on_child_removed``, ``node.on_detached``, then
``node.on_attached``, ``parent.on_child_added``), then the observers. A hook
or a callback may change the tree; the hooks of that nested change run at
once, but its records are queued and delivered after the current round, so no
callback ever sees records out of order and a callback that reacts to its
own changes cannot recurse without bound.

Errors: an exception in a callback cannot undo a change that is already
complete, so it does not propagate to the caller (who would then believe the
call failed); like an exception in a weak reference callback, it is passed to
`sys.unraisablehook`, which prints it by default.

Weak listeners: by default a subscription holds its callback weakly (a bound
method through `weakref.WeakMethod`), so an observer object can die without
unsubscribing; its subscription then ends at once, silently. The pitfall is
a callback that only the subscription would hold, such as an inline lambda:
``node.observe(lambda m: print(m))`` dies at once and never fires (its
subscription reads ``active == False`` as soon as ``observe`` returns). Keep a
reference to it, or pass ``weak=False``. A subscription never keeps its node
alive either: when the node dies, the subscription ends.

Cost: while no subscription exists anywhere and no node class defines hooks,
a mutation pays a class-attribute test or two (measurable only on the
cheapest operation, appending a leaf). One subscription anywhere sends
every mutation of every tree down the slower, observed path (see
``benchmarks/observers_overhead.py``); cancel subscriptions you no longer need.

Immediate subscriptions (``Subscription(..., immediate=True)``, used by
`boughs.WeakIndex`) are for bookkeeping that must never lag behind the tree:
they receive each record as soon as its call ends, before the hooks and
before any queued record, while the tree is exactly as the call left it.
Their callbacks must not change the tree.

Threads: subscribing and cancelling are safe from any thread. Records are
delivered in the thread that made the change, to callbacks that run while
that thread still holds whatever lock guards the tree.
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
from typing import TYPE_CHECKING, Any, ClassVar, Literal

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

    Examples:
        >>> from boughs import Node
        >>> root, seen = Node("root", children=[Node("a"), Node("b")]), []
        >>> sub = root.observe(seen.append, weak=False)
        >>> _ = root.children[1].move_to(root, 0)
        >>> m = seen[0]
        >>> m.kind, m.node.name, m.parent.name, m.old_index, m.index
        ('moved', 'b', 'root', 1, 0)
        >>> sub.cancel()
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
_lock = threading.RLock()
"""Held while REGISTRY and the switch change together, so that two threads
(or a weak reference callback) cannot leave the switch off while a
subscription exists. Re-entrant: a callback may fire inside a locked region."""


_switch: list[Any] = []
"""``[boughs.node]`` once known (boughs.node imports this module, so not at import
time). The switch is its module global ``_observed``, which the mutation fast
paths read."""


def _update_switch(
    registry: dict[int, list[Subscription]] = REGISTRY,
    lock: threading.RLock = _lock,
    switch: list[Any] = _switch,
) -> None:
    """Turn the observed path on iff a subscription exists.

    Its references are bound as defaults, as are those of the weak reference
    callbacks below, so that nodes dying while the interpreter shuts down
    (and module globals are cleared) still end their subscriptions quietly.
    """
    if not switch:
        from boughs import node

        switch.append(node)
    with lock:
        switch[0]._observed = bool(registry)


def _ended() -> None:
    """The listener of an ended subscription: none."""


def _on_death(key: int) -> Callable[[weakref.ref[Any]], None]:
    """A weak reference callback that ends the subscriptions of node ``id == key``."""

    def died(
        _: weakref.ref[Any],
        registry: dict[int, list[Subscription]] = REGISTRY,
        lock: threading.RLock = _lock,
        update: Callable[[], None] = _update_switch,
        ended: Callable[[], None] = _ended,
    ) -> None:
        with lock:
            subs = registry.pop(key, None)
            if subs:
                for sub in subs:
                    sub._active = False
                    sub._call = ended  # let go of a strongly held listener
            update()

    return died


def _on_listener_death(sub_ref: weakref.ref[Subscription]) -> Callable[[object], None]:
    """A weak reference callback that cancels a subscription once its listener dies.

    It holds the subscription weakly: the subscription holds this callback
    (through its weak reference to the listener), and a strong link back
    would be a reference cycle.
    """

    def died(_: object) -> None:
        sub = sub_ref()
        if sub is not None:
            sub.cancel()

    return died


class Subscription:
    """A live observer registration; `cancel` it or use it as a context manager.

    Made by `BaseNode.observe`, which is how you should subscribe.

    Args:
        node: the observed node (held weakly).
        callback: called with each `Mutation`.
        subtree: also hear of changes below ``node``'s children.
        weak: hold ``callback`` weakly (see the module notes).
        immediate: deliver each record as soon as its call ends, before the
            hooks and before queued records (for bookkeeping such as
            `boughs.WeakIndex`; such a callback must not change the tree).

    Examples:
        >>> from boughs import Node
        >>> root, seen = Node("root"), []
        >>> with root.observe(seen.append, weak=False):
        ...     _ = root.append(Node("a"))
        >>> [(m.kind, m.node.name, m.index) for m in seen]
        [('added', 'a', 0)]
    """

    __slots__ = ("__weakref__", "_active", "_call", "_immediate", "_node_ref", "_order", "subtree")

    # Bound here so that `cancel` still works while the interpreter shuts down.
    _registry: ClassVar[dict[int, list[Subscription]]] = REGISTRY
    _lock: ClassVar[threading.RLock] = _lock
    _ended = staticmethod(_ended)
    _update_switch = staticmethod(_update_switch)

    def __init__(
        self,
        node: BaseNode,
        callback: Callable[[Mutation], object],
        *,
        subtree: bool,
        weak: bool,
        immediate: bool = False,
    ) -> None:
        if not callable(callback):
            raise TypeError(f"observe() needs a callable taking a Mutation, not {callback!r}")
        key = id(node)
        self._node_ref = weakref.ref(node, _on_death(key))
        self._active = True
        self._call: Callable[[], Callable[[Mutation], object] | None] = _hold(
            callback, weak, _on_listener_death(weakref.ref(self))
        )
        self.subtree = bool(subtree)
        self._immediate = bool(immediate)
        self._order = next(_order)
        with _lock:
            REGISTRY.setdefault(key, []).append(self)
            _update_switch()

    @property
    def active(self) -> bool:
        """``True`` until cancelled, or until the node or a weak listener dies.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> sub = root.observe(print, weak=False)
            >>> sub.active
            True
            >>> sub.cancel()
            >>> sub.active
            False

        Complexity: O(1).
        """
        return self._active

    @property
    def node(self) -> BaseNode | None:
        """The observed node, or ``None`` once it has been collected.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> sub = root.observe(print, weak=False)
            >>> sub.node is root
            True
            >>> del root  # the last reference: the node dies at once
            >>> sub.node is None, sub.active
            (True, False)

        Complexity: O(1).
        """
        return self._node_ref()

    def cancel(self) -> None:
        """End the subscription and let go of the listener (idempotent).

        Examples:
            >>> from boughs import Node
            >>> root, seen = Node("root"), []
            >>> sub = root.observe(seen.append, weak=False)
            >>> sub.cancel()
            >>> _ = root.append(Node("a"))
            >>> seen, sub.active
            ([], False)

        Complexity: O(subscriptions on the node).
        """
        with self._lock:
            if not self._active:
                return
            self._active = False
            self._call = self._ended  # let go of a strongly held listener
            node = self._node_ref()
            if node is not None:
                key = id(node)
                subs = self._registry.get(key)
                if subs is not None:
                    subs[:] = [s for s in subs if s is not self]
                    if not subs:
                        del self._registry[key]
            self._update_switch()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __repr__(self) -> str:
        state = "active" if self._active else "ended"
        return f"<Subscription {state} on {self._node_ref()!r} subtree={self.subtree}>"


def _hold(
    callback: Callable[[Mutation], object], weak: bool, on_death: Callable[[Any], None]
) -> Callable[[], Any]:
    """A zero-argument function returning the callback, or ``None`` once it died.

    ``on_death`` is called when a weakly held callback dies.
    """
    if not weak:
        return lambda: callback
    if isinstance(callback, types.MethodType):
        try:
            return weakref.WeakMethod(callback, on_death)
        except TypeError:
            raise TypeError(
                f"observe({callback!r}) cannot hold this method weakly: its object, a "
                f"{type(callback.__self__).__name__}, cannot be weakly referenced (add "
                '"__weakref__" to its __slots__), or pass weak=False '
                "(and cancel the subscription when done)"
            ) from None
    owner = getattr(callback, "__self__", None)
    if isinstance(callback, types.BuiltinMethodType) and not isinstance(
        owner, (types.ModuleType, type(None))
    ):
        name = callback.__name__
        try:
            owner_ref = weakref.ref(owner, on_death)
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
        return weakref.ref(callback, on_death)
    except TypeError:
        raise TypeError(
            f"observe({callback!r}) cannot hold this callback weakly; pass weak=False "
            "(and cancel the subscription when done)"
        ) from None


# ------------------------------------------------------------- delivery --

Interest = dict[int, "Subscription"]
Before = list[tuple[Any, Any, Any, Interest | None]]


def before(nodes: Iterable[BaseNode]) -> Before:
    """Where each node is before a change: ``(node, parent, index, interest)``.

    ``interest`` holds the subscriptions that watch the node's old place,
    found now: by the end of a call that moves several nodes, that place may
    have left an observed subtree along with one of them, yet the observer
    must still hear that the node left.
    """
    out: Before = []
    seen: set[int] = set()
    watched = bool(REGISTRY)
    by_parent: dict[int, Interest] = {}
    for n in nodes:
        if id(n) in seen:
            continue
        seen.add(id(n))
        parent = n.parent
        interest = None
        if watched and parent is not None:
            interest = by_parent.get(id(parent))
            if interest is None:
                interest = by_parent[id(parent)] = {}
                _interested(parent, interest)
        out.append((n, parent, n.index, interest))
    return out


class _Delivery(threading.local):
    """Each thread delivers its own records (mutating one tree from two threads needs a lock)."""

    def __init__(self) -> None:
        self.queue: deque[tuple[Subscription, Mutation]] = deque()
        self.busy = False


_delivery = _Delivery()


Change = tuple[Any, Any, Any, Any, Any, "Interest | None"]
"""``(node, parent, index, old_parent, old_index, interest)`` for a node that moved."""


def after(snapshot: Before) -> None:
    """Compare with `before`, run the hooks, and deliver records to observers."""
    changes: list[Change] = []
    for node, old_parent, old_index, interest in snapshot:
        parent = node.parent
        index = node.index
        if parent is not old_parent or index != old_index:
            changes.append((node, parent, index, old_parent, old_index, interest))
    if not changes:
        return
    state = _delivery
    if REGISTRY:
        now: list[tuple[Subscription, Mutation]] = []
        _enqueue(changes, state.queue, now)
        for sub, m in now:
            _deliver(sub, m)
    _hooks_then_queue(changes)


def notify(node: BaseNode, old_parent: BaseNode | None, parent: BaseNode | None) -> None:
    """Run the hooks of one change of parent that no observer watches.

    The lean sibling of `after`, for a call that moved one node and knows
    where from: no snapshot, no positions, no records; the same hooks in the
    same order, and the same rule for changes that the hooks make.
    """
    _hooks_then_queue([(node, parent, None, old_parent, None, None)])


def _hooks_then_queue(changes: list[Change]) -> None:
    """Run the hooks of ``changes``; then, unless a delivery round is already under
    way in this thread, deliver what the hooks' own changes queued."""
    state = _delivery
    if state.busy:
        _run_hooks(changes)  # a nested change: its records wait for the current round
        return
    state.busy = True
    try:
        _run_hooks(changes)
        if state.queue:
            _drain(state.queue)
    finally:
        state.busy = False
        state.queue.clear()  # non-empty only if a BaseException stopped the delivery


_DEFAULT_HOOKS: dict[str, Any] = {}
"""BaseNode's own (empty) hooks, which `_run_hooks` skips rather than calls."""


def _run_hooks(changes: list[Change]) -> None:
    defaults = _DEFAULT_HOOKS
    if not defaults:
        from boughs.node import BaseNode

        for name in ("on_attached", "on_detached", "on_child_added", "on_child_removed"):
            defaults[name] = getattr(BaseNode, name)
    for node, parent, _, old_parent, _, _ in changes:
        if parent is old_parent:
            continue
        if old_parent is not None:
            if type(old_parent).on_child_removed is not defaults["on_child_removed"]:
                _safely(old_parent.on_child_removed, node)
            if type(node).on_detached is not defaults["on_detached"]:
                _safely(node.on_detached, old_parent)
        if parent is not None:
            if type(node).on_attached is not defaults["on_attached"]:
                _safely(node.on_attached, parent)
            if type(parent).on_child_added is not defaults["on_child_added"]:
                _safely(parent.on_child_added, node)


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


def _interested(parent: BaseNode | None, found: Interest) -> None:
    """Add the subscriptions that watch ``parent``'s children (directly or as a subtree)."""
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


def _enqueue(
    changes: list[Change],
    queue: deque[tuple[Subscription, Mutation]],
    now: list[tuple[Subscription, Mutation]],
) -> None:
    """Queue a record of each change for the subscriptions it concerns (immediate: ``now``).

    A change concerns the watchers of the node's old place as it was before
    the call (found by `before`) and of its new place as the call leaves it.
    A change that concerns nobody makes no record.
    """
    for node, parent, index, old_parent, old_index, old in changes:
        found: Interest = {}
        _interested(parent, found)
        if old is None:  # not looked up before the call (nobody was subscribed then)
            _interested(old_parent, found)
        else:
            found.update(old)
        if not found:
            continue
        if old_parent is None:
            kind: MutationKind = "added"
        elif parent is None:
            kind = "removed"
        else:
            kind = "moved"
        m = Mutation(kind, node, parent, index, old_parent, old_index)
        for sub in sorted(found.values(), key=_by_order):
            (now if sub._immediate else queue).append((sub, m))


def _by_order(sub: Subscription) -> int:
    return sub._order


def _deliver(sub: Subscription, m: Mutation) -> None:
    if not sub._active:
        return
    callback = sub._call()
    if callback is None:
        sub.cancel()
        return
    _safely(callback, m)


def _drain(queue: deque[tuple[Subscription, Mutation]]) -> None:
    while queue:
        sub, m = queue.popleft()
        _deliver(sub, m)
