"""Any JSON document as a tree: `JsonNode` and `load_json_tree` (exported by `boughs.formats`).

`boughs.formats.from_json` reads the ``{"name": ..., "children": [...]}``
shape that `to_json` writes and refuses anything else; `load_json_tree`
draws *any* JSON: what ``boughs show`` does with a ``.json`` file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

from rich.text import Text

from boughs import copying
from boughs.limits import DEFAULT_LIMITS, Limits, exceeded
from boughs.node import Node

__all__ = ["JsonNode", "load_json_tree", "tree_from_data"]

_NO_VALUE: Final[Any] = object()
_SCALARS: Final = (str, int, float, bool, type(None))


def _json_scalar(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(value: object) -> str:
    if isinstance(value, dict):
        return f"{{{len(value):,} keys}}"
    if isinstance(value, list):
        return f"[{len(value):,} items]"
    return _json_scalar(value, 30)


class JsonNode(Node):
    """A node read from JSON: a name (a key, an index or a ``"name"`` field),
    an optional scalar ``value``, and the ``extra`` fields of a named object.

    Examples:
        >>> from boughs import render_text
        >>> from boughs.formats import load_json_tree
        >>> print(render_text(load_json_tree('{"a": [1, {"b": null}]}', "doc")))
        doc
        └── a
            ├── [0]: 1
            └── [1]
                └── b: null
    """

    __slots__ = ("extra", "value")

    def __init__(self, name: object, value: object = _NO_VALUE, extra: Any = None) -> None:
        super().__init__(name)
        self.value = value
        self.extra = extra

    def tree_label(self) -> str:
        """The name, then ``: value`` for a scalar, as JSON shortened to 60 characters.

        Examples:
            >>> from boughs.formats import load_json_tree
            >>> tree = load_json_tree('{"port": 8080, "hosts": ["a"]}', "config")
            >>> [n.tree_label() for n in tree.walk()]
            ['config', 'port: 8080', 'hosts', '[0]: "a"']

        Complexity: O(1) for a node without a value; O(size of the value) for a
        scalar (it is written as JSON before it is shortened).
        """
        name = str(self.name)
        return name if self.value is _NO_VALUE else f"{name}: {_json_scalar(self.value)}"

    def rich_label(self) -> Text:
        """`tree_label` with the value coloured, then up to four ``extra`` fields, dimmed.

        Examples:
            >>> from boughs.formats import load_json_tree
            >>> tree = load_json_tree('{"name": "root", "id": 7, "tags": ["a", "b"]}', "t")
            >>> tree.rich_label().plain
            'root  id=7 tags=[2 items]'

        Complexity: O(number of extra fields), plus the size of the value and of
        the scalars shown.
        """
        label = Text(str(self.name), style="bold")
        if self.value is not _NO_VALUE:
            label.append(": ")
            label.append(_json_scalar(self.value), style="green")
        if self.extra:
            shown = list(self.extra.items())[:4]
            fields = " ".join(f"{k}={_summary(v)}" for k, v in shown)
            more = " …" if len(self.extra) > 4 else ""
            label.append(f"  {fields}{more}", style="dim")
        return label


def _is_named(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("name", _NO_VALUE), _SCALARS)
        and isinstance(value.get("children", []), list)
    )


def _make(key: object, value: Any) -> tuple[JsonNode, Iterable[tuple[object, Any]] | None]:
    """A node for ``value`` found under ``key``, and the entries of its children."""
    if _is_named(value):
        extra = {k: v for k, v in value.items() if k not in ("name", "children")}
        node = JsonNode(value["name"], extra=extra or None)
        kids = value.get("children", [])
        return node, (((f"[{i}]", v) for i, v in enumerate(kids)) if kids else None)
    if isinstance(value, dict):
        return JsonNode(key), (value.items() if value else None)
    if isinstance(value, list):
        return JsonNode(key), (((f"[{i}]", v) for i, v in enumerate(value)) if value else None)
    return JsonNode(key, value), None


def tree_from_data(data: Any, title: str, limits: Limits = DEFAULT_LIMITS) -> JsonNode:
    """Build a tree from parsed JSON ``data``; ``title`` names a root that has no name.

    Raises:
        LimitError: more nodes, or nodes deeper, than ``limits`` allow.

    Complexity: O(n) for n values, iterative.
    """
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    count = 1
    with copying.gc_paused():
        root, entries = _make(title, data)
        stack = [(root, entries, 0)]
        while stack:
            parent, entries, depth = stack.pop()
            if entries is None:
                continue
            if max_depth is not None and depth >= max_depth:
                raise exceeded("max_depth", max_depth, "values nested deeper than")
            kids = []
            for key, value in entries:
                child, grandchildren = _make(key, value)
                kids.append(child)
                if grandchildren is not None:
                    stack.append((child, grandchildren, depth + 1))
            count += len(kids)
            if max_nodes is not None and count > max_nodes:
                raise exceeded("max_nodes", max_nodes, "more values than")
            parent.extend(kids)
        return root


def load_json_tree(text: str, title: str, *, limits: Limits = DEFAULT_LIMITS) -> JsonNode:
    """Parse *any* JSON ``text`` into a tree of `JsonNode`s, for viewing.

    A ``{"name": ..., "children": [...]}`` object becomes a node with that
    name (its other fields are kept in ``extra``); any other object or array
    becomes a node named ``title``, its key or its index, with one child per
    entry; a scalar becomes a ``name: value`` leaf.

    Raises:
        FormatError: ``text`` is not JSON (the message gives line and column).
        LimitError: the document exceeds ``limits``.

    Examples:
        >>> from boughs import render_text
        >>> from boughs.formats import load_json_tree
        >>> print(render_text(load_json_tree('{"name": "r", "children": [1]}', "t")))
        r
        └── [0]: 1

    Complexity: O(len(text)); iterative however deep the document is nested.
    """
    from boughs.formats import parse_json_text

    limits.check_size(len(text), "the JSON text")
    return tree_from_data(parse_json_text(text, limits), title, limits)
