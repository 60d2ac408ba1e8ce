"""Trees in and out: nested dicts, JSON, Graphviz DOT, Mermaid and networkx.

* `to_dict` / `from_dict`: nested ``{"name": ..., **attributes, "children":
  [...]}`` mappings (leaves have no ``"children"`` key); the key names are
  options, and a node's own attributes round-trip.
* `to_json` / `from_json`: the same as JSON text, to and from strings, bytes
  and files.
* `to_dot`, `to_mermaid`: text for Graphviz and Mermaid, labels escaped.
* `to_networkx` / `from_networkx`: a ``networkx.DiGraph`` (needs the optional
  extra: ``pip install boughs[networkx]``).
* `load_json_tree`: draw *any* JSON document as a tree (what ``boughs show``
  does with a ``.json`` file).

Everything is iterative: a chain a million nodes deep goes through dicts and
JSON like any other tree (`json.dumps` and `json.loads` recurse; the JSON here
does not, see `boughs._jsoncodec`). Readers are atomic: malformed input raises
`FormatError` saying where (line and column in JSON text, a path such as
``children[3].children[0]`` in nested data), an input over its `Limits`
raises `LimitError`, and in both cases no part of a tree is returned.

Examples:
    >>> from boughs import Node
    >>> from boughs.formats import from_json, to_json
    >>> root = Node("root", children=[Node("a", size=3)])
    >>> text = to_json(root)
    >>> text
    '{"name": "root", "children": [{"name": "a", "size": 3}]}'
    >>> from_json(text).children[0].size
    3
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Collection, Mapping
from typing import IO, Any, Final, TypeVar, overload

from boughs import _build, _jsoncodec, _storage
from boughs._graphs import from_networkx, to_dot, to_mermaid, to_networkx
from boughs._jsonview import JsonNode, load_json_tree
from boughs.errors import FormatError
from boughs.limits import DEFAULT_LIMITS, Limits
from boughs.node import BaseNode, Node

__all__ = [
    "JsonNode",
    "from_dict",
    "from_json",
    "from_networkx",
    "load_json_tree",
    "to_dict",
    "to_dot",
    "to_json",
    "to_mermaid",
    "to_networkx",
]

N = TypeVar("N", bound=BaseNode)


@overload
def from_dict(
    data: Mapping[str, Any],
    *,
    name_key: str = ...,
    children_key: str = ...,
    limits: Limits = ...,
) -> Node: ...


@overload
def from_dict(
    data: Mapping[str, Any],
    *,
    node_class: type[N],
    name_key: str = ...,
    children_key: str = ...,
    limits: Limits = ...,
) -> N: ...


def from_dict(
    data: Mapping[str, Any],
    *,
    node_class: type[BaseNode] = Node,
    name_key: str = "name",
    children_key: str = "children",
    limits: Limits = DEFAULT_LIMITS,
) -> BaseNode:
    """Build a tree from nested mappings, as `to_dict` writes them.

    Each mapping becomes ``node_class(name, **other_keys)`` (or
    ``node_class(**other_keys)`` when it has no ``name_key``); its
    ``children_key`` entry, if any, must be a list of such mappings. Other
    keys must be strings that do not start with ``_``: `to_dict` leaves
    private attributes out, so they could not round-trip.

    Args:
        data: the top mapping.
        node_class: the class of every node (it receives keyword attributes,
            as `Node` does).
        name_key: the key of a node's name.
        children_key: the key of a node's list of children.
        limits: bounds on nodes, depth and attributes (see `boughs.limits`).

    Raises:
        FormatError: a malformed entry (or a key starting with ``_``), with its
            path (``children[3].children[0]``).
        LimitError: the data exceeds ``limits``.

    Examples:
        >>> root = from_dict({"name": "root", "children": [{"name": "a", "size": 3}]})
        >>> root.children[0].name, root.children[0].size
        ('a', 3)
        >>> from_dict({"name": "root", "children": [{"name": "a"}, [1]]})
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        boughs.errors.FormatError: at children[1]: a node must be a mapping (...), not list [1]

    Complexity: O(n) for n nodes, plus their attributes; iterative.
    """
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, not {limits!r}")

    def make(item: Any) -> tuple[BaseNode, Any]:
        if not isinstance(item, Mapping):
            raise _build.Bad(
                f"a node must be a mapping (a JSON object), not {type(item).__name__} "
                f"{_build.short(item)}"
            )
        name = _build.MISSING
        kids = None
        attrs: dict[str, Any] = {}
        for key, value in item.items():
            if key == name_key:
                name = value
            elif key == children_key:
                kids = value
            elif not isinstance(key, str):
                raise _build.Bad(f"attribute names must be strings, not {_build.short(key)}")
            elif key[:1] == "_":
                raise _build.Bad(
                    f"attribute {_build.short(key)} starts with '_', so to_dict() would leave it "
                    "out (private); rename it, or pass name_key= or children_key= if it is one of "
                    "those"
                )
            else:
                attrs[key] = value
        if kids is not None and not isinstance(kids, (list, tuple)):
            raise _build.Bad(
                f"{children_key!r} must be a list of nodes, not {type(kids).__name__} "
                f"{_build.short(kids)}"
            )
        return _build.construct(node_class, name, attrs, limits), kids

    def describe(item: Any, trail: list[int]) -> tuple[str, str]:
        return _place(children_key, trail)

    return _build.assemble(data, make, describe, limits)  # type: ignore[no-any-return]


_SHOWN_STEPS: Final = 4
"""A path deeper than twice this many steps is shortened in messages (never in ``path``)."""


def _place(children_key: str, trail: list[int]) -> tuple[str, str]:
    """Where the item at ``trail`` is: the words for a message, and the full ``path``.

    The path of the top mapping is ``""``; a message says "the top level".
    """
    path = ".".join([f"{children_key}[{i}]" for i in trail])
    if not trail:
        return "the top level", path
    if len(trail) <= 2 * _SHOWN_STEPS:
        return path, path
    head = ".".join([f"{children_key}[{i}]" for i in trail[:_SHOWN_STEPS]])
    tail = ".".join([f"{children_key}[{i}]" for i in trail[-_SHOWN_STEPS:]])
    return f"{head}.….{tail} (depth {len(trail):,})", path


def _decode_text(source: str | bytes | bytearray | IO[Any], limits: Limits) -> str:
    if hasattr(source, "read"):
        size = limits.max_bytes
        source = source.read() if size is None else source.read(size + 1)
    if not isinstance(source, (str, bytes, bytearray)):
        raise TypeError(f"from_json() reads a str, bytes or a file, not {type(source).__name__}")
    limits.check_size(len(source), "the JSON text")
    if isinstance(source, str):
        return source
    try:
        return bytes(source).decode(json.detect_encoding(source))
    except UnicodeDecodeError as e:
        raise FormatError(
            f"invalid JSON: not {e.encoding} text (byte {e.start:,} is invalid)"
        ) from None


def parse_json_text(text: str, limits: Limits) -> Any:
    """Decode JSON ``text`` into Python values, iteratively when it is deeply nested.

    Raises:
        FormatError: invalid JSON, with its line and column.
        LimitError: containers nest deeper than ``limits`` allow.

    Complexity: O(len(text)).
    """
    try:
        return _jsoncodec.loads(text, limits.json_nesting())
    except json.JSONDecodeError as e:
        raise FormatError(
            f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}",
            line=e.lineno,
            column=e.colno,
        ) from None
    except FormatError:
        raise
    except ValueError as e:  # e.g. an integer too long to convert
        raise FormatError(f"invalid JSON: {str(e).split(':')[0]}") from None


@overload
def from_json(
    source: str | bytes | bytearray | IO[Any],
    *,
    name_key: str = ...,
    children_key: str = ...,
    limits: Limits = ...,
) -> Node: ...


@overload
def from_json(
    source: str | bytes | bytearray | IO[Any],
    *,
    node_class: type[N],
    name_key: str = ...,
    children_key: str = ...,
    limits: Limits = ...,
) -> N: ...


def from_json(
    source: str | bytes | bytearray | IO[Any],
    *,
    node_class: type[BaseNode] = Node,
    name_key: str = "name",
    children_key: str = "children",
    limits: Limits = DEFAULT_LIMITS,
) -> BaseNode:
    """Build a tree from JSON text (a ``str``, ``bytes`` or an open file).

    The text must hold the nested objects that `to_json` writes; see
    `from_dict` for the options. Bytes may be UTF-8, -16 or -32.

    Raises:
        FormatError: invalid JSON (the message and ``line``/``column`` say
            where) or a malformed tree (the ``path`` says where).
        LimitError: the input exceeds ``limits``.

    Examples:
        >>> from_json('{"name": "r", "children": [{"name": "a"}]}').children[0].name
        'a'
        >>> from_json('{"name": "r",\\n "children": [}')
        Traceback (most recent call last):
        boughs.errors.FormatError: invalid JSON at line 2, column 15: Expecting value

    Complexity: O(len(text)); iterative however deep the document is nested.
    """
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, not {limits!r}")
    data = parse_json_text(_decode_text(source, limits), limits)
    return from_dict(
        data,
        node_class=node_class,
        name_key=name_key,
        children_key=children_key,
        limits=limits,
    )


# ------------------------------------------------------------- writing --


def to_dict(
    node: BaseNode,
    *,
    name_key: str = "name",
    children_key: str = "children",
    attrs: bool | Collection[str] = True,
) -> dict[str, Any]:
    """The subtree of ``node`` as nested dicts that `from_dict` reads back.

    Each node becomes ``{name_key: name, **attributes, children_key: [...]}``:
    the name when the node has one, then its public attributes (not those
    starting with ``_``), then its children, if it has any. Attribute values
    are shared, not copied.

    Args:
        node: the top of the subtree.
        name_key: the key for the name.
        children_key: the key for the children.
        attrs: ``True`` for all attributes, ``False`` for none, or the names
            of those to include.

    Raises:
        FormatError: an attribute has the name of ``name_key`` or ``children_key``.

    Examples:
        >>> from boughs import Node
        >>> to_dict(Node("root", children=[Node("a", size=3)]))
        {'name': 'root', 'children': [{'name': 'a', 'size': 3}]}
        >>> to_dict(Node("root", children=[Node("a")]), name_key="id", children_key="kids")
        {'id': 'root', 'kids': [{'id': 'a'}]}

    Complexity: O(n) for n nodes, plus their attributes; iterative.
    """
    if not isinstance(node, BaseNode):
        raise TypeError(f"to_dict() needs a node, not {_build.short(node)}")
    items = _build.items_function(name_key, children_key, attrs, json=False)
    return _dicts(node, items, children_key, None)  # type: ignore[return-value]


_SHALLOW: Final = 400
"""Trees at most this deep go through the C `json.dumps` (it recurses, two levels per node)."""


def _dicts(
    node: BaseNode,
    items: Callable[[BaseNode], list[tuple[str, Any]]],
    children_key: str,
    max_depth: int | None,
) -> dict[str, Any] | None:
    """`to_dict`'s work; ``None`` as soon as a node lies deeper than ``max_depth``."""
    top: dict[str, Any] = {}
    stack: list[tuple[BaseNode, dict[str, Any], int]] = [(node, top, 0)]
    pop, push = stack.pop, stack.extend
    limit = -1 if max_depth is None else max_depth
    while stack:
        n, out, depth = pop()
        out.update(items(n))
        kids = n._children
        if kids is not None:
            if depth == limit:
                return None
            live = _storage.live(kids)
            dicts: list[dict[str, Any]] = [{} for _ in live]
            out[children_key] = dicts
            depth += 1
            push([(k, d, depth) for k, d in zip(reversed(live), reversed(dicts))])
    return top


def to_json(
    node: BaseNode,
    file: IO[str] | None = None,
    *,
    name_key: str = "name",
    children_key: str = "children",
    attrs: bool | Collection[str] = True,
    indent: int | str | None = None,
    separators: tuple[str, str] | None = None,
    ensure_ascii: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> str | None:
    """The subtree of ``node`` as JSON text: ``json.dumps(to_dict(node))``, without recursion.

    Args:
        node: the top of the subtree.
        file: a text file to write to; then ``None`` is returned.
        name_key: as for `to_dict`.
        children_key: as for `to_dict`.
        attrs: as for `to_dict`.
        indent: as for `json.dumps` (indenting a deep tree makes its text
            quadratic in the depth).
        separators: as for `json.dumps`.
        ensure_ascii: as for `json.dumps`.
        default: as for `json.dumps`.

    Returns:
        the JSON text, or ``None`` when written to ``file``.

    Raises:
        TypeError: an attribute value JSON cannot represent (and no ``default``).
        ValueError: an attribute value that contains itself.

    Examples:
        >>> from boughs import Node
        >>> print(to_json(Node("root", children=[Node("a")]), indent=1))
        {
         "name": "root",
         "children": [
          {
           "name": "a"
          }
         ]
        }

    Returned text comes from `json.dumps` when the tree is shallow enough for
    it (the C encoder is faster); otherwise, and always for ``file``, from an
    iterative encoder that writes the same text in chunks.

    Complexity: O(size of the text); iterative.
    """
    if not isinstance(node, BaseNode):
        raise TypeError(f"to_json() needs a node, not {_build.short(node)}")
    items = _build.items_function(name_key, children_key, attrs, json=True)
    if file is None:
        try:  # the C encoder, when the tree is shallow and every value is plain
            plain = _build.items_function(name_key, children_key, attrs, json=False)
            data = _dicts(node, plain, children_key, _SHALLOW)
            if data is not None:
                return json.dumps(
                    data,
                    indent=indent,
                    separators=separators,
                    ensure_ascii=ensure_ascii,
                    default=default,
                )
        except (RecursionError, TypeError, ValueError):
            pass  # too deep for it, or a value it refuses: the encoder below says which node
    chunks = _jsoncodec.encode(
        node,
        lambda n: iter(items(n)),
        indent=indent,
        separators=separators,
        ensure_ascii=ensure_ascii,
        default=default,
    )
    if file is None:
        return "".join(chunks)
    while batch := list(itertools.islice(chunks, 4096)):
        file.write("".join(batch))
    return None
