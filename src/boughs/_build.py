"""Building trees from outside data, and reading nodes' fields for writing them out.

Private to boughs: the machinery `boughs.formats` shares between its readers
(`assemble`, an iterative, atomic builder) and its writers (`items_function`).
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Collection, Mapping
from itertools import islice
from typing import Any, Final

from boughs import _storage, copying
from boughs._jsoncodec import Children
from boughs.errors import FormatError
from boughs.limits import Limits, exceeded
from boughs.node import _NOTIFY_HOOKS, BaseNode

__all__ = ["MISSING", "Bad", "TooMuch", "assemble", "construct", "items_function", "short"]

MISSING: Final[Any] = object()


class Bad(Exception):
    """A problem with one item; the builder adds where it is."""


class TooMuch(Bad):
    """One item exceeds a limit: the builder raises it as a `LimitError`."""

    def __init__(self, name: str, value: int, what: str) -> None:
        super().__init__(what)
        self.name = name
        self.value = value
        self.what = what


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
    describe: Callable[[Any, list[int]], tuple[str, str | None]],
    limits: Limits,
) -> Any:
    """Build a tree, top down and without recursion.

    ``make(item)`` returns a new node and the items of its children (or
    ``None``), raising `Bad` for a malformed item (`TooMuch` for one over a
    limit); ``describe(item, trail)`` says where an item is (``trail``: child
    positions from the top), as a pair: the words for the message (kept
    short however deep the item lies) and the error's ``path`` (``None``
    when the input has no paths). Fresh nodes of classes without hooks are
    linked in bulk; others go through ``extend``, so their hooks and vetoes
    run.
    """
    max_nodes, max_depth = limits.max_nodes, limits.max_depth

    def fail(item: Any, frames: list[list[Any]], problem: Bad | str) -> FormatError:
        place, path = describe(item, [f[2] - 1 for f in frames])
        if isinstance(problem, TooMuch):
            return exceeded(
                problem.name, problem.value, problem.what, where=f"at {place}: ", path=path
            )
        return FormatError(f"at {place}: {problem}", path=path)

    def build(item: Any, frames: list[list[Any]]) -> tuple[BaseNode, Any]:
        try:
            return make(item)
        except Bad as e:
            raise fail(item, frames, e) from None

    # A frame: [parent, its child items, next position, built children, family, parent's item]
    frames: list[list[Any]] = []
    if max_nodes is not None and max_nodes < 1:
        raise fail(top, frames, TooMuch("max_nodes", max_nodes, "more nodes than"))
    with copying.gc_paused():
        root, kids = build(top, frames)
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
                raise fail(item, frames, TooMuch("max_nodes", max_nodes, "more nodes than"))
            if max_depth is not None and len(frames) > max_depth:
                raise fail(item, frames, TooMuch("max_depth", max_depth, "nodes deeper than"))
            child, kids = build(item, frames)
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


class _Brief(reprlib.Repr):
    """`reprlib.Repr` bounded in depth and length for any container, subclasses included.

    The standard `repr` recurses along nesting (a list 100,000 deep raises
    ``RecursionError``) and writes every item; this one stops three levels
    down and after a few items, and keeps dicts in their own order.
    """

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 4
        self.maxdict = 3
        self.maxstring = self.maxother = 40

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, Mapping):  # subclasses too: their own __repr__ would recurse
            return self.repr_dict(x, level)
        if isinstance(x, list) and x.__class__ is not list:
            return self.repr_list(x, level)
        if isinstance(x, tuple) and x.__class__ is not tuple:
            return self.repr_tuple(x, level)
        return super().repr1(x, level)

    def repr_dict(self, x: Any, level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [
            f"{self.repr1(key, level - 1)}: {self.repr1(x[key], level - 1)}"
            for key in islice(x, self.maxdict)
        ]
        if len(x) > self.maxdict:
            pieces.append("...")
        return "{" + ", ".join(pieces) + "}"

    def repr_int(self, x: int, level: int) -> str:
        bits = x.bit_length()  # str() of a huge int is slow, and refused past 4,300 digits
        return int.__repr__(x) if bits <= 128 else f"<int of {bits:,} bits>"


_brief: Final = _Brief()


def short(value: object) -> str:
    """A description of ``value`` in at most 40 characters, for error messages.

    Bounded work and no recursion, whatever ``value`` is (a list nested a
    million deep, a huge dict, an object whose ``repr`` fails).

    Complexity: O(1) for built-in containers (a few items, three levels).
    """
    try:
        text = _brief.repr(value)
    except Exception:  # a broken __repr__ or __len__ in a user type
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 40 else text[:39] + "…"


def construct(
    node_class: type[BaseNode], name: Any, attrs: dict[str, Any], limits: Limits
) -> BaseNode:
    if limits.max_attributes is not None and len(attrs) > limits.max_attributes:
        raise TooMuch(
            "max_attributes", limits.max_attributes, f"{len(attrs):,} attributes, more than"
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
