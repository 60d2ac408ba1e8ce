"""Side tables: data about nodes, stored beside them, that never keeps a node alive.

`NodeData` is a mapping from node to value with `weakref.WeakKeyDictionary`
semantics (an entry vanishes when its node dies) that never calls a node's
``__hash__`` or ``__eq__``: entries are keyed by identity, and one weak
reference per entry removes it when its node is collected. Use it for what
is computed *about* nodes (scope information for AST nodes, layout boxes for
DOM nodes, cached world transforms) without adding attributes to the nodes
or keeping dropped subtrees alive.

Values are held strongly, as by `WeakKeyDictionary`: a value that refers to
its own node keeps that node alive for as long as the table lives.
"""

from __future__ import annotations

import reprlib
import weakref
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Any, Generic, TypeVar, cast, overload

__all__ = ["NodeData"]

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

_MISSING: Any = object()


class _Entry(weakref.ref):  # type: ignore[type-arg]
    """One entry: a weak reference to the node that also carries its value."""

    __slots__ = ("key", "value")

    key: int
    value: Any


def _remover(table_ref: weakref.ref[NodeData[Any, Any]]) -> Callable[[_Entry], None]:
    """The weak reference callback of a table's entries (holds the table weakly)."""

    def remove(entry: _Entry) -> None:
        table = table_ref()
        if table is not None and table._entries.get(entry.key) is entry:
            del table._entries[entry.key]

    return remove


class NodeData(MutableMapping[K, V], Generic[K, V]):
    """A mapping node -> value that forgets a node when it dies; keyed by identity.

    Like `weakref.WeakKeyDictionary`, but it never calls a key's
    ``__hash__`` or ``__eq__`` (nodes with a raising or structural ``__hash__``
    are fine), and iterating it while nodes die never raises. Any object
    that supports weak references can be a key.

    Args:
        items: initial ``(node, value)`` pairs, or a mapping.
        factory: if given, reading a missing node computes
            ``factory(node)``, stores it and returns it (``get`` and ``in``
            never compute).

    Examples:
        >>> import gc
        >>> from boughs import Node, NodeData
        >>> root = Node("root", children=[Node("a"), Node("b")])
        >>> width = NodeData(factory=lambda n: len(n.name) * 8)
        >>> width[root], len(width)
        (32, 1)
        >>> a = root.children[0]
        >>> width[a] = 100
        >>> len(width)
        2
        >>> a.detach() is a
        True
        >>> del a  # the last reference: "a" dies, and its entry with it
        >>> len(width)
        1

    Complexity: O(1) per read, write or delete; O(n) to iterate (over a
    snapshot of the entries taken when iteration starts; a node that dies
    before the loop reaches it is skipped).
    """

    __slots__ = ("__weakref__", "_entries", "_remove", "factory")

    def __init__(
        self,
        items: Mapping[K, V] | Iterable[tuple[K, V]] = (),
        *,
        factory: Callable[[K], V] | None = None,
    ) -> None:
        self._entries: dict[int, _Entry] = {}
        self._remove = _remover(weakref.ref(self))
        self.factory = factory
        if items:
            self.update(items)

    # ------------------------------------------------------ the mapping --

    def _entry(self, node: object) -> _Entry | None:
        entry = self._entries.get(id(node))
        if entry is None or entry() is not node:
            return None
        return entry

    def __getitem__(self, node: K) -> V:
        entry = self._entry(node)
        if entry is not None:
            return cast("V", entry.value)
        if self.factory is None:
            raise KeyError(node)
        value = self.factory(node)
        self[node] = value
        return value

    def __setitem__(self, node: K, value: V) -> None:
        entry = self._entry(node)
        if entry is None:
            key = id(node)
            try:
                entry = _Entry(node, self._remove)
            except TypeError:
                raise TypeError(
                    f"NodeData keys must support weak references; {type(node).__name__} "
                    "objects do not: add '__weakref__' to the class's __slots__, or keep "
                    "this data in a plain dict"
                ) from None
            entry.key = key
            self._entries[key] = entry
        entry.value = value

    def __delitem__(self, node: K) -> None:
        entry = self._entry(node)
        if entry is None:
            raise KeyError(node)
        del self._entries[entry.key]

    def __contains__(self, node: object) -> bool:
        return self._entry(node) is not None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[K]:
        for node, _ in self._live():
            yield node

    def _live(self) -> Iterator[tuple[K, V]]:
        """The entries alive when reached, over a snapshot of the table (never raises)."""
        for entry in list(self._entries.values()):
            node = entry()
            if node is not None:
                yield node, entry.value

    def _snapshot(self) -> list[tuple[K, V]]:
        """The live entries, as strong ``(node, value)`` pairs."""
        out = []
        for entry in list(self._entries.values()):
            node = entry()
            if node is not None:
                out.append((node, entry.value))
        return out

    def keys(self) -> KeysView[K]:
        """A view of the live nodes.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a, b = Node("a"), Node("b")
            >>> sizes = NodeData([(a, 1), (b, 2)])
            >>> [n.name for n in sizes.keys()]
            ['a', 'b']

        Complexity: O(1); O(n) to iterate.
        """
        return KeysView(self)

    def items(self) -> ItemsView[K, V]:
        """A view of the live ``(node, value)`` pairs.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a, b = Node("a"), Node("b")
            >>> sizes = NodeData([(a, 1), (b, 2)])
            >>> [(n.name, size) for n, size in sizes.items()]
            [('a', 1), ('b', 2)]

        Complexity: O(1); O(n) to iterate.
        """
        return _Items(self)

    def values(self) -> ValuesView[V]:
        """A view of the values of live nodes.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a, b = Node("a"), Node("b")
            >>> sizes = NodeData([(a, 1), (b, 2)])
            >>> del b  # "b" dies, and its value goes with it
            >>> list(sizes.values())
            [1]

        Complexity: O(1); O(n) to iterate.
        """
        return _Values(self)

    @overload
    def get(self, node: K, /) -> V | None: ...

    @overload
    def get(self, node: K, /, default: V | D) -> V | D: ...

    def get(self, node: K, /, default: Any = None) -> Any:
        """The value for ``node``, or ``default`` (never computed by the factory).

        Examples:
            >>> from boughs import Node, NodeData
            >>> a = Node("a")
            >>> sizes = NodeData(factory=lambda n: 0)
            >>> sizes.get(a), sizes.get(a, -1), sizes[a], sizes.get(a)
            (None, -1, 0, 0)

        Complexity: O(1).
        """
        entry = self._entry(node)
        return default if entry is None else entry.value

    def pop(self, node: K, /, default: Any = _MISSING) -> Any:
        """Remove ``node`` and return its value (or ``default``).

        Raises:
            KeyError: ``node`` has no entry and no ``default`` was given.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a = Node("a")
            >>> sizes = NodeData([(a, 1)])
            >>> sizes.pop(a), sizes.pop(a, None), len(sizes)
            (1, None, 0)

        Complexity: O(1).
        """
        entry = self._entry(node)
        if entry is None:
            if default is _MISSING:
                raise KeyError(node)
            return default
        del self._entries[entry.key]
        return entry.value

    def popitem(self) -> tuple[K, V]:
        """Remove and return the most recently added live entry.

        Raises:
            KeyError: the table is empty.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a, b = Node("a"), Node("b")
            >>> sizes = NodeData([(a, 1), (b, 2)])
            >>> node, size = sizes.popitem()
            >>> node.name, size, len(sizes)
            ('b', 2, 1)

        Complexity: O(1) amortised.
        """
        while self._entries:
            _, entry = self._entries.popitem()
            node = entry()
            if node is not None:
                return node, entry.value
        raise KeyError("popitem(): the table is empty")

    def clear(self) -> None:
        """Remove every entry.

        Examples:
            >>> from boughs import Node, NodeData
            >>> a = Node("a")
            >>> sizes = NodeData([(a, 1)])
            >>> sizes.clear()
            >>> len(sizes), a in sizes
            (0, False)

        Complexity: O(n).
        """
        self._entries.clear()

    def copy(self) -> NodeData[K, V]:
        """A new table with the same live entries (values are not copied).

        Examples:
            >>> from boughs import Node, NodeData
            >>> a = Node("a")
            >>> sizes = NodeData([(a, [1])])
            >>> twin = sizes.copy()
            >>> twin == sizes, twin[a] is sizes[a]
            (True, True)

        Complexity: O(n).
        """
        twin: NodeData[K, V] = NodeData(factory=self.factory)
        for node, value in self._snapshot():
            twin[node] = value
        return twin

    def __eq__(self, other: object) -> bool:
        """Same nodes (by identity) with equal values. Never compares nodes by ``==``."""
        if not isinstance(other, NodeData):
            return NotImplemented
        mine = self._snapshot()
        if len(mine) != len(other):
            return False
        for node, value in mine:
            entry = other._entry(node)
            if entry is None or not (entry.value is value or entry.value == value):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        pairs = self._snapshot()
        shown = ", ".join(f"{node!r}: {reprlib.repr(value)}" for node, value in pairs[:5])
        more = f", ... {len(pairs) - 5} more" if len(pairs) > 5 else ""
        return f"NodeData({{{shown}{more}}})"

    def __reduce__(self) -> Any:
        raise TypeError(
            "a NodeData cannot be pickled: its keys are weak references; "
            "pickle dict(table.items()) instead, within one pickle with the nodes"
        )


class _Items(ItemsView[K, V]):
    """Iterates over a snapshot, so that nodes dying meanwhile never break it."""

    __slots__ = ("_table",)

    def __init__(self, table: NodeData[K, V]) -> None:
        super().__init__(table)
        self._table = table

    def __iter__(self) -> Iterator[tuple[K, V]]:
        return self._table._live()


class _Values(ValuesView[V]):
    __slots__ = ("_table",)

    def __init__(self, table: NodeData[Any, V]) -> None:
        super().__init__(table)
        self._table = table

    def __iter__(self) -> Iterator[V]:
        for _, value in self._table._live():
            yield value
