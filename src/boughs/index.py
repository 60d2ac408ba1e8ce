"""`WeakIndex`: a live, read-only mapping key -> node over a subtree.

``WeakIndex(root, key=lambda n: n.id)`` indexes every node of ``root``'s
subtree (``root`` included) by ``key(node)`` and keeps itself current through
a mutation observer: nodes attached below ``root`` appear, nodes detached or
moved out disappear, and a dropped subtree empties out of it. It holds nodes
and the root weakly (a `weakref.WeakValueDictionary` stores the entries), and
it observes ``root`` through a weak method, so the index never keeps the tree
alive and the tree never keeps the index alive.

Duplicate keys:

* Building the index (and `WeakIndex.refresh`) raises `ValueError` naming
  the key and both nodes: an index over data that is already ambiguous is a
  bug to fix, not to paper over.
* Later, a node attached with a key that is already taken does not take it:
  the holder keeps the key (first come, first served) and the newcomer
  waits, in order, behind it. When the holder leaves the subtree, the
  oldest waiting node still in the subtree takes over. The index never maps
  a key to a node outside the subtree, and `WeakIndex.duplicates` lists the
  keys that are currently shared. (The change that made a duplicate cannot
  be refused by the index: observers run after a change is complete. To
  refuse it, veto it in ``validate_child``.)

Keys are computed when a node enters the subtree. If you change the
attribute a key is computed from, call `WeakIndex.refresh`. A ``key`` that
returns ``None`` leaves that node out of the index.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, ItemsView, Iterator, Mapping, ValuesView
from typing import Any, Generic, TypeVar

from boughs.events import Mutation, Subscription
from boughs.node import BaseNode

__all__ = ["WeakIndex"]

K = TypeVar("K", bound=Hashable)
N = TypeVar("N", bound=BaseNode)

_MISSING: Any = object()


def _describe(obj: object) -> str:
    try:
        text = repr(obj)
    except Exception:
        text = f"<{type(obj).__qualname__} object>"
    return text if len(text) <= 60 else text[:57] + "..."


class WeakIndex(Mapping[K, N], Generic[K, N]):
    """A live, read-only mapping from ``key(node)`` to node over ``root``'s subtree.

    Args:
        root: the subtree to index (``root`` itself included).
        key: computes a node's key; return ``None`` to leave a node out.
            Keys must be hashable, and should not change while indexed (or
            call `refresh`).

    Raises:
        TypeError: ``root`` is not a node, or a key is not hashable.
        ValueError: two nodes of the subtree have the same key.

    Examples:
        >>> from boughs import Node, WeakIndex
        >>> root = Node("root", children=[Node("a", id=1), Node("b", id=2)])
        >>> by_id = WeakIndex(root, key=lambda n: getattr(n, "id", None))
        >>> by_id[2].name, len(by_id)
        ('b', 2)
        >>> c = root.append(Node("c", id=3))
        >>> _ = root.children[0].detach()  # "a" leaves the subtree (and dies)
        >>> sorted(by_id), by_id[3] is c
        ([2, 3], True)

    Complexity: building is O(n); keeping up costs O(m + depth) per change
    that moves m nodes in or out of the subtree; reads are O(1).
    """

    __slots__ = (
        "__weakref__",
        "_by_key",
        "_key",
        "_key_of",
        "_root_ref",
        "_subscription",
        "_waiting",
    )

    def __init__(self, root: N, key: Callable[[N], K | None]) -> None:
        if not isinstance(root, BaseNode):
            raise TypeError(
                f"WeakIndex needs a node to index, not {_describe(root)}; "
                "pass the root of the subtree to index"
            )
        if not callable(key):
            raise TypeError(f"WeakIndex key must be a function of a node, not {_describe(key)}")
        self._key = key
        self._by_key: weakref.WeakValueDictionary[K, N] = weakref.WeakValueDictionary()
        self._key_of: dict[int, K] = {}
        self._waiting: dict[K, list[weakref.ref[N]]] = {}
        self._build(root)
        self._root_ref = weakref.ref(root, _forget(weakref.ref(self)))
        # Immediate: the index is brought up to date as each call ends, before any
        # other observer can change the tree again (and it never changes the tree).
        self._subscription = Subscription(
            root, self._on_mutation, subtree=True, weak=True, immediate=True
        )

    # ------------------------------------------------------------ build --

    def _build(self, root: N) -> None:
        """Index the whole subtree from scratch, or raise and change nothing."""
        by_key: dict[K, N] = {}
        key_of: dict[int, K] = {}
        for node in root.walk():
            k = self._key(node)
            if k is None:
                continue
            try:
                other = by_key.get(k)
            except TypeError:
                raise TypeError(
                    f"WeakIndex key {_describe(k)} of {node!r} is not hashable; "
                    "return a hashable key (a str, an int, a tuple ...) or None"
                ) from None
            if other is not None:
                raise ValueError(
                    f"WeakIndex: {other!r} and {node!r} both have the key {_describe(k)}; "
                    "make the key unique within the subtree, or return None from key() "
                    "for nodes that should not be indexed"
                )
            by_key[k] = node
            key_of[id(node)] = k
        self._by_key.clear()
        self._by_key.update(by_key)
        self._key_of = key_of
        self._waiting = {}

    def refresh(self) -> None:
        """Recompute every key (after you changed the attributes keys come from).

        Raises:
            ValueError: two nodes now have the same key (the index is then
                left as it was).

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root", children=[Node("a")])
            >>> by_name = WeakIndex(root, key=lambda n: n.name)
            >>> root.children[0].name = "renamed"
            >>> by_name.refresh()
            >>> sorted(by_name)
            ['renamed', 'root']

        Complexity: O(n).
        """
        root = self._root_ref()
        if root is not None:
            self._build(root)

    # ----------------------------------------------------- keeping up --

    def _on_mutation(self, m: Mutation) -> None:
        """Bring the nodes that ``m`` moved in line with where they are now.

        The subscription is immediate, so the tree is as the call left it;
        still, the record only says which node to look at, and the tree says
        whether it is inside ``root``'s subtree.
        """
        root = self._root_ref()
        if root is None:
            return
        node = m.node
        inside = node is root or root.is_ancestor_of(node)
        if inside != self._is_indexed(node):
            if inside:
                self._add_subtree(node)
            else:
                self._remove_subtree(node)

    def _is_indexed(self, node: BaseNode) -> bool:
        k = self._key_of.get(id(node), _MISSING)
        if k is _MISSING:
            return False
        if self._by_key.get(k) is node:
            return True
        return any(r() is node for r in self._waiting.get(k, ()))

    def _add_subtree(self, top: BaseNode) -> None:
        failure: Exception | None = None
        for node in top.walk():
            if self._is_indexed(node):
                continue
            try:
                k = self._key(node)  # type: ignore[arg-type]
                if k is None:
                    continue
                holder = self._by_key.get(k)
            except Exception as exc:  # index the others; report the first failure
                failure = failure or exc
                continue
            if holder is None:
                self._by_key[k] = node  # type: ignore[assignment]
            else:
                self._waiting.setdefault(k, []).append(weakref.ref(node))  # type: ignore[arg-type]
            self._key_of[id(node)] = k
        if failure is not None:
            raise failure  # the observer machinery passes it to sys.unraisablehook

    def _remove_subtree(self, top: BaseNode) -> None:
        for node in top.walk():
            k = self._key_of.pop(id(node), _MISSING)
            if k is _MISSING:
                continue
            if self._by_key.get(k) is node:
                del self._by_key[k]
                self._promote(k)
            else:
                queue = self._waiting.get(k)
                if queue is not None:
                    queue[:] = [r for r in queue if r() is not node and r() is not None]
                    if not queue:
                        del self._waiting[k]

    def _promote(self, k: K) -> None:
        """Give a free key to the node that has waited longest for it."""
        queue = self._waiting.get(k)
        while queue:
            node = queue.pop(0)()
            if node is not None:
                self._by_key[k] = node
                break
        if queue is not None and not queue:
            del self._waiting[k]

    # --------------------------------------------------------- mapping --

    def __getitem__(self, key: K) -> N:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._by_key
        except TypeError:  # an unhashable key is in no index
            return False

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[K]:
        """Iterate over a snapshot of the keys: nodes may die meanwhile, it never raises.

        Complexity: O(n).
        """
        return iter(list(self._by_key.keys()))

    def items(self) -> ItemsView[K, N]:
        """A view of ``(key, node)`` pairs; iterating it never raises as nodes die.

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root", children=[Node("a")])
            >>> by_name = WeakIndex(root, key=lambda n: n.name)
            >>> sorted((k, n.name) for k, n in by_name.items())
            [('a', 'a'), ('root', 'root')]

        Complexity: O(1); O(n) to iterate.
        """
        return _Items(self)

    def values(self) -> ValuesView[N]:
        """A view of the nodes; iterating it never raises as nodes die.

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root", children=[Node("a", id=1), Node("b")])
            >>> by_id = WeakIndex(root, key=lambda n: getattr(n, "id", None))
            >>> [n.name for n in by_id.values()]
            ['a']

        Complexity: O(1); O(n) to iterate.
        """
        return _Values(self)

    def _snapshot(self) -> list[tuple[K, N]]:
        return list(self._by_key.items())

    # ----------------------------------------------------------- extras --

    @property
    def root(self) -> N | None:
        """The indexed subtree's root, or ``None`` once it has been collected.

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root")
            >>> by_name = WeakIndex(root, key=lambda n: n.name)
            >>> by_name.root is root
            True
            >>> del root  # the index holds its root weakly
            >>> by_name.root is None
            True

        Complexity: O(1).
        """
        return self._root_ref()

    @property
    def active(self) -> bool:
        """``True`` while the index keeps itself current (its root is alive).

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root", children=[Node("a")])
            >>> by_name = WeakIndex(root, key=lambda n: n.name)
            >>> by_name.active
            True
            >>> del root  # the tree dies, and the index empties out
            >>> by_name.active, len(by_name)
            (False, 0)

        Complexity: O(1).
        """
        return self._subscription.active

    def duplicates(self) -> dict[K, list[N]]:
        """The keys that several nodes of the subtree share: key -> [holder, waiting ...].

        Examples:
            >>> from boughs import Node, WeakIndex
            >>> root = Node("root", children=[Node("a")])
            >>> by_name = WeakIndex(root, key=lambda n: n.name)
            >>> first = root.children[0]
            >>> twin = root.append(Node("a"))  # "a" is taken: the twin waits
            >>> by_name["a"] is first, by_name.duplicates() == {"a": [first, twin]}
            (True, True)
            >>> _ = first.detach()  # the holder leaves: the twin takes over
            >>> by_name["a"] is twin, by_name.duplicates()
            (True, {})

        Complexity: O(number of waiting nodes).
        """
        out: dict[K, list[N]] = {}
        for k, queue in list(self._waiting.items()):
            waiting = [n for n in (r() for r in queue) if n is not None]
            holder = self._by_key.get(k)
            if waiting and holder is not None:
                out[k] = [holder, *waiting]
        return out

    def __repr__(self) -> str:
        root = self._root_ref()
        where = "a collected root" if root is None else repr(root)
        return f"<WeakIndex over {where}: {len(self)} keys>"

    def __reduce__(self) -> Any:
        raise TypeError(
            "a WeakIndex cannot be pickled: it is a live view of a tree; "
            "pickle the tree and build a new index over the copy"
        )


def _forget(index_ref: weakref.ref[WeakIndex[Any, Any]]) -> Callable[[object], None]:
    """When the root dies, drop the bookkeeping (the entries vanish on their own)."""

    def forget(_: object) -> None:
        index = index_ref()
        if index is not None:
            index._key_of.clear()
            index._waiting.clear()

    return forget


class _Items(ItemsView[K, N]):
    __slots__ = ("_index",)

    def __init__(self, index: WeakIndex[K, N]) -> None:
        super().__init__(index)
        self._index = index

    def __iter__(self) -> Iterator[tuple[K, N]]:
        return iter(self._index._snapshot())


class _Values(ValuesView[N]):
    __slots__ = ("_index",)

    def __init__(self, index: WeakIndex[Any, N]) -> None:
        super().__init__(index)
        self._index = index

    def __iter__(self) -> Iterator[N]:
        for _, node in self._index._snapshot():
            yield node
