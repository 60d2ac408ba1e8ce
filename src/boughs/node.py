"""The tree core: `BaseNode`, `Node` and the read-only `ChildrenView`.

A parent owns its children through a strong sequence; a child knows its
parent only through a weak reference shared by all its siblings. Dropping the
last reference to a root therefore frees the whole tree through reference
counting, and a subtree that is still held survives with ``parent`` reading
``None`` and ``parent_collected`` reading ``True``.

Every mutation validates everything first and then changes the tree, so a
call that raises leaves the tree as it was. Every operation is iterative: a
chain a million nodes deep is as safe as a flat list.
"""

from __future__ import annotations

import reprlib
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, overload

from boughs import _storage, copying, events, traversal
from boughs._storage import DETACHED
from boughs._storage import SMALL as _SMALL
from boughs.errors import LoopError, NotAChildError, TreeError

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - rich installs typing_extensions on Python 3.10
    from typing_extensions import Self

__all__ = ["BaseNode", "ChildrenView", "Node"]

N = TypeVar("N", bound="BaseNode")

_plain_class: type[BaseNode] | None = None
"""The node class most recently found to have no hooks (a cache for `append`)."""
_plain_label: str | None = None
"""That class's `BaseNode._fixed_label`."""
_observed = False
"""True while a subscription exists anywhere (`boughs.events` keeps it so)."""
_Family = _storage.Family
_NO_CHILDREN: tuple[()] = ()
"""The default of ``children=``: the empty tuple, which CPython makes only once."""
_parent_died = _storage._parent_died
_remove_slot = _storage.remove_slot
_slot_of = _storage.slot_of
_renumber = _storage.renumber

_NOTIFY_HOOKS = ("on_attached", "on_detached", "on_child_added", "on_child_removed")

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlevel = 2


def _safe_repr(obj: object) -> str:
    """``repr(obj)`` for error messages: a broken ``__repr__`` must not hide the real error."""
    try:
        return repr(obj)
    except Exception:
        return f"<{type(obj).__qualname__} object at {id(obj):#x}>"


def _describe(obj: object) -> str:
    """``repr(obj)``, short, and never raising."""
    try:
        return _repr.repr(obj)
    except Exception:
        return f"<{type(obj).__qualname__} object at {id(obj):#x}>"


def _describe_value(obj: object) -> str:
    """Like `_describe`, but a node is shown by its label, so reprs never chain."""
    if isinstance(obj, BaseNode):
        try:
            return f"<{type(obj).__qualname__} {_repr.repr(obj.tree_label())}>"
        except Exception:
            return f"<{type(obj).__qualname__} object at {id(obj):#x}>"
    return _describe(obj)


class ChildrenView(Sequence[N]):
    """A read-only, live view of a node's children.

    ``len``, indexing, ``in`` and `index` are O(1) and compare by identity;
    slicing returns a tuple; iteration runs over a snapshot taken when it
    starts, so ``for c in node.children: c.detach()`` is safe. Assign
    ``node.children = [...]`` to replace them all.

    Examples:
        >>> from boughs import Node
        >>> root = Node("root", children=[Node("a"), Node("b")])
        >>> len(root.children), root.children[-1].name
        (2, 'b')
        >>> [c.name for c in root.children[:1]]
        ['a']
    """

    __slots__ = ("_node",)

    def __init__(self, node: N) -> None:
        self._node = node

    def __len__(self) -> int:
        return _storage.count(self._node._children)

    @overload
    def __getitem__(self, index: int) -> N: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[N, ...]: ...

    def __getitem__(self, index: int | slice) -> N | tuple[N, ...]:
        kids = self._node._children
        if isinstance(index, slice):
            return _storage.snapshot(kids)[index]  # type: ignore[return-value]
        try:
            i = index.__index__()
        except AttributeError:
            raise TypeError(
                f"children indices must be integers or slices, not {type(index).__name__}"
            ) from None
        n = _storage.count(kids)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"child index {index} out of range for a node with {n} children")
        return _storage.child_at(self._node, i)  # type: ignore[return-value]

    def __iter__(self) -> Iterator[N]:
        return iter(_storage.snapshot(self._node._children))  # type: ignore[arg-type]

    def __reversed__(self) -> Iterator[N]:
        return reversed(_storage.snapshot(self._node._children))  # type: ignore[arg-type]

    def __contains__(self, item: object) -> bool:
        ref = getattr(item, "_parent_ref", None) if isinstance(item, BaseNode) else None
        return ref is not None and ref() is self._node

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Position of ``value`` among the children, by identity.

        Raises:
            ValueError: ``value`` is not a child (or not within ``start:stop``).

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a"), Node("b")])
            >>> b = root.children[1]
            >>> root.children.index(b)
            1

        Complexity: O(1) amortised.
        """
        if value in self:
            i = _storage.logical_index(self._node, value)  # type: ignore[arg-type]
            n = len(self)
            lo = max(start + n, 0) if start < 0 else start
            hi = n if stop is None else (max(stop + n, 0) if stop < 0 else stop)
            if lo <= i < hi:
                return i
        raise ValueError(
            f"{_describe(value)} is not among the children of {_safe_repr(self._node)}"
        )

    def count(self, value: object) -> int:
        """1 if ``value`` is a child (by identity), else 0.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a")])
            >>> root.children.count(root.children[0]), root.children.count(root)
            (1, 0)

        Complexity: O(1).
        """
        return 1 if value in self else 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ChildrenView, tuple, list)):
            mine = _storage.snapshot(self._node._children)
            return len(mine) == len(other) and all(a is b for a, b in zip(mine, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kids = _storage.snapshot(self._node._children)
        shown = ", ".join(repr(c) for c in kids[:8])
        more = f", ... {len(kids) - 8} more" if len(kids) > 8 else ""
        return f"ChildrenView([{shown}{more}])"


class BaseNode:
    """All tree behaviour, with ``__slots__`` and no ``__dict__``.

    Subclass it for your own node types (DOM elements, AST nodes, scene
    nodes), declaring your own ``__slots__``. Equality and hashing are by
    identity, and a node is always truthy.

    Args:
        parent: a node to append this one to.
        children: nodes to adopt, in order (moved from wherever they are).

    Examples:
        >>> class Named(BaseNode):
        ...     __slots__ = ("name",)
        ...     def __init__(self, name: str, **kw) -> None:
        ...         super().__init__(**kw)
        ...         self.name = name
        >>> root = Named("root")
        >>> leaf = Named("leaf", parent=root)
        >>> leaf.parent is root, root.children[0] is leaf
        (True, True)
    """

    __slots__ = ("__weakref__", "_children", "_index", "_parent_ref")

    _parent_ref: _storage.Family | None
    _children: Any
    _index: int

    _vetoes: ClassVar[bool] = False
    """True for classes that override `validate_child`."""
    _hooked: ClassVar[bool] = False
    """True for classes that override any hook (`validate_child` included)."""
    _fixed_label: ClassVar[str | None] = "BaseNode"
    """The class name when the class keeps `BaseNode.tree_label`, so that making a
    family need not call it; ``None`` when the class overrides it."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._vetoes = cls.validate_child is not BaseNode.validate_child
        cls._fixed_label = cls.__name__ if cls.tree_label is BaseNode.tree_label else None
        if cls._vetoes or any(
            getattr(cls, hook) is not getattr(BaseNode, hook) for hook in _NOTIFY_HOOKS
        ):
            cls._hooked = True

    def __init__(
        self, *, parent: BaseNode | None = None, children: Iterable[BaseNode] = ()
    ) -> None:
        # ``_index`` is set when the node is linked under a parent; nothing reads it before.
        self._parent_ref = None
        self._children = None
        if parent is not None or children is not _NO_CHILDREN:
            self._init_links(parent, children)

    def _init_links(self, parent: BaseNode | None, children: Iterable[BaseNode]) -> None:
        if parent is not None and not isinstance(parent, BaseNode):
            raise TypeError(
                f"parent must be a node or None, not {_describe(parent)}; "
                f"pass parent=<a {BaseNode.__name__} instance>"
            )
        if parent is not None and children is _NO_CHILDREN:
            parent.append(self)  # the common case: a new leaf under a parent
            return
        kids = _as_node_list(children, "children")
        _validate(self, kids)
        if parent is not None:
            chain = {id(a) for a in _inclusive_ancestors(parent)}
            for c in kids:
                if id(c) in chain:
                    raise LoopError(
                        f"cannot build {_safe_repr(self)} under {_safe_repr(parent)} "
                        f"while adopting {_safe_repr(c)}: {_safe_repr(c)} is "
                        f"{_safe_repr(parent)} or one of its ancestors, so the tree would loop"
                    )
            if parent._vetoes:
                parent.validate_child(self)
        snap = _watch(parent, [*kids, self])
        for c in kids:
            _unlink(c)
            _link(self, c, None)
        if parent is not None:
            _link(parent, self, None)
        if snap is not None:
            events.after(snap)

    # ------------------------------------------------------------ hooks --

    def validate_child(self, child: BaseNode) -> None:
        """Override to veto a new child by raising (``TypeError``, ``ValueError`` ...).

        Called before anything changes, for every node about to be attached
        to this one (not for reorders among its current children), so a veto
        leaves the tree untouched. The default accepts everything.

        Examples:
            >>> from boughs import Node
            >>> class List(Node):
            ...     def validate_child(self, child):
            ...         if child.name != "li":
            ...             raise TypeError(f"<ul> accepts only <li>, not {child.name}")
            >>> ul = List("ul")
            >>> _ = ul.append(Node("li"))
            >>> ul.append(Node("p"))
            Traceback (most recent call last):
            TypeError: <ul> accepts only <li>, not p

        Complexity: O(1) per new child, plus what the override does.
        """

    def on_attached(self, parent: BaseNode) -> None:
        """Override to react after this node was attached to (or moved under) ``parent``.

        Runs after the whole call completed; see `boughs.events` for the
        order of hooks and observers and for what happens when a hook raises.
        The hooks are found when the class is created: a class that overrides
        none of them pays nothing for them.

        Examples:
            >>> class Logged(BaseNode):
            ...     __slots__ = ()
            ...     def on_attached(self, parent):
            ...         print("attached")
            ...     def on_child_added(self, child):
            ...         print("child added")
            >>> parent = Logged()
            >>> _ = parent.append(Logged())
            attached
            child added

        Complexity: O(1) for the call itself; the default does nothing.
        """

    def on_detached(self, old_parent: BaseNode) -> None:
        """Override to react after this node left ``old_parent`` (detached or moved away).

        Examples:
            >>> class Logged(BaseNode):
            ...     __slots__ = ()
            ...     def on_detached(self, old_parent):
            ...         print("left", type(old_parent).__name__)
            >>> parent = Logged()
            >>> _ = parent.append(Logged()).detach()
            left Logged

        Complexity: O(1) for the call itself; the default does nothing.
        """

    def on_child_added(self, child: BaseNode) -> None:
        """Override to react after ``child`` was attached to this node.

        Examples:
            >>> class Counting(BaseNode):
            ...     __slots__ = ("added",)
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.added = 0
            ...     def on_child_added(self, child):
            ...         self.added += 1
            >>> parent = Counting()
            >>> parent.extend([Counting(), Counting()])
            >>> parent.added
            2

        Complexity: O(1) for the call itself; the default does nothing.
        """

    def on_child_removed(self, child: BaseNode) -> None:
        """Override to react after ``child`` left this node (detached or moved away).

        Examples:
            >>> class Logged(BaseNode):
            ...     __slots__ = ()
            ...     def on_child_removed(self, child):
            ...         print("lost a child")
            >>> a, b = Logged(), BaseNode()
            >>> child = a.append(Logged())
            >>> _ = b.append(child)  # moved away from a
            lost a child

        Complexity: O(1) for the call itself; the default does nothing.
        """

    def observe(
        self,
        callback: Callable[[events.Mutation], object],
        *,
        subtree: bool = True,
        weak: bool = True,
    ) -> events.Subscription:
        """Call ``callback(record)`` after each change to this node's children.

        Args:
            callback: receives one `Mutation` per added, removed or moved node.
            subtree: also report changes anywhere below this node.
            weak: hold the callback weakly (bound methods via ``WeakMethod``);
                beware of inline lambdas, which then die at once. Pass
                ``weak=False`` to hold it strongly.

        Returns:
            a `Subscription`; ``cancel()`` it, or use it in a ``with`` block.

        Examples:
            >>> from boughs import Node
            >>> root, seen = Node("root"), []
            >>> sub = root.observe(seen.append, weak=False)
            >>> a = root.append(Node("a"))
            >>> b = root.append(Node("b"))
            >>> _ = b.move_to(a)
            >>> [(m.kind, m.node.name, m.parent.name) for m in seen]
            [('added', 'a', 'root'), ('added', 'b', 'root'), ('moved', 'b', 'a')]
            >>> sub.cancel()

        Complexity: O(1) to subscribe; while any subscription exists, each
        change costs O(depth) more to find its observers.
        """
        return events.Subscription(self, callback, subtree=subtree, weak=weak)

    # ----------------------------------------------------------- labels --

    def tree_label(self) -> str:
        """A one-line plain-text label for this node; override it in subclasses.

        The label of a parent is recorded when it adopts its first child, so
        that an orphan can later say which parent was collected. Override it
        in the class body: as with the hooks, boughs looks for an override
        when the class is created, and does not call the default one.

        Examples:
            >>> BaseNode().tree_label()
            'BaseNode'

        Complexity: O(1).
        """
        return type(self).__name__

    def rich_label(self) -> RenderableType:
        """The node's line in the rich renderer; override it for colour or markup.

        The default is `tree_label` as literal text (never parsed as markup).

        Examples:
            >>> from rich.text import Text
            >>> from boughs import Node, render_text
            >>> class Tag(Node):
            ...     def rich_label(self) -> Text:
            ...         return Text.assemble(("<", "dim"), (str(self.name), "bold"), (">", "dim"))
            >>> print(render_text(Tag("html", children=[Tag("body")])))
            <html>
            └── <body>

        Complexity: O(1).
        """
        from rich.text import Text

        return Text(self.tree_label())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Draw the subtree: ``rich.print(node)`` is ``rich.print(boughs.render(node))``."""
        from boughs.render import render

        yield render(self)

    def __rich_repr__(self) -> Iterator[tuple[Any, ...]]:
        """The fields `rich.pretty` shows, as `repr` does: never the parent or children.

        Complexity: O(number of attributes).
        """
        from boughs.render import rich_repr_fields

        return rich_repr_fields(self)

    def __repr__(self) -> str:
        name = getattr(self, "name", _MISSING)
        if name is _MISSING:
            return f"<{type(self).__qualname__} object at {id(self):#x}>"
        return f"{type(self).__qualname__}({_describe(name)})"

    # ------------------------------------------------------ parent link --

    @property
    def parent(self) -> BaseNode | None:
        """The parent, or ``None`` for a root or an orphan (weak: never keeps it alive).

        Assigning a node moves this one under it (appended last; assigning
        the current parent changes nothing); assigning ``None`` or deleting
        the attribute detaches it.

        Examples:
            >>> from boughs import Node
            >>> a, b = Node("a"), Node("b")
            >>> b.parent = a
            >>> b.parent is a, a.children[0] is b
            (True, True)

        Complexity: O(1) to read; assignment as `append`.
        """
        ref = self._parent_ref
        return None if ref is None else ref()

    @parent.setter
    def parent(self, value: BaseNode | None) -> None:
        if value is None:
            self.detach()
            return
        if not isinstance(value, BaseNode):
            raise TypeError(
                f"cannot set the parent of {_safe_repr(self)} to {_describe(value)}: "
                "assign a node, or None to detach"
            )
        ref = self._parent_ref
        if ref is not None and ref() is value:
            return
        value.append(self)

    @parent.deleter
    def parent(self) -> None:
        self.detach()

    @property
    def parent_collected(self) -> bool:
        """``True`` iff this node was attached and its parent died while it lived.

        Reset by any new attach and by `detach`.

        Examples:
            >>> from boughs import Node
            >>> leaf = Node("tmp").append(Node("leaf"))  # nothing holds "tmp"
            >>> leaf.parent is None, leaf.parent_collected
            (True, True)

        Complexity: O(1).
        """
        ref = self._parent_ref
        return ref is not None and ref is not DETACHED and ref() is None

    @property
    def collected_parent_label(self) -> str | None:
        """The label (`tree_label`) of the collected parent, or ``None``.

        It is the label the parent had when it adopted its first child.

        Examples:
            >>> from boughs import Node
            >>> Node("body").append(Node("p")).collected_parent_label
            'body'

        Complexity: O(1).
        """
        ref = self._parent_ref
        if ref is None or ref is DETACHED or ref() is not None:
            return None
        return ref.label

    @property
    def detached(self) -> bool:
        """``True`` iff this node is a root because it was explicitly detached.

        A node that was never attached, an attached node and an orphan whose
        parent was collected all read ``False``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> leaf = root.append(Node("leaf"))
            >>> leaf.detached, leaf.detach().detached, Node("new").detached
            (False, True, False)

        Complexity: O(1).
        """
        return self._parent_ref is DETACHED

    # -------------------------------------------------------- children --

    @property
    def children(self) -> ChildrenView[Self]:
        """The children as a read-only live `ChildrenView`.

        Assigning an iterable replaces all children at once (atomically):
        old children that are not kept are detached, new ones are moved here.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> root.children = [Node("a"), Node("b")]
            >>> [c.name for c in root.children]
            ['a', 'b']

        Complexity: O(1) to read; O(k + m) to assign (old k, new m).
        """
        return ChildrenView(self)

    @children.setter
    def children(self, nodes: Iterable[BaseNode]) -> None:
        new = _as_node_list(nodes, "children")
        _validate(self, new)
        olds = _storage.snapshot(self._children)
        snap = _watch(self, [*olds, *new])
        keep = {id(c) for c in new}
        for old in olds:
            if id(old) not in keep:
                _storage.set_parent_ref(old, DETACHED)
        self._children = None
        for c in new:
            ref = c._parent_ref
            if ref is not None and ref() is not None and ref() is not self:
                _unlink(c)
        if new:
            fam = _storage.new_family(self)
            for c in new:
                _storage.set_parent_ref(c, fam)
        _storage.store(self, new)
        if snap is not None:
            events.after(snap)

    @children.deleter
    def children(self) -> None:
        self.clear()

    # -------------------------------------------------------- mutation --

    def append(self, child: N) -> N:
        """Append ``child`` as the last child, moving it from wherever it was.

        Returns:
            ``child``.

        Raises:
            TypeError: ``child`` is not a node.
            LoopError: ``child`` is this node or one of its ancestors.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> root.append(Node("a")).name
            'a'

        Complexity: O(1) for a leaf; O(depth) when ``child`` has children
        (the loop check); plus O(1) amortised to leave its old parent.
        """
        # The common case, inlined: no hooked class involved and nobody watches
        # the places involved. Every check is made before anything changes.
        if self.__class__ is not _plain_class or child.__class__ is not _plain_class:
            # Class lookups, unless both are the class last found plain.
            if not isinstance(child, BaseNode):
                raise _not_a_node(self, child, "append")
            if child._hooked or self._hooked:
                return self._attach(child)
            _found_plain(self.__class__)
        if _observed:
            ref = child._parent_ref
            if _watched(self, None if ref is None else ref()):
                return self._attach_watched(child)
        grandkids = child._children
        ref = child._parent_ref
        if grandkids is not ref:
            # Not a new leaf. (A new leaf has neither children nor a parent: both
            # are None. It has no parent to leave and cannot be an ancestor of
            # this node, unless it is this node; new leaves are how trees grow.)
            if child is self:
                return self._attach(child)  # raises LoopError
            if grandkids is not None:
                # Only a node with children can be an ancestor of this one: it is
                # one exactly when its own family lies on this node's chain.
                mine = (
                    grandkids[0] if grandkids.__class__ is tuple else grandkids[grandkids.head]
                )._parent_ref
                f = self._parent_ref
                while f is not None:  # DEAD.up is None: a dead family ends the climb too
                    if f is mine:
                        return self._attach(child)  # raises LoopError
                    f = f.up
            if ref is not None:
                old = ref()
                if old is not None:
                    if old.__class__ is not _plain_class and old._hooked:
                        return self._attach(child)
                    # Leave the old family (which may be this one: the child then
                    # goes last). One new tuple when it is the first or last child.
                    okids = old._children
                    if okids.__class__ is tuple:
                        n = len(okids)
                        if n == 1:
                            old._children = None
                        else:
                            i = child._index
                            if i >= n or okids[i] is not child:
                                i = _renumber(okids, child)
                            if i == 0:
                                old._children = okids[1:]
                            elif i == n - 1:
                                old._children = okids[:i]
                            else:
                                old._children = okids[:i] + okids[i + 1 :]
                    else:
                        _remove_slot(old, okids, _slot_of(okids, child))
        kids = self._children
        if kids.__class__ is tuple:
            fam = kids[0]._parent_ref
            child._parent_ref = fam
            n = len(kids)
            if n < _SMALL:
                child._index = n
                self._children = kids + (child,)
            else:
                _storage.insert_slot(self, kids, n, child)
        elif kids is None:
            if child is self:  # (a new leaf, or we would have returned above)
                return self._attach(child)  # raises LoopError
            # _storage.new_family, inlined: a first child makes the family.
            fam = _Family(self, _parent_died)
            label = _plain_label
            if label is None:
                try:
                    label = self.tree_label()
                except Exception:  # a broken label must not break (or half-do) a mutation
                    label = type(self).__name__
            fam.label = label
            fam.up = self._parent_ref
            child._parent_ref = fam
            child._index = 0
            self._children = (child,)
        else:
            fam = kids[kids.head]._parent_ref
            child._parent_ref = fam
            child._index = len(kids)
            kids.append(child)
        if grandkids is not None:
            mine.up = fam
        return child

    def _attach(self, child: N) -> N:
        """`append` with every check, hook and observer: the general path."""
        ref = child._parent_ref
        old = None if ref is None else ref()
        if _observed and _watched(self, old):
            return self._attach_watched(child)
        _validate(self, [child])
        # Nobody watches: hooks at most, which need no snapshot of positions.
        _unlink(child)
        _link(self, child, None)
        if old is not self and (self._hooked or child._hooked or (old is not None and old._hooked)):
            events.notify(child, old, self)
        return child

    def _attach_watched(self, child: N) -> N:
        """`append` when a subscription watches the places involved: with records."""
        _validate(self, [child])
        snap = events.before([child])
        _unlink(child)
        _link(self, child, None)
        events.after(snap)
        return child

    def extend(self, nodes: Iterable[BaseNode]) -> None:
        """Append several nodes in order, moving each from wherever it was.

        Raises:
            TypeError: an item is not a node.
            ValueError: a node appears twice.
            LoopError: a node is this node or one of its ancestors.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root")
            >>> root.extend([Node("a"), Node("b")])
            >>> len(root.children)
            2

        Complexity: O(m) for m new nodes, plus O(depth) once if any has children.
        """
        new = _as_node_list(nodes, "nodes")
        _validate(self, new)
        snap = _watch(self, new)
        for c in new:
            _unlink(c)
            _link(self, c, None)
        if snap is not None:
            events.after(snap)

    def insert(self, index: int, child: N) -> N:
        """Insert ``child`` so that it ends at ``index``, as `list.insert` would.

        ``child`` is first taken out of wherever it was (including from this
        node), then inserted into the remaining list: negative indices count
        from the end and out-of-range ones clamp.

        Returns:
            ``child``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a"), Node("b")])
            >>> _ = root.insert(0, Node("z"))
            >>> [c.name for c in root.children]
            ['z', 'a', 'b']

        Complexity: O(k) for k children (O(1) at either end), plus the loop check.
        """
        if not isinstance(child, BaseNode):
            raise _not_a_node(self, child, "insert")
        i = _as_index(index)
        _validate(self, [child])
        snap = _watch(self, [child])
        _unlink(child)
        n = _storage.count(self._children)
        if i < 0:
            i = max(i + n, 0)
        _link(self, child, min(i, n))
        if snap is not None:
            events.after(snap)
        return child

    def remove(self, child: N) -> N:
        """Detach ``child``, which must be a child of this node.

        Returns:
            ``child``, now a detached root.

        Raises:
            NotAChildError: ``child`` is not a child of this node.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a")])
            >>> root.remove(root.children[0]).name
            'a'

        Complexity: O(1) amortised.
        """
        if not isinstance(child, BaseNode):
            raise _not_a_node(self, child, "remove")
        if child.parent is not self:
            raise NotAChildError(
                f"{_describe(child)} is not a child of {_safe_repr(self)}, so it cannot be "
                "removed; use child.detach() to detach a node from whatever parent it has"
            )
        snap = _watch(self, [child])
        _unlink(child)
        _storage.set_parent_ref(child, DETACHED)
        if snap is not None:
            events.after(snap)
        return child

    def clear(self) -> None:
        """Detach every child.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a"), Node("b")])
            >>> root.clear()
            >>> root.is_leaf
            True

        Complexity: O(k).
        """
        kids = _storage.snapshot(self._children)
        snap = _watch(self, list(kids))
        for c in kids:
            _storage.set_parent_ref(c, DETACHED)
        self._children = None
        if snap is not None:
            events.after(snap)

    def detach(self) -> Self:
        """Detach this node from its parent; it becomes a root. No-op on a root.

        Also clears `parent_collected` on an orphan.

        Returns:
            this node.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a")])
            >>> a = root.children[0].detach()
            >>> a.parent is None, a.detached
            (True, True)

        Complexity: O(1) amortised.
        """
        ref = self._parent_ref
        if ref is None:
            return self
        p = ref()
        if p is None:
            if ref is not DETACHED:
                _storage.set_parent_ref(self, DETACHED)
            return self
        if _observed or p.__class__ is not _plain_class or self.__class__ is not _plain_class:
            return self._detach_from(p)
        # The common case, inlined: plain classes, nobody watches.
        kids = p._children
        if kids.__class__ is tuple:
            # Leave a small family; one new tuple when it is the first or last child.
            n = len(kids)
            if n == 1:
                p._children = None
            else:
                i = self._index
                if i >= n or kids[i] is not self:
                    i = _renumber(kids, self)
                if i == 0:
                    p._children = kids[1:]
                elif i == n - 1:
                    p._children = kids[:i]
                else:
                    p._children = kids[:i] + kids[i + 1 :]
        else:
            _remove_slot(p, kids, _slot_of(kids, self))
        self._parent_ref = DETACHED
        own = self._children
        if own is not None:
            (own[0] if own.__class__ is tuple else own[own.head])._parent_ref.up = DETACHED
        return self

    def _detach_from(self, p: BaseNode) -> Self:
        """`detach` from the living parent ``p`` with hooks and observers: the general path."""
        if _observed and _watched(p):
            snap = events.before([self])
            _unlink(self)
            _storage.set_parent_ref(self, DETACHED)
            events.after(snap)
            return self
        hooked = p._hooked or self._hooked
        _unlink(self)
        _storage.set_parent_ref(self, DETACHED)
        if hooked:
            events.notify(self, p, None)
        elif self.__class__ is p.__class__:
            _found_plain(p.__class__)
        return self

    def move_to(self, parent: BaseNode, index: int | None = None) -> Self:
        """Move this node under ``parent``, last or at ``index`` (as `insert`).

        Returns:
            this node.

        Examples:
            >>> from boughs import Node
            >>> a, b = Node("a"), Node("b")
            >>> b.move_to(a).parent is a
            True

        Complexity: as `append` or `insert`.
        """
        if index is None and parent.__class__ is self.__class__:
            parent.append(self)  # the common case
            return self
        if not isinstance(parent, BaseNode):
            raise TypeError(
                f"cannot move {_safe_repr(self)} under {_describe(parent)}: the new parent "
                "must be a node; use detach() to make it a root"
            )
        if index is None:
            parent.append(self)
        else:
            parent.insert(index, self)
        return self

    def replace_with(self, other: BaseNode) -> Self:
        """Put ``other`` in this node's place and detach this node.

        ``other`` is taken from wherever it was, even from inside this
        node's subtree. ``n.replace_with(n)`` changes nothing.

        Returns:
            this node, now detached.

        Raises:
            TreeError: this node has no parent.
            LoopError: ``other`` is this node's parent or one of its ancestors.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("old")])
            >>> _ = root.children[0].replace_with(Node("new"))
            >>> root.children[0].name
            'new'

        Complexity: O(k) for k siblings in the worst case, plus the loop check.
        """
        if not isinstance(other, BaseNode):
            raise _not_a_node(self, other, "replace_with")
        parent = self.parent
        if parent is None:
            raise TreeError(
                f"{_safe_repr(self)} has no parent, so nothing can take its place; "
                "attach it first, or use parent.append(other)"
            )
        if other is self:
            return self
        _validate(parent, [other])
        snap = _watch(parent, [self, other])
        _unlink(other)
        i = _storage.logical_index(parent, self)
        _unlink(self)
        _storage.set_parent_ref(self, DETACHED)
        _link(parent, other, i)
        if snap is not None:
            events.after(snap)
        return self

    def insert_before(self, *nodes: BaseNode) -> None:
        """Insert ``nodes`` just before this node, in order (DOM ``before()``).

        ``nodes`` may include this node or its siblings: the insertion point is
        the nearest previous sibling that is not among them.

        Raises:
            TreeError: this node has no parent.
            ValueError: a node appears twice.
            LoopError: a node is the parent or one of its ancestors.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("b")])
            >>> root.children[0].insert_before(Node("a"))
            >>> [c.name for c in root.children]
            ['a', 'b']

        Complexity: O(k + m) for k siblings and m nodes.
        """
        self._insert_beside(nodes, after=False)

    def insert_after(self, *nodes: BaseNode) -> None:
        """Insert ``nodes`` just after this node, in order (DOM ``after()``).

        ``nodes`` may include this node or its siblings: the insertion point is
        the nearest next sibling that is not among them.

        Raises:
            TreeError: this node has no parent.
            ValueError: a node appears twice.
            LoopError: a node is the parent or one of its ancestors.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a")])
            >>> root.children[0].insert_after(Node("b"), Node("c"))
            >>> [c.name for c in root.children]
            ['a', 'b', 'c']

        Complexity: O(k + m) for k siblings and m nodes.
        """
        self._insert_beside(nodes, after=True)

    def _insert_beside(self, nodes: tuple[BaseNode, ...], *, after: bool) -> None:
        parent = self.parent
        if parent is None:
            where = "after" if after else "before"
            raise TreeError(
                f"{_safe_repr(self)} has no parent, so nothing can be inserted {where} it; "
                "attach it first, or append to a parent directly"
            )
        new = _as_node_list(nodes, "nodes")
        _validate(parent, new)
        if not new:
            return
        moving = {id(c) for c in new}
        siblings = _storage.snapshot(parent._children)
        i = _storage.logical_index(parent, self)
        viable: BaseNode | None = None
        if after:
            for s in siblings[i + 1 :]:
                if id(s) not in moving:
                    viable = s
                    break
        else:
            for s in reversed(siblings[:i]):
                if id(s) not in moving:
                    viable = s
                    break
        snap = _watch(parent, new)
        for c in new:
            _unlink(c)
        if after:
            pos = (
                _storage.count(parent._children)
                if viable is None
                else _storage.logical_index(parent, viable)
            )
        else:
            pos = 0 if viable is None else _storage.logical_index(parent, viable) + 1
        for c in new:
            _link(parent, c, pos)
            pos += 1
        if snap is not None:
            events.after(snap)

    def sort_children(
        self, key: Callable[[Self], Any] | None = None, reverse: bool = False
    ) -> None:
        """Sort the children in place, with `list.sort` semantics (stable).

        A ``key`` or comparison that raises leaves the order unchanged.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("b"), Node("a")])
            >>> root.sort_children(key=lambda n: n.name)
            >>> [c.name for c in root.children]
            ['a', 'b']

        Complexity: O(k log k).
        """
        if key is not None and not callable(key):
            raise TypeError(
                f"key must be a callable taking a node (or None), not {_describe(key)}; "
                "e.g. key=lambda node: node.name"
            )
        kids = list(_storage.live(self._children))
        kids.sort(key=key, reverse=reverse)
        snap = _watch(self, kids)
        _storage.store(self, kids)
        if snap is not None:
            events.after(snap)

    # ------------------------------------------------------ navigation --

    @property
    def root(self) -> BaseNode:
        """The topmost ancestor (this node for a root).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")])])
            >>> root.children[0].children[0].root is root
            True

        Complexity: O(depth).
        """
        node = self
        ref = node._parent_ref
        while ref is not None:
            p = ref()
            if p is None:
                break
            node = p
            ref = p._parent_ref
        return node

    @property
    def is_root(self) -> bool:
        """``True`` iff this node has no (living) parent.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a")])
            >>> root.is_root, root.children[0].is_root
            (True, False)

        Complexity: O(1).
        """
        ref = self._parent_ref
        return ref is None or ref() is None

    @property
    def is_leaf(self) -> bool:
        """``True`` iff this node has no children.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a")])
            >>> root.is_leaf, root.children[0].is_leaf
            (False, True)

        Complexity: O(1).
        """
        return self._children is None

    @property
    def depth(self) -> int:
        """Number of living ancestors (a root has depth 0).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")])])
            >>> root.depth, root.children[0].children[0].depth
            (0, 2)

        Complexity: O(depth), climbing shared families without calling weak references.
        """
        return _storage.depth(self)

    @property
    def height(self) -> int:
        """Length of the longest downward path (a leaf has height 0).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
            >>> root.height, root.children[1].height
            (2, 0)

        Complexity: O(n) for the n nodes of the subtree.
        """
        return traversal.height(self)

    @property
    def index(self) -> int | None:
        """Position among the parent's children, ``None`` for a root.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a"), Node("b")])
            >>> root.index, root.children[1].index
            (None, 1)

        Complexity: O(1) amortised.
        """
        ref = self._parent_ref
        if ref is None:
            return None
        p = ref()
        if p is None:
            return None
        return _storage.logical_index(p, self)

    @property
    def path(self) -> tuple[BaseNode, ...]:
        """The nodes from the root down to this node, inclusive.

        Holding the tuple keeps every ancestor alive (the NodePath idea).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")])])
            >>> [n.name for n in root.children[0].children[0].path]
            ['r', 'a', 'b']

        Complexity: O(depth).
        """
        chain = _inclusive_ancestors(self)
        chain.reverse()
        return tuple(chain)

    @property
    def siblings(self) -> tuple[BaseNode, ...]:
        """The other children of the parent, in order (``()`` for a root).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a"), Node("b"), Node("c")])
            >>> [n.name for n in root.children[1].siblings]
            ['a', 'c']

        Complexity: O(k) for k siblings.
        """
        p = self.parent
        if p is None:
            return ()
        return tuple([c for c in _storage.live(p._children) if c is not self])

    @property
    def next_sibling(self) -> BaseNode | None:
        """The sibling just after this node, or ``None``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a"), Node("b")])
            >>> root.children[0].next_sibling.name, root.children[1].next_sibling
            ('b', None)

        Complexity: O(1) amortised.
        """
        p = self.parent
        return None if p is None else _storage.next_live(p, self)

    @property
    def previous_sibling(self) -> BaseNode | None:
        """The sibling just before this node, or ``None``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a"), Node("b")])
            >>> root.children[1].previous_sibling.name, root.children[0].previous_sibling
            ('a', None)

        Complexity: O(1) amortised.
        """
        p = self.parent
        return None if p is None else _storage.previous_live(p, self)

    @property
    def first_child(self) -> Self | None:
        """The first child, or ``None``.

        Examples:
            >>> from boughs import Node
            >>> Node("r", children=[Node("a"), Node("b")]).first_child.name
            'a'

        Complexity: O(1).
        """
        kids = self._children
        if kids is None:
            return None
        return kids[0] if kids.__class__ is tuple else kids[kids.head]  # type: ignore[no-any-return]

    @property
    def last_child(self) -> Self | None:
        """The last child, or ``None``.

        Examples:
            >>> from boughs import Node
            >>> Node("r", children=[Node("a"), Node("b")]).last_child.name
            'b'

        Complexity: O(1).
        """
        kids = self._children
        return None if kids is None else kids[-1]

    def ancestors(self) -> Iterator[BaseNode]:
        """Yield the ancestors, nearest first (not this node).

        Examples:
            >>> from boughs import Node
            >>> leaf = Node("leaf", parent=Node("mid", parent=(root := Node("root"))))
            >>> [a.name for a in leaf.ancestors()]
            ['mid', 'root']

        Complexity: O(1) per step.
        """
        ref = self._parent_ref
        while ref is not None:
            p = ref()
            if p is None:
                return
            yield p
            ref = p._parent_ref

    def descendants(self) -> Iterator[Self]:
        """Yield the descendants in pre-order (not this node).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
            >>> [n.name for n in root.descendants()]
            ['a', 'b', 'c']

        Complexity: O(1) per step.
        """
        it = traversal.preorder(self)
        next(it)
        return it

    def leaves(self) -> Iterator[Self]:
        """Yield the leaves of this subtree in pre-order (a leaf yields itself).

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
            >>> [n.name for n in root.leaves()]
            ['b', 'c']

        Complexity: O(n) for the whole iteration.
        """
        return traversal.leaves(self)

    def is_ancestor_of(self, other: BaseNode) -> bool:
        """``True`` iff this node is a strict ancestor of ``other``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a")])
            >>> root.is_ancestor_of(root.children[0]), root.is_ancestor_of(root)
            (True, False)

        Complexity: O(depth of ``other``).
        """
        if not isinstance(other, BaseNode):
            raise _not_a_node(self, other, "is_ancestor_of")
        return other is not self and self._children is not None and _is_ancestor(self, other)

    def is_descendant_of(self, other: BaseNode) -> bool:
        """``True`` iff this node is a strict descendant of ``other``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a")])
            >>> root.children[0].is_descendant_of(root)
            True

        Complexity: O(depth).
        """
        if not isinstance(other, BaseNode):
            raise _not_a_node(self, other, "is_descendant_of")
        return other.is_ancestor_of(self)

    # ------------------------------------------------ traversal, search --

    def walk(
        self,
        order: Literal["pre", "post", "level"] = "pre",
        *,
        filter: Callable[[Self], object] | None = None,
        prune: Callable[[Self], object] | None = None,
        max_depth: int | None = None,
    ) -> Iterator[Self]:
        """Yield this node and its descendants in ``order``.

        Args:
            order: ``"pre"`` (parents before children), ``"post"`` (children
                before parents) or ``"level"`` (breadth first).
            filter: a node for which it returns false is not yielded, but its
                subtree still is.
            prune: a node for which it returns true has its children skipped.
            max_depth: how deep to go below this node (0 yields only it).

        Each node's children are read when it is expanded, so the tree may be
        changed during the walk: every node present and unmoved throughout is
        yielded exactly once.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
            >>> [n.name for n in root.walk()]
            ['r', 'a', 'b', 'c']
            >>> [n.name for n in root.walk("post")]
            ['b', 'a', 'c', 'r']
            >>> [n.name for n in root.walk("level", max_depth=1)]
            ['r', 'a', 'c']

        Complexity: O(n) for the whole walk; O(1) memory per pending node.
        """
        return traversal.walk(self, order, filter=filter, prune=prune, max_depth=max_depth)

    def levels(self) -> Iterator[tuple[Self, ...]]:
        """Yield one tuple of nodes per depth, starting with ``(self,)``.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", children=[Node("b")]), Node("c")])
            >>> [[n.name for n in level] for level in root.levels()]
            [['r'], ['a', 'c'], ['b']]

        Complexity: O(n) for the whole iteration.
        """
        return traversal.levels(self)

    def find(self, predicate: Callable[[Self], object] | None = None, **attrs: Any) -> Self | None:
        """The first node in pre-order (this one included) that matches, or ``None``.

        A node matches when ``predicate(node)`` is true (if given) and each
        keyword equals the node's attribute of that name (nodes compare by
        identity; a missing attribute is no match).

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a", size=3)])
            >>> root.find(size=3).name
            'a'

        Complexity: O(n).
        """
        for node in traversal.find_iter(self, predicate, attrs):
            return node
        return None

    def find_all(
        self, predicate: Callable[[Self], object] | None = None, **attrs: Any
    ) -> list[Self]:
        """Every match of `find`, in pre-order, as a list.

        Examples:
            >>> from boughs import Node
            >>> root = Node("r", children=[Node("a", kind="x"), Node("b", kind="x")])
            >>> [n.name for n in root.find_all(kind="x")]
            ['a', 'b']

        Complexity: O(n).
        """
        return list(traversal.find_iter(self, predicate, attrs))

    def resolve(self, path: str) -> BaseNode:
        """The node reached by a ``/``-separated path of names.

        ``"a/b"`` is relative to this node; ``"/root/a"`` starts at the root,
        whose name must match the first segment; ``".."`` is the parent and
        ``"."`` this node. Names compare as strings; the first matching child
        wins.

        Raises:
            ResolveError: a segment matches nothing (the message names it).

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a", children=[Node("b")])])
            >>> root.resolve("a/b").name, root.resolve("/root/a/..").name
            ('b', 'root')

        Complexity: O(total children scanned along the path).
        """
        return traversal.resolve(self, path)

    # ---------------------------------------------------------- copying --

    def copy(self) -> Self:
        """A detached deep copy of this subtree (attribute values copied too).

        References between nodes of the subtree point to the copies.

        Examples:
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a")])
            >>> twin = root.children[0].copy()
            >>> twin.name, twin.parent
            ('a', None)

        Complexity: O(n) plus the cost of copying attribute values.
        """
        return copying.deep_copy(self, {})

    def __copy__(self) -> Self:
        """``copy.copy(node)``: a detached, childless copy sharing attribute values.

        Examples:
            >>> import copy
            >>> from boughs import Node
            >>> a = Node("a", children=[Node("b")], tags=["x"])
            >>> twin = copy.copy(a)
            >>> twin.name, twin.is_leaf, twin.tags is a.tags
            ('a', True, True)

        Complexity: O(number of attributes).
        """
        return copying.shallow_copy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """``copy.deepcopy(node)``: the same as `copy`, sharing ``memo`` with the caller.

        Examples:
            >>> import copy
            >>> from boughs import Node
            >>> root = Node("root", children=[Node("a", tags=["x"])])
            >>> clone = copy.deepcopy(root)
            >>> clone.children[0].tags is root.children[0].tags, clone.children[0].tags
            (False, ['x'])

        Complexity: O(n) plus the cost of copying attribute values.
        """
        return copying.deep_copy(self, memo)

    # Pickling: the functions themselves, not methods that call them (one call
    # less per node of a pickled tree).
    __reduce_ex__ = copying.reduce_node
    __setstate__ = copying.set_state


class Node(BaseNode):
    """A general-purpose node with a ``name`` and any keyword attributes.

    Args:
        name: the node's name (used by `resolve` and shown by the renderer).
        parent: a node to append this one to.
        children: nodes to adopt, in order.
        **attrs: any other attributes; names that would shadow the node API
            (``depth``, ``walk`` ...) raise `TypeError`.

    Examples:
        >>> root = Node("root")
        >>> a = Node("a", parent=root, colour="red")
        >>> a.colour, a.parent.name
        ('red', 'root')
    """

    __slots__ = ("__dict__", "name")

    def __init__(
        self,
        name: Any = None,
        *,
        parent: BaseNode | None = None,
        children: Iterable[BaseNode] = (),
        **attrs: Any,
    ) -> None:
        self._parent_ref = None
        self._children = None
        self.name = name
        if attrs:
            reserved = _reserved_names(type(self))
            for key, value in attrs.items():
                if key in reserved:
                    raise TypeError(
                        f"{type(self).__name__}({name!r}, {key}=...): {key!r} would shadow the "
                        f"node API ({type(self).__name__}.{key}); choose another attribute name"
                    )
                setattr(self, key, value)
        if parent is not None or children is not _NO_CHILDREN:
            self._init_links(parent, children)

    def tree_label(self) -> str:
        """The name as a string, or the class name when there is none.

        Examples:
            >>> Node("a").tree_label(), Node(42).tree_label(), Node().tree_label()
            ('a', '42', 'Node')

        Complexity: O(1).
        """
        name = self.name
        return type(self).__name__ if name is None else str(name)

    def __repr__(self) -> str:
        parts = [_describe(self.name)]
        try:
            extra = object.__getstate__(self)[0]  # type: ignore[index]
        except (AttributeError, TypeError):  # pragma: no cover - Python 3.10
            extra = getattr(self, "__dict__", None)
        if extra:
            for i, (k, v) in enumerate(extra.items()):
                if i == 3:
                    parts.append("...")
                    break
                parts.append(f"{k}={_describe_value(v)}")
        return f"{type(self).__qualname__}({', '.join(parts)})"


# ------------------------------------------------------------ internals --

_MISSING = object()
_RESERVED: weakref.WeakKeyDictionary[type, frozenset[str]] = weakref.WeakKeyDictionary()


def _reserved_names(cls: type) -> frozenset[str]:
    """Names a ``Node(**attrs)`` keyword may not use on ``cls``.

    Everything of the node API is reserved. What a subclass adds is reserved
    too, except data descriptors (its slots, `WeakRef` attributes, settable
    properties): assigning those by keyword is what they are for.
    """
    names = _RESERVED.get(cls)
    if names is None:
        api = set(dir(Node))
        reserved = set()
        for n in dir(cls):
            if n in api:
                reserved.add(n)
                continue
            value = next((k.__dict__[n] for k in cls.__mro__ if n in k.__dict__), None)
            if not hasattr(type(value), "__set__"):
                reserved.add(n)
        reserved.discard("name")
        names = _RESERVED[cls] = frozenset(reserved)
    return names


def _found_plain(cls: type[BaseNode]) -> None:
    """Remember ``cls`` as the node class last found without hooks (see `BaseNode.append`)."""
    global _plain_class, _plain_label  # noqa: PLW0603 - a cache the fast paths read as globals
    _plain_class = cls
    _plain_label = cls._fixed_label


def _not_a_node(parent: BaseNode, value: object, method: str | None) -> TypeError:
    """The error for a non-node given to ``parent.method()`` (``None``: as a new child)."""
    given = f"{_describe(value)} ({type(value).__name__})"
    what = (
        f"{_safe_repr(parent)} cannot take {given} as a child: children must be nodes"
        if method is None
        else f"{_safe_repr(parent)}.{method}() needs a node, got {given}"
    )
    return TypeError(f"{what}; wrap the value in a Node, e.g. Node(name=...)")


def _as_index(index: object) -> int:
    try:
        return index.__index__()  # type: ignore[attr-defined,no-any-return]
    except AttributeError:
        raise TypeError(f"index must be an integer, not {_describe(index)}") from None


def _as_node_list(nodes: Iterable[BaseNode], what: str) -> list[BaseNode]:
    if isinstance(nodes, BaseNode):
        raise TypeError(
            f"{what} must be an iterable of nodes, not the single node {_safe_repr(nodes)}; "
            f"wrap it in a list: [{_safe_repr(nodes)}]"
        )
    if isinstance(nodes, (str, bytes)):
        raise TypeError(f"{what} must be an iterable of nodes, not the string {_describe(nodes)}")
    try:
        return list(nodes)
    except TypeError:
        raise TypeError(
            f"{what} must be an iterable of nodes, not {_describe(nodes)} ({type(nodes).__name__})"
        ) from None


def _inclusive_ancestors(node: BaseNode) -> list[BaseNode]:
    chain = [node]
    ref = node._parent_ref
    while ref is not None:
        p = ref()
        if p is None:
            break
        chain.append(p)
        ref = p._parent_ref
    return chain


_is_ancestor = _storage.is_ancestor


def _check_loop(parent: BaseNode, child: BaseNode) -> None:
    if child is parent or _is_ancestor(child, parent):
        what = "itself" if child is parent else f"its descendant {_safe_repr(parent)}"
        raise LoopError(
            f"cannot put {_safe_repr(child)} under {what}: the tree would loop; "
            f"detach {_safe_repr(parent)} first, or choose a parent outside "
            f"{_safe_repr(child)}'s subtree"
        )


def _validate(parent: BaseNode, nodes: list[BaseNode]) -> None:
    """Check that ``nodes`` may all become children of ``parent``; change nothing.

    The loop check climbs ``parent``'s chain of shared families (no weak
    reference is called): a node is an ancestor of ``parent`` exactly when its
    own family lies on that chain.
    """
    if len(nodes) == 1:
        c = nodes[0]
        if not isinstance(c, BaseNode):
            raise _not_a_node(parent, c, None)
        if c is parent or (c._children is not None and _storage.is_ancestor(c, parent)):
            _check_loop(parent, c)
    else:
        seen: set[int] = set()
        chain: set[int] | None = None
        for c in nodes:
            if not isinstance(c, BaseNode):
                raise _not_a_node(parent, c, None)
            cid = id(c)
            if cid in seen:
                raise ValueError(
                    f"{_safe_repr(c)} appears more than once among the nodes given to "
                    f"{_safe_repr(parent)}; pass each node once"
                )
            seen.add(cid)
            if c is parent:
                _check_loop(parent, c)
            if c._children is not None:
                if chain is None:
                    chain = _storage.family_chain(parent)
                if id(_storage.own_family(c)) in chain:
                    _check_loop(parent, c)
    if parent._vetoes:
        for c in nodes:
            if c.parent is not parent:
                parent.validate_child(c)


def _watched(
    place: BaseNode | None, other: BaseNode | None = None, climbed: set[int] | None = None
) -> bool:
    """Whether a subscription watches ``place`` or ``other`` or one of their
    ancestors: whether a change at those places concerns anyone. O(depth);
    called only while a subscription exists somewhere. With ``climbed``, nodes
    already in it are not climbed again, and those climbed now are added, so
    that many places of one call cost O(their ancestors) in all."""
    registry = events.REGISTRY
    n = place
    while True:
        while n is not None:
            if climbed is not None:
                if id(n) in climbed:
                    break
                climbed.add(id(n))
            if id(n) in registry:
                return True
            ref = n._parent_ref
            n = None if ref is None else ref()
        if other is None:
            return False
        n, other = other, None


def _watch(parent: BaseNode | None, nodes: list[BaseNode]) -> events.Before | None:
    """Where ``nodes`` are now, if a hook or an observer will want to know; else ``None``.

    The usual answer, with no subscription anywhere and no hooked class
    involved, is ``None`` after a few flag tests. While subscriptions exist,
    the places involved (the new parent and each old one) and their ancestors
    are looked up in the registry first, so that a subscription on another
    tree costs an O(depth) climb, not a record snapshot.
    """
    hooked = parent is not None and parent._hooked
    olds: list[BaseNode] = []
    for c in nodes:
        if c._hooked:
            hooked = True
        ref = c._parent_ref
        if ref is not None:
            p = ref()
            if p is not None:
                if p._hooked:
                    hooked = True
                olds.append(p)
    if hooked:
        return events.before(nodes)
    climbed: set[int] = set()
    if _observed and any(_watched(place, None, climbed) for place in (parent, *olds)):
        return events.before(nodes)
    return None


def _unlink(child: BaseNode) -> None:
    """Take ``child`` out of its living parent's storage (its reference is left as is)."""
    ref = child._parent_ref
    if ref is None:
        return
    p = ref()
    if p is None:
        return
    kids = p._children
    _storage.remove_slot(p, kids, _storage.slot_of(kids, child))


def _link(parent: BaseNode, child: BaseNode, index: int | None) -> None:
    """Put an unlinked ``child`` at ``index`` (``None``: last) among ``parent``'s children."""
    kids = parent._children
    _storage.set_parent_ref(child, _storage.family_of(parent, kids))
    if index is None:
        index = _storage.count(kids)
    _storage.insert_slot(parent, kids, index, child)
