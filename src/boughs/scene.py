"""The scene layer: `SceneNode`, with local and cached world transforms and visibility.

A `SceneNode` is a node (the whole core contract holds) with a ``name``, a
local `Transform` (translation · rotation · scale, see `boughs.transform`), a
local ``visible`` flag, and two derived values that are computed lazily and
cached: ``world_transform`` (``parent_world @ local``) and ``visible_in_tree``
(false when the node or any scene ancestor is hidden).

Invalidation is exact and cheap:

* Every node caches its world transform, its visibility in the tree, and
  the parent's world transform *object* it was computed from (its *basis*).
  Transforms are immutable, so the identity of that object is an exact
  version stamp: a parent whose world changed holds a new object. A
  recomputation that gives an equal matrix keeps the old object, so the
  children's caches stay valid.
* Each scene (the tree below a scene node whose parent is not a scene
  node) has a *clock*: an epoch counting the changes in it that may affect
  other nodes: a local transform or visibility change of a node with
  children, every attach, detach or move of a scene node (through the core's
  hooks), and the death of a scene node with children. A node records the
  clock and the epoch under which it was last checked; a node that moves
  (or whose parent dies) ticks the clock it was checked under, which
  invalidates its subtree, and is checked under its new scene's clock next.
* Reading a node checked in its clock's current epoch is O(1). Otherwise the
  read climbs to the nearest ancestor that is (or the top of the scene), then
  walks back down, recomputing the world transform only of the nodes whose
  own transform changed or whose parent's world object is not their basis;
  visibility is one ``and`` per node, so toggling a group's visibility never
  recomputes a matrix.

So a change costs O(1), reading one node after a change in its scene costs
O(depth), and reading every node of an N-node tree costs O(N) in total,
however the reads are ordered. A change in one scene costs nothing to reads
in another (the children of a scene node that dies share one clock until
they move). Changing a leaf's local transform does not even tick the clock.
`stats` counts the recomputations so tests can prove these bounds.

Mixed trees: a scene node whose parent is not a `SceneNode` (a plain `Node`,
say) treats that parent as the identity: it starts a scene of its own, with
``world_transform == transform`` and ``visible_in_tree == visible``. Plain
nodes are opaque to inheritance, so moving them never needs to notify anyone.

Caveats: the hooks invalidate after the core has finished a mutation, so code
that the core runs *before* those hooks within the same call (the old
parent's ``on_child_removed`` when that parent is a plain node with hooks, or
a callback that runs before the hooks) may still read the previous world
values. Observers, and every hook of a scene node, see the new ones. Not
thread-safe, like the core: guard a tree shared between threads with a lock.

Examples:
    >>> from boughs.scene import SceneNode
    >>> arm = SceneNode("arm", position=(0, 1, 0))
    >>> hand = SceneNode("hand", position=(0, 0.5, 0), parent=arm)
    >>> hand.world_position
    (0.0, 1.5, 0.0)
    >>> arm.position = (1, 1, 0)
    >>> hand.world_position
    (1.0, 1.5, 0.0)
    >>> arm.visible = False
    >>> hand.visible_in_tree
    False
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import FunctionType
from typing import TYPE_CHECKING, Any, Final

from boughs.node import BaseNode
from boughs.quaternion import Quaternion
from boughs.transform import Transform

if TYPE_CHECKING:
    from rich.text import Text

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - rich installs typing_extensions on Python 3.10
    from typing_extensions import Self

__all__ = ["Quaternion", "SceneNode", "SceneStats", "Transform", "stats", "visible_nodes"]

_IDENTITY: Final = Transform.identity()
_NO_ROTATION: Final = Quaternion.identity()
_HOOKS: Final = ("on_attached", "on_detached", "on_child_added", "on_child_removed")


class SceneStats:
    """Counters of the cache's work, for tests and benchmarks.

    Attributes:
        recomputed: world transforms computed (one matrix product each, or
            none when a side is the identity).
        validated: nodes brought up to date by reads that missed the O(1)
            fast path; each gets its ``visible_in_tree`` refreshed, and is
            recomputed only if needed (so ``recomputed <= validated``).

    Examples:
        >>> from boughs.scene import SceneNode, stats
        >>> stats.reset()
        >>> root = SceneNode("root", position=(1, 0, 0))
        >>> leaf = SceneNode("leaf", parent=root)
        >>> _ = leaf.world_transform
        >>> stats.recomputed
        2
    """

    __slots__ = ("recomputed", "validated")

    def __init__(self) -> None:
        self.recomputed = 0
        self.validated = 0

    def reset(self) -> None:
        """Set both counters to zero.

        Examples:
            >>> from boughs.scene import SceneNode, stats
            >>> _ = SceneNode("n", position=(1, 0, 0)).world_position
            >>> stats.reset()
            >>> stats
            SceneStats(recomputed=0, validated=0)

        Complexity: O(1).
        """
        self.recomputed = 0
        self.validated = 0

    def __repr__(self) -> str:
        return f"SceneStats(recomputed={self.recomputed}, validated={self.validated})"


stats: Final = SceneStats()
"""The module's counters (`SceneStats`); reset them before measuring."""


class _Clock:
    """A scene's change counter; nodes checked under it record it with its ``epoch``."""

    __slots__ = ("epoch",)

    def __init__(self) -> None:
        self.epoch = 0


_UNSET: Final = _Clock()
"""The clock of a node not checked since it was made or moved: never current."""
_UNSET.epoch = -2  # a node's ``checked`` is -1 or a real clock's epoch (>= 0)


class _Cache:
    """A scene node's derived values; copies and pickles of it come back empty.

    Keeping them in one object of their own (not in the node's slots) means
    `copy`, `copy.deepcopy` and `pickle` never carry cached values, which would
    be stale in the copy and would make pickles several times larger.
    """

    __slots__ = ("basis", "checked", "clock", "vis", "world")

    world: Transform | None  # the world transform (None until first computed)
    vis: bool  # visible_in_tree
    basis: Transform | None  # the parent world object `world` was computed from; None: stale
    clock: _Clock  # the clock of the scene in which world and vis were last checked
    checked: int  # the clock's epoch then: they are current while the two are equal

    def __init__(self) -> None:
        self.world = None
        self.vis = True
        self.basis = None
        self.clock = _UNSET
        self.checked = -1

    def __copy__(self) -> _Cache:
        return _Cache()

    def __deepcopy__(self, memo: object) -> _Cache:
        return _Cache()

    def __reduce__(self) -> tuple[type[_Cache], tuple[()]]:
        return _Cache, ()


def _tick(cache: _Cache) -> None:
    """Invalidate the node of ``cache`` and every node checked under the same clock."""
    clock = cache.clock
    if clock is not _UNSET:
        clock.epoch += 1


def _moved(node: Any) -> None:
    """Invalidate a scene node whose ancestors changed, and its subtree."""
    cache = node._cache
    _tick(cache)
    cache.clock = _UNSET  # checked under its new scene's clock next (its own, as a top)


def _invalidating(hook: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Wrap a subclass's hook so that invalidation runs first, whether or not it calls super()."""

    moves_self = hook.__name__ in ("on_attached", "on_detached")

    def wrapper(self: Any, other: Any) -> None:
        if moves_self:
            _moved(self)
        elif isinstance(other, SceneNode):
            _moved(other)
        hook(self, other)

    wrapper.__name__ = hook.__name__
    wrapper.__qualname__ = hook.__qualname__
    wrapper.__doc__ = hook.__doc__
    wrapper.__wrapped__ = hook  # type: ignore[attr-defined]
    wrapper._scene_invalidates = True  # type: ignore[attr-defined]
    return wrapper


def _coordinate(value: float) -> str:
    """A coordinate rounded to 3 decimals, without trailing zeros or ``-0``."""
    text = f"{round(value, 3) + 0.0:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _bad_visible(value: object, who: str) -> TypeError:
    return TypeError(
        f"{who}: visible must be True or False, not {value!r}; use bool(...) if needed"
    )


def _bad_transform(value: object, who: str) -> TypeError:
    return TypeError(
        f"{who}: transform must be a boughs.Transform, not {value!r} ({type(value).__name__}); "
        "build one with Transform(translation=..., rotation=..., scale=...) or "
        "Transform.from_matrix(...)"
    )


class SceneNode(BaseNode):
    """A scene-graph node: a name, a local transform, a visibility flag, and cached world values.

    ``world_transform`` is ``parent.world_transform @ transform`` (right-handed,
    quaternions ``(w, x, y, z)``, local = translation · rotation · scale), and
    ``visible_in_tree`` is false if this node or any scene ancestor is hidden.
    Both are computed when read and cached; see the module docstring for how
    changes invalidate them. A scene node under a non-scene parent treats that
    parent as the identity.

    Subclasses may override the core hooks (``on_attached`` ...): the
    invalidation these hooks do here still runs first, even without ``super()``.

    Args:
        name: the node's name (used by `resolve`, `find` and the renderer).
        transform: the local `Transform`; or give the parts below instead.
        position: the local translation ``(x, y, z)``.
        rotation: the local rotation, a `Quaternion` or ``(w, x, y, z)``.
        scale: the local scale, ``(x, y, z)`` or one number.
        visible: the local visibility flag.
        parent: a node to append this one to.
        children: nodes to adopt, in order.

    Raises:
        TypeError: ``transform`` is given together with a part, or a value has
            the wrong type.
        ValueError: a part is malformed (see `Transform`).

    Examples:
        >>> from boughs.scene import SceneNode
        >>> sun = SceneNode("sun", scale=2)
        >>> earth = SceneNode("earth", position=(5, 0, 0), parent=sun)
        >>> earth.world_position, earth.world_transform.scale
        ((10.0, 0.0, 0.0), (2.0, 2.0, 2.0))

    Complexity: O(1), plus the core's cost of linking ``parent`` and ``children``.
    """

    __slots__ = ("_cache", "_local", "_visible", "name")

    name: Any
    _local: Transform
    _visible: bool
    _cache: _Cache

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _HOOKS:
            hook = cls.__dict__.get(name)
            if isinstance(hook, FunctionType) and not getattr(hook, "_scene_invalidates", False):
                setattr(cls, name, _invalidating(hook))

    def __init__(
        self,
        name: Any = None,
        *,
        transform: Transform | None = None,
        position: Sequence[float] | None = None,
        rotation: Quaternion | Sequence[float] | None = None,
        scale: float | Sequence[float] | None = None,
        visible: bool = True,
        parent: BaseNode | None = None,
        children: Iterable[BaseNode] = (),
    ) -> None:
        self._parent_ref = None
        self._children = None
        self._index = 0
        if transform is not None:
            if position is not None or rotation is not None or scale is not None:
                raise TypeError(
                    f"{type(self).__name__}({name!r}): pass either transform= or "
                    "position=/rotation=/scale=, not both; "
                    "e.g. transform=Transform(translation=..., rotation=..., scale=...)"
                )
            if type(transform) is not Transform:
                raise _bad_transform(transform, f"{type(self).__name__}({name!r})")
            local = transform
        elif position is None and rotation is None and scale is None:
            local = _IDENTITY
        else:
            local = Transform(
                (0.0, 0.0, 0.0) if position is None else position,
                _NO_ROTATION if rotation is None else rotation,
                (1.0, 1.0, 1.0) if scale is None else scale,
            )
        if visible is not True and visible is not False:
            raise _bad_visible(visible, f"{type(self).__name__}({name!r})")
        self.name = name
        self._local = local
        self._visible = visible
        self._cache = _Cache()
        if parent is not None or children:
            self._init_links(parent, children)

    # ------------------------------------------------------------ local --

    def _local_changed(self) -> None:
        self._cache.basis = None
        self._flag_changed()

    def _flag_changed(self) -> None:
        if self._children is None:
            self._cache.checked = -1  # a leaf: nothing else depends on it
        else:
            _tick(self._cache)

    @property
    def transform(self) -> Transform:
        """The local `Transform` (relative to the parent); assign a new one to move the node.

        Examples:
            >>> from boughs.scene import SceneNode, Transform
            >>> n = SceneNode("n")
            >>> n.transform = Transform(translation=(1, 2, 3))
            >>> n.world_position
            (1.0, 2.0, 3.0)

        Complexity: O(1) to read and to assign (descendants update lazily).
        """
        return self._local

    @transform.setter
    def transform(self, value: Transform) -> None:
        if type(value) is not Transform:
            raise _bad_transform(value, f"{self!r}.transform = ...")
        if value is not self._local and value != self._local:
            self._local = value
            self._local_changed()

    @property
    def position(self) -> tuple[float, float, float]:
        """The local translation ``(x, y, z)``; assigning keeps rotation and scale.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> n = SceneNode("n", scale=2)
            >>> n.position = (1, 0, 0)
            >>> n.position, n.scale
            ((1.0, 0.0, 0.0), (2.0, 2.0, 2.0))

        Complexity: O(1).
        """
        return self._local.translation

    @position.setter
    def position(self, value: Sequence[float]) -> None:
        self.transform = self._local.with_translation(value)

    @property
    def rotation(self) -> Quaternion:
        """The local rotation; assigning keeps position and scale.

        Raises:
            ValueError: the local transform has shear (see `move_to`), so it
                has no rotation; assign `transform` instead.

        Examples:
            >>> import math
            >>> from boughs.scene import Quaternion, SceneNode
            >>> n = SceneNode("n", position=(1, 0, 0))
            >>> n.rotation = Quaternion.from_axis_angle((0, 0, 1), math.pi / 2)
            >>> n.transform.apply_to_vector((1, 0, 0))[1]
            1.0

        Complexity: O(1).
        """
        return self._local.rotation

    @rotation.setter
    def rotation(self, value: Quaternion | Sequence[float]) -> None:
        self.transform = self._with_part("rotation", value)

    @property
    def scale(self) -> tuple[float, float, float]:
        """The local scale ``(x, y, z)``; assigning (a triple or one number) keeps the rest.

        Raises:
            ValueError: the local transform has shear (see `move_to`), so it
                has no scale; assign `transform` instead.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> n = SceneNode("n")
            >>> n.scale = 3
            >>> n.scale
            (3.0, 3.0, 3.0)

        Complexity: O(1).
        """
        return self._local.scale

    @scale.setter
    def scale(self, value: float | Sequence[float]) -> None:
        self.transform = self._with_part("scale", value)

    def _with_part(self, part: str, value: Any) -> Transform:
        local = self._local
        if not local.is_trs:
            raise ValueError(
                f"cannot set {self!r}.{part}: its local transform {local!r} has shear or a zero "
                f"scale, so there is no {'scale' if part == 'rotation' else 'rotation'} to keep; "
                f"assign {self!r}.transform = Transform(...), or "
                "node.transform = node.transform.without_shear() first"
            )
        if part == "rotation":
            return local.with_rotation(value)
        return local.with_scale(value)

    @property
    def visible(self) -> bool:
        """The local visibility flag; see `visible_in_tree` for the inherited one.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> n = SceneNode("n", visible=False)
            >>> n.visible = True
            >>> n.visible_in_tree
            True

        Complexity: O(1) to read and to assign.
        """
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        if value is not True and value is not False:
            raise _bad_visible(value, f"{self!r}.visible = ...")
        if value is not self._visible:
            self._visible = value
            self._flag_changed()

    # ---------------------------------------------------------- derived --

    @property
    def world_transform(self) -> Transform:
        """The transform from this node's space to the scene's: ``parent_world @ transform``.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> root = SceneNode("root", position=(1, 0, 0), scale=2)
            >>> SceneNode("child", position=(1, 0, 0), parent=root).world_position
            (3.0, 0.0, 0.0)

        Complexity: O(1) when nothing changed in this node's scene since the
        last read; otherwise O(depth), and O(N) in total for reading all N
        nodes of a tree.
        """
        cache = self._cache
        if cache.checked == cache.clock.epoch:
            return cache.world  # type: ignore[return-value]
        return _refresh(self)

    @property
    def world_position(self) -> tuple[float, float, float]:
        """Where this node's origin is in the scene, ``(x, y, z)``.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> p = SceneNode("p", position=(1, 0, 0))
            >>> SceneNode("n", position=(1, 2, 3), parent=p).world_position
            (2.0, 2.0, 3.0)

        Complexity: as `world_transform`.
        """
        cache = self._cache
        if cache.checked == cache.clock.epoch:
            return cache.world.translation  # type: ignore[union-attr]
        return _refresh(self).translation

    @property
    def visible_in_tree(self) -> bool:
        """``True`` iff this node and all its scene ancestors are `visible`.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> group = SceneNode("group", visible=False)
            >>> SceneNode("item", parent=group).visible_in_tree
            False

        Complexity: as `world_transform` (the two are cached together).
        """
        cache = self._cache
        if cache.checked != cache.clock.epoch:
            _refresh(self)
        return cache.vis

    # --------------------------------------------------------- mutation --

    def move_to(
        self, parent: BaseNode, index: int | None = None, *, keep_world: bool = False
    ) -> Self:
        """Move this node under ``parent``, last or at ``index`` (as `insert`).

        With ``keep_world=True`` the local transform is recomputed as
        ``parent_world.inverse() @ world`` so that the world transform stays
        the same (three.js ``attach``, Godot ``reparent``, Panda3D
        ``wrtReparentTo``), up to floating-point rounding, which accumulates
        over many such moves.

        Non-uniform scale: under a parent whose world transform scales axes
        differently, a rotated node's exact local transform has *shear*, which
        no translation · rotation · scale can express. boughs keeps the exact
        (sheared) matrix, so the world pose is really kept; ``transform.is_trs``
        is then false and `rotation`/`scale` raise `ValueError` until you
        assign a transform. ``node.transform = node.transform.without_shear()``
        gives the nearest TRS transform, at the price of a slightly different
        world pose. (three.js does not support this case at all.)

        Returns:
            this node.

        Raises:
            TypeError: ``parent`` is not a node, or ``index`` not an integer.
            LoopError: ``parent`` is this node or one of its descendants.
            ValueError: with ``keep_world``, ``parent``'s world transform is
                singular (an axis scaled to zero), so no local transform can
                keep the pose.

        A call that raises changes nothing, cached values included.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> a = SceneNode("a", position=(5, 0, 0))
            >>> b = SceneNode("b", position=(0, 1, 0), scale=2)
            >>> item = SceneNode("item", position=(1, 0, 0), parent=a)
            >>> item.move_to(b, keep_world=True).world_position
            (6.0, 0.0, 0.0)
            >>> item.position
            (3.0, -0.5, 0.0)

        Complexity: as `append` or `insert`; O(depth of both parents) more
        with ``keep_world``.
        """
        if not keep_world or not isinstance(parent, BaseNode):
            return super().move_to(parent, index)
        if parent is self.parent or parent is self or self.is_ancestor_of(parent):
            return super().move_to(parent, index)  # a reorder (world unchanged), or a LoopError
        world = self.world_transform
        if isinstance(parent, SceneNode):
            parent_world = parent.world_transform
            try:
                local = parent_world.inverse() @ world
            except ValueError:
                raise ValueError(
                    f"cannot move {self!r} under {parent!r} keeping its world transform: the new "
                    f"parent's world transform {parent_world!r} is singular (an axis is scaled to "
                    "zero), so no local transform can keep the pose; give every axis of "
                    f"{parent!r} and its ancestors a non-zero scale, or pass keep_world=False"
                ) from None
        else:
            local = world
        cache = self._cache
        saved = (self._local, cache.world, cache.vis, cache.basis, cache.clock, cache.checked)
        # Set the new local before moving, so that hooks and observers see the final pose.
        self._local = local
        cache.basis = None
        cache.checked = -1
        try:
            BaseNode.move_to(self, parent, index)
        except BaseException:
            # Code run by the call may have read this node or its subtree meanwhile, so
            # caching values made from the new local under this clock: tick it.
            interim, touched = cache.clock, cache.checked != -1
            self._local, cache.world, cache.vis, cache.basis, cache.clock, cache.checked = saved
            if touched and interim is not _UNSET:
                interim.epoch += 1
            raise
        return self

    # ------------------------------------------------------------ hooks --

    def on_attached(self, parent: BaseNode) -> None:
        """Invalidate cached world values: this node's ancestors changed.

        An override in a subclass runs after this, even without ``super()``.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> a = SceneNode("a", position=(1, 0, 0))
            >>> b = SceneNode("b", position=(0, 5, 0))
            >>> item = SceneNode("item", position=(0, 0, 1), parent=a)
            >>> item.world_position
            (1.0, 0.0, 1.0)
            >>> b.append(item).world_position
            (0.0, 5.0, 1.0)

        Complexity: O(1); the next read in this node's scene pays for it.
        """
        _moved(self)

    def on_detached(self, old_parent: BaseNode) -> None:
        """Invalidate cached world values: this node's ancestors changed.

        An override in a subclass runs after this, even without ``super()``.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> a = SceneNode("a", position=(1, 0, 0))
            >>> item = SceneNode("item", position=(0, 0, 1), parent=a)
            >>> item.world_position
            (1.0, 0.0, 1.0)
            >>> item.detach().world_position
            (0.0, 0.0, 1.0)

        Complexity: O(1); the next read in this node's scene pays for it.
        """
        _moved(self)

    def on_child_added(self, child: BaseNode) -> None:
        """Invalidate when a scene child arrives (before any other hook can read it).

        An override in a subclass runs after this, even without ``super()``,
        so it reads the child's new world values.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> class Anchor(SceneNode):
            ...     def on_child_added(self, child):
            ...         print(child.name, "now at", child.world_position)
            >>> lamp = SceneNode("lamp", position=(1, 0, 0))
            >>> lamp.world_position
            (1.0, 0.0, 0.0)
            >>> anchor = Anchor("anchor", position=(0, 2, 0))
            >>> _ = anchor.append(lamp)
            lamp now at (1.0, 2.0, 0.0)

        Complexity: O(1); the next read in the child's scene pays for it.
        """
        if isinstance(child, SceneNode):
            _moved(child)

    def on_child_removed(self, child: BaseNode) -> None:
        """Invalidate when a scene child leaves (before any other hook can read it).

        An override in a subclass runs after this, even without ``super()``,
        so it reads the child's new world values.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> class Shelf(SceneNode):
            ...     def on_child_removed(self, child):
            ...         print(child.name, "now at", child.world_position)
            >>> shelf = Shelf("shelf", position=(0, 2, 0))
            >>> lamp = shelf.append(SceneNode("lamp", position=(1, 0, 0)))
            >>> lamp.world_position
            (1.0, 2.0, 0.0)
            >>> _ = lamp.detach()
            lamp now at (1.0, 0.0, 0.0)

        Complexity: O(1); the next read in the child's scene pays for it.
        """
        if isinstance(child, SceneNode):
            _moved(child)

    def __del__(self) -> None:
        # Its children become roots: their cached worlds (computed under this
        # node) must be checked again. A leaf's death concerns nobody.
        try:
            if self._children is not None:
                _tick(self._cache)
        except Exception:  # half-built instances, interpreter shutdown
            pass

    # ---------------------------------------------------------- copying --

    def __copy__(self) -> Self:
        """``copy.copy(node)``: a detached, childless copy with the same local values.

        The copy gets caches of its own, so its world values are its own.

        Examples:
            >>> import copy
            >>> from boughs.scene import SceneNode
            >>> root = SceneNode("root", position=(1, 0, 0))
            >>> leaf = SceneNode("leaf", position=(0, 1, 0), parent=root)
            >>> leaf.world_position
            (1.0, 1.0, 0.0)
            >>> twin = copy.copy(leaf)
            >>> twin.parent is None, twin.position, twin.world_position
            (True, (0.0, 1.0, 0.0), (0.0, 1.0, 0.0))

        Complexity: O(number of attributes).
        """
        twin = super().__copy__()
        twin._cache = _Cache()  # the shallow copy would share it otherwise
        return twin

    # ----------------------------------------------------------- labels --

    def tree_label(self) -> str:
        """The name as a string, or the class name when there is none.

        Kept O(1) on purpose: the core records it whenever this node adopts
        its first child. The renderer's line (`rich_label`) adds the world
        position and the hidden state.

        Examples:
            >>> from boughs.scene import SceneNode
            >>> SceneNode("arm", position=(1, 0, 0)).tree_label(), SceneNode().tree_label()
            ('arm', 'SceneNode')

        Complexity: O(1).
        """
        name = self.name
        return type(self).__name__ if name is None else str(name)

    def rich_label(self) -> Text:
        """The renderer's line: the name, the world position rounded to 3 decimals, ``[hidden]``.

        ``[hidden]`` marks a node whose own flag is off; every node that is not
        `visible_in_tree` is drawn dim.

        Examples:
            >>> from boughs import render_text
            >>> from boughs.scene import SceneNode
            >>> root = SceneNode("root", position=(1, 0, 0), visible=False)
            >>> _ = SceneNode("leaf", position=(0, 0.5, 0), parent=root)
            >>> print(render_text(root))
            root (1, 0, 0) [hidden]
            └── leaf (1, 0.5, 0)

        Complexity: as `world_transform`.
        """
        from rich.text import Text

        x, y, z = self.world_position
        text = Text(self.tree_label())
        text.append(f" ({_coordinate(x)}, {_coordinate(y)}, {_coordinate(z)})", style="cyan")
        if not self._visible:
            text.append(" [hidden]", style="yellow")
        if not self.visible_in_tree:
            text.stylize("dim")
        return text


def _refresh(node: SceneNode) -> Transform:
    """Bring ``node``'s cached values up to date and return its world transform.

    Climb to the nearest ancestor that is current under its clock (or the
    top of the scene), then walk back down under that clock, recomputing a
    world transform only where the node was changed or its parent's world
    object is not its basis. Iterative.
    """
    chain = [node]
    n = node
    while True:
        ref = n._parent_ref
        p = None if ref is None else ref()
        if p is None or not isinstance(p, SceneNode):  # n is the top of its scene
            clock = n._cache.clock
            if clock is _UNSET:
                clock = _Clock()  # the scene's own, kept by its top
            parent_world: Transform = _IDENTITY
            parent_vis = True
            break
        c = p._cache
        clock = c.clock
        if c.checked == clock.epoch:
            parent_world = c.world  # type: ignore[assignment]
            parent_vis = c.vis
            break
        chain.append(p)
        n = p
    epoch = clock.epoch
    recomputed = 0
    for n in reversed(chain):
        c = n._cache
        if c.basis is not parent_world:
            local = n._local
            if parent_world is _IDENTITY:
                world = local
            elif local is _IDENTITY:
                world = parent_world
            else:
                world = parent_world @ local
            old = c.world
            if old is None or (world is not old and world._m != old._m):
                c.world = world  # else keep the old object: the children's basis stays valid
            c.basis = parent_world
            recomputed += 1
        parent_vis = c.vis = parent_vis and n._visible
        c.clock = clock
        c.checked = epoch
        parent_world = c.world  # type: ignore[assignment]
    if recomputed:
        stats.recomputed += recomputed
    stats.validated += len(chain)
    return node._cache.world  # type: ignore[return-value]


def visible_nodes(root: BaseNode) -> Iterator[SceneNode]:
    """Yield the scene nodes of ``root``'s subtree that are drawn, in pre-order.

    The walk skips the whole subtree of every hidden scene node, as a renderer
    does (three.js ``traverseVisible``); plain nodes are walked through but not
    yielded. If ``root`` is itself hidden by its ancestors, nothing is yielded.
    Every yielded node is `SceneNode.visible_in_tree`; in a tree made only of
    scene nodes, the nodes yielded are exactly those.

    The same walk by hand, in a tree of scene nodes:
    ``root.walk(filter=lambda n: n.visible, prune=lambda n: not n.visible)``.

    Examples:
        >>> from boughs.scene import SceneNode, visible_nodes
        >>> root = SceneNode("root")
        >>> _ = SceneNode("shown", parent=root)
        >>> hidden = SceneNode("hidden", visible=False, parent=root)
        >>> _ = SceneNode("inside", parent=hidden)
        >>> [n.name for n in visible_nodes(root)]
        ['root', 'shown']

    Complexity: O(visible nodes + their children), plus O(depth of ``root``) once.
    """
    if not isinstance(root, BaseNode):
        raise TypeError(f"visible_nodes() needs a node, not {root!r} ({type(root).__name__})")
    if isinstance(root, SceneNode) and not root.visible_in_tree:
        return iter(())
    return _visible_walk(root)


def _visible_walk(root: BaseNode) -> Iterator[SceneNode]:
    def hidden(node: BaseNode) -> bool:
        return isinstance(node, SceneNode) and not node._visible

    for node in root.walk(prune=hidden):
        if isinstance(node, SceneNode) and node._visible:
            yield node
