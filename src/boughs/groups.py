"""Groups: named sets of nodes, Godot-style, whose members vanish when they die.

``add_to_group(node, "enemies")`` tags a node; ``group_members("enemies")``
lists the living members in the order they joined; ``node_groups(node)``
lists a node's groups. Membership never keeps a node alive, and it never
calls a node's ``__hash__`` or ``__eq__``: members are held by identity
through weak references, like a `weakref.WeakSet` that ignores ``__eq__``.

The module functions use one shared registry. Make your own `Groups` for a
separate namespace (one per scene, per document, per test).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

__all__ = [
    "Groups",
    "add_to_group",
    "group_members",
    "is_in_group",
    "node_groups",
    "remove_from_group",
]


class _Membership(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a member that also lists its groups (in joining order)."""

    __slots__ = ("groups", "key")

    key: int
    groups: dict[Hashable, None]


def _on_death(pending: list[_Membership]) -> Callable[[_Membership], None]:
    """The weak reference callback: note the death; the next operation tidies up.

    It runs wherever the member happens to die (any thread, or in the middle
    of an operation of the registry itself), so it only appends to a list.
    """

    def died(ref: _Membership) -> None:
        pending.append(ref)

    return died


class Groups:
    """A registry of named groups of nodes.

    Group names are strings (any hashable works). Members are any objects
    that support weak references, held by identity. All methods are safe to
    call from several threads.

    Examples:
        >>> from boughs import Node
        >>> from boughs.groups import Groups
        >>> groups = Groups()
        >>> a, b = Node("a"), Node("b")
        >>> groups.add(a, "enemies"); groups.add(b, "enemies"); groups.add(a, "flying")
        >>> [n.name for n in groups.members("enemies")], groups.groups_of(a)
        (['a', 'b'], ['enemies', 'flying'])
        >>> del a  # a dies: it leaves its groups
        >>> [n.name for n in groups.members("enemies")], groups.names()
        (['b'], ['enemies'])
    """

    __slots__ = ("__weakref__", "_callback", "_groups", "_lock", "_members", "_pending")

    def __init__(self) -> None:
        self._members: dict[int, _Membership] = {}
        self._groups: dict[Hashable, dict[int, _Membership]] = {}
        self._pending: list[_Membership] = []
        self._callback = _on_death(self._pending)
        self._lock = threading.RLock()

    def _tidy(self) -> None:
        """Forget members that died (call with the lock held)."""
        pending = self._pending
        while pending:
            ref = pending.pop()
            if self._members.get(ref.key) is not ref:
                continue
            del self._members[ref.key]
            for name in ref.groups:
                group = self._groups.get(name)
                if group is not None and group.get(ref.key) is ref:
                    del group[ref.key]
                    if not group:
                        del self._groups[name]

    def _membership(self, node: object) -> _Membership | None:
        ref = self._members.get(id(node))
        return ref if ref is not None and ref() is node else None

    def add(self, node: Any, group: Hashable) -> None:
        """Put ``node`` in ``group`` (no-op if it is already a member).

        Raises:
            TypeError: ``node`` does not support weak references.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups, n = Groups(), Node("n")
            >>> groups.add(n, "ui")
            >>> groups.is_in(n, "ui")
            True

        Complexity: O(1).
        """
        hash(group)
        with self._lock:
            self._tidy()
            ref = self._membership(node)
            if ref is None:
                try:
                    ref = _Membership(node, self._callback)
                except TypeError:
                    raise TypeError(
                        f"cannot put a {type(node).__name__} in a group: group members are held "
                        "weakly, and it does not support weak references (add '__weakref__' "
                        "to its __slots__)"
                    ) from None
                ref.key = id(node)
                ref.groups = {}
                self._members[ref.key] = ref
            if group not in ref.groups:
                ref.groups[group] = None
                self._groups.setdefault(group, {})[ref.key] = ref

    def remove(self, node: Any, group: Hashable) -> bool:
        """Take ``node`` out of ``group``; return whether it was a member.

        Like Godot's ``remove_from_group``, removing a non-member is not an
        error.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups, n = Groups(), Node("n")
            >>> groups.add(n, "ui")
            >>> groups.remove(n, "ui"), groups.remove(n, "ui")
            (True, False)

        Complexity: O(1).
        """
        with self._lock:
            self._tidy()
            ref = self._membership(node)
            if ref is None or group not in ref.groups:
                return False
            del ref.groups[group]
            members = self._groups[group]
            del members[ref.key]
            if not members:
                del self._groups[group]
            if not ref.groups:
                del self._members[ref.key]
            return True

    def members(self, group: Hashable) -> list[Any]:
        """The living members of ``group``, in the order they joined (``[]`` if none).

        The list holds the members strongly; it is a snapshot, so changing
        the group while looping over it is safe.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups = Groups()
            >>> groups.members("nobody")
            []

        Complexity: O(members).
        """
        with self._lock:
            self._tidy()
            refs = list(self._groups.get(group, {}).values())
        return [n for n in (r() for r in refs) if n is not None]

    def groups_of(self, node: Any) -> list[Hashable]:
        """The groups ``node`` belongs to, in the order it joined them.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups, n = Groups(), Node("n")
            >>> groups.add(n, "b"); groups.add(n, "a")
            >>> groups.groups_of(n)
            ['b', 'a']

        Complexity: O(groups of the node).
        """
        with self._lock:
            self._tidy()
            ref = self._membership(node)
            return [] if ref is None else list(ref.groups)

    def is_in(self, node: Any, group: Hashable) -> bool:
        """``True`` iff ``node`` is a member of ``group``.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups, n = Groups(), Node("n")
            >>> groups.add(n, "ui")
            >>> groups.is_in(n, "ui"), groups.is_in(n, "hud")
            (True, False)

        Complexity: O(1).
        """
        ref = self._membership(node)
        return ref is not None and group in ref.groups

    def names(self) -> list[Hashable]:
        """The groups that have at least one living member, in the order they were made.

        Examples:
            >>> from boughs import Node
            >>> from boughs.groups import Groups
            >>> groups, a, b = Groups(), Node("a"), Node("b")
            >>> groups.add(a, "ui"); groups.add(b, "hud")
            >>> del b  # the last member of "hud" dies: the group goes with it
            >>> groups.names()
            ['ui']

        Complexity: O(groups).
        """
        with self._lock:
            self._tidy()
            return list(self._groups)

    def __len__(self) -> int:
        """The number of groups with at least one living member. Complexity: O(1)."""
        with self._lock:
            self._tidy()
            return len(self._groups)

    def __repr__(self) -> str:
        with self._lock:
            self._tidy()
            sizes = ", ".join(f"{name!r}: {len(m)}" for name, m in list(self._groups.items())[:5])
            more = ", ..." if len(self._groups) > 5 else ""
        return f"<Groups {{{sizes}{more}}}>"


_default = Groups()
"""The registry behind the module functions."""


def add_to_group(node: Any, group: Hashable) -> None:
    """Put ``node`` in the shared ``group`` (no-op if already a member).

    The group holds the node weakly: when the node dies, it leaves.

    Examples:
        >>> from boughs import Node, add_to_group, group_members
        >>> boss = Node("boss")
        >>> add_to_group(boss, "doc-enemies")
        >>> [n.name for n in group_members("doc-enemies")]
        ['boss']

    Complexity: O(1).
    """
    _default.add(node, group)


def remove_from_group(node: Any, group: Hashable) -> bool:
    """Take ``node`` out of the shared ``group``; return whether it was a member.

    Examples:
        >>> from boughs import Node, add_to_group, remove_from_group
        >>> n = Node("n")
        >>> add_to_group(n, "doc-tmp")
        >>> remove_from_group(n, "doc-tmp"), remove_from_group(n, "doc-tmp")
        (True, False)

    Complexity: O(1).
    """
    return _default.remove(node, group)


def group_members(group: Hashable) -> list[Any]:
    """The living members of the shared ``group``, in joining order (a snapshot).

    Examples:
        >>> from boughs import Node, add_to_group, group_members
        >>> n = Node("n")
        >>> add_to_group(n, "doc-short-lived")
        >>> del n
        >>> group_members("doc-short-lived")
        []

    Complexity: O(members).
    """
    return _default.members(group)


def node_groups(node: Any) -> list[Hashable]:
    """The shared groups ``node`` belongs to, in joining order.

    Examples:
        >>> from boughs import Node, add_to_group, node_groups
        >>> n = Node("n")
        >>> add_to_group(n, "doc-b"); add_to_group(n, "doc-a")
        >>> node_groups(n)
        ['doc-b', 'doc-a']

    Complexity: O(groups of the node).
    """
    return _default.groups_of(node)


def is_in_group(node: Any, group: Hashable) -> bool:
    """``True`` iff ``node`` is in the shared ``group``.

    Examples:
        >>> from boughs import Node, add_to_group, is_in_group
        >>> n = Node("n")
        >>> add_to_group(n, "doc-x")
        >>> is_in_group(n, "doc-x"), is_in_group(n, "doc-y")
        (True, False)

    Complexity: O(1).
    """
    return _default.is_in(node, group)
