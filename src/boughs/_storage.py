"""How a parent stores its children, and how a child finds itself among them.

Private to boughs. The representation is chosen for memory first, then for
O(1) answers to the questions a tree asks most:

* ``None``: no children (a leaf pays for nothing).
* a ``tuple`` of 1..`SMALL` children: 16 bytes cheaper than a list and
  exactly sized; a change builds a new tuple, which is O(SMALL).
* a `Kids` list for larger families. Removing a child leaves a hole
  (``None``) instead of shifting every later sibling, so detaching all
  children one by one is O(k) in any order. ``head`` counts the holes before
  the first live child and ``dead`` counts all holes; the last slot is always
  live. A mutation squeezes holes out in place (O(k), amortised) when they
  pass half the list. A *read* that needs positions while holes sit in the
  middle never edits the list: it swaps in a copy without holes (`settled`),
  so concurrent readers each see a whole, unchanging list.

Every child keeps ``_index``: a hint of its *physical* slot. A hint is
trusted only after ``kids[hint] is child`` confirms it; a wrong hint
renumbers the family once, O(k), after which all hints are right again.
Hints are the only thing a read writes, and a read checks them before use, so
two readers rewriting hints at once cost time, never a wrong answer.

Every child of a parent holds the same `Family` object: the one weak
reference to that parent, which also records the parent's label so that an
orphan can say which parent it lost, and links to the parent's own `Family`
(``up``), so that depth and loop checks climb the tree without calling a
single weak reference. A family whose parent dies is told so by the weak
reference's callback, which sets ``up`` to `DEAD`.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boughs.node import BaseNode

SMALL = 8
"""Families up to this size are tuples; larger ones are `Kids` lists."""

_SQUEEZE_MIN = 32
"""Holes are squeezed out once there are more than this many and they fill half the list."""


class Family(weakref.ref):  # type: ignore[type-arg]
    """The weak reference to a parent that all of its children share.

    ``label`` is the parent's label when the family was made; ``up`` is the
    parent's own parent reference (``None`` for a root) or `DEAD` once the
    parent has been collected or, for `DETACHED`, always.
    """

    __slots__ = ("label", "up")

    label: str | None
    up: Any


class _Dead:
    """The type of `DEAD`: its ``up`` is ``None``, so a climb that does not test for
    `DEAD` still stops one step later (the loop check in ``append`` relies on it)."""

    __slots__ = ()
    up = None


DEAD: Any = _Dead()
"""The ``up`` of a family whose parent is gone."""


def _parent_died(family: Family) -> None:
    """Weak reference callback: runs during the parent's deallocation, so it does one store."""
    family.up = DEAD


class Kids(list):  # type: ignore[type-arg]
    """A large family: a list that may contain holes (``None``)."""

    __slots__ = ("dead", "head")

    dead: int
    head: int


class _Gone:
    """A throwaway referent, dead as soon as it is made."""


DETACHED: Family = Family(_Gone())
"""The parent reference of a node that was explicitly detached: always dead."""
DETACHED.label = None
DETACHED.up = DEAD


def new_family(parent: BaseNode) -> Family:
    """Make the shared weak reference to ``parent``, recording its label now."""
    fam = Family(parent, _parent_died)
    label = parent._fixed_label  # the class name, when tree_label is not overridden
    if label is None:
        try:
            label = parent.tree_label()
        except Exception:  # a broken label must not break (or half-do) a mutation
            label = type(parent).__name__
    fam.label = label
    fam.up = parent._parent_ref
    return fam


def own_family(node: BaseNode) -> Family | None:
    """The family that ``node``'s children share (``None`` for a leaf)."""
    kids = node._children
    if kids is None:
        return None
    if kids.__class__ is tuple:
        return kids[0]._parent_ref  # type: ignore[no-any-return]
    return kids[kids.head]._parent_ref  # type: ignore[no-any-return]


def set_parent_ref(node: BaseNode, ref: Family | None) -> None:
    """Give ``node`` a new parent reference, keeping its own family's ``up`` true."""
    node._parent_ref = ref
    kids = node._children
    if kids is not None:
        (kids[0] if kids.__class__ is tuple else kids[kids.head])._parent_ref.up = ref


def depth(node: BaseNode) -> int:
    """Number of living ancestors, found by climbing families. O(depth)."""
    d = 0
    f = node._parent_ref
    while f is not None:
        up = f.up
        if up is DEAD:
            break
        d += 1
        f = up
    return d


def family_chain(node: BaseNode) -> set[int]:
    """Ids of the families above ``node``: one per living ancestor. O(depth)."""
    chain: set[int] = set()
    f = node._parent_ref
    while f is not None:
        up = f.up
        if up is DEAD:
            break
        chain.add(id(f))
        f = up
    return chain


def is_ancestor(node: BaseNode, other: BaseNode) -> bool:
    """``True`` iff ``node`` is a strict ancestor of ``other``. O(depth of other)."""
    mine = own_family(node)
    if mine is None:
        return False
    f = other._parent_ref
    while f is not None:
        if f is mine:
            return True
        f = f.up
        if f is DEAD:
            return False
    return False


def family_of(parent: BaseNode, kids: Any) -> Family:
    """The shared reference to ``parent``: its children's, or a new one."""
    if kids is None:
        return new_family(parent)
    if kids.__class__ is tuple:
        return kids[0]._parent_ref  # type: ignore[no-any-return]
    return kids[kids.head]._parent_ref  # type: ignore[no-any-return]


def count(kids: Any) -> int:
    """Number of live children."""
    if kids is None:
        return 0
    if kids.__class__ is tuple:
        return len(kids)
    return len(kids) - kids.dead  # type: ignore[no-any-return]


def renumber(kids: Any, child: BaseNode | None = None) -> int:
    """Make every child's slot hint right; return ``child``'s slot (``-1`` if absent). O(k).

    The slot is returned from the loop, not re-read from the hint, so that a
    reader whose hints another reader is rewriting still gets its own answer.
    """
    found = -1
    i = 0
    for c in kids:
        if c is not None:
            c._index = i
            if c is child:
                found = i
        i += 1
    return found


def slot_of(kids: Any, child: BaseNode) -> int:
    """Physical slot of ``child``, which must be in ``kids``. O(1) amortised."""
    i = child._index
    if i < len(kids) and kids[i] is child:
        return i
    return renumber(kids, child)


def squeeze(kids: Kids) -> None:
    """Remove every hole, in place, and renumber. O(k). For mutations only."""
    if kids.dead:
        kids[:] = [c for c in kids if c is not None]
        kids.dead = kids.head = 0
    renumber(kids)


def settled(parent: BaseNode, kids: Kids) -> Kids:
    """Replace ``parent``'s holey family by a copy without holes, and return it. O(k).

    Reads use this instead of `squeeze`: they never change a list in place,
    they swap in a new one with a single attribute store. A thread still
    reading the old list sees it whole and unchanged, so any number of
    threads may read positions at once while nobody writes.
    """
    fresh = Kids([c for c in kids if c is not None])
    fresh.dead = fresh.head = 0
    renumber(fresh)
    parent._children = fresh
    return fresh


def logical_index(parent: BaseNode, child: BaseNode) -> int:
    """Position of ``child`` among ``parent``'s live children. O(1) amortised."""
    kids = parent._children
    s = slot_of(kids, child)
    if kids.__class__ is tuple:
        return s
    if kids.dead == kids.head:
        return s - kids.head  # type: ignore[no-any-return]
    return slot_of(settled(parent, kids), child)


def child_at(parent: BaseNode, i: int) -> BaseNode:
    """The live child of ``parent`` at logical position ``0 <= i < count``. O(1) amortised."""
    kids = parent._children
    if kids.__class__ is tuple:
        return kids[i]  # type: ignore[no-any-return]
    if kids.dead != kids.head:
        kids = settled(parent, kids)
    return kids[kids.head + i]  # type: ignore[no-any-return]


def live(kids: Any) -> Sequence[Any]:
    """The live children, in order. May be ``kids`` itself: copy before mutating."""
    if kids is None:
        return ()
    if kids.__class__ is tuple or not kids.dead:
        return kids  # type: ignore[no-any-return]
    return [c for c in kids if c is not None]


def snapshot(kids: Any) -> tuple[BaseNode, ...]:
    """An immutable copy of the live children."""
    if kids is None:
        return ()
    if kids.__class__ is tuple:
        return kids
    if kids.dead:
        return tuple([c for c in kids if c is not None])
    return tuple(kids)


def store(parent: BaseNode, children: Sequence[BaseNode]) -> None:
    """Make ``children`` (already linked to ``parent``'s family) the whole family."""
    n = len(children)
    if n == 0:
        parent._children = None
        return
    if n <= SMALL:
        parent._children = tuple(children)
    else:
        kids = Kids(children)
        kids.dead = kids.head = 0
        parent._children = kids
    i = 0
    for c in children:
        c._index = i
        i += 1


def remove_slot(parent: BaseNode, kids: Any, s: int) -> None:
    """Take the child at physical slot ``s`` out of ``parent``'s family."""
    if kids.__class__ is tuple:
        # One new tuple when it is the first or the last child, not three.
        n = len(kids)
        if n == 1:
            parent._children = None
        elif s == 0:
            parent._children = kids[1:]
        elif s == n - 1:
            parent._children = kids[:s]
        else:
            parent._children = kids[:s] + kids[s + 1 :]
        return
    if s == len(kids) - 1:
        kids.pop()
        while kids and kids[-1] is None:
            kids.pop()
            kids.dead -= 1
        if not kids:
            parent._children = None
            return
    else:
        kids[s] = None
        kids.dead += 1
        if s == kids.head:
            h = s + 1
            while kids[h] is None:
                h += 1
            kids.head = h
    live_count = len(kids) - kids.dead
    if live_count <= SMALL // 2:
        store(parent, [c for c in kids if c is not None])
    elif kids.dead > _SQUEEZE_MIN and kids.dead * 2 > len(kids):
        squeeze(kids)


def insert_slot(parent: BaseNode, kids: Any, i: int, child: BaseNode) -> None:
    """Put ``child`` at logical position ``0 <= i <= count(kids)``."""
    if kids is None:
        parent._children = (child,)
        child._index = 0
        return
    if kids.__class__ is tuple:
        n = len(kids)
        if n < SMALL:
            parent._children = kids + (child,) if i == n else kids[:i] + (child,) + kids[i:]
            child._index = i
            return
        kids = Kids(kids)
        kids.dead = kids.head = 0
        parent._children = kids
        kids.insert(i, child)
        child._index = i
        return
    if i == len(kids) - kids.dead:
        child._index = len(kids)
        kids.append(child)
        return
    if kids.dead != kids.head:
        squeeze(kids)
    h = kids.head
    if i == 0 and h:
        h -= 1
        kids[h] = child
        kids.head = h
        kids.dead -= 1
    else:
        h += i
        kids.insert(h, child)
    child._index = h


def next_live(parent: BaseNode, child: BaseNode) -> BaseNode | None:
    """The live child after ``child``: skips at most `_SQUEEZE_MIN` holes, else settles."""
    kids = parent._children
    s = slot_of(kids, child)
    n = len(kids)
    j = s + 1
    while j < n:
        c = kids[j]
        if c is not None:
            return c  # type: ignore[no-any-return]
        j += 1
        if j - s > _SQUEEZE_MIN:
            kids = settled(parent, kids)
            s = slot_of(kids, child) + 1
            return kids[s] if s < len(kids) else None
    return None


def previous_live(parent: BaseNode, child: BaseNode) -> BaseNode | None:
    """The live child before ``child``: skips at most `_SQUEEZE_MIN` holes, else settles."""
    kids = parent._children
    s = slot_of(kids, child)
    if kids.__class__ is tuple:
        return kids[s - 1] if s else None
    h = kids.head
    j = s - 1
    while j >= h:
        c = kids[j]
        if c is not None:
            return c  # type: ignore[no-any-return]
        j -= 1
        if s - j > _SQUEEZE_MIN:
            kids = settled(parent, kids)
            s = slot_of(kids, child)
            return kids[s - 1] if s else None
    return None
