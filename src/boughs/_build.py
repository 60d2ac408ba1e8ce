"""Building trees from outside data, and reading nodes' fields for writing them out.

Private to boughs: the machinery `boughs.formats` shares between its readers
(`assemble`, an iterative, atomic builder) and its writers (`items_function`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Final

from boughs import _storage, copying
from boughs._jsoncodec import Children
from boughs.errors import FormatError
from boughs.limits import Limits, exceeded
from boughs.node import _NOTIFY_HOOKS, BaseNode

__all__ = ["MISSING", "Bad", "assemble", "construct", "items_function", "short"]

MISSING: Final[Any] = object()


class Bad(Exception):
    """A problem with one item; the builder adds where it is."""


_PLAIN: dict[type, bool] = {}


def is_plain(cls: type) -> bool:
    """``True`` if ``cls`` has no hooks, so its fresh nodes may be linked in bulk."""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = not getattr(cls, "_vetoes", True) and all(
            getattr(cls, hook) is getattr(BaseNode, hook) for hook in _NOTIFY_HOOKS
        )
    return plain


def assemble(
    top: Any,
    make: Callable[[Any], tuple[BaseNode, Any]],
    describe: Callable[[Any, list[int]], str],
    limits: Limits,
) -> Any:
    """Build a tree, top down and without recursion.

    ``make(item)`` returns a new node and the items of its children (or
    ``None``), raising `Bad` for a malformed item; ``describe(item, trail)``
    says where an item is (``trail``: child positions from the top). Fresh
    nodes of classes without hooks are linked in bulk; others go through
    ``extend``, so their hooks and vetoes run.
    """
    max_nodes, max_depth = limits.max_nodes, limits.max_depth

    def where(item: Any, frames: list[list[Any]]) -> str:
        return describe(item, [f[2] - 1 for f in frames])

    def fail(item: Any, frames: list[list[Any]], message: str) -> FormatError:
        place = where(item, frames)
        return FormatError(f"at {place}: {message}", path=place)

    # A frame: [parent, its child items, next position, built children, family, parent's item]
    frames: list[list[Any]] = []
    if max_nodes is not None and max_nodes < 1:
        raise exceeded("max_nodes", max_nodes, "more nodes than", where="at the top: ")
    with copying.gc_paused():
        try:
            root, kids = make(top)
        except Bad as e:
            raise fail(top, frames, str(e)) from None
        count = 1
        if kids:
            plain = is_plain(type(root))
            frames.append([root, kids, 0, [], _storage.new_family(root) if plain else None, top])
        while frames:
            frame = frames[-1]
            parent, items, i, built, family, _ = frame
            if i == len(items):
                frames.pop()
                if family is not None:
                    _storage.store(parent, built)
                    continue
                try:  # hooked classes: their vetoes and hooks run
                    parent.extend(built)
                except (TypeError, ValueError) as e:
                    raise fail(frame[5], frames, f"{type(e).__name__}: {e}") from None
                continue
            frame[2] = i + 1
            item = items[i]
            count += 1
            if max_nodes is not None and count > max_nodes:
                place = where(item, frames)
                raise exceeded("max_nodes", max_nodes, "more nodes than", where=f"at {place}: ")
            if max_depth is not None and len(frames) > max_depth:
                place = where(item, frames)
                raise exceeded(
                    "max_depth", max_depth, "nodes deeper than", where=f"at {place}: ", path=place
                )
            try:
                child, kids = make(item)
            except Bad as e:
                raise fail(item, frames, str(e)) from None
            if family is not None and is_plain(type(child)):
                child._parent_ref = family
            elif family is not None:  # a hooked child under a plain parent: link all slowly
                for c in built:
                    c._parent_ref = None
                frame[4] = family = None
            built.append(child)
            if kids:
                fam = _storage.new_family(child) if is_plain(type(child)) else None
                frames.append([child, kids, 0, [], fam, item])
    return root


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def construct(
    node_class: type[BaseNode], name: Any, attrs: dict[str, Any], limits: Limits
) -> BaseNode:
    if limits.max_attributes is not None and len(attrs) > limits.max_attributes:
        raise Bad(
            f"{len(attrs):,} attributes, more than max_attributes={limits.max_attributes:,}; "
            "pass limits=Limits(max_attributes=...) to allow more"
        )
    try:
        return node_class(**attrs) if name is MISSING else node_class(name, **attrs)  # type: ignore[call-arg]
    except (TypeError, ValueError) as e:
        raise Bad(f"cannot make a {node_class.__name__}: {e}") from None


_getstate: Any = getattr(object, "__getstate__", None)  # Python 3.11+


def items_function(
    name_key: str, children_key: str, attrs: bool | Collection[str], *, json: bool
) -> Callable[[BaseNode], list[tuple[str, Any]]]:
    """A function giving a node's ``(key, value)`` pairs to write out.

    The name comes first (under ``name_key``), then the public attributes
    (slots and instance attributes whose names do not start with ``_``, all
    of them or those named in ``attrs``), then, with ``json``, the children
    as a `Children` marker under ``children_key``.
    """
    if not (isinstance(name_key, str) and isinstance(children_key, str)):
        raise TypeError("name_key and children_key must be strings")
    if name_key == children_key:
        raise ValueError(f"name_key and children_key must differ, both are {name_key!r}")
    if not isinstance(attrs, bool):
        if isinstance(attrs, str):
            raise TypeError(f"attrs must be True, False or a collection of names, not {attrs!r}")
        attrs = frozenset(attrs)
    reserved = (name_key, children_key)
    live = _storage.live

    def clash(node: BaseNode, key: str) -> FormatError:
        return FormatError(
            f"{node!r} has an attribute {key!r}, which is also the name of the "
            f"{'name' if key == name_key else 'children'} key; choose other keys "
            "(name_key=..., children_key=...) or leave it out (attrs=...)"
        )

    def items(node: BaseNode) -> list[tuple[str, Any]]:
        if _getstate is not None:
            state = _getstate(node)
            own, slots = state if state.__class__ is tuple else (state, None)
        else:  # pragma: no cover - Python 3.10
            own, slots = copying.raw_state(node)
        out: list[tuple[str, Any]] = []
        for values in (slots, own):
            if not values:
                continue
            for key, value in values.items():
                if key == "name":
                    out.insert(0, (name_key, value))
                elif key[:1] != "_" and attrs is not False and (attrs is True or key in attrs):
                    if key in reserved:
                        raise clash(node, key)
                    out.append((key, value))
        if json:
            kids = node._children
            if kids is not None:
                out.append((children_key, Children(live(kids))))
        return out

    return items
