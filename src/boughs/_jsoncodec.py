"""JSON without recursion: a streaming tree encoder and a decoder for deep input.

Private to boughs; `boughs.formats` is the public face. The standard `json`
module recurses on nested data: `json.dumps` and `json.loads` fail with a
``RecursionError`` around a thousand levels. Here the encoder walks the tree
(and nested attribute values) with an explicit stack and writes exactly what
``json.dumps(to_dict(node))`` would, without building the dicts; the decoder
tries the fast C `json.loads` first and, only when that runs out of
recursion, parses with `loads_deep`, an explicit-stack parser that accepts
and rejects the same texts.
"""

from __future__ import annotations

import json
import json.decoder
import json.encoder
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from boughs.errors import LimitError

__all__ = ["Children", "encode", "loads", "loads_deep", "position"]

_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
_SIMPLE_STRING: Final = re.compile(r'"([^"\\\x00-\x1f]*)"')
_SIMPLE_KEY: Final = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_AFTER_VALUE: Final = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|([\]}]))?")
_NUMBER: Final = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")


def position(text: str, pos: int) -> tuple[int, int]:
    """1-based ``(line, column)`` of offset ``pos`` in ``text``, as `json` counts them."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - text.rfind("\n", 0, pos)


def loads(text: str, max_nesting: int | None = None) -> Any:
    """`json.loads`, falling back to `loads_deep` for input nested too deep for it.

    Raises:
        json.JSONDecodeError: ``text`` is not JSON.
        LimitError: containers nest deeper than ``max_nesting``.
        ValueError: a number too long to convert.

    Complexity: O(len(text)).
    """
    try:
        return json.loads(text)
    except RecursionError:  # deeper than the C scanner's recursion allows
        return loads_deep(text, max_nesting)


def loads_deep(text: str, max_nesting: int | None = None) -> Any:
    """`json.loads` without recursion, for documents nested too deep for it.

    Raises:
        json.JSONDecodeError: ``text`` is not JSON.
        LimitError: containers nest deeper than ``max_nesting``.

    Complexity: O(len(text)), several times slower than `json.loads`.
    """
    scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
    space = _WHITESPACE.match
    simple_key = _SIMPLE_KEY.match
    simple_string = _SIMPLE_STRING.match
    number_at = _NUMBER.match
    after_value = _AFTER_VALUE.match
    error = json.JSONDecodeError
    stack: list[tuple[Any, Any]] = []  # (open container, key awaiting its value or None)
    limit = -1 if max_nesting is None else max_nesting

    def key_at(pos: int) -> tuple[str, int]:
        fast = simple_key(text, pos)
        if fast is not None:
            return fast.group(1), fast.end()
        if text[pos : pos + 1] != '"':
            raise error("Expecting property name enclosed in double quotes", text, pos)
        key, pos = scanstring(text, pos + 1, True)
        pos = space(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise error("Expecting ':' delimiter", text, pos)
        return key, space(text, pos + 1).end()  # type: ignore[union-attr]

    def too_deep(pos: int) -> LimitError:
        line, column = position(text, pos)
        return LimitError(
            f"at line {line}, column {column}: JSON containers nested more than {limit:,} deep "
            "(max_depth allows 2 x max_depth + 64); pass limits=Limits(max_depth=...) to allow "
            "more, or Limits.unlimited() for trusted input",
            line=line,
            column=column,
        )

    pos = space(text, 0).end()  # type: ignore[union-attr]
    while True:
        char = text[pos : pos + 1]
        value: Any
        if char == "{":
            if len(stack) == limit:
                raise too_deep(pos)
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != "}":
                key, pos = key_at(pos)
                stack.append(({}, key))
                continue
            value, pos = {}, pos + 1
        elif char == "[":
            if len(stack) == limit:
                raise too_deep(pos)
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != "]":
                stack.append(([], None))
                continue
            value, pos = [], pos + 1
        elif char == '"':
            fast = simple_string(text, pos)
            if fast is not None:
                value, pos = fast.group(1), fast.end()
            else:
                value, pos = scanstring(text, pos + 1, True)
        elif (number := number_at(text, pos)) is not None:
            whole, fraction, exponent = number.groups()
            value = float(number.group()) if fraction or exponent else int(whole)
            pos = number.end()
        elif text.startswith("true", pos):
            value, pos = True, pos + 4
        elif text.startswith("false", pos):
            value, pos = False, pos + 5
        elif text.startswith("null", pos):
            value, pos = None, pos + 4
        elif text.startswith("NaN", pos):  # as json.loads allows
            value, pos = float("nan"), pos + 3
        elif text.startswith("Infinity", pos):
            value, pos = float("inf"), pos + 8
        elif text.startswith("-Infinity", pos):
            value, pos = float("-inf"), pos + 9
        else:
            raise error("Expecting value", text, pos)
        while True:  # a value is complete: give it to its container, closing those that end
            if not stack:
                end = space(text, pos).end()  # type: ignore[union-attr]
                if end != len(text):
                    raise error("Extra data", text, end)
                return value
            container, key = stack[-1]
            if key is None:
                container.append(value)
            else:
                container[key] = value
            found = after_value(text, pos)
            comma, closer = found.groups()  # type: ignore[union-attr]
            if comma:
                pos = found.end()  # type: ignore[union-attr]
                if key is not None:
                    key, pos = key_at(pos)
                    stack[-1] = (container, key)
                break
            pos = found.start(2) if closer else found.end()  # type: ignore[union-attr]
            if closer != ("]" if key is None else "}"):
                expected = "',' delimiter" if pos < len(text) else "a closing bracket"
                raise error(f"Expecting {expected}", text, pos)
            stack.pop()
            value, pos = container, pos + 1


# -------------------------------------------------------------- encoding --


class Children:
    """Marks a sequence of nodes that the encoder writes as nodes, not as values."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: Sequence[Any]) -> None:
        self.nodes = nodes


_PAIRS: Final = "pairs"
_VALUES: Final = "values"
_NODES: Final = "nodes"


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: object, owner: object) -> str:
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(
        f"keys must be str, int, float, bool or None, not {type(key).__name__} "
        f"(in the attributes of {owner!r})"
    )


def encode(
    top: Any,
    node_items: Callable[[Any], Iterator[tuple[str, Any]]],
    *,
    indent: int | str | None = None,
    separators: tuple[str, str] | None = None,
    ensure_ascii: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> Iterator[str]:
    """Yield the JSON text of node ``top``, in chunks, exactly as `json.dumps` would.

    ``node_items(node)`` gives a node's ``(key, value)`` pairs; a `Children`
    value is written as an array of nodes. Other values follow `json.dumps`
    (``default`` converts what it cannot write). Nothing recurses, so nested
    values and trees of any depth are fine.

    Raises:
        TypeError: a value (or key) JSON cannot represent, and no ``default``.
        ValueError: a container that contains itself.

    Complexity: O(size of the output).
    """
    quote = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    if isinstance(indent, int):
        indent = " " * indent
    if separators is not None:
        item_sep, key_sep = separators
    else:
        item_sep, key_sep = ("," if indent is not None else ", "), ": "
    # A frame: [items iterator, closer, id of a container value or 0, owner node, count, kind]
    stack: list[list[Any]] = [[iter(node_items(top)), "}", 0, top, 0, _PAIRS]]
    on_path: set[int] = set()
    parts = ["{"]
    append = parts.append
    float_repr, int_repr = _float, int.__repr__

    def scalar(value: Any) -> str | None:
        if isinstance(value, str):
            return quote(value)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return int_repr(value)
        if isinstance(value, float):
            return float_repr(value)
        return None

    def converted(value: Any, owner: Any) -> Any:
        """``value`` if JSON can hold it, else what ``default`` makes of it."""
        for _ in range(100):  # default() may return another value it must convert
            if isinstance(value, (list, tuple, dict)) or scalar(value) is not None:
                return value
            if default is None:
                break
            value = default(value)
        raise TypeError(
            f"Object of type {type(value).__name__} is not JSON serializable "
            f"(in the attributes of {owner!r}); pass default= to convert it"
        )

    while stack:
        if len(parts) > 8192:
            yield "".join(parts)
            parts.clear()
            append = parts.append
        frame = stack[-1]
        items, closer, mark, owner, count, kind = frame
        level = len(stack)
        newline = "" if indent is None else "\n" + indent * level
        pushed = False
        for item in items:
            if count:
                append(item_sep)
            count += 1
            if newline:
                append(newline)
            if kind is _NODES:
                stack.append([iter(node_items(item)), "}", 0, item, 0, _PAIRS])
                append("{")
                pushed = True
                break
            if kind is _PAIRS:
                key, value = item
                append(quote(key if key.__class__ is str else _key(key, owner)))
                append(key_sep)
            else:
                value = item
            cls = value.__class__
            if cls is str:
                append(quote(value))
            elif value is None:
                append("null")
            elif value is True:
                append("true")
            elif value is False:
                append("false")
            elif cls is int:
                append(int_repr(value))
            elif cls is float:
                append(float_repr(value))
            elif cls is Children:
                if not value.nodes:
                    append("[]")
                    continue
                stack.append([iter(value.nodes), "]", 0, owner, 0, _NODES])
                append("[")
                pushed = True
                break
            else:
                value = converted(value, owner)
                text = scalar(value)
                if text is not None:
                    append(text)
                elif not value:
                    append("{}" if isinstance(value, dict) else "[]")
                else:
                    ident = id(value)
                    if ident in on_path:
                        raise ValueError(
                            f"circular reference detected in the attributes of {owner!r}"
                        )
                    on_path.add(ident)
                    if isinstance(value, dict):
                        stack.append([iter(value.items()), "}", ident, owner, 0, _PAIRS])
                        append("{")
                    else:
                        stack.append([iter(value), "]", ident, owner, 0, _VALUES])
                        append("[")
                    pushed = True
                    break
        frame[4] = count
        if pushed:
            continue
        stack.pop()
        if mark:
            on_path.discard(mark)
        if newline and count:
            append("\n" + indent * (level - 1))  # type: ignore[operator]
        append(closer)
    yield "".join(parts)
